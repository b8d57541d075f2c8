//! Loading a postcode directory for exact geocoding: the ONS Postcode Directory (ONSPD), the
//! National Statistics Postcode Lookup (NSPL), any `postcode,lat,lon` file, or an
//! outcode-level table (`outcode,lat,lon`).
//!
//! The file is streamed: rows are checked and written in chunks inside one transaction, so
//! memory stays bounded however long the file is, and the previous table stays in force if
//! anything fails. District (outcode) centroids are derived from the live postcodes.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::time::Instant;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{now_rfc3339, ImportAction, ImportError, ImportStatus};
use crate::dataset::table::RowError;
use crate::db::rows::{DistrictRow, PostcodeRow};
use crate::db::{Database, DatasetState, NewImport, Storage};
use crate::domain::{Coordinates, PostcodeQuery, Territory, UkPostcode, Vocabulary};
use crate::with_connection;

/// The dataset name of a full postcode table.
pub const POSTCODES: &str = "postcodes";
/// The dataset name of an outcode-level table.
pub const DISTRICTS: &str = "postcode_outcodes";

/// How many problems are listed; the rest are counted.
const MAX_ERRORS_LISTED: usize = 50;
/// Progress is reported every this many rows.
const PROGRESS_EVERY: u64 = 25_000;

/// How to run a postcode import.
pub struct PostcodeImport<'a> {
    /// Path or URL, for the history.
    pub source: &'a str,
    pub actor: &'a str,
    pub dry_run: bool,
    /// Skip (and count) rows with problems instead of refusing the file.
    pub skip_invalid: bool,
}

/// What the rows of a postcode file held.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    /// Data rows read (blank lines aside).
    pub rows_read: u64,
    /// Rows stored (or that would be, in a dry run).
    pub rows_loaded: u64,
    /// Rows without a location (ONS marks them 99.999999 / 0.000000, or leaves them empty).
    pub skipped_no_location: u64,
    /// Rows with problems skipped because `skip_invalid` was asked for.
    pub skipped_invalid: u64,
    /// Stored postcodes marked as terminated (no longer in use).
    pub terminated: u64,
    /// Rows whose country code was not recognised (nation then comes from the postcode area).
    pub unknown_country: u64,
    /// Stored rows by nation (`unknown` when the file has no country column).
    pub by_nation: BTreeMap<String, u64>,
}

/// What a postcode import did.
#[derive(Debug, Clone, Serialize)]
pub struct PostcodeReport {
    /// `postcodes` for a full postcode file, `postcode_outcodes` for an outcode table.
    pub dataset: &'static str,
    pub status: ImportStatus,
    /// What was read: the path or URL, and the file inside when it was a ZIP archive.
    pub source: String,
    /// The header names used for each role (`postcode`, `lat`, `lon`, `country`, `terminated`).
    pub columns: BTreeMap<&'static str, String>,
    /// What the rows held.
    #[serde(flatten)]
    pub counts: Counts,
    /// District centroids now stored.
    pub districts: u64,
    /// Rows in the table before this import.
    pub previous_rows: i64,
    /// The first problems of skipped rows (with `skip_invalid`).
    pub warnings: Vec<RowError>,
    pub sha256: String,
    pub import_id: Option<i64>,
    pub directory_version: i64,
    pub seconds: f64,
}

/// Import a postcode directory from `reader`. `progress(bytes_read, rows_read)` is called now
/// and then.
pub fn import_postcodes(
    db: &Database,
    reader: Box<dyn Read + Send>,
    opts: &PostcodeImport<'_>,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<PostcodeReport, ImportError> {
    let started = Instant::now();
    let mut scanner = Scanner::open(reader, opts.skip_invalid)?;
    let mut conn = db.get()?;
    let mut report = with_connection!(&mut conn, |c| run(c, &mut scanner, opts, progress))?;
    report.seconds = started.elapsed().as_secs_f64();
    report.source = opts.source.to_string();
    Ok(report)
}

/// Read and check a postcode file without a database: the counts it would load, or every
/// problem by line and column. Used by the fuzz targets; the import itself does the same checks
/// while it writes.
pub fn check_postcode_file(
    reader: Box<dyn Read + Send>,
    skip_invalid: bool,
) -> Result<Counts, ImportError> {
    let mut scanner = Scanner::open(reader, skip_invalid)?;
    while scanner.next_chunk(&mut |_, _| {})?.is_some() {}
    Ok(scanner.finish()?.counts)
}

