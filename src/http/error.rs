//! The one API error type: every status code the API answers with is decided here.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::dataset::table::RowError;
use crate::geocode::PlaceSummary;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A query parameter or body the client can fix.
    #[error("{detail}")]
    BadRequest {
        parameter: Option<String>,
        detail: String,
    },
    #[error("{0}")]
    NotFound(String),
    /// A place name we do not know, with places spelt nearly like it.
    #[error("{detail}")]
    UnknownPlace {
        detail: String,
        suggestions: Vec<PlaceSummary>,
    },
    #[error("{detail}")]
    Unprocessable {
        detail: String,
        errors: Vec<RowError>,
    },
    /// A known path asked with a method it does not answer; `allow` lists those it does.
    #[error("{detail}")]
    MethodNotAllowed { detail: String, allow: String },
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    UriTooLong(String),
    #[error("the service is not ready: {0}")]
    Unavailable(String),
    /// A fault of ours: logged with its cause, answered opaquely.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    /// The HTTP status in words, in the language asked for.
    pub fn title(&self) -> String {
        crate::tr!(match self {
            Self::BadRequest { .. } => "problem-bad-request",
            Self::NotFound(_) | Self::UnknownPlace { .. } => "problem-not-found",
            Self::MethodNotAllowed { .. } => "problem-method-not-allowed",
            Self::Unprocessable { .. } => "problem-unprocessable",
            Self::Conflict(_) => "problem-conflict",
            Self::Unauthorized(_) => "problem-unauthorized",
            Self::PayloadTooLarge(_) => "problem-payload-too-large",
            Self::UnsupportedMediaType(_) => "problem-unsupported-media-type",
            Self::UriTooLong(_) => "problem-uri-too-long",
            Self::Unavailable(_) => "problem-unavailable",
            Self::Internal(_) => "problem-internal",
        })
    }

    pub fn bad_parameter(parameter: &str, detail: impl Into<String>) -> Self {
        Self::BadRequest {
            parameter: Some(parameter.to_string()),
            detail: detail.into(),
        }
    }

    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        Self::Internal(e.into())
    }
}

/// An error, as `application/problem+json` (RFC 9457).
#[derive(Serialize, utoipa::ToSchema)]
pub struct Problem<'a> {
    /// `about:blank`.
    #[serde(rename = "type")]
    kind: &'static str,
    /// The HTTP status in words (in the language asked for).
    title: String,
    status: u16,
    /// What is wrong and what is allowed.
    detail: String,
    /// The query parameter at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    parameter: Option<&'a str>,
    /// The problems of an uploaded file, each with its line and column.
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<Vec<ProblemItem>>,
    /// For a place name we do not know: up to five places spelt nearly like it.
    #[serde(skip_serializing_if = "Option::is_none")]
    suggestions: Option<&'a [PlaceSummary]>,
}

/// One problem in an uploaded file.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ProblemItem {
    line: u64,
    column: Option<usize>,
    column_name: Option<String>,
    message: String,
    text: String,
}

/// How long a client is asked to wait when the service is unavailable.
pub const RETRY_AFTER_SECS: u32 = 10;

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::NotFound(_) | Self::UnknownPlace { .. } => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::UriTooLong(_) => StatusCode::URI_TOO_LONG,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if let Self::Internal(e) = self {
            tracing::error!(error = ?e, "request failed");
        }
        let title = self.title();
        let detail = match self {
            Self::Internal(_) => crate::tr!("problem-internal-detail"),
            Self::Unavailable(reason) => crate::tr!("problem-unavailable-detail", reason = reason),
            other => other.to_string(),
        };
        let (parameter, errors) = match self {
            Self::BadRequest { parameter, .. } => (parameter.as_deref(), None),
            Self::Unprocessable { errors, .. } => (
                None,
                Some(
                    errors
                        .iter()
                        .map(|e| ProblemItem {
                            line: e.line,
                            column: e.column,
                            column_name: e.column_name.clone(),
                            message: e.message.clone(),
                            text: e.to_string(),
                        })
                        .collect(),
                ),
            ),
            _ => (None, None),
        };
        let mut response = HttpResponse::build(status);
        response.content_type("application/problem+json");
        if let Self::Unauthorized(_) = self {
            response.insert_header(("WWW-Authenticate", "Bearer"));
        }
        if let Self::MethodNotAllowed { allow, .. } = self {
            response.insert_header(("Allow", allow.as_str()));
        }
        if let Self::Unavailable(_) = self {
            response.insert_header(("Retry-After", RETRY_AFTER_SECS.to_string()));
        }
        response.json(Problem {
            kind: "about:blank",
            title,
            status: status.as_u16(),
            detail,
            parameter,
            errors,
            suggestions: match self {
                Self::UnknownPlace { suggestions, .. } => Some(suggestions),
                _ => None,
            },
        })
    }
}
