//! Response hardening for every route: security headers, a Content-Security-Policy on pages
//! (no inline scripts anywhere), CORS open only for the public GET API, and a cap on the length
//! of the request target (414).

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{HttpResponse, ResponseError};

use super::error::ApiError;

/// The longest request target (path and query string) accepted.
pub const MAX_URI_BYTES: usize = 2048;

/// The pages' policy: everything from this origin only, nothing framed, no inline script.
const PAGE_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'";
/// Swagger UI styles some elements from its own script.
const DOCS_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; object-src 'none'; frame-ancestors 'none'";

fn public_api(path: &str) -> bool {
    path.starts_with("/api/") && !path.starts_with("/api/v1/imports")
}

/// The middleware (used with `actix_web::middleware::from_fn`).
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
    let path = req.path().to_string();
    let method = req.method().clone();
    if method == Method::OPTIONS && public_api(&path) {
        let response = HttpResponse::NoContent()
            .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
            .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, "GET, HEAD, OPTIONS"))
            .insert_header((
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                "Accept, If-None-Match, Content-Type",
            ))
            .insert_header((header::ACCESS_CONTROL_MAX_AGE, "600"))
            .finish();
        return Ok(req.into_response(response));
    }
    let mut res = next.call(req).await?.map_into_boxed_body();
    let headers = res.headers_mut();
    let set = |headers: &mut header::HeaderMap, name: HeaderName, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(
        headers,
        header::REFERRER_POLICY,
        "strict-origin-when-cross-origin",
    );
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        let csp = if path.starts_with("/docs") {
            DOCS_CSP
        } else {
            PAGE_CSP
        };
        set(headers, header::CONTENT_SECURITY_POLICY, csp);
    }
    if (method == Method::GET || method == Method::HEAD) && public_api(&path) {
        set(headers, header::ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        set(headers, header::ACCESS_CONTROL_EXPOSE_HEADERS, "ETag");
    }
    Ok(res)
}
