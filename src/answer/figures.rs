//! Registry figures beside a registry: the latest published numbers for a nation that match the
//! question asked (all cancers; the condition asked about; the age band of the age given).

use serde::Serialize;
use utoipa::ToSchema;

use crate::dataset::{Cancer, Measure, RegistryStat, Sex};
use crate::domain::Nation;
use crate::index::Snapshot;

/// What a question is about, for choosing figures.
#[derive(Debug, Clone, Copy, Default)]
pub struct FigureQuery {
    /// The condition asked about, if any.
    pub cancer: Option<Cancer>,
    /// The patient's age, if given.
    pub age: Option<u8>,
}

/// One published figure.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FigureView {
    /// In an answer, why this figure is shown: `all_cancers`, `condition` or `age_band`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answers: Option<&'static str>,
    pub cancer: Cancer,
    pub age_band: String,
    pub sex: Sex,
    pub measure: Measure,
    /// A year (`2022`) or a range of years (`2013-2017`).
    pub period: String,
    pub value: f64,
    pub notes: String,
    pub source: String,
    pub last_verified: String,
    pub unverified: Vec<String>,
}

impl FigureView {
    pub fn new(answers: Option<&'static str>, s: &RegistryStat) -> Self {
        Self {
            answers,
            cancer: s.cancer,
            age_band: s.age_band.clone(),
            sex: s.sex,
            measure: s.measure,
            period: s.period.clone(),
            value: s.value,
            notes: s.notes.clone(),
            source: s.provenance.source.clone(),
            last_verified: s.provenance.last_verified_text(),
            unverified: s.provenance.unverified.clone(),
        }
    }
}

/// Does an age band (`all_ages`, `15-24`, `85+`) include `age`?
pub fn band_contains(band: &str, age: u8) -> bool {
    if let Some(lo) = band.strip_suffix('+') {
        return lo.parse::<u8>().is_ok_and(|lo| age >= lo);
    }
    match band.split_once('-') {
        Some((lo, hi)) => match (lo.parse::<u8>(), hi.parse::<u8>()) {
            (Ok(lo), Ok(hi)) => (lo..=hi).contains(&age),
            _ => false,
        },
        None => false,
    }
}

/// The latest new-cases-a-year figure (everyone, both sexes) among those `accept` allows.
fn latest(
    stats: &[RegistryStat],
    nation: Nation,
    accept: impl Fn(&RegistryStat) -> bool,
) -> Option<&RegistryStat> {
    stats
        .iter()
        .filter(|s| s.nation == nation && s.sex == Sex::All)
        .filter(|s| s.measure == Measure::NewCasesPerYear)
        .filter(|s| accept(s))
        .max_by_key(|s| (s.last_year(), std::cmp::Reverse(s.period.len())))
}

/// The latest all-ages figure for all cancers, with or without non-melanoma skin cancer: the
/// newest period wins, and of two for the same period the one that counts every cancer.
fn latest_all_cancers(stats: &[RegistryStat], nation: Nation) -> Option<&RegistryStat> {
    let of = |cancer: Cancer| {
        latest(stats, nation, |s| {
            s.cancer == cancer && s.age_band == "all_ages"
        })
    };
    match (of(Cancer::AllCancers), of(Cancer::AllCancersExclNmsc)) {
        (Some(all), Some(excl)) if excl.last_year() > all.last_year() => Some(excl),
        (Some(all), _) => Some(all),
        (None, excl) => excl,
    }
}

