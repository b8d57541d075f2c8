//! FHIR R4 at `/fhir` (JSON only): the CapabilityStatement, read by id, and search of
//! `Location`, `Organization` and `HealthcareService`, with `near` ordered by true
//! great-circle distance and each entry's distance in the `location-distance` extension.
//! Errors are `OperationOutcome`s; unknown search parameters are ignored (and left out of
//! the `self` link) unless the client sends `Prefer: handling=strict`.

use actix_web::http::StatusCode;
use actix_web::{get, web, HttpRequest, HttpResponse};

use super::State;
use crate::answer::fhir::{
    self, Bundle, BundleEntry, BundleLink, DistanceUnit, OperationOutcome, ParamSpec, Resource,
    Search, LOCATION_PARAMS, ORGANIZATION_PARAMS, SERVICE_PARAMS,
};
use crate::dataset::Centre;
use crate::domain::{Coordinates, Vocabulary};
use crate::index::Snapshot;

const CONTENT_TYPE: &str = "application/fhir+json; charset=utf-8";
/// Results a page holds unless `_count` says otherwise, and the most it may hold.
const DEFAULT_COUNT: usize = 20;
const MAX_COUNT: usize = 100;
/// The radius of a `near` search that gives none.
const DEFAULT_NEAR_KM: f64 = 50.0;
/// Parameters of every search: paging, includes, format.
const RESULT_PARAMS: &[&str] = &["_count", "_offset", "_include", "_format"];

/// A FHIR answer or an OperationOutcome with its status.
type Answer = Result<HttpResponse, (StatusCode, OperationOutcome)>;

fn respond(status: StatusCode, body: &impl serde::Serialize) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(CONTENT_TYPE)
        .json(body)
}

fn finish(answer: Answer) -> HttpResponse {
    match answer {
        Ok(response) => response,
        Err((status, outcome)) => respond(status, &outcome),
    }
}

fn invalid(parameter: &str, diagnostics: String) -> (StatusCode, OperationOutcome) {
    (
        StatusCode::BAD_REQUEST,
        OperationOutcome::error("invalid", diagnostics, Some(parameter)),
    )
}

fn not_found(diagnostics: String) -> (StatusCode, OperationOutcome) {
    (
        StatusCode::NOT_FOUND,
        OperationOutcome::error("not-found", diagnostics, None),
    )
}

/// The service's FHIR base URL as the client reached it.
fn base_url(req: &HttpRequest) -> String {
    let info = req.connection_info();
    format!("{}://{}/fhir", info.scheme(), info.host())
}

/// JSON only: `_format` or an `Accept` that wants only XML is refused with 406.
fn check_format(
    req: &HttpRequest,
    params: &[(String, String)],
) -> Result<(), (StatusCode, OperationOutcome)> {
    let json = |v: &str| {
        let v = v.trim().to_ascii_lowercase();
        v == "json" || v.contains("json") || v.starts_with("*/*")
    };
    if let Some((_, f)) = params.iter().find(|(k, _)| k == "_format") {
        if !json(f) {
            return Err((
                StatusCode::NOT_ACCEPTABLE,
                OperationOutcome::error(
                    "not-supported",
                    crate::tr!("fhir-format", value = f.as_str()),
                    Some("_format"),
                ),
            ));
        }
    }
    if let Some(accept) = req
        .headers()
        .get(actix_web::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
    {
        if !accept.split(',').any(|a| json(a) || a.trim().is_empty()) {
            return Err((
                StatusCode::NOT_ACCEPTABLE,
                OperationOutcome::error("not-supported", crate::tr!("fhir-accept"), None),
            ));
        }
    }
    Ok(())
}

fn strict(req: &HttpRequest) -> bool {
    req.headers()
        .get_all("prefer")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|p| p.trim().eq_ignore_ascii_case("handling=strict"))
}

/// `GET /fhir/metadata`.
#[get("/fhir/metadata")]
pub async fn metadata(state: State, req: HttpRequest) -> HttpResponse {
    let snapshot = state.directory.snapshot();
    finish(check_format(&req, &query_pairs(&req)).map(|()| {
        respond(
            StatusCode::OK,
            &fhir::capability_statement(&base_url(&req), &snapshot.updated_at),
        )
    }))
}