/// Why the write transaction was left without committing.
enum Abort {
    Unchanged(Box<PostcodeReport>),
    Failed(ImportError),
}

impl From<diesel::result::Error> for Abort {
    fn from(e: diesel::result::Error) -> Self {
        Abort::Failed(e.into())
    }
}

impl From<ImportError> for Abort {
    fn from(e: ImportError) -> Self {
        Abort::Failed(e)
    }
}

impl From<crate::db::DbError> for Abort {
    fn from(e: crate::db::DbError) -> Self {
        Abort::Failed(e.into())
    }
}

/// What the reading thread hands to the writing one.
enum Msg {
    Chunk(Vec<PostcodeRow>),
    Done(Box<Result<Scan, ImportError>>),
}

/// Read the file to the end on this thread, handing chunks over as they are checked.
fn produce(
    scanner: &mut Scanner,
    progress: &mut (dyn FnMut(u64, u64) + Send),
    tx: std::sync::mpsc::SyncSender<Msg>,
) {
    loop {
        match scanner.next_chunk(progress) {
            Ok(Some(chunk)) => {
                if tx.send(Msg::Chunk(chunk)).is_err() {
                    return; // the writer gave up
                }
            }
            Ok(None) => {
                let _ = tx.send(Msg::Done(Box::new(scanner.finish())));
                return;
            }
            Err(e) => {
                let _ = tx.send(Msg::Done(Box::new(Err(e))));
                return;
            }
        }
    }
}

fn stopped() -> ImportError {
    ImportError::Source("reading the file stopped unexpectedly; nothing was changed".into())
}

/// Reading (CSV parsing and checks) and writing (the database) run on two threads, so the
/// import takes about as long as the slower of the two rather than both together.
fn run<C: Storage>(
    c: &mut C,
    scanner: &mut Scanner,
    opts: &PostcodeImport<'_>,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<PostcodeReport, ImportError> {
    scanner.chunk_rows = c.postcode_chunk_rows();
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel(2);
        s.spawn(move || produce(scanner, progress, tx));
        let result = write(c, &rx, opts);
        drop(rx);
        result
    })
}

fn write<C: Storage>(
    c: &mut C,
    rx: &std::sync::mpsc::Receiver<Msg>,
    opts: &PostcodeImport<'_>,
) -> Result<PostcodeReport, ImportError> {
    if opts.dry_run {
        let scan = loop {
            match rx.recv().map_err(|_| stopped())? {
                Msg::Chunk(_) => {}
                Msg::Done(scan) => break (*scan)?,
            }
        };
        let previous_rows = previous_rows(c, scan.mode)?;
        let (version, _) = c.directory_version()?;
        return Ok(scan.report(ImportStatus::DryRun, previous_rows, None, version));
    }
    let outcome = c.write_transaction(|c| -> Result<PostcodeReport, Abort> {
        let mut cleared = false;
        let mut previous = None;
        let scan = loop {
            match rx.recv().map_err(|_| stopped())? {
                Msg::Chunk(chunk) => {
                    if !cleared {
                        previous = Some(c.count_postcodes()?);
                        c.clear_postcodes()?;
                        cleared = true;
                    }
                    c.insert_postcodes(&chunk)?;
                }
                Msg::Done(scan) => break (*scan)?,
            }
        };
        let dataset = scan.mode.dataset();
        let previous_rows = match previous {
            Some(n) => n,
            None => previous_rows(c, scan.mode)?,
        };
        if scan.counts.rows_loaded == 0 {
            return Err(Abort::Failed(ImportError::Invalid {
                dataset: dataset.to_string(),
                errors: vec![RowError::at_line(
                    scan.last_line,
                    format!(
                        "no row has a location ({} rows read, {} without one); the table was left as it was",
                        scan.counts.rows_read, scan.counts.skipped_no_location
                    ),
                )],
            }));
        }
        let state = c.dataset_state(dataset)?;
        if state.as_ref().is_some_and(|s| s.sha256 == scan.sha256) {
            let (version, _) = c.directory_version()?;
            return Err(Abort::Unchanged(Box::new(scan.report(
                ImportStatus::Unchanged,
                previous_rows,
                None,
                version,
            ))));
        }
        if scan.mode == Mode::Postcodes && !cleared {
            c.clear_postcodes()?;
        }
        c.replace_districts(&scan.districts)?;
        let now = now_rfc3339();
        let version = c.bump_directory_version(&now)?;
        let mut report = scan.report(ImportStatus::Applied, previous_rows, None, version);
        let id = c.insert_import(&history_record(&report, opts, &now))?;
        c.set_dataset_state(&DatasetState {
            dataset: dataset.to_string(),
            import_id: id,
            content_import_id: id,
            sha256: scan.sha256.clone(),
            rows_total: scan.counts.rows_loaded as i64,
            updated_at: now,
        })?;
        report.import_id = Some(id);
        Ok(report)
    });
    match outcome {
        Ok(report) => Ok(report),
        Err(Abort::Unchanged(report)) => {
            // Record that the same file was offered again, outside the rolled-back transaction.
            let id = c.insert_import(&history_record(&report, opts, &now_rfc3339()))?;
            Ok(PostcodeReport {
                import_id: Some(id),
                ..*report
            })
        }
        Err(Abort::Failed(e)) => Err(e),
    }
}

