//! Import behaviour checked the same way on every backend.

use centre_directory::index::Snapshot;

use super::{
    data_rows, fewer_centres, postcode_fixture, postcode_fixture_bytes, shipped_path, shipped_text,
    TestDb, TestServer,
};

pub const DATASETS: &[(&str, &str)] = &[
    ("registries", "registries.csv"),
    ("treatment", "treatment_topics.csv"),
    ("referral_rules", "referral_rules.csv"),
    ("postcode_areas", "postcode_areas.csv"),
    ("registry_stats", "registry_stats.csv"),
    ("centres", "centres.csv"),
];

/// Every shipped file imports, its rows land in the database, and a second import of the same
/// file is reported as unchanged without a new version.
pub fn every_shipped_file_imports(db: &TestDb) {
    for (dataset, file) in DATASETS {
        let out = db.cli(&["import", dataset, &shipped_path(file)]);
        assert_eq!(out.code, 0, "{dataset}: {out:?}");
        let rows = data_rows(file);
        assert!(
            out.stdout.contains(&format!("{rows} rows valid; applied")),
            "{dataset}: {}",
            out.stdout
        );
    }
    let snapshot = Snapshot::load(&db.connect()).unwrap();
    assert_eq!(snapshot.version, DATASETS.len() as i64);
    assert_eq!(snapshot.centres().len(), data_rows("centres.csv"));
    assert_eq!(snapshot.registries.len(), 4);
    assert_eq!(snapshot.topics.len(), data_rows("treatment_topics.csv"));
    assert_eq!(snapshot.areas.len(), data_rows("postcode_areas.csv"));
    assert_eq!(
        snapshot.referral_rules.len(),
        data_rows("referral_rules.csv")
    );
    assert_eq!(snapshot.stats.len(), data_rows("registry_stats.csv"));

    let again = db.cli(&["import", "centres", &shipped_path("centres.csv")]);
    assert_eq!(again.code, 0);
    assert!(again.stdout.contains("unchanged"), "{}", again.stdout);
    assert_eq!(
        Snapshot::load(&db.connect()).unwrap().version,
        DATASETS.len() as i64
    );
}

/// The shipped centres imported, and an edited copy of them in a file: one centre renamed,
/// one removed, one added.
struct EditedCentres {
    /// The directory after the shipped import.
    before: Snapshot,
    /// The edited file, as a command-line argument.
    path: String,
    renamed_id: String,
    removed_id: String,
    _dir: tempfile::TempDir,
}

fn shipped_centres_and_an_edited_copy(db: &TestDb) -> EditedCentres {
    assert_eq!(
        db.cli(&["import", "centres", &shipped_path("centres.csv")])
            .code,
        0
    );
    let before = Snapshot::load(&db.connect()).unwrap();

    // Change one row, remove another, add a new one.
    let original = shipped_text("centres.csv");
    let mut reader = csv::Reader::from_reader(original.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let mut records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let name_col = headers.iter().position(|h| h == "name").unwrap();
    let id_col = headers.iter().position(|h| h == "id").unwrap();
    let removed_id = records.remove(1)[id_col].to_string();
    let renamed_id = records[0][id_col].to_string();
    let mut changed: Vec<String> = records[0].iter().map(str::to_string).collect();
    changed[name_col] = format!("{} (renamed)", changed[name_col]);
    records[0] = csv::StringRecord::from(changed);
    let mut added: Vec<String> = records[2].iter().map(str::to_string).collect();
    added[id_col] = "test-added-site".into();
    records.push(csv::StringRecord::from(added));
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&headers).unwrap();
    for r in &records {
        writer.write_record(r).unwrap();
    }
    let edited = writer.into_inner().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("centres-edited.csv");
    std::fs::write(&path, &edited).unwrap();
    EditedCentres {
        before,
        path: path.display().to_string(),
        renamed_id,
        removed_id,
        _dir: dir,
    }
}

