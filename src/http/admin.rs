//! The admin API for data teams: import a dataset (CSV body, multipart upload, or a URL to
//! fetch), dry run, history and rollback. Enabled only when `ADMIN_TOKEN` is set; every call
//! needs `Authorization: Bearer <token>`, compared in constant time and never logged. Only one
//! import runs at a time: a second one gets 409.

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::ApiError;
use super::params::{self, shorten};
use super::AppState;
use crate::import::postcodes::{self, PostcodeImport};
use crate::import::{self, source, ImportError, ImportRequest};

/// The name of the token the request carries, or 401 (404 when the admin API is off).
fn authorise(state: &AppState, req: &HttpRequest) -> Result<String, ApiError> {
    let Some(tokens) = &state.settings.admin_token else {
        return Err(ApiError::NotFound(
            "the admin API is turned off; set ADMIN_TOKEN to turn it on".into(),
        ));
    };
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(|| {
            ApiError::Unauthorized("send the admin token as 'Authorization: Bearer <token>'".into())
        })?;
    tokens
        .identify(given)
        .map(str::to_string)
        .ok_or_else(|| ApiError::Unauthorized("the admin token is not valid".into()))
}

/// Admin answers are never cached.
fn no_store(mut response: HttpResponse) -> HttpResponse {
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

/// The parameters of `POST /api/v1/imports/{dataset}`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ImportQuery {
    /// `true` to check the file and report the diff without changing anything.
    dry_run: Option<String>,
}

/// The parameters of `GET /api/v1/imports`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct HistoryQuery {
    /// Only imports of this dataset.
    dataset: Option<String>,
    /// How many, newest first (1-1000, default 50).
    limit: Option<String>,
}

#[derive(Deserialize)]
struct UrlBody {
    url: String,
}

/// What the request carries.
enum Upload {
    Bytes(Vec<u8>, String),
    Url(String),
}

fn import_error(e: ImportError) -> ApiError {
    match e {
        ImportError::Invalid { dataset, errors } => ApiError::Unprocessable {
            detail: format!(
                "the {dataset} file has {} problem(s); nothing was changed",
                errors.len()
            ),
            errors,
        },
        ImportError::UnknownDataset(_) => ApiError::NotFound(e.to_string()),
        ImportError::NothingToRollBack(m) => ApiError::Conflict(m),
        ImportError::Source(m) => ApiError::BadRequest {
            parameter: Some("url".into()),
            detail: m,
        },
        ImportError::Busy(m) => ApiError::Conflict(m),
        ImportError::Db(e) if e.is_unavailable() => {
            tracing::warn!(error = %e, "import refused: the database is unavailable");
            ApiError::Unavailable(
                "the database is unavailable, so nothing was changed; try again shortly".into(),
            )
        }
        ImportError::Db(e) => ApiError::internal(e),
    }
}

