//! The HTTP service: application state, the route list, and a server that binds its own
//! listener (so tests can start it on port 0).

pub mod admin;
mod api;
pub mod caching;
pub mod compression;
pub mod error;
mod hardening;
mod nearest;
pub mod openapi;
pub(crate) mod params;
mod ratelimit;
mod referral;

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::{middleware, web, App, HttpServer};

use crate::config::Settings;
use crate::db::Database;
use crate::geocode::Geocoder;
use crate::index::Directory;

/// What every handler can reach.
pub struct AppState {
    pub db: Database,
    pub directory: Arc<Directory>,
    pub settings: Settings,
    pub geocoder: Geocoder,
    /// Held while an import runs in this process (a second one gets 409 at once).
    pub import_lock: tokio::sync::Mutex<()>,
}

/// Every route of the service.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(api::healthz)
        .service(api::readyz)
        .service(nearest::nearest)
        .service(nearest::geocode)
        .service(referral::referral)
        .service(api::list_centres)
        .service(api::get_centre)
        .service(api::list_registries)
        .service(api::registry_statistics)
        .service(api::get_registry)
        .service(api::list_treatment)
        .service(api::get_treatment)
        .service(admin::import_dataset)
        .service(admin::rollback)
        .service(admin::history)
        .service(metrics_text)
        .service(openapi::openapi_json)
        .service(openapi::docs_redirect)
        .service(openapi::swagger_ui());
}

/// The application state as a handler argument. It is reached through the request each time,
/// so taking it touches no reference count shared between worker threads (extracting
/// `web::Data` clones an `Arc` that every worker writes at once).
pub struct State(actix_web::HttpRequest);

impl actix_web::FromRequest for State {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, actix_web::Error>>;

    fn from_request(req: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(match req.app_data::<web::Data<AppState>>() {
            Some(_) => Ok(State(req.clone())),
            None => Err(actix_web::error::ErrorInternalServerError(
                "the application state is not registered",
            )),
        })
    }
}

impl std::ops::Deref for State {
    type Target = AppState;
    fn deref(&self) -> &AppState {
        self.0
            .app_data::<web::Data<AppState>>()
            .expect("checked when extracted")
    }
}

/// A running server and the port it listens on.
pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    /// Bind the listener and build the server (it runs when awaited).
    pub fn build(
        settings: Settings,
        db: Database,
        directory: Arc<Directory>,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind(settings.bind)?;
        let port = listener.local_addr()?.port();
        let geocoder = Geocoder::from_setting(&settings.geocoder);
        let state = web::Data::new(AppState {
            db,
            directory,
            settings,
            geocoder,
            import_lock: tokio::sync::Mutex::new(()),
        });
        crate::metrics::install();
        let (limiting, limiter) = ratelimit::config(state.settings.rate_limit.as_ref());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(web::PathConfig::default().error_handler(|err, _| {
                    error::ApiError::BadRequest {
                        parameter: None,
                        detail: err.to_string(),
                    }
                    .into()
                }))
                .wrap(middleware::from_fn(caching::conditional_get))
                .wrap(middleware::Condition::new(
                    limiting,
                    actix_governor::Governor::new(&limiter),
                ))
                .wrap(middleware::from_fn(compression::compress))
                .wrap(middleware::from_fn(track))
                .wrap(middleware::from_fn(hardening::harden))
                .configure(routes)
                .configure(crate::web::routes)
                .default_service(web::to(not_found))
        })
        // An answer written in more than one piece (a streamed body, or the headers first) would
        // otherwise wait for the client's delayed ACK: about 40 ms a request, measured when
        // actix's Compress middleware still wrote gzip as chunks (docs/PERFORMANCE.md).
        .tcp_nodelay(true)
        .client_request_timeout(Duration::from_secs(10))
        .shutdown_timeout(10)
        .listen(listener)?
        .run();
        Ok(Self { port, server })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// A handle that stops the server gracefully.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    pub async fn run(self) -> std::io::Result<()> {
        self.server.await
    }
}

