//! Where an import file comes from: a local path, standard input (`-`), or an http(s) URL
//! fetched with reqwest under a size cap and a time limit. A gzip-compressed file is read
//! through a decoder, and a ZIP archive (the form the ONS publishes its postcode directories
//! in) is opened and the CSV file inside it read.

use std::io::{BufRead, BufReader, Read, Seek};
use std::sync::mpsc;
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

/// Open a path, `-` (standard input) or a URL for streaming, unpacked when it is gzip or ZIP.
pub fn open(location: &str, fetch: &FetchSettings) -> Result<Input, SourceError> {
    if is_url(location) {
        return unpack(open_url(location.trim(), fetch)?, fetch.max_bytes);
    }
    if location == "-" {
        return unpack(
            Input {
                reader: Box::new(std::io::stdin()),
                len: None,
                source: "standard input".to_string(),
            },
            fetch.max_bytes,
        );
    }
    let read_error = |e: std::io::Error| SourceError::Read {
        location: location.to_string(),
        message: e.to_string(),
    };
    let mut file = std::fs::File::open(location).map_err(read_error)?;
    // A pipe has no length to show progress against.
    let len = file
        .metadata()
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    // A ZIP file on disk is opened where it is, without a copy. A path may also be a pipe
    // (`<(curl ...)`), which cannot go back: the bytes looked at are put back in front.
    let mut head = [0u8; 4];
    let got = read_up_to(&mut file, &mut head).map_err(read_error)?;
    if is_zip(&head[..got]) && file.rewind().is_ok() {
        return open_zip(file, location, fetch.max_bytes);
    }
    unpack(
        Input {
            reader: Box::new(std::io::Cursor::new(head[..got].to_vec()).chain(file)),
            len,
            source: location.to_string(),
        },
        fetch.max_bytes,
    )
}

/// An uploaded file held in memory, unpacked when it is gzip or ZIP, to at most `max_bytes`
/// once decompressed.
pub fn from_bytes(bytes: Vec<u8>, source: String, max_bytes: u64) -> Result<Input, SourceError> {
    if is_zip(&bytes) {
        return open_zip(std::io::Cursor::new(bytes), &source, max_bytes);
    }
    let len = Some(bytes.len() as u64);
    unpack(
        Input {
            reader: Box::new(std::io::Cursor::new(bytes)),
            len,
            source,
        },
        max_bytes,
    )
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
            what: "the download",
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
    /// What is larger than the limit: "the download", "the decompressed file".
    what: &'static str,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            return Err(std::io::Error::other(format!(
                "{} is larger than the limit of {} bytes (IMPORT_MAX_BYTES)",
                self.what, self.max
            )));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

fn read_up_to(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match reader.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// A ZIP archive starts with a local file header, or with the end record when it is empty.
fn is_zip(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06")
}

/// A stream that is neither ZIP nor gzip passes through; gzip is decoded as it is read; a
/// ZIP archive, which can only be read from its end, is first copied to an unnamed temporary
/// file (standard input and downloads cannot seek). What is decompressed may be at most
/// `max_bytes` (`IMPORT_MAX_BYTES`), so a small file cannot make an endless import.
fn unpack(input: Input, max_bytes: u64) -> Result<Input, SourceError> {
    let Input {
        reader,
        len,
        source,
    } = input;
    let read_error = |e: std::io::Error| SourceError::Read {
        location: source.clone(),
        message: e.to_string(),
    };
    let mut buffered = BufReader::with_capacity(256 * 1024, reader);
    let head = buffered.fill_buf().map_err(read_error)?;
    if is_zip(head) {
        let mut spool = tempfile::tempfile().map_err(|e| SourceError::Read {
            location: source.clone(),
            message: format!("cannot make a temporary file to open the ZIP archive in: {e}"),
        })?;
        std::io::copy(&mut buffered, &mut spool).map_err(read_error)?;
        spool.rewind().map_err(read_error)?;
        return open_zip(spool, &source, max_bytes);
    }
    if head.starts_with(&[0x1f, 0x8b]) {
        return Ok(Input {
            reader: Box::new(Capped {
                inner: Gunzip {
                    inner: flate2::bufread::MultiGzDecoder::new(buffered),
                },
                left: max_bytes,
                max: max_bytes,
                what: "the decompressed file",
            }),
            // The size once decompressed is not known before the end.
            len: None,
            source: format!("{source} (gzip)"),
        });
    }
    Ok(Input {
        reader: Box::new(buffered),
        len,
        source,
    })
}

/// gzip decoding with its errors said in the terms of the file.
struct Gunzip<R: BufRead> {
    inner: flate2::bufread::MultiGzDecoder<R>,
}

impl<R: BufRead> Read for Gunzip<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.inner.read(buf).map_err(|e| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => std::io::Error::other(
                "the gzip file ends early (is it truncated, or still downloading?)",
            ),
            std::io::ErrorKind::InvalidInput | std::io::ErrorKind::InvalidData => {
                std::io::Error::other(format!("the gzip file is damaged: {e}"))
            }
            _ => e,
        })
    }
}