/// The history row for a report (postcode imports keep counts, not a per-postcode diff).
fn history_record(report: &PostcodeReport, opts: &PostcodeImport<'_>, now: &str) -> NewImport {
    NewImport {
        dataset: report.dataset.to_string(),
        action: ImportAction::Import.to_string(),
        status: report.status.to_string(),
        source: opts.source.to_string(),
        sha256: report.sha256.clone(),
        rows_total: report.counts.rows_loaded as i64,
        rows_skipped: (report.counts.skipped_no_location + report.counts.skipped_invalid) as i64,
        added: 0,
        changed: 0,
        removed: 0,
        actor: opts.actor.to_string(),
        created_at: now.to_string(),
        directory_version: report.directory_version,
        restored_import_id: None,
        content: None,
    }
}

fn previous_rows<C: Storage>(c: &mut C, mode: Mode) -> Result<i64, ImportError> {
    Ok(match mode {
        Mode::Postcodes => c.count_postcodes()?,
        Mode::Outcodes => c.count_districts()?,
    })
}

/// Full postcodes, or outcodes (district centroids) only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Postcodes,
    Outcodes,
}

impl Mode {
    fn dataset(self) -> &'static str {
        match self {
            Mode::Postcodes => POSTCODES,
            Mode::Outcodes => DISTRICTS,
        }
    }
}

/// How a termination column is written.
#[derive(Debug, Clone, Copy)]
enum Termination {
    /// A date (ONS `doterm`) or yes/no: any value other than no/false/0 means terminated.
    DateOrFlag,
    /// An "in use" flag: no/false/0 means terminated.
    InUse,
}

/// Which column holds what.
#[derive(Debug, Clone)]
struct Columns {
    names: Vec<String>,
    key: usize,
    /// The key column was found under an outcode-only name.
    key_is_outcode: bool,
    lat: usize,
    lon: usize,
    country: Option<usize>,
    terminated: Option<(usize, Termination)>,
}

const FULL_NAMES: &[&str] = &[
    "pcds",
    "pcd",
    "pcd2",
    "pcd8",
    "pcd7",
    "postcode",
    "post_code",
    "postcodes",
    "postal_code",
];
const OUTCODE_NAMES: &[&str] = &[
    "outcode",
    "outward_code",
    "postcode_district",
    "postcode_outcode",
    "district",
];
const LAT_NAMES: &[&str] = &["lat", "latitude"];
const LON_NAMES: &[&str] = &["long", "lon", "lng", "longitude"];
const COUNTRY_NAMES: &[&str] = &["ctry", "country", "country_code", "ctry_code", "nation"];
const TERMINATED_NAMES: &[&str] = &[
    "doterm",
    "terminated",
    "date_terminated",
    "date_of_termination",
    "termination_date",
];
const IN_USE_NAMES: &[&str] = &["in_use", "inuse"];

