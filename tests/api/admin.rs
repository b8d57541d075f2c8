//! The data team's HTTP workflows: the admin import API (token, CSV body, multipart, URL, dry
//! run, 422, history, rollback), reloads under load without a dropped request, exports that
//! round-trip, and metrics without personal data.

use std::sync::Arc;

use serde_json::Value;

use crate::support::{
    data_rows, fewer_centres, gzip, postcode_fixture_bytes, serve_file, shipped_text, zip_archive,
    Served, TestDb, TestServer, ALICE, BOB,
};

#[tokio::test]
async fn the_admin_api_is_off_without_a_token_and_refuses_wrong_ones() {
    let db = TestDb::sqlite();
    let off = TestServer::start(&db).await;
    let (status, body, _) = off
        .post("/api/v1/imports/centres", Some(ALICE), "text/csv", "x")
        .await;
    assert_eq!(status, 404, "{body}");
    assert!(body["detail"].as_str().unwrap().contains("ADMIN_TOKEN"));
    off.stop().await;

    let server = TestServer::start_admin(&db).await;
    let (status, _, headers) = server
        .post("/api/v1/imports/centres", None, "text/csv", "x")
        .await;
    assert_eq!(status, 401);
    assert_eq!(headers["www-authenticate"], "Bearer");
    let (status, _, _) = server
        .post(
            "/api/v1/imports/centres",
            Some("Bearer 0123456789abcdef0124"),
            "text/csv",
            "x",
        )
        .await;
    assert_eq!(status, 401);
    let history = server.get("/api/v1/imports").await;
    assert_eq!(history.status(), 401);
    server.stop().await;
}

/// POST a centres file to the import API as `text/csv`.
async fn import_centres(server: &TestServer, csv: String) -> (u16, Value) {
    let (status, report, _) = server
        .post("/api/v1/imports/centres", Some(ALICE), "text/csv", csv)
        .await;
    (status, report)
}

/// The centres list's first page: its `total` and `dataset` version.
async fn centres_now(server: &TestServer) -> Value {
    server.get_json("/api/v1/centres?limit=1").await.1
}

/// The shipped centres file uploaded as a multipart form (with a note beside it) by bob.
async fn upload_as_bob(server: &TestServer) -> (u16, Value) {
    let body = format!(
        "--XBOUNDARY\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nweekly\r\n\
         --XBOUNDARY\r\nContent-Disposition: form-data; name=\"file\"; filename=\"centres.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n{}\r\n--XBOUNDARY--\r\n",
        shipped_text("centres.csv")
    );
    let (status, report, _) = server
        .post(
            "/api/v1/imports/centres",
            Some(BOB),
            "multipart/form-data; boundary=XBOUNDARY",
            body,
        )
        .await;
    (status, report)
}

/// A URL to fetch the first 50 centres from (a local file server), and its import by alice.
async fn import_fifty_from_a_url(server: &TestServer) -> (String, u16, Value) {
    let url = serve_file(Served {
        path: "/centres.csv",
        content_type: "text/csv",
        body: fewer_centres(50).into_bytes(),
        with_length: true,
    });
    let (status, report, _) = server
        .post(
            "/api/v1/imports/centres",
            Some(ALICE),
            "application/json",
            format!("{{\"url\": \"{url}\"}}"),
        )
        .await;
    (url, status, report)
}

#[tokio::test]
async fn a_dry_run_over_http_answers_the_diff_uncached_and_changes_nothing() {
    let db = TestDb::sqlite();
    let server = TestServer::start_admin(&db).await;
    let before = centres_now(&server).await;
    let total = before["total"].as_u64().unwrap();

    let (status, report, headers) = server
        .post(
            "/api/v1/imports/centres?dry_run=true",
            Some(ALICE),
            "text/csv",
            fewer_centres(60),
        )
        .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["status"], "dry_run");
    assert_eq!(
        report["diff"]["removed"].as_array().unwrap().len() as u64,
        total - 60
    );
    assert_eq!(headers["cache-control"], "no-store");
    let same = centres_now(&server).await;
    assert_eq!(same["dataset"]["version"], before["dataset"]["version"]);
    server.stop().await;
}

