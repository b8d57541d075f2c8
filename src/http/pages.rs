//! The website: server-rendered pages for patients, families and clinicians (askama templates,
//! compiled and auto-escaped), built on the same answers as the API. Searching needs no
//! JavaScript; "use my location" is a small enhancement in `/static/site.js`.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{get, web, HttpRequest, HttpResponse};
use askama::Template;

use super::State;
use crate::answer::figures::{FigureQuery, FigureView};
use crate::answer::map::{self, Marker, Picture};
use crate::answer::nearest::{Filters, NearestAnswer};
use crate::answer::referral::ReferralAnswer;
use crate::answer::views::{CentreView, RegistryView, TopicSummaryView, TopicView};
use crate::domain::{parse_age, CentreKind, Coordinates, Nation, PostcodeQuery, Vocabulary};
use crate::geocode::{describe_place, GeocodeError, Location, Place, PlaceSummary, Precision};
use crate::index::Snapshot;

/// The stylesheet and the one script, built into the binary.
const SITE_CSS: &str = include_str!("../../static/site.css");
const SITE_JS: &str = include_str!("../../static/site.js");

/// A problem with one form field, shown in the error summary and beside the field.
#[derive(Debug, Clone)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

/// What was typed into a search form, kept to show again.
#[derive(Debug, Clone, Default)]
pub struct SearchForm {
    pub q: String,
    pub kind: String,
    pub age: String,
    /// Miles: empty for any distance.
    pub within: String,
}

fn error_for<'a>(errors: &'a [FieldError], field: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.as_str())
}

/// A figure's words, for the templates' tables.
pub fn figure_label(f: &FigureView) -> String {
    let what = crate::answer::figures::describe(f);
    // "346,217 new diagnoses a year (all cancers, all ages, 2022)" → the words after the number.
    what.split_once(' ')
        .map(|(_, rest)| rest.to_string())
        .unwrap_or(what)
}

/// A figure's number, for the templates' tables.
pub fn figure_value(f: &FigureView) -> String {
    crate::answer::figures::describe(f)
        .split(' ')
        .next()
        .unwrap_or_default()
        .to_string()
}

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage {
    form: SearchForm,
    errors: Vec<FieldError>,
    version: i64,
}

impl IndexPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }

    fn within_is(&self, miles: impl AsRef<str>) -> bool {
        self.form.within == miles.as_ref()
    }
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    form: SearchForm,
    errors: Vec<FieldError>,
    answer: Option<NearestAnswer>,
    /// Places spelt nearly like a name we did not know.
    suggestions: Vec<Link>,
    print: Option<PrintFoot>,
    version: i64,
}

/// The foot of a printed page: where it came from and how current the data is.
#[derive(Debug, Clone)]
struct PrintFoot {
    url: String,
    data_as_of: String,
}

impl PrintFoot {
    fn of(req: &HttpRequest, snapshot: &Snapshot) -> Self {
        let info = req.connection_info();
        let date = snapshot.updated_at.get(..10).unwrap_or_default();
        PrintFoot {
            url: format!("{}://{}{}", info.scheme(), info.host(), req.uri()),
            data_as_of: long_date(date),
        }
    }
}

/// A link the page offers: its text and where it goes.
#[derive(Debug, Clone)]
struct Link {
    label: String,
    href: String,
}

impl SearchForm {
    /// The same search for another place.
    fn search_for(&self, q: &str) -> String {
        let mut url = form_urlencoded::Serializer::for_suffix(String::from("/search?"), 8);
        url.append_pair("q", q);
        for (name, value) in [
            ("kind", &self.kind),
            ("age", &self.age),
            ("within", &self.within),
        ] {
            if !value.is_empty() {
                url.append_pair(name, value);
            }
        }
        url.finish()
    }

    fn link_to(&self, place: &PlaceSummary) -> Link {
        let label = describe_place(place);
        Link {
            href: self.search_for(&label),
            label,
        }
    }
}

impl SearchPage {
    /// The results drawn on a map.
    fn map_svg(&self) -> Option<String> {
        let answer = self.answer.as_ref()?;
        let what = match self.form.kind.as_str() {
            "tya_unit" => "TYA units",
            "cancer_centre" => "cancer centres",
            _ => "places",
        };
        let heading = self.heading();
        let place = heading.split(" near ").nth(1).unwrap_or_default();
        Some(map::results_map(
            what,
            &answer.location,
            &answer.centres_by_distance(),
            place,
        ))
    }