/// The edited centres imported by the data team, then that import rolled back.
fn edit_applied_and_rolled_back(db: &TestDb) -> EditedCentres {
    let edit = shipped_centres_and_an_edited_copy(db);
    let applied = db.cli(&["import", "centres", &edit.path, "--actor", "data-team"]);
    assert_eq!(applied.code, 0, "{applied:?}");
    let rolled = db.cli(&["rollback", "centres"]);
    assert_eq!(rolled.code, 0, "{rolled:?}");
    edit
}

/// A dry run prints the diff and writes nothing.
pub fn a_dry_run_reports_the_diff_and_changes_nothing(db: &TestDb) {
    let edit = shipped_centres_and_an_edited_copy(db);
    let dry = db.cli(&["import", "centres", &edit.path, "--dry-run"]);
    assert_eq!(dry.code, 0, "{dry:?}");
    assert!(
        dry.stdout.contains("dry run: nothing written"),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout.contains("1 added, 1 changed, 1 removed"),
        "{}",
        dry.stdout
    );
    assert!(dry.stdout.contains("+ test-added-site"));
    assert!(dry.stdout.contains(&format!("~ {}", edit.renamed_id)));
    assert!(dry.stdout.contains(&format!("- {}", edit.removed_id)));
    let after_dry = Snapshot::load(&db.connect()).unwrap();
    assert_eq!(after_dry.version, edit.before.version);
    assert_eq!(after_dry.centres(), edit.before.centres());
}

/// Applying the file reports the same diff and makes it the next version.
pub fn an_applied_import_reports_the_diff_and_writes_a_new_version(db: &TestDb) {
    let edit = shipped_centres_and_an_edited_copy(db);
    let applied = db.cli(&["import", "centres", &edit.path, "--actor", "data-team"]);
    assert_eq!(applied.code, 0, "{applied:?}");
    assert!(applied.stdout.contains("1 added, 1 changed, 1 removed"));
    let after = Snapshot::load(&db.connect()).unwrap();
    assert_eq!(after.version, edit.before.version + 1);
    assert!(after.centre("test-added-site").is_some());
    assert!(after.centre(&edit.removed_id).is_none());
    assert!(after
        .centre(&edit.renamed_id)
        .unwrap()
        .name
        .ends_with("(renamed)"));
}

/// A rollback restores the previous rows as a new version.
pub fn a_rollback_restores_the_previous_rows_as_a_new_version(db: &TestDb) {
    let edit = shipped_centres_and_an_edited_copy(db);
    let applied = db.cli(&["import", "centres", &edit.path, "--actor", "data-team"]);
    assert_eq!(applied.code, 0, "{applied:?}");
    let rolled = db.cli(&["rollback", "centres"]);
    assert_eq!(rolled.code, 0, "{rolled:?}");
    assert!(rolled.stdout.contains("rolled back"), "{}", rolled.stdout);
    let restored = Snapshot::load(&db.connect()).unwrap();
    assert_eq!(restored.centres(), edit.before.centres());
    assert_eq!(restored.version, edit.before.version + 2);
}

/// Nothing earlier than the first import: a second rollback is refused, nothing changes.
pub fn a_rollback_past_the_first_import_is_refused_and_changes_nothing(db: &TestDb) {
    let edit = edit_applied_and_rolled_back(db);
    let refused = db.cli(&["rollback", "centres"]);
    assert_eq!(refused.code, 2, "{refused:?}");
    assert!(
        refused.stderr.contains("nothing to roll back"),
        "{}",
        refused.stderr
    );
    assert_eq!(
        Snapshot::load(&db.connect()).unwrap().version,
        edit.before.version + 2
    );
}