/// Open the CSV file inside a ZIP archive: the only one, or the largest when there are
/// several (the ONS Postcode Directory's archive holds the whole UK file beside smaller files
/// per area and lookup tables). It is decompressed on a thread of its own, and its CRC-32 is
/// checked at its end, so a damaged archive fails the import instead of ending it early.
fn open_zip<R: Read + Seek + Send + 'static>(
    reader: R,
    source: &str,
    max_bytes: u64,
) -> Result<Input, SourceError> {
    let refused = |message: String| SourceError::Refused(format!("{source}: {message}"));
    let mut archive = zip::ZipArchive::new(reader)
        .map_err(|e| refused(format!("is not a ZIP archive that can be read ({e})")))?;
    // The CSV file to read: (index, size, name, encrypted).
    let mut best: Option<(usize, u64, String, bool)> = None;
    let mut names = Vec::new();
    let mut csv_count = 0;
    for index in 0..archive.len() {
        let entry = archive
            .by_index_raw(index)
            .map_err(|e| refused(format!("entry {} cannot be read ({e})", index + 1)))?;
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        if !entry.is_file() {
            continue;
        }
        if name.to_ascii_lowercase().ends_with(".csv") {
            csv_count += 1;
            if best
                .as_ref()
                .is_none_or(|(_, size, ..)| entry.size() > *size)
            {
                best = Some((index, entry.size(), name.clone(), entry.encrypted()));
            }
        }
        names.push(name);
    }
    let Some((index, size, name, encrypted)) = best else {
        let shown: Vec<&str> = names.iter().take(8).map(String::as_str).collect();
        return Err(refused(if names.is_empty() {
            "the ZIP archive holds no files".to_string()
        } else {
            format!(
                "the ZIP archive holds no .csv file (it holds {}{})",
                shown.join(", "),
                if names.len() > shown.len() {
                    ", ..."
                } else {
                    ""
                }
            )
        }));
    };
    if encrypted {
        return Err(refused(format!(
            "{name} is encrypted in the archive; unzip it with its password first"
        )));
    }
    // The size is the one the archive declares; reading stops with an error past it.
    if size > max_bytes {
        return Err(refused(format!(
            "{name} is {size} bytes once decompressed, more than the limit of {max_bytes} (IMPORT_MAX_BYTES)"
        )));
    }
    // Opening the entry here checks that its compression method can be read, so that is
    // refused before the import starts rather than part-way.
    archive
        .by_index(index)
        .map_err(|e| refused(format!("{name} cannot be read from the archive ({e})")))?;
    let (sender, receiver) = mpsc::sync_channel(4);
    let thread_name = name.clone();
    std::thread::Builder::new()
        .name("unzip".to_string())
        .spawn(move || unzip_into(&mut archive, index, &thread_name, &sender))
        .map_err(|e| refused(format!("cannot start reading the archive: {e}")))?;
    let chosen = if csv_count > 1 {
        format!("{source}, file {name} (the largest of {csv_count} CSV files inside)")
    } else {
        format!("{source}, file {name}")
    };
    Ok(Input {
        reader: Box::new(Unzipped {
            receiver,
            chunk: Vec::new(),
            at: 0,
            ended: false,
        }),
        len: Some(size),
        source: chosen,
    })
}

/// What the unzipping thread sends: pieces of the file, then its end or what went wrong.
enum Piece {
    Data(Vec<u8>),
    End,
    Failed(String),
}

fn unzip_into<R: Read + Seek>(
    archive: &mut zip::ZipArchive<R>,
    index: usize,
    name: &str,
    sender: &mpsc::SyncSender<Piece>,
) {
    const PIECE: usize = 256 * 1024;
    let mut entry = match archive.by_index(index) {
        Ok(entry) => entry,
        Err(e) => {
            let _ = sender.send(Piece::Failed(format!("cannot read {name}: {e}")));
            return;
        }
    };
    loop {
        let mut piece = vec![0u8; PIECE];
        match read_up_to(&mut entry, &mut piece) {
            Ok(0) => {
                let _ = sender.send(Piece::End);
                return;
            }
            Ok(n) => {
                piece.truncate(n);
                // The reader has gone (the import stopped): stop too.
                if sender.send(Piece::Data(piece)).is_err() {
                    return;
                }
            }
            Err(e) => {
                let _ = sender.send(Piece::Failed(format!(
                    "{name} in the ZIP archive is damaged: {e}"
                )));
                return;
            }
        }
    }
}