/// `"In Use?"` → `in_use`; `"\u{feff}pcds"` → `pcds`.
fn normalise_header(raw: &str) -> String {
    let lower = raw
        .trim_start_matches('\u{feff}')
        .trim()
        .to_ascii_lowercase();
    let mut out = String::with_capacity(lower.len());
    for ch in lower.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

/// ONS country codes change name with the year (`ctry`, `ctry25cd`).
fn is_country_name(name: &str) -> bool {
    COUNTRY_NAMES.contains(&name)
        || (name.starts_with("ctry")
            && name.ends_with("cd")
            && name[4..name.len() - 2].bytes().all(|b| b.is_ascii_digit()))
}

impl Columns {
    fn find(names: &[String], candidates: &[&str]) -> Option<usize> {
        candidates
            .iter()
            .find_map(|c| names.iter().position(|n| n == c))
    }

    /// Map a header row, or explain what is missing.
    fn from_header(raw: &csv::StringRecord) -> Result<Self, RowError> {
        let names: Vec<String> = raw.iter().map(normalise_header).collect();
        let full = Self::find(&names, FULL_NAMES);
        let outcode = Self::find(&names, OUTCODE_NAMES);
        let lat = Self::find(&names, LAT_NAMES);
        let lon = Self::find(&names, LON_NAMES);
        let shown = || {
            let mut list: Vec<&str> = names
                .iter()
                .filter(|n| !n.is_empty())
                .map(String::as_str)
                .take(12)
                .collect();
            if names.len() > 12 {
                list.push("…");
            }
            list.join(", ")
        };
        let missing = |what: &str, allowed: &[&str]| {
            RowError::at_line(
                1,
                format!(
                    "no {what} column in the header; expected one of {} (found: {})",
                    allowed.join(", "),
                    shown()
                ),
            )
        };
        let (key, key_is_outcode) = match (full, outcode) {
            (Some(i), _) => (i, false),
            (None, Some(i)) => (i, true),
            (None, None) => {
                let mut allowed = FULL_NAMES.to_vec();
                allowed.extend_from_slice(OUTCODE_NAMES);
                return Err(missing("postcode", &allowed));
            }
        };
        let lat = lat.ok_or_else(|| missing("latitude", LAT_NAMES))?;
        let lon = lon.ok_or_else(|| missing("longitude", LON_NAMES))?;
        let country = names.iter().position(|n| is_country_name(n));
        let terminated = Self::find(&names, TERMINATED_NAMES)
            .map(|i| (i, Termination::DateOrFlag))
            .or_else(|| Self::find(&names, IN_USE_NAMES).map(|i| (i, Termination::InUse)));
        Ok(Self {
            names,
            key,
            key_is_outcode,
            lat,
            lon,
            country,
            terminated,
        })
    }

    /// A file without a header whose first row reads `postcode,lat,lon`.
    fn headerless(first: &csv::StringRecord) -> Option<Self> {
        let cell = |i: usize| first.get(i).map(str::trim).unwrap_or("");
        let key_ok = UkPostcode::parse(cell(0)).is_ok()
            || matches!(
                PostcodeQuery::parse(cell(0)),
                Some(PostcodeQuery::Outcode(_))
            );
        let numbers = cell(1).parse::<f64>().is_ok() && cell(2).parse::<f64>().is_ok();
        (key_ok && numbers).then(|| Self {
            names: vec!["postcode".into(), "lat".into(), "lon".into()],
            key: 0,
            key_is_outcode: false,
            lat: 1,
            lon: 2,
            country: None,
            terminated: None,
        })
    }

    fn used(&self) -> BTreeMap<&'static str, String> {
        let mut used = BTreeMap::new();
        let name = |i: usize| self.names.get(i).cloned().unwrap_or_default();
        used.insert("postcode", name(self.key));
        used.insert("lat", name(self.lat));
        used.insert("lon", name(self.lon));
        if let Some(i) = self.country {
            used.insert("country", name(i));
        }
        if let Some((i, _)) = self.terminated {
            used.insert("terminated", name(i));
        }
        used
    }
}

