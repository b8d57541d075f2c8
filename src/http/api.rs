//! JSON API handlers: extract, parse, ask the snapshot, convert to wire types.

use actix_web::{get, web, HttpRequest, HttpResponse};
use serde_json::json;

use super::error::ApiError;
use super::params::{shorten, Params};
use super::State;
use crate::answer::figures::FigureQuery;
use crate::answer::views::{
    CentreDetail, CentreList, CentreView, DatasetView, RegistryDetail, RegistryList, RegistryView,
    StatisticsList, TopicDetail, TopicList, TopicSummaryView, TopicView,
};
use crate::dataset::Cancer;
use crate::dataset::{parse_age_band, parse_period};
use crate::domain::{CentreKind, Nation, Service, Vocabulary};

/// Liveness: the process answers.
#[utoipa::path(tag = "health", responses((status = 200, description = "Alive", body = super::openapi::Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// Ready when the database answers and a directory with centres is loaded.
#[utoipa::path(tag = "health", responses(
    (status = 200, description = "Ready: the database answers and centres are loaded", body = super::openapi::Ready),
    (status = 503, description = "Not ready", body = super::openapi::ProblemDoc, content_type = "application/problem+json"),
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
    Ok(HttpResponse::Ok().json(json!({
        "status": "ready",
        "database": state.db.backend_name(),
        "dataset": {"version": snapshot.version, "stored_version": version},
        "centres": snapshot.centres().len(),
        "postcodes_in_memory": snapshot.postcodes.as_ref().map(|p| p.len()),
    })))
}

