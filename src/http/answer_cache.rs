//! A small cache of whole public API answers, as sent (compressed or not), keyed by what their
//! `ETag` is made of: the directory version, the path and query, and the encoding chosen. A
//! question asked again (the same postcode district or town, a page reloaded) is answered
//! without being built, serialised or compressed again. An import changes the version, so an
//! answer is never served from an older directory; an answer is kept no longer than the
//! `max-age` every public answer already allows any cache (an answer that needed the online
//! geocoder is asked again after that), and the least used make way for new ones.

use actix_web::body::{self, BodySize, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::HeaderMap;
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes};
use actix_web::HttpResponse;
use quick_cache::sync::Cache;
use std::time::{Duration, Instant};

use super::AppState;
use crate::i18n::Lang;

/// How long an answer is kept: as long as clients and shared caches may keep it.
const MAX_AGE: Duration = Duration::from_secs(super::caching::MAX_AGE_SECS as u64);
/// Larger answers (long lists, exports) are not kept.
const LARGEST_BYTES: u64 = 256 * 1024;

/// What identifies an answer: directory version, encoding (`br`, `gzip` or empty), language,
/// path and query.
type Key = (i64, &'static str, Lang, String);

/// An answer as sent: its body and its headers (content type and encoding, `Vary`, a file
/// name for a download).
#[derive(Clone)]
struct Kept {
    made: Instant,
    body: Bytes,
    headers: HeaderMap,
}

#[derive(Clone)]
struct BySize;

impl quick_cache::Weighter<Key, Kept> for BySize {
    fn weight(&self, key: &Key, kept: &Kept) -> u64 {
        (key.3.len() + kept.body.len() + 64) as u64
    }
}

/// The answers kept by one server (none when its capacity is 0).
pub struct AnswerCache(Option<Cache<Key, Kept, BySize>>);

impl AnswerCache {
    pub fn new(capacity_bytes: u64) -> Self {
        let estimated_items = (capacity_bytes / 8192).max(16) as usize;
        Self(
            (capacity_bytes > 0)
                .then(|| Cache::with_weighter(estimated_items, capacity_bytes, BySize)),
        )
    }
}

/// The middleware (used with `actix_web::middleware::from_fn`): inside the conditional GET
/// (which answers 304 first and adds the `ETag`), outside compression.
pub async fn answer_cache(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // The JSON API only: FHIR and ORUK answers hold links made from the Host the client used.
    let cacheable = (req.method() == Method::GET || req.method() == Method::HEAD)
        && super::hardening::public_api(req.path())
        && req.path().starts_with("/api/");
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let (Some(state), true) = (state, cacheable) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let Some(answers) = &state.answers.0 else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let encoding = super::compression::chosen(&req).map_or("", |e| e.as_str());
    let key: Key = (
        state.directory.snapshot().version,
        encoding,
        crate::i18n::current(),
        req.uri()
            .path_and_query()
            .map_or_else(String::new, |p| p.as_str().to_string()),
    );
    let fresh = |kept: &Kept| kept.made.elapsed() < MAX_AGE;
    if let Some(kept) = answers.get(&key).filter(fresh) {
        let mut response = HttpResponse::Ok().body(kept.body);
        *response.headers_mut() = kept.headers;
        return Ok(req.into_response(response));
    }
    let res = next.call(req).await?;
    let size = res.response().body().size();
    let keep =
        res.status() == StatusCode::OK && matches!(size, BodySize::Sized(n) if n <= LARGEST_BYTES);
    if !keep {
        return Ok(res.map_into_boxed_body());
    }
    let (req, res) = res.into_parts();
    let (res, body) = res.into_parts();
    let body = body::to_bytes(body)
        .await
        .map_err(|e| actix_web::error::ErrorInternalServerError(e.into().to_string()))?;
    answers.insert(
        key,
        Kept {
            made: Instant::now(),
            body: body.clone(),
            headers: res.headers().clone(),
        },
    );
    Ok(ServiceResponse::new(req, res.set_body(BoxBody::new(body))))
}
