//! Import: validate a dataset file completely, then (unless a dry run) replace the dataset in
//! one transaction, record the import and bump the directory version. Also rollback and history.

pub mod phs;
pub mod postcodes;
pub mod shipped;
pub mod source;

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::dataset::table::RowError;
use crate::dataset::{
    parse_file, Centre, Dataset, District, FamilyInfo, Place, PostcodeArea, ReferralRule, Registry,
    RegistryStat, TreatmentTopic,
};
use crate::db::{Database, DatasetState, DbError, NewImport, Storage};
use crate::with_connection;

/// Why an import or rollback did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("unknown dataset '{0}'; allowed: {names}", names = dataset_names().join(", "))]
    UnknownDataset(String),
    #[error("the {dataset} file has {} problem(s); nothing was changed", errors.len())]
    Invalid {
        dataset: String,
        errors: Vec<RowError>,
    },
    #[error("{0}")]
    NothingToRollBack(String),
    /// The file could not be opened, fetched or read to the end.
    #[error("{0}")]
    Source(String),
    /// Another import holds the directory's write lock.
    #[error("{0}")]
    Busy(String),
    #[error(transparent)]
    Db(DbError),
}

impl From<DbError> for ImportError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Query(q) => q.into(),
            other => Self::Db(other),
        }
    }
}

impl From<source::SourceError> for ImportError {
    fn from(e: source::SourceError) -> Self {
        Self::Source(e.to_string())
    }
}

impl From<diesel::result::Error> for ImportError {
    fn from(e: diesel::result::Error) -> Self {
        if is_lock_conflict(&e) {
            return Self::Busy(
                "another import is running (the directory is locked); try again when it has finished"
                    .into(),
            );
        }
        Self::Db(DbError::Query(e))
    }
}

/// PostgreSQL `lock_not_available` (from `FOR UPDATE NOWAIT`) or SQLite's busy lock.
fn is_lock_conflict(e: &diesel::result::Error) -> bool {
    match e {
        diesel::result::Error::DatabaseError(_, info) => {
            let m = info.message();
            m.contains("could not obtain lock") || m.contains("database is locked")
        }
        _ => false,
    }
}

/// Ids added, changed and removed by an import.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Diff {
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
}

impl Diff {
    fn between<D: Dataset>(old: &[D], new: &[D]) -> Self {
        let old: BTreeMap<String, &D> = old.iter().map(|r| (r.key(), r)).collect();
        let new: BTreeMap<String, &D> = new.iter().map(|r| (r.key(), r)).collect();
        let mut diff = Diff::default();
        for (key, record) in &new {
            match old.get(key) {
                None => diff.added.push(key.clone()),
                Some(previous) if previous != record => diff.changed.push(key.clone()),
                Some(_) => {}
            }
        }
        diff.removed = old
            .keys()
            .filter(|k| !new.contains_key(*k))
            .cloned()
            .collect();
        diff
    }

    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }
}

/// What an import did (or, for a dry run, would do).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, strum::Display, strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ImportStatus {
    /// Checked and diffed; nothing written.
    DryRun,
    /// Written: a new directory version.
    Applied,
    /// Identical to what is in force; nothing written but the history record.
    Unchanged,
}

/// How a dataset's content came to be applied.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, strum::Display, strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ImportAction {
    /// A file was imported.
    Import,
    /// The content of an earlier import was restored.
    Rollback,
}

/// What an import did (or, for a dry run, would do).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportReport {
    pub dataset: String,
    pub status: ImportStatus,
    pub action: ImportAction,
    pub rows: usize,
    pub sha256: String,
    pub diff: Diff,
    /// The history record, when one was written.
    pub import_id: Option<i64>,
    pub directory_version: i64,
}

/// A file to import.
pub struct ImportRequest<'a> {
    pub dataset: &'a str,
    pub bytes: &'a [u8],
    /// Where the file came from (a path or URL), for the history.
    pub source: &'a str,
    /// Who imported it (a user or token name), for the history.
    pub actor: &'a str,
    pub dry_run: bool,
}

