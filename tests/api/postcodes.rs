//! `import postcodes`: the ONS Postcode Directory and NSPL, simple and headerless files,
//! outcode tables, files with problems, and files fetched from a URL (a local server).

use crate::support::{
    gzip, onspd_zip, postcode_fixture, postcode_fixture_bytes, serve_file, shipped_text, suite,
    zip_archive, Served, TestDb,
};

#[test]
fn onspd_and_nspl_files_load_and_answer_exactly() {
    suite::postcode_directory_loads(&TestDb::sqlite());
}

#[test]
fn zip_and_gzip_files_load_as_they_are_published() {
    let db = TestDb::sqlite();
    let onspd = postcode_fixture_bytes("onspd_sample.csv");
    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join("ONSPD_NOV_2025.zip");
    std::fs::write(&zip_path, onspd_zip(&onspd)).unwrap();
    let zip_path = zip_path.to_str().unwrap();

    let dry = db
        .cli(&["import", "postcodes", zip_path, "--dry-run", "--json"])
        .json();
    assert_eq!(dry["rows_loaded"], 10);
    assert_eq!(db.postcode_count(), 0);
    let applied = db.cli(&["import", "postcodes", zip_path, "--json"]).json();
    assert_eq!(applied["status"], "applied");
    assert_eq!(applied["rows_read"], 11);
    assert_eq!(applied["rows_loaded"], 10);
    assert_eq!(applied["columns"]["postcode"], "pcds");
    let exact = db.nearest_json("LS9 7TF");
    assert_eq!(exact["location"]["precision"], "postcode");
    let history = db.cli(&["imports", "--dataset", "postcodes", "--json"]);
    assert!(
        history
            .stdout
            .contains("ONSPD_NOV_2025.zip, file Data/ONSPD_NOV_2025_UK.csv"),
        "{}",
        history.stdout
    );

    // The same rows gzip-compressed through standard input: the same file, so unchanged.
    let gz = gzip(&onspd);
    let again = db.import_stdin_with("postcodes", &gz, &["--json"]).json();
    assert_eq!(again["rows_loaded"], 10);
    assert_eq!(again["status"], "unchanged");

    // A cut gzip file or a damaged archive changes nothing and says what is wrong.
    let cut = db.import_stdin("postcodes", &gz[..gz.len() - 12]);
    assert_eq!(cut.code, 2, "{cut:?}");
    assert!(cut.stderr.contains("the gzip file ends early"), "{cut:?}");
    assert!(cut.stderr.contains("nothing was changed"), "{cut:?}");
    let no_csv = zip_archive(&[("ONSPD User Guide.pdf", b"%PDF")]);
    let refused = db.import_stdin("postcodes", &no_csv);
    assert_eq!(refused.code, 2, "{refused:?}");
    assert!(
        refused
            .stderr
            .contains("holds no .csv file (it holds ONSPD User Guide.pdf)"),
        "{refused:?}"
    );
    assert_eq!(db.postcode_count(), 10);
}

