//! Shared test support: a fresh database per test (SQLite file or PostgreSQL database), the
//! CLI binary, the real server started on port 0, the shipped data and fixtures, and the
//! compressed and archived files imports accept.

mod files;
mod server;
pub mod suite;

pub use files::{gunzip, gzip, onspd_zip, unbrotli, zip_archive};
pub use server::{serve_file, ServeProcess, Served, TestServer};

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use centre_directory::config::{DatabaseUrl, GeocoderSetting, Settings};
use centre_directory::db::{Database, Storage};

/// A path inside the repository.
pub fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// The repository's shipped data folder.
pub fn data_dir() -> PathBuf {
    repo_path("data")
}

/// The path of a shipped data file, as a command-line argument.
pub fn shipped_path(file: &str) -> String {
    data_dir().join(file).display().to_string()
}

/// The text of a shipped data file.
pub fn shipped_text(file: &str) -> String {
    std::fs::read_to_string(data_dir().join(file)).unwrap()
}

/// The number of data rows (CSV records) in a shipped data file.
pub fn data_rows(file: &str) -> usize {
    let mut reader = csv::Reader::from_path(data_dir().join(file)).unwrap();
    reader.records().count()
}

/// The shipped centres file cut to its first `rows` centres, with CRLF line ends (as a
/// spreadsheet saves it).
pub fn fewer_centres(rows: usize) -> String {
    shipped_text("centres.csv")
        .lines()
        .take(rows + 1)
        .map(|l| format!("{l}\r\n"))
        .collect()
}

/// The header of a registry figures (`registry_stats`) file.
pub const STATS_HEADER: &str =
    "nation,period,cancer,age_band,sex,measure,value,source,last_verified";

/// The path of a file in `tests/fixtures/postcodes/`, as a command-line argument.
pub fn postcode_fixture(name: &str) -> String {
    repo_path("tests/fixtures/postcodes")
        .join(name)
        .display()
        .to_string()
}

/// The bytes of a file in `tests/fixtures/postcodes/`.
pub fn postcode_fixture_bytes(name: &str) -> Vec<u8> {
    std::fs::read(postcode_fixture(name)).unwrap()
}

/// A free local TCP port.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A test that cannot run here (no PostgreSQL server, no browser) says so and is skipped, or
/// fails when `require_var=1` (as CI sets).
pub fn skip(require_var: &str, what: &str, why: &str) {
    if std::env::var(require_var).is_ok_and(|v| v == "1") {
        panic!("{require_var}=1 but {why}");
    }
    // Written straight to stderr so the harness does not swallow it.
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED: {what} not run: {why}");
}

/// The `centre-directory` binary, as a command to run.
pub fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_centre-directory"))
}

/// The tokens of the admin API in [`TestDb::admin_settings`]: alice's and bob's.
pub const ADMIN_TOKENS: &str = "alice=0123456789abcdef0123,bob=fedcba9876543210fedc";
/// alice's `Authorization` header.
pub const ALICE: &str = "Bearer 0123456789abcdef0123";
/// bob's `Authorization` header.
pub const BOB: &str = "Bearer fedcba9876543210fedc";

/// A fresh, empty database that disappears with the value.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_name: Option<String>,
}

const PG_ADMIN_URL_DEFAULT: &str = "postgres://postgres@127.0.0.1:5432/test";

fn pg_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| PG_ADMIN_URL_DEFAULT.to_string())
}