    fn error_for(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }

    fn within_is(&self, miles: impl AsRef<str>) -> bool {
        self.form.within == miles.as_ref()
    }

    fn place(&self) -> String {
        self.answer
            .as_ref()
            .map(|a| a.location.query.clone())
            .unwrap_or_else(|| self.form.q.trim().to_string())
    }

    fn heading(&self) -> String {
        let what = match self.form.kind.as_str() {
            "tya_unit" => "TYA units",
            "cancer_centre" => "Cancer centres",
            _ => "Cancer centres and TYA units",
        };
        let location = self.answer.as_ref().map(|a| &a.location);
        let place = match location {
            Some(l) if l.precision == Precision::Point => match &l.near {
                Some(near) => format!("you ({})", near.place.name),
                None => "your location".to_string(),
            },
            Some(Location {
                place: Some(p),
                alternatives,
                ..
            }) => {
                if alternatives.is_empty() {
                    p.name.clone()
                } else {
                    describe_place(p)
                }
            }
            _ if !self.form.q.is_empty() => self.form.q.clone(),
            _ => self.place(),
        };
        format!("{what} near {place}")
    }

    /// Other places of the name searched for.
    fn alternatives(&self) -> Vec<Link> {
        self.answer
            .as_ref()
            .map(|a| {
                a.location
                    .alternatives
                    .iter()
                    .map(|p| self.form.link_to(p))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// For "Use my location": how far the nearest place we know is.
    fn near_note(&self) -> Option<String> {
        let location = &self.answer.as_ref()?.location;
        let near = location.near.as_ref()?;
        Some(if near.distance_km < 1.0 {
            format!("Your location is in {}.", describe_place(&near.place))
        } else {
            format!(
                "Your location is about {} km ({} miles) from the centre of {}.",
                near.distance_km.round(),
                (near.distance_km / 1.609_344).round(),
                describe_place(&near.place)
            )
        })
    }

    /// The location's caveat as a sentence.
    fn location_note(&self) -> Option<String> {
        let note = self.answer.as_ref()?.location.note.as_deref()?;
        let mut chars = note.chars();
        let first = chars.next()?.to_uppercase().collect::<String>();
        Some(format!("{first}{}.", chars.as_str().trim_end_matches('.')))
    }
}

#[derive(Template)]
#[template(path = "centre.html")]
struct CentrePage {
    centre: CentreView,
    registry: Option<RegistryView>,
    registry_note: Option<&'static str>,
    print: Option<PrintFoot>,
    version: i64,
}

impl CentrePage {
    /// A small locator map of the site.
    fn map_svg(&self) -> String {
        let at = Coordinates::new(self.centre.lat, self.centre.lon).ok();
        map::svg(&Picture {
            title: format!(
                "Map: where {} is, in {}",
                self.centre.hospital, self.centre.town
            ),
            location: None,
            markers: at
                .map(|at| Marker {
                    number: 1,
                    at,
                    label: format!("{}, {}", self.centre.hospital, self.centre.town),
                    href: "#details".to_string(),
                })
                .into_iter()
                .collect(),
        })
    }

    fn kind_plain(&self) -> &'static str {
        match self.centre.kind {
            CentreKind::TyaUnit => "Unit for teenagers and young adults (TYA unit)",
            CentreKind::CancerCentre => "Cancer centre",
        }
    }

    fn directions_to(&self) -> String {
        crate::answer::directions_url(None, self.centre.lat, self.centre.lon)
    }

    /// The first of `;`-separated source URLs.
    fn first_source<'a>(&self, sources: &'a str) -> &'a str {
        sources.split(';').next().unwrap_or_default().trim()
    }
}

#[derive(Template)]
#[template(path = "treatment.html")]
struct TreatmentPage {
    topics: Vec<TopicSummaryView>,
    version: i64,
}

#[derive(Template)]
#[template(path = "topic.html")]
struct TopicPage {
    topic: TopicView,
    version: i64,
}

impl TopicPage {
    fn paragraphs(&self) -> Vec<&str> {
        self.topic
            .body
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect()
    }
}

