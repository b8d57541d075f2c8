//! The data health report (`centre-directory check-data`, `GET /api/v1/data-health`): per
//! dataset the rows, how many cite a source, the values no source confirms and the rows not
//! checked for more than a year; and the rules the data must keep across datasets, each broken
//! one named.

use std::collections::HashSet;
use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::dataset::Provenance;
use crate::i18n::{Bilingual, Review};
use crate::index::Snapshot;

/// Rows older than this many days are reported as not checked recently.
pub const STALE_AFTER_DAYS: i64 = 365;

/// One dataset's figures.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DatasetHealth {
    pub dataset: &'static str,
    pub rows: usize,
    /// Rows (or, for `family`, values) citing at least one web page.
    pub with_source: usize,
    /// `with_source` as a share of the rows (0 to 1).
    pub share_with_source: f64,
    /// Values listed as not confirmed by a source (in `unverified`).
    pub unverified_values: usize,
    /// Rows last verified more than a year ago.
    pub not_verified_for_a_year: usize,
    /// The oldest `last_verified` date.
    pub oldest_check: Option<String>,
    /// For the datasets with Welsh columns: how many rows have their Welsh, and how many of
    /// those a Welsh-speaking clinician has reviewed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub welsh: Option<WelshHealth>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WelshHealth {
    pub rows_with_welsh: usize,
    pub reviewed: usize,
}

impl WelshHealth {
    fn of<'a, B: Bilingual + 'a>(rows: impl Iterator<Item = &'a B>) -> Option<Self> {
        let mut health = WelshHealth {
            rows_with_welsh: 0,
            reviewed: 0,
        };
        for row in rows.filter(|r| r.has_welsh()) {
            health.rows_with_welsh += 1;
            if row.review() == Some(Review::Reviewed) {
                health.reviewed += 1;
            }
        }
        Some(health)
    }
}

/// The whole report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DataHealth {
    pub checked_on: String,
    pub datasets: Vec<DatasetHealth>,
    /// Rules the data breaks, in words; none when it is healthy.
    pub broken_rules: Vec<String>,
}

fn figures<'a>(
    dataset: &'static str,
    rows: impl Iterator<Item = &'a Provenance>,
    today: NaiveDate,
) -> DatasetHealth {
    let mut health = DatasetHealth {
        dataset,
        rows: 0,
        with_source: 0,
        share_with_source: 0.0,
        unverified_values: 0,
        not_verified_for_a_year: 0,
        oldest_check: None,
        welsh: None,
    };
    let mut oldest: Option<NaiveDate> = None;
    for p in rows {
        health.rows += 1;
        if p.source.contains("http") {
            health.with_source += 1;
        }
        health.unverified_values += p.unverified.len();
        if (today - p.last_verified).num_days() > STALE_AFTER_DAYS {
            health.not_verified_for_a_year += 1;
        }
        oldest = Some(oldest.map_or(p.last_verified, |o| o.min(p.last_verified)));
    }
    health.share_with_source = share(health.with_source, health.rows);
    health.oldest_check = oldest.map(|d| d.format("%Y-%m-%d").to_string());
    health
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        (part as f64 / whole as f64 * 1000.0).round() / 1000.0
    }
}

