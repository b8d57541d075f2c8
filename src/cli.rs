//! The command line: argument definitions and what each subcommand does.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Settings;
use crate::import::{self, ImportError, ImportReport, ImportRequest};
use crate::server;

/// UK directory of cancer treatment centres and teenage and young adult cancer units.
///
/// Settings come from the environment (DATABASE_URL, BIND, DATA_DIR, ADMIN_TOKEN, GEOCODER,
/// RUST_LOG); see .env.sample.
#[derive(Debug, Parser)]
#[command(name = "centre-directory", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web service (migrates, and loads data/ into an empty database first).
    Serve {
        /// Seconds between checks for imports made by other processes.
        #[arg(long, default_value_t = 3)]
        poll_seconds: u64,
    },
    /// Create or update the database tables.
    Migrate,
    /// Validate a dataset file and replace the dataset with it (or only show the diff).
    Import {
        /// centres, registries, registry_stats, treatment, referral_rules, postcode_areas
        dataset: String,
        /// The CSV file ('-' reads standard input).
        path: PathBuf,
        /// Validate and print the diff without writing anything.
        #[arg(long)]
        dry_run: bool,
        /// Name recorded in the import history.
        #[arg(long, default_value = "cli")]
        actor: String,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the import history, newest first.
    Imports {
        /// Only this dataset.
        #[arg(long)]
        dataset: Option<String>,
        #[arg(long, default_value_t = 20)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
    /// Restore a dataset to the version before the one in force.
    Rollback {
        dataset: String,
        #[arg(long, default_value = "cli")]
        actor: String,
    },
}

/// Exit code for invalid input (a file with problems, a bad argument).
pub const EXIT_INVALID: u8 = 2;

pub fn run(cli: Cli) -> ExitCode {
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_INVALID);
        }
    };
    let result = match cli.command {
        Command::Serve { poll_seconds } => run_serve(settings, poll_seconds),
        Command::Migrate => server::open_database(&settings).map(|db| {
            println!("database {} is up to date", db.backend_name());
            ExitCode::SUCCESS
        }),
        Command::Import {
            dataset,
            path,
            dry_run,
            actor,
            json,
        } => run_import(&settings, &dataset, &path, dry_run, &actor, json),
        Command::Imports {
            dataset,
            limit,
            json,
        } => run_imports(&settings, dataset.as_deref(), limit, json),
        Command::Rollback { dataset, actor } => run_rollback(&settings, &dataset, &actor),
    };
    result.unwrap_or_else(|e| {
        eprintln!("error: {e:#}");
        ExitCode::FAILURE
    })
}

fn run_serve(settings: Settings, poll_seconds: u64) -> anyhow::Result<ExitCode> {
    let poll = std::time::Duration::from_secs(poll_seconds.max(1));
    actix_web::rt::System::new().block_on(server::serve(settings, poll))?;
    Ok(ExitCode::SUCCESS)
}

fn read_input(path: &PathBuf) -> anyhow::Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf)?;
        return Ok(buf);
    }
    std::fs::read(path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))
}

fn run_import(
    settings: &Settings,
    dataset: &str,
    path: &PathBuf,
    dry_run: bool,
    actor: &str,
    json: bool,
) -> anyhow::Result<ExitCode> {
    if !import::dataset_names().contains(&dataset) && dataset != "treatment_topics" {
        eprintln!(
            "error: unknown dataset '{dataset}'; allowed: {}",
            import::dataset_names().join(", ")
        );
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    let bytes = read_input(path)?;
    let progress = Progress::start(&format!("validating {dataset}"));
    let db = server::open_database(settings)?;
    let source = path.display().to_string();
    let outcome = import::import(
        &db,
        &ImportRequest {
            dataset,
            bytes: &bytes,
            source: &source,
            actor,
            dry_run,
        },
    );
    progress.finish();
    match outcome {
        Ok(report) => {
            print_report(&report, json);
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Ok(report_error(e, json)),
    }
}

fn run_rollback(settings: &Settings, dataset: &str, actor: &str) -> anyhow::Result<ExitCode> {
    let db = server::open_database(settings)?;
    match import::rollback(&db, dataset, actor) {
        Ok(report) => {
            print_report(&report, false);
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Ok(report_error(e, false)),
    }
}

fn report_error(e: ImportError, json: bool) -> ExitCode {
    match e {
        ImportError::Invalid { dataset, errors } => {
            if json {
                println!(
                    "{}",
                    serde_json::json!({"dataset": dataset, "status": "invalid", "errors": errors})
                );
            } else {
                eprintln!(
                    "{dataset}: {} problem(s) found; nothing was changed",
                    errors.len()
                );
                for e in &errors {
                    eprintln!("  {e}");
                }
            }
            ExitCode::from(EXIT_INVALID)
        }
        ImportError::UnknownDataset(_) | ImportError::NothingToRollBack(_) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_INVALID)
        }
        ImportError::Db(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn print_report(r: &ImportReport, json: bool) {
    if json {
        println!("{}", serde_json::to_string_pretty(r).unwrap_or_default());
        return;
    }
    let what = match (r.status, r.action) {
        ("dry_run", _) => "dry run: nothing written".to_string(),
        ("unchanged", _) => "unchanged: identical to the version in force, nothing written".into(),
        (_, "rollback") => format!("rolled back; directory version {}", r.directory_version),
        _ => format!("applied; directory version {}", r.directory_version),
    };
    println!("{}: {} rows valid; {what}", r.dataset, r.rows);
    println!(
        "  {} added, {} changed, {} removed",
        r.diff.added.len(),
        r.diff.changed.len(),
        r.diff.removed.len()
    );
    for (sign, ids) in [
        ("+", &r.diff.added),
        ("~", &r.diff.changed),
        ("-", &r.diff.removed),
    ] {
        for id in ids {
            println!("  {sign} {id}");
        }
    }
    if let Some(id) = r.import_id {
        println!("  import id {id}, sha256 {}", r.sha256);
    }
}

fn run_imports(
    settings: &Settings,
    dataset: Option<&str>,
    limit: i64,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let db = server::open_database(settings)?;
    let records = import::history(&db, dataset, limit.clamp(1, 10_000))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&records)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:>5}  {:<20}  {:<15}  {:<9}  {:<9}  {:>6}  {:>5} {:>5} {:>5}  {:>7}  {:<10}  source",
        "id", "time", "dataset", "action", "status", "rows", "+", "~", "-", "version", "actor"
    );
    for r in records {
        println!(
            "{:>5}  {:<20}  {:<15}  {:<9}  {:<9}  {:>6}  {:>5} {:>5} {:>5}  {:>7}  {:<10}  {}",
            r.id,
            r.created_at,
            r.dataset,
            r.action,
            r.status,
            r.rows_total,
            r.added,
            r.changed,
            r.removed,
            r.directory_version,
            r.actor,
            r.source
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// A spinner on stderr while work runs, only when stderr is a terminal.
pub struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    pub fn start(message: &str) -> Self {
        if !std::io::stderr().is_terminal() {
            return Self(None);
        }
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_message(message.to_string());
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Self(Some(bar))
    }

    pub fn finish(self) {
        if let Some(bar) = self.0 {
            bar.finish_and_clear();
        }
    }
}
