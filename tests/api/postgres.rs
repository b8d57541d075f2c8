//! The same import behaviour and the API on a real PostgreSQL server. Skips (saying so) when
//! no server is reachable, unless REQUIRE_POSTGRES=1, as in CI.

use crate::support::{fewer_centres, shipped_text, suite, TestDb, TestServer, ALICE};

#[test]
fn every_shipped_file_imports_and_a_repeat_is_unchanged() {
    let Some(db) = TestDb::postgres() else { return };
    suite::every_shipped_file_imports(&db);
    println!("postgres test ran against {}", db.url);
}

#[test]
fn a_dry_run_reports_the_diff_and_changes_nothing() {
    let Some(db) = TestDb::postgres() else { return };
    suite::a_dry_run_reports_the_diff_and_changes_nothing(&db);
}

#[test]
fn an_applied_import_reports_the_diff_and_writes_a_new_version() {
    let Some(db) = TestDb::postgres() else { return };
    suite::an_applied_import_reports_the_diff_and_writes_a_new_version(&db);
}

#[test]
fn a_rollback_restores_the_previous_rows_as_a_new_version() {
    let Some(db) = TestDb::postgres() else { return };
    suite::a_rollback_restores_the_previous_rows_as_a_new_version(&db);
}

#[test]
fn a_rollback_past_the_first_import_is_refused_and_changes_nothing() {
    let Some(db) = TestDb::postgres() else { return };
    suite::a_rollback_past_the_first_import_is_refused_and_changes_nothing(&db);
}

#[test]
fn the_history_lists_imports_and_rollbacks_with_their_actors_and_counts() {
    let Some(db) = TestDb::postgres() else { return };
    suite::the_history_lists_imports_and_rollbacks_with_their_actors_and_counts(&db);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_loads_the_shipped_data_and_answers() {
    let Some(db) = TestDb::postgres() else { return };
    let server = TestServer::start(&db).await;
    let (status, body) = server.get_json("/readyz").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["database"], "postgres");
    let (status, body) = server
        .get_json("/api/v1/centres?kind=tya_unit&nation=scotland")
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["total"], 4);
    server.stop().await;
}

#[test]
fn postcode_directory_loads_and_replaces() {
    let Some(db) = TestDb::postgres() else { return };
    suite::postcode_directory_loads(&db);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postcodes_in_memory_match_the_database() {
    let Some(db) = TestDb::postgres() else { return };
    suite::postcodes_in_memory_match_the_database(&db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_share_imports_and_a_second_import_gets_409() {
    let Some(db) = TestDb::postgres() else { return };
    let settings = db.admin_settings();
    let poll = std::time::Duration::from_millis(200);
    let a = TestServer::start_polling(settings.clone(), poll).await;
    let b = TestServer::start_polling(settings, poll).await;
    let (_, before) = b.get_json("/api/v1/centres?limit=1").await;
    let file = shipped_text("centres.csv");
    let (status, report, _) = a
        .post(
            "/api/v1/imports/centres",
            Some(ALICE),
            "text/csv",
            fewer_centres(30),
        )
        .await;
    assert_eq!(status, 200, "{report}");
    let version = report["directory_version"].as_i64().unwrap();
    // Replica B serves the import made through A within its poll interval.
    let started = std::time::Instant::now();
    loop {
        let (_, now) = b.get_json("/api/v1/centres?limit=1").await;
        if now["dataset"]["version"] == version {
            assert_eq!(now["total"], 30);
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "replica B still serves {} (before: {})",
            now["dataset"]["version"],
            before["dataset"]["version"]
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    println!("replica B caught up in {:?}", started.elapsed());

    // While another process holds the import lock, an import is refused with 409 at once.
    let url = db.url.clone();
    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let holder = std::thread::spawn(move || {
        use diesel::{Connection, PgConnection, RunQueryDsl};
        let mut conn = PgConnection::establish(&url).unwrap();
        conn.transaction::<_, diesel::result::Error, _>(|c| {
            diesel::sql_query("SELECT version FROM directory_version WHERE id = 1 FOR UPDATE")
                .execute(c)?;
            locked_tx.send(()).unwrap();
            release_rx.recv().unwrap();
            Ok(())
        })
        .unwrap();
    });
    locked_rx.recv().unwrap();
    let started = std::time::Instant::now();
    let (status, problem, _) = b
        .post(
            "/api/v1/imports/centres",
            Some(ALICE),
            "text/csv",
            file.clone(),
        )
        .await;
    assert_eq!(status, 409, "{problem}");
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("another import is running"));
    release_tx.send(()).unwrap();
    holder.join().unwrap();
    let (status, accepted, _) = b
        .post("/api/v1/imports/centres", Some(ALICE), "text/csv", file)
        .await;
    assert_eq!(status, 200, "{accepted}");
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_the_database_is_down_queries_answer_and_an_import_is_a_503_that_changes_nothing() {
    let Some(db) = TestDb::postgres() else { return };
    let server = TestServer::start_admin(&db).await;
    let (_, before) = server.get_json("/api/v1/centres?limit=1").await;
    db.set_postgres_reachable(false);

    // Queries are answered from the snapshot in memory.
    let (status, body) = server
        .get_json("/api/v1/centres/nearest?lat=53.8&lon=-1.55&kind=tya_unit")
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(!body["results"].as_array().unwrap().is_empty());

    // Readiness and an import wait for a connection as long as the pool allows, together.
    let centres = fewer_centres(5);
    let (ready, import) = tokio::join!(
        server.get_json("/readyz"),
        server.post("/api/v1/imports/centres", Some(ALICE), "text/csv", centres),
    );
    let (status, body) = ready;
    assert_eq!(status, 503, "{body}");
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.contains("database"), "{detail}");
    for driver_text in ["FATAL", "accepting connections", "cdtest_", "postgres://"] {
        assert!(!detail.contains(driver_text), "{detail}");
    }
    let (status, body, headers) = import;
    assert_eq!(status, 503, "{body}");
    assert!(headers.contains_key("retry-after"), "{headers:?}");
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.contains("nothing was changed"), "{detail}");
    assert!(
        !detail.contains("FATAL") && !detail.contains("cdtest_"),
        "{detail}"
    );

    // Back up: ready again, and the import did not happen.
    db.set_postgres_reachable(true);
    let (status, body) = server.get_json("/readyz").await;
    assert_eq!(status, 200, "{body}");
    let (_, after) = server.get_json("/api/v1/centres?limit=1").await;
    assert_eq!(after["total"], before["total"]);
    assert_eq!(after["dataset"]["version"], before["dataset"]["version"]);
    server.stop().await;
}
