//! The same import behaviour and the API on a real PostgreSQL server. Skips (saying so) when
//! no server is reachable, unless REQUIRE_POSTGRES=1, as in CI.

mod support;

use support::{suite, TestDb, TestServer};

#[test]
fn postgres_every_shipped_file_imports_and_a_repeat_is_unchanged() {
    let Some(db) = TestDb::postgres() else { return };
    suite::every_shipped_file_imports(&db);
    println!("postgres test ran against {}", db.url);
}

#[test]
fn postgres_dry_run_apply_and_rollback() {
    let Some(db) = TestDb::postgres() else { return };
    suite::dry_run_apply_and_rollback(&db);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_serve_loads_the_shipped_data_and_answers() {
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
fn postgres_postcode_directory_loads_and_replaces() {
    let Some(db) = TestDb::postgres() else { return };
    suite::postcode_directory_loads(&db);
}
