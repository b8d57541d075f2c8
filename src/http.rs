//! The HTTP service: application state, the route list, and a server that binds its own
//! listener (so tests can start it on port 0).

pub mod admin;
mod answer_cache;
mod api;
mod bulk;
pub mod caching;
mod compression;
pub mod error;
mod fhir;
mod hardening;
mod language;
pub(crate) mod nearest;
pub mod openapi;
mod oruk;
pub mod pages;
pub(crate) mod params;
mod places;
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
    /// Public answers as sent, for questions asked again.
    answers: answer_cache::AnswerCache,
}

/// Every route of the service.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(api::healthz)
        .service(api::readyz)
        .service(nearest::nearest)
        .service(nearest::geocode)
        .service(bulk::nearest_bulk)
        .service(places::places)
        .service(fhir::metadata)
        .service(fhir::read)
        .service(fhir::search)
        .service(oruk::about)
        .service(oruk::about_bare)
        .service(oruk::services)
        .service(oruk::service)
        .service(oruk::service_at_locations)
        .service(oruk::taxonomy_terms)
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
        .service(admin::data_health)
        .service(metrics_text)
        .service(openapi::openapi_json)
        .service(openapi::docs_redirect)
        .service(openapi::swagger_ui())
        .configure(pages::routes)
        // The same pages in Welsh.
        .service(web::resource("/cy").get(pages::welsh_home))
        .service(web::scope("/cy").configure(pages::routes))
        .service(pages::site_css)
        .service(pages::site_js)
        .service(pages::favicon_svg)
        .service(pages::favicon_ico)
        .service(pages::robots);
}

/// Read a query string as the nearest endpoint does, up to the question it asks (for the fuzz
/// target of the query-string reader).
#[cfg(feature = "fuzzing")]
pub fn check_nearest_query(query: &str) -> Result<(), error::ApiError> {
    let q: nearest::NearestQuery = params::read(query)?;
    nearest::NearestRequest::try_from(q).map(|_| ())
}

/// The application state as a handler argument.
pub type State = web::Data<AppState>;

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
        let answers = answer_cache::AnswerCache::new(settings.answer_cache_bytes);
        let state = web::Data::new(AppState {
            db,
            directory,
            settings,
            geocoder,
            import_lock: tokio::sync::Mutex::new(()),
            answers,
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
                .wrap(middleware::from_fn(compression::compress))
                .wrap(middleware::from_fn(answer_cache::answer_cache))
                .wrap(middleware::from_fn(caching::conditional_get))
                .wrap(middleware::Condition::new(
                    limiting,
                    actix_governor::Governor::new(&limiter),
                ))
                .wrap(middleware::from_fn(language::language))
                .wrap(middleware::from_fn(track))
                .wrap(hardening::cors())
                .wrap(hardening::security_headers())
                .wrap(middleware::from_fn(hardening::harden))
                .configure(routes)
                .default_service(web::to(not_found))
        })
        // An answer written in pieces would otherwise wait for the client's delayed ACK.
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
        return Ok(pages::not_found_page(
            &req,
            state.directory.snapshot().version,
        ));
    }
    Err(error::ApiError::NotFound(crate::tr!(
        "error-nothing-here",
        path = params::shorten(req.path())
    )))
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
