//! `GET /api/v1/referrals/tya`: where a young person should be treated, by age and nation.

use actix_web::{get, HttpRequest, HttpResponse};

use super::error::ApiError;
use super::nearest::{locate, place_from};
use super::params::Params;
use super::State;
use crate::answer::referral::ReferralAnswer;
use crate::dataset::Cancer;
use crate::domain::parse_age;

const MAX_LIMIT: i64 = 20;
const DEFAULT_LIMIT: i64 = 5;

/// Referral guidance for a young person: the rule of their nation for their age (with its
/// source and verification date) and the nearest places that fit it and take that age.
#[utoipa::path(
    tag = "referrals",
    params(
        super::openapi::LocationParams,
        ("age" = u8, Query, description = "The young person's age in whole years, 0-120", minimum = 0, maximum = 120),
        ("limit" = Option<u8>, Query, description = "How many places, 1-20 (default 5)", minimum = 1, maximum = 20),
        ("condition" = Option<Cancer>, Query, description = "The condition asked about: the registry figures shown include it"),
    ),
    responses(
        (status = 200, description = "The pathway and the nearest places that fit it", body = ReferralAnswer),
        (status = 400, description = "Age or location missing or not allowed; `parameter` names it", body = super::openapi::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "A postcode or place we cannot find", body = super::openapi::ProblemDoc, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/referrals/tya")]
pub async fn referral(state: State, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let params = Params::parse(
        req.query_string(),
        &["postcode", "q", "lat", "lon", "age", "limit", "condition"],
    )?;
    let age = match params.one("age")? {
        Some(raw) => {
            parse_age(raw).map_err(|e| ApiError::bad_parameter("age", format!("age: {e}")))?
        }
        None => {
            return Err(ApiError::bad_parameter(
                "age",
                "age is missing; give the young person's age in whole years (0 to 120)",
            ))
        }
    };
    let limit = params
        .integer("limit", 1, MAX_LIMIT)?
        .unwrap_or(DEFAULT_LIMIT) as usize;
    let condition = params.vocabulary::<Cancer>("condition")?;
    let place = place_from(&params)?;
    let snapshot = state.directory.snapshot();
    let location = locate(&state, &snapshot, place).await?;
    Ok(HttpResponse::Ok().json(ReferralAnswer::build(
        &snapshot, location, age, condition, limit,
    )))
}
