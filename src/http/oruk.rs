//! Open Referral UK (HSDS 3.0, UK profile) at `/oruk`: the API's description, services
//! (paged, filtered by text, taxonomy term and age), one service in full, services at their
//! locations (near a postcode, within a distance in metres) and the taxonomy terms. Every
//! answer may be read from any origin (`Access-Control-Allow-Origin: *`, set in
//! `hardening::harden`).

use actix_web::{get, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::ApiError;
use super::nearest::locate;
use super::params::{self, Query};
use super::State;
use crate::answer::oruk::{self, Page};
use crate::dataset::Centre;
use crate::domain::PostcodeQuery;
use crate::geocode::Place;
use crate::index::gazetteer::name_key;

/// The published UK profile this API follows.
const PROFILE: &str = "https://github.com/OpenReferralUK/uk-profile";
const PROFILE_OPENAPI: &str =
    "https://raw.githubusercontent.com/OpenReferralUK/uk-profile/main/schema/openapi.json";
const DEFAULT_PER_PAGE: i64 = 50;
const MAX_PER_PAGE: i64 = 200;

fn json(body: &impl serde::Serialize) -> HttpResponse {
    HttpResponse::Ok().json(body)
}

fn refused(e: ApiError) -> HttpResponse {
    actix_web::ResponseError::error_response(&e)
}

fn done(answer: Result<HttpResponse, ApiError>) -> HttpResponse {
    answer.unwrap_or_else(refused)
}

#[derive(serde::Serialize)]
struct About {
    version: &'static str,
    profile: &'static str,
    openapi_url: &'static str,
}

/// `GET /oruk/`: which HSDS version and profile this API speaks.
#[get("/oruk/")]
pub async fn about() -> HttpResponse {
    about_body()
}

/// `GET /oruk` (without the slash) answers the same.
#[get("/oruk")]
pub async fn about_bare() -> HttpResponse {
    about_body()
}

fn about_body() -> HttpResponse {
    json(&About {
        version: "3.0",
        profile: PROFILE,
        openapi_url: PROFILE_OPENAPI,
    })
}

/// The filters and paging of `/oruk/services` and `/oruk/service_at_locations`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ServicesQuery {
    /// Words the service's name or description contains.
    text: Option<String>,
    /// The same as `text` (the name the UK profile's API description uses).
    search: Option<String>,
    /// Only services with this taxonomy term (its id, or its code such as `tya_unit`).
    taxonomy_term_id: Option<String>,
    /// Only services whose minimum age is at least this.
    minimum_age: Option<String>,
    /// Only services whose maximum age is at most this.
    maximum_age: Option<String>,
    /// Page number, from 1.
    page: Option<String>,
    /// Results a page, 1 to 200 (default 50).
    per_page: Option<String>,
    /// Services at locations only: a postcode (or outcode) to measure from; nearest first.
    postcode: Option<String>,
    /// Services at locations only: only those within this many metres of `postcode`.
    proximity: Option<String>,
}

struct Filters {
    text: Option<String>,
    term: Option<String>,
    minimum_age: Option<i64>,
    maximum_age: Option<i64>,
    page: usize,
    per_page: usize,
}

impl Filters {
    fn read(q: &mut ServicesQuery) -> Result<Self, ApiError> {
        let text = match (
            params::given("text", q.text.take())?,
            params::given("search", q.search.take())?,
        ) {
            (Some(t), _) | (None, Some(t)) => Some(name_key(&t)),
            (None, None) => None,
        };
        let term = params::given("taxonomy_term_id", q.taxonomy_term_id.take())?;
        if let Some(t) = &term {
            if !oruk::taxonomy_terms()
                .iter()
                .any(|x| &x.id == t || &x.term == t)
            {
                return Err(ApiError::bad_parameter(
                    "taxonomy_term_id",
                    format!("taxonomy_term_id '{}' is not a term of this directory; see /oruk/taxonomy_terms", params::shorten(t)),
                ));
            }
        }
        Ok(Self {
            text,
            term,
            minimum_age: params::integer("minimum_age", q.minimum_age.take(), 0, 120)?,
            maximum_age: params::integer("maximum_age", q.maximum_age.take(), 0, 120)?,
            page: params::integer("page", q.page.take(), 1, 100_000)?.unwrap_or(1) as usize,
            per_page: params::integer("per_page", q.per_page.take(), 1, MAX_PER_PAGE)?
                .unwrap_or(DEFAULT_PER_PAGE) as usize,
        })
    }

    fn accept(&self, c: &Centre) -> bool {
        let text_ok = self.text.as_ref().is_none_or(|t| {
            let haystack = name_key(&format!(
                "{} {} {} {}",
                c.name, c.hospital, c.town, c.organisation
            ));
            haystack.contains(t.as_str())
        });
        let term_ok = self.term.as_ref().is_none_or(|t| {
            oruk::term_codes(c)
                .iter()
                .any(|code| code == t || oruk::uuid("taxonomy_term", code) == *t)
        });
        let min_ok = self
            .minimum_age
            .is_none_or(|m| c.ages.is_some_and(|a| i64::from(a.min()) >= m));
        let max_ok = self
            .maximum_age
            .is_none_or(|m| c.ages.is_some_and(|a| i64::from(a.max()) <= m));
        text_ok && term_ok && min_ok && max_ok
    }
}

