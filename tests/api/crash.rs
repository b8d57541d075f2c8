//! Crash safety: an import killed with SIGKILL at several points leaves the database opening
//! cleanly with the previous data in force, and the next import succeeds; a server killed in
//! the middle of reloading an import starts again and serves the new version.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::{fewer_centres, postcode_fixture, ServeProcess, TestDb};

/// A postcode file of about `n` distinct rows.
fn big_file(dir: &std::path::Path, n: usize) -> std::path::PathBuf {
    use std::io::Write;
    let path = dir.join("big.csv");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(out, "pcds,lat,long,ctry").unwrap();
    let letters = b"ABDEFGHJLNPQRSTUWXYZ";
    let mut written = 0;
    'all: for area in ["LS", "M", "B", "S", "G", "CF", "BT", "EH"] {
        for district in 1..=99 {
            for sector in 0..=9 {
                for a in letters {
                    for b in letters {
                        if written == n {
                            break 'all;
                        }
                        writeln!(
                            out,
                            "{area}{district} {sector}{}{},53.{:06},-1.{:06},E92000001",
                            *a as char,
                            *b as char,
                            written % 999_999,
                            written % 777_777
                        )
                        .unwrap();
                        written += 1;
                    }
                }
            }
        }
    }
    out.flush().unwrap();
    path
}

/// `import postcodes <path>`, quiet, to be run (and killed) by the test.
fn import_command(db: &TestDb, path: &std::path::Path) -> Command {
    let mut cmd = db.command(&["import", "postcodes", path.to_str().unwrap()]);
    cmd.stdout(Stdio::null()).stderr(Stdio::null());
    cmd
}

#[test]
fn an_import_killed_at_any_point_leaves_the_previous_table_in_force() {
    let db = TestDb::sqlite();
    let out = db.cli(&["import", "postcodes", &postcode_fixture("onspd_sample.csv")]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(db.postcode_count(), 10);
    let dir = tempfile::tempdir().unwrap();
    let big = big_file(dir.path(), 300_000);
    for delay_ms in [30u64, 150, 400, 900] {
        let mut child = import_command(&db, &big).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        // The database opens (and migrates) cleanly and still holds the previous table,
        // unless the import had already finished.
        let count = db.postcode_count();
        assert!(
            count == 10 || (finished && count == 300_000),
            "after a kill at {delay_ms} ms: {count} postcodes"
        );
        let answer = db.nearest_json("LS9 7TF");
        assert_eq!(answer["location"]["precision"], "postcode");
    }
    // The next import succeeds.
    let status = import_command(&db, &big).status().unwrap();
    assert!(status.success());
    assert_eq!(db.postcode_count(), 300_000);
}

#[test]
fn a_server_killed_inside_a_reload_starts_again_with_the_new_version() {
    let db = TestDb::sqlite();
    // The test hook holds every reload inside its read transaction for 30 s and says so on
    // the log, so the kill below lands mid-reload every time.
    let server = ServeProcess::start(
        &db,
        None,
        &[("CENTRE_DIRECTORY_TEST_RELOAD_PAUSE_MS", "30000")],
    );
    let before = server.ready(None);
    // An import by another process; the server's poller starts reloading it.
    let out = db.import_stdin("centres", fewer_centres(40));
    assert_eq!(out.code, 0, "{out:?}");
    let line = server.wait_for_log(
        &[
            "pausing inside the directory load",
            &format!("version={}", before + 1),
        ],
        Duration::from_secs(15),
    );
    assert!(line.contains("WARN"), "{line}");
    // Mid-reload, the previous version is still the one served.
    let body: serde_json::Value = reqwest::blocking::get(server.url("/readyz"))
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(body["dataset"]["version"], before);
    let port = server.port;
    let _ = server.kill();

    // The database opens cleanly and a new server serves the new version.
    let server = ServeProcess::start(&db, Some(port), &[]);
    let after = server.ready(Some(before + 1));
    let body: serde_json::Value = reqwest::blocking::get(server.url("/api/v1/centres?limit=1"))
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(body["total"], 40);
    assert_eq!(body["dataset"]["version"], after);
    let _ = server.kill();
}
