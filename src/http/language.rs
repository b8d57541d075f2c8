//! Which language a request is answered in, and the headers that say so.
//!
//! Pages take it from their path (`/cy/...` is Welsh). The API takes `lang=en|cy` (removed from
//! the query before the endpoint reads its parameters) or else `Accept-Language`, and answers
//! with `Content-Language` and `Vary: Accept-Language`. The request is then handled inside
//! [`i18n::scope`], so everything said while answering it is in that language.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::Uri;
use actix_web::middleware::Next;
use actix_web::ResponseError;

use super::error::ApiError;
use crate::i18n::{self, Lang};

/// Is this a machine-readable answer, whose language a client negotiates?
fn is_api(path: &str) -> bool {
    path.starts_with("/api/") || super::hardening::public_api(path)
}

/// The request's `lang` parameter (the first, decoded), and the query string without any
/// `lang` (the other parameters exactly as sent).
fn take_lang(query: &str) -> (Option<String>, String) {
    let mut lang = None;
    let mut others = Vec::new();
    for piece in query.split('&').filter(|p| !p.is_empty()) {
        let (key, _) = piece.split_once('=').unwrap_or((piece, ""));
        match form_urlencoded::parse(piece.as_bytes()).next() {
            Some((k, v)) if k == "lang" => {
                lang.get_or_insert(v.into_owned());
            }
            _ if key == "lang" => {}
            _ => others.push(piece),
        }
    }
    match lang {
        Some(lang) => (Some(lang), others.join("&")),
        None => (None, query.to_string()),
    }
}

/// The middleware (used with `actix_web::middleware::from_fn`).
pub async fn language(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let path = req.path().to_string();
    let api = is_api(&path);
    let lang = if api {
        let (asked, rest) = take_lang(req.query_string());
        match asked {
            Some(raw) => {
                let Some(lang) = Lang::parse(&raw).filter(|_| raw.len() <= 8) else {
                    let problem = ApiError::bad_parameter(
                        "lang",
                        format!(
                            "lang '{}' is not a language this service speaks; allowed: en, cy",
                            super::params::shorten(&raw)
                        ),
                    );
                    return Ok(req.into_response(problem.error_response()));
                };
                let target = if rest.is_empty() {
                    path.clone()
                } else {
                    format!("{path}?{rest}")
                };
                if let Ok(uri) = target.parse::<Uri>() {
                    req.head_mut().uri = uri;
                }
                lang
            }
            None => req
                .headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map_or(Lang::En, Lang::negotiate),
        }
    } else {
        Lang::of_page_path(&path)
    };
    // Handlers and extractors turn their problems into answers inside the scope; an error
    // a middleware passes up is answered by the server (in English).
    let mut res = i18n::scope(lang, async move { next.call(req).await })
        .await?
        .map_into_boxed_body();
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.tag()),
    );
    if api {
        // One Vary header listing every field (CORS, outside, reads just one).
        let vary = match headers.get(header::VARY).and_then(|v| v.to_str().ok()) {
            Some(existing) if !existing.is_empty() => format!("{existing}, Accept-Language"),
            _ => "Accept-Language".to_string(),
        };
        if let Ok(value) = HeaderValue::from_str(&vary) {
            headers.insert(header::VARY, value);
        }
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_is_taken_from_the_query_and_the_rest_kept() {
        assert_eq!(
            take_lang("q=Leeds&lang=cy&limit=3"),
            (Some("cy".into()), "q=Leeds&limit=3".into())
        );
        assert_eq!(take_lang("lang=en"), (Some("en".into()), String::new()));
        assert_eq!(take_lang("q=Leeds"), (None, "q=Leeds".into()));
        assert_eq!(take_lang("q=a%26b"), (None, "q=a%26b".into()));
        assert_eq!(
            take_lang("language=cy&lang=cy-GB"),
            (Some("cy-GB".into()), "language=cy".into())
        );
    }
}