/// The dataset names the import accepts (`postcodes` has its own loader).
pub fn dataset_names() -> Vec<&'static str> {
    let mut names = crate::dataset::DATASET_NAMES.to_vec();
    names.push("postcodes");
    names
}

/// Run `$f::<D>` for the dataset called `$name`.
macro_rules! for_dataset {
    ($name:expr, $f:ident ( $($arg:expr),* )) => {
        match $name {
            "centres" => $f::<Centre>($($arg),*),
            "registries" => $f::<Registry>($($arg),*),
            "treatment" | "treatment_topics" => $f::<TreatmentTopic>($($arg),*),
            "referral_rules" => $f::<ReferralRule>($($arg),*),
            "postcode_areas" => $f::<PostcodeArea>($($arg),*),
            "postcode_districts" => $f::<District>($($arg),*),
            "places" => $f::<Place>($($arg),*),
            "family" => $f::<FamilyInfo>($($arg),*),
            "registry_stats" => $f::<RegistryStat>($($arg),*),
            other => Err(ImportError::UnknownDataset(other.to_string())),
        }
    };
}

/// Validate a file and, unless it is a dry run, apply it.
pub fn import(db: &Database, req: &ImportRequest<'_>) -> Result<ImportReport, ImportError> {
    if req.dataset == RegistryStat::NAME && phs::is_phs_incidence(req.bytes) {
        // Public Health Scotland's own download: its Scottish figures replace the rows they
        // give, every other row stays.
        let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
        let figures =
            phs::figures(req.bytes, &today, true).map_err(|errors| ImportError::Invalid {
                dataset: RegistryStat::NAME.to_string(),
                errors,
            })?;
        let current = {
            let mut conn = db.get()?;
            with_connection!(&mut conn, |c| RegistryStat::load(c))?
        };
        let bytes = phs::merged(&current, &figures);
        return import_dataset::<RegistryStat>(
            db,
            &ImportRequest {
                bytes: &bytes,
                ..*req
            },
        );
    }
    for_dataset!(req.dataset, import_dataset(db, req))
}

/// Validate a file without touching the database's contents beyond reading them for the diff.
pub fn validate(dataset: &str, bytes: &[u8]) -> Result<usize, ImportError> {
    for_dataset!(dataset, validate_dataset(bytes))
}

/// Restore the dataset's previous version (the import before the one in force).
pub fn rollback(db: &Database, dataset: &str, actor: &str) -> Result<ImportReport, ImportError> {
    if dataset == postcodes::POSTCODES || dataset == postcodes::DISTRICTS {
        return Err(ImportError::NothingToRollBack(format!(
            "earlier versions of {dataset} are not kept (the file is large); import the previous file again to go back"
        )));
    }
    for_dataset!(dataset, rollback_dataset(db, actor))
}

fn validate_dataset<D: Dataset>(bytes: &[u8]) -> Result<usize, ImportError> {
    parse_file::<D>(bytes)
        .map(|rows| rows.len())
        .map_err(|errors| ImportError::Invalid {
            dataset: D::NAME.to_string(),
            errors,
        })
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub(crate) fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn import_dataset<D: Dataset>(
    db: &Database,
    req: &ImportRequest<'_>,
) -> Result<ImportReport, ImportError> {
    let rows = parse_file::<D>(req.bytes).map_err(|errors| ImportError::Invalid {
        dataset: D::NAME.to_string(),
        errors,
    })?;
    let sha256 = sha256_hex(req.bytes);
    // Validated above, so the bytes are UTF-8 (a BOM is kept as it was sent).
    let content = String::from_utf8_lossy(req.bytes).into_owned();
    let mut conn = db.get()?;
    with_connection!(&mut conn, |c| {
        if req.dry_run {
            let current = D::load(c)?;
            let (version, _) = c.directory_version()?;
            return Ok(ImportReport {
                dataset: D::NAME.to_string(),
                status: ImportStatus::DryRun,
                action: ImportAction::Import,
                rows: rows.len(),
                diff: Diff::between(&current, &rows),
                sha256,
                import_id: None,
                directory_version: version,
            });
        }
        c.write_transaction(|c| {
            apply::<D, _>(
                c,
                Change {
                    rows: &rows,
                    sha256: &sha256,
                    action: ImportAction::Import,
                    source: req.source,
                    actor: req.actor,
                    content: Some(content),
                    restored_import_id: None,
                },
            )
        })
    })
}

struct Change<'a, D> {
    rows: &'a [D],
    sha256: &'a str,
    action: ImportAction,
    source: &'a str,
    actor: &'a str,
    content: Option<String>,
    restored_import_id: Option<i64>,
}