#[tokio::test]
async fn an_applied_import_is_served_at_once_by_the_replica_that_took_it() {
    let db = TestDb::sqlite();
    let server = TestServer::start_admin(&db).await;
    let version = centres_now(&server).await["dataset"]["version"]
        .as_i64()
        .unwrap();

    let (status, report) = import_centres(&server, fewer_centres(60)).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["status"], "applied");
    let new_version = report["directory_version"].as_i64().unwrap();
    assert!(new_version > version);
    let after = centres_now(&server).await;
    assert_eq!(after["total"], 60);
    assert_eq!(after["dataset"]["version"], new_version);
    server.stop().await;
}

#[tokio::test]
async fn a_file_with_problems_gets_422_naming_every_line_and_column_and_nothing_changes() {
    let db = TestDb::sqlite();
    let server = TestServer::start_admin(&db).await;
    let version = centres_now(&server).await["dataset"]["version"].clone();

    let bad = fewer_centres(3)
        .replace(",53.", ",93.")
        .replace(",england,", ",mercia,");
    let (status, problem) = import_centres(&server, bad).await;
    assert_eq!(status, 422, "{problem}");
    let errors = problem["errors"].as_array().unwrap();
    assert!(!errors.is_empty());
    assert!(errors.iter().all(|e| e["line"].as_u64().unwrap() >= 2));
    assert!(
        errors.iter().any(|e| e["column_name"] == "nation"),
        "{problem}"
    );
    assert!(errors[0]["text"].as_str().unwrap().starts_with("line "));
    let unchanged = centres_now(&server).await;
    assert_eq!(unchanged["dataset"]["version"], version);
    server.stop().await;
}

#[tokio::test]
async fn a_multipart_upload_is_imported() {
    let db = TestDb::sqlite();
    let server = TestServer::start_admin(&db).await;
    let total = centres_now(&server).await["total"].clone();
    let (status, report) = import_centres(&server, fewer_centres(60)).await;
    assert_eq!(status, 200, "{report}");

    let (status, report) = upload_as_bob(&server).await;
    assert_eq!(status, 200, "{report}");
    let full = centres_now(&server).await;
    assert_eq!(full["total"], total);
    server.stop().await;
}

#[tokio::test]
async fn a_url_in_a_json_body_is_fetched_and_imported() {
    let db = TestDb::sqlite();
    let server = TestServer::start_admin(&db).await;
    let (_, status, report) = import_fifty_from_a_url(&server).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["rows"], 50);
    server.stop().await;
}

#[tokio::test]
async fn a_wrong_media_type_a_body_too_large_and_an_unknown_dataset_are_refused() {
    let db = TestDb::sqlite();
    let server = TestServer::start_admin(&db).await;
    let (status, _, _) = server
        .post("/api/v1/imports/centres", Some(ALICE), "image/png", "x")
        .await;
    assert_eq!(status, 415);
    let (status, _, _) = server
        .post(
            "/api/v1/imports/centres",
            Some(ALICE),
            "text/csv",
            vec![b'a'; 2_100_000],
        )
        .await;
    assert_eq!(status, 413);
    let (status, _, _) = server
        .post("/api/v1/imports/hospitals", Some(ALICE), "text/csv", "x")
        .await;
    assert_eq!(status, 404);
    server.stop().await;
}

#[tokio::test]
async fn the_history_lists_imports_newest_first_with_who_made_them_and_from_where() {
    let db = TestDb::sqlite();
    let server = TestServer::start_admin(&db).await;
    let (status, report) = import_centres(&server, fewer_centres(60)).await;
    assert_eq!(status, 200, "{report}");
    let (status, report) = upload_as_bob(&server).await;
    assert_eq!(status, 200, "{report}");
    let (url, status, report) = import_fifty_from_a_url(&server).await;
    assert_eq!(status, 200, "{report}");

    let history: Value = server
        .get_with(
            "/api/v1/imports?dataset=centres",
            &[("Authorization", ALICE)],
        )
        .await
        .json()
        .await
        .unwrap();
    let records = history["results"].as_array().unwrap();
    assert_eq!(records[0]["actor"], "token:alice");
    assert_eq!(records[0]["source"], url);
    assert_eq!(records[1]["actor"], "token:bob");
    assert_eq!(records[1]["source"], "upload centres.csv");
    assert!(records
        .windows(2)
        .all(|w| w[0]["id"].as_i64() > w[1]["id"].as_i64()));
    server.stop().await;
}

