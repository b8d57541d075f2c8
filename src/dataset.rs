//! The directory's datasets: what a row of each is, how a CSV row becomes one (with every
//! problem named by line and column), and how it is stored.

mod centres;
mod districts;
mod family;
mod places;
mod postcode_areas;
mod referral_rules;
mod registries;
mod registry_stats;
pub mod table;
mod treatment;

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::db::{DbError, Storage};
use crate::i18n::Review;
use table::{read_records, Column, Header, Row, RowError};

pub use centres::{parse_unit_website as check_unit_website, Centre};
pub use districts::District;
pub use family::{FamilyInfo, Sourced};
pub use places::Place;
pub use postcode_areas::PostcodeArea;
pub use referral_rules::{ReferralRule, Setting};
pub use registries::Registry;

pub use registry_stats::{Cancer, Measure, RegistryStat, Sex};
pub use treatment::TreatmentTopic;

/// A reloadable dataset of the directory.
pub trait Dataset: Sized + Clone + PartialEq + Send + Sync + 'static {
    /// The dataset's name in the CLI, the API and the import history.
    const NAME: &'static str;
    /// The file shipped in `data/`.
    const FILE: &'static str;
    /// The columns a file may have.
    const COLUMNS: &'static [Column];
    /// The column holding each row's unique key.
    const KEY_COLUMN: &'static str;

    /// Turn one CSV row into a record, recording problems on the row.
    fn from_row(row: &mut Row<'_>) -> Option<Self>;

    /// The row's unique key (id, slug, nation...).
    fn key(&self) -> String;

    /// Checks across rows (coverage, overlaps), after every row parsed.
    fn check_rows(_rows: &[(u64, Self)], _errors: &mut Vec<RowError>) {}

    fn load<C: Storage>(conn: &mut C) -> Result<Vec<Self>, DbError>;
    fn replace<C: Storage>(conn: &mut C, rows: &[Self]) -> Result<(), DbError>;
}

/// Names of every dataset, in load order.
pub const DATASET_NAMES: &[&str] = &[
    Registry::NAME,
    TreatmentTopic::NAME,
    ReferralRule::NAME,
    PostcodeArea::NAME,
    District::NAME,
    Place::NAME,
    FamilyInfo::NAME,
    RegistryStat::NAME,
    Centre::NAME,
];

/// Parse and validate a whole file. Either every row is good, or every problem is returned.
pub fn parse_file<D: Dataset>(bytes: &[u8]) -> Result<Vec<D>, Vec<RowError>> {
    let (raw_header, raw_rows) = read_records(bytes)?;
    let header = Header::check(&raw_header, D::COLUMNS)?;
    let mut errors = Vec::new();
    let mut parsed: Vec<(u64, D)> = Vec::with_capacity(raw_rows.len());
    for (line, cells) in &raw_rows {
        let mut row = Row::new(*line, cells, &header, &mut errors);
        let record = D::from_row(&mut row);
        if let (Some(record), false) = (record, row.failed()) {
            parsed.push((*line, record));
        }
    }
    if raw_rows.is_empty() {
        errors.push(RowError::at_line(
            2,
            format!(
                "the file has a header but no data rows; a {} file must list at least one row",
                D::NAME
            ),
        ));
    }
    let mut first_seen: HashMap<String, u64> = HashMap::new();
    for (line, record) in &parsed {
        if let Some(first) = first_seen.insert(record.key(), *line) {
            first_seen.insert(record.key(), first);
            errors.push(RowError {
                line: *line,
                column: header.position(D::KEY_COLUMN).map(|i| i + 1),
                column_name: Some(D::KEY_COLUMN.to_string()),
                message: format!(
                    "duplicate {} '{}' (first on line {first}); each must be unique",
                    D::KEY_COLUMN,
                    record.key()
                ),
            });
        }
    }
    if errors.is_empty() {
        D::check_rows(&parsed, &mut errors);
    }
    if errors.is_empty() {
        Ok(parsed.into_iter().map(|(_, r)| r).collect())
    } else {
        errors.sort_by_key(|e| (e.line, e.column));
        Err(errors)
    }
}

