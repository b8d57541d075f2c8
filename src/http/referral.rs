//! `GET /api/v1/referrals/tya`: where a young person should be treated, by age and nation.

use actix_web::{get, HttpResponse};
use serde::Deserialize;
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::IntoParams;

use super::error::{ApiError, Problem};
use super::nearest::{locate, LocationQuery};
use super::params::{self, Query};
use super::State;
use crate::answer::referral::ReferralAnswer;
use crate::dataset::Cancer;
use crate::domain::parse_age;
use crate::geocode::Place;

const MAX_LIMIT: i64 = 20;
const DEFAULT_LIMIT: i64 = 5;

/// The parameters of `GET /api/v1/referrals/tya`: a location, and who is referred.
#[derive(Debug, Deserialize)]
pub struct ReferralQuery {
    #[serde(flatten)]
    location: LocationQuery,
    #[serde(flatten)]
    patient: PatientQuery,
}

impl IntoParams for ReferralQuery {
    fn into_params(parameter_in: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        params::both::<LocationQuery, PatientQuery>(parameter_in)
    }
}

/// Who is referred, and how many places to show.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PatientQuery {
    /// The young person's age in whole years, 0-120.
    #[param(value_type = u8, required = true, minimum = 0, maximum = 120)]
    age: Option<String>,
    /// How many places, 1-20 (default 5).
    #[param(value_type = Option<u8>, minimum = 1, maximum = 20)]
    limit: Option<String>,
    /// The condition asked about: the registry figures shown include it.
    #[param(value_type = Option<Cancer>)]
    condition: Option<String>,
}

/// A referral question, checked.
pub struct ReferralRequest {
    pub place: Place,
    pub age: u8,
    pub limit: usize,
    pub condition: Option<Cancer>,
}

impl TryFrom<ReferralQuery> for ReferralRequest {
    type Error = ApiError;

    fn try_from(
        ReferralQuery {
            location,
            patient: q,
        }: ReferralQuery,
    ) -> Result<Self, ApiError> {
        let age = match params::given("age", q.age)? {
            Some(raw) => parse_age(&raw).map_err(|e| ApiError::bad_parameter("age", e))?,
            None => {
                return Err(ApiError::bad_parameter(
                    "age",
                    crate::tr!("error-referral-age-missing"),
                ))
            }
        };
        let limit =
            params::integer("limit", q.limit, 1, MAX_LIMIT)?.unwrap_or(DEFAULT_LIMIT) as usize;
        let condition = params::vocabulary("condition", q.condition)?;
        Ok(Self {
            place: Place::try_from(location)?,
            age,
            limit,
            condition,
        })
    }
}

/// Referral guidance for a young person: the rule of their nation for their age (with its
/// source and verification date) and the nearest places that fit it and take that age.
#[utoipa::path(
    tag = "referrals",
    params(ReferralQuery),
    responses(
        (status = 200, description = "The pathway and the nearest places that fit it", body = ReferralAnswer),
        (status = 400, description = "Age or location missing or not allowed; `parameter` names it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "A postcode or place we cannot find", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/referrals/tya")]
pub async fn referral(state: State, query: Query<ReferralQuery>) -> Result<HttpResponse, ApiError> {
    let ReferralRequest {
        place,
        age,
        limit,
        condition,
    } = ReferralRequest::try_from(query.0)?;
    let snapshot = state.directory.snapshot();
    let location = locate(&state, &snapshot, place).await?;
    Ok(HttpResponse::Ok().json(ReferralAnswer::build(
        &snapshot, location, age, condition, limit,
    )))
}
