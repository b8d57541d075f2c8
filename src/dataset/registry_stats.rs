//! `registry_stats`: figures the national cancer registries publish.

use crate::dataset::table::{optional, required, Column, Row};
use crate::db::rows::RegistryStatRow;
use crate::db::{DbError, Storage};
use crate::domain::{vocabulary, Nation, Vocabulary};

use super::{stored, Dataset, Provenance};

vocabulary! {
    /// Which cancers a figure counts.
    pub enum Cancer("cancer") {
        AllCancers,
        AllCancersExclNmsc,
        AcuteLymphoblasticLeukaemia,
        Leukaemia,
    }
}

vocabulary! {
    /// What a figure measures.
    pub enum Measure("measure") {
        NewCasesPerYear,
        NewCasesPerDay,
        DeathsPerYear,
        #[serde(rename = "rate_per_100k")]
        #[strum(serialize = "rate_per_100k")]
        RatePer100k,
    }
}

vocabulary! {
    /// Whom a figure counts.
    pub enum Sex("sex") {
        All,
        Female,
        Male,
    }
}

/// One published figure.
#[derive(Debug, Clone, PartialEq)]
pub struct RegistryStat {
    pub nation: Nation,
    /// A year (`2022`) or a range of years (`2013-2017`).
    pub period: String,
    pub cancer: Cancer,
    /// `all_ages`, `N-M` or `N+`.
    pub age_band: String,
    pub sex: Sex,
    pub measure: Measure,
    pub value: f64,
    pub notes: String,
    pub provenance: Provenance,
}

impl RegistryStat {
    /// A stable order for figures of the same period.
    pub fn key_order(&self) -> (Cancer, &str, Sex, Measure) {
        (self.cancer, self.age_band.as_str(), self.sex, self.measure)
    }

    /// The last year the period covers (for choosing the latest figure).
    pub fn last_year(&self) -> i32 {
        self.period
            .rsplit('-')
            .next()
            .and_then(|y| y.parse().ok())
            .unwrap_or(0)
    }
}

pub(crate) fn parse_period(raw: &str) -> Result<String, String> {
    let year = |s: &str| s.len() == 4 && s.parse::<u16>().is_ok_and(|y| (1900..=2100).contains(&y));
    let ok = match raw.split_once('-') {
        None => year(raw),
        Some((a, b)) => year(a) && year(b) && a < b,
    };
    if ok {
        Ok(raw.to_string())
    } else {
        Err(format!(
            "'{raw}' is not a period; allowed: a year such as 2022 or a range such as 2013-2017"
        ))
    }
}

pub(crate) fn parse_age_band(raw: &str) -> Result<String, String> {
    let age = |s: &str| s.parse::<u8>().is_ok_and(|a| a <= 120);
    let ok = raw == "all_ages"
        || raw.strip_suffix('+').is_some_and(age)
        || raw
            .split_once('-')
            .is_some_and(|(a, b)| age(a) && age(b) && a.parse::<u8>().ok() < b.parse::<u8>().ok());
    if ok {
        Ok(raw.to_string())
    } else {
        Err(format!(
            "'{raw}' is not an age band; allowed: all_ages, a range such as 15-24, or 85+"
        ))
    }
}

fn parse_value(raw: &str) -> Result<f64, String> {
    match raw.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        Ok(v) => Err(format!("{v} is negative; a figure must be 0 or more")),
        Err(_) => Err(format!(
            "'{raw}' is not a number; write digits without commas, e.g. 346217"
        )),
    }
}

impl Dataset for RegistryStat {
    const NAME: &'static str = "registry_stats";
    const FILE: &'static str = "registry_stats.csv";
    const KEY_COLUMN: &'static str = "measure";
    const COLUMNS: &'static [Column] = &[
        required("nation"),
        required("period"),
        required("cancer"),
        required("age_band"),
        required("sex"),
        required("measure"),
        required("value"),
        optional("notes"),
        required("source"),
        required("last_verified"),
        optional("unverified"),
    ];

    fn from_row(row: &mut Row<'_>) -> Option<Self> {
        let nation = row.parse("nation", Nation::parse);
        let period = row.parse("period", parse_period);
        let cancer = row.parse("cancer", Cancer::parse);
        let age_band = row.parse("age_band", parse_age_band);
        let sex = row.parse("sex", Sex::parse);
        let measure = row.parse("measure", Measure::parse);
        let value = row.parse("value", parse_value);
        let provenance = Provenance::from_row::<Self>(row);
        Some(Self {
            nation: nation?,
            period: period?,
            cancer: cancer?,
            age_band: age_band?,
            sex: sex?,
            measure: measure?,
            value: value?,
            notes: row.text("notes"),
            provenance: provenance?,
        })
    }

    /// Nation, period, cancer, age band, sex and measure together identify a figure.
    fn key(&self) -> String {
        format!(
            "{}/{}/{}/{}/{}/{}",
            self.nation, self.period, self.cancer, self.age_band, self.sex, self.measure
        )
    }

    fn load<C: Storage>(conn: &mut C) -> Result<Vec<Self>, DbError> {
        conn.load_registry_stats()?
            .into_iter()
            .map(|r| {
                Ok(Self {
                    nation: stored(&r.nation)?,
                    cancer: stored(&r.cancer)?,
                    sex: stored(&r.sex)?,
                    measure: stored(&r.measure)?,
                    provenance: Provenance::from_stored(r.source, &r.last_verified, &r.unverified)?,
                    period: r.period,
                    age_band: r.age_band,
                    value: r.value,
                    notes: r.notes,
                })
            })
            .collect()
    }

    fn replace<C: Storage>(conn: &mut C, rows: &[Self]) -> Result<(), DbError> {
        let rows: Vec<RegistryStatRow> = rows
            .iter()
            .map(|s| RegistryStatRow {
                id: s.key(),
                nation: s.nation.to_string(),
                period: s.period.clone(),
                cancer: s.cancer.as_str().to_string(),
                age_band: s.age_band.clone(),
                sex: s.sex.as_str().to_string(),
                measure: s.measure.as_str().to_string(),
                value: s.value,
                notes: s.notes.clone(),
                source: s.provenance.source.clone(),
                last_verified: s.provenance.last_verified_text(),
                unverified: s.provenance.unverified_text(),
            })
            .collect();
        conn.replace_registry_stats(&rows)
    }
}
