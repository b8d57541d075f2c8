//! Compressed answers: brotli or gzip, whichever the client's `Accept-Encoding` prefers, of the
//! whole answer at the compressors' usual levels (gzip 6, as the `gzip` tool uses; brotli 5).
//!
//! actix-web's own `Compress` middleware is fixed at gzip level 1, which sends a phone about a
//! third more bytes than `gzip -6` for the directory's JSON answers (docs/PERFORMANCE.md); this
//! middleware is the same idea at the usual levels. Streamed bodies pass through as they are.

use std::io::Write;

use actix_web::body::{self, BodySize, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, AcceptEncoding, ContentEncoding, Encoding, HeaderValue};
use actix_web::middleware::Next;
use actix_web::HttpMessage;

/// Smaller answers are sent as they are: compression would save less than a packet.
pub const MIN_LENGTH: u64 = 1024;
/// Larger ones too (exports): the whole answer is held in memory to be compressed.
const MAX_LENGTH: u64 = 16 * 1024 * 1024;

const GZIP_LEVEL: u32 = 6;
const BROTLI_QUALITY: u32 = 5;
const BROTLI_WINDOW_BITS: u32 = 22;

/// The encoding a request's `Accept-Encoding` prefers among brotli and gzip, if any.
pub fn chosen(req: &ServiceRequest) -> Option<ContentEncoding> {
    req.get_header::<AcceptEncoding>().and_then(|accept| {
        let offered = [Encoding::brotli(), Encoding::gzip(), Encoding::identity()];
        match accept.negotiate(offered.iter()) {
            Some(e) if e == Encoding::brotli() => Some(ContentEncoding::Brotli),
            Some(e) if e == Encoding::gzip() => Some(ContentEncoding::Gzip),
            _ => None,
        }
    })
}

/// The middleware (used with `actix_web::middleware::from_fn`).
pub async fn compress(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let chosen = chosen(&req);
    let mut res = next.call(req).await?;
    let compressible = compressible(res.headers());
    if compressible {
        res.headers_mut()
            .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    let size = res.response().body().size();
    let (Some(encoding), true, BodySize::Sized(MIN_LENGTH..=MAX_LENGTH)) =
        (chosen, compressible, size)
    else {
        return Ok(res.map_into_boxed_body());
    };
    let (req, res) = res.into_parts();
    let (mut res, body) = res.into_parts();
    let plain = body::to_bytes(body)
        .await
        .map_err(|e| actix_web::error::ErrorInternalServerError(e.into().to_string()))?;
    let packed = encode(encoding, &plain)?;
    res.headers_mut()
        .insert(header::CONTENT_ENCODING, encoding.to_header_value());
    let res = res.set_body(BoxBody::new(packed));
    Ok(ServiceResponse::new(req, res))
}

/// May this answer be compressed? Text answers (JSON, HTML, CSS, JavaScript, CSV) that are not
/// compressed already.
fn compressible(headers: &header::HeaderMap) -> bool {
    if headers.contains_key(header::CONTENT_ENCODING) {
        return false;
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    ["json", "text/", "javascript", "xml", "svg"]
        .iter()
        .any(|t| content_type.contains(t))
}

/// `plain` compressed with `encoding` (brotli or gzip).
pub fn encode(encoding: ContentEncoding, plain: &[u8]) -> std::io::Result<Vec<u8>> {
    let out = Vec::with_capacity(plain.len() / 3);
    match encoding {
        ContentEncoding::Brotli => {
            let mut w =
                brotli::CompressorWriter::new(out, 4096, BROTLI_QUALITY, BROTLI_WINDOW_BITS);
            w.write_all(plain)?;
            w.flush()?;
            Ok(w.into_inner())
        }
        _ => {
            let mut w = flate2::write::GzEncoder::new(out, flate2::Compression::new(GZIP_LEVEL));
            w.write_all(plain)?;
            w.finish()
        }
    }
}
