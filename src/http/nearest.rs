//! Location queries: `GET /api/v1/centres/nearest` and `GET /api/v1/geocode`, and the location
//! parameters they share with the referral endpoint.

use actix_web::{get, HttpResponse};
use serde::Deserialize;
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::IntoParams;

use super::error::{ApiError, Problem};
use super::params::{self, shorten, Query};
use super::{AppState, State};
use crate::answer::nearest::{Filters, GeocodeAnswer, NearestAnswer};
use crate::dataset::Cancer;
use crate::domain::{parse_age, CentreKind, Coordinates, Nation, PostcodeQuery, Service};
use crate::export::{Feature, FeatureCollection};
use crate::geocode::{GeocodeError, Location, Place};
use crate::index::Snapshot;

/// Where: exactly one of `postcode`, `q`, or `lat` with `lon`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LocationQuery {
    /// A full postcode (`LS9 7TF`, any spacing or case), a sector (`LS9 7`), an outcode
    /// (`LS9`) or an area (`LS`).
    #[param(
        pattern = r"^\s*((([A-Za-z]\s*){1,2}[0-9]\s*([0-9A-Za-z]\s*)?[0-9]\s*[ABD-HJLNP-UW-Zabd-hjlnp-uw-z]\s*[ABD-HJLNP-UW-Zabd-hjlnp-uw-z])|([Gg]\s*[Ii]\s*[Rr]\s*0\s*[Aa]\s*[Aa])|([A-Za-z]{1,2}[0-9][0-9A-Za-z]?(\s+[0-9])?)|([A-Za-z]{1,2}))\s*$"
    )]
    postcode: Option<String>,
    /// A postcode in any of those forms, or the name of a town or city.
    #[param(min_length = 1, max_length = 100, pattern = r"\S")]
    q: Option<String>,
    /// Latitude in decimal degrees (WGS84), inside the UK; with `lon`.
    #[param(value_type = Option<f64>, minimum = 49.0, maximum = 61.0)]
    lat: Option<String>,
    /// Longitude in decimal degrees (WGS84), inside the UK; with `lat`.
    #[param(value_type = Option<f64>, minimum = -8.75, maximum = 2.0)]
    lon: Option<String>,
}

impl LocationQuery {
    /// A location given some other way than a query string (a bulk request's item).
    pub(crate) fn new(
        postcode: Option<String>,
        q: Option<String>,
        lat: Option<String>,
        lon: Option<String>,
    ) -> Self {
        Self {
            postcode,
            q,
            lat,
            lon,
        }
    }
}

/// The longest free-text location accepted, in characters.
const MAX_TEXT_CHARS: usize = 100;

impl TryFrom<LocationQuery> for Place {
    type Error = ApiError;

    fn try_from(l: LocationQuery) -> Result<Self, ApiError> {
        let postcode = params::given("postcode", l.postcode)?;
        let q = params::given("q", l.q)?;
        let lat = params::given("lat", l.lat)?;
        let lon = params::given("lon", l.lon)?;
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
                crate::tr!("error-location-missing"),
            ));
        }
        if given > 1 {
            return Err(ApiError::bad_parameter(
                "postcode",
                crate::tr!("error-location-twice"),
            ));
        }
        if let Some(raw) = postcode {
            return PostcodeQuery::parse(&raw)
                .map(Place::Postcode)
                .ok_or_else(|| {
                    ApiError::bad_parameter(
                        "postcode",
                        crate::tr!("error-postcode-not-uk", postcode = shorten(&raw)),
                    )
                });
        }
        if let Some(text) = q {
            if text.chars().count() > MAX_TEXT_CHARS {
                return Err(ApiError::bad_parameter(
                    "q",
                    crate::tr!("error-q-too-long-api", max = MAX_TEXT_CHARS),
                ));
            }
            return Ok(Place::Text(text));
        }
        let (Some(lat_raw), Some(lon_raw)) = (lat.as_deref(), lon.as_deref()) else {
            let missing = if lat.is_none() { "lat" } else { "lon" };
            return Err(ApiError::bad_parameter(
                missing,
                crate::tr!("error-lat-lon-missing", name = missing),
            ));
        };
        let lat = Coordinates::parse_lat(lat_raw).map_err(|e| ApiError::bad_parameter("lat", e))?;
        let lon = Coordinates::parse_lon(lon_raw).map_err(|e| ApiError::bad_parameter("lon", e))?;
        Ok(Place::Point(
            Coordinates::new(lat, lon).map_err(|e| ApiError::bad_parameter("lat", e))?,
        ))
    }
}

/// The parameters of `GET /api/v1/centres/nearest`: a location and filters.
#[derive(Debug, Deserialize)]
pub struct NearestQuery {
    #[serde(flatten)]
    location: LocationQuery,
    #[serde(flatten)]
    filters: NearestFilters,
}

impl IntoParams for NearestQuery {
    fn into_params(parameter_in: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        params::both::<LocationQuery, NearestFilters>(parameter_in)
    }
}