#[test]
fn simple_headerless_in_use_and_outcode_files_load() {
    let db = TestDb::sqlite();
    let simple = db
        .import_stdin_with(
            "postcodes",
            b"postcode,latitude,longitude\nLS9 7TF,53.807296,-1.520264\n",
            &["--json"],
        )
        .json();
    assert_eq!(simple["rows_loaded"], 1);
    assert_eq!(simple["by_nation"]["unknown"], 1);
    let answer = db.nearest_json("LS9 7TF");
    assert_eq!(answer["location"]["precision"], "postcode");
    // No country column: the nation comes from the postcode area.
    assert_eq!(answer["location"]["nation"], "england");
    // A full postcode is a precise start for directions.
    assert!(answer["results"][0]["directions_url"]
        .as_str()
        .unwrap()
        .starts_with("https://www.openstreetmap.org/directions?from=53.80730%2C-1.52026&to="));

    let headerless = db
        .import_stdin_with(
            "postcodes",
            b"ls97tf,53.807296,-1.520264\r\nM20 4BX,53.42876,-2.23088\r\n",
            &["--json"],
        )
        .json();
    assert_eq!(headerless["rows_loaded"], 2);
    assert_eq!(headerless["columns"]["postcode"], "postcode");

    // A spreadsheet-style file: names with spaces and question marks, an "in use" flag.
    let in_use = db
        .import_stdin_with(
            "postcodes",
            b"Postcode,In Use?,Latitude,Longitude,Country\nLS9 7TF,Yes,53.807296,-1.520264,England\nLS1 9ZZ,No,53.7981,-1.5475,England\n",
            &["--json"],
        )
        .json();
    assert_eq!(in_use["rows_loaded"], 2);
    assert_eq!(in_use["terminated"], 1);
    assert_eq!(db.nearest_json("LS1 9ZZ")["location"]["terminated"], true);

    // An outcode table fills the district centroids and leaves the postcodes alone.
    let outcodes = db
        .import_stdin_with(
            "postcodes",
            b"outcode,lat,lng\nCF14,51.5069,-3.1904\nG51,55.8621,-4.3403\n",
            &["--json"],
        )
        .json();
    assert_eq!(outcodes["dataset"], "postcode_outcodes");
    assert_eq!(outcodes["rows_loaded"], 2);
    assert_eq!(db.postcode_count(), 2);
    let district = db.nearest_json("CF14 9ZZ");
    assert_eq!(district["location"]["precision"], "district");
    assert_eq!(district["location"]["nation"], "wales");

    // A "postcode" column holding outcodes is understood as an outcode table too.
    let as_postcode = db
        .import_stdin_with(
            "postcodes",
            b"id,postcode,latitude,longitude\n1,AB10,57.13514,-2.11731\n",
            &["--json"],
        )
        .json();
    assert_eq!(as_postcode["dataset"], "postcode_outcodes");
}

#[test]
fn files_with_problems_are_refused_with_line_and_column_and_nothing_changes() {
    let db = TestDb::sqlite();
    let good = postcode_fixture_bytes("onspd_sample.csv");
    db.import_stdin_with("postcodes", &good, &["--json"]).json();
    let count = db.postcode_count();
    let version = db.nearest_json("LS9 7TF")["dataset"]["version"].clone();

    let cases: &[(&str, &[u8], &str)] = &[
        (
            "bad postcode",
            b"postcode,lat,lon\nLS9 7TF,53.8,-1.5\nLS9 7T!,53.8,-1.5\n",
            "line 3, column 1 (postcode): 'LS9 7T!' is not a UK postcode",
        ),
        (
            "latitude not a number",
            b"postcode,lat,lon\nLS9 7TF,abc,-1.5\n",
            "line 2, column 2 (lat): latitude 'abc' is not a number",
        ),
        (
            "outside the UK",
            b"postcode,lat,lon\nLS9 7TF,40.4,-3.7\n",
            "line 2, column 2 (lat): latitude 40.4 is outside the UK",
        ),
        (
            "longitude outside the UK",
            b"pcds,lat,long\nLS9 7TF,53.8,-15.0\n",
            "line 2, column 3 (long): longitude -15 is outside the UK",
        ),
        (
            "duplicate",
            b"postcode,lat,lon\nLS9 7TF,53.8,-1.5\nls9 7tf,53.8,-1.5\n",
            "line 3, column 1 (postcode): 'LS9 7TF' is listed again",
        ),
        (
            "no latitude column",
            b"postcode,easting,northing\nLS9 7TF,430000,434000\n",
            "line 1: no latitude column in the header; expected one of lat, latitude",
        ),
        (
            "no postcode column",
            b"name,lat,lon\nSomewhere,53.8,-1.5\n",
            "line 1: no postcode column in the header",
        ),
        ("empty file", b"\n\n", "line 1: the file is empty"),
        (
            "not UTF-8",
            b"postcode,lat,lon\nLS9 7TF,53.8,-1.5\nLS9 7T\xff,53.8,-1.5\n",
            "line 3, column 1: is not valid UTF-8",
        ),
        (
            "too few cells",
            b"postcode,lat,lon\nLS9 7TF\n",
            "line 2: the row has 1 cells",
        ),
        (
            "no row with a location",
            b"pcds,lat,long\nLS9 7TF,99.999999,0.000000\n",
            "no row has a location",
        ),
        (
            "an outcode in a postcode file",
            b"postcode,lat,lon\nLS9 7TF,53.8,-1.5\nLS9,53.8,-1.5\n",
            "line 3, column 1 (postcode): 'LS9' is not a UK postcode",
        ),
        (
            "a broken ZIP archive",
            b"PK\x03\x04\x14\x00\x00\x00",
            "standard input: is not a ZIP archive that can be read",
        ),
    ];
    for (what, bytes, expected) in cases {
        let out = db.import_stdin("postcodes", bytes);
        assert_eq!(out.code, 2, "{what}: {out:?}");
        assert!(
            out.stderr.contains(expected),
            "{what}: expected '{expected}' in\n{}",
            out.stderr
        );
        assert_eq!(db.postcode_count(), count, "{what} changed the table");
    }
    let after = db.nearest_json("LS9 7TF");
    assert_eq!(after["location"]["precision"], "postcode");
    assert_eq!(after["dataset"]["version"], version);
}