/// A country code (ONS GSS code) or name → where the postcode is; `None` when unknown.
fn territory_of(raw: &str) -> Option<Territory> {
    let t = raw.trim();
    let lower = t.to_ascii_lowercase();
    Some(match lower.as_str() {
        "e92000001" | "england" | "eng" | "e" => Territory::England,
        "w92000004" | "wales" | "cymru" | "w" => Territory::Wales,
        "s92000003" | "scotland" | "s" => Territory::Scotland,
        "n92000002" | "northern ireland" | "northern_ireland" | "n" => Territory::NorthernIreland,
        // ONS: L93000001 Channel Islands, M83000003 Isle of Man.
        "l93000001" | "m83000003" | "channel islands" | "isle of man" | "guernsey" | "jersey"
        | "crown_dependency" => Territory::CrownDependency,
        _ => return None,
    })
}

/// Postcodes as a number (base 37 over A-Z0-9), so duplicates are found with 8 bytes each.
fn postcode_number(normal: &str) -> u64 {
    normal.bytes().filter(|b| *b != b' ').fold(0u64, |n, b| {
        let digit = match b {
            b'0'..=b'9' => u64::from(b - b'0') + 1,
            _ => u64::from(b.saturating_sub(b'A')) + 11,
        };
        n * 37 + digit
    })
}

/// Running sums for one district's centroid.
#[derive(Default)]
struct DistrictSums {
    live: (f64, f64, u64),
    terminated: (f64, f64, u64),
    nations: [u64; 5],
}

fn territory_index(t: Territory) -> usize {
    match t {
        Territory::England => 0,
        Territory::Scotland => 1,
        Territory::Wales => 2,
        Territory::NorthernIreland => 3,
        Territory::CrownDependency => 4,
    }
}

const TERRITORIES: [Territory; 5] = [
    Territory::England,
    Territory::Scotland,
    Territory::Wales,
    Territory::NorthernIreland,
    Territory::CrownDependency,
];

