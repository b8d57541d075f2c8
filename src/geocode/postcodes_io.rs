//! Client for a postcodes.io-compatible geocoder, as its current release answers:
//! `GET /postcodes/{postcode}` (404 with a `terminated` object for a postcode no longer in
//! use; 200 with null coordinates for some Channel Islands and Isle of Man postcodes),
//! `GET /terminated_postcodes/{postcode}` (older servers), `GET /outcodes/{outcode}` and
//! `GET /places?q=`. Calls have a short timeout, and a circuit breaker stops asking for a while
//! after repeated failures, so a hanging geocoder does not make every query wait. Answers are
//! cached by the caller.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::domain::{Coordinates, Territory, Vocabulary};

/// What the online geocoder said, as cached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Answer {
    Found {
        lat: f64,
        lon: f64,
        /// A territory name (`england`...), when the answer said.
        territory: Option<String>,
    },
    /// Known, but without coordinates (some Channel Islands and Isle of Man postcodes).
    Unlocated { territory: Option<String> },
    /// No longer in use; its last known location when there is one.
    Terminated {
        lat: Option<f64>,
        lon: Option<f64>,
        year: Option<i32>,
    },
    /// A place found by name.
    Place {
        name: String,
        county: Option<String>,
        lat: f64,
        lon: f64,
        territory: Option<String>,
    },
    /// The service says no such postcode or place exists.
    NotFound,
}

impl Answer {
    /// The territory the answer names.
    pub fn territory(&self) -> Option<Territory> {
        match self {
            Answer::Found { territory, .. }
            | Answer::Unlocated { territory }
            | Answer::Place { territory, .. } => {
                territory.as_deref().and_then(|t| Territory::parse(t).ok())
            }
            Answer::Terminated { .. } | Answer::NotFound => None,
        }
    }

