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
use crate::i18n::{self, Lang};
use crate::index::Snapshot;
use crate::tr;

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

/// Unverified columns in words, for "not yet confirmed" notes (`phone, latitude`).
pub fn fields_in_words(fields: &[String]) -> String {
    fields
        .iter()
        .map(|f| field_words(f))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What every page's frame needs: its language, the same page in each language (for the
/// language link and `hreflang`), and the directory version.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub lang: Lang,
    /// This page in English and in Welsh, as absolute URLs.
    pub url_en: String,
    pub url_cy: String,
    /// The link to this page in the other language (query kept).
    pub switch_href: String,
    pub version: i64,
}

impl Chrome {
    pub fn new(req: &HttpRequest, version: i64) -> Self {
        let lang = i18n::current();
        let path = req.path();
        let english_path = match path.strip_prefix("/cy") {
            Some("") => "/",
            Some(rest) if rest.starts_with('/') => rest,
            _ => path,
        };
        let query = match req.query_string() {
            "" => String::new(),
            q => format!("?{q}"),
        };
        let in_lang = |l: Lang| format!("{}{english_path}{query}", l.path_prefix());
        let info = req.connection_info();
        let origin = format!("{}://{}", info.scheme(), info.host());
        Chrome {
            lang,
            url_en: format!("{origin}{}", in_lang(Lang::En)),
            url_cy: format!("{origin}{}", in_lang(Lang::Cy)),
            switch_href: in_lang(lang.other()),
            version,
        }
    }
}

/// Words and links every template uses, in the page's language.
pub trait Words {
    /// The catalogue's text for `key`.
    fn t(&self, key: &str) -> String {
        i18n::text(key, &[])
    }

    /// The catalogue's text for `key` with its arguments.
    fn t_with<V: std::fmt::Display, const N: usize>(
        &self,
        key: &str,
        args: &[(&'static str, V); N],
    ) -> String {
        let args: Vec<(&'static str, i18n::Arg)> = args
            .iter()
            .map(|(k, v)| (*k, i18n::Arg::from(v.to_string())))
            .collect();
        i18n::text(key, &args)
    }

    /// A path of this site in the page's language (`/treatment` is `/cy/treatment` in Welsh).
    fn link(&self, path: &str) -> String {
        format!("{}{path}", i18n::current().path_prefix())
    }

    fn long_date(&self, iso: &str) -> String {
        long_date(iso)
    }

    /// "3.2 miles (5.1 km)".
    fn distance(&self, miles: &f64, km: &f64) -> String {
        tr!(
            "distance-miles-km",
            miles = format!("{miles:.1}"),
            km = format!("{km:.1}")
        )
    }

    fn ages(&self, lo: &u8, hi: &u8) -> String {
        tr!("ages-range", min = *lo, max = *hi)
    }

    /// The `lang` attribute an element needs when its text is in another language than the
    /// page (Welsh pages showing text that has no Welsh version yet).
    fn lang_attr(&self, text_lang: &Lang) -> String {
        if *text_lang == i18n::current() {
            String::new()
        } else {
            format!(" lang=\"{}\"", text_lang.tag())
        }
    }

    /// For text kept in English only (centre notes, family information): its `lang` attribute
    /// on a Welsh page.
    fn english_only(&self) -> String {
        self.lang_attr(&Lang::En)
    }

    /// The URLs of a `;`-separated source cell.
    fn sources<'s>(&self, sources: &'s str) -> Vec<&'s str> {
        sources
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    }

    fn page_lang(&self) -> &'static str {
        i18n::current().tag()
    }
}