/// Counts the bytes read and hashes them on the way through.
struct Hashing<R> {
    inner: R,
    bytes: u64,
    hasher: Sha256,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

/// The file being read, row by row.
struct Scanner {
    reader: csv::Reader<Hashing<Box<dyn Read + Send>>>,
    record: csv::StringRecord,
    /// A first data row already read (headerless files).
    pending: Option<csv::StringRecord>,
    columns: Columns,
    mode: Option<Mode>,
    skip_invalid: bool,
    /// Rows handed out per chunk (set for the backend).
    chunk_rows: usize,
    seen: HashSet<u64>,
    seen_outcodes: HashSet<String>,
    sums: HashMap<String, DistrictSums>,
    outcode_rows: Vec<DistrictRow>,
    errors: Vec<RowError>,
    error_count: u64,
    done: bool,
    counts: Counts,
    last_line: u64,
}

/// A file read to the end.
struct Scan {
    mode: Mode,
    columns: BTreeMap<&'static str, String>,
    districts: Vec<DistrictRow>,
    counts: Counts,
    warnings: Vec<RowError>,
    sha256: String,
    last_line: u64,
}

impl Scan {
    fn report(
        &self,
        status: ImportStatus,
        previous_rows: i64,
        import_id: Option<i64>,
        directory_version: i64,
    ) -> PostcodeReport {
        PostcodeReport {
            dataset: self.mode.dataset(),
            status,
            source: String::new(),
            columns: self.columns.clone(),
            counts: self.counts.clone(),
            districts: self.districts.len() as u64,
            previous_rows,
            warnings: self.warnings.clone(),
            sha256: self.sha256.clone(),
            import_id,
            directory_version,
            seconds: 0.0,
        }
    }
}

fn invalid(errors: Vec<RowError>) -> ImportError {
    ImportError::Invalid {
        dataset: POSTCODES.to_string(),
        errors,
    }
}

impl Scanner {
    fn open(reader: Box<dyn Read + Send>, skip_invalid: bool) -> Result<Self, ImportError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            // `\n` alone ends a record, so line numbers stay exact on CRLF files; the `\r`
            // left at the end of the last cell is trimmed like any other space.
            .terminator(csv::Terminator::Any(b'\n'))
            .from_reader(Hashing {
                inner: reader,
                bytes: 0,
                hasher: Sha256::new(),
            });
        let mut header = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut header) {
                Ok(true) if header.iter().all(|c| c.trim().is_empty()) => continue,
                Ok(true) => break,
                Ok(false) => {
                    return Err(invalid(vec![RowError::at_line(
                        1,
                        "the file is empty; expected a header such as pcds,lat,long (ONS) or postcode,lat,lon",
                    )]))
                }
                Err(e) => return Err(invalid(vec![csv_failure(e, 1)?])),
            }
        }
        let (columns, pending) = match Columns::from_header(&header) {
            Ok(c) => (c, None),
            Err(e) => match Columns::headerless(&header) {
                Some(c) => (c, Some(header.clone())),
                None => return Err(invalid(vec![e])),
            },
        };
        let mode = columns.key_is_outcode.then_some(Mode::Outcodes);
        Ok(Self {
            reader,
            record: csv::StringRecord::new(),
            pending,
            columns,
            mode,
            skip_invalid,
            chunk_rows: 4_000,
            seen: HashSet::new(),
            seen_outcodes: HashSet::new(),
            sums: HashMap::new(),
            outcode_rows: Vec::new(),
            errors: Vec::new(),
            error_count: 0,
            done: false,
            counts: Counts::default(),
            last_line: 1,
        })
    }

    /// The next chunk of checked postcodes to insert; `None` at the end of the file. Once a
    /// problem is found (and problems are not being skipped) no more chunks are handed out, but
    /// the file is still read to the end so every problem is reported.
    fn next_chunk(
        &mut self,
        progress: &mut (dyn FnMut(u64, u64) + Send),
    ) -> Result<Option<Vec<PostcodeRow>>, ImportError> {
        let mut chunk = Vec::new();
        while !self.done {
            let record = if let Some(first) = self.pending.take() {
                first
            } else {
                match self.reader.read_record(&mut self.record) {
                    Ok(true) => std::mem::take(&mut self.record),
                    Ok(false) => {
                        self.done = true;
                        break;
                    }
                    Err(e) => {
                        let row_error = csv_failure(e, self.last_line + 1)?;
                        self.problem(row_error);
                        continue;
                    }
                }
            };
            let line = record.position().map_or(self.last_line + 1, |p| p.line());
            self.last_line = line;
            if record.iter().all(|c| c.trim().is_empty()) {
                self.record = record;
                continue;
            }
            self.counts.rows_read += 1;
            if self.counts.rows_read % PROGRESS_EVERY == 0 {
                progress(self.reader.get_ref().bytes, self.counts.rows_read);
            }
            if let Some(row) = self.check(&record, line) {
                if self.error_count == 0 || self.skip_invalid {
                    chunk.push(row);
                }
            }
            self.record = record;
            if chunk.len() >= self.chunk_rows {
                return Ok(Some(chunk));
            }
        }
        progress(self.reader.get_ref().bytes, self.counts.rows_read);
        Ok((!chunk.is_empty()).then_some(chunk))
    }

    fn problem(&mut self, error: RowError) {
        self.error_count += 1;
        if self.skip_invalid {
            self.counts.skipped_invalid += 1;
        }
        if self.errors.len() < MAX_ERRORS_LISTED {
            self.errors.push(error);
        }
    }

    /// Check one row; a postcode to insert, or `None` (skipped, outcode row, or a problem).
    fn check(&mut self, record: &csv::StringRecord, line: u64) -> Option<PostcodeRow> {
        let mode = *self.mode.get_or_insert_with(|| {
            // The first row with a key decides between full postcodes and outcodes.
            let key = record.get(self.columns.key).map(str::trim).unwrap_or("");
            if UkPostcode::parse(key).is_err()
                && matches!(PostcodeQuery::parse(key), Some(PostcodeQuery::Outcode(_)))
            {
                Mode::Outcodes
            } else {
                Mode::Postcodes
            }
        });
        let checked = match check_row(&self.columns, mode, record, line) {
            Ok(Some(c)) => c,
            Ok(None) => {
                self.counts.skipped_no_location += 1;
                return None;
            }
            Err(e) => {
                self.problem(e);
                return None;
            }
        };
        if checked.unknown_country {
            self.counts.unknown_country += 1;
        }
        let duplicate = match mode {
            Mode::Postcodes => !self.seen.insert(postcode_number(&checked.key)),
            Mode::Outcodes => !self.seen_outcodes.insert(checked.key.clone()),
        };
        if duplicate {
            let e = RowError {
                line,
                column: Some(self.columns.key + 1),
                column_name: self.columns.names.get(self.columns.key).cloned(),
                message: format!(
                    "'{}' is listed again; each postcode may appear only once",
                    checked.key
                ),
            };
            self.problem(e);
            return None;
        }
        let Checked {
            key,
            outcode,
            lat,
            lon,
            territory,
            terminated,
            ..
        } = checked;
        self.counts.rows_loaded += 1;
        *self
            .counts
            .by_nation
            .entry(territory.map_or("unknown", |t| t.as_str()).to_string())
            .or_default() += 1;
        if mode == Mode::Outcodes {
            self.outcode_rows.push(DistrictRow {
                outcode,
                lat,
                lon,
                nation: territory.map(|t| t.as_str().to_string()),
                postcodes: 0,
            });
            return None;
        }
        if terminated {
            self.counts.terminated += 1;
        }
        let sums = self.sums.entry(outcode.clone()).or_default();
        let target = if terminated {
            &mut sums.terminated
        } else {
            &mut sums.live
        };
        target.0 += lat;
        target.1 += lon;
        target.2 += 1;
        if let Some(t) = territory {
            sums.nations[territory_index(t)] += 1;
        }
        Some(PostcodeRow {
            postcode: key,
            outcode,
            lat,
            lon,
            nation: territory.map(|t| t.as_str().to_string()),
            terminated,
        })
    }

    /// After the last chunk: the problems, or the summary and the districts.
    fn finish(&mut self) -> Result<Scan, ImportError> {
        if self.error_count > 0 && !self.skip_invalid {
            let mut errors = std::mem::take(&mut self.errors);
            let hidden = self.error_count - errors.len() as u64;
            if hidden > 0 {
                errors.push(RowError::at_line(
                    self.last_line,
                    format!("and {hidden} more problem(s) not listed"),
                ));
            }
            return Err(invalid(errors));
        }
        let mode = self.mode.unwrap_or(Mode::Postcodes);
        let districts = match mode {
            Mode::Outcodes => std::mem::take(&mut self.outcode_rows),
            Mode::Postcodes => {
                let mut rows: Vec<DistrictRow> = std::mem::take(&mut self.sums)
                    .into_iter()
                    .map(|(outcode, s)| {
                        // Live postcodes only, unless the whole district is terminated.
                        let (lat, lon, n) = if s.live.2 > 0 { s.live } else { s.terminated };
                        let nation = (0..5)
                            .filter(|&i| s.nations[i] > 0)
                            .max_by_key(|&i| (s.nations[i], std::cmp::Reverse(i)))
                            .map(|i| TERRITORIES[i].as_str().to_string());
                        DistrictRow {
                            outcode,
                            lat: lat / n as f64,
                            lon: lon / n as f64,
                            nation,
                            postcodes: n as i64,
                        }
                    })
                    .collect();
                rows.sort_by(|a, b| a.outcode.cmp(&b.outcode));
                rows
            }
        };
        let hasher = std::mem::take(&mut self.reader.get_mut().hasher);
        let sha256 = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(Scan {
            mode,
            columns: self.columns.used(),
            districts,
            counts: self.counts.clone(),
            warnings: std::mem::take(&mut self.errors),
            sha256,
            last_line: self.last_line,
        })
    }
}