async fn read_upload(
    req: &HttpRequest,
    mut payload: web::Payload,
    max: usize,
) -> Result<Upload, ApiError> {
    let kind = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let too_big = || {
        ApiError::PayloadTooLarge(format!(
            "the upload is larger than {max} bytes (IMPORT_MAX_BODY_BYTES); give a URL instead"
        ))
    };
    if kind.starts_with("multipart/form-data") {
        let mut form = actix_multipart::Multipart::new(req.headers(), payload);
        while let Some(field) = form.next().await {
            let mut field = field.map_err(|e| ApiError::BadRequest {
                parameter: Some("file".into()),
                detail: format!("the upload could not be read: {e}"),
            })?;
            let Some(name) = field
                .content_disposition()
                .and_then(|d| d.get_filename())
                .map(str::to_string)
            else {
                continue;
            };
            let mut bytes = Vec::new();
            while let Some(chunk) = field.next().await {
                let chunk = chunk.map_err(|e| ApiError::BadRequest {
                    parameter: Some("file".into()),
                    detail: format!("the upload could not be read: {e}"),
                })?;
                if bytes.len() + chunk.len() > max {
                    return Err(too_big());
                }
                bytes.extend_from_slice(&chunk);
            }
            return Ok(Upload::Bytes(bytes, format!("upload {name}")));
        }
        return Err(ApiError::BadRequest {
            parameter: Some("file".into()),
            detail: "the multipart form has no file; send the CSV as a file field".into(),
        });
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::BadRequest {
            parameter: None,
            detail: format!("the request body could not be read: {e}"),
        })?;
        if bytes.len() + chunk.len() > max {
            return Err(too_big());
        }
        bytes.extend_from_slice(&chunk);
    }
    if kind.starts_with("application/json") {
        let body: UrlBody = serde_json::from_slice(&bytes).map_err(|e| ApiError::BadRequest {
            parameter: Some("url".into()),
            detail: format!("expected a JSON body like {{\"url\": \"https://...\"}}: {e}"),
        })?;
        return Ok(Upload::Url(body.url));
    }
    if !(kind.is_empty()
        || kind.starts_with("text/csv")
        || kind.starts_with("text/plain")
        || kind.starts_with("application/csv")
        || kind.starts_with("application/octet-stream")
        // A ZIP archive or a gzip file holding the CSV (see `import::source`).
        || kind.starts_with("application/zip")
        || kind.starts_with("application/x-zip-compressed")
        || kind.starts_with("application/gzip")
        || kind.starts_with("application/x-gzip"))
    {
        return Err(ApiError::UnsupportedMediaType(format!(
            "content type '{kind}' is not accepted; send text/csv (or a ZIP or gzip file holding it), a multipart/form-data upload, or application/json with a url"
        )));
    }
    Ok(Upload::Bytes(bytes, "request body".into()))
}

/// `POST /api/v1/imports/{dataset}`.
#[post("/api/v1/imports/{dataset}")]
pub async fn import_dataset(
    state: web::Data<AppState>,
    req: HttpRequest,
    dataset: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let actor = authorise(&state, &req)?;
    let ImportQuery { dry_run } = params::read(req.query_string())?;
    let dry_run = match params::given("dry_run", dry_run)?.as_deref() {
        None | Some("false") | Some("0") => false,
        Some("true") | Some("1") => true,
        Some(other) => {
            return Err(ApiError::bad_parameter(
                "dry_run",
                format!(
                    "dry_run '{}' is not allowed; allowed: true, false",
                    shorten(other)
                ),
            ))
        }
    };
    let dataset = dataset.into_inner();
    if !import::dataset_names().contains(&dataset.as_str()) && dataset != "treatment_topics" {
        return Err(ApiError::NotFound(format!(
            "unknown dataset '{}'; allowed: {}",
            shorten(&dataset),
            import::dataset_names().join(", ")
        )));
    }
    let upload = read_upload(&req, payload, state.settings.fetch.max_body_bytes as usize).await?;
    let _guard = state.import_lock.try_lock().map_err(|_| {
        ApiError::Conflict("another import is running; try again when it has finished".into())
    })?;
    let db = state.db.clone();
    let fetch = state.settings.fetch.clone();
    let actor = format!("token:{actor}");
    let outcome = web::block(move || -> Result<serde_json::Value, ImportError> {
        let (reader, len_source): (Box<dyn std::io::Read + Send>, String) = match upload {
            Upload::Bytes(bytes, source) => {
                let input = source::from_bytes(bytes, source, fetch.max_bytes)?;
                (input.reader, input.source)
            }
            Upload::Url(url) => {
                if !source::is_url(&url) {
                    return Err(ImportError::Source(format!(
                        "'{}' is not an http(s) URL",
                        shorten(&url)
                    )));
                }
                let input = source::open(&url, &fetch)?;
                (input.reader, input.source)
            }
        };
        if dataset == postcodes::POSTCODES {
            let report = postcodes::import_postcodes(
                &db,
                reader,
                &PostcodeImport {
                    source: &len_source,
                    actor: &actor,
                    dry_run,
                    skip_invalid: false,
                },
                &mut |_, _| {},
            )?;
            return Ok(serde_json::to_value(report).unwrap_or_default());
        }
        let mut bytes = Vec::new();
        let mut reader = reader;
        std::io::Read::read_to_end(&mut reader, &mut bytes)
            .map_err(|e| ImportError::Source(format!("cannot read {len_source}: {e}")))?;
        let report = import::import(
            &db,
            &ImportRequest {
                dataset: &dataset,
                bytes: &bytes,
                source: &len_source,
                actor: &actor,
                dry_run,
            },
        )?;
        Ok(serde_json::to_value(report).unwrap_or_default())
    })
    .await
    .map_err(ApiError::internal)?;
    let report = outcome.map_err(import_error)?;
    crate::metrics::import_finished(if dry_run { "dry_run" } else { "applied" });
    refresh(&state).await;
    Ok(no_store(HttpResponse::Ok().json(report)))
}

