//! The OpenAPI description of the public API (`/openapi.json`) and the interactive docs
//! (`/docs`, Swagger UI served from files built into the binary).

use actix_web::{get, HttpResponse};
use serde::Serialize;
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::dataset::Cancer;
use crate::domain::{CentreKind, Nation, Service};

/// Where: exactly one of `postcode`, `q`, or `lat` with `lon`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct LocationParams {
    /// A full postcode (`LS9 7TF`, any spacing or case), a sector (`LS9 7`), an outcode
    /// (`LS9`) or an area (`LS`).
    postcode: Option<String>,
    /// A postcode in any of those forms, or the name of a town or city.
    q: Option<String>,
    /// Latitude in decimal degrees (WGS84), inside the UK; with `lon`.
    #[param(minimum = 49.0, maximum = 61.0)]
    lat: Option<f64>,
    /// Longitude in decimal degrees (WGS84), inside the UK; with `lat`.
    #[param(minimum = -8.75, maximum = 2.0)]
    lon: Option<f64>,
}

/// Which centres to return.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct FilterParams {
    /// Only this kind of place.
    kind: Option<CentreKind>,
    /// Only places offering this service; repeat for several (all must be offered).
    service: Option<Vec<Service>>,
    /// The patient's age in years (0-120): a unit's age range must include it.
    #[param(minimum = 0, maximum = 120)]
    age: Option<u8>,
    /// Only places in this nation.
    nation: Option<Nation>,
    /// How many results, 1-50 (default 5).
    #[param(minimum = 1, maximum = 50)]
    limit: Option<u8>,
    /// Only places within this many kilometres (more than 0, up to 2000).
    max_km: Option<f64>,
    /// The condition asked about: the registry figures shown include it.
    condition: Option<Cancer>,
    /// `json` (default) or `geojson` (the results as a FeatureCollection with their distances).
    #[param(pattern = "^(json|geojson)$")]
    format: Option<String>,
}

/// Filters and pages of the centre list.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ListParams {
    kind: Option<CentreKind>,
    nation: Option<Nation>,
    /// Repeat for several (all must be offered).
    service: Option<Vec<Service>>,
    /// Page size, 1-1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u16>,
    /// Centres to skip (default 0).
    #[param(minimum = 0, maximum = 2147483647)]
    offset: Option<i32>,
    /// `json` (default, paginated), or every matching centre as `csv` (the centres file, which
    /// imports back unchanged) or `geojson` (a FeatureCollection).
    #[param(pattern = "^(json|csv|geojson)$")]
    format: Option<String>,
}

/// A GeoJSON FeatureCollection (RFC 7946): one Point feature per centre, with the centre's
/// fields (and distances, from the nearest endpoint) as properties.
#[derive(Serialize, ToSchema)]
#[schema(as = FeatureCollection)]
#[allow(dead_code)]
pub struct FeatureCollectionDoc {
    /// Always `FeatureCollection`.
    #[serde(rename = "type")]
    kind: String,
    #[schema(value_type = Vec<Object>)]
    features: Vec<serde_json::Value>,
}

/// An error as `application/problem+json` (RFC 9457).
#[derive(Serialize, ToSchema)]
#[schema(as = Problem)]
#[allow(dead_code)]
pub struct ProblemDoc {
    /// `about:blank`.
    #[serde(rename = "type")]
    kind: String,
    /// The HTTP status in words.
    title: String,
    status: u16,
    /// What is wrong and what is allowed.
    detail: String,
    /// The query parameter at fault, when there is one.
    parameter: Option<String>,
}

/// `GET /healthz`.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct Health {
    /// `ok`.
    status: String,
}

/// `GET /readyz`.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct Ready {
    /// `ready`.
    status: String,
    /// `sqlite` or `postgres`.
    database: String,
    dataset: ReadyDataset,
    /// Centres loaded.
    centres: usize,
    /// Postcodes held in memory for lookups; null while the database answers them (at start,
    /// and for a moment after a postcode import).
    postcodes_in_memory: Option<usize>,
}

#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct ReadyDataset {
    /// The directory version being served.
    version: i64,
    /// The version in the database (higher while a new import is being picked up).
    stored_version: i64,
}

/// Answers any route can give: a request target over the cap, and the rate limit.
struct CommonResponses;