/// Inside the write transaction: diff, replace, record, bump.
fn apply<D: Dataset, C: Storage>(
    c: &mut C,
    change: Change<'_, D>,
) -> Result<ImportReport, ImportError> {
    let now = now_rfc3339();
    let state = c.dataset_state(D::NAME)?;
    let current = D::load(c)?;
    let diff = Diff::between(&current, change.rows);
    let same_file = state.as_ref().is_some_and(|s| s.sha256 == change.sha256);
    // A dataset that was never imported is applied even when empty-diffed (it records history).
    let unchanged = state.is_some() && (same_file || diff.is_empty());
    let mut record = NewImport {
        dataset: D::NAME.to_string(),
        action: change.action.to_string(),
        status: if unchanged {
            ImportStatus::Unchanged
        } else {
            ImportStatus::Applied
        }
        .to_string(),
        source: change.source.to_string(),
        sha256: change.sha256.to_string(),
        rows_total: change.rows.len() as i64,
        rows_skipped: 0,
        added: diff.added.len() as i64,
        changed: diff.changed.len() as i64,
        removed: diff.removed.len() as i64,
        actor: change.actor.to_string(),
        created_at: now.clone(),
        directory_version: 0,
        restored_import_id: change.restored_import_id,
        content: None,
    };
    if unchanged {
        record.directory_version = c.directory_version()?.0;
        let id = c.insert_import(&record)?;
        return Ok(ImportReport {
            dataset: D::NAME.to_string(),
            status: ImportStatus::Unchanged,
            action: change.action,
            rows: change.rows.len(),
            sha256: change.sha256.to_string(),
            diff,
            import_id: Some(id),
            directory_version: record.directory_version,
        });
    }
    D::replace(c, change.rows)?;
    record.directory_version = c.bump_directory_version(&now)?;
    record.content = change.content;
    let id = c.insert_import(&record)?;
    c.set_dataset_state(&DatasetState {
        dataset: D::NAME.to_string(),
        import_id: id,
        content_import_id: change.restored_import_id.unwrap_or(id),
        sha256: change.sha256.to_string(),
        rows_total: change.rows.len() as i64,
        updated_at: now,
    })?;
    Ok(ImportReport {
        dataset: D::NAME.to_string(),
        status: ImportStatus::Applied,
        action: change.action,
        rows: change.rows.len(),
        sha256: change.sha256.to_string(),
        diff,
        import_id: Some(id),
        directory_version: record.directory_version,
    })
}

fn rollback_dataset<D: Dataset>(db: &Database, actor: &str) -> Result<ImportReport, ImportError> {
    let mut conn = db.get()?;
    with_connection!(&mut conn, |c| {
        c.write_transaction(|c| {
            let state = c.dataset_state(D::NAME)?.ok_or_else(|| {
                ImportError::NothingToRollBack(format!(
                    "{} has never been imported; there is nothing to roll back",
                    D::NAME
                ))
            })?;
            let (previous, content) = c
                .previous_import_with_content(D::NAME, state.content_import_id)?
                .ok_or_else(|| {
                    ImportError::NothingToRollBack(format!(
                        "{} has no version before import {}; there is nothing to roll back to",
                        D::NAME,
                        state.content_import_id
                    ))
                })?;
            let rows =
                parse_file::<D>(content.as_bytes()).map_err(|errors| ImportError::Invalid {
                    dataset: D::NAME.to_string(),
                    errors,
                })?;
            let source = format!("rollback to import {}", previous.id);
            apply::<D, _>(
                c,
                Change {
                    rows: &rows,
                    sha256: &previous.sha256,
                    action: ImportAction::Rollback,
                    source: &source,
                    actor,
                    content: None,
                    restored_import_id: Some(previous.id),
                },
            )
        })
    })
}

