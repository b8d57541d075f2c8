//! `POST /api/v1/centres/nearest/bulk`: the nearest centres to up to 100 locations in one
//! request, answered in input order. A location that cannot be understood or found gets its
//! own problem; the others are answered as usual.

use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse, ResponseError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::{ApiError, Problem};
use super::nearest::{locate, LocationQuery};
use super::State;
use crate::answer::nearest::{Filters, NearestAnswer, ResultView};
use crate::domain::{parse_age, CentreKind, Service, Vocabulary};
use crate::geocode::{Location, Place};

/// How many locations one request may carry.
pub const MAX_LOCATIONS: usize = 100;

/// Your own reference for a location: text or a whole number, given back as it came. (The
/// description only: ids are read as any JSON value and checked.)
pub struct BulkId;

impl utoipa::PartialSchema for BulkId {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
        OneOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(Type::String))
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(-MAX_WHOLE_ID))
                    .maximum(Some(MAX_WHOLE_ID)),
            )
            .description(Some(
                "Your own reference for a location: text, or a whole number of at most 2^53 - 1",
            ))
            .into()
    }
}

impl ToSchema for BulkId {}

/// The largest whole number an id may be (2^53 - 1: every client's JSON keeps it exact).
const MAX_WHOLE_ID: i64 = 9_007_199_254_740_991;

/// Whether an id is text or a whole number.
fn id_allowed(id: &serde_json::Value) -> bool {
    match id {
        serde_json::Value::String(_) => true,
        // A whole number a double holds exactly, however it is written (`4`, `4.0`).
        serde_json::Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => i.unsigned_abs() <= MAX_WHOLE_ID as u64,
            (None, Some(f)) => f.fract() == 0.0 && f.abs() <= MAX_WHOLE_ID as f64,
            _ => false,
        },
        _ => false,
    }
}

/// One location of a bulk request: exactly one of `postcode`, `q`, or `lat` with `lon`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkLocation {
    /// Your own reference for this location, given back with its answer.
    #[schema(value_type = Option<BulkId>)]
    id: Option<serde_json::Value>,
    postcode: Option<String>,
    q: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
}

/// A bulk request: the locations, and the filters every one is answered with.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkRequest {
    /// 1 to 100 locations.
    #[schema(min_items = 1, max_items = 100)]
    locations: Vec<BulkLocation>,
    /// Only this kind of place.
    #[schema(value_type = Option<CentreKind>)]
    kind: Option<String>,
    /// The patient's age (0-120): a unit's age range must include it.
    #[schema(value_type = Option<u8>, minimum = 0, maximum = 120)]
    age: Option<f64>,
    /// Only places offering every one of these services.
    #[serde(default)]
    #[schema(value_type = Vec<Service>)]
    service: Vec<String>,
    /// Results a location, 1-50 (default 5).
    #[schema(value_type = Option<u8>, minimum = 1, maximum = 50)]
    limit: Option<f64>,
    /// Only places within this many kilometres (more than 0, up to 2000).
    #[schema(exclusive_minimum = 0.0, maximum = 2000.0)]
    max_km: Option<f64>,
}

/// A problem with one location (the fields of a problem+json body).
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemProblem {
    #[serde(rename = "type")]
    kind: &'static str,
    title: String,
    status: u16,
    detail: String,
    /// The field at fault, as `locations[2].postcode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    parameter: Option<String>,
}

/// The answer for one location, in the place it had in the request.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkItem {
    /// The `id` it was given, if any.
    #[schema(value_type = Option<BulkId>)]
    id: Option<serde_json::Value>,
    /// What the location was understood to be (absent with a problem).
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<Location>,
    /// The nearest centres (empty with a problem).
    results: Vec<ResultView>,
    /// Why this location could not be answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    problem: Option<ItemProblem>,
}

/// The answers, one a location, in input order.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkAnswer {
    results: Vec<BulkItem>,
}

fn problem_of(e: &ApiError, index: usize) -> ItemProblem {
    let status = e.status_code();
    let parameter = match e {
        ApiError::BadRequest {
            parameter: Some(p), ..
        } => Some(format!("locations[{index}].{p}")),
        _ => None,
    };
    ItemProblem {
        kind: "about:blank",
        title: e.title(),
        status: status.as_u16(),
        detail: e.to_string(),
        parameter,
    }
}