/// Serve the new version from this replica at once (others pick it up by polling).
async fn refresh(state: &AppState) {
    let (db, directory) = (state.db.clone(), state.directory.clone());
    match web::block(move || directory.refresh_if_changed(&db)).await {
        Ok(Ok(Some(version))) => tracing::info!(version, "directory reloaded after an import"),
        Ok(Ok(None)) => {}
        Ok(Err(e)) => tracing::warn!(error = %e, "reloading after an import failed"),
        Err(e) => tracing::warn!(error = %e, "reload task failed"),
    }
}

/// `POST /api/v1/imports/{dataset}/rollback`.
#[post("/api/v1/imports/{dataset}/rollback")]
pub async fn rollback(
    state: web::Data<AppState>,
    req: HttpRequest,
    dataset: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = format!("token:{}", authorise(&state, &req)?);
    let _guard = state.import_lock.try_lock().map_err(|_| {
        ApiError::Conflict("another import is running; try again when it has finished".into())
    })?;
    let db = state.db.clone();
    let dataset = dataset.into_inner();
    let report = web::block(move || import::rollback(&db, &dataset, &actor))
        .await
        .map_err(ApiError::internal)?
        .map_err(import_error)?;
    crate::metrics::import_finished("rolled_back");
    refresh(&state).await;
    Ok(no_store(HttpResponse::Ok().json(report)))
}

/// `GET /api/v1/imports`: the history, newest first.
#[get("/api/v1/imports")]
pub async fn history(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    authorise(&state, &req)?;
    let HistoryQuery { dataset, limit } = params::read(req.query_string())?;
    let dataset = params::given("dataset", dataset)?;
    let limit = params::integer("limit", limit, 1, 1000)?.unwrap_or(50);
    let db = state.db.clone();
    let records = web::block(move || import::history(&db, dataset.as_deref(), limit))
        .await
        .map_err(ApiError::internal)?
        .map_err(import_error)?;
    Ok(no_store(HttpResponse::Ok().json(serde_json::json!({
        "results": records,
        "total": records.len(),
    }))))
}

/// `GET /api/v1/imports/health`: the data health report (as `centre-directory check-data`).
#[get("/api/v1/imports/health")]
pub async fn data_health(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    authorise(&state, &req)?;
    let snapshot = state.directory.snapshot();
    let reference = state.settings.data_dir.join("reference");
    let report = crate::answer::health::report(
        &snapshot,
        reference.is_dir().then_some(reference.as_path()),
        chrono::Utc::now().date_naive(),
    );
    Ok(no_store(HttpResponse::Ok().json(report)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::DbError;
    use actix_web::ResponseError;

    #[actix_web::test]
    async fn an_import_while_the_database_is_down_is_a_503_that_says_nothing_changed() {
        let down = DbError::Connect {
            target: "postgres://db.internal/directory".into(),
            message: "connection refused (os error 111)".into(),
        };
        let response = import_error(ImportError::Db(down)).error_response();
        assert_eq!(response.status(), 503);
        assert_eq!(
            response
                .headers()
                .get("retry-after")
                .unwrap()
                .to_str()
                .unwrap(),
            crate::http::error::RETRY_AFTER_SECS.to_string()
        );
        let body = actix_web::body::to_bytes(response.into_body())
            .await
            .unwrap();
        let body = String::from_utf8(body.to_vec()).unwrap();
        assert!(body.contains("nothing was changed"), "{body}");
        assert!(
            !body.contains("refused") && !body.contains("db.internal"),
            "{body}"
        );
    }

    #[test]
    fn other_database_faults_stay_500s() {
        let corrupt = DbError::Corrupt("a row that does not parse".into());
        let response = import_error(ImportError::Db(corrupt)).error_response();
        assert_eq!(response.status(), 500);
    }
}
