//! Shared test support: a fresh database per test (SQLite file or PostgreSQL database), the
//! CLI binary, and the real server started on port 0.
#![allow(dead_code)]

pub mod suite;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use centre_directory::config::{DatabaseUrl, GeocoderSetting, Settings};
use centre_directory::db::Database;
use centre_directory::index::{Directory, Snapshot};

/// The repository's shipped data folder.
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

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
                if std::env::var("REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
                    panic!("REQUIRE_POSTGRES=1 but PostgreSQL is not reachable at {admin}: {e}");
                }
                // Written straight to stderr so the harness does not swallow it.
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "SKIPPED: PostgreSQL test not run: no server at {admin} ({e}); set TEST_POSTGRES_URL or start PostgreSQL"
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

    pub fn settings(&self) -> Settings {
        Settings {
            database: DatabaseUrl::parse(&self.url).expect("url"),
            bind: "127.0.0.1:0".parse().unwrap(),
            data_dir: data_dir(),
            admin_token: None,
            geocoder: GeocoderSetting::Off,
            fetch: Default::default(),
            rate_limit: None,
        }
    }

    pub fn connect(&self) -> Database {
        let db = Database::connect(&DatabaseUrl::parse(&self.url).unwrap()).expect("connect");
        db.migrate().expect("migrate");
        db
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
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_centre-directory"));
        cmd.args(args)
            .env("DATABASE_URL", &self.url)
            .env("DATA_DIR", data_dir())
            .env("GEOCODER", "off")
            .env("RUST_LOG", "warn")
            .env_remove("ADMIN_TOKEN")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
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

#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// A server running in this process on a free port, with the shipped data loaded.
pub struct TestServer {
    pub base: String,
    pub db: Database,
    pub directory: Arc<Directory>,
    pub client: reqwest::Client,
    handle: actix_web::dev::ServerHandle,
}

impl TestServer {
    pub async fn start(test_db: &TestDb) -> Self {
        Self::start_with(test_db.settings()).await
    }

    /// A server that also polls the database for imports made elsewhere, as `serve` does.
    pub async fn start_polling(settings: Settings, every: std::time::Duration) -> Self {
        let server = Self::start_with(settings).await;
        centre_directory::server::spawn_version_poller(
            server.db.clone(),
            server.directory.clone(),
            every,
        );
        server
    }

    pub async fn start_with(settings: Settings) -> Self {
        let prepared = settings.clone();
        // As `serve` does: postcodes held in memory (the command line asks the database).
        let (db, directory) = tokio::task::spawn_blocking(move || {
            let (db, directory) = centre_directory::server::prepare(&prepared)?;
            directory.keep_postcodes_in_memory(&db)?;
            anyhow::Ok((db, directory))
        })
        .await
        .unwrap()
        .expect("prepare");
        let app =
            centre_directory::http::Application::build(settings, db.clone(), directory.clone())
                .expect("bind");
        let base = format!("http://127.0.0.1:{}", app.port());
        let handle = app.handle();
        tokio::spawn(app.run());
        Self {
            base,
            db,
            directory,
            client: reqwest::Client::new(),
            handle,
        }
    }

    /// Stop the server and wait for its workers, so no database connection outlives the test
    /// (a libpq connection still open at process exit can crash the test binary).
    pub async fn stop(self) {
        self.handle.stop(true).await;
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("request")
    }

    pub async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        let body = response.json().await.expect("json body");
        (status, body)
    }

    pub fn reload(&self) {
        self.directory.replace(Snapshot::load(&self.db).unwrap());
    }
}

/// One file a [`serve_files`] server answers with.
pub struct Served {
    pub path: &'static str,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// Send a Content-Length header (without one the body simply ends when the connection closes).
    pub with_length: bool,
}

/// A minimal HTTP/1.1 file server on a free local port, for URL imports; unknown paths get 404.
/// Returns the base URL (`http://127.0.0.1:PORT`).
pub fn serve_files(files: Vec<Served>) -> String {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let target = request_line.split_whitespace().nth(1).unwrap_or("/");
            let path = target.split('?').next().unwrap_or(target);
            let found = files.iter().find(|f| f.path == path);
            let _ = match found {
                Some(f) => {
                    let mut head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: {}\r\nConnection: close\r\n",
                        f.content_type
                    );
                    if f.with_length {
                        head.push_str(&format!("Content-Length: {}\r\n", f.body.len()));
                    }
                    head.push_str("\r\n");
                    stream
                        .write_all(head.as_bytes())
                        .and_then(|_| stream.write_all(&f.body))
                }
                None => stream.write_all(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                ),
            };
        }
    });
    base
}

/// `centre-directory serve` as a child process on a free port, its log lines sent to `log`.
pub struct ServeProcess {
    pub child: std::process::Child,
    pub port: u16,
    pub log: std::sync::mpsc::Receiver<String>,
    /// Every log line read so far.
    seen: std::cell::RefCell<Vec<String>>,
}

impl ServeProcess {
    pub fn start(db: &TestDb, port: Option<u16>, env: &[(&str, &str)]) -> Self {
        use std::io::BufRead;
        let port = port.unwrap_or_else(|| {
            std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port()
        });
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_centre-directory"));
        command
            .args(["serve", "--poll-seconds", "1"])
            .env("DATABASE_URL", &db.url)
            .env("DATA_DIR", data_dir())
            .env("BIND", format!("127.0.0.1:{port}"))
            .env("GEOCODER", "off")
            .env("RUST_LOG", "warn")
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped());
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, log) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
            {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Self {
            child,
            port,
            log,
            seen: Default::default(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Wait until `/readyz` answers (with version `want`, when given); the version served.
    pub fn ready(&self, want: Option<i64>) -> i64 {
        for _ in 0..300 {
            if let Ok(body) = reqwest::blocking::get(self.url("/readyz"))
                .and_then(|r| r.json::<serde_json::Value>())
            {
                let version = body["dataset"]["version"].as_i64().unwrap_or(-1);
                if want.is_none_or(|w| w == version) {
                    return version;
                }
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("the server did not become ready");
    }

    /// The first log line containing every one of `needles`, waiting up to `within`.
    pub fn wait_for_log(&self, needles: &[&str], within: std::time::Duration) -> String {
        let deadline = std::time::Instant::now() + within;
        while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
            match self.log.recv_timeout(left) {
                Ok(line) => {
                    self.seen.borrow_mut().push(line.clone());
                    if needles.iter().all(|n| line.contains(n)) {
                        return line;
                    }
                }
                Err(_) => break,
            }
        }
        panic!("no log line with {needles:?} within {within:?}");
    }

    /// SIGKILL, and wait for the process to go; every line it logged.
    pub fn kill(mut self) -> Vec<String> {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        let mut seen = self.seen.take();
        seen.extend(self.log.try_iter());
        seen
    }
}