/// `GET /fhir/{type}/{id}`.
#[get("/fhir/{resource}/{id}")]
pub async fn read(
    state: State,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (resource, id) = path.into_inner();
    let snapshot = state.directory.snapshot();
    finish(check_format(&req, &query_pairs(&req)).and_then(|()| {
        let found = match resource.as_str() {
            "Location" => snapshot
                .centre(&id)
                .map(|c| Resource::Location(Box::new(fhir::location(c)))),
            "HealthcareService" => snapshot
                .centre(&id)
                .map(|c| Resource::HealthcareService(Box::new(fhir::healthcare_service(c)))),
            "Organization" => fhir::organizations(&snapshot)
                .into_iter()
                .find(|o| o.id == id)
                .map(|o| Resource::Organization(Box::new(o))),
            other => return Err(unknown_type(other)),
        };
        match found {
            Some(r) => Ok(respond(StatusCode::OK, &r)),
            None => Err(not_found(crate::tr!(
                "fhir-unknown-id",
                resource = resource.as_str(),
                id = id.as_str()
            ))),
        }
    }))
}

fn unknown_type(name: &str) -> (StatusCode, OperationOutcome) {
    let shown: String = name.chars().take(40).collect();
    (
        StatusCode::NOT_FOUND,
        OperationOutcome::error(
            "not-supported",
            crate::tr!("fhir-unknown-type", name = shown),
            None,
        ),
    )
}

