//! The command line: argument definitions and what each subcommand does.

pub mod cohort;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::answer::nearest::{Filters, NearestAnswer};
use crate::answer::referral::ReferralAnswer;
use crate::config::{Settings, SettingsArgs};
use crate::dataset::Cancer;
use crate::domain::{
    parse_age, CentreKind, Coordinates, Nation, PostcodeQuery, Service, Vocabulary,
};
use crate::geocode::{GeocodeError, Geocoder, Place};
use crate::import::{self, ImportError, ImportReport, ImportRequest};
use crate::import::{ImportAction, ImportStatus};
use crate::server;

/// UK directory of cancer treatment centres and teenage and young adult cancer units.
///
/// Settings come from flags or the environment (DATABASE_URL, BIND, DATA_DIR, ADMIN_TOKEN,
/// GEOCODER, ...; RUST_LOG for the log); see .env.sample.
#[derive(Debug, Parser)]
#[command(name = "centre-directory", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub settings: SettingsArgs,
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
    ///
    /// `postcodes` loads a postcode directory (ONS Postcode Directory, NSPL, any
    /// postcode,lat,lon file, or an outcode table) for exact geocoding.
    Import {
        /// centres, registries, registry_stats, treatment, referral_rules, postcode_areas,
        /// postcodes
        dataset: String,
        /// The CSV file: a path, an https:// URL, or '-' for standard input. It may be
        /// gzip-compressed, or a ZIP archive (its largest CSV file is read), as the ONS
        /// publishes its postcode directories.
        #[arg(value_name = "PATH|URL|-")]
        path: String,
        /// Validate and print the diff without writing anything.
        #[arg(long)]
        dry_run: bool,
        /// postcodes only: skip rows with problems (and count them) instead of refusing the file.
        #[arg(long)]
        skip_invalid: bool,
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
    /// The nearest centres to a postcode, outcode, town or point: the API's answer, for a
    /// terminal (or as JSON with --json).
    Nearest {
        #[command(flatten)]
        location: LocationArgs,
        /// cancer_centre or tya_unit.
        #[arg(long)]
        kind: Option<String>,
        /// A service every result must offer (repeatable).
        #[arg(long = "service")]
        services: Vec<String>,
        /// The age of the young person: a unit's age range must include it.
        #[arg(long, allow_hyphen_values = true)]
        age: Option<String>,
        #[arg(long)]
        nation: Option<String>,
        #[arg(long, default_value_t = 5)]
        limit: usize,
        /// Only centres within this many kilometres.
        #[arg(long)]
        max_km: Option<f64>,
        /// The condition asked about, for the registry figures (e.g. acute_lymphoblastic_leukaemia).
        #[arg(long)]
        condition: Option<String>,
        #[arg(long)]
        json: bool,
        /// Map a whole file instead: a CSV with a postcode column (a cohort). Every row is
        /// written to --output with the nearest centre's id, name, kind, distance and the
        /// location's precision added, or a problem; a row's problem never stops the run.
        #[arg(long, value_name = "CSV", conflicts_with_all = ["postcode", "q", "lat", "lon", "json"])]
        input: Option<std::path::PathBuf>,
        /// Where --input's rows go (`-` for standard output).
        #[arg(long, value_name = "CSV", requires = "input")]
        output: Option<std::path::PathBuf>,
        /// The column of --input holding the postcode (or place); by default the first named
        /// postcode, pcds, pcd, post_code, postal_code or pcd2.
        #[arg(long, value_name = "NAME", requires = "input")]
        postcode_column: Option<String>,
        /// A column of --input holding each person's age (a unit's age range must include it).
        #[arg(long, value_name = "NAME", requires = "input")]
        age_column: Option<String>,
    },
    /// Referral guidance for a young person: the rule of their nation for their age and the
    /// nearest places that fit it (the API's /api/v1/referrals/tya, for a terminal).
    Refer {
        #[command(flatten)]
        location: LocationArgs,
        /// The young person's age in whole years.
        #[arg(long, allow_hyphen_values = true)]
        age: String,
        #[arg(long, default_value_t = 5)]
        limit: usize,
        /// The condition asked about, for the registry figures (e.g. acute_lymphoblastic_leukaemia).
        #[arg(long)]
        condition: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Write a dataset to standard output: CSV (imports back unchanged; spreadsheet formulas
    /// neutralised) or, for centres, GeoJSON.
    Export {
        dataset: String,
        /// csv or geojson (centres only).
        #[arg(long, default_value = "csv")]
        format: String,
    },
    /// The data health report: per dataset the rows, the share citing a source, the values no
    /// source confirms and the rows not checked for a year, and the rules the data breaks
    /// (exit code 1 when it breaks any).
    CheckData {
        #[arg(long)]
        json: bool,
    },
    /// Forget the online geocoder's cached answers (found ones are kept 30 days, "not found"
    /// one day), so every postcode and place is asked again.
    ClearGeocoderCache,
    /// Restore a dataset to the version before the one in force.
    Rollback {
        dataset: String,
        #[arg(long, default_value = "cli")]
        actor: String,
    },
}

/// Where: one of `--postcode`, `--q`, or `--lat` with `--lon`.
#[derive(Debug, clap::Args)]
pub struct LocationArgs {
    /// A full postcode (LS9 7TF), sector (LS9 7), outcode (LS9) or area (LS).
    #[arg(long)]
    postcode: Option<String>,
    /// A postcode or a town name.
    #[arg(long)]
    q: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    lat: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    lon: Option<String>,
}

impl LocationArgs {
    fn place(self) -> Result<Place, String> {
        Ok(match (self.postcode, self.q, self.lat, self.lon) {
            (Some(p), None, None, None) => Place::Postcode(
                PostcodeQuery::parse(&p)
                    .ok_or_else(|| format!("--postcode '{p}' is not a UK postcode"))?,
            ),
            (None, Some(q), None, None) => Place::Text(q),
            (None, None, Some(lat), Some(lon)) => Place::Point(Coordinates::new(
                Coordinates::parse_lat(&lat)?,
                Coordinates::parse_lon(&lon)?,
            )?),
            _ => return Err("give one location: --postcode, --q, or --lat with --lon".to_string()),
        })
    }
}

/// Exit code for invalid input (a file with problems, a bad argument).
pub const EXIT_INVALID: u8 = 2;

pub fn run(cli: Cli) -> ExitCode {
    let settings = Settings::from(cli.settings);
    let result = match cli.command {
        Command::Serve { poll_seconds } => run_serve(settings, poll_seconds),
        Command::CheckData { json } => run_check_data(&settings, json),
        Command::ClearGeocoderCache => server::open_database(&settings).and_then(|db| {
            let mut conn = db.get()?;
            let cleared =
                crate::with_connection!(&mut conn, |c| crate::db::Storage::clear_geocode_cache(c))?;
            println!("forgot {cleared} cached geocoder answers");
            Ok(ExitCode::SUCCESS)
        }),
        Command::Migrate => server::open_database(&settings).map(|db| {
            println!("database {} is up to date", db.backend_name());
            ExitCode::SUCCESS
        }),
        Command::Import {
            dataset,
            path,
            dry_run,
            skip_invalid,
            actor,
            json,
        } => {
            if dataset == import::postcodes::POSTCODES {
                run_import_postcodes(&settings, &path, dry_run, skip_invalid, &actor, json)
            } else {
                run_import(&settings, &dataset, &path, dry_run, &actor, json)
            }
        }
        Command::Imports {
            dataset,
            limit,
            json,
        } => run_imports(&settings, dataset.as_deref(), limit, json),
        Command::Rollback { dataset, actor } => run_rollback(&settings, &dataset, &actor),
        Command::Export { dataset, format } => run_export(&settings, &dataset, &format),
        Command::Nearest {
            location,
            kind,
            services,
            age,
            nation,
            limit,
            max_km,
            condition,
            json,
            input,
            output,
            postcode_column,
            age_column,
        } => {
            let filters = (|| -> Result<Filters, String> {
                Ok(Filters {
                    kind: kind.as_deref().map(CentreKind::parse).transpose()?,
                    services: services
                        .iter()
                        .map(|s| Service::parse(s))
                        .collect::<Result<_, _>>()?,
                    age: age.as_deref().map(parse_age).transpose()?,
                    nation: nation.as_deref().map(Nation::parse).transpose()?,
                    limit,
                    max_km: max_km.filter(|m| *m > 0.0),
                    condition: condition.as_deref().map(Cancer::parse).transpose()?,
                })
            })();
            let filters = match filters {
                Ok(f) => f,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(EXIT_INVALID);
                }
            };
            if let Some(input) = input {
                // One nearest centre a row.
                let filters = Filters {
                    limit: 1,
                    condition: None,
                    ..filters
                };
                let output = output.unwrap_or_else(|| std::path::PathBuf::from("-"));
                run_cohort(
                    &settings,
                    cohort::CohortRequest {
                        input: &input,
                        output: &output,
                        postcode_column: postcode_column.as_deref(),
                        age_column: age_column.as_deref(),
                        filters,
                    },
                )
            } else {
                let parsed = (|| -> Result<Place, String> {
                    let place = location.place()?;
                    if !(1..=50).contains(&limit) {
                        return Err(format!("--limit {limit} is not allowed; allowed: 1 to 50"));
                    }
                    Ok(place)
                })();
                match parsed {
                    Ok(place) => run_nearest(settings, place, filters, json),
                    Err(e) => {
                        eprintln!("error: {e}");
                        Ok(ExitCode::from(EXIT_INVALID))
                    }
                }
            }
        }
        Command::Refer {
            location,
            age,
            limit,
            condition,
            json,
        } => {
            let parsed = (|| -> Result<(Place, u8, Option<Cancer>), String> {
                let place = location.place()?;
                let age = parse_age(&age).map_err(|e| format!("--age: {e}"))?;
                if !(1..=20).contains(&limit) {
                    return Err(format!("--limit {limit} is not allowed; allowed: 1 to 20"));
                }
                let condition = condition.as_deref().map(Cancer::parse).transpose()?;
                Ok((place, age, condition))
            })();
            match parsed {
                Ok((place, age, condition)) => {
                    run_refer(settings, place, age, condition, limit, json)
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    Ok(ExitCode::from(EXIT_INVALID))
                }
            }
        }
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

fn run_check_data(settings: &Settings, json: bool) -> anyhow::Result<ExitCode> {
    let (_db, directory) = server::prepare(settings)?;
    let reference = settings.data_dir.join("reference");
    let report = crate::answer::health::report(
        &directory.snapshot(),
        reference.is_dir().then_some(reference.as_path()),
        chrono::Utc::now().date_naive(),
    );
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "{:<20} {:>6} {:>8} {:>11} {:>15}  oldest check",
            "dataset", "rows", "sourced", "unverified", "over a year old"
        );
        for d in &report.datasets {
            println!(
                "{:<20} {:>6} {:>7.1}% {:>11} {:>15}  {}",
                d.dataset,
                d.rows,
                d.share_with_source * 100.0,
                d.unverified_values,
                d.not_verified_for_a_year,
                d.oldest_check.as_deref().unwrap_or("-")
            );
        }
        for d in &report.datasets {
            if let Some(w) = &d.welsh {
                println!(
                    "{}: Welsh for {} of {} rows, {} reviewed by a Welsh-speaking clinician",
                    d.dataset, w.rows_with_welsh, d.rows, w.reviewed
                );
            }
        }
        if report.broken_rules.is_empty() {
            println!("no rule is broken");
        } else {
            println!("broken rules:");
            for rule in &report.broken_rules {
                println!("  {rule}");
            }
        }
    }
    Ok(if report.broken_rules.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Map a cohort file (`nearest --input`), saying on standard error what was done.
fn run_cohort(settings: &Settings, request: cohort::CohortRequest<'_>) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let summary = cohort::map(settings, request)?;
    eprintln!(
        "mapped {} rows in {:.1} s: {} located, {} with a problem (see the problem column)",
        summary.rows,
        started.elapsed().as_secs_f64(),
        summary.located,
        summary.problems
    );
    Ok(ExitCode::SUCCESS)
}

/// Locate a place the way the API does; `Err(code)` after printing why it could not.
fn locate_for_cli(
    settings: &Settings,
    place: Place,
) -> anyhow::Result<
    Result<
        (
            crate::geocode::Location,
            std::sync::Arc<crate::index::Snapshot>,
        ),
        ExitCode,
    >,
> {
    let (db, directory) = server::prepare(settings)?;
    let geocoder = Geocoder::from_setting(&settings.geocoder);
    let snapshot = directory.snapshot();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    match runtime.block_on(geocoder.locate(&db, &snapshot, place)) {
        Ok(l) => Ok(Ok((l, snapshot))),
        Err(GeocodeError::Db(e)) => Err(e.into()),
        Err(e) => {
            eprintln!("error: {e}");
            Ok(Err(ExitCode::from(3)))
        }
    }
}

fn run_refer(
    settings: Settings,
    place: Place,
    age: u8,
    condition: Option<Cancer>,
    limit: usize,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let (location, snapshot) = match locate_for_cli(&settings, place)? {
        Ok(found) => found,
        Err(code) => return Ok(code),
    };
    let answer = ReferralAnswer::build(&snapshot, location, age, condition, limit);
    if json {
        println!("{}", serde_json::to_string_pretty(&answer)?);
    } else {
        print!("{}", render_referral(&answer));
    }
    Ok(ExitCode::SUCCESS)
}

/// A referral answer as plain text for a terminal.
pub fn render_referral(a: &ReferralAnswer) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Referral guidance for age {} near {} ({} precision)",
        a.age,
        a.location.query,
        precision_name(a.location.precision)
    );
    if let Some(note) = &a.location.note {
        let _ = writeln!(out, "  Location: {note}");
    }
    match &a.pathway {
        Some(p) => {
            let _ = writeln!(
                out,
                "\nRule ({}, ages {}-{}): {}",
                p.nation.display_name(),
                p.age_min,
                p.age_max,
                p.rule
            );
            if !p.details.is_empty() {
                let _ = writeln!(out, "  {}", p.details);
            }
            let _ = writeln!(
                out,
                "  Source: {} (last verified {})",
                p.source, p.last_verified
            );
            if !p.unverified.is_empty() {
                let _ = writeln!(
                    out,
                    "  Not confirmed by the source: {}",
                    p.unverified.join(", ")
                );
            }
            let _ = writeln!(out, "\nNearest places that fit ({}):", p.setting_plain);
        }
        None => {
            let _ = writeln!(
                out,
                "\nNo referral rule applies. Nearest places that take this age:"
            );
        }
    }
    for (i, r) in a.results.iter().enumerate() {
        let c = &r.centre;
        let _ = writeln!(out, "{:>2}. {} ({})", i + 1, c.name, r.role_plain);
        let _ = writeln!(out, "    {}, {} {}", c.hospital, c.town, c.postcode);
        let ages = ages_text(c);
        let _ = writeln!(
            out,
            "    {:.1} miles ({:.1} km){ages}",
            r.distance_miles, r.distance_km
        );
        write_contact(&mut out, c);
        if let Some(reg) = &r.registry {
            let _ = writeln!(out, "    In {}: registry {}", reg.nation_name, reg.name);
        }
    }
    for note in &a.notes {
        let _ = writeln!(out, "\nNote: {note}");
    }
    match (&a.registry, a.registry_note.as_deref()) {
        (Some(r), _) => {
            let _ = writeln!(out, "\nCancer registry: {} ({})", r.name, r.url);
            render_figures(&mut out, r);
        }
        (None, Some(note)) => {
            let _ = writeln!(out, "\nCancer registry: none. {note}");
        }
        _ => {}
    }
    let _ = writeln!(out, "\n{}", a.disclaimer);
    out
}

fn run_nearest(
    settings: Settings,
    place: Place,
    filters: Filters,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let (location, snapshot) = match locate_for_cli(&settings, place)? {
        Ok(found) => found,
        Err(code) => return Ok(code),
    };
    let answer = NearestAnswer::build(&snapshot, location, &filters);
    if json {
        println!("{}", serde_json::to_string_pretty(&answer)?);
    } else {
        print!("{}", render_answer(&answer));
    }
    Ok(ExitCode::SUCCESS)
}

/// A registry's figures, one line each, with their source.
fn render_figures(out: &mut String, r: &crate::answer::views::RegistryView) {
    use std::fmt::Write;
    for f in &r.figures {
        let _ = writeln!(
            out,
            "  {}. Source: {}",
            crate::answer::figures::describe(f),
            f.source
        );
    }
    for missing in &r.figures_missing {
        let _ = writeln!(out, "  {missing}");
    }
}

/// ` · ages 16-24`, or nothing for a centre without an age range.
fn ages_text(c: &crate::answer::views::CentreView) -> String {
    match (c.age_min, c.age_max) {
        (Some(lo), Some(hi)) => format!(" · ages {lo}-{hi}"),
        _ => String::new(),
    }
}

/// The centre's phone and website on one line, when it has either.
fn write_contact(out: &mut String, c: &crate::answer::views::CentreView) {
    use std::fmt::Write;
    let contact: Vec<&str> = [c.phone.as_str(), c.website.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    if !contact.is_empty() {
        let _ = writeln!(out, "    {}", contact.join(" · "));
    }
}

fn precision_name(p: crate::geocode::Precision) -> String {
    serde_json::to_value(p)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The answer as plain text for a terminal.
pub fn render_answer(a: &NearestAnswer) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let precision = precision_name(a.location.precision);
    let name = match (&a.location.place, &a.location.near) {
        (Some(place), _) => crate::geocode::describe_place(place),
        (None, Some(near)) => format!(
            "{} ({} km from {})",
            a.location.query,
            near.distance_km,
            crate::geocode::describe_place(&near.place)
        ),
        _ => a.location.query.clone(),
    };
    let _ = writeln!(
        out,
        "Near {name} ({precision}, {:.4}, {:.4})",
        a.location.lat, a.location.lon
    );
    if let Some(note) = &a.location.note {
        let _ = writeln!(out, "  Note: {note}");
    }
    if !a.location.alternatives.is_empty() {
        let others: Vec<String> = a
            .location
            .alternatives
            .iter()
            .map(crate::geocode::describe_place)
            .collect();
        let _ = writeln!(out, "  Other places of this name: {}", others.join("; "));
    }
    match (&a.registry, a.registry_note.as_deref()) {
        (Some(r), _) => {
            let _ = writeln!(
                out,
                "Cancer registry: {} ({}), {}",
                r.name, r.organisation, r.url
            );
            render_figures(&mut out, r);
        }
        (None, Some(note)) => {
            let _ = writeln!(out, "Cancer registry: none. {note}");
        }
        _ => {}
    }
    let _ = writeln!(out);
    if let Some(m) = &a.message {
        let _ = writeln!(out, "{m}");
    }
    for (i, r) in a.results.iter().enumerate() {
        let c = &r.centre;
        let _ = writeln!(out, "{:>2}. {}", i + 1, c.name);
        let _ = writeln!(out, "    {}, {} {}", c.hospital, c.town, c.postcode);
        let ages = ages_text(c);
        let _ = writeln!(
            out,
            "    {:.1} miles ({:.1} km){ages} · {}",
            r.distance_miles,
            r.distance_km,
            c.services_plain.join(", ")
        );
        write_contact(&mut out, c);
        let _ = writeln!(out, "    Directions: {}", r.directions_url);
        if let Some(reg) = &r.registry {
            let _ = writeln!(out, "    In {}: registry {}", reg.nation_name, reg.name);
        }
        let _ = writeln!(out, "    Last verified {}", c.last_verified);
    }
    if !a.treatment.is_empty() {
        let _ = writeln!(out, "\nTreatment information:");
        for t in &a.treatment {
            let _ = writeln!(out, "  - {}: {}", t.title, t.summary);
        }
    }
    out
}

fn run_import(
    settings: &Settings,
    dataset: &str,
    path: &str,
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
    let (bytes, source) = match import::source::read_all(path, &settings.fetch) {
        Ok(read) => read,
        Err(e) => return Ok(report_error(e.into(), json)),
    };
    let progress = Progress::start(&format!("validating {dataset}"));
    let db = server::open_database(settings)?;
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

fn run_import_postcodes(
    settings: &Settings,
    path: &str,
    dry_run: bool,
    skip_invalid: bool,
    actor: &str,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let input = match import::source::open(path, &settings.fetch) {
        Ok(input) => input,
        Err(e) => return Ok(report_error(e.into(), json)),
    };
    let db = server::open_database(settings)?;
    let progress = Progress::bytes(input.len, "reading postcodes");
    let outcome = import::postcodes::import_postcodes(
        &db,
        input.reader,
        &import::postcodes::PostcodeImport {
            source: &input.source,
            actor,
            dry_run,
            skip_invalid,
        },
        &mut |bytes, rows| progress.set(bytes, rows),
    );
    progress.finish();
    match outcome {
        Ok(report) => {
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", render_postcode_report(&report));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Ok(report_error(e, json)),
    }
}

/// A postcode import's summary for a terminal.
pub fn render_postcode_report(r: &import::postcodes::PostcodeReport) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let what = match r.status {
        ImportStatus::DryRun => "dry run: nothing written".to_string(),
        ImportStatus::Unchanged => {
            "unchanged: identical to the file in force, nothing written".to_string()
        }
        ImportStatus::Applied => format!("applied; directory version {}", r.directory_version),
    };
    let _ = writeln!(
        out,
        "{}: {} rows loaded of {} read in {:.1} s; {what}",
        r.dataset, r.counts.rows_loaded, r.counts.rows_read, r.seconds
    );
    let _ = writeln!(out, "  read from: {}", r.source);
    let columns: Vec<String> = r.columns.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let _ = writeln!(out, "  columns used: {}", columns.join(", "));
    let _ = writeln!(
        out,
        "  skipped: {} without a location, {} with problems",
        r.counts.skipped_no_location, r.counts.skipped_invalid
    );
    let nations: Vec<String> = r
        .counts
        .by_nation
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    let _ = writeln!(out, "  by nation: {}", nations.join(", "));
    let _ = writeln!(
        out,
        "  terminated (kept, flagged): {}; unrecognised country codes: {}",
        r.counts.terminated, r.counts.unknown_country
    );
    let _ = writeln!(
        out,
        "  districts: {}; rows before: {}",
        r.districts, r.previous_rows
    );
    for w in &r.warnings {
        let _ = writeln!(out, "  skipped {w}");
    }
    if let Some(id) = r.import_id {
        let _ = writeln!(out, "  import id {id}, sha256 {}", r.sha256);
    }
    out
}

fn run_export(settings: &Settings, dataset: &str, format: &str) -> anyhow::Result<ExitCode> {
    use std::io::Write;
    match (format, dataset) {
        ("geojson", "centres") => {
            let (_, directory) = server::prepare(settings)?;
            let snapshot = directory.snapshot();
            let value = crate::export::geojson(snapshot.centres());
            println!("{}", serde_json::to_string_pretty(&value)?);
            Ok(ExitCode::SUCCESS)
        }
        ("geojson", _) => {
            eprintln!("error: only centres can be exported as geojson");
            Ok(ExitCode::from(EXIT_INVALID))
        }
        ("csv", _) => {
            let db = server::open_database(settings)?;
            match crate::export::csv(&db, dataset, None) {
                Ok(bytes) => {
                    std::io::stdout().write_all(&bytes)?;
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => Ok(report_error(e, false)),
            }
        }
        (other, _) => {
            eprintln!("error: --format '{other}' is not supported; allowed: csv, geojson");
            Ok(ExitCode::from(EXIT_INVALID))
        }
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
        ImportError::UnknownDataset(_)
        | ImportError::NothingToRollBack(_)
        | ImportError::Source(_)
        | ImportError::Busy(_) => {
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
        (ImportStatus::DryRun, _) => "dry run: nothing written".to_string(),
        (ImportStatus::Unchanged, _) => {
            "unchanged: identical to the version in force, nothing written".into()
        }
        (ImportStatus::Applied, ImportAction::Rollback) => {
            format!("rolled back; directory version {}", r.directory_version)
        }
        (ImportStatus::Applied, ImportAction::Import) => {
            format!("applied; directory version {}", r.directory_version)
        }
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

    /// A bar over `len` bytes (a spinner when the size is unknown), only on a terminal.
    pub fn bytes(len: Option<u64>, message: &str) -> Self {
        if !std::io::stderr().is_terminal() {
            return Self(None);
        }
        let bar = match len {
            Some(n) => {
                let bar = indicatif::ProgressBar::new(n);
                bar.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}, eta {eta}",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                    .progress_chars("=> "),
                );
                bar
            }
            None => indicatif::ProgressBar::new_spinner(),
        };
        bar.set_message(message.to_string());
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        Self(Some(bar))
    }

    /// Bytes read and rows seen so far.
    pub fn set(&self, bytes: u64, rows: u64) {
        if let Some(bar) = &self.0 {
            bar.set_position(bytes);
            bar.set_message(format!("{rows} rows"));
        }
    }

    pub fn finish(self) {
        if let Some(bar) = self.0 {
            bar.finish_and_clear();
        }
    }
}