/// Which centres, and in what form.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NearestFilters {
    /// Only this kind of place.
    #[param(value_type = Option<CentreKind>)]
    kind: Option<String>,
    /// Only places offering this service; repeat for several (all must be offered).
    #[serde(default, deserialize_with = "params::one_or_many")]
    #[param(value_type = Option<Vec<Service>>)]
    service: Vec<String>,
    /// The patient's age in years (0-120): a unit's age range must include it.
    #[param(value_type = Option<u8>, minimum = 0, maximum = 120)]
    age: Option<String>,
    /// Only places in this nation.
    #[param(value_type = Option<Nation>)]
    nation: Option<String>,
    /// How many results, 1-50 (default 5).
    #[param(value_type = Option<u8>, minimum = 1, maximum = 50)]
    limit: Option<String>,
    /// Only places within this many kilometres (more than 0, up to 2000).
    #[param(value_type = Option<f64>, exclusive_minimum = 0.0, maximum = 2000.0)]
    max_km: Option<String>,
    /// The condition asked about: the registry figures shown include it.
    #[param(value_type = Option<Cancer>)]
    condition: Option<String>,
    /// `json` (default), `geojson` (the results as a FeatureCollection with their distances)
    /// or `svg` (the results on a map, as the website draws it, to embed).
    #[param(pattern = "^(json|geojson|svg)$")]
    format: Option<String>,
}

const MAX_LIMIT: i64 = 50;
const DEFAULT_LIMIT: i64 = 5;
const MAX_KM: f64 = 2000.0;

/// A nearest question, checked.
pub struct NearestRequest {
    pub place: Place,
    pub filters: Filters,
    pub format: Format,
}

/// The form of a nearest answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    GeoJson,
    Svg,
}

impl TryFrom<NearestQuery> for NearestRequest {
    type Error = ApiError;

    fn try_from(
        NearestQuery {
            location,
            filters: q,
        }: NearestQuery,
    ) -> Result<Self, ApiError> {
        let place = Place::try_from(location)?;
        let age = params::given("age", q.age)?
            .map(|a| parse_age(&a).map_err(|e| ApiError::bad_parameter("age", e)))
            .transpose()?;
        let max_km = params::number("max_km", q.max_km)?;
        if let Some(m) = max_km {
            if !(m > 0.0 && m <= MAX_KM) {
                return Err(ApiError::bad_parameter(
                    "max_km",
                    crate::tr!(
                        "error-max-km",
                        value = m.to_string(),
                        max = MAX_KM.to_string()
                    ),
                ));
            }
        }
        let format = match params::given("format", q.format)?
            .map(|f| f.to_ascii_lowercase())
            .as_deref()
        {
            None | Some("json") => Format::Json,
            Some("geojson") => Format::GeoJson,
            Some("svg") => Format::Svg,
            Some(other) => {
                return Err(ApiError::bad_parameter(
                    "format",
                    crate::tr!("error-format", value = shorten(other)),
                ))
            }
        };
        let filters = Filters {
            kind: params::vocabulary("kind", q.kind)?,
            services: params::vocabularies("service", q.service)?,
            age,
            nation: params::vocabulary("nation", q.nation)?,
            limit: params::integer("limit", q.limit, 1, MAX_LIMIT)?.unwrap_or(DEFAULT_LIMIT)
                as usize,
            max_km,
            condition: params::vocabulary("condition", q.condition)?,
        };
        Ok(Self {
            place,
            filters,
            format,
        })
    }
}