fn query_pairs(req: &HttpRequest) -> Vec<(String, String)> {
    form_urlencoded::parse(req.query_string().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// `GET /fhir/{type}`: a search.
#[get("/fhir/{resource}")]
pub async fn search(state: State, req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    let resource = path.into_inner();
    let snapshot = state.directory.snapshot();
    let params = query_pairs(&req);
    finish(check_format(&req, &params).and_then(|()| {
        let supported = match resource.as_str() {
            "Location" => LOCATION_PARAMS,
            "HealthcareService" => SERVICE_PARAMS,
            "Organization" => ORGANIZATION_PARAMS,
            other => return Err(unknown_type(other)),
        };
        let query = SearchQuery::read(&params, supported, strict(&req), &resource)?;
        let base = base_url(&req);
        let (total, entries) = match resource.as_str() {
            "Organization" => search_organizations(&snapshot, &query, &base)?,
            "Location" => search_centres(&snapshot, &query, &base, Target::Location)?,
            _ => search_centres(&snapshot, &query, &base, Target::Service)?,
        };
        let bundle = Bundle::searchset(total, query.links(&base, &resource, total), entries);
        Ok(respond(StatusCode::OK, &bundle))
    }))
}

/// A search's parameters, checked.
struct SearchQuery {
    /// The search parameters used, in order, with their modifiers (`name:contains`).
    used: Vec<(String, String)>,
    count: usize,
    offset: usize,
    include_location: bool,
}

impl SearchQuery {
    fn read(
        params: &[(String, String)],
        supported: &[ParamSpec],
        strict: bool,
        resource: &str,
    ) -> Result<Self, (StatusCode, OperationOutcome)> {
        let mut used = Vec::new();
        let mut count = DEFAULT_COUNT;
        let mut offset = 0;
        let mut include_location = false;
        for (key, value) in params {
            let base_name = key.split(':').next().unwrap_or_default();
            match key.as_str() {
                "_count" => {
                    count = value
                        .parse::<usize>()
                        .map_err(|_| {
                            invalid(
                                "_count",
                                crate::tr!(
                                    "fhir-not-whole",
                                    name = "_count",
                                    value = value.as_str()
                                ),
                            )
                        })?
                        .min(MAX_COUNT);
                }
                "_offset" => {
                    offset = value.parse().map_err(|_| {
                        invalid(
                            "_offset",
                            crate::tr!("fhir-not-whole", name = "_offset", value = value.as_str()),
                        )
                    })?;
                }
                "_include" => {
                    if resource == "HealthcareService"
                        && (value == "HealthcareService:location"
                            || value == "HealthcareService:location:Location")
                    {
                        include_location = true;
                    } else if strict {
                        return Err(invalid(
                            "_include",
                            crate::tr!("fhir-include", value = value.as_str()),
                        ));
                    }
                }
                "_format" => {}
                _ if supported.iter().any(|(name, ..)| *name == base_name)
                    && modifier_allowed(key) =>
                {
                    if value.is_empty() {
                        return Err(invalid(
                            key,
                            crate::tr!("error-empty-parameter", name = key.as_str()),
                        ));
                    }
                    used.push((key.clone(), value.clone()));
                }
                _ if RESULT_PARAMS.contains(&key.as_str()) => {}
                _ => {
                    if strict {
                        let shown: String = key.chars().take(40).collect();
                        let known: Vec<&str> = supported.iter().map(|(n, ..)| *n).collect();
                        return Err(invalid(
                            &shown,
                            crate::tr!(
                                "fhir-unknown-parameter",
                                name = shown.as_str(),
                                resource = resource,
                                known = known.join(", "),
                                include = if resource == "HealthcareService" {
                                    ", _include"
                                } else {
                                    ""
                                }
                            ),
                        ));
                    }
                }
            }
        }
        Ok(Self {
            used,
            count,
            offset,
            include_location,
        })
    }

    fn url(&self, base: &str, resource: &str, offset: usize) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.used {
            query.append_pair(k, v);
        }
        if self.include_location {
            query.append_pair("_include", "HealthcareService:location");
        }
        query.append_pair("_count", &self.count.to_string());
        query.append_pair("_offset", &offset.to_string());
        format!("{base}/{resource}?{}", query.finish())
    }

    fn links(&self, base: &str, resource: &str, total: usize) -> Vec<BundleLink> {
        let mut links = vec![BundleLink {
            relation: "self",
            url: self.url(base, resource, self.offset),
        }];
        if self.count > 0 && self.offset + self.count < total {
            links.push(BundleLink {
                relation: "next",
                url: self.url(base, resource, self.offset + self.count),
            });
        }
        if self.offset > 0 && self.count > 0 {
            links.push(BundleLink {
                relation: "previous",
                url: self.url(base, resource, self.offset.saturating_sub(self.count)),
            });
        }
        links
    }
}

/// String parameters may carry `:contains` or `:exact`; no other modifiers are supported.
fn modifier_allowed(key: &str) -> bool {
    match key.split_once(':') {
        None => true,
        Some((name, modifier)) => {
            matches!(name, "name" | "address-postalcode")
                && matches!(modifier, "contains" | "exact")
        }
    }
}

/// Lower case, accents folded: how FHIR compares strings.
fn fold(s: &str) -> String {
    deunicode::deunicode(s).to_lowercase()
}

/// Whether a string parameter (`name`, `name:contains`, `name:exact`) matches `value`.
fn string_matches(key: &str, wanted: &str, value: &str) -> bool {
    match key.split_once(':').map(|(_, m)| m) {
        Some("exact") => value == wanted,
        Some("contains") => fold(value).contains(&fold(wanted)),
        _ => fold(value).starts_with(&fold(wanted)),
    }
}

/// The id of a reference given as `Type/id`, a full URL ending so, or a bare id.
fn referenced<'a>(value: &'a str, type_: &str) -> &'a str {
    let marker = format!("{type_}/");
    match value.rfind(&marker) {
        Some(at) => &value[at + marker.len()..],
        None => value,
    }
}

/// A token `system|code`, `|code` or `code`: the code, and the system when given.
fn token(value: &str) -> (Option<&str>, &str) {
    match value.split_once('|') {
        Some((system, code)) => (Some(system), code),
        None => (None, value),
    }
}

