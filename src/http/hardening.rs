//! Response hardening for every route: security headers, a Content-Security-Policy on pages
//! (no inline scripts anywhere), CORS open only for the public GET API, and a cap on the length
//! of the request target (414).

use actix_cors::Cors;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{DefaultHeaders, Next};
use actix_web::ResponseError;

use super::error::ApiError;

/// The longest request target (path and query string) accepted.
pub const MAX_URI_BYTES: usize = 2048;

/// The pages' policy: everything from this origin only, nothing framed, no inline script.
const PAGE_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'";
/// Swagger UI styles some elements from its own script.
const DOCS_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; object-src 'none'; frame-ancestors 'none'";

/// Is this the public, read-only API (open to other origins)?
pub fn public_api(path: &str) -> bool {
    (path.starts_with("/api/") && !path.starts_with("/api/v1/imports"))
        || path == "/fhir"
        || path.starts_with("/fhir/")
        || path == "/oruk"
        || path.starts_with("/oruk/")
}

/// Headers every answer carries.
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "strict-origin-when-cross-origin"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
}

/// Other origins may read the public API (GET and HEAD), never the admin API.
pub fn cors() -> Cors {
    Cors::default()
        // Open Referral UK answers carry `*` instead (see `harden`).
        .allowed_origin_fn(|_, request| {
            public_api(request.uri.path()) && !request.uri.path().starts_with("/oruk")
        })
        .allowed_methods(["GET", "HEAD", "OPTIONS"])
        .allowed_headers([
            header::ACCEPT,
            header::ACCEPT_LANGUAGE,
            header::IF_NONE_MATCH,
            header::CONTENT_TYPE,
        ])
        .expose_headers([header::ETAG])
        .max_age(600)
}

/// The middleware (used with `actix_web::middleware::from_fn`): refuse an overlong request
/// target, give HTML answers their Content-Security-Policy, and Open Referral UK answers
/// `Access-Control-Allow-Origin: *`.
pub async fn harden(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let target_len = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    if target_len > MAX_URI_BYTES {
        let problem = ApiError::UriTooLong(format!(
            "the request target is {target_len} bytes; at most {MAX_URI_BYTES} are accepted"
        ));
        return Ok(req.into_response(problem.error_response()));
    }
    let docs = req.path().starts_with("/docs");
    let open_referral = req.path() == "/oruk" || req.path().starts_with("/oruk/");
    let mut res = next.call(req).await?.map_into_boxed_body();
    let headers = res.headers_mut();
    // Open Referral UK answers are for any origin, errors included, as the profile asks.
    if open_referral {
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
    }
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        let csp = if docs { DOCS_CSP } else { PAGE_CSP };
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        );
    }
    Ok(res)
}