/// `GET /oruk/services`: services, paged.
#[get("/oruk/services")]
pub async fn services(state: State, query: Query<ServicesQuery>) -> HttpResponse {
    done((|| {
        let mut q = query.0;
        if q.postcode.is_some() || q.proximity.is_some() {
            return Err(ApiError::bad_parameter(
                if q.postcode.is_some() {
                    "postcode"
                } else {
                    "proximity"
                },
                "postcode and proximity belong to /oruk/service_at_locations",
            ));
        }
        let filters = Filters::read(&mut q)?;
        let snapshot = state.directory.snapshot();
        let all: Vec<oruk::ServiceSummary> = snapshot
            .centres()
            .iter()
            .filter(|c| filters.accept(c))
            .map(|c| oruk::summary(c, &snapshot.updated_at))
            .collect();
        Ok(json(&Page::of(all, filters.page, filters.per_page)))
    })())
}

/// `GET /oruk/services/{id}`: one service in full (its UUID, or the directory's own id).
#[get("/oruk/services/{id}")]
pub async fn service(state: State, id: web::Path<String>) -> HttpResponse {
    let snapshot = state.directory.snapshot();
    done(
        oruk::centre_by_id(&snapshot, &id)
            .map(|c| json(&oruk::full(c, &snapshot.updated_at)))
            .ok_or_else(|| {
                ApiError::NotFound(format!("no service has the id '{}'", params::shorten(&id)))
            }),
    )
}

/// `GET /oruk/service_at_locations`: services at their locations, nearest to `postcode`
/// first when one is given.
#[get("/oruk/service_at_locations")]
pub async fn service_at_locations(state: State, query: Query<ServicesQuery>) -> HttpResponse {
    let mut q = query.0;
    let postcode = q.postcode.take();
    let proximity = q.proximity.take();
    let read = (|| {
        let filters = Filters::read(&mut q)?;
        let postcode = params::given("postcode", postcode)?
            .map(|p| {
                PostcodeQuery::parse(&p).ok_or_else(|| {
                    ApiError::bad_parameter(
                        "postcode",
                        format!("postcode '{}' is not a UK postcode; expected a form like LS9 7TF or LS9", params::shorten(&p)),
                    )
                })
            })
            .transpose()?;
        let proximity = match params::given("proximity", proximity)? {
            None => None,
            Some(p) => match p.trim().parse::<f64>() {
                Ok(m) if m.is_finite() && m >= 0.0 => Some(m),
                _ => {
                    return Err(ApiError::bad_parameter(
                        "proximity",
                        format!(
                            "proximity '{}' is not a distance in metres (a number of 0 or more)",
                            params::shorten(&p)
                        ),
                    ))
                }
            },
        };
        if proximity.is_some() && postcode.is_none() {
            return Err(ApiError::bad_parameter(
                "proximity",
                "proximity needs a postcode to measure from",
            ));
        }
        Ok((filters, postcode, proximity))
    })();
    let (filters, postcode, proximity) = match read {
        Ok(r) => r,
        Err(e) => return refused(e),
    };
    let snapshot = state.directory.snapshot();
    let from = match postcode {
        Some(pc) => match locate(&state, &snapshot, Place::Postcode(pc)).await {
            Ok(l) => Some(l.coordinates()),
            Err(e) => return refused(e),
        },
        None => None,
    };
    let mut all: Vec<(Option<f64>, &Centre)> = snapshot
        .centres()
        .iter()
        .filter(|c| filters.accept(c))
        .map(|c| (from.map(|f| f.distance_km(c.location) * 1000.0), c))
        .filter(|(m, _)| proximity.is_none_or(|p| m.is_some_and(|m| m <= p)))
        .collect();
    if from.is_some() {
        all.sort_by(|a, b| a.0.unwrap_or(0.0).total_cmp(&b.0.unwrap_or(0.0)));
    }
    let contents: Vec<oruk::ServiceAtLocationSummary> = all
        .into_iter()
        .map(|(metres, c)| {
            let sal = oruk::service_at_location(c);
            oruk::ServiceAtLocationSummary {
                id: sal.id,
                service_id: sal.service_id,
                location_id: sal.location_id,
                location: sal.location,
                service: oruk::summary(c, &snapshot.updated_at),
                distance: metres.map(f64::round),
            }
        })
        .collect();
    json(&Page::of(contents, filters.page, filters.per_page))
}

/// The paging of `/oruk/taxonomy_terms`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    page: Option<String>,
    per_page: Option<String>,
}

/// `GET /oruk/taxonomy_terms`: what the directory's services are classified by.
#[get("/oruk/taxonomy_terms")]
pub async fn taxonomy_terms(query: Query<PageQuery>) -> HttpResponse {
    done((|| {
        let q = query.0;
        let page = params::integer("page", q.page, 1, 100_000)?.unwrap_or(1) as usize;
        let per_page = params::integer("per_page", q.per_page, 1, MAX_PER_PAGE)?
            .unwrap_or(DEFAULT_PER_PAGE) as usize;
        Ok(json(&Page::of(oruk::taxonomy_terms(), page, per_page)))
    })())
}