/// The import history, newest first.
pub fn history(
    db: &Database,
    dataset: Option<&str>,
    limit: i64,
) -> Result<Vec<crate::db::ImportRecord>, ImportError> {
    let mut conn = db.get()?;
    Ok(with_connection!(&mut conn, |c| c.list_imports(dataset, limit))?)
}

/// Load every shipped dataset from `data_dir` that has never been imported.
/// Returns (dataset, rows) for each one loaded.
pub fn load_missing_datasets(
    db: &Database,
    data_dir: &std::path::Path,
) -> Result<Vec<(String, usize)>, anyhow::Error> {
    let mut loaded = Vec::new();
    for name in crate::dataset::DATASET_NAMES {
        let exists = {
            let mut conn = db.get()?;
            with_connection!(&mut conn, |c| c.dataset_state(name))?.is_some()
        };
        if exists {
            continue;
        }
        let file = for_dataset_file(name);
        let path = data_dir.join(file);
        let (bytes, source) = if path.exists() {
            let bytes = std::fs::read(&path)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
            (bytes, path.display().to_string())
        } else if let Some(bytes) = shipped::built_in(file) {
            tracing::info!(
                dataset = name,
                "{} not found; loading the copy built into this program",
                path.display()
            );
            (bytes, format!("built-in {file}"))
        } else {
            tracing::warn!(dataset = name, path = %path.display(), "shipped data file not found; dataset left empty");
            continue;
        };
        // Another replica may be loading the same data at the same moment: wait for it.
        let mut attempts = 0;
        let outcome = loop {
            let outcome = import(
                db,
                &ImportRequest {
                    dataset: name,
                    bytes: &bytes,
                    source: &source,
                    actor: "bootstrap",
                    dry_run: false,
                },
            );
            match outcome {
                Err(ImportError::Busy(_)) if attempts < 60 => {
                    attempts += 1;
                    std::thread::sleep(std::time::Duration::from_millis(500));
                }
                other => break other,
            }
        };
        let report = outcome.map_err(|e| match e {
            ImportError::Invalid { errors, .. } => anyhow::anyhow!(
                "{source} is not valid:\n{}",
                errors
                    .iter()
                    .map(|e| format!("  {e}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
            other => anyhow::Error::new(other),
        })?;
        loaded.push((name.to_string(), report.rows));
    }
    Ok(loaded)
}

/// The file name a dataset ships as in `data/`.
pub fn for_dataset_file(name: &str) -> &'static str {
    match name {
        "centres" => Centre::FILE,
        "registries" => Registry::FILE,
        "treatment" | "treatment_topics" => TreatmentTopic::FILE,
        "referral_rules" => ReferralRule::FILE,
        "postcode_areas" => PostcodeArea::FILE,
        "postcode_districts" => District::FILE,
        "places" => Place::FILE,
        "family" => FamilyInfo::FILE,
        "registry_stats" => RegistryStat::FILE,
        _ => "",
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Any bytes given as any dataset are validated or refused with problems; never a panic.
        #[test]
        fn arbitrary_files_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600), which in 0usize..6) {
            let dataset = crate::dataset::DATASET_NAMES[which];
            match validate(dataset, &bytes) {
                Ok(_) => {}
                Err(ImportError::Invalid { errors, .. }) => prop_assert!(!errors.is_empty()),
                Err(other) => prop_assert!(false, "unexpected {other}"),
            }
        }

        /// Rows built from a real header with arbitrary cells never panic either.
        #[test]
        fn arbitrary_centre_rows_never_panic(cells in prop::collection::vec("[ -~]{0,12}", 22)) {
            let header = "id,kind,name,hospital,organisation,address,town,postcode,nation,lat,lon,phone,website,age_min,age_max,tya_role,services,tct_unit,notes,source,last_verified,unverified";
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(header.split(',')).unwrap();
            w.write_record(&cells).unwrap();
            let _ = validate("centres", &w.into_inner().unwrap());
        }
    }
}