#[derive(Template)]
#[template(path = "registries.html")]
struct RegistriesPage {
    registries: Vec<RegistryView>,
    version: i64,
}

#[derive(Template)]
#[template(path = "referral.html")]
struct ReferralPage {
    form: SearchForm,
    errors: Vec<FieldError>,
    answer: Option<ReferralAnswer>,
    print: Option<PrintFoot>,
    version: i64,
}

impl ReferralPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }

    /// The places that fit, drawn on a map.
    fn map_svg(&self) -> Option<String> {
        let answer = self.answer.as_ref()?;
        let results: Vec<(&CentreView, f64, f64)> = answer
            .results
            .iter()
            .map(|r| (&r.centre, r.distance_km, r.distance_miles))
            .collect();
        Some(map::results_map(
            "places that fit",
            &answer.location,
            &results,
            &answer.location.query,
        ))
    }

    fn nation_name(&self, n: &Nation) -> &'static str {
        n.display_name()
    }
}

#[derive(Template)]
#[template(path = "not_found.html")]
struct NotFoundPage {
    version: i64,
}

fn html(status: StatusCode, page: &impl Template) -> HttpResponse {
    match page.render() {
        Ok(body) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(body),
        Err(e) => {
            tracing::error!(error = %e, "page did not render");
            HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("Sorry, there is a problem with this service. Try again later.")
        }
    }
}

/// The HTML "page not found", for paths outside the API.
pub fn not_found_page(version: i64) -> HttpResponse {
    html(StatusCode::NOT_FOUND, &NotFoundPage { version })
}

type Query = web::Query<HashMap<String, String>>;

fn field(query: &Query, name: &str) -> String {
    query
        .get(name)
        .map(|v| v.trim().to_string())
        .unwrap_or_default()
}

#[get("/")]
pub async fn index(state: State) -> HttpResponse {
    html(
        StatusCode::OK,
        &IndexPage {
            form: SearchForm::default(),
            errors: Vec::new(),
            version: state.directory.snapshot().version,
        },
    )
}

/// Check the location field: a point from "use my location", else a postcode or place.
fn place_from_form(
    query: &Query,
    q: &str,
    errors: &mut Vec<FieldError>,
    empty: &str,
) -> Option<Place> {
    let (lat, lon) = (field(query, "lat"), field(query, "lon"));
    if !lat.is_empty() && !lon.is_empty() {
        return match (Coordinates::parse_lat(&lat), Coordinates::parse_lon(&lon)) {
            (Ok(lat), Ok(lon)) => Coordinates::new(lat, lon).ok().map(Place::Point),
            _ => {
                errors.push(FieldError {
                    field: "q",
                    message:
                        "Your location seems to be outside the UK. Enter a postcode, town or city"
                            .into(),
                });
                None
            }
        };
    }
    if q.is_empty() {
        errors.push(FieldError {
            field: "q",
            message: empty.to_string(),
        });
        return None;
    }
    if q.chars().count() > 100 {
        errors.push(FieldError {
            field: "q",
            message: "Postcode, town or city must be 100 characters or fewer".into(),
        });
        return None;
    }
    if q.bytes().any(|b| b.is_ascii_digit()) && PostcodeQuery::parse(q).is_none() {
        errors.push(FieldError {
            field: "q",
            message: "Enter a real postcode, like LS9 7TF".into(),
        });
        return None;
    }
    Some(Place::Text(q.to_string()))
}

/// The message for a place we could not find.
fn not_found_message(e: GeocodeError, q: &str) -> Option<String> {
    match e {
        GeocodeError::UnknownPostcode { .. } => {
            let shown = PostcodeQuery::parse(q)
                .map(|p| match p {
                    PostcodeQuery::Full(pc) => pc.to_string(),
                    other => other.area().to_string(),
                })
                .unwrap_or_else(|| q.to_string());
            Some(format!(
                "We can't find the postcode {shown}. Check it and try again"
            ))
        }
        GeocodeError::UnknownPlace { .. } => Some(format!(
            "We can't find a place called {}. Enter a postcode, town or city",
            q.chars().take(40).collect::<String>()
        )),
        GeocodeError::Db(e) => {
            tracing::error!(error = %e, "database error while geocoding");
            None
        }
    }
}

