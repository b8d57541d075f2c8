//! `referral_rules`: where a young person should be treated, by nation and age.

use std::collections::BTreeMap;

use crate::dataset::table::{optional, required, Column, Row, RowError};
use crate::db::rows::ReferralRuleRow;
use crate::db::{DbError, Storage};
use crate::domain::{parse_age, vocabulary, AgeRange, Nation, Vocabulary};

use super::{parse_id, review_text, stored, stored_review, welsh_columns, Dataset, Provenance};
use crate::i18n::{Bilingual, Review};

vocabulary! {
    /// The kind of place a rule sends a young person to.
    pub enum Setting("setting") {
        ChildrensPtc,
        TyaPtc,
        TyaPtcOrDesignatedHospital,
        AdultCancerCentre,
    }
}

/// One age band's rule in one nation.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferralRule {
    pub id: String,
    pub nation: Nation,
    pub ages: AgeRange,
    pub setting: Setting,
    pub rule: String,
    pub details: String,
    pub welsh: RuleWelsh,
    pub provenance: Provenance,
}

/// A rule's Welsh text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RuleWelsh {
    pub rule: String,
    pub details: String,
    pub review: Option<Review>,
}

impl Bilingual for RuleWelsh {
    fn has_welsh(&self) -> bool {
        !self.rule.is_empty()
    }
    fn review(&self) -> Option<Review> {
        self.review
    }
}

impl Dataset for ReferralRule {
    const NAME: &'static str = "referral_rules";
    const FILE: &'static str = "referral_rules.csv";
    const KEY_COLUMN: &'static str = "id";
    const COLUMNS: &'static [Column] = &[
        required("id"),
        required("nation"),
        required("age_min"),
        required("age_max"),
        required("setting"),
        required("rule"),
        optional("details"),
        optional("rule_cy"),
        optional("details_cy"),
        optional("welsh_review"),
        required("source"),
        required("last_verified"),
        optional("unverified"),
    ];

    fn from_row(row: &mut Row<'_>) -> Option<Self> {
        let id = row.parse("id", parse_id);
        let nation = row.parse("nation", Nation::parse);
        let age_min = row.parse("age_min", parse_age);
        let age_max = row.parse("age_max", parse_age);
        let setting = row.parse("setting", Setting::parse);
        let rule = row.required("rule");
        let welsh = welsh_columns(row, &[("rule", true), ("details", false)]);
        let provenance = Provenance::from_row::<Self>(row);
        let ages = match AgeRange::new(age_min?, age_max?) {
            Ok(r) => r,
            Err(e) => {
                row.error("age_max", e);
                return None;
            }
        };
        Some(Self {
            id: id?,
            nation: nation?,
            ages,
            setting: setting?,
            rule: rule?,
            details: row.text("details"),
            welsh: welsh.map(|(t, review)| RuleWelsh {
                rule: t[0].clone(),
                details: t[1].clone(),
                review,
            })?,
            provenance: provenance?,
        })
    }

    fn key(&self) -> String {
        self.id.clone()
    }

    /// Within a nation, age bands must not overlap or leave gaps between them.
    fn check_rows(rows: &[(u64, Self)], errors: &mut Vec<RowError>) {
        let mut by_nation: BTreeMap<Nation, Vec<(u64, AgeRange)>> = BTreeMap::new();
        for (line, r) in rows {
            by_nation.entry(r.nation).or_default().push((*line, r.ages));
        }
        for (nation, mut bands) in by_nation {
            bands.sort_by_key(|(_, a)| a.min());
            for pair in bands.windows(2) {
                let ((_, a), (line, b)) = (pair[0], pair[1]);
                let message = if b.min() <= a.max() {
                    format!(
                        "ages {}-{} overlap ages {}-{} of another {nation} rule; each age must have one rule",
                        b.min(), b.max(), a.min(), a.max()
                    )
                } else if b.min() > a.max() + 1 {
                    format!(
                        "ages {}-{} of {nation} have no rule (gap before this band); bands must follow on",
                        a.max() + 1,
                        b.min() - 1
                    )
                } else {
                    continue;
                };
                errors.push(RowError::at_line(line, message));
            }
        }
    }

    fn load<C: Storage>(conn: &mut C) -> Result<Vec<Self>, DbError> {
        conn.load_referral_rules()?
            .into_iter()
            .map(|r| {
                let ages = AgeRange::new(
                    u8::try_from(r.age_min).map_err(|e| DbError::Corrupt(e.to_string()))?,
                    u8::try_from(r.age_max).map_err(|e| DbError::Corrupt(e.to_string()))?,
                )
                .map_err(DbError::Corrupt)?;
                Ok(Self {
                    nation: stored(&r.nation)?,
                    setting: stored(&r.setting)?,
                    provenance: Provenance::from_stored(r.source, &r.last_verified, &r.unverified)?,
                    ages,
                    id: r.id,
                    welsh: RuleWelsh {
                        review: stored_review(&r.welsh_review)?,
                        rule: r.rule_cy,
                        details: r.details_cy,
                    },
                    rule: r.rule,
                    details: r.details,
                })
            })
            .collect()
    }

    fn replace<C: Storage>(conn: &mut C, rows: &[Self]) -> Result<(), DbError> {
        let rows: Vec<ReferralRuleRow> = rows
            .iter()
            .map(|r| ReferralRuleRow {
                id: r.id.clone(),
                nation: r.nation.to_string(),
                age_min: i32::from(r.ages.min()),
                age_max: i32::from(r.ages.max()),
                setting: r.setting.to_string(),
                rule: r.rule.clone(),
                details: r.details.clone(),
                rule_cy: r.welsh.rule.clone(),
                details_cy: r.welsh.details.clone(),
                welsh_review: review_text(r.welsh.review),
                source: r.provenance.source.clone(),
                last_verified: r.provenance.last_verified_text(),
                unverified: r.provenance.unverified_text(),
            })
            .collect();
        conn.replace_referral_rules(&rows)
    }
}
