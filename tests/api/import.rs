//! The import command on the embedded SQLite database: shipped files, malformed files, BOM and
//! CRLF, dry run, unchanged detection, rollback.

use centre_directory::index::Snapshot;

use crate::support::{binary, shipped_path, suite, TestDb, STATS_HEADER};

const HEADER: &str = "id,kind,name,hospital,organisation,address,town,postcode,nation,lat,lon,phone,website,age_min,age_max,tya_role,services,tct_unit,notes,source,last_verified,unverified";
const UNIT: &str = "tya-test-a,tya_unit,Test unit A,Test Hospital,Test Trust,1 Test Road,Leeds,LS9 7TF,england,53.8073,-1.5204,0113 243 3144,https://www.example.nhs.uk/a,16,24,ptc,tya_unit;chemotherapy,true,,https://example.org/source,2026-11-28,";
const CENTRE: &str = "cc-test-b,cancer_centre,Test centre B,Test Hospital B,Test Trust,2 Test Road,Cardiff,CF14 2TL,wales,51.5162,-3.2306,,,,,,chemotherapy;radiotherapy,,,https://example.org/source,2026-11-28,phone";

fn file(rows: &[&str]) -> Vec<u8> {
    let mut s = String::from(HEADER);
    for r in rows {
        s.push('\n');
        s.push_str(r);
    }
    s.push('\n');
    s.into_bytes()
}

/// Replace one cell (by column name) in a row.
fn with_cell(row: &str, column: &str, value: &str) -> String {
    let idx = HEADER.split(',').position(|h| h == column).unwrap();
    let mut cells: Vec<String> = row.split(',').map(str::to_string).collect();
    cells[idx] = value.to_string();
    cells.join(",")
}

/// A database with the shipped data loaded.
fn loaded() -> TestDb {
    let db = TestDb::sqlite();
    for (dataset, file) in suite::DATASETS {
        assert_eq!(db.cli(&["import", dataset, &shipped_path(file)]).code, 0);
    }
    db
}

#[test]
fn every_shipped_file_imports_and_a_repeat_is_unchanged() {
    suite::every_shipped_file_imports(&TestDb::sqlite());
}

#[test]
fn a_dry_run_reports_the_diff_and_changes_nothing() {
    suite::a_dry_run_reports_the_diff_and_changes_nothing(&TestDb::sqlite());
}

#[test]
fn an_applied_import_reports_the_diff_and_writes_a_new_version() {
    suite::an_applied_import_reports_the_diff_and_writes_a_new_version(&TestDb::sqlite());
}

#[test]
fn a_rollback_restores_the_previous_rows_as_a_new_version() {
    suite::a_rollback_restores_the_previous_rows_as_a_new_version(&TestDb::sqlite());
}

#[test]
fn a_rollback_past_the_first_import_is_refused_and_changes_nothing() {
    suite::a_rollback_past_the_first_import_is_refused_and_changes_nothing(&TestDb::sqlite());
}

#[test]
fn the_history_lists_imports_and_rollbacks_with_their_actors_and_counts() {
    suite::the_history_lists_imports_and_rollbacks_with_their_actors_and_counts(&TestDb::sqlite());
}