#[get("/search")]
pub async fn search(state: State, query: Query, req: HttpRequest) -> HttpResponse {
    let snapshot = state.directory.snapshot();
    let form = SearchForm {
        q: field(&query, "q"),
        kind: field(&query, "kind"),
        age: field(&query, "age"),
        within: field(&query, "within"),
    };
    let mut errors = Vec::new();
    let place = place_from_form(
        &query,
        &form.q,
        &mut errors,
        "Enter a postcode, town or city",
    );
    let kind = match form.kind.as_str() {
        "" => None,
        other => match CentreKind::parse(other) {
            Ok(k) => Some(k),
            Err(_) => {
                errors.push(FieldError {
                    field: "kind-tya",
                    message: "Select what you are looking for".into(),
                });
                None
            }
        },
    };
    let age = if form.age.is_empty() {
        None
    } else {
        match parse_age(&form.age) {
            Ok(a) => Some(a),
            Err(_) => {
                errors.push(FieldError {
                    field: "age",
                    message: "Age must be a whole number from 0 to 120, like 17".into(),
                });
                None
            }
        }
    };
    let max_km = match form.within.as_str() {
        "" => None,
        "10" | "25" | "50" | "100" => form
            .within
            .parse::<f64>()
            .ok()
            .map(|miles| miles * 1.609_344),
        _ => {
            errors.push(FieldError {
                field: "within",
                message: "Select how far you are able to travel".into(),
            });
            None
        }
    };
    let page = |errors, answer| SearchPage {
        form: form.clone(),
        errors,
        answer,
        suggestions: Vec::new(),
        print: Some(PrintFoot::of(&req, &snapshot)),
        version: snapshot.version,
    };
    let Some(place) = place.filter(|_| errors.is_empty()) else {
        return html(StatusCode::BAD_REQUEST, &page(errors, None));
    };
    let location = match state.geocoder.locate(&state.db, &snapshot, place).await {
        Ok(l) => l,
        Err(e) => {
            let suggestions: Vec<Link> = match &e {
                GeocodeError::UnknownPlace { suggestions, .. } => {
                    suggestions.iter().map(|p| form.link_to(p)).collect()
                }
                _ => Vec::new(),
            };
            return match not_found_message(e, &form.q) {
                Some(message) => html(
                    StatusCode::NOT_FOUND,
                    &SearchPage {
                        suggestions,
                        ..page(
                            vec![FieldError {
                                field: "q",
                                message,
                            }],
                            None,
                        )
                    },
                ),
                None => html(
                    StatusCode::SERVICE_UNAVAILABLE,
                    &page(
                        vec![FieldError {
                            field: "q",
                            message: "Sorry, the search is not working right now. Try again later"
                                .into(),
                        }],
                        None,
                    ),
                ),
            };
        }
    };
    let filters = Filters {
        kind,
        age,
        max_km,
        limit: 10,
        ..Filters::default()
    };
    let answer = NearestAnswer::build(&snapshot, location, &filters);
    html(StatusCode::OK, &page(Vec::new(), Some(answer)))
}

#[get("/centres/{id}")]
pub async fn centre(state: State, id: web::Path<String>, req: HttpRequest) -> HttpResponse {
    let snapshot = state.directory.snapshot();
    let Some(c) = snapshot.centre(&id) else {
        return not_found_page(snapshot.version);
    };
    let registry = RegistryView::of(&snapshot, c.nation, &FigureQuery::default());
    html(
        StatusCode::OK,
        &CentrePage {
            centre: CentreView::with_family(&snapshot, c),
            registry_note: registry
                .is_none()
                .then_some("We have no registry for this nation in our data."),
            registry,
            print: Some(PrintFoot::of(&req, &snapshot)),
            version: snapshot.version,
        },
    )
}

#[get("/treatment")]
pub async fn treatment(state: State) -> HttpResponse {
    let snapshot = state.directory.snapshot();
    html(
        StatusCode::OK,
        &TreatmentPage {
            topics: snapshot.topics.iter().map(TopicSummaryView::from).collect(),
            version: snapshot.version,
        },
    )
}