#[test]
fn with_skip_invalid_the_good_rows_load_and_the_others_are_counted() {
    let db = TestDb::sqlite();
    let good = postcode_fixture_bytes("onspd_sample.csv");
    db.import_stdin_with("postcodes", &good, &["--json"]).json();
    assert_eq!(db.postcode_count(), 10);
    let skipped = db
        .import_stdin_with(
            "postcodes",
            b"postcode,lat,lon\nLS9 7TF,53.8073,-1.5203\nNOT A CODE,53.8,-1.5\nM20 4BX,53.42876,-2.23088\n",
            &["--json", "--skip-invalid"],
        )
        .json();
    assert_eq!(skipped["rows_loaded"], 2);
    assert_eq!(skipped["skipped_invalid"], 1);
    assert_eq!(skipped["warnings"][0]["line"], 3);
    assert_eq!(db.postcode_count(), 2);
}

#[test]
fn a_dry_run_writes_nothing_and_postcodes_cannot_be_rolled_back() {
    let db = TestDb::sqlite();
    let onspd = postcode_fixture("onspd_sample.csv");
    let dry = db
        .cli(&["import", "postcodes", &onspd, "--dry-run", "--json"])
        .json();
    assert_eq!(dry["status"], "dry_run");
    assert_eq!(dry["rows_loaded"], 10);
    assert!(dry["import_id"].is_null());
    assert_eq!(db.postcode_count(), 0);
    let history = db.cli(&["imports", "--dataset", "postcodes", "--json"]);
    assert_eq!(history.stdout.trim(), "[]");
    let rollback = db.cli(&["rollback", "postcodes"]);
    assert_eq!(rollback.code, 2);
    assert!(rollback.stderr.contains("import the previous file again"));
}

/// Plain-http URLs allowed, as for a local server.
const ALLOW_HTTP: (&str, &str) = ("IMPORT_ALLOW_HTTP", "true");

/// The ONSPD-shaped fixture served over plain HTTP with its length: the file's URL.
fn served_onspd() -> String {
    serve_file(Served {
        path: "/onspd.csv",
        content_type: "text/csv",
        body: postcode_fixture_bytes("onspd_sample.csv"),
        with_length: true,
    })
}

#[test]
fn a_plain_http_url_is_refused_by_default_and_its_query_string_is_not_shown() {
    let db = TestDb::sqlite();
    let url = format!("{}?token=secret", served_onspd());
    let refused = db.cli(&["import", "postcodes", &url]);
    assert_eq!(refused.code, 2, "{refused:?}");
    assert!(refused.stderr.contains("only https:// URLs are fetched"));
    assert!(
        !refused.stderr.contains("secret"),
        "query strings are not shown"
    );
}

#[test]
fn a_file_fetched_from_a_url_loads_and_its_source_is_recorded_without_the_query_string() {
    let db = TestDb::sqlite();
    let file = served_onspd();
    let url = format!("{file}?token=secret");
    let fetched = db
        .cli_full(
            &["import", "postcodes", &url, "--json"],
            &[ALLOW_HTTP],
            None,
        )
        .json();
    assert_eq!(fetched["rows_loaded"], 10);
    let history = db.cli(&["imports", "--dataset", "postcodes", "--json"]);
    assert!(history.stdout.contains(&format!("{file}\"")));
    assert!(!history.stdout.contains("secret"));
}

