//! Location queries: `GET /api/v1/centres/nearest` and `GET /api/v1/geocode`.

use actix_web::{get, HttpRequest, HttpResponse};

use super::error::ApiError;
use super::params::{shorten, Params};
use super::{AppState, State};
use crate::answer::nearest::{Filters, GeocodeAnswer, NearestAnswer};
use crate::dataset::Cancer;
use crate::domain::{parse_age, CentreKind, Coordinates, Nation, PostcodeQuery, Service};
use crate::geocode::{GeocodeError, Location, Place};
use crate::index::Snapshot;

const MAX_LIMIT: i64 = 50;
const DEFAULT_LIMIT: i64 = 5;

/// Read the location parameters: exactly one of `postcode`, `q`, or `lat` with `lon`.
pub(crate) fn place_from(params: &Params) -> Result<Place, ApiError> {
    let postcode = params.one("postcode")?;
    let q = params.one("q")?;
    let lat = params.one("lat")?;
    let lon = params.one("lon")?;
    let given = [
        postcode.is_some(),
        q.is_some(),
        lat.is_some() || lon.is_some(),
    ]
    .iter()
    .filter(|g| **g)
    .count();
    if given == 0 {
        return Err(ApiError::bad_parameter(
            "postcode",
            "give a location: postcode (e.g. LS9 7TF or LS9), q (a postcode or a town), or lat and lon",
        ));
    }
    if given > 1 {
        return Err(ApiError::bad_parameter(
            "postcode",
            "give only one location: postcode, q, or lat and lon",
        ));
    }
    if let Some(raw) = postcode {
        return PostcodeQuery::parse(raw).map(Place::Postcode).ok_or_else(|| {
            ApiError::bad_parameter(
                "postcode",
                format!(
                    "postcode '{}' is not a UK postcode; give a full postcode (LS9 7TF), an outcode (LS9) or an area (LS)",
                    shorten(raw)
                ),
            )
        });
    }
    if let Some(text) = q {
        if text.chars().count() > 100 {
            return Err(ApiError::bad_parameter(
                "q",
                "q is longer than 100 characters",
            ));
        }
        return Ok(Place::Text(text.to_string()));
    }
    let (Some(lat_raw), Some(lon_raw)) = (lat, lon) else {
        let missing = if lat.is_none() { "lat" } else { "lon" };
        return Err(ApiError::bad_parameter(
            missing,
            format!("{missing} is missing; give both lat and lon"),
        ));
    };
    let lat = Coordinates::parse_lat(lat_raw)
        .map_err(|e| ApiError::bad_parameter("lat", format!("lat: {e}")))?;
    let lon = Coordinates::parse_lon(lon_raw)
        .map_err(|e| ApiError::bad_parameter("lon", format!("lon: {e}")))?;
    Ok(Place::Point(
        Coordinates::new(lat, lon).map_err(|e| ApiError::bad_parameter("lat", e))?,
    ))
}

/// Turn a geocoding failure into the API's answer.
pub(crate) fn geocode_error(e: GeocodeError) -> ApiError {
    match e {
        GeocodeError::UnknownPostcode { message, fallback } => {
            let offer = fallback
                .map(|f| {
                    format!(
                        " The nearest answer we can give is the {} area ({:.3}, {:.3}): search with postcode={} for it.",
                        f.query, f.lat, f.lon, f.query
                    )
                })
                .unwrap_or_default();
            ApiError::NotFound(format!("{message}.{offer}").replace("..", "."))
        }
        GeocodeError::UnknownPlace(_) => ApiError::NotFound(e.to_string()),
        GeocodeError::Db(e) => ApiError::internal(e),
    }
}

pub(crate) async fn locate(
    state: &AppState,
    snapshot: &Snapshot,
    place: Place,
) -> Result<Location, ApiError> {
    state
        .geocoder
        .locate(&state.db, snapshot, place)
        .await
        .map_err(geocode_error)
}