async fn not_found(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
) -> Result<actix_web::HttpResponse, error::ApiError> {
    // A known path asked with another method: 405 with the methods it answers.
    if let Some(pattern) = req.match_pattern() {
        let allow = openapi::methods_of(&pattern).unwrap_or("GET, HEAD");
        return Err(error::ApiError::MethodNotAllowed {
            detail: format!(
                "{} is not answered at {pattern}; use {}",
                req.method(),
                allow.replace(", ", " or ")
            ),
            allow: allow.to_string(),
        });
    }
    let wants_html = req
        .headers()
        .get(actix_web::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    if wants_html && !req.path().starts_with("/api/") {
        return Ok(crate::web::not_found_page(
            state.directory.snapshot().version,
        ));
    }
    Err(error::ApiError::NotFound(format!(
        "there is nothing at {}; see /docs for the API",
        params::shorten(req.path())
    )))
}

/// Above this, an answer's views are many and alike, and compressing the whole answer, across
/// them, makes it much smaller than copying each view's own compressed form: the list of all
/// 100 shipped centres is 35 kB that way against 66 kB in pieces.
const GZIP_PIECES_MAX: usize = 24 * 1024;

/// A `200` JSON answer. A client that accepts gzip gets it compressed: up to
/// [`GZIP_PIECES_MAX`], with the shared views' compressed forms copied in rather than
/// compressed again ([`crate::gzip`]); a larger answer is left to the gzip middleware, which
/// compresses it whole. Otherwise it is plain, serialised into a buffer of `capacity` bytes
/// (large answers would otherwise be copied as the buffer grows).
pub(crate) fn json_answer<T: serde::Serialize>(
    req: &actix_web::HttpRequest,
    value: &T,
    capacity: usize,
) -> actix_web::HttpResponse {
    json_answer_written(req, value, capacity, |body| {
        serde_json::to_writer(body, value)
    })
}

/// [`json_answer`] for an answer that writes its own plain JSON (`write`, the same bytes
/// serde_json writes for it); the gzip answer is still written through serde, which is how
/// the views' compressed forms are found.
pub(crate) fn json_answer_written<T: serde::Serialize>(
    req: &actix_web::HttpRequest,
    value: &T,
    capacity: usize,
    write: impl FnOnce(&mut Vec<u8>) -> Result<(), serde_json::Error>,
) -> actix_web::HttpResponse {
    use actix_web::http::header;
    let internal = |e: serde_json::Error| {
        actix_web::ResponseError::error_response(&error::ApiError::Internal(e.into()))
    };
    if compression::wants_gzip(req.headers()) {
        match crate::gzip::to_gzip_json(value) {
            Ok((gz, plain_len))
                if (compression::MIN_LENGTH..=GZIP_PIECES_MAX).contains(&plain_len) =>
            {
                return actix_web::HttpResponse::Ok()
                    .content_type(header::ContentType::json())
                    .insert_header((header::CONTENT_ENCODING, "gzip"))
                    .insert_header((header::VARY, "accept-encoding"))
                    .body(gz)
            }
            Ok(_) => {}
            Err(e) => return internal(e),
        }
    }
    let mut body = body_buffer::take(capacity);
    match write(&mut body) {
        Ok(()) => actix_web::HttpResponse::Ok()
            .content_type(header::ContentType::json())
            .body(body_buffer::into_bytes(body)),
        Err(e) => internal(e),
    }
}

/// Buffers for answer bodies, kept by each worker thread and used again once the answer has
/// been sent: an answer of 14 kB would otherwise cost an allocation and a release of its size
/// (and glibc's allocator tidies its lists of small free blocks before each large allocation).
mod body_buffer {
    use std::cell::RefCell;

    use actix_web::web::Bytes;

    /// How many buffers a thread keeps, and the largest it keeps (a large export's is freed).
    const KEPT: usize = 8;
    const KEPT_CAPACITY_MAX: usize = 256 * 1024;

    thread_local! {
        static FREE: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
    }

    /// An empty buffer with room for at least `capacity` bytes.
    pub fn take(capacity: usize) -> Vec<u8> {
        let mut buffer = FREE
            .try_with(|free| free.borrow_mut().pop())
            .ok()
            .flatten()
            .unwrap_or_default();
        buffer.reserve(capacity);
        buffer
    }

    /// The buffer as a body; it goes back to the thread that drops the body (the worker that
    /// sent it).
    pub fn into_bytes(buffer: Vec<u8>) -> Bytes {
        Bytes::from_owner(Kept(buffer))
    }

    struct Kept(Vec<u8>);

    impl AsRef<[u8]> for Kept {
        fn as_ref(&self) -> &[u8] {
            &self.0
        }
    }

    impl Drop for Kept {
        fn drop(&mut self) {
            let mut buffer = std::mem::take(&mut self.0);
            if buffer.capacity() > KEPT_CAPACITY_MAX {
                return;
            }
            buffer.clear();
            // During the thread's own teardown the list may be gone: the buffer is freed.
            let _ = FREE.try_with(|free| {
                let mut free = free.borrow_mut();
                if free.len() < KEPT {
                    free.push(buffer);
                }
            });
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn a_sent_body_is_used_again_and_keeps_its_bytes_until_then() {
            let mut first = take(1000);
            first.extend_from_slice(b"{\"answer\":1}");
            let at = first.as_ptr();
            let body = into_bytes(first);
            let copy = body.clone();
            drop(body);
            // Still held by a clone: not handed out again, and unchanged.
            let other = take(10);
            assert_ne!(other.as_ptr(), at);
            assert_eq!(&copy[..], b"{\"answer\":1}");
            drop(copy);
            let again = take(10);
            assert_eq!(again.as_ptr(), at);
            assert!(again.is_empty() && again.capacity() >= 1000);
        }

        fn kept() -> usize {
            FREE.with(|free| free.borrow().len())
        }

        #[test]
        fn large_buffers_are_not_kept_and_few_are() {
            let mut big = take(KEPT_CAPACITY_MAX + 1);
            big.push(1);
            drop(into_bytes(big));
            assert_eq!(kept(), 0);
            let bodies: Vec<Bytes> = (0..KEPT + 3).map(|_| into_bytes(take(100))).collect();
            drop(bodies);
            assert_eq!(kept(), KEPT);
        }
    }
}

/// `GET /metrics`: Prometheus text.
#[actix_web::get("/metrics")]
async fn metrics_text(state: web::Data<AppState>) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .insert_header(("Cache-Control", "no-store"))
        .body(crate::metrics::render(state.directory.snapshot().version))
}

/// Answer HEAD as GET. Count every request by its route pattern, method and status, with its
/// latency, and write one log line for it at `info` (status, method, route pattern, time).
/// Never the query string or the raw path, which may hold a user's postcode. The route is
/// matched once, after the answer, and the line is formatted only when `info` is enabled.
async fn track(
    req: actix_web::dev::ServiceRequest,
    next: middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let started = std::time::Instant::now();
    let mut req = req;
    let method = req.method().clone();
    // HEAD is answered as GET; the connection sends the headers without the body.
    if method == actix_web::http::Method::HEAD {
        req.head_mut().method = actix_web::http::Method::GET;
    }
    let res = next.call(req).await?;
    let elapsed = started.elapsed();
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "(unmatched)".to_string());
    let status = res.status().as_u16();
    if tracing::enabled!(target: "access", tracing::Level::INFO) {
        tracing::info!(
            target: "access",
            "{status} {method} {route} {:.3}ms",
            elapsed.as_secs_f64() * 1000.0
        );
    }
    crate::metrics::request(route, method.as_str(), status, elapsed);
    Ok(res)
}