/// One row, checked.
struct Checked {
    /// The normal form of the postcode or outcode.
    key: String,
    outcode: String,
    lat: f64,
    lon: f64,
    territory: Option<Territory>,
    unknown_country: bool,
    terminated: bool,
}

/// Check one data row: `Ok(None)` when it has no location.
fn check_row(
    cols: &Columns,
    mode: Mode,
    record: &csv::StringRecord,
    line: u64,
) -> Result<Option<Checked>, RowError> {
    let cell = |i: usize| record.get(i).map(str::trim).unwrap_or("");
    let at = |i: usize, message: String| RowError {
        line,
        column: Some(i + 1),
        column_name: cols.names.get(i).cloned(),
        message,
    };
    let needed = cols.key.max(cols.lat).max(cols.lon) + 1;
    if record.len() < needed {
        return Err(RowError::at_line(
            line,
            format!(
                "the row has {} cells; the postcode, latitude and longitude need at least {needed}",
                record.len()
            ),
        ));
    }
    let key = cell(cols.key);
    let (key, outcode) = match mode {
        Mode::Postcodes => UkPostcode::parse(key).map(|pc| {
            let outcode = pc.outcode().to_string();
            (pc.to_string(), outcode)
        }),
        Mode::Outcodes => match PostcodeQuery::parse(key) {
            Some(PostcodeQuery::Outcode(o)) => Ok((o.clone(), o)),
            _ => Err(format!(
                "'{}' is not an outcode; expected a postcode district such as LS9 or SW1A",
                key.chars().take(20).collect::<String>()
            )),
        },
    }
    .map_err(|message| at(cols.key, message))?;
    let (lat_raw, lon_raw) = (cell(cols.lat), cell(cols.lon));
    if lat_raw.is_empty() || lon_raw.is_empty() {
        return Ok(None);
    }
    let number = |i: usize, raw: &str, axis: &str| {
        raw.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| at(i, format!("{axis} '{raw}' is not a number")))
    };
    let lat = number(cols.lat, lat_raw, "latitude")?;
    let lon = number(cols.lon, lon_raw, "longitude")?;
    // ONS writes 99.999999 / 0.000000 for postcodes without a grid reference.
    if lat >= 99.0 || (lat == 0.0 && lon == 0.0) {
        return Ok(None);
    }
    Coordinates::check_lat(lat).map_err(|m| at(cols.lat, m))?;
    Coordinates::check_lon(lon).map_err(|m| at(cols.lon, m))?;
    let (territory, unknown_country) = match cols.country.map(cell) {
        Some(raw) if !raw.is_empty() => {
            let t = territory_of(raw);
            (t, t.is_none())
        }
        _ => (None, false),
    };
    let terminated = match cols.terminated {
        Some((i, kind)) => {
            let v = cell(i).to_ascii_lowercase();
            let negative = matches!(v.as_str(), "" | "no" | "n" | "false" | "0");
            match kind {
                Termination::DateOrFlag => !negative,
                Termination::InUse => !v.is_empty() && negative,
            }
        }
        None => false,
    };
    Ok(Some(Checked {
        key,
        outcode,
        lat,
        lon,
        territory,
        unknown_country,
        terminated,
    }))
}

