//! JSON API handlers: extract, parse, ask the snapshot, convert to wire types.

use actix_web::{get, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, Problem};
use super::params::{self, shorten, Query};
use super::State;
use crate::answer::figures::FigureQuery;
use crate::answer::views::{
    CentreDetail, CentreList, CentreView, DatasetView, RegistryDetail, RegistryList, RegistryView,
    StatisticsList, TopicDetail, TopicList, TopicSummaryView, TopicView,
};
use crate::dataset::Cancer;
use crate::domain::{CentreKind, Nation, Service, Vocabulary};
use crate::export::FeatureCollection;

/// `GET /healthz`.
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`.
    status: &'static str,
}

/// `GET /readyz`.
#[derive(Serialize, ToSchema)]
pub struct Ready {
    /// `ready`.
    status: &'static str,
    /// `sqlite` or `postgres`.
    database: &'static str,
    dataset: ReadyDataset,
    /// Centres loaded.
    centres: usize,
    /// Postcodes held in memory for lookups; null while the database answers them (at start,
    /// and for a moment after a postcode import).
    postcodes_in_memory: Option<usize>,
}

#[derive(Serialize, ToSchema)]
pub struct ReadyDataset {
    /// The directory version being served.
    version: i64,
    /// The version in the database (higher while a new import is being picked up).
    stored_version: i64,
}

/// Liveness: the process answers.
#[utoipa::path(tag = "health", responses((status = 200, description = "Alive", body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// Ready when the database answers and a directory with centres is loaded.
#[utoipa::path(tag = "health", responses(
    (status = 200, description = "Ready: the database answers and centres are loaded", body = Ready),
    (status = 503, description = "Not ready", body = Problem, content_type = "application/problem+json"),
))]
#[get("/readyz")]
pub async fn readyz(state: State) -> Result<HttpResponse, ApiError> {
    let db = state.db.clone();
    let version = web::block(move || db.directory_version())
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| {
            tracing::warn!(error = %e, "readiness: the database does not answer");
            ApiError::Unavailable("the database does not answer".into())
        })?;
    let snapshot = state.directory.snapshot();
    if snapshot.centres().is_empty() {
        return Err(ApiError::Unavailable("no centres are loaded".into()));
    }
    Ok(HttpResponse::Ok().json(Ready {
        status: "ready",
        database: state.db.backend_name(),
        dataset: ReadyDataset {
            version: snapshot.version,
            stored_version: version,
        },
        centres: snapshot.centres().len(),
        postcodes_in_memory: snapshot.postcodes.as_ref().map(|p| p.len()),
    }))
}

/// The parameters of `GET /api/v1/centres`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only this kind of place.
    #[param(value_type = Option<CentreKind>)]
    kind: Option<String>,
    /// Only places in this nation.
    #[param(value_type = Option<Nation>)]
    nation: Option<String>,
    /// Only places offering this service; repeat for several (all must be offered).
    #[serde(default, deserialize_with = "params::one_or_many")]
    #[param(value_type = Option<Vec<Service>>)]
    service: Vec<String>,
    /// Page size, 1-1000 (default 100).
    #[param(value_type = Option<u16>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
    /// Centres to skip (default 0).
    #[param(value_type = Option<i32>, minimum = 0, maximum = 2147483647)]
    offset: Option<String>,
    /// `json` (default, paginated), or every matching centre as `csv` (the centres file, which
    /// imports back unchanged) or `geojson` (a FeatureCollection).
    #[param(pattern = "^(json|csv|geojson)$")]
    format: Option<String>,
}

/// What the centre list is asked for, checked.
pub struct ListRequest {
    pub kind: Option<CentreKind>,
    pub nation: Option<Nation>,
    pub services: Vec<Service>,
    pub limit: usize,
    pub offset: usize,
    pub format: ListFormat,
}

/// The forms of the centre list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    Json,
    Csv,
    Geojson,
}

impl TryFrom<ListQuery> for ListRequest {
    type Error = ApiError;

    fn try_from(q: ListQuery) -> Result<Self, ApiError> {
        let format = match params::given("format", q.format)?
            .map(|f| f.to_ascii_lowercase())
            .as_deref()
        {
            None | Some("json") => ListFormat::Json,
            Some("csv") => ListFormat::Csv,
            Some("geojson") => ListFormat::Geojson,
            Some(other) => {
                return Err(ApiError::bad_parameter(
                    "format",
                    crate::tr!("error-list-format", value = shorten(other)),
                ))
            }
        };
        Ok(Self {
            kind: params::vocabulary("kind", q.kind)?,
            nation: params::vocabulary("nation", q.nation)?,
            services: params::vocabularies("service", q.service)?,
            limit: params::integer("limit", q.limit, 1, 1000)?.unwrap_or(100) as usize,
            offset: params::integer("offset", q.offset, 0, i64::from(i32::MAX))?.unwrap_or(0)
                as usize,
            format,
        })
    }
}

/// Every centre and TYA unit, filtered and paginated.
#[utoipa::path(
    tag = "directory",
    params(ListQuery),
    responses(
        (status = 200, description = "One page of centres (`json`); every matching centre as the centres file (`csv`) or a FeatureCollection (`geojson`)", content(
            (CentreList = "application/json"),
            (String = "text/csv"),
            (FeatureCollection = "application/geo+json"),
        )),
        (status = 400, description = "A filter is not allowed; `parameter` names it", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/centres")]
pub async fn list_centres(state: State, query: Query<ListQuery>) -> Result<HttpResponse, ApiError> {
    let ListRequest {
        kind,
        nation,
        services,
        limit,
        offset,
        format,
    } = ListRequest::try_from(query.0)?;
    let snapshot = state.directory.snapshot();
    let matching: Vec<_> = snapshot
        .centres()
        .iter()
        .filter(|c| kind.is_none_or(|k| c.kind == k))
        .filter(|c| nation.is_none_or(|n| c.nation == n))
        .filter(|c| services.iter().all(|s| c.offers(*s)))
        .collect();
    // Exports hold every matching centre (no pages).
    if format == ListFormat::Geojson {
        return Ok(HttpResponse::Ok()
            .content_type("application/geo+json")
            .json(crate::export::geojson(matching.iter().copied())));
    }
    if format == ListFormat::Csv {
        let filtered = kind.is_some() || nation.is_some() || !services.is_empty();
        let keep: Option<std::collections::HashSet<String>> =
            filtered.then(|| matching.iter().map(|c| c.id.clone()).collect());
        let db = state.db.clone();
        let bytes = web::block(move || crate::export::csv(&db, "centres", keep.as_ref()))
            .await
            .map_err(ApiError::internal)?
            .map_err(ApiError::internal)?;
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                "Content-Disposition",
                "attachment; filename=\"centres.csv\"",
            ))
            .body(bytes));
    }
    let results = matching
        .iter()
        .skip(offset)
        .take(limit)
        .map(|c| CentreView::from(*c))
        .collect();
    Ok(HttpResponse::Ok().json(CentreList {
        results,
        total: matching.len(),
        limit,
        offset,
        dataset: DatasetView::from(&*snapshot),
    }))
}

/// One centre by id, with the cancer registry of its nation.
#[utoipa::path(
    tag = "directory",
    params(("id" = String, Path, description = "The centre's id, e.g. `tya-christie`")),
    responses(
        (status = 200, description = "The centre", body = CentreDetail),
        (status = 404, description = "No centre has this id", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/centres/{id}")]
pub async fn get_centre(state: State, id: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let snapshot = state.directory.snapshot();
    let centre = snapshot
        .centre(&id)
        .ok_or_else(|| ApiError::NotFound(crate::tr!("error-no-centre", id = shorten(&id))))?;
    let registry = RegistryView::of(&snapshot, centre.nation, &FigureQuery::default());
    Ok(HttpResponse::Ok().json(CentreDetail {
        centre: CentreView::with_family(&snapshot, centre),
        registry,
        dataset: DatasetView::from(&*snapshot),
    }))
}

/// The cancer registries of the four UK nations.
#[utoipa::path(tag = "registries", responses((status = 200, description = "The registries", body = RegistryList)))]
#[get("/api/v1/registries")]
pub async fn list_registries(state: State) -> HttpResponse {
    let snapshot = state.directory.snapshot();
    let results: Vec<_> = snapshot
        .registries
        .keys()
        .filter_map(|nation| RegistryView::of(&snapshot, *nation, &FigureQuery::default()))
        .collect();
    HttpResponse::Ok().json(RegistryList {
        total: results.len(),
        results,
        dataset: DatasetView::from(&*snapshot),
    })
}

/// The cancer registry of one nation.
#[utoipa::path(
    tag = "registries",
    params(("nation" = Nation, Path, description = "england, scotland, wales or northern_ireland")),
    responses(
        (status = 200, description = "The registry", body = RegistryDetail),
        (status = 404, description = "Not a UK nation, or no registry loaded", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/registries/{nation}")]
pub async fn get_registry(
    state: State,
    nation: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let nation = Nation::parse(&nation).map_err(ApiError::NotFound)?;
    let snapshot = state.directory.snapshot();
    let registry = snapshot.registries.get(&nation).ok_or_else(|| {
        ApiError::NotFound(crate::tr!(
            "error-no-registry",
            nation = nation.display_name()
        ))
    })?;
    Ok(HttpResponse::Ok().json(RegistryDetail {
        registry: RegistryView::new(registry, &snapshot, &FigureQuery::default()),
        dataset: DatasetView::from(&*snapshot),
    }))
}

/// The filters of `GET /api/v1/registries/{nation}/statistics`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatisticsQuery {
    /// Only figures about this cancer.
    #[param(value_type = Option<Cancer>)]
    cancer: Option<String>,
    /// Only this age band: `all_ages`, a range such as `15-24`, or `85+`.
    #[param(pattern = "^(all_ages|[0-9]{1,3}\\+|[0-9]{1,3}-[0-9]{1,3})$")]
    age_band: Option<String>,
    /// Only this period: a year such as `2022` or a range such as `2013-2017`.
    #[param(pattern = "^[0-9]{4}(-[0-9]{4})?$")]
    period: Option<String>,
}

/// Is this an age band's shape: `all_ages`, `15-24` or `85+` (up to three digits each)?
fn is_age_band(band: &str) -> bool {
    let age = |s: &str| (1..=3).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    band == "all_ages"
        || band.strip_suffix('+').is_some_and(age)
        || band.split_once('-').is_some_and(|(a, b)| age(a) && age(b))
}

/// A filter's value, when it has the shape `fits` checks (`what` says which, for the message).
fn shaped(
    name: &str,
    value: Option<String>,
    fits: fn(&str) -> bool,
    what: &str,
) -> Result<Option<String>, ApiError> {
    match params::given(name, value)? {
        Some(v) if !fits(&v) => Err(ApiError::bad_parameter(
            name,
            crate::tr!("error-shape", name = name, value = shorten(&v), what = what),
        )),
        v => Ok(v),
    }
}

/// Is this a period's shape: `2022` or `2013-2017`?
fn is_period(period: &str) -> bool {
    let year = |s: &str| s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit());
    match period.split_once('-') {
        None => year(period),
        Some((a, b)) => year(a) && year(b),
    }
}

/// The figures a nation's cancer registry publishes, newest first.
#[utoipa::path(
    tag = "registries",
    params(
        ("nation" = Nation, Path, description = "england, scotland, wales or northern_ireland"),
        StatisticsQuery,
    ),
    responses(
        (status = 200, description = "The figures (an empty list when none match)", body = StatisticsList),
        (status = 400, description = "A filter is not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not a UK nation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/registries/{nation}/statistics")]
pub async fn registry_statistics(
    state: State,
    nation: web::Path<String>,
    query: Query<StatisticsQuery>,
) -> Result<HttpResponse, ApiError> {
    let nation = Nation::parse(&nation).map_err(ApiError::NotFound)?;
    let StatisticsQuery {
        cancer,
        age_band,
        period,
    } = query.0;
    let cancer = params::vocabulary::<Cancer>("cancer", cancer)?;
    let age_band = shaped(
        "age_band",
        age_band,
        is_age_band,
        &crate::tr!("shape-age-band"),
    )?;
    let period = shaped("period", period, is_period, &crate::tr!("shape-period"))?;
    let snapshot = state.directory.snapshot();
    let results = crate::answer::figures::list(
        &snapshot,
        nation,
        cancer,
        age_band.as_deref(),
        period.as_deref(),
    );
    let message = results
        .is_empty()
        .then(|| crate::tr!("statistics-none", nation = nation.display_name()));
    Ok(HttpResponse::Ok().json(StatisticsList {
        nation,
        registry: snapshot.registries.get(&nation).map(|r| r.name.clone()),
        total: results.len(),
        results,
        message,
        dataset: DatasetView::from(&*snapshot),
    }))
}

/// The filters of `GET /api/v1/treatment`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TreatmentQuery {
    /// Only topics about this condition, e.g. `acute_lymphoblastic_leukaemia`.
    #[param(min_length = 1)]
    condition: Option<String>,
    /// Only topics related to this service.
    #[param(value_type = Option<Service>)]
    service: Option<String>,
}

/// Plain-language treatment information topics (acute lymphoblastic leukaemia first).
#[utoipa::path(
    tag = "treatment",
    params(TreatmentQuery),
    responses(
        (status = 200, description = "The topics (summaries)", body = TopicList),
        (status = 400, description = "A filter is not allowed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/treatment")]
pub async fn list_treatment(
    state: State,
    query: Query<TreatmentQuery>,
) -> Result<HttpResponse, ApiError> {
    let TreatmentQuery { condition, service } = query.0;
    let condition = params::given("condition", condition)?.map(|c| c.trim().to_ascii_lowercase());
    let service = params::vocabulary::<Service>("service", service)?;
    let snapshot = state.directory.snapshot();
    let results: Vec<TopicSummaryView> = snapshot
        .topics
        .iter()
        .filter(|t| {
            condition.as_ref().is_none_or(|c| &t.condition == c)
                && service.is_none_or(|s| t.related_service == Some(s))
        })
        .map(TopicSummaryView::from)
        .collect();
    Ok(HttpResponse::Ok().json(TopicList {
        total: results.len(),
        results,
        dataset: DatasetView::from(&*snapshot),
    }))
}

/// One treatment topic in full.
#[utoipa::path(
    tag = "treatment",
    params(("slug" = String, Path, description = "The topic's slug, e.g. `all-overview`")),
    responses(
        (status = 200, description = "The topic", body = TopicDetail),
        (status = 404, description = "No topic has this slug", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/treatment/{slug}")]
pub async fn get_treatment(
    state: State,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let snapshot = state.directory.snapshot();
    let topic = snapshot
        .topics
        .iter()
        .find(|t| t.slug == *slug)
        .ok_or_else(|| ApiError::NotFound(crate::tr!("error-no-topic", slug = shorten(&slug))))?;
    Ok(HttpResponse::Ok().json(TopicDetail {
        topic: TopicView::from(topic),
        dataset: DatasetView::from(&*snapshot),
    }))
}