/// Malformed centres files: what is wrong, the file, and the message that must name it.
fn malformed_centres_files() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let unknown_col_header = format!("{HEADER},colour");
    let missing_lat_header = HEADER.replace(",lat,", ",");
    let missing_lat_row = UNIT.replace(",53.8073,", ",");
    vec![
        ("empty file", Vec::new(), "line 1: the file is empty"),
        ("header only", format!("{HEADER}\n").into_bytes(), "line 2: the file has a header but no data rows"),
        (
            "missing required column",
            format!("{missing_lat_header}\n{missing_lat_row}\n").into_bytes(),
            "line 1: required column 'lat' is missing from the header",
        ),
        (
            "unknown column",
            format!("{unknown_col_header}\n{UNIT},blue\n").into_bytes(),
            "line 1, column 23 (colour): unknown column 'colour'; allowed columns: id, kind,",
        ),
        (
            "bad postcode",
            file(&[&with_cell(UNIT, "postcode", "LS99 ZZZ")]),
            "line 2, column 8 (postcode): 'LS99 ZZZ' is not a UK postcode",
        ),
        (
            "latitude outside the UK",
            file(&[UNIT, &with_cell(CENTRE, "lat", "48.85")]),
            "line 3, column 10 (lat): latitude 48.85 is outside the UK; allowed: 49 to 61",
        ),
        (
            "longitude not a number",
            file(&[&with_cell(UNIT, "lon", "west")]),
            "line 2, column 11 (lon): 'west' is not a longitude",
        ),
        (
            "unknown kind",
            file(&[&with_cell(UNIT, "kind", "hospice")]),
            "line 2, column 2 (kind): unknown kind 'hospice'; allowed: cancer_centre, tya_unit",
        ),
        (
            "unknown nation",
            file(&[&with_cell(UNIT, "nation", "ulster")]),
            "line 2, column 9 (nation): unknown nation 'ulster'; allowed: england, scotland, wales, northern_ireland",
        ),
        (
            "unknown service",
            file(&[&with_cell(UNIT, "services", "chemotherapy;reiki")]),
            "line 2, column 17 (services): unknown service 'reiki'; allowed: chemotherapy,",
        ),
        (
            "duplicate id",
            file(&[UNIT, CENTRE, UNIT]),
            "line 4, column 1 (id): duplicate id 'tya-test-a' (first on line 2); each must be unique",
        ),
        (
            "age_min above age_max",
            file(&[&with_cell(&with_cell(UNIT, "age_min", "24"), "age_max", "16")]),
            "line 2, column 15 (age_max): age_min 24 is greater than age_max 16",
        ),
        (
            "date not YYYY-MM-DD",
            file(&[&with_cell(UNIT, "last_verified", "28/11/2026")]),
            "line 2, column 21 (last_verified): '28/11/2026' is not a date; write it as YYYY-MM-DD",
        ),
        (
            "not UTF-8",
            {
                let mut b = file(&[UNIT]);
                let pos = b.windows(6).position(|w| w == b"Test u").unwrap();
                b[pos + 1] = 0xE9;
                b
            },
            "line 2, column 3 (name): is not valid UTF-8",
        ),
        (
            "TYA unit without ages",
            file(&[&with_cell(&with_cell(UNIT, "age_min", ""), "age_max", "")]),
            "line 2, column 14 (age_min): is empty; a tya_unit must give the ages it accepts",
        ),
        (
            "row with too few cells",
            format!("{HEADER}\ntya-x,tya_unit,Short row\n").into_bytes(),
            "line 2: has 3 cells but the header has 22 columns",
        ),
        (
            "source without a URL",
            file(&[&with_cell(UNIT, "source", "general knowledge")]),
            "line 2, column 20 (source): has no http(s) URL",
        ),
        (
            "unknown tya_role",
            file(&[&with_cell(UNIT, "tya_role", "hub")]),
            "line 2, column 16 (tya_role): unknown tya_role 'hub'; allowed: ptc, designated_hospital, childrens_ptc",
        ),
        (
            "empty required cell",
            file(&[&with_cell(UNIT, "name", "")]),
            "line 2, column 3 (name): is empty; a value is required",
        ),
        (
            "unverified names an unknown column",
            file(&[&with_cell(UNIT, "unverified", "colour")]),
            "line 2, column 22 (unverified): 'colour' is not a column of centres",
        ),
    ]
}

