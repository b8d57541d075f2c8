//! `GET /api/v1/places`: places whose name starts with what was typed, for suggestions as
//! someone types the name of where they live.

use actix_web::{get, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, Problem};
use super::params::{self, Query};
use super::State;
use crate::answer::views::DatasetView;
use crate::domain::Territory;
use crate::geocode::PlaceSummary;
use crate::index::gazetteer::name_key;

/// The parameters of `GET /api/v1/places`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlacesQuery {
    /// The start of a place name, in English, Welsh, Scottish Gaelic or Irish (`lough`,
    /// `caer`); case, accents, punctuation and spacing do not matter.
    #[param(required = true, min_length = 1, max_length = 100, pattern = r"\S")]
    q: Option<String>,
    /// How many places at most (1 to 50, default 10).
    #[param(value_type = Option<u8>, minimum = 1, maximum = 50)]
    limit: Option<String>,
    /// Only places in this nation (or `crown_dependency`).
    #[param(value_type = Option<Territory>)]
    nation: Option<String>,
}

/// Places starting with the text asked about.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlaceList {
    /// The text as asked.
    pub query: String,
    /// Exact names first, then by population, largest first.
    pub places: Vec<PlaceSummary>,
    pub dataset: DatasetView,
}

/// How many places the gazetteer is asked for before a nation filter, so that the filter
/// still leaves enough.
const CANDIDATES: usize = 400;

/// Suggestions: places whose name, or one of whose other names, starts with `q`.
#[utoipa::path(
    tag = "locations",
    params(PlacesQuery),
    responses(
        (status = 200, description = "Matching places, best first (perhaps none)", body = PlaceList),
        (status = 400, description = "A parameter is missing or not allowed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/places")]
pub async fn places(state: State, query: Query<PlacesQuery>) -> Result<HttpResponse, ApiError> {
    let PlacesQuery { q, limit, nation } = query.0;
    let Some(q) = params::given("q", q)? else {
        return Err(ApiError::bad_parameter(
            "q",
            crate::tr!("error-places-q-missing"),
        ));
    };
    if q.chars().count() > 100 {
        return Err(ApiError::bad_parameter(
            "q",
            crate::tr!("error-places-q-too-long"),
        ));
    }
    // Text without letters or digits matches no place: an empty list.
    let key = name_key(&q);
    let limit = params::integer("limit", limit, 1, 50)?.unwrap_or(10) as usize;
    let nation = params::vocabulary::<Territory>("nation", nation)?;
    let snapshot = state.directory.snapshot();
    let wanted = if nation.is_some() { CANDIDATES } else { limit };
    let places = snapshot
        .places
        .starting_with(&key, wanted)
        .into_iter()
        .filter(|f| nation.is_none_or(|n| f.place.territory == n))
        .take(limit)
        .map(PlaceSummary::from)
        .collect();
    Ok(HttpResponse::Ok().json(PlaceList {
        query: q,
        places,
        dataset: DatasetView::from(&*snapshot),
    }))
}