/// A CSV problem: one row's (bad UTF-8) is reported at its line; a failed read (the file or
/// the download broke, or an archive is damaged) stops the import. `next_line` is the line
/// being read, for errors that do not carry a position.
fn csv_failure(e: csv::Error, next_line: u64) -> Result<RowError, ImportError> {
    let line = e.position().map_or(next_line, |p| p.line());
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Err(ImportError::Source(format!(
            "reading stopped at line {line}: {io}; nothing was changed"
        ))),
        csv::ErrorKind::Utf8 { err, .. } => Ok(RowError {
            line,
            column: Some(err.field() + 1),
            column_name: None,
            message: "is not valid UTF-8 text; save the file as UTF-8".to_string(),
        }),
        other => Ok(RowError::at_line(line, format!("{other:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_normalised() {
        assert_eq!(normalise_header("\u{feff}PCDS"), "pcds");
        assert_eq!(normalise_header(" In Use? "), "in_use");
        assert_eq!(normalise_header("Postcode District"), "postcode_district");
        assert!(is_country_name("ctry25cd"));
        assert!(is_country_name("ctry"));
        assert!(!is_country_name("ctryname"));
    }

    #[test]
    fn postcode_numbers_are_distinct_for_distinct_postcodes() {
        let a = postcode_number("A1 1AA");
        let b = postcode_number("AA1 1AA");
        let c = postcode_number("A11 1AA");
        assert!(a != b && b != c && a != c);
        assert_eq!(postcode_number("LS9 7TF"), postcode_number("LS97TF"));
    }

    #[test]
    fn ons_country_codes_are_known() {
        assert_eq!(territory_of("E92000001"), Some(Territory::England));
        assert_eq!(territory_of("N92000002"), Some(Territory::NorthernIreland));
        assert_eq!(territory_of("L93000001"), Some(Territory::CrownDependency));
        assert_eq!(territory_of("Wales"), Some(Territory::Wales));
        assert_eq!(territory_of("X99999999"), None);
    }
}