fn filters_of(r: &BulkRequest) -> Result<Filters, ApiError> {
    // JSON numbers: `17` and `17.0` are the same whole number.
    let whole = |name: &str, v: f64, min: f64, max: f64| {
        if v.fract() == 0.0 && (min..=max).contains(&v) {
            Ok(v as u8)
        } else {
            Err(ApiError::bad_parameter(
                name,
                crate::tr!(
                    "error-whole-number",
                    name = name,
                    value = v.to_string(),
                    min = min.to_string(),
                    max = max.to_string()
                ),
            ))
        }
    };
    let age = r
        .age
        .map(|a| whole("age", a, 0.0, 120.0))
        .transpose()?
        .map(|a| parse_age(&a.to_string()).map_err(|e| ApiError::bad_parameter("age", e)))
        .transpose()?;
    let limit = r
        .limit
        .map(|l| whole("limit", l, 1.0, 50.0))
        .transpose()?
        .unwrap_or(5);
    if let Some(m) = r.max_km {
        if !(m > 0.0 && m <= 2000.0) {
            return Err(ApiError::bad_parameter(
                "max_km",
                crate::tr!("error-max-km", value = m.to_string(), max = "2000"),
            ));
        }
    }
    let kind = r
        .kind
        .as_deref()
        .map(|k| CentreKind::parse(k).map_err(|e| ApiError::bad_parameter("kind", e)))
        .transpose()?;
    let services = r
        .service
        .iter()
        .map(|s| Service::parse(s).map_err(|e| ApiError::bad_parameter("service", e)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Filters {
        kind,
        services,
        age,
        limit: usize::from(limit),
        max_km: r.max_km,
        ..Filters::default()
    })
}

/// The nearest centres to each of up to 100 postcodes, outcodes, places or points, answered in
/// input order; a location that cannot be answered carries its own `problem` and does not
/// fail the others.
#[utoipa::path(
    tag = "locations",
    request_body(content = BulkRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "One answer a location, in input order", body = BulkAnswer),
        (status = 400, description = "The body is not a bulk request (not JSON, unknown fields, bad filters)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "More than 100 locations", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/centres/nearest/bulk")]
pub async fn nearest_bulk(state: State, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let request: BulkRequest = serde_json::from_slice(&body).map_err(|e| ApiError::BadRequest {
        parameter: None,
        detail: crate::tr!("error-bulk-body", reason = e.to_string()),
    })?;
    if request.locations.len() > MAX_LOCATIONS {
        return Err(ApiError::PayloadTooLarge(crate::tr!(
            "error-bulk-too-many",
            sent = request.locations.len(),
            max = MAX_LOCATIONS
        )));
    }
    if request.locations.is_empty() {
        return Err(ApiError::bad_parameter(
            "locations",
            crate::tr!("error-bulk-empty"),
        ));
    }
    if let Some(at) = request
        .locations
        .iter()
        .position(|l| l.id.as_ref().is_some_and(|id| !id_allowed(id)))
    {
        return Err(ApiError::bad_parameter(
            &format!("locations[{at}].id"),
            crate::tr!("error-bulk-id", at = at),
        ));
    }
    let filters = filters_of(&request)?;
    let snapshot = state.directory.snapshot();
    let answers = request
        .locations
        .into_iter()
        .enumerate()
        .map(|(index, item)| {
            let state = &state;
            let snapshot = &snapshot;
            let filters = &filters;
            async move {
                let id = item.id.clone();
                let place = Place::try_from(LocationQuery::new(
                    item.postcode,
                    item.q,
                    item.lat.map(|l| l.to_string()),
                    item.lon.map(|l| l.to_string()),
                ));
                let located = match place {
                    Ok(place) => locate(state, snapshot, place).await,
                    Err(e) => Err(e),
                };
                match located {
                    Ok(location) => {
                        let answer = NearestAnswer::build(snapshot, location, filters);
                        BulkItem {
                            id,
                            location: Some(answer.location),
                            results: answer.results,
                            problem: None,
                        }
                    }
                    Err(e) => {
                        if matches!(e, ApiError::Internal(_)) {
                            tracing::error!(error = ?e, "a bulk item failed");
                        }
                        BulkItem {
                            id,
                            location: None,
                            results: Vec::new(),
                            problem: Some(problem_of(&e, index)),
                        }
                    }
                }
            }
        });
    let results = futures_util::future::join_all(answers).await;
    Ok(HttpResponse::build(StatusCode::OK).json(BulkAnswer { results }))
}
