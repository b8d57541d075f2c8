//! Where an import file comes from: a local path, standard input (`-`), or an http(s) URL
//! fetched with reqwest under a size cap and a time limit.

use std::io::{BufRead, BufReader, Read};
use std::time::Duration;

use crate::config::FetchSettings;

/// Why an input could not be opened or read.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("cannot read {location}: {message}")]
    Read { location: String, message: String },
    #[error("{0}")]
    Refused(String),
}

/// An opened input, read as a stream.
pub struct Input {
    pub reader: Box<dyn Read + Send>,
    /// Total size when known (a file's length or the Content-Length), for progress.
    pub len: Option<u64>,
    /// The path or URL as recorded in the import history (a URL without its query string).
    pub source: String,
}

/// Is `location` a URL rather than a path?
pub fn is_url(location: &str) -> bool {
    let lower = location.trim().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Open a path, `-` (standard input) or a URL for streaming.
pub fn open(location: &str, fetch: &FetchSettings) -> Result<Input, SourceError> {
    let input = if is_url(location) {
        open_url(location.trim(), fetch)?
    } else if location == "-" {
        Input {
            reader: Box::new(std::io::stdin()),
            len: None,
            source: "standard input".to_string(),
        }
    } else {
        let file = std::fs::File::open(location).map_err(|e| SourceError::Read {
            location: location.to_string(),
            message: e.to_string(),
        })?;
        let len = file.metadata().ok().map(|m| m.len());
        Input {
            reader: Box::new(file),
            len,
            source: location.to_string(),
        }
    };
    refuse_archives(input)
}

/// Read a whole (small) input into memory: the directory's own datasets.
pub fn read_all(location: &str, fetch: &FetchSettings) -> Result<(Vec<u8>, String), SourceError> {
    let mut input = open(location, fetch)?;
    let mut bytes = Vec::new();
    input
        .reader
        .read_to_end(&mut bytes)
        .map_err(|e| SourceError::Read {
            location: input.source.clone(),
            message: e.to_string(),
        })?;
    Ok((bytes, input.source))
}

/// A URL as safe to record: scheme, host and path, without credentials or query string.
pub fn redact_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.set_query(None);
            u.set_fragment(None);
            u.to_string()
        }
        Err(_) => "(unparseable URL)".to_string(),
    }
}

fn open_url(url: &str, fetch: &FetchSettings) -> Result<Input, SourceError> {
    let shown = redact_url(url);
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| SourceError::Refused(format!("'{shown}' is not a valid URL: {e}")))?;
    if parsed.scheme() != "https" && !(parsed.scheme() == "http" && fetch.allow_http) {
        return Err(SourceError::Refused(format!(
            "{shown}: only https:// URLs are fetched (set IMPORT_ALLOW_HTTP=true to allow http://)"
        )));
    }
    let client = reqwest::blocking::Client::builder()
        .connect_timeout(Duration::from_secs(15))
        .timeout(fetch.timeout)
        .user_agent(concat!("centre-directory/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| SourceError::Refused(format!("cannot start the HTTP client: {e}")))?;
    let failed = |message: String| SourceError::Read {
        location: shown.clone(),
        message,
    };
    let response = client
        .get(parsed)
        .send()
        .map_err(|e| failed(describe_reqwest(&e, fetch.timeout)))?;
    let status = response.status();
    if !status.is_success() {
        return Err(failed(format!("the server answered {status}")));
    }
    if let Some(kind) = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    {
        let kind = kind.to_ascii_lowercase();
        if kind.starts_with("text/html") || kind.starts_with("application/json") {
            return Err(failed(format!(
                "the server sent {kind}, not a CSV file (is the URL a download link?)"
            )));
        }
    }
    let len = response.content_length();
    if let Some(n) = len.filter(|n| *n > fetch.max_bytes) {
        return Err(failed(format!(
            "the file is {n} bytes, more than the limit of {} (IMPORT_MAX_BYTES)",
            fetch.max_bytes
        )));
    }
    Ok(Input {
        reader: Box::new(Capped {
            inner: response,
            left: fetch.max_bytes,
            max: fetch.max_bytes,
        }),
        len,
        source: shown,
    })
}

fn describe_reqwest(e: &reqwest::Error, timeout: Duration) -> String {
    if e.is_timeout() {
        format!(
            "no complete answer within {} s (IMPORT_FETCH_TIMEOUT_SECS)",
            timeout.as_secs()
        )
    } else if e.is_connect() {
        "cannot connect to the server".to_string()
    } else {
        e.to_string()
    }
}

/// Fails the read once more than `max` bytes have arrived.
struct Capped<R> {
    inner: R,
    left: u64,
    max: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            return Err(std::io::Error::other(format!(
                "the download is larger than the limit of {} bytes (IMPORT_MAX_BYTES)",
                self.max
            )));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// ZIP and gzip files are refused with a message saying what to do.
fn refuse_archives(input: Input) -> Result<Input, SourceError> {
    let Input {
        reader,
        len,
        source,
    } = input;
    let mut buffered = BufReader::with_capacity(256 * 1024, reader);
    let head = buffered.fill_buf().map_err(|e| SourceError::Read {
        location: source.clone(),
        message: e.to_string(),
    })?;
    if head.starts_with(b"PK\x03\x04") {
        return Err(SourceError::Refused(format!(
            "{source} is a ZIP archive; unzip it and import the CSV inside (for the ONS Postcode Directory, the single file Data/ONSPD_<month>_UK.csv)"
        )));
    }
    if head.starts_with(&[0x1f, 0x8b]) {
        return Err(SourceError::Refused(format!(
            "{source} is gzip-compressed; decompress it first (for example `gunzip -c file.csv.gz | centre-directory import <dataset> -`)"
        )));
    }
    Ok(Input {
        reader: Box::new(buffered),
        len,
        source,
    })
}
