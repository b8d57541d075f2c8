//! The OpenAPI description of the public API (`/openapi.json`) and the interactive docs
//! (`/docs`, Swagger UI served from files built into the binary).

use actix_web::{get, HttpResponse};
use serde_json::{json, Value};
use utoipa::OpenApi;

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
        description = "Find the nearest cancer centres and teenage and young adult (TYA) cancer units to a UK postcode, outcode, place or point, with plain-language treatment information and the cancer registry of the nation. Every answer carries the dataset version; GET answers carry an ETag and honour If-None-Match. Answers speak English or Welsh: send Accept-Language: cy (or add lang=cy to any query) for the human-readable fields (notes, messages, plain service names, referral rules, treatment topics, registry names, problem title and detail) in Welsh; the answer says Content-Language, varies by Accept-Language and has its own ETag; translated dataset text says in `translation` whether a Welsh-speaking clinician has reviewed it. Place names are from GeoNames (https://www.geonames.org/, CC BY 4.0); postcode district centres contain OS data © Crown copyright and database right 2025 and Royal Mail data © Royal Mail copyright and database right 2025 (Code-Point Open, Open Government Licence v3.0).",
    ),
    paths(
        super::nearest::nearest,
        super::nearest::geocode,
        super::places::places,
        super::bulk::nearest_bulk,
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

/// The location parameters, described one by one by [`super::nearest::LocationQuery`].
const LOCATION: [&str; 4] = ["postcode", "q", "lat", "lon"];

/// Describe the location parameters of an operation as what the server enforces: exactly one
/// of `postcode`, `q`, or `lat` with `lon`. OpenAPI cannot say that of separate parameters, so
/// they become the properties of one required object parameter in form style, which a client
/// sends as the same separate parameters (`postcode=LS9`).
fn group_location_parameters(doc: &mut Value) {
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for item in paths.values_mut() {
        let Some(parameters) = item
            .get_mut("get")
            .and_then(|get| get.get_mut("parameters"))
            .and_then(Value::as_array_mut)
        else {
            continue;
        };
        let is_location = |p: &Value| {
            p["in"] == "query" && LOCATION.contains(&p["name"].as_str().unwrap_or_default())
        };
        let Some(at) = parameters.iter().position(is_location) else {
            continue;
        };
        let mut properties = serde_json::Map::new();
        let mut description = Vec::new();
        for p in parameters.iter().filter(|p| is_location(p)) {
            let name = p["name"].as_str().unwrap_or_default().to_string();
            let mut schema = p["schema"].clone();
            // Each property is given or left out; none is null.
            if let Some(types) = schema["type"].as_array() {
                if let Some(single) = types.iter().find(|t| *t != "null") {
                    schema["type"] = single.clone();
                }
            }
            if let Some(text) = p["description"].as_str() {
                description.push(format!("`{name}`: {text}"));
            }
            properties.insert(name, schema);
        }
        let only = |given: &[&str]| {
            let others: Vec<Value> = LOCATION
                .iter()
                .filter(|n| !given.contains(n))
                .map(|n| json!({ "required": [n] }))
                .collect();
            json!({ "required": given, "not": { "anyOf": others } })
        };
        let grouped = json!({
            "name": "location",
            "in": "query",
            "required": true,
            "style": "form",
            "explode": true,
            "description": format!(
                "Where: exactly one of `postcode`, `q`, or `lat` with `lon`, each sent as a parameter of its own. {}",
                description.join(" ")
            ),
            "schema": {
                "type": "object",
                "properties": properties,
                "additionalProperties": false,
                "oneOf": [only(&["postcode"]), only(&["q"]), only(&["lat", "lon"])],
            },
        });
        parameters.retain(|p| !is_location(p));
        parameters.insert(at.min(parameters.len()), grouped);
    }
}

/// The API description as JSON, built once: it does not change while the process runs.
fn openapi_bytes() -> actix_web::web::Bytes {
    static JSON: std::sync::OnceLock<actix_web::web::Bytes> = std::sync::OnceLock::new();
    JSON.get_or_init(|| {
        let mut doc =
            serde_json::to_value(ApiDoc::openapi()).expect("the API description serialises");
        group_location_parameters(&mut doc);
        serde_json::to_vec(&doc)
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