impl<T: Template> Words for T {}

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage {
    form: SearchForm,
    errors: Vec<FieldError>,
    chrome: Chrome,
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
    chrome: Chrome,
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
        let start = format!("{}/search?", i18n::current().path_prefix());
        let mut url = form_urlencoded::Serializer::for_suffix(start.clone(), start.len());
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
            "tya_unit" => tr!("map-what-tya"),
            "cancer_centre" => tr!("map-what-centres"),
            _ => tr!("map-what-places"),
        };
        Some(map::results_map(
            &what,
            &answer.location,
            &answer.centres_by_distance(),
            &self.place_words(),
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

    /// "Results near Leeds", the page's title.
    fn title(&self) -> String {
        tr!("results-near", place = self.place())
    }

    /// The place the results are near, as the heading says it.
    fn place_words(&self) -> String {
        let location = self.answer.as_ref().map(|a| &a.location);
        match location {
            Some(l) if l.precision == Precision::Point => match &l.near {
                Some(near) => tr!("near-you-at", place = near.place.name.as_str()),
                None => tr!("near-your-location"),
            },
            Some(Location {
                place: Some(p),
                alternatives,
                ..
            }) => {
                if alternatives.is_empty() {
                    // On a Welsh page, the Welsh name the reader typed (Wrecsam).
                    match (&p.matched_name, i18n::current()) {
                        (Some(typed), Lang::Cy) => typed.clone(),
                        _ => p.name.clone(),
                    }
                } else {
                    describe_place(p)
                }
            }
            _ if !self.form.q.is_empty() => self.form.q.clone(),
            _ => self.place(),
        }
    }

    fn heading(&self) -> String {
        let place = self.place_words();
        match self.form.kind.as_str() {
            "tya_unit" => tr!("heading-tya-near", place = place),
            "cancer_centre" => tr!("heading-centres-near", place = place),
            _ => tr!("heading-both-near", place = place),
        }
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
            tr!("near-in", place = describe_place(&near.place))
        } else {
            tr!(
                "near-about",
                km = near.distance_km.round(),
                miles = (near.distance_km / 1.609_344).round(),
                place = describe_place(&near.place)
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
    registry_note: Option<String>,
    print: Option<PrintFoot>,
    chrome: Chrome,
}

impl CentrePage {
    /// A small locator map of the site.
    fn map_svg(&self) -> String {
        let at = Coordinates::new(self.centre.lat, self.centre.lon).ok();
        map::svg(&Picture {
            title: tr!(
                "map-locator-title",
                hospital = self.centre.hospital.as_str(),
                town = self.centre.town.as_str()
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

    fn kind_plain(&self) -> String {
        match self.centre.kind {
            CentreKind::TyaUnit => tr!("kind-tya-unit"),
            CentreKind::CancerCentre => tr!("kind-cancer-centre"),
        }
    }

    /// The values no source confirms, in words.
    fn unverified_fields(&self) -> String {
        fields_in_words(&self.centre.unverified)
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
    chrome: Chrome,
}

#[derive(Template)]
#[template(path = "topic.html")]
struct TopicPage {
    topic: TopicView,
    chrome: Chrome,
}

impl TreatmentPage {
    /// Is any topic shown in a Welsh no Welsh-speaking clinician has reviewed yet?
    fn any_unreviewed(&self) -> bool {
        self.topics
            .iter()
            .any(|t| t.translation.as_ref().is_some_and(|tr| !tr.reviewed))
    }
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
    chrome: Chrome,
}

#[derive(Template)]
#[template(path = "referral.html")]
struct ReferralPage {
    form: SearchForm,
    errors: Vec<FieldError>,
    answer: Option<ReferralAnswer>,
    print: Option<PrintFoot>,
    chrome: Chrome,
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
            &tr!("map-what-fit"),
            &answer.location,
            &results,
            &answer.location.query,
        ))
    }

    /// "Rule for Wales, ages 16 to 24."
    fn rule_for(&self, nation: &Nation, min: &u8, max: &u8) -> String {
        tr!(
            "referral-rule-for",
            nation = nation.display_name(),
            min = *min,
            max = *max
        )
    }
}

#[derive(Template)]
#[template(path = "not_found.html")]
struct NotFoundPage {
    chrome: Chrome,
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
                .body(tr!("page-failed"))
        }
    }
}

/// The HTML "page not found", for paths outside the API.
pub fn not_found_page(req: &HttpRequest, version: i64) -> HttpResponse {
    html(
        StatusCode::NOT_FOUND,
        &NotFoundPage {
            chrome: Chrome::new(req, version),
        },
    )
}

type Query = web::Query<HashMap<String, String>>;

fn field(query: &Query, name: &str) -> String {
    query
        .get(name)
        .map(|v| v.trim().to_string())
        .unwrap_or_default()
}

/// The pages, registered once in English and once under `/cy` in Welsh.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(index)
        .service(search)
        .service(centre)
        .service(treatment)
        .service(topic)
        .service(registries)
        .service(referral);
}

/// `/cy` is the Welsh home page, `/cy/`.
pub async fn welsh_home() -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header(("Location", "/cy/"))
        .finish()
}

#[get("/")]
pub async fn index(state: State, req: HttpRequest) -> HttpResponse {
    html(
        StatusCode::OK,
        &IndexPage {
            form: SearchForm::default(),
            errors: Vec::new(),
            chrome: Chrome::new(&req, state.directory.snapshot().version),
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
                    message: tr!("error-location-outside-uk"),
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
            message: tr!("error-q-too-long"),
        });
        return None;
    }
    if q.bytes().any(|b| b.is_ascii_digit()) && PostcodeQuery::parse(q).is_none() {
        errors.push(FieldError {
            field: "q",
            message: tr!("error-postcode-invalid"),
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
            Some(tr!("error-postcode-unknown", postcode = shown))
        }
        GeocodeError::UnknownPlace { .. } => Some(tr!(
            "error-place-unknown",
            place = q.chars().take(40).collect::<String>()
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
    let place = place_from_form(&query, &form.q, &mut errors, &tr!("error-q-empty"));
    let kind = match form.kind.as_str() {
        "" => None,
        other => match CentreKind::parse(other) {
            Ok(k) => Some(k),
            Err(_) => {
                errors.push(FieldError {
                    field: "kind-tya",
                    message: tr!("error-kind"),
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
                    message: tr!("error-age"),
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
                message: tr!("error-within"),
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
        chrome: Chrome::new(&req, snapshot.version),
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
                            message: tr!("error-search-down"),
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
        return not_found_page(&req, snapshot.version);
    };
    let registry = RegistryView::of(&snapshot, c.nation, &FigureQuery::default());
    html(
        StatusCode::OK,
        &CentrePage {
            centre: CentreView::with_family(&snapshot, c),
            registry_note: registry.is_none().then(|| tr!("registry-none")),
            registry,
            print: Some(PrintFoot::of(&req, &snapshot)),
            chrome: Chrome::new(&req, snapshot.version),
        },
    )
}

#[get("/treatment")]
pub async fn treatment(state: State, req: HttpRequest) -> HttpResponse {
    let snapshot = state.directory.snapshot();
    html(
        StatusCode::OK,
        &TreatmentPage {
            topics: snapshot.topics.iter().map(TopicSummaryView::from).collect(),
            chrome: Chrome::new(&req, snapshot.version),
        },
    )
}

#[get("/treatment/{slug}")]
pub async fn topic(state: State, slug: web::Path<String>, req: HttpRequest) -> HttpResponse {
    let snapshot = state.directory.snapshot();
    match snapshot.topics.iter().find(|t| t.slug == *slug) {
        Some(t) => html(
            StatusCode::OK,
            &TopicPage {
                topic: TopicView::from(t),
                chrome: Chrome::new(&req, snapshot.version),
            },
        ),
        None => not_found_page(&req, snapshot.version),
    }
}

#[get("/registries")]
pub async fn registries(state: State, req: HttpRequest) -> HttpResponse {
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
            chrome: Chrome::new(&req, snapshot.version),
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
        chrome: Chrome::new(&req, snapshot.version),
    };
    // The empty form.
    if !query.contains_key("q") && !query.contains_key("age") {
        return html(StatusCode::OK, &page(Vec::new(), None));
    }
    let mut errors = Vec::new();
    let place = place_from_form(&query, &form.q, &mut errors, &tr!("error-patient-q-empty"));
    let age = if form.age.is_empty() {
        errors.push(FieldError {
            field: "age",
            message: tr!("error-age-empty"),
        });
        None
    } else {
        match parse_age(&form.age) {
            Ok(a) => Some(a),
            Err(_) => {
                errors.push(FieldError {
                    field: "age",
                    message: tr!("error-age"),
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
            let message = not_found_message(e, &form.q).unwrap_or_else(|| tr!("error-search-down"));
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
    use chrono::Datelike;
    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .map(|d| {
            let month = tr!("month", month = d.month());
            format!("{} {month} {}", d.day(), d.year())
        })
        .unwrap_or_else(|_| iso.to_string())
}

/// A centre's field as readers know it ("phone number" for `phone`).
fn field_words(field: &str) -> String {
    let key = format!("fieldname-{}", field.replace('_', "-"));
    let words = i18n::text(&key, &[]);
    if words == key {
        field.replace('_', " ")
    } else {
        words
    }
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
