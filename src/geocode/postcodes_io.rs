//! Client for a postcodes.io-compatible geocoder (`GET /postcodes/{postcode}`,
//! `GET /outcodes/{outcode}`), with a short timeout. Answers are cached by the caller.

use std::time::Duration;

use serde::Deserialize;

use crate::domain::{Coordinates, Territory};

/// What the online geocoder said.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Found {
        location: Coordinates,
        territory: Option<Territory>,
    },
    /// The service says no such postcode exists.
    NotFound,
}

#[derive(Debug, thiserror::Error)]
pub enum OnlineError {
    #[error("the geocoder did not answer in time")]
    Timeout,
    #[error("the geocoder failed: {0}")]
    Failed(String),
}

#[derive(Clone)]
pub struct PostcodesIo {
    base: String,
    client: reqwest::Client,
}

#[derive(Deserialize)]
struct Envelope {
    status: u16,
    result: Option<ResultBody>,
}

#[derive(Deserialize)]
struct ResultBody {
    latitude: Option<f64>,
    longitude: Option<f64>,
    country: Option<serde_json::Value>,
}

/// Map postcodes.io's country names to our territories.
fn territory_of(country: &serde_json::Value) -> Option<Territory> {
    let name = match country {
        serde_json::Value::String(s) => s.as_str(),
        serde_json::Value::Array(list) if list.len() == 1 => list[0].as_str()?,
        _ => return None,
    };
    match name {
        "England" => Some(Territory::England),
        "Scotland" => Some(Territory::Scotland),
        "Wales" => Some(Territory::Wales),
        "Northern Ireland" => Some(Territory::NorthernIreland),
        "Channel Islands" | "Isle of Man" | "Jersey" | "Guernsey" => {
            Some(Territory::CrownDependency)
        }
        _ => None,
    }
}

impl PostcodesIo {
    pub const TIMEOUT: Duration = Duration::from_millis(2500);

    pub fn new(base: &str) -> Self {
        let client = reqwest::Client::builder()
            .timeout(Self::TIMEOUT)
            .connect_timeout(Duration::from_millis(1500))
            .user_agent(concat!("centre-directory/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("HTTP client");
        Self {
            base: base.trim_end_matches('/').to_string(),
            client,
        }
    }

    /// Look up a full postcode (`LS9 7TF`).
    pub async fn postcode(&self, postcode: &str) -> Result<Answer, OnlineError> {
        self.fetch(&format!("postcodes/{}", postcode.replace(' ', "")))
            .await
    }

    /// Look up an outward code (`LS9`).
    pub async fn outcode(&self, outcode: &str) -> Result<Answer, OnlineError> {
        self.fetch(&format!("outcodes/{outcode}")).await
    }

    async fn fetch(&self, path: &str) -> Result<Answer, OnlineError> {
        let url = format!("{}/{path}", self.base);
        let response = self.client.get(&url).send().await.map_err(|e| {
            if e.is_timeout() {
                OnlineError::Timeout
            } else {
                OnlineError::Failed(e.without_url().to_string())
            }
        })?;
        let status = response.status().as_u16();
        if status == 404 {
            return Ok(Answer::NotFound);
        }
        if status != 200 {
            return Err(OnlineError::Failed(format!("status {status}")));
        }
        let body: Envelope = response.json().await.map_err(|e| {
            if e.is_timeout() {
                OnlineError::Timeout
            } else {
                OnlineError::Failed("the answer was not the documented JSON".into())
            }
        })?;
        if body.status == 404 {
            return Ok(Answer::NotFound);
        }
        let result = body
            .result
            .ok_or_else(|| OnlineError::Failed("the answer had no result".into()))?;
        match (result.latitude, result.longitude) {
            (Some(lat), Some(lon)) => match Coordinates::new(lat, lon) {
                Ok(location) => Ok(Answer::Found {
                    location,
                    territory: result.country.as_ref().and_then(territory_of),
                }),
                Err(_) => Ok(Answer::NotFound),
            },
            // postcodes.io answers null coordinates for postcodes without a grid reference.
            _ => Ok(Answer::NotFound),
        }
    }
}