impl TestDb {
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = dir.path().join("directory.db").display().to_string();
        Self {
            url,
            _dir: Some(dir),
            pg_name: None,
        }
    }

    /// A fresh PostgreSQL database, or `None` (with a message) when no server is reachable.
    /// With `REQUIRE_POSTGRES=1` (as CI sets) an unreachable server fails the test instead.
    pub fn postgres() -> Option<Self> {
        use diesel::{Connection, PgConnection, RunQueryDsl};
        let admin = pg_admin_url();
        let mut conn = match PgConnection::establish(&admin) {
            Ok(c) => c,
            Err(e) => {
                skip(
                    "REQUIRE_POSTGRES",
                    "PostgreSQL test",
                    &format!(
                        "PostgreSQL is not reachable at {admin} ({e}); set TEST_POSTGRES_URL or start PostgreSQL"
                    ),
                );
                return None;
            }
        };
        let name = format!("cdtest_{}_{}", std::process::id(), rand_suffix());
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .expect("create test database");
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
        Some(Self {
            url: format!("{base}/{name}"),
            _dir: None,
            pg_name: Some(name),
        })
    }

    /// Let this PostgreSQL database take connections, or refuse new ones and end those open
    /// (as when its server is down), through the server's administration database.
    pub fn set_postgres_reachable(&self, reachable: bool) {
        use diesel::{Connection, PgConnection, RunQueryDsl};
        let name = self.pg_name.as_deref().expect("a PostgreSQL test database");
        let mut conn = PgConnection::establish(&pg_admin_url()).expect("the admin database");
        diesel::sql_query(format!(
            "ALTER DATABASE {name} ALLOW_CONNECTIONS {reachable}"
        ))
        .execute(&mut conn)
        .expect("alter database");
        if !reachable {
            diesel::sql_query(format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
            ))
            .execute(&mut conn)
            .expect("end the open connections");
        }
    }

    pub fn settings(&self) -> Settings {
        Settings {
            database: DatabaseUrl::parse(&self.url).expect("url"),
            bind: "127.0.0.1:0".parse().unwrap(),
            data_dir: data_dir(),
            admin_token: None,
            geocoder: GeocoderSetting::Off,
            fetch: Default::default(),
            rate_limit: None,
            answer_cache_bytes: Settings::DEFAULT_ANSWER_CACHE_BYTES,
        }
    }

    /// Settings with the admin API on ([`ADMIN_TOKENS`]), plain-http URLs allowed for imports
    /// from a local server, and request bodies up to 2 MB.
    pub fn admin_settings(&self) -> Settings {
        let mut settings = self.settings();
        settings.admin_token =
            Some(centre_directory::config::AdminTokens::parse(ADMIN_TOKENS).unwrap());
        settings.fetch.allow_http = true;
        settings.fetch.max_body_bytes = 2_000_000;
        settings
    }

    pub fn connect(&self) -> Database {
        let db = Database::connect(&DatabaseUrl::parse(&self.url).unwrap()).expect("connect");
        db.migrate().expect("migrate");
        db
    }

    /// How many postcodes the postcode table holds.
    pub fn postcode_count(&self) -> i64 {
        let database = self.connect();
        let mut conn = database.get().unwrap();
        centre_directory::with_connection!(&mut conn, |c| c.count_postcodes()).unwrap()
    }

    /// The CLI as a command against this database, not yet run.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = binary();
        cmd.args(args)
            .env("DATABASE_URL", &self.url)
            .env("DATA_DIR", data_dir())
            .env("GEOCODER", "off")
            .env("RUST_LOG", "warn")
            .env_remove("ADMIN_TOKEN");
        cmd
    }

    /// Run the CLI against this database.
    pub fn cli(&self, args: &[&str]) -> Output {
        self.cli_with_stdin(args, None)
    }

    pub fn cli_with_stdin(&self, args: &[&str], stdin: Option<&[u8]>) -> Output {
        self.cli_full(args, &[], stdin)
    }

    /// Run the CLI with extra environment variables.
    pub fn cli_full(&self, args: &[&str], env: &[(&str, &str)], stdin: Option<&[u8]>) -> Output {
        use std::io::Write;
        let mut cmd = self.command(args);
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("run centre-directory");
        if let Some(bytes) = stdin {
            child.stdin.take().unwrap().write_all(bytes).unwrap();
        }
        drop(child.stdin.take());
        let out = child.wait_with_output().expect("wait");
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// `import <dataset> -` with `bytes` on standard input.
    pub fn import_stdin(&self, dataset: &str, bytes: impl AsRef<[u8]>) -> Output {
        self.import_stdin_with(dataset, bytes, &[])
    }

    /// `import <dataset> - <extra...>` with `bytes` on standard input.
    pub fn import_stdin_with(
        &self,
        dataset: &str,
        bytes: impl AsRef<[u8]>,
        extra: &[&str],
    ) -> Output {
        let mut args = vec!["import", dataset, "-"];
        args.extend_from_slice(extra);
        self.cli_with_stdin(&args, Some(bytes.as_ref()))
    }

    /// The `nearest` answer of the CLI as JSON.
    pub fn nearest_json(&self, postcode: &str) -> serde_json::Value {
        let out = self.cli(&["nearest", "--postcode", postcode, "--limit", "3", "--json"]);
        assert_eq!(out.code, 0, "{postcode}: {out:?}");
        out.json()
    }
}

fn rand_suffix() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{nanos:x}{n}")
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = &self.pg_name {
            use diesel::{Connection, PgConnection, RunQueryDsl};
            if let Ok(mut conn) = PgConnection::establish(&pg_admin_url()) {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn);
            }
        }
    }
}

/// What a CLI run ended with.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// The run succeeded and wrote JSON (a `--json` report or answer): that JSON.
    pub fn json(&self) -> serde_json::Value {
        assert_eq!(self.code, 0, "{self:?}");
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {}", self.stdout))
    }
}