// ---- Welsh text -------------------------------------------------------------------------

/// A row's Welsh columns (`<column>_cy`) as given, and the row's `welsh_review`.
///
/// `pairs` names each English column with whether its Welsh is required once the row has Welsh.
/// A row has Welsh or not: a row marked `welsh_review` must have every required Welsh column, a
/// row with Welsh must say whether it is reviewed, and a Welsh cell needs its English cell.
pub fn welsh_columns(
    row: &mut Row<'_>,
    pairs: &[(&str, bool)],
) -> Option<(Vec<String>, Option<Review>)> {
    let review = row.optional("welsh_review", Review::parse);
    let texts: Vec<String> = pairs
        .iter()
        .map(|(english, _)| row.text(&format!("{english}_cy")))
        .collect();
    let review = review?;
    let any = texts.iter().any(|t| !t.is_empty());
    let mut ok = true;
    for ((english, required), welsh) in pairs.iter().zip(&texts) {
        let column = format!("{english}_cy");
        if welsh.is_empty() && *required && (any || review.is_some()) {
            row.error(
                &column,
                format!("is empty; a row with Welsh text must have its Welsh {english}"),
            );
            ok = false;
        } else if !welsh.is_empty() && row.text(english).is_empty() {
            row.error(
                &column,
                format!("has Welsh text but {english} is empty; give the English too"),
            );
            ok = false;
        }
    }
    if any && review.is_none() {
        row.error(
            "welsh_review",
            "is empty; a row with Welsh text must say reviewed or not_reviewed (by a Welsh-speaking clinician)",
        );
        ok = false;
    }
    ok.then_some((texts, review))
}

// ---- cell parsers shared by the datasets -------------------------------------------------

/// A stable identifier: letters, digits, `-` and `_`, up to 64 characters.
pub(crate) fn parse_id(raw: &str) -> Result<String, String> {
    let ok = !raw.is_empty()
        && raw.len() <= 64
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(raw.to_string())
    } else {
        Err(format!(
            "'{raw}' is not a valid id; allowed: 1 to 64 letters, digits, '-' or '_'"
        ))
    }
}

/// A lowercase slug for URLs: `a-z`, `0-9` and `-`.
pub(crate) fn parse_slug(raw: &str) -> Result<String, String> {
    let ok = !raw.is_empty()
        && raw.len() <= 80
        && raw
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(raw.to_string())
    } else {
        Err(format!(
            "'{raw}' is not a valid slug; allowed: lowercase letters, digits and '-'"
        ))
    }
}

/// A calendar date written YYYY-MM-DD.
pub(crate) fn parse_date(raw: &str) -> Result<NaiveDate, String> {
    let bad = || format!("'{raw}' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-28");
    if raw.len() != 10 {
        return Err(bad());
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| bad())
}

/// An http(s) URL without spaces.
pub(crate) fn parse_url(raw: &str) -> Result<String, String> {
    let lower = raw.to_ascii_lowercase();
    let has_host = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .is_some_and(|rest| rest.split('/').next().is_some_and(|h| h.contains('.')));
    if has_host && !raw.chars().any(char::is_whitespace) {
        Ok(raw.to_string())
    } else {
        Err(format!(
            "'{raw}' is not a web address; allowed: an http:// or https:// URL"
        ))
    }
}

/// A UK telephone number: digits with spaces, brackets or dashes, 10 or 11 digits (or +44...).
pub(crate) fn parse_phone(raw: &str) -> Result<String, String> {
    let allowed = raw
        .chars()
        .all(|c| c.is_ascii_digit() || " ()-+".contains(c));
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    let national = if raw.trim_start().starts_with('+') {
        digits.strip_prefix("44").map(|d| format!("0{d}"))
    } else {
        Some(digits)
    };
    match national {
        Some(d) if allowed && d.starts_with('0') && (10..=11).contains(&d.len()) => {
            Ok(raw.to_string())
        }
        _ => Err(format!(
            "'{raw}' is not a UK phone number; write it like 0113 243 3144 or +44 113 243 3144"
        )),
    }
}

