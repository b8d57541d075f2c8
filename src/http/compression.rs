//! gzip for clients that ask for it (every browser does), done in the request's own thread.
//!
//! actix-web's `Compress` middleware hands every body of a kilobyte or more to the blocking
//! thread pool, builds a new compressor (about 300 kB of state, zeroed) for each answer and
//! writes the result as chunks after the headers. Our answers are complete before they are
//! sent, so here each worker thread keeps one gzip compressor and resets it between answers, and
//! the compressed answer goes out with its length in one write (bodies over 64 kB are compressed
//! on the blocking pool instead). Bodies that are streamed, already encoded, small or not text
//! pass through untouched. The nearest, referral and list answers up to 24 kB arrive here
//! already compressed, with their shared parts compressed once per snapshot ([`crate::gzip`]).

use std::cell::RefCell;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use flate2::{Compress, Compression, FlushCompress};

/// Below this, gzip saves too little to be worth its time.
pub(crate) const MIN_LENGTH: usize = 1024;
/// Above this (the API documentation's scripts, a large export), compressing takes
/// milliseconds, so it is done on the blocking thread pool rather than holding up the worker.
const INLINE_MAX: usize = 64 * 1024;

/// Does this `Accept-Encoding` value accept gzip? (`gzip`, `x-gzip` or `*`, with a `q` above 0;
/// an explicit `gzip;q=0` refuses it even when `*` is accepted.)
pub fn accepts_gzip(accept_encoding: &str) -> bool {
    let mut star = false;
    for item in accept_encoding.split(',') {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| {
                let (k, v) = p.split_once('=')?;
                (k.trim().eq_ignore_ascii_case("q")).then(|| v.trim().parse::<f32>().ok())?
            })
            .next()
            .unwrap_or(1.0);
        match coding.as_str() {
            "gzip" | "x-gzip" => return q > 0.0,
            "*" => star = q > 0.0,
            _ => {}
        }
    }
    star
}

/// Does this request accept gzip?
pub fn wants_gzip(headers: &header::HeaderMap) -> bool {
    headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(accepts_gzip)
}

/// Text worth compressing: JSON (plain, problem, GeoJSON), HTML, CSS, JavaScript, CSV, plain.
fn compressible(content_type: &str) -> bool {
    let has = |needle: &str| {
        content_type
            .as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
    };
    content_type
        .get(..5)
        .is_some_and(|t| t.eq_ignore_ascii_case("text/"))
        || has("json")
        || has("javascript")
}

thread_local! {
    static GZIP: RefCell<Compress> = RefCell::new(Compress::new_gzip(Compression::fast(), 15));
}

/// `body` as one gzip member, with this thread's compressor.
pub fn gzip(body: &[u8]) -> Vec<u8> {
    GZIP.with(|cell| {
        let mut z = cell.borrow_mut();
        z.reset();
        let mut out = Vec::with_capacity(body.len() / 2 + 64);
        crate::gzip::deflate(&mut z, body, &mut out, FlushCompress::Finish);
        out
    })
}

/// The middleware (used with `actix_web::middleware::from_fn`).
pub async fn compress(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let wants_gzip = wants_gzip(req.headers());
    let mut res = next.call(req).await?.map_into_boxed_body();
    let eligible = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(compressible)
        && !res.headers().contains_key(header::CONTENT_ENCODING);
    if !eligible {
        return Ok(res);
    }
    // The answer depends on Accept-Encoding whether or not this one is compressed.
    res.headers_mut()
        .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    if !wants_gzip {
        return Ok(res);
    }
    let (req, response) = res.into_parts();
    let (mut head, body) = response.into_parts();
    let body = match body.try_into_bytes() {
        Ok(bytes) if bytes.len() >= MIN_LENGTH => {
            let packed = if bytes.len() <= INLINE_MAX {
                gzip(&bytes)
            } else {
                actix_web::web::block(move || gzip(&bytes)).await?
            };
            head.headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            BoxBody::new(packed)
        }
        Ok(bytes) => BoxBody::new(bytes),
        Err(streamed) => streamed,
    };
    Ok(ServiceResponse::new(req, head.set_body(body)))
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn accept_encoding_is_read_with_q_values() {
        assert!(accepts_gzip("gzip"));
        assert!(accepts_gzip("gzip, deflate, br, zstd"));
        assert!(accepts_gzip("br;q=1.0, GZIP;q=0.5"));
        assert!(accepts_gzip("*"));
        assert!(accepts_gzip("x-gzip"));
        assert!(!accepts_gzip("gzip;q=0"));
        assert!(!accepts_gzip("*, gzip;q=0"));
        assert!(!accepts_gzip("br, deflate"));
        assert!(!accepts_gzip("identity"));
        assert!(!accepts_gzip("*;q=0"));
        assert!(!accepts_gzip(""));
    }

    #[test]
    fn text_is_compressible_and_binary_is_not() {
        for ct in [
            "application/json",
            "application/problem+json",
            "application/geo+json",
            "text/html; charset=utf-8",
            "TEXT/CSV",
            "application/javascript",
        ] {
            assert!(compressible(ct), "{ct}");
        }
        for ct in [
            "image/png",
            "font/woff2",
            "application/octet-stream",
            "text",
        ] {
            assert!(!compressible(ct), "{ct}");
        }
    }

    #[test]
    fn gzip_round_trips_and_the_compressor_is_reused() {
        let long: Vec<u8> = br#"{"centre": "Teenage and young adult unit", "town": "Leeds"}"#
            .iter()
            .copied()
            .cycle()
            .take(200_000)
            .collect();
        for body in [&b"short"[..], &long[..], &b""[..], &long[..1500]] {
            let packed = gzip(body);
            let mut unpacked = Vec::new();
            flate2::read::GzDecoder::new(&packed[..])
                .read_to_end(&mut unpacked)
                .unwrap();
            assert_eq!(unpacked, body);
        }
        assert!(gzip(&long).len() < long.len() / 20);
    }
}