/// The report on the snapshot in force; `reference` is the folder of the lists the directory
/// is checked against (`data/reference`), when it is at hand.
pub fn report(snapshot: &Snapshot, reference: Option<&Path>, today: NaiveDate) -> DataHealth {
    let mut datasets = vec![
        figures(
            "centres",
            snapshot.centres().iter().map(|c| &c.provenance),
            today,
        ),
        figures(
            "registries",
            snapshot.registries.values().map(|r| &r.provenance),
            today,
        ),
        figures(
            "treatment",
            snapshot.topics.iter().map(|t| &t.provenance),
            today,
        ),
        figures(
            "referral_rules",
            snapshot.referral_rules.iter().map(|r| &r.provenance),
            today,
        ),
        figures(
            "postcode_areas",
            snapshot.areas.values().map(|a| &a.provenance),
            today,
        ),
        figures(
            "registry_stats",
            snapshot.stats.iter().map(|s| &s.provenance),
            today,
        ),
        figures(
            "postcode_districts",
            snapshot.districts.values().map(|d| &d.provenance),
            today,
        ),
        figures(
            "places",
            snapshot.places.places().iter().map(|p| &p.provenance),
            today,
        ),
    ];
    // family: each value cites its own pages.
    let values: Vec<bool> = snapshot
        .family
        .values()
        .flat_map(|f| {
            [
                &f.accommodation,
                &f.parking,
                &f.public_transport,
                &f.travel_costs,
            ]
        })
        .flatten()
        .map(|v| v.source.contains("http"))
        .collect();
    let oldest = snapshot.family.values().map(|f| f.last_verified).min();
    datasets.push(DatasetHealth {
        dataset: "family",
        rows: snapshot.family.len(),
        with_source: values.iter().filter(|v| **v).count(),
        share_with_source: share(values.iter().filter(|v| **v).count(), values.len()),
        unverified_values: 0,
        not_verified_for_a_year: snapshot
            .family
            .values()
            .filter(|f| (today - f.last_verified).num_days() > STALE_AFTER_DAYS)
            .count(),
        oldest_check: oldest.map(|d| d.format("%Y-%m-%d").to_string()),
        welsh: None,
    });
    for d in &mut datasets {
        d.welsh = match d.dataset {
            "treatment" => WelshHealth::of(snapshot.topics.iter().map(|t| &t.welsh)),
            "referral_rules" => WelshHealth::of(snapshot.referral_rules.iter().map(|r| &r.welsh)),
            "registries" => WelshHealth::of(snapshot.registries.values().map(|r| &r.welsh)),
            _ => None,
        };
    }

    let mut broken = Vec::new();
    for d in &datasets {
        if d.with_source
            < if d.dataset == "family" {
                values.len()
            } else {
                d.rows
            }
        {
            broken.push(format!(
                "{}: {} of {} cite no source",
                d.dataset,
                d.rows - d.with_source,
                d.rows
            ));
        }
    }
    let ids: HashSet<&str> = snapshot.centres().iter().map(|c| c.id.as_str()).collect();
    let mut orphans: Vec<&str> = snapshot
        .family
        .keys()
        .map(String::as_str)
        .filter(|id| !ids.contains(id))
        .collect();
    orphans.sort_unstable();
    if !orphans.is_empty() {
        broken.push(format!(
            "family: rows for centres that do not exist: {}",
            orphans.join(", ")
        ));
    }
    for c in snapshot.centres() {
        if !c.website.is_empty() && crate::dataset::check_unit_website(&c.website).is_err() {
            broken.push(format!(
                "centres: {}'s website is not its organisation's own page",
                c.id
            ));
        }
    }
    if let Some(folder) = reference {
        broken.extend(reference_gaps(folder, &ids));
    }
    DataHealth {
        checked_on: today.format("%Y-%m-%d").to_string(),
        datasets,
        broken_rules: broken,
    }
}

/// Listed sites of the reference lists (CSV files with a `centre_ids` column) with no row.
fn reference_gaps(folder: &Path, ids: &HashSet<&str>) -> Vec<String> {
    let mut gaps = Vec::new();
    let Ok(entries) = std::fs::read_dir(folder) else {
        return gaps;
    };
    let mut files: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    files.sort();
    for path in files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
    {
        let Ok(mut reader) = csv::Reader::from_path(&path) else {
            continue;
        };
        let Ok(headers) = reader.headers().cloned() else {
            continue;
        };
        let (Some(site_at), Some(ids_at)) = (
            headers.iter().position(|h| h == "site"),
            headers.iter().position(|h| h == "centre_ids"),
        ) else {
            continue;
        };
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        for record in reader.records().filter_map(Result::ok) {
            let listed: Vec<&str> = record
                .get(ids_at)
                .unwrap_or_default()
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            if listed.is_empty() || listed.iter().any(|id| !ids.contains(id)) {
                gaps.push(format!(
                    "{name}: '{}' is listed but has no row in centres",
                    record.get(site_at).unwrap_or_default()
                ));
            }
        }
    }
    gaps
}