/// Turn a geocoding failure into the API's answer.
pub(crate) fn geocode_error(e: GeocodeError) -> ApiError {
    match e {
        GeocodeError::UnknownPostcode { message, fallback } => {
            let offer = fallback
                .map(|f| {
                    crate::tr!(
                        "error-postcode-offer",
                        area = f.query.as_str(),
                        lat = format!("{:.3}", f.lat),
                        lon = format!("{:.3}", f.lon)
                    )
                })
                .unwrap_or_default();
            ApiError::NotFound(format!("{message}.{offer}").replace("..", "."))
        }
        GeocodeError::UnknownPlace {
            ref suggestions, ..
        } => ApiError::UnknownPlace {
            suggestions: suggestions.clone(),
            detail: e.to_string(),
        },
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
    params(NearestQuery),
    responses(
        (status = 200, description = "Centres by distance (an empty list, with a message, when none match); with `format=geojson`, a FeatureCollection; with `format=svg`, a map", content(
            (NearestAnswer = "application/json"),
            (FeatureCollection = "application/geo+json"),
            (String = "image/svg+xml"),
        )),
        (status = 400, description = "A parameter is missing, repeated or not allowed; `parameter` names it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "A well-formed postcode or a place we cannot find; the detail offers the outcode or area instead", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/centres/nearest")]
pub async fn nearest(state: State, query: Query<NearestQuery>) -> Result<HttpResponse, ApiError> {
    let NearestRequest {
        place,
        filters,
        format,
    } = NearestRequest::try_from(query.0)?;
    let snapshot = state.directory.snapshot();
    let location = locate(&state, &snapshot, place).await?;
    let answer = NearestAnswer::build(&snapshot, location, &filters);
    if format == Format::Svg {
        let what = match filters.kind {
            Some(crate::domain::CentreKind::TyaUnit) => "TYA units",
            Some(crate::domain::CentreKind::CancerCentre) => "cancer centres",
            None => "places",
        };
        let place = answer
            .location
            .place
            .as_ref()
            .map_or_else(|| answer.location.query.clone(), |p| p.name.clone());
        let drawn = crate::answer::map::results_map(
            what,
            &answer.location,
            &answer.centres_by_distance(),
            &place,
        );
        return Ok(HttpResponse::Ok()
            .content_type("image/svg+xml; charset=utf-8")
            .body(drawn));
    }
    if format == Format::GeoJson {
        let mut collection = FeatureCollection::new(
            answer
                .results
                .into_iter()
                .map(|r| Feature::new(r.centre, Some((r.distance_km, r.distance_miles))))
                .collect(),
        );
        collection.location = Some(answer.location);
        collection.dataset = Some(answer.dataset);
        return Ok(HttpResponse::Ok()
            .content_type("application/geo+json")
            .json(collection));
    }
    Ok(HttpResponse::Ok().json(answer))
}

/// What the service understands a postcode, outcode, place or point to be: where, how
/// precisely, in which nation, and that nation's cancer registry.
#[utoipa::path(
    tag = "locations",
    params(LocationQuery),
    responses(
        (status = 200, description = "The location as understood", body = GeocodeAnswer),
        (status = 400, description = "Not a location", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found; the detail offers the outcode or area instead", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/geocode")]
pub async fn geocode(state: State, query: Query<LocationQuery>) -> Result<HttpResponse, ApiError> {
    let place = Place::try_from(query.0)?;
    let snapshot = state.directory.snapshot();
    let location = locate(&state, &snapshot, place).await?;
    Ok(HttpResponse::Ok().json(GeocodeAnswer::build(&snapshot, location)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(query: &str) -> Result<NearestRequest, ApiError> {
        NearestRequest::try_from(params::read::<NearestQuery>(query)?)
    }

    fn refused(query: &str) -> (String, String) {
        match request(query) {
            Err(ApiError::BadRequest { parameter, detail }) => {
                (parameter.unwrap_or_default(), detail)
            }
            Err(other) => panic!("{query}: {other:?}"),
            Ok(_) => panic!("{query}: accepted"),
        }
    }

    #[test]
    fn a_query_becomes_a_checked_request() {
        let r = request(
            "postcode=LS9%207TF&kind=tya_unit&service=chemotherapy&service=radiotherapy,mrd_testing&age=17&limit=3&max_km=80&format=GeoJSON",
        )
        .unwrap();
        assert!(matches!(r.place, Place::Postcode(PostcodeQuery::Full(_))));
        assert_eq!(r.filters.kind, Some(CentreKind::TyaUnit));
        assert_eq!(
            r.filters.services,
            [
                Service::Chemotherapy,
                Service::Radiotherapy,
                Service::MrdTesting
            ]
        );
        assert_eq!(
            (r.filters.age, r.filters.limit, r.filters.max_km),
            (Some(17), 3, Some(80.0))
        );
        assert_eq!(r.format, Format::GeoJson);
        let single_service = request("q=Leeds&service=chemotherapy").unwrap();
        assert_eq!(single_service.filters.services, [Service::Chemotherapy]);
        assert_eq!(single_service.filters.limit, DEFAULT_LIMIT as usize);
    }

    #[test]
    fn every_refusal_names_its_parameter() {
        for (query, parameter) in [
            ("", "postcode"),
            ("postcode=LS9&q=Leeds", "postcode"),
            ("lat=53.8", "lon"),
            ("lon=-1.5", "lat"),
            ("lat=91&lon=0", "lat"),
            ("postcode=", "postcode"),
            ("q=%20%20", "q"),
            ("postcode=LS9&kind=", "kind"),
            ("postcode=LS9&service=", "service"),
            ("postcode=LS9&service=chemotherapy,,radiotherapy", "service"),
            ("postcode=LS9&format=", "format"),
            ("postcode=LS9&format=xml", "format"),
            ("postcode=LS9&max_km=0", "max_km"),
            ("postcode=LS9&limit=51", "limit"),
            ("postcode=LS9&age=121", "age"),
            ("postcode=LS9&limit=2&limit=3", "limit"),
            ("postcode=LS9&colour=red", "colour"),
            ("postcode=NOT%20A%20POSTCODE", "postcode"),
        ] {
            let (named, detail) = refused(query);
            assert_eq!(named, parameter, "{query}: {detail}");
            assert!(!detail.is_empty());
        }
    }
}