#[test]
fn the_archive_the_ons_publishes_is_downloaded_and_the_uk_file_inside_it_read() {
    let db = TestDb::sqlite();
    let url = serve_file(Served {
        path: "/onspd.zip",
        content_type: "application/zip",
        body: onspd_zip(&postcode_fixture_bytes("onspd_sample.csv")),
        with_length: false,
    });
    let zipped = db
        .cli_full(
            &["import", "postcodes", &url, "--json"],
            &[ALLOW_HTTP],
            None,
        )
        .json();
    assert_eq!(zipped["rows_loaded"], 10);
    assert_eq!(
        zipped["source"],
        format!("{url}, file Data/ONSPD_NOV_2025_UK.csv (the largest of 3 CSV files inside)")
    );
}

#[test]
fn a_file_whose_length_is_over_the_limit_is_refused() {
    let db = TestDb::sqlite();
    let capped = db.cli_full(
        &["import", "postcodes", &served_onspd()],
        &[ALLOW_HTTP, ("IMPORT_MAX_BYTES", "500")],
        None,
    );
    assert_eq!(capped.code, 2, "{capped:?}");
    assert!(
        capped.stderr.contains("more than the limit of 500"),
        "{capped:?}"
    );
}

#[test]
fn a_stream_without_a_length_is_cut_at_the_limit_and_the_table_is_untouched() {
    let db = TestDb::sqlite();
    let onspd = postcode_fixture_bytes("onspd_sample.csv");
    db.import_stdin_with("postcodes", &onspd, &["--json"])
        .json();
    assert_eq!(db.postcode_count(), 10);
    // About 1 MB of distinct postcodes, larger than the reader's first buffer.
    let mut large = String::from("postcode,lat,lon\n");
    for district in 1..=9 {
        for sector in 0..=9 {
            for a in "ABDEFGHJLNPQRSTUWXYZ".chars() {
                for b in "ABDEFGHJLNPQRSTUWXYZ".chars() {
                    large.push_str(&format!("LS{district} {sector}{a}{b},53.8,-1.5\n"));
                }
            }
        }
    }
    let url = serve_file(Served {
        path: "/unsized.csv",
        content_type: "application/octet-stream",
        body: large.into_bytes(),
        with_length: false,
    });
    let cut = db.cli_full(
        &["import", "postcodes", &url],
        &[ALLOW_HTTP, ("IMPORT_MAX_BYTES", "600000")],
        None,
    );
    assert_eq!(cut.code, 2, "{cut:?}");
    assert!(cut.stderr.contains("larger than the limit"), "{cut:?}");
    assert!(cut.stderr.contains("nothing was changed"), "{cut:?}");
    assert_eq!(db.postcode_count(), 10);
}

#[test]
fn a_web_page_in_place_of_the_file_is_refused() {
    let db = TestDb::sqlite();
    let url = serve_file(Served {
        path: "/page.csv",
        content_type: "text/html; charset=utf-8",
        body: b"<html>sign in</html>".to_vec(),
        with_length: true,
    });
    let html = db.cli_full(&["import", "postcodes", &url], &[ALLOW_HTTP], None);
    assert_eq!(html.code, 2);
    assert!(html.stderr.contains("not a CSV file"), "{html:?}");
}

#[test]
fn a_missing_file_is_refused_with_its_http_status() {
    let db = TestDb::sqlite();
    let url = served_onspd().replace("/onspd.csv", "/nope.csv");
    let missing = db.cli_full(&["import", "postcodes", &url], &[ALLOW_HTTP], None);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("404"), "{missing:?}");
}

#[test]
fn the_directorys_own_datasets_can_come_from_a_url_too() {
    let db = TestDb::sqlite();
    let url = serve_file(Served {
        path: "/centres.csv",
        content_type: "text/csv",
        body: shipped_text("centres.csv").into_bytes(),
        with_length: true,
    });
    let centres = db.cli_full(&["import", "centres", &url], &[ALLOW_HTTP], None);
    assert_eq!(centres.code, 0, "{centres:?}");
    assert!(centres.stdout.contains("rows valid; applied"));
}

/// `serve` holds the postcode tables in memory; the command line asks the database.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_postcode_table_in_memory_answers_as_the_database_does_and_follows_imports() {
    suite::postcodes_in_memory_match_the_database(&TestDb::sqlite()).await;
}