/// The history lists every import and rollback, newest first, with who made it and what it
/// changed; a refused rollback leaves no record.
pub fn the_history_lists_imports_and_rollbacks_with_their_actors_and_counts(db: &TestDb) {
    edit_applied_and_rolled_back(db);
    assert_eq!(db.cli(&["rollback", "centres"]).code, 2);
    let records = db.cli(&["imports", "--json"]).json();
    let actions: Vec<(&str, &str)> = records
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["action"].as_str().unwrap(), r["actor"].as_str().unwrap()))
        .collect();
    assert_eq!(
        actions,
        vec![
            ("rollback", "cli"),
            ("import", "data-team"),
            ("import", "cli")
        ]
    );
    assert_eq!(records[1]["added"], 1);
    assert_eq!(records[1]["removed"], 1);
    assert_eq!(records[1]["changed"], 1);
    assert_eq!(records[0]["restored_import_id"], records[2]["id"]);
}

/// ONSPD- and NSPL-shaped files load, answer exactly, flag terminated postcodes, derive
/// districts, and a second file replaces the first.
pub fn postcode_directory_loads(db: &TestDb) {
    let onspd = postcode_fixture("onspd_sample.csv");
    // Before: the shipped district centre only.
    let before = db.nearest_json("LS9 7TF");
    assert_eq!(before["location"]["precision"], "district");
    assert_eq!(before["location"]["source"], "postcode_districts");

    let report = db.cli(&["import", "postcodes", &onspd, "--json"]).json();
    assert_eq!(report["status"], "applied");
    assert_eq!(report["rows_read"], 11);
    assert_eq!(report["rows_loaded"], 10);
    assert_eq!(report["skipped_no_location"], 1);
    assert_eq!(report["terminated"], 1);
    assert_eq!(report["districts"], 8);
    assert_eq!(report["by_nation"]["england"], 6);
    assert_eq!(report["by_nation"]["crown_dependency"], 1);
    assert_eq!(report["columns"]["postcode"], "pcds");
    assert_eq!(report["columns"]["lon"], "long");
    assert_eq!(report["columns"]["country"], "ctry");
    assert_eq!(report["columns"]["terminated"], "doterm");

    let exact = db.nearest_json("ls97tf");
    assert_eq!(exact["location"]["precision"], "postcode");
    assert_eq!(exact["location"]["source"], "postcodes");
    assert_eq!(exact["location"]["query"], "LS9 7TF");
    assert_eq!(exact["location"]["nation"], "england");
    let first = &exact["results"][0];
    assert_eq!(first["centre"]["town"], "Leeds", "{first}");
    assert!(first["distance_km"].as_f64().unwrap() < 1.0, "{first}");

    let old = db.nearest_json("LS1 9ZZ");
    assert_eq!(old["location"]["terminated"], true);
    assert!(old["location"]["note"]
        .as_str()
        .unwrap()
        .contains("no longer in use"));

    let district = db.nearest_json("LS1");
    assert_eq!(district["location"]["precision"], "district");
    // LS1's centroid comes from its one live postcode (LS1 3EX), not the terminated LS1 9ZZ.
    assert!((district["location"]["lat"].as_f64().unwrap() - 53.8018).abs() < 1e-6);

    let wales = db.nearest_json("CF14 4XW");
    assert_eq!(wales["location"]["nation"], "wales");
    assert_eq!(wales["registry"]["nation"], "wales");

    let guernsey = db.nearest_json("GY1 3NS");
    assert_eq!(guernsey["location"]["precision"], "postcode");
    assert!(guernsey["location"]["nation"].is_null());
    assert_eq!(guernsey["location"]["territory"], "crown_dependency");

    // The row ONS marks 99.999999 / 0.000000 was skipped, not stored at 99° north.
    let missing = db.nearest_json("LS99 1AA");
    assert_ne!(missing["location"]["precision"], "postcode");

    let again = db.cli(&["import", "postcodes", &onspd, "--json"]).json();
    assert_eq!(again["status"], "unchanged");
    assert_eq!(again["directory_version"], report["directory_version"]);

    // An NSPL-shaped file (2025 column names, quoted cells, from standard input) replaces it.
    let nspl = postcode_fixture_bytes("nspl_sample.csv");
    let replaced = db.import_stdin_with("postcodes", &nspl, &["--json"]).json();
    assert_eq!(replaced["status"], "applied");
    assert_eq!(replaced["rows_loaded"], 9);
    assert_eq!(replaced["previous_rows"], 10);
    assert_eq!(replaced["columns"]["country"], "ctry25cd");
    assert_eq!(replaced["columns"]["postcode"], "pcds");
    // EC1A 1BB was only in the first file: now neither it nor its derived district is
    // known, and the shipped district centre answers.
    let gone = db.nearest_json("EC1A 1BB");
    assert_eq!(gone["location"]["source"], "postcode_districts");
    assert_eq!(
        db.nearest_json("LS9 7TF")["location"]["precision"],
        "postcode"
    );

    let history = db
        .cli(&["imports", "--dataset", "postcodes", "--json"])
        .json();
    let statuses: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["applied", "unchanged", "applied"]);
    assert_eq!(history[0]["rows_total"], 9);
    assert_eq!(history[0]["source"], "standard input");
}