/// `near=latitude|longitude|distance|unit`.
fn near(
    key: &str,
    value: &str,
) -> Result<(Coordinates, f64, DistanceUnit), (StatusCode, OperationOutcome)> {
    let bad = |why: String| {
        invalid(
            key,
            crate::tr!("fhir-near", name = key, value = value, why = why),
        )
    };
    let parts: Vec<&str> = value.split('|').collect();
    if parts.len() < 2 || parts.len() > 4 {
        return Err(bad(crate::tr!("fhir-near-parts")));
    }
    let lat: f64 = parts[0]
        .trim()
        .parse()
        .map_err(|_| bad(crate::tr!("fhir-near-lat")))?;
    let lon: f64 = parts[1]
        .trim()
        .parse()
        .map_err(|_| bad(crate::tr!("fhir-near-lon")))?;
    let at = Coordinates::new(lat, lon).map_err(bad)?;
    let unit = match parts.get(3).map(|u| u.trim()) {
        None | Some("") | Some("km") => DistanceUnit::Km,
        Some("[mi_i]") | Some("mi_i") | Some("mi") => DistanceUnit::Miles,
        Some(other) => return Err(bad(crate::tr!("fhir-near-unit", unit = other))),
    };
    let radius = match parts.get(2).map(|d| d.trim()) {
        None | Some("") => DEFAULT_NEAR_KM,
        Some(d) => match d.parse::<f64>() {
            Ok(n) if n.is_finite() && n >= 0.0 => unit.km(n),
            _ => return Err(bad(crate::tr!("fhir-near-distance"))),
        },
    };
    Ok((at, radius, unit))
}

#[derive(Clone, Copy, PartialEq)]
enum Target {
    Location,
    Service,
}

/// Locations or services (one of each per centre), filtered, ordered, paged.
fn search_centres(
    snapshot: &Snapshot,
    query: &SearchQuery,
    base: &str,
    target: Target,
) -> Result<(usize, Vec<BundleEntry>), (StatusCode, OperationOutcome)> {
    let mut found: Vec<(&Centre, Option<f64>)> =
        snapshot.centres().iter().map(|c| (c, None)).collect();
    let mut by_distance: Option<DistanceUnit> = None;
    for (key, value) in &query.used {
        let name = key.split(':').next().unwrap_or_default();
        match name {
            "_id" => {
                let ids: Vec<&str> = value.split(',').map(str::trim).collect();
                found.retain(|(c, _)| ids.contains(&c.id.as_str()));
            }
            "name" => {
                let any: Vec<&str> = value.split(',').collect();
                found.retain(|(c, _)| any.iter().any(|v| string_matches(key, v, &c.name)));
            }
            "address-postalcode" => {
                let compact = |s: &str| s.replace(' ', "").to_ascii_uppercase();
                let any: Vec<String> = value.split(',').map(compact).collect();
                found.retain(|(c, _)| {
                    let pc = compact(&c.postcode.to_string());
                    any.iter().any(|v| {
                        if key.ends_with(":exact") {
                            &pc == v
                        } else {
                            pc.starts_with(v.as_str())
                        }
                    })
                });
            }
            "organization" => {
                let any: Vec<&str> = value
                    .split(',')
                    .map(|v| referenced(v.trim(), "Organization"))
                    .collect();
                found.retain(|(c, _)| any.contains(&fhir::organisation_of(c).as_str()));
            }
            "location" => {
                let any: Vec<&str> = value
                    .split(',')
                    .map(|v| referenced(v.trim(), "Location"))
                    .collect();
                found.retain(|(c, _)| any.contains(&c.id.as_str()));
            }
            "service-category" => {
                let any: Vec<(Option<&str>, &str)> = value.split(',').map(token).collect();
                found.retain(|(c, _)| {
                    any.iter().any(|(system, code)| {
                        system.is_none_or(|s| s.is_empty() || s == fhir::SERVICE_CATEGORY_SYSTEM)
                            && *code == fhir::category_code(c)
                    })
                });
            }
            "service-type" => {
                let any: Vec<(Option<&str>, &str)> = value.split(',').map(token).collect();
                found.retain(|(c, _)| {
                    any.iter().any(|(system, code)| {
                        let kind = system.is_none_or(|s| s.is_empty() || s == fhir::KIND_SYSTEM)
                            && c.kind.as_str() == *code;
                        let service = system
                            .is_none_or(|s| s.is_empty() || s == fhir::SERVICE_SYSTEM)
                            && c.services.iter().any(|s| s.as_str() == *code);
                        kind || service
                    })
                });
            }
            "near" | "location.near" => {
                let (at, radius_km, unit) = near(key, value)?;
                found = found
                    .into_iter()
                    .map(|(c, _)| (c, Some(at.distance_km(c.location))))
                    .filter(|(_, d)| d.is_some_and(|d| d <= radius_km))
                    .collect();
                by_distance = Some(unit);
            }
            _ => {}
        }
    }
    match by_distance {
        Some(_) => found.sort_by(|a, b| {
            a.1.unwrap_or(0.0)
                .total_cmp(&b.1.unwrap_or(0.0))
                .then_with(|| a.0.id.cmp(&b.0.id))
        }),
        None => found.sort_by(|a, b| a.0.id.cmp(&b.0.id)),
    }
    let total = found.len();
    let page = found.into_iter().skip(query.offset).take(query.count);
    let mut entries = Vec::new();
    let mut included: Vec<BundleEntry> = Vec::new();
    for (c, distance) in page {
        let resource = match target {
            Target::Location => Resource::Location(Box::new(fhir::location(c))),
            Target::Service => Resource::HealthcareService(Box::new(fhir::healthcare_service(c))),
        };
        entries.push(BundleEntry {
            full_url: format!("{base}/{}/{}", resource.type_name(), resource.id()),
            resource,
            search: Search::matched(distance.zip(by_distance)),
        });
        if target == Target::Service && query.include_location {
            included.push(BundleEntry {
                full_url: format!("{base}/Location/{}", c.id),
                resource: Resource::Location(Box::new(fhir::location(c))),
                search: Search::included(),
            });
        }
    }
    entries.extend(included);
    Ok((total, entries))
}

