//! `centre-directory nearest --input cohort.csv --output out.csv`: the nearest centre to every
//! row of a file of postcodes (or places), for data teams mapping a cohort. The file is
//! streamed, every input column is kept, and a row that cannot be located gets its problem in
//! a column of its own; it never stops the run.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::Arc;

use super::Progress;
use crate::answer::nearest::{Filters, NearestAnswer};
use crate::config::Settings;
use crate::db::Database;
use crate::domain::{parse_age, PostcodeQuery};
use crate::geocode::{Geocoder, Place};
use crate::index::postcodes::PostcodeIndex;
use crate::index::Snapshot;
use crate::server;

/// The columns added to every row.
pub const ADDED: [&str; 7] = [
    "nearest_id",
    "nearest_name",
    "nearest_kind",
    "distance_km",
    "distance_miles",
    "precision",
    "problem",
];

/// Header names taken as the postcode column when none is named.
const POSTCODE_NAMES: [&str; 6] = [
    "postcode",
    "pcds",
    "pcd",
    "post_code",
    "postal_code",
    "pcd2",
];

/// Files larger than this read the postcode table into memory first (a lookup is then a
/// binary search rather than a database query).
const IN_MEMORY_FROM_BYTES: u64 = 1_000_000;

/// How a cohort is mapped.
pub struct CohortRequest<'a> {
    pub input: &'a Path,
    /// A path, or `-` for standard output.
    pub output: &'a Path,
    pub postcode_column: Option<&'a str>,
    pub age_column: Option<&'a str>,
    /// The filters every row is answered with (the age, if a column gives it, per row).
    pub filters: Filters,
}

/// What a run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CohortSummary {
    pub rows: u64,
    pub located: u64,
    pub problems: u64,
}

fn column(
    headers: &csv::StringRecord,
    wanted: Option<&str>,
    defaults: &[&str],
    what: &str,
) -> anyhow::Result<Option<usize>> {
    let find = |name: &str| {
        headers.iter().position(|h| {
            h.trim()
                .trim_start_matches('\u{feff}')
                .eq_ignore_ascii_case(name)
        })
    };
    match wanted {
        Some(name) => find(name).map(Some).ok_or_else(|| {
            anyhow::anyhow!(
                "the input has no column '{name}' for the {what}; its columns are: {}",
                headers.iter().collect::<Vec<_>>().join(", ")
            )
        }),
        None => Ok(defaults.iter().find_map(|d| find(d))),
    }
}

/// Map every row of the input.
pub fn map(settings: &Settings, request: CohortRequest<'_>) -> anyhow::Result<CohortSummary> {
    let (db, directory) = server::prepare(settings)?;
    let geocoder = Geocoder::from_setting(&settings.geocoder);
    let size = std::fs::metadata(request.input)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", request.input.display()))?
        .len();
    let snapshot = snapshot_for(&db, directory.snapshot(), size)?;
    let file = std::fs::File::open(request.input)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", request.input.display()))?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(Box::new(file) as Box<dyn Read>);
    let headers = reader.headers()?.clone();
    let postcode_at = column(
        &headers,
        request.postcode_column,
        &POSTCODE_NAMES,
        "postcode",
    )?
    .ok_or_else(|| {
        anyhow::anyhow!(
            "no postcode column found (looked for {}); name it with --postcode-column",
            POSTCODE_NAMES.join(", ")
        )
    })?;
    let age_at = column(&headers, request.age_column, &[], "age")?;
    let out: Box<dyn Write> = if request.output == Path::new("-") {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(
            std::fs::File::create(request.output)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", request.output.display()))?,
        )
    };
    let mut writer = csv::Writer::from_writer(std::io::BufWriter::new(out));
    let mut header_out: Vec<String> = headers.iter().map(str::to_string).collect();
    header_out.extend(ADDED.iter().map(|s| s.to_string()));
    writer.write_record(&header_out)?;
    let progress = Progress::bytes(Some(size), "mapping");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut summary = CohortSummary::default();
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record)? {
        summary.rows += 1;
        let cell = record.get(postcode_at).unwrap_or_default().trim();
        let age = match age_at.map(|i| record.get(i).unwrap_or_default().trim()) {
            Some("") | None => Ok(request.filters.age),
            Some(raw) => parse_age(raw).map(Some).map_err(|e| format!("age: {e}")),
        };
        let answer = match (cell, age) {
            ("", _) => Err("no postcode in this row".to_string()),
            (_, Err(e)) => Err(e),
            (text, Ok(age)) => {
                let place = match PostcodeQuery::parse(text) {
                    Some(q) => Place::Postcode(q),
                    None => Place::Text(text.to_string()),
                };
                match runtime.block_on(geocoder.locate(&db, &snapshot, place)) {
                    Ok(location) => {
                        let filters = Filters {
                            age,
                            limit: 1,
                            ..request.filters.clone()
                        };
                        Ok(NearestAnswer::build(&snapshot, location, &filters))
                    }
                    Err(e) => Err(e.to_string()),
                }
            }
        };
        let mut row: Vec<String> = record.iter().map(str::to_string).collect();
        row.resize(headers.len(), String::new());
        match answer {
            Ok(a) => {
                summary.located += 1;
                let precision = serde_json::to_value(a.location.precision)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                match a.results.first() {
                    Some(r) => row.extend([
                        r.centre.id.clone(),
                        r.centre.name.clone(),
                        r.centre.kind.to_string(),
                        format!("{:.2}", r.distance_km),
                        format!("{:.2}", r.distance_miles),
                        precision,
                        String::new(),
                    ]),
                    None => row.extend([
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        precision,
                        a.message
                            .unwrap_or_else(|| "no centre matches the filters".to_string()),
                    ]),
                }
            }
            Err(problem) => {
                summary.problems += 1;
                row.extend(std::iter::repeat_n(String::new(), ADDED.len() - 1));
                row.push(problem);
            }
        }
        writer.write_record(&row)?;
        if summary.rows % 1000 == 0 {
            progress.set(reader.position().byte(), summary.rows);
        }
    }
    writer.flush()?;
    progress.finish();
    Ok(summary)
}

/// The snapshot to answer from: with the postcode table in memory for a large file.
fn snapshot_for(
    db: &Database,
    snapshot: Arc<Snapshot>,
    size: u64,
) -> anyhow::Result<Arc<Snapshot>> {
    if size < IN_MEMORY_FROM_BYTES {
        return Ok(snapshot);
    }
    let index = PostcodeIndex::load(db)?;
    if index.is_empty() {
        return Ok(snapshot);
    }
    let mut fresh = Snapshot::load(db)?;
    fresh.postcodes = Some(Arc::new(index));
    Ok(Arc::new(fresh))
}