/// The nearest centres to a postcode, outcode, place or point, with the treatment information
/// relevant to them and the cancer registry of the location's nation. Give `max_km` for the
/// centres within a distance.
#[utoipa::path(
    tag = "locations",
    params(super::openapi::LocationParams, super::openapi::FilterParams),
    responses(
        (status = 200, description = "Centres by distance (an empty list, with a message, when none match); with `format=geojson`, a FeatureCollection", content(
            (NearestAnswer = "application/json"),
            (super::openapi::FeatureCollectionDoc = "application/geo+json"),
        )),
        (status = 400, description = "A parameter is missing, repeated or not allowed; `parameter` names it", body = super::openapi::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "A well-formed postcode or a place we cannot find; the detail offers the outcode or area instead", body = super::openapi::ProblemDoc, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/centres/nearest")]
pub async fn nearest(state: State, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let params = Params::parse(
        req.query_string(),
        &[
            "postcode",
            "q",
            "lat",
            "lon",
            "kind",
            "service",
            "age",
            "nation",
            "limit",
            "max_km",
            "condition",
            "format",
        ],
    )?;
    let place = place_from(&params)?;
    let kind = params.vocabulary::<CentreKind>("kind")?;
    let services = params.vocabularies::<Service>("service")?;
    let nation = params.vocabulary::<Nation>("nation")?;
    let condition = params.vocabulary::<Cancer>("condition")?;
    let age = params
        .one("age")?
        .map(|a| parse_age(a).map_err(|e| ApiError::bad_parameter("age", format!("age: {e}"))))
        .transpose()?;
    let limit = params
        .integer("limit", 1, MAX_LIMIT)?
        .unwrap_or(DEFAULT_LIMIT) as usize;
    let max_km = params.number("max_km")?;
    if let Some(m) = max_km {
        if !(m > 0.0 && m <= 2000.0) {
            return Err(ApiError::bad_parameter(
                "max_km",
                format!("max_km {m} is not allowed; allowed: more than 0 and up to 2000"),
            ));
        }
    }

    let filters = Filters {
        kind,
        services,
        age,
        nation,
        limit,
        max_km,
        condition,
    };
    let geojson = match params
        .one("format")?
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("json") => false,
        Some("geojson") => true,
        Some(other) => {
            return Err(ApiError::bad_parameter(
                "format",
                format!(
                    "format '{}' is not supported; allowed: json, geojson",
                    shorten(other)
                ),
            ))
        }
    };
    let snapshot = state.directory.snapshot();
    let location = locate(&state, &snapshot, place).await?;
    let answer = NearestAnswer::build(&snapshot, location, &filters);
    if geojson {
        let features: Vec<serde_json::Value> = answer
            .results
            .iter()
            .filter_map(|r| {
                snapshot.centre(&r.centre.id).map(|c| {
                    crate::export::feature(
                        c,
                        &[
                            ("distance_km", r.distance_km.into()),
                            ("distance_miles", r.distance_miles.into()),
                        ],
                    )
                })
            })
            .collect();
        return Ok(HttpResponse::Ok()
            .content_type("application/geo+json")
            .json(serde_json::json!({
                "type": "FeatureCollection",
                "features": features,
                "location": answer.location,
                "dataset": answer.dataset,
            })));
    }
    Ok(HttpResponse::Ok().json(answer))
}

/// What the service understands a postcode, outcode, place or point to be: where, how
/// precisely, in which nation, and that nation's cancer registry.
#[utoipa::path(
    tag = "locations",
    params(super::openapi::LocationParams),
    responses(
        (status = 200, description = "The location as understood", body = GeocodeAnswer),
        (status = 400, description = "Not a location", body = super::openapi::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "Not found; the detail offers the outcode or area instead", body = super::openapi::ProblemDoc, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/geocode")]
pub async fn geocode(state: State, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let params = Params::parse(req.query_string(), &["q", "postcode", "lat", "lon"])?;
    let place = place_from(&params)?;
    let snapshot = state.directory.snapshot();
    let location = locate(&state, &snapshot, place).await?;
    Ok(HttpResponse::Ok().json(GeocodeAnswer::build(&snapshot, location)))
}
