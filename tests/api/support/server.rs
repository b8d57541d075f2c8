//! The server: in this process on a free port ([`TestServer`]) or as a `serve` child process
//! ([`ServeProcess`]), and a minimal file server for imports from a URL ([`serve_files`]).

use std::sync::Arc;

use centre_directory::config::Settings;
use centre_directory::db::Database;
use centre_directory::index::{Directory, Snapshot};
use serde_json::Value;

use super::{free_port, TestDb};

/// A server running in this process on a free port, with the shipped data loaded.
pub struct TestServer {
    pub base: String,
    pub db: Database,
    pub directory: Arc<Directory>,
    pub client: reqwest::Client,
    handle: actix_web::dev::ServerHandle,
    poller: Option<Poller>,
}

/// The version poller of [`TestServer::start_polling`], on its own runtime so that stopping
/// the server stops it too (a poll left running after the test would wait for a database that
/// is gone).
struct Poller {
    stop: std::sync::mpsc::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

impl TestServer {
    pub async fn start(test_db: &TestDb) -> Self {
        Self::start_with(test_db.settings()).await
    }

    /// A server with the admin API on, as [`TestDb::admin_settings`] sets it.
    pub async fn start_admin(test_db: &TestDb) -> Self {
        Self::start_with(test_db.admin_settings()).await
    }

    /// A server that also polls the database for imports made elsewhere, as `serve` does.
    pub async fn start_polling(settings: Settings, every: std::time::Duration) -> Self {
        let mut server = Self::start_with(settings).await;
        let (db, directory) = (server.db.clone(), server.directory.clone());
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()
                .unwrap();
            runtime.block_on(async move {
                centre_directory::server::spawn_version_poller(db, directory, every);
                let _ = tokio::task::spawn_blocking(move || stopped.recv()).await;
            });
        });
        server.poller = Some(Poller { stop, thread });
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
            poller: None,
        }
    }

    /// Stop the server (and its poller) and wait for its workers, so no database connection
    /// outlives the test (a libpq connection still open at process exit can crash the test
    /// binary).
    pub async fn stop(mut self) {
        if let Some(poller) = self.poller.take() {
            let _ = poller.stop.send(());
            tokio::task::spawn_blocking(move || poller.thread.join())
                .await
                .unwrap()
                .expect("the poller thread");
        }
        self.handle.stop(true).await;
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.get_with(path, &[]).await
    }

    /// GET `path` with these request headers.
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut request = self.client.get(format!("{}{path}", self.base));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("request")
    }

    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        let body = response.json().await.expect("json body");
        (status, body)
    }

    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        (status, response.text().await.expect("text body"))
    }

    /// GET `path`, answered with a problem (`application/problem+json`): its status and body.
    pub async fn get_problem(&self, path: &str) -> (u16, Value) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json",
            "{path}"
        );
        (status, response.json().await.expect("problem body"))
    }

    /// POST `body` to `path` (with this `Authorization`, if any): the status, the JSON body
    /// (`null` when there is none) and the headers.
    pub async fn post(
        &self,
        path: &str,
        auth: Option<&str>,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> (u16, Value, reqwest::header::HeaderMap) {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .header("Content-Type", content_type)
            .body(body);
        if let Some(a) = auth {
            request = request.header("Authorization", a);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.json().await.unwrap_or(Value::Null);
        (status, body, headers)
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

/// One file served as [`serve_files`] serves it: its URL.
pub fn serve_file(file: Served) -> String {
    let path = file.path;
    format!("{}{path}", serve_files(vec![file]))
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
        let port = port.unwrap_or_else(free_port);
        let mut command = db.command(&["serve", "--poll-seconds", "1"]);
        command
            .env("BIND", format!("127.0.0.1:{port}"))
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
            if let Ok(body) =
                reqwest::blocking::get(self.url("/readyz")).and_then(|r| r.json::<Value>())
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