/// A source: at least one http(s) URL among `;`-separated references.
pub(crate) fn parse_source(raw: &str) -> Result<String, String> {
    if raw
        .split(';')
        .map(str::trim)
        .any(|part| parse_url(part).is_ok())
    {
        Ok(raw.to_string())
    } else {
        Err("has no http(s) URL; every row must cite where its facts come from".to_string())
    }
}

/// An integer within bounds.
pub(crate) fn parse_int(raw: &str, min: i64, max: i64) -> Result<i64, String> {
    match raw.parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        Ok(n) => Err(format!("{n} is out of range; allowed: {min} to {max}")),
        Err(_) => Err(format!(
            "'{raw}' is not a whole number; allowed: {min} to {max}"
        )),
    }
}

/// The `unverified` column: a `;`-separated list of this dataset's column names.
pub(crate) fn parse_unverified<D: Dataset>(raw: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for name in raw.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let name = name.to_ascii_lowercase();
        if !D::COLUMNS.iter().any(|c| c.name == name) {
            return Err(format!(
                "'{name}' is not a column of {}; list the columns whose values are not verified, separated by ';'",
                D::NAME
            ));
        }
        out.push(name);
    }
    Ok(out)
}

/// Provenance every row carries.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Provenance {
    pub source: String,
    pub last_verified: NaiveDate,
    /// Columns whose values are not verified against the source.
    pub unverified: Vec<String>,
}

impl Provenance {
    pub(crate) fn from_row<D: Dataset>(row: &mut Row<'_>) -> Option<Self> {
        let source = row.parse("source", parse_source);
        let last_verified = row.parse("last_verified", parse_date);
        let unverified = row.optional("unverified", parse_unverified::<D>);
        Some(Self {
            source: source?,
            last_verified: last_verified?,
            unverified: unverified?.unwrap_or_default(),
        })
    }

    pub(crate) fn from_stored(
        source: String,
        last_verified: &str,
        unverified: &str,
    ) -> Result<Self, DbError> {
        Ok(Self {
            source,
            last_verified: parse_date(last_verified).map_err(DbError::Corrupt)?,
            unverified: unverified
                .split(';')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        })
    }

    pub(crate) fn last_verified_text(&self) -> String {
        self.last_verified.format("%Y-%m-%d").to_string()
    }

    pub(crate) fn unverified_text(&self) -> String {
        self.unverified.join(";")
    }
}

/// Turn a stored vocabulary value back into its type.
/// A stored `welsh_review` ("" when the row has no Welsh).
pub(crate) fn stored_review(raw: &str) -> Result<Option<Review>, DbError> {
    (!raw.is_empty()).then(|| stored(raw)).transpose()
}

/// `welsh_review` as stored.
pub(crate) fn review_text(review: Option<Review>) -> String {
    review.map(|r| r.as_str().to_string()).unwrap_or_default()
}

pub(crate) fn stored<T>(raw: &str) -> Result<T, DbError>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    raw.parse()
        .map_err(|e| DbError::Corrupt(format!("'{raw}': {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_parsers_explain_what_is_allowed() {
        assert!(parse_id("cc-christie").is_ok());
        assert!(parse_id("bad id").unwrap_err().contains("allowed"));
        assert!(parse_slug("Bad").is_err());
        assert!(parse_date("2026-11-28").is_ok());
        assert!(parse_date("28/11/2026").unwrap_err().contains("YYYY-MM-DD"));
        assert!(parse_date("2026-02-30").is_err());
        assert!(parse_url("https://www.nhs.uk/x").is_ok());
        assert!(parse_url("www.nhs.uk").is_err());
        assert!(parse_phone("0161 446 3000").is_ok());
        assert!(parse_phone("+44 161 446 3000").is_ok());
        assert!(parse_phone("call us").is_err());
        assert!(parse_phone("12345").is_err());
        assert!(parse_source("NHS page ; https://www.england.nhs.uk/").is_ok());
        assert!(parse_source("general knowledge").is_err());
        assert_eq!(
            parse_int("7", 0, 5).unwrap_err(),
            "7 is out of range; allowed: 0 to 5"
        );
    }
}