/// A figure in words: `346,217 new diagnoses a year (all cancers, all ages, 2022)`.
pub fn describe(f: &FigureView) -> String {
    let value = if f.value.fract() == 0.0 {
        group_thousands(f.value as u64)
    } else {
        format!("{:.1}", f.value)
    };
    let what = match f.measure {
        Measure::NewCasesPerYear => crate::tr!("measure-new-cases-per-year"),
        Measure::NewCasesPerDay => crate::tr!("measure-new-cases-per-day"),
        Measure::DeathsPerYear => crate::tr!("measure-deaths-per-year"),
        Measure::RatePer100k => crate::tr!("measure-rate-per-100k"),
    };
    let ages = if f.age_band == "all_ages" {
        crate::tr!("figure-all-ages")
    } else {
        crate::tr!("figure-ages", band = f.age_band.as_str())
    };
    let sex = match f.sex {
        Sex::All => String::new(),
        Sex::Male => format!(", {}", crate::tr!("sex-male")),
        Sex::Female => format!(", {}", crate::tr!("sex-female")),
    };
    format!(
        "{value} {what} ({}, {ages}{sex}, {})",
        cancer_plain(f.cancer),
        f.period
    )
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Figures of one nation, filtered, newest first.
pub fn list(
    snapshot: &Snapshot,
    nation: Nation,
    cancer: Option<Cancer>,
    age_band: Option<&str>,
    period: Option<&str>,
) -> Vec<FigureView> {
    let mut found: Vec<&RegistryStat> = snapshot
        .stats
        .iter()
        .filter(|s| s.nation == nation)
        .filter(|s| cancer.is_none_or(|c| s.cancer == c))
        .filter(|s| age_band.is_none_or(|b| s.age_band == b))
        .filter(|s| period.is_none_or(|p| s.period == p))
        .collect();
    found.sort_by(|a, b| {
        b.last_year()
            .cmp(&a.last_year())
            .then_with(|| a.key_order().cmp(&b.key_order()))
    });
    found
        .into_iter()
        .map(|s| FigureView::new(None, s))
        .collect()
}

fn cancer_plain(c: Cancer) -> String {
    match c {
        Cancer::AllCancers => crate::tr!("cancer-all"),
        Cancer::AllCancersExclNmsc => crate::tr!("cancer-all-excl-nmsc"),
        Cancer::AcuteLymphoblasticLeukaemia => crate::tr!("cancer-all-leukaemia"),
        Cancer::Leukaemia => crate::tr!("cancer-leukaemia"),
    }
}

/// The figures for `nation` that answer `q`, and a note for each part we have no figure for.
pub fn figures_for(
    snapshot: &Snapshot,
    nation: Nation,
    q: &FigureQuery,
) -> (Vec<FigureView>, Vec<String>) {
    let stats = &snapshot.stats;
    let mut figures = Vec::new();
    let mut missing = Vec::new();
    let all = latest_all_cancers(stats, nation);
    match all {
        Some(s) => figures.push(FigureView::new(Some("all_cancers"), s)),
        None => missing.push(crate::tr!(
            "figure-missing-all",
            nation = nation.display_name()
        )),
    }
    if let Some(cancer) = q.cancer.filter(|c| !matches!(c, Cancer::AllCancers)) {
        match latest(stats, nation, |s| s.cancer == cancer) {
            Some(s) => figures.push(FigureView::new(Some("condition"), s)),
            None => missing.push(crate::tr!(
                "figure-missing-cancer",
                cancer = cancer_plain(cancer),
                nation = nation.display_name()
            )),
        }
    }
    if let Some(age) = q.age {
        let cancer = q.cancer.unwrap_or(Cancer::AllCancers);
        let in_band =
            |s: &RegistryStat| s.age_band != "all_ages" && band_contains(&s.age_band, age);
        let found = latest(stats, nation, |s| s.cancer == cancer && in_band(s)).or_else(|| {
            latest(stats, nation, |s| {
                matches!(s.cancer, Cancer::AllCancers | Cancer::AllCancersExclNmsc) && in_band(s)
            })
        });
        match found {
            Some(s) => figures.push(FigureView::new(Some("age_band"), s)),
            None => missing.push(crate::tr!(
                "figure-missing-age",
                age = age,
                nation = nation.display_name()
            )),
        }
    }
    (figures, missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(group_thousands(346217), "346,217");
        assert_eq!(group_thousands(51), "51");
        assert_eq!(group_thousands(1000), "1,000");
    }

    fn stat(period: &str, cancer: Cancer, value: f64) -> RegistryStat {
        RegistryStat {
            nation: Nation::Wales,
            period: period.into(),
            cancer,
            age_band: "all_ages".into(),
            sex: Sex::All,
            measure: Measure::NewCasesPerYear,
            value,
            notes: String::new(),
            provenance: crate::dataset::Provenance {
                source: "https://example.org/".into(),
                last_verified: chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
                unverified: vec![],
            },
        }
    }

    #[test]
    fn the_newest_all_cancers_figure_wins_whether_or_not_it_counts_skin_cancer() {
        let older_all = stat("2015", Cancer::AllCancers, 1.0);
        let newer_excl = stat("2021", Cancer::AllCancersExclNmsc, 2.0);
        let stats = vec![older_all.clone(), newer_excl.clone()];
        assert_eq!(latest_all_cancers(&stats, Nation::Wales), Some(&newer_excl));
        // The same period both ways: the figure that counts every cancer.
        let same_all = stat("2021", Cancer::AllCancers, 3.0);
        let stats = vec![newer_excl.clone(), same_all.clone()];
        assert_eq!(latest_all_cancers(&stats, Nation::Wales), Some(&same_all));
        // Only one kind, or none.
        assert_eq!(
            latest_all_cancers(std::slice::from_ref(&older_all), Nation::Wales),
            Some(&older_all)
        );
        assert_eq!(latest_all_cancers(&[older_all], Nation::Scotland), None);
    }

    #[test]
    fn age_bands() {
        assert!(band_contains("15-24", 15));
        assert!(band_contains("15-24", 24));
        assert!(!band_contains("15-24", 25));
        assert!(band_contains("85+", 90));
        assert!(!band_contains("85+", 84));
        assert!(!band_contains("all_ages", 30));
    }
}