impl utoipa::Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let problem = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/problem+json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build()
        };
        for item in openapi.paths.paths.values_mut() {
            for operation in [
                item.get.as_mut(),
                item.post.as_mut(),
                item.put.as_mut(),
                item.delete.as_mut(),
            ]
            .into_iter()
            .flatten()
            {
                let responses = &mut operation.responses.responses;
                responses.entry("414".to_string()).or_insert_with(|| {
                    problem("The request target is longer than 2 048 bytes").into()
                });
                responses.entry("429".to_string()).or_insert_with(|| {
                    problem("Too many requests from this client; see Retry-After").into()
                });
            }
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    modifiers(&CommonResponses),
    info(
        title = "UK cancer centre and TYA unit directory",
        description = "Find the nearest cancer centres and teenage and young adult (TYA) cancer units to a UK postcode, outcode, place or point, with plain-language treatment information and the cancer registry of the nation. Every answer carries the dataset version; GET answers carry an ETag and honour If-None-Match.",
    ),
    paths(
        super::nearest::nearest,
        super::nearest::geocode,
        super::referral::referral,
        super::api::list_centres,
        super::api::get_centre,
        super::api::list_registries,
        super::api::get_registry,
        super::api::registry_statistics,
        super::api::list_treatment,
        super::api::get_treatment,
        super::api::healthz,
        super::api::readyz,
    ),
    tags(
        (name = "locations", description = "What is near a place"),
        (name = "referrals", description = "Where a young person should be treated, by age and nation"),
        (name = "directory", description = "The centres and TYA units"),
        (name = "registries", description = "The national cancer registries"),
        (name = "treatment", description = "Plain-language treatment information"),
        (name = "health", description = "Liveness and readiness"),
    )
)]
pub struct ApiDoc;

/// The API description as JSON, built once: building it takes about half a millisecond, so
/// building it per request made `/openapi.json` the cheapest way to load the server.
fn openapi_bytes() -> actix_web::web::Bytes {
    static JSON: std::sync::OnceLock<actix_web::web::Bytes> = std::sync::OnceLock::new();
    JSON.get_or_init(|| {
        serde_json::to_vec(&ApiDoc::openapi())
            .expect("the API description serialises")
            .into()
    })
    .clone()
}

/// `GET /openapi.json`.
#[get("/openapi.json")]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok()
        .content_type(actix_web::http::header::ContentType::json())
        .body(openapi_bytes())
}

/// `/docs` → `/docs/` (Swagger UI serves its files below the slash).
#[get("/docs")]
pub async fn docs_redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header(("Location", "/docs/"))
        .finish()
}

/// The Swagger UI service, reading `/openapi.json`.
pub fn swagger_ui() -> utoipa_swagger_ui::SwaggerUi {
    utoipa_swagger_ui::SwaggerUi::new("/docs/{_:.*}")
        .config(utoipa_swagger_ui::Config::from("/openapi.json"))
}

/// The methods a route pattern (`/api/v1/centres/{id}`) answers, as an `Allow` header value:
/// from the API description, or the admin routes it leaves out; `None` for other paths (pages,
/// which answer GET and HEAD).
pub fn methods_of(pattern: &str) -> Option<&'static str> {
    match pattern {
        "/api/v1/imports/{dataset}" | "/api/v1/imports/{dataset}/rollback" => return Some("POST"),
        "/api/v1/imports" => return Some("GET, HEAD"),
        _ => {}
    }
    static METHODS: std::sync::OnceLock<std::collections::HashMap<String, &'static str>> =
        std::sync::OnceLock::new();
    METHODS
        .get_or_init(|| {
            let doc: serde_json::Value =
                serde_json::from_slice(&openapi_bytes()).unwrap_or_default();
            let mut map = std::collections::HashMap::new();
            if let Some(paths) = doc["paths"].as_object() {
                for (path, item) in paths {
                    let mut methods: Vec<&str> = ["get", "post", "put", "patch", "delete"]
                        .into_iter()
                        .filter(|m| item.get(*m).is_some())
                        .map(|m| match m {
                            "get" => "GET",
                            "post" => "POST",
                            "put" => "PUT",
                            "patch" => "PATCH",
                            _ => "DELETE",
                        })
                        .collect();
                    // HEAD is answered wherever GET is.
                    if let Some(at) = methods.iter().position(|m| *m == "GET") {
                        methods.insert(at + 1, "HEAD");
                    }
                    if !methods.is_empty() {
                        let allow: &'static str = Box::leak(methods.join(", ").into_boxed_str());
                        map.insert(path.clone(), allow);
                    }
                }
            }
            map
        })
        .get(pattern)
        .copied()
}
