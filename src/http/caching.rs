//! Conditional GET for the public API: every successful answer carries an `ETag` made from the
//! directory version and the request, so a client or cache that sends it back in
//! `If-None-Match` gets `304 Not Modified` without the answer being computed again. When an
//! import changes the directory, the version (and so every tag) changes.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse};
use sha2::{Digest, Sha256};

use super::AppState;
use crate::i18n::{self, Lang};

/// How long shared caches and browsers may reuse an answer without asking again.
pub const MAX_AGE_SECS: u32 = 60;

/// The `Cache-Control` of every public answer (`MAX_AGE_SECS`; a unit test keeps them together).
const CACHE_CONTROL: &str = "public, max-age=60";

/// The weak tag of a request at a directory version: `W/"v<version>-<hash of path and query>"`,
/// the hash being the first eight bytes of the SHA-256 of `path?query` in hex. An answer in
/// Welsh is another representation, so its tag ends `-cy`.
pub fn etag(version: i64, lang: Lang, path: &str, query: &str) -> HeaderValue {
    let mut hasher = Sha256::new();
    hasher.update(path.as_bytes());
    hasher.update(b"?");
    hasher.update(query.as_bytes());
    let digest = hasher.finalize();
    let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let suffix = match lang {
        Lang::En => String::new(),
        other => format!("-{}", other.code()),
    };
    HeaderValue::from_str(&format!("W/\"v{version}-{hash}{suffix}\""))
        .expect("a tag is visible ASCII")
}

/// Does an `If-None-Match` header name this tag? (Weak comparison, as RFC 9110 asks for GET.)
pub fn matches(if_none_match: &str, tag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_string();
    let tag = bare(tag);
    if_none_match
        .split(',')
        .any(|candidate| candidate.trim() == "*" || bare(candidate) == tag)
}

fn is_public_api(req: &ServiceRequest) -> bool {
    (req.method() == Method::GET || req.method() == Method::HEAD)
        && super::hardening::public_api(req.path())
}

/// The middleware (used with `actix_web::middleware::from_fn`).
pub async fn conditional_get(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let version = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.directory.snapshot().version);
    let (Some(version), true) = (version, is_public_api(&req)) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let tag = etag(version, i18n::current(), req.path(), req.query_string());
    let cache_control = HeaderValue::from_static(CACHE_CONTROL);
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| matches(v, tag.to_str().expect("a tag is ASCII")));
    if fresh {
        let response = HttpResponse::NotModified()
            .insert_header((header::ETAG, tag))
            .insert_header((header::CACHE_CONTROL, cache_control))
            .finish();
        return Ok(req.into_response(response));
    }
    let mut res = next.call(req).await?;
    if res.status() == StatusCode::OK {
        let headers = res.headers_mut();
        headers.insert(header::ETAG, tag);
        headers.insert(header::CACHE_CONTROL, cache_control);
    }
    Ok(res.map_into_boxed_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(version: i64, path: &str, query: &str) -> String {
        etag(version, Lang::En, path, query)
            .to_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn each_language_has_its_own_tag() {
        let en = tag(3, "/api/v1/treatment", "");
        let cy = etag(3, Lang::Cy, "/api/v1/treatment", "");
        assert_eq!(
            cy.to_str().unwrap(),
            format!("{}-cy\"", en.trim_end_matches('"'))
        );
        assert!(!matches(&en, cy.to_str().unwrap()));
    }

    #[test]
    fn tags_change_with_version_and_request() {
        let a = tag(3, "/api/v1/centres", "kind=tya_unit");
        assert_eq!(a, tag(3, "/api/v1/centres", "kind=tya_unit"));
        assert_ne!(a, tag(4, "/api/v1/centres", "kind=tya_unit"));
        assert_ne!(a, tag(3, "/api/v1/centres", "kind=cancer_centre"));
        assert!(a.starts_with("W/\"v3-"));
        assert!(tag(-1, "/", "").starts_with("W/\"v-1-"));
        assert!(tag(i64::MIN, "/", "").starts_with(&format!("W/\"v{}-", i64::MIN)));
    }

    #[test]
    fn tags_are_the_first_eight_bytes_of_the_sha256_in_hex() {
        let digest = Sha256::digest(b"/api/v1/centres/nearest?postcode=LS9");
        let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            tag(7, "/api/v1/centres/nearest", "postcode=LS9"),
            format!("W/\"v7-{hex}\"")
        );
        // Leading zero bytes keep their digits.
        let t = tag(1, "/a", "b");
        assert_eq!(t.len(), "W/\"v1-\"".len() + 16, "{t}");
    }

    #[test]
    fn cache_control_says_max_age_secs() {
        assert_eq!(CACHE_CONTROL, format!("public, max-age={MAX_AGE_SECS}"));
    }

    #[test]
    fn if_none_match_lists_and_weak_tags() {
        let tag = tag(1, "/x", "");
        assert!(matches(&tag, &tag));
        assert!(matches(&format!("\"other\", {tag}"), &tag));
        assert!(matches(&tag.replace("W/", ""), &tag));
        assert!(matches("*", &tag));
        assert!(!matches("\"other\"", &tag));
    }
}