/// `serve` holds the postcode tables in memory; the command line asks the database. Both must
/// give the same answer to every kind of postcode question, and the memory must follow imports.
pub async fn postcodes_in_memory_match_the_database(db: &TestDb) {
    let onspd = postcode_fixture("onspd_sample.csv");
    db.cli(&["import", "postcodes", &onspd, "--json"]).json();
    let server = TestServer::start(db).await;
    let held = server
        .directory
        .snapshot()
        .postcodes
        .clone()
        .expect("held in memory");
    assert_eq!(held.len(), 10);

    // Found, terminated, a district, a full postcode known only by its district, a sector,
    // Wales, a Crown Dependency, a row skipped for having no location, an unknown district.
    for q in [
        "ls97tf", "LS1 9ZZ", "LS1", "LS1 3XX", "LS9 7", "CF14 4XW", "GY1 3NS", "LS99 1AA",
        "EC1A 1BB", "EC2A 9ZZ",
    ] {
        let cli = db.nearest_json(q);
        let path = format!(
            "/api/v1/centres/nearest?postcode={}&limit=3",
            q.replace(' ', "%20")
        );
        let (status, api) = server.get_json(&path).await;
        assert_eq!(status, 200, "{q}: {api}");
        assert_eq!(api["location"], cli["location"], "{q}");
        assert_eq!(api["results"], cli["results"], "{q}");
        assert_eq!(api["registry"], cli["registry"], "{q}");
    }
    let (_, exact) = server.get_json("/api/v1/geocode?postcode=LS9%207TF").await;
    assert_eq!(exact["location"]["precision"], "postcode");
    assert_eq!(exact["location"]["lat"], 53.807296);

    // Another dataset changes: the new snapshot shares the same postcode tables.
    let out = db.import_stdin("centres", fewer_centres(59));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(server
        .directory
        .refresh_if_changed(&server.db)
        .unwrap()
        .is_some());
    let after = server.directory.snapshot();
    assert!(std::sync::Arc::ptr_eq(
        &held,
        after.postcodes.as_ref().unwrap()
    ));
    drop(after);

    // The postcode table is replaced: the memory follows.
    let nspl = postcode_fixture_bytes("nspl_sample.csv");
    db.import_stdin_with("postcodes", &nspl, &["--json"]).json();
    assert!(server
        .directory
        .refresh_if_changed(&server.db)
        .unwrap()
        .is_some());
    let replaced = server.directory.snapshot().postcodes.clone().unwrap();
    assert!(!std::sync::Arc::ptr_eq(&held, &replaced));
    assert_eq!(replaced.len(), 9);
    let (_, gone) = server
        .get_json("/api/v1/centres/nearest?postcode=EC1A%201BB")
        .await;
    assert_eq!(gone["location"]["source"], "postcode_districts");
    assert_eq!(gone["location"], db.nearest_json("EC1A 1BB")["location"]);
    server.stop().await;
}