#[get("/treatment/{slug}")]
pub async fn topic(state: State, slug: web::Path<String>) -> HttpResponse {
    let snapshot = state.directory.snapshot();
    match snapshot.topics.iter().find(|t| t.slug == *slug) {
        Some(t) => html(
            StatusCode::OK,
            &TopicPage {
                topic: TopicView::from(t),
                version: snapshot.version,
            },
        ),
        None => not_found_page(snapshot.version),
    }
}

#[get("/registries")]
pub async fn registries(state: State) -> HttpResponse {
    let snapshot = state.directory.snapshot();
    let registries = snapshot
        .registries
        .values()
        .map(|r| {
            let mut view = RegistryView::new(r, &snapshot, &FigureQuery::default());
            // The registries page shows every figure we hold, newest first.
            view.figures = crate::answer::figures::list(&snapshot, r.nation, None, None, None);
            view.figures_missing.clear();
            view
        })
        .collect();
    html(
        StatusCode::OK,
        &RegistriesPage {
            registries,
            version: snapshot.version,
        },
    )
}

#[get("/referral")]
pub async fn referral(state: State, query: Query, req: HttpRequest) -> HttpResponse {
    let snapshot = state.directory.snapshot();
    let form = SearchForm {
        q: field(&query, "q"),
        kind: String::new(),
        age: field(&query, "age"),
        within: String::new(),
    };
    let page = |errors, answer| ReferralPage {
        form: form.clone(),
        errors,
        answer,
        print: Some(PrintFoot::of(&req, &snapshot)),
        version: snapshot.version,
    };
    // The empty form.
    if !query.contains_key("q") && !query.contains_key("age") {
        return html(StatusCode::OK, &page(Vec::new(), None));
    }
    let mut errors = Vec::new();
    let place = place_from_form(
        &query,
        &form.q,
        &mut errors,
        "Enter the patient's postcode, town or city",
    );
    let age = if form.age.is_empty() {
        errors.push(FieldError {
            field: "age",
            message: "Enter the young person's age".into(),
        });
        None
    } else {
        match parse_age(&form.age) {
            Ok(a) => Some(a),
            Err(_) => {
                errors.push(FieldError {
                    field: "age",
                    message: "Age must be a whole number from 0 to 120, like 17".into(),
                });
                None
            }
        }
    };
    let (Some(place), Some(age)) = (place, age) else {
        return html(StatusCode::BAD_REQUEST, &page(errors, None));
    };
    let location = match state.geocoder.locate(&state.db, &snapshot, place).await {
        Ok(l) => l,
        Err(e) => {
            let message = not_found_message(e, &form.q).unwrap_or_else(|| {
                "Sorry, the search is not working right now. Try again later".into()
            });
            return html(
                StatusCode::NOT_FOUND,
                &page(
                    vec![FieldError {
                        field: "q",
                        message,
                    }],
                    None,
                ),
            );
        }
    };
    let answer = ReferralAnswer::build(&snapshot, location, age, None, 10);
    html(StatusCode::OK, &page(Vec::new(), Some(answer)))
}

#[get("/static/site.css")]
pub async fn site_css() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(SITE_CSS)
}

/// A date as people read it: `2026-11-28` is "28 November 2026" (the text as given when it
/// is not a date).
pub fn long_date(iso: &str) -> String {
    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .map(|d| d.format("%-d %B %Y").to_string())
        .unwrap_or_else(|_| iso.to_string())
}

/// The site's icon: a simple mark in the header's colour.
const FAVICON_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1d70b8"/><path d="M16 7c-5 0-9 4-9 9s4 9 9 9 9-4 9-9-4-9-9-9zm0 4a5 5 0 1 1 0 10 5 5 0 0 1 0-10z" fill="#ffffff"/></svg>"##;

#[get("/favicon.svg")]
pub async fn favicon_svg() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header(("Cache-Control", "public, max-age=86400"))
        .body(FAVICON_SVG)
}

/// Browsers that ask for `/favicon.ico` are sent to the SVG icon.
#[get("/favicon.ico")]
pub async fn favicon_ico() -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header(("Location", "/favicon.svg"))
        .finish()
}

#[get("/robots.txt")]
pub async fn robots() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body("User-agent: *\nAllow: /\nDisallow: /api/v1/imports\n")
}

#[get("/static/site.js")]
pub async fn site_js() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(SITE_JS)
}