/// Every centre and TYA unit, filtered and paginated.
#[utoipa::path(
    tag = "directory",
    params(super::openapi::ListParams),
    responses(
        (status = 200, description = "One page of centres (`json`); every matching centre as the centres file (`csv`) or a FeatureCollection (`geojson`)", content(
            (CentreList = "application/json"),
            (String = "text/csv"),
            (super::openapi::FeatureCollectionDoc = "application/geo+json"),
        )),
        (status = 400, description = "A filter is not allowed; `parameter` names it", body = super::openapi::ProblemDoc, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/centres")]
pub async fn list_centres(state: State, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let params = Params::parse(
        req.query_string(),
        &["kind", "nation", "service", "limit", "offset", "format"],
    )?;
    let kind = params.vocabulary::<CentreKind>("kind")?;
    let nation = params.vocabulary::<Nation>("nation")?;
    let services = params.vocabularies::<Service>("service")?;
    let limit = params.integer("limit", 1, 1000)?.unwrap_or(100) as usize;
    let offset = params
        .integer("offset", 0, i64::from(i32::MAX))?
        .unwrap_or(0) as usize;
    let format = params.one("format")?.unwrap_or("json").to_ascii_lowercase();
    if !matches!(format.as_str(), "json" | "csv" | "geojson") {
        return Err(ApiError::bad_parameter(
            "format",
            format!(
                "format '{}' is not supported; allowed: json, csv, geojson",
                shorten(&format)
            ),
        ));
    }
    let snapshot = state.directory.snapshot();
    let matching: Vec<_> = snapshot
        .centres()
        .iter()
        .filter(|c| kind.is_none_or(|k| c.kind == k))
        .filter(|c| nation.is_none_or(|n| c.nation == n))
        .filter(|c| services.iter().all(|s| c.offers(*s)))
        .collect();
    // Exports hold every matching centre (no pages).
    if format == "geojson" {
        return Ok(HttpResponse::Ok()
            .content_type("application/geo+json")
            .json(crate::export::geojson(matching.iter().copied())));
    }
    if format == "csv" {
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
        (status = 404, description = "No centre has this id", body = super::openapi::ProblemDoc, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/centres/{id}")]
pub async fn get_centre(state: State, id: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let snapshot = state.directory.snapshot();
    let centre = snapshot
        .centre(&id)
        .ok_or_else(|| ApiError::NotFound(format!("no centre has the id '{}'", shorten(&id))))?;
    let registry = RegistryView::of(&snapshot, centre.nation, &FigureQuery::default());
    Ok(HttpResponse::Ok().json(CentreDetail {
        centre: CentreView::from(centre),
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
        (status = 404, description = "Not a UK nation, or no registry loaded", body = super::openapi::ProblemDoc, content_type = "application/problem+json"),
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
        ApiError::NotFound(format!(
            "no registry is loaded for {}",
            nation.display_name()
        ))
    })?;
    Ok(HttpResponse::Ok().json(RegistryDetail {
        registry: RegistryView::new(registry, &snapshot, &FigureQuery::default()),
        dataset: DatasetView::from(&*snapshot),
    }))
}

/// The figures a nation's cancer registry publishes, newest first.
#[utoipa::path(
    tag = "registries",
    params(
        ("nation" = Nation, Path, description = "england, scotland, wales or northern_ireland"),
        ("cancer" = Option<Cancer>, Query, description = "Only figures about this cancer"),
        ("age_band" = Option<String>, Query, description = "Only this age band: `all_ages`, a range such as `15-24`, or `85+`"),
        ("period" = Option<String>, Query, description = "Only this period: a year such as `2022` or a range such as `2013-2017`"),
    ),
    responses(
        (status = 200, description = "The figures (an empty list when none match)", body = StatisticsList),
        (status = 400, description = "A filter is not allowed", body = super::openapi::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "Not a UK nation", body = super::openapi::ProblemDoc, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/registries/{nation}/statistics")]
pub async fn registry_statistics(
    state: State,
    nation: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let nation = Nation::parse(&nation).map_err(ApiError::NotFound)?;
    let params = Params::parse(req.query_string(), &["cancer", "age_band", "period"])?;
    let cancer = params.vocabulary::<Cancer>("cancer")?;
    let age_band = params
        .one("age_band")?
        .map(|b| {
            parse_age_band(b)
                .map_err(|e| ApiError::bad_parameter("age_band", format!("age_band: {e}")))
        })
        .transpose()?;
    let period = params
        .one("period")?
        .map(|p| {
            parse_period(p).map_err(|e| ApiError::bad_parameter("period", format!("period: {e}")))
        })
        .transpose()?;
    let snapshot = state.directory.snapshot();
    let results = crate::answer::figures::list(
        &snapshot,
        nation,
        cancer,
        age_band.as_deref(),
        period.as_deref(),
    );
    let message = results.is_empty().then(|| {
        format!(
            "We have no published figures for {} that match these filters.",
            nation.display_name()
        )
    });
    Ok(HttpResponse::Ok().json(StatisticsList {
        nation,
        registry: snapshot.registries.get(&nation).map(|r| r.name.clone()),
        total: results.len(),
        results,
        message,
        dataset: DatasetView::from(&*snapshot),
    }))
}

/// Plain-language treatment information topics (acute lymphoblastic leukaemia first).
#[utoipa::path(
    tag = "treatment",
    params(
        ("condition" = Option<String>, Query, description = "Only topics about this condition, e.g. `acute_lymphoblastic_leukaemia`"),
        ("service" = Option<Service>, Query, description = "Only topics related to this service"),
    ),
    responses(
        (status = 200, description = "The topics (summaries)", body = TopicList),
        (status = 400, description = "A filter is not allowed", body = super::openapi::ProblemDoc, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/treatment")]
pub async fn list_treatment(state: State, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let params = Params::parse(req.query_string(), &["condition", "service"])?;
    let condition = params.one("condition")?.map(str::to_ascii_lowercase);
    let service = params.vocabulary::<Service>("service")?;
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
        (status = 404, description = "No topic has this slug", body = super::openapi::ProblemDoc, content_type = "application/problem+json"),
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
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "no treatment topic has the slug '{}'",
                shorten(&slug)
            ))
        })?;
    Ok(HttpResponse::Ok().json(TopicDetail {
        topic: TopicView::from(topic),
        dataset: DatasetView::from(&*snapshot),
    }))
}