#[tokio::test]
async fn a_rollback_over_http_restores_the_previous_import() {
    let db = TestDb::sqlite();
    let server = TestServer::start_admin(&db).await;
    let total = centres_now(&server).await["total"].clone();
    let (status, report) = import_centres(&server, fewer_centres(60)).await;
    assert_eq!(status, 200, "{report}");
    let (status, report) = upload_as_bob(&server).await;
    assert_eq!(status, 200, "{report}");
    let (_, status, report) = import_fifty_from_a_url(&server).await;
    assert_eq!(status, 200, "{report}");

    let (status, report, _) = server
        .post(
            "/api/v1/imports/centres/rollback",
            Some(ALICE),
            "text/plain",
            "",
        )
        .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["action"], "rollback");
    let rolled = centres_now(&server).await;
    assert_eq!(rolled["total"], total);
    server.stop().await;
}

#[tokio::test]
async fn metrics_count_imports_and_requests_by_route_and_never_hold_a_postcode() {
    let db = TestDb::sqlite();
    let server = TestServer::start_admin(&db).await;
    let (status, report) = import_centres(&server, fewer_centres(60)).await;
    assert_eq!(status, 200, "{report}");

    let _ = server
        .get("/api/v1/centres/nearest?postcode=LS9%207TF")
        .await;
    let (_, metrics) = server.get_text("/metrics").await;
    assert!(
        metrics.contains("directory_imports_total{outcome=\"applied\"}"),
        "{metrics}"
    );
    assert!(
        metrics.contains("route=\"/api/v1/centres/nearest\""),
        "{metrics}"
    );
    assert!(metrics.contains("http_request_duration_seconds_bucket"));
    assert!(metrics.contains("directory_version "));
    assert!(!metrics.contains("LS9") && !metrics.contains("7TF"));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn queries_never_fail_or_mix_versions_while_imports_are_applied() {
    let db = TestDb::sqlite();
    let server = Arc::new(TestServer::start_admin(&db).await);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut loops = Vec::new();
    for _ in 0..4 {
        let (server, stop) = (server.clone(), stop.clone());
        loops.push(tokio::spawn(async move {
            let mut seen: Vec<(i64, u64)> = Vec::new();
            let mut failures = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let response = server.get("/api/v1/centres?limit=1000").await;
                if response.status() != 200 {
                    failures += 1;
                    continue;
                }
                let body: Value = response.json().await.unwrap();
                let results = body["results"].as_array().unwrap().len() as u64;
                // One answer, one version: the total and the rows agree.
                assert_eq!(body["total"].as_u64().unwrap(), results);
                seen.push((body["dataset"]["version"].as_i64().unwrap(), results));
            }
            (seen, failures)
        }));
    }
    let full = shipped_text("centres.csv");
    let small = fewer_centres(40);
    for i in 0..8 {
        let body = if i % 2 == 0 {
            small.clone()
        } else {
            full.clone()
        };
        let (status, report) = import_centres(&server, body).await;
        assert_eq!(status, 200, "{report}");
        tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut by_version = std::collections::HashMap::new();
    let mut answers = 0;
    for l in loops {
        let (seen, failures) = l.await.unwrap();
        assert_eq!(failures, 0, "a query failed during the imports");
        // Each loop sees versions only go forward.
        assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0));
        for (version, rows) in seen {
            answers += 1;
            let first = *by_version.entry(version).or_insert(rows);
            assert_eq!(first, rows, "version {version} answered with two sizes");
        }
    }
    assert!(answers > 20, "only {answers} answers");
    assert!(
        by_version.len() >= 2,
        "the loops saw no reload: {by_version:?}"
    );
    Arc::try_unwrap(server).ok().unwrap().stop().await;
}