#[test]
fn malformed_files_are_rejected_with_line_and_column_and_nothing_changes() {
    let db = loaded();
    let before = Snapshot::load(&db.connect()).unwrap();
    let history_before = db.cli(&["imports", "--json"]).stdout;

    let cases = malformed_centres_files();
    assert!(cases.len() >= 15);
    for (what, bytes, expected) in &cases {
        let out = db.import_stdin("centres", bytes);
        assert_eq!(out.code, 2, "{what}: expected exit code 2, got {out:?}");
        assert!(
            out.stderr.contains(expected),
            "{what}: expected «{expected}» in:\n{}",
            out.stderr
        );
        assert!(
            out.stderr.contains("nothing was changed"),
            "{what}: {}",
            out.stderr
        );
    }
    let after = Snapshot::load(&db.connect()).unwrap();
    assert_eq!(after.version, before.version);
    assert_eq!(after.centres(), before.centres());
    assert_eq!(db.cli(&["imports", "--json"]).stdout, history_before);
}

#[test]
fn every_problem_of_a_file_is_reported_not_only_the_first() {
    let db = TestDb::sqlite();
    let bad = file(&[
        &with_cell(UNIT, "lat", "91"),
        &with_cell(CENTRE, "nation", "france"),
    ]);
    let out = db.import_stdin("centres", &bad);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("2 problem(s) found"), "{}", out.stderr);
    assert!(out.stderr.contains("line 2, column 10 (lat)"));
    assert!(out.stderr.contains("line 3, column 9 (nation)"));
}

#[test]
fn other_datasets_check_their_own_rules() {
    let db = TestDb::sqlite();
    let rules = "id,nation,age_min,age_max,setting,rule,source,last_verified\n\
        a,england,0,15,childrens_ptc,Children's centre,https://example.org,2026-11-28\n\
        b,england,15,24,tya_ptc,TYA centre,https://example.org,2026-11-28\n";
    let out = db.import_stdin("referral_rules", rules.as_bytes());
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("line 3: ages 15-24 overlap ages 0-15"),
        "{}",
        out.stderr
    );

    let stats = format!(
        "{STATS_HEADER}\n\
        england,2022,all_cancers,all_ages,all,new_cases_per_year,-5,https://example.org,2026-11-28\n"
    );
    let out = db.import_stdin("registry_stats", &stats);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("line 2, column 7 (value): -5 is negative"),
        "{}",
        out.stderr
    );

    let areas = "area,name,nation,lat,lon,source,last_verified\n\
        L1,Liverpool,england,53.4,-2.9,https://example.org,2026-11-28\n";
    let out = db.import_stdin("postcode_areas", areas.as_bytes());
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("line 2, column 1 (area): 'L1' is not a postcode area"),
        "{}",
        out.stderr
    );

    let out = db.import_stdin("hospitals", b"id\n1\n");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("unknown dataset 'hospitals'; allowed: registries, treatment"),
        "{}",
        out.stderr
    );
}

#[test]
fn bom_crlf_and_multiline_quoted_cells_are_accepted() {
    let db = TestDb::sqlite();
    let multiline = with_cell(UNIT, "notes", "\"First line,\r\nsecond line\"");
    let text = format!("\u{feff}{HEADER}\r\n{multiline}\r\n{CENTRE}\r\n");
    let out = db.import_stdin("centres", text.as_bytes());
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("2 rows valid; applied"),
        "{}",
        out.stdout
    );
    let snapshot = Snapshot::load(&db.connect()).unwrap();
    let unit = snapshot.centre("tya-test-a").unwrap();
    assert_eq!(unit.notes, "First line,\r\nsecond line");
    assert_eq!(unit.ages.unwrap().max(), 24);
    assert_eq!(
        snapshot.centre("cc-test-b").unwrap().provenance.unverified,
        vec!["phone"]
    );
}

#[test]
fn a_reordered_file_with_the_same_rows_is_unchanged() {
    let db = TestDb::sqlite();
    assert_eq!(db.import_stdin("centres", file(&[UNIT, CENTRE])).code, 0);
    let out = db.import_stdin("centres", file(&[CENTRE, UNIT]));
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("unchanged"), "{}", out.stdout);
    assert_eq!(Snapshot::load(&db.connect()).unwrap().version, 1);
}

#[test]
fn a_keyword_connection_string_is_refused_not_turned_into_a_file() {
    let out = binary()
        .args(["imports"])
        .env("DATABASE_URL", "host=localhost dbname=test")
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("keyword connection string"));
}