fn search_organizations(
    snapshot: &Snapshot,
    query: &SearchQuery,
    base: &str,
) -> Result<(usize, Vec<BundleEntry>), (StatusCode, OperationOutcome)> {
    let mut found = fhir::organizations(snapshot);
    for (key, value) in &query.used {
        match key.split(':').next().unwrap_or_default() {
            "_id" => {
                let ids: Vec<&str> = value.split(',').map(str::trim).collect();
                found.retain(|o| ids.contains(&o.id.as_str()));
            }
            "name" => {
                let any: Vec<&str> = value.split(',').collect();
                found.retain(|o| any.iter().any(|v| string_matches(key, v, &o.name)));
            }
            _ => {}
        }
    }
    let total = found.len();
    let entries = found
        .into_iter()
        .skip(query.offset)
        .take(query.count)
        .map(|o| BundleEntry {
            full_url: format!("{base}/Organization/{}", o.id),
            resource: Resource::Organization(Box::new(o)),
            search: Search::matched(None),
        })
        .collect();
    Ok((total, entries))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_reads_every_documented_form() {
        let (at, km, unit) = near("near", "53.8|-1.55|25|km").unwrap();
        assert_eq!((at.lat(), km, unit), (53.8, 25.0, DistanceUnit::Km));
        let (_, km, unit) = near("near", "53.8|-1.55|10|[mi_i]").unwrap();
        assert!((km - 16.09344).abs() < 1e-9);
        assert_eq!(unit, DistanceUnit::Miles);
        assert_eq!(near("near", "53.8|-1.55").unwrap().1, DEFAULT_NEAR_KM);
        for bad in [
            "53.8",
            "x|1|2|km",
            "53.8|-1.55|-1|km",
            "53.8|-1.55|5|furlong",
            "10|10|5|km",
        ] {
            assert!(near("near", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn strings_match_as_fhir_says() {
        assert!(string_matches(
            "name",
            "st j",
            "St James's University Hospital"
        ));
        assert!(string_matches("name", "ysbyty", "Ysbyty Gwynedd"));
        assert!(!string_matches("name", "james", "St James's"));
        assert!(string_matches("name:contains", "james", "St James's"));
        assert!(!string_matches("name:exact", "st james's", "St James's"));
        assert_eq!(
            referenced("https://x.org/fhir/Organization/org-a", "Organization"),
            "org-a"
        );
        assert_eq!(referenced("org-a", "Organization"), "org-a");
        assert_eq!(token("http://x|31"), (Some("http://x"), "31"));
    }
}