    /// How long the answer may be reused: a day for "not found" (a new postcode appears in
    /// the geocoder's monthly update), thirty days otherwise.
    pub fn keep_for(&self) -> chrono::Duration {
        match self {
            Answer::NotFound => chrono::Duration::days(1),
            _ => chrono::Duration::days(30),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OnlineError {
    #[error("the geocoder did not answer in time")]
    Timeout,
    #[error("the geocoder failed: {0}")]
    Failed(String),
    #[error("the geocoder failed repeatedly and is not asked again for a while")]
    Resting,
}

/// Stops asking a failing geocoder for a while: after [`Breaker::FAILURES`] failures in a row
/// it rests for [`Breaker::REST`], then lets one question through to try it again.
#[derive(Debug, Default)]
struct Breaker {
    failures: u32,
    resting_until: Option<Instant>,
}

impl Breaker {
    const FAILURES: u32 = 3;
    const REST: Duration = Duration::from_secs(30);

    fn may_ask(&mut self) -> bool {
        match self.resting_until {
            Some(until) if Instant::now() < until => false,
            Some(_) => {
                // One trial question; another failure rests again at once.
                self.resting_until = None;
                self.failures = Self::FAILURES - 1;
                true
            }
            None => true,
        }
    }

    fn record(&mut self, ok: bool) {
        if ok {
            self.failures = 0;
            self.resting_until = None;
        } else {
            self.failures += 1;
            if self.failures >= Self::FAILURES {
                self.resting_until = Some(Instant::now() + Self::REST);
                tracing::warn!(
                    seconds = Self::REST.as_secs(),
                    "the online geocoder failed {} times in a row; not asking it for a while",
                    self.failures
                );
            }
        }
    }
}

#[derive(Clone)]
pub struct PostcodesIo {
    base: String,
    client: reqwest::Client,
    breaker: Arc<Mutex<Breaker>>,
}

#[derive(Deserialize)]
struct Envelope<T> {
    status: u16,
    result: Option<T>,
    terminated: Option<TerminatedBody>,
}

#[derive(Deserialize)]
struct ResultBody {
    latitude: Option<f64>,
    longitude: Option<f64>,
    country: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct TerminatedBody {
    latitude: Option<f64>,
    longitude: Option<f64>,
    year_terminated: Option<i32>,
}

#[derive(Deserialize)]
struct PlaceBody {
    name_1: Option<String>,
    county_unitary: Option<String>,
    country: Option<serde_json::Value>,
    latitude: Option<f64>,
    longitude: Option<f64>,
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

fn territory_name(country: Option<&serde_json::Value>) -> Option<String> {
    country
        .and_then(territory_of)
        .map(|t| t.as_str().to_string())
}

/// Coordinates inside the service's UK box, or `None`.
fn located(lat: Option<f64>, lon: Option<f64>) -> Option<(f64, f64)> {
    let (lat, lon) = (lat?, lon?);
    Coordinates::new(lat, lon).ok().map(|_| (lat, lon))
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
            breaker: Arc::new(Mutex::new(Breaker::default())),
        }
    }

    /// Look up a full postcode (`LS9 7TF`).
    pub async fn postcode(&self, postcode: &str) -> Result<Answer, OnlineError> {
        let compact = postcode.replace(' ', "");
        let answer = self
            .ask(&format!("postcodes/{compact}"), postcode_answer)
            .await?;
        if answer != Answer::NotFound {
            return Ok(answer);
        }
        // Servers before the `terminated` object answer terminated postcodes here.
        match self
            .ask(
                &format!("terminated_postcodes/{compact}"),
                terminated_answer,
            )
            .await
        {
            Ok(found) => Ok(found),
            // Not every server has the endpoint: the first answer stands.
            Err(_) => Ok(Answer::NotFound),
        }
    }

    /// Look up an outward code (`LS9`).
    pub async fn outcode(&self, outcode: &str) -> Result<Answer, OnlineError> {
        self.ask(&format!("outcodes/{outcode}"), postcode_answer)
            .await
    }

    /// Look up a place by name (the best match, as the geocoder ranks them).
    pub async fn place(&self, name: &str) -> Result<Answer, OnlineError> {
        let mut path = String::from("places?");
        form_urlencoded::Serializer::new(&mut path)
            .append_pair("q", name)
            .append_pair("limit", "1");
        self.ask(&path, place_answer).await
    }

    /// Ask, through the circuit breaker.
    async fn ask(
        &self,
        path: &str,
        read: fn(u16, &[u8]) -> Result<Answer, OnlineError>,
    ) -> Result<Answer, OnlineError> {
        if !self.breaker.lock().expect("breaker").may_ask() {
            return Err(OnlineError::Resting);
        }
        let outcome = self.fetch(path, read).await;
        let healthy = !matches!(outcome, Err(OnlineError::Timeout | OnlineError::Failed(_)));
        self.breaker.lock().expect("breaker").record(healthy);
        outcome
    }

    async fn fetch(
        &self,
        path: &str,
        read: fn(u16, &[u8]) -> Result<Answer, OnlineError>,
    ) -> Result<Answer, OnlineError> {
        let url = format!("{}/{path}", self.base);
        let failed = |e: reqwest::Error| {
            if e.is_timeout() {
                OnlineError::Timeout
            } else {
                OnlineError::Failed(e.without_url().to_string())
            }
        };
        let response = self.client.get(&url).send().await.map_err(failed)?;
        let status = response.status().as_u16();
        if status != 200 && status != 404 {
            return Err(OnlineError::Failed(format!("status {status}")));
        }
        let body = response.bytes().await.map_err(failed)?;
        read(status, &body)
    }
}

fn not_json() -> OnlineError {
    OnlineError::Failed("the answer was not the documented JSON".into())
}

/// `/postcodes/{postcode}` and `/outcodes/{outcode}`.
fn postcode_answer(status: u16, body: &[u8]) -> Result<Answer, OnlineError> {
    let envelope: Envelope<ResultBody> = match serde_json::from_slice(body) {
        Ok(e) => e,
        Err(_) if status == 404 => return Ok(Answer::NotFound),
        Err(_) => return Err(not_json()),
    };
    if status == 404 || envelope.status == 404 {
        return Ok(match envelope.terminated {
            Some(t) => terminated(t),
            None => Answer::NotFound,
        });
    }
    let result = envelope
        .result
        .ok_or_else(|| OnlineError::Failed("the answer had no result".into()))?;
    let territory = territory_name(result.country.as_ref());
    Ok(match located(result.latitude, result.longitude) {
        Some((lat, lon)) => Answer::Found {
            lat,
            lon,
            territory,
        },
        None => match territory {
            Some(territory) => Answer::Unlocated {
                territory: Some(territory),
            },
            // No position and no country: nothing we can use.
            None => Answer::NotFound,
        },
    })
}

/// `/terminated_postcodes/{postcode}` (200 with the object under `result`).
fn terminated_answer(status: u16, body: &[u8]) -> Result<Answer, OnlineError> {
    if status == 404 {
        return Ok(Answer::NotFound);
    }
    let envelope: Envelope<TerminatedBody> =
        serde_json::from_slice(body).map_err(|_| not_json())?;
    Ok(envelope.result.map_or(Answer::NotFound, terminated))
}

fn terminated(t: TerminatedBody) -> Answer {
    let at = located(t.latitude, t.longitude);
    Answer::Terminated {
        lat: at.map(|a| a.0),
        lon: at.map(|a| a.1),
        year: t.year_terminated,
    }
}

/// `/places?q=` (a list, best first; empty or null when nothing matches).
fn place_answer(status: u16, body: &[u8]) -> Result<Answer, OnlineError> {
    if status == 404 {
        return Ok(Answer::NotFound);
    }
    let envelope: Envelope<Vec<PlaceBody>> =
        serde_json::from_slice(body).map_err(|_| not_json())?;
    let Some(first) = envelope.result.unwrap_or_default().into_iter().next() else {
        return Ok(Answer::NotFound);
    };
    let (Some(name), Some((lat, lon))) = (first.name_1, located(first.latitude, first.longitude))
    else {
        return Ok(Answer::NotFound);
    };
    Ok(Answer::Place {
        name,
        county: first.county_unitary,
        lat,
        lon,
        territory: territory_name(first.country.as_ref()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_terminated_postcode_keeps_its_last_location() {
        let body = br#"{"status":404,"error":"Postcode not found","terminated":{"postcode":"AB1 0AA","year_terminated":1996,"month_terminated":6,"longitude":-2.242851,"latitude":57.101474}}"#;
        assert_eq!(
            postcode_answer(404, body).unwrap(),
            Answer::Terminated {
                lat: Some(57.101474),
                lon: Some(-2.242851),
                year: Some(1996)
            }
        );
    }

    #[test]
    fn coordinates_are_read_exactly_as_sent() {
        let body = br#"{"status":200,"result":{"postcode":"AB10 1AB","latitude":57.135252280832084,"longitude":-2.1173423,"country":"Scotland"}}"#;
        let Answer::Found { lat, territory, .. } = postcode_answer(200, body).unwrap() else {
            panic!("not found");
        };
        assert_eq!(lat.to_string(), "57.135252280832084");
        assert_eq!(territory.as_deref(), Some("scotland"));
    }

    #[test]
    fn a_channel_islands_postcode_without_coordinates_is_a_crown_dependency() {
        let body = br#"{"status":200,"result":{"postcode":"JE2 3AB","latitude":null,"longitude":null,"country":"Channel Islands"}}"#;
        assert_eq!(
            postcode_answer(200, body).unwrap(),
            Answer::Unlocated {
                territory: Some("crown_dependency".into())
            }
        );
    }

    #[test]
    fn the_breaker_rests_after_repeated_failures_then_tries_once() {
        let mut b = Breaker::default();
        for _ in 0..Breaker::FAILURES {
            assert!(b.may_ask());
            b.record(false);
        }
        assert!(!b.may_ask());
        b.resting_until = Some(Instant::now() - Duration::from_millis(1));
        assert!(b.may_ask(), "a trial after the rest");
        b.record(false);
        assert!(!b.may_ask(), "one more failure rests again");
        b.resting_until = Some(Instant::now() - Duration::from_millis(1));
        assert!(b.may_ask());
        b.record(true);
        assert!(b.may_ask());
        assert_eq!(b.failures, 0);
    }
}
