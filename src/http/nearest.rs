//! Location queries: `GET /api/v1/centres/nearest` and `GET /api/v1/geocode`.

use std::collections::BTreeSet;

use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::json;

use super::error::ApiError;
use super::params::{shorten, Params};
use super::views::{CentreView, DatasetView, RegistryView, TopicSummaryView};
use super::AppState;
use crate::domain::coordinates::km_to_miles;
use crate::domain::{
    parse_age, CentreKind, Coordinates, Nation, PostcodeQuery, Service, Territory,
};
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

#[derive(Serialize)]
struct ResultView {
    centre: CentreView,
    distance_km: f64,
    distance_miles: f64,
    /// Present when the centre is in a different nation from the location: its own registry.
    #[serde(skip_serializing_if = "Option::is_none")]
    registry: Option<RegistryView>,
}

fn round(v: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (v * f).round() / f
}

/// The registry answer for a location: the nation's registry, or why there is none.
pub(crate) fn registry_for(snapshot: &Snapshot, location: &Location) -> serde_json::Value {
    match (location.nation, location.territory) {
        (Some(n), _) => snapshot
            .registries
            .get(&n)
            .map(|r| serde_json::to_value(RegistryView::from(r)).unwrap_or_default())
            .unwrap_or(serde_json::Value::Null),
        _ => serde_json::Value::Null,
    }
}

pub(crate) fn registry_note(location: &Location) -> Option<&'static str> {
    match (location.nation, location.territory) {
        (None, Some(Territory::CrownDependency)) => Some(
            "This postcode is in a Crown Dependency (Guernsey, Jersey or the Isle of Man), which is not part of the UK. Its health service is its own, and no UK nation's cancer registry in our data covers it; results show the nearest UK centres.",
        ),
        (None, _) => Some("The nation of this location is not known, so no registry is shown; each result carries the registry of its own nation."),
        _ => None,
    }
}

/// Topics for these results: general topics, topics about a service some result offers.
pub(crate) fn topics_for(
    snapshot: &Snapshot,
    services: &BTreeSet<Service>,
) -> Vec<TopicSummaryView> {
    snapshot
        .topics
        .iter()
        .filter(|t| t.related_service.is_none_or(|s| services.contains(&s)))
        .map(TopicSummaryView::from)
        .collect()
}

#[get("/api/v1/centres/nearest")]
pub async fn nearest(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let params = Params::parse(
        req.query_string(),
        &[
            "postcode", "q", "lat", "lon", "kind", "service", "age", "nation", "limit", "max_km",
        ],
    )?;
    let place = place_from(&params)?;
    let kind = params.vocabulary::<CentreKind>("kind")?;
    let services = params.vocabularies::<Service>("service")?;
    let nation = params.vocabulary::<Nation>("nation")?;
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

    let snapshot = state.directory.snapshot();
    let location = locate(&state, &snapshot, place).await?;
    let hits = snapshot.nearest(location.coordinates(), limit, max_km, |c| {
        kind.is_none_or(|k| c.kind == k)
            && nation.is_none_or(|n| c.nation == n)
            && services.iter().all(|s| c.offers(*s))
            && age.is_none_or(|a| c.accepts_age(a))
    });
    let offered: BTreeSet<Service> = hits
        .iter()
        .flat_map(|h| h.centre.services.iter().copied())
        .collect();
    let results: Vec<ResultView> = hits
        .iter()
        .map(|h| ResultView {
            centre: CentreView::from(h.centre),
            distance_km: round(h.distance_km, 2),
            distance_miles: round(km_to_miles(h.distance_km), 2),
            registry: (Some(h.centre.nation) != location.nation)
                .then(|| {
                    snapshot
                        .registries
                        .get(&h.centre.nation)
                        .map(RegistryView::from)
                })
                .flatten(),
        })
        .collect();
    let message = results.is_empty().then(|| match max_km {
        Some(m) => format!(
            "No centres match within {m} km ({:.0} miles). Try a larger distance or fewer filters.",
            km_to_miles(m)
        ),
        None => "No centres match these filters. Try fewer filters.".to_string(),
    });
    Ok(HttpResponse::Ok().json(json!({
        "location": location,
        "results": results,
        "message": message,
        "treatment": topics_for(&snapshot, &offered),
        "registry": registry_for(&snapshot, &location),
        "registry_note": registry_note(&location),
        "dataset": DatasetView::from(&*snapshot),
    })))
}

#[get("/api/v1/geocode")]
pub async fn geocode(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let params = Params::parse(req.query_string(), &["q", "postcode", "lat", "lon"])?;
    let place = place_from(&params)?;
    let snapshot = state.directory.snapshot();
    let location = locate(&state, &snapshot, place).await?;
    Ok(HttpResponse::Ok().json(json!({
        "location": location,
        "registry": registry_for(&snapshot, &location),
        "registry_note": registry_note(&location),
    })))
}