/// The reading end of [`unzip_into`].
struct Unzipped {
    receiver: mpsc::Receiver<Piece>,
    chunk: Vec<u8>,
    at: usize,
    ended: bool,
}

impl Read for Unzipped {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.chunk.len() {
            if self.ended {
                return Ok(0);
            }
            match self.receiver.recv() {
                Ok(Piece::Data(data)) => {
                    self.chunk = data;
                    self.at = 0;
                }
                Ok(Piece::End) => self.ended = true,
                Ok(Piece::Failed(message)) => return Err(std::io::Error::other(message)),
                Err(_) => {
                    return Err(std::io::Error::other(
                        "the archive stopped being read before the end of the file",
                    ))
                }
            }
        }
        let n = buf.len().min(self.chunk.len() - self.at);
        buf[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const NO_LIMIT: u64 = u64::MAX;

    fn zip_of(files: &[(&str, &[u8], zip::CompressionMethod)]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, bytes, method) in files {
            let options = zip::write::SimpleFileOptions::default().compression_method(*method);
            writer.start_file(*name, options).unwrap();
            writer.write_all(bytes).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    fn read(input: Input) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        let mut reader = input.reader;
        reader.read_to_end(&mut out)?;
        Ok(out)
    }

    fn refusal(result: Result<Input, SourceError>) -> String {
        match result {
            Ok(input) => panic!("{} was opened", input.source),
            Err(e) => e.to_string(),
        }
    }

    /// A postcode file large enough to span several of the unzipping thread's pieces.
    fn big_csv() -> Vec<u8> {
        let mut csv = b"pcds,lat,long\n".to_vec();
        for i in 0..40_000 {
            writeln!(csv, "LS{} {}AB,53.{i:06},-1.{i:06}", i % 30, i % 10).unwrap();
        }
        csv
    }

    #[test]
    fn the_largest_csv_in_a_zip_archive_is_read_whole() {
        use zip::CompressionMethod::{Deflated, Stored};
        let whole = big_csv();
        let part = &whole[..2_000];
        let archive = zip_of(&[
            (
                "Documents/LA_UA names and codes.csv",
                b"code,name\nE1,A\n",
                Stored,
            ),
            ("User Guide/guide.txt", b"read me", Stored),
            ("Data/ONSPD_NOV_2025_UK.csv", &whole, Deflated),
            ("Data/multi_csv/ONSPD_NOV_2025_UK_LS.csv", part, Deflated),
        ]);
        let input = from_bytes(archive.clone(), "onspd.zip".into(), NO_LIMIT).unwrap();
        assert_eq!(
            input.source,
            "onspd.zip, file Data/ONSPD_NOV_2025_UK.csv (the largest of 3 CSV files inside)"
        );
        assert_eq!(input.len, Some(whole.len() as u64));
        assert_eq!(read(input).unwrap(), whole);

        // The same archive from a stream that cannot seek (standard input, a download).
        let input = unpack(
            Input {
                reader: Box::new(std::io::Cursor::new(archive)),
                len: None,
                source: "standard input".into(),
            },
            NO_LIMIT,
        )
        .unwrap();
        assert!(input
            .source
            .starts_with("standard input, file Data/ONSPD_NOV_2025_UK.csv"));
        assert_eq!(read(input).unwrap(), whole);

        // A lone CSV file is named without a count.
        let one = zip_of(&[("postcodes.csv", part, Deflated)]);
        let input = from_bytes(one, "p.zip".into(), NO_LIMIT).unwrap();
        assert_eq!(input.source, "p.zip, file postcodes.csv");
        assert_eq!(read(input).unwrap(), part);
    }

    #[test]
    fn a_damaged_or_unusable_zip_archive_fails_instead_of_ending_early() {
        // Stored, so a changed byte leaves the sizes whole and only the CRC-32 can tell.
        let whole = big_csv();
        let mut archive = zip_of(&[("data.csv", &whole, zip::CompressionMethod::Stored)]);
        let at = archive
            .windows(6)
            .position(|w| w == b"LS7 7A")
            .expect("the data is stored as it is");
        archive[at] = b'M';
        let input = from_bytes(archive, "bad.zip".into(), NO_LIMIT).unwrap();
        let error = read(input)
            .expect_err("a wrong checksum is an error")
            .to_string();
        assert!(
            error.contains("data.csv in the ZIP archive is damaged"),
            "{error}"
        );

        let no_csv = zip_of(&[
            ("a.txt", b"x", zip::CompressionMethod::Stored),
            ("b/readme.pdf", b"y", zip::CompressionMethod::Stored),
        ]);
        assert_eq!(
            refusal(from_bytes(no_csv, "x.zip".into(), NO_LIMIT)),
            "x.zip: the ZIP archive holds no .csv file (it holds a.txt, b/readme.pdf)"
        );
        let empty = zip_of(&[]);
        assert_eq!(
            refusal(from_bytes(empty, "e.zip".into(), NO_LIMIT)),
            "e.zip: the ZIP archive holds no files"
        );
        let cut = zip_of(&[("data.csv", &whole, zip::CompressionMethod::Deflated)]);
        let message = refusal(from_bytes(
            cut[..cut.len() / 2].to_vec(),
            "cut.zip".into(),
            NO_LIMIT,
        ));
        assert!(
            message.starts_with("cut.zip: is not a ZIP archive that can be read"),
            "{message}"
        );
    }

    #[test]
    fn gzip_is_decoded_and_a_cut_gzip_file_is_an_error() {
        let whole = big_csv();
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(&whole).unwrap();
        let gz = encoder.finish().unwrap();
        let input = from_bytes(gz.clone(), "p.csv.gz".into(), NO_LIMIT).unwrap();
        assert_eq!(input.source, "p.csv.gz (gzip)");
        assert_eq!(read(input).unwrap(), whole);

        let input = from_bytes(gz[..gz.len() / 2].to_vec(), "cut.csv.gz".into(), NO_LIMIT).unwrap();
        let error = read(input).expect_err("a cut file is an error").to_string();
        assert!(error.contains("the gzip file ends early"), "{error}");

        // Plain text passes through untouched.
        let input = from_bytes(whole.clone(), "p.csv".into(), NO_LIMIT).unwrap();
        assert_eq!(input.source, "p.csv");
        assert_eq!(read(input).unwrap(), whole);
    }

    #[test]
    fn a_zip_file_on_disk_is_read_where_it_is() {
        let whole = big_csv();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("onspd.zip");
        std::fs::write(
            &path,
            zip_of(&[("Data/pc.csv", &whole, zip::CompressionMethod::Deflated)]),
        )
        .unwrap();
        let location = path.to_str().unwrap();
        let input = open(location, &FetchSettings::default()).unwrap();
        assert_eq!(input.source, format!("{location}, file Data/pc.csv"));
        assert_eq!(read(input).unwrap(), whole);
    }

    #[test]
    fn what_is_decompressed_stays_within_the_limit() {
        let whole = big_csv();
        let limit = whole.len() as u64 - 1;
        let archive = zip_of(&[("big.csv", &whole, zip::CompressionMethod::Deflated)]);
        assert_eq!(
            refusal(from_bytes(archive.clone(), "big.zip".into(), limit)),
            format!(
                "big.zip: big.csv is {} bytes once decompressed, more than the limit of {limit} (IMPORT_MAX_BYTES)",
                whole.len()
            )
        );
        assert!(from_bytes(archive, "big.zip".into(), limit + 1).is_ok());

        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(&whole).unwrap();
        let gz = encoder.finish().unwrap();
        let input = from_bytes(gz.clone(), "big.csv.gz".into(), limit).unwrap();
        let error = read(input).expect_err("past the limit").to_string();
        assert_eq!(
            error,
            format!("the decompressed file is larger than the limit of {limit} bytes (IMPORT_MAX_BYTES)")
        );
        let input = from_bytes(gz, "big.csv.gz".into(), limit + 1).unwrap();
        assert_eq!(read(input).unwrap(), whole);
    }

    #[cfg(unix)]
    #[test]
    fn a_path_that_is_a_pipe_is_read_as_a_stream() {
        let whole = big_csv();
        let archive = zip_of(&[("Data/pc.csv", &whole, zip::CompressionMethod::Deflated)]);
        for (name, bytes) in [("plain", whole.clone()), ("zip", archive)] {
            let dir = tempfile::tempdir().unwrap();
            let fifo = dir.path().join(name);
            let made = std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap();
            assert!(made.success());
            let writer = {
                let fifo = fifo.clone();
                std::thread::spawn(move || std::fs::write(fifo, bytes).unwrap())
            };
            let input = open(fifo.to_str().unwrap(), &FetchSettings::default()).unwrap();
            assert_eq!(read(input).unwrap(), whole, "{name}");
            writer.join().unwrap();
        }
    }
}