#[tokio::test]
async fn a_postcode_directory_is_uploaded_as_a_zip_archive_and_centres_as_gzip() {
    let db = TestDb::sqlite();
    let server = TestServer::start_admin(&db).await;
    let archive = zip_archive(&[
        ("Documents/read me.txt", b"codes and names"),
        (
            "Data/ONSPD_NOV_2025_UK.csv",
            &postcode_fixture_bytes("onspd_sample.csv"),
        ),
    ]);

    let (status, body, _) = server
        .post(
            "/api/v1/imports/postcodes",
            Some(ALICE),
            "application/zip",
            archive,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "applied");
    assert_eq!(body["rows_loaded"], 10);
    assert_eq!(
        body["source"],
        "request body, file Data/ONSPD_NOV_2025_UK.csv"
    );
    let (status, answer) = server
        .get_json("/api/v1/centres/nearest?postcode=LS9%207TF")
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["location"]["precision"], "postcode");

    // The centres file gzip-compressed, as a dry run: the rows in force, so no difference.
    let (status, body, _) = server
        .post(
            "/api/v1/imports/centres?dry_run=true",
            Some(ALICE),
            "application/gzip",
            gzip(shipped_text("centres.csv").as_bytes()),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "dry_run", "{body}");
    assert_eq!(
        body["diff"],
        serde_json::json!({"added": [], "changed": [], "removed": []})
    );
    assert_eq!(
        body["rows"].as_u64().unwrap() as usize,
        data_rows("centres.csv")
    );
    server.stop().await;
}

#[tokio::test]
async fn exports_round_trip_and_neutralise_formulas() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    // A note that a spreadsheet would run as a formula.
    let file = shipped_text("centres.csv");
    let mut lines: Vec<String> = file.lines().map(str::to_string).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let notes = header.iter().position(|h| *h == "notes").unwrap();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(lines[1].as_bytes());
    let mut record: Vec<String> = rdr
        .records()
        .next()
        .unwrap()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    record[notes] = "=HYPERLINK(\"http://example.org\")".to_string();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&record).unwrap();
    lines[1] = String::from_utf8(w.into_inner().unwrap())
        .unwrap()
        .trim_end()
        .to_string();
    let with_formula = lines.join("\n") + "\n";
    let out = db.import_stdin("centres", &with_formula);
    assert_eq!(out.code, 0, "{out:?}");
    server.reload();

    let response = server.get("/api/v1/centres?format=csv").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let exported = response.text().await.unwrap();
    assert!(
        exported.contains("\"'=HYPERLINK(\"\"http://example.org\"\")\""),
        "{}",
        &exported[..600]
    );
    assert!(
        exported.contains(",-1."),
        "negative longitudes stay numbers"
    );
    // The export imports back as the same data.
    let again = db.import_stdin("centres", &exported);
    assert_eq!(again.code, 0, "{again:?}");
    assert!(again.stdout.contains("unchanged"), "{}", again.stdout);
    // The CLI writes the same file.
    let cli = db.cli(&["export", "centres"]);
    assert_eq!(cli.code, 0);
    assert_eq!(cli.stdout, exported);
    // A filtered CSV export holds only the matching rows.
    let (_, scottish) = server
        .get_text("/api/v1/centres?format=csv&nation=scotland")
        .await;
    assert!(scottish.lines().skip(1).all(|l| l.contains(",scotland,")));

    let (status, geo) = server
        .get_json("/api/v1/centres?format=geojson&kind=tya_unit")
        .await;
    assert_eq!(status, 200);
    assert_eq!(geo["type"], "FeatureCollection");
    let features = geo["features"].as_array().unwrap();
    assert_eq!(features.len(), 29);
    let point = &features[0]["geometry"]["coordinates"];
    assert!(
        point[0].as_f64().unwrap() < 2.0 && point[1].as_f64().unwrap() > 49.0,
        "[lon, lat]"
    );
    let (status, near) = server
        .get_json("/api/v1/centres/nearest?lat=53.8&lon=-1.55&limit=3&format=geojson")
        .await;
    assert_eq!(status, 200);
    assert_eq!(near["features"].as_array().unwrap().len(), 3);
    assert!(near["features"][0]["properties"]["distance_km"]
        .as_f64()
        .is_some());
    let (status, _) = server.get_json("/api/v1/centres?format=xml").await;
    assert_eq!(status, 400);
    server.stop().await;
}
