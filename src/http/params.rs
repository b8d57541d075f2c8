//! Query-string parsing: every parameter checked, every problem named.

use std::collections::HashMap;

use super::error::ApiError;
use crate::domain::Vocabulary;

/// The parameters of one request, with repeats kept in order.
pub struct Params {
    values: HashMap<String, Vec<String>>,
}

impl Params {
    /// Parse a query string, refusing parameters the endpoint does not know.
    pub fn parse(query: &str, allowed: &[&str]) -> Result<Self, ApiError> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(query).map_err(|_| ApiError::BadRequest {
                parameter: None,
                detail: "the query string is not valid URL encoding".into(),
            })?;
        let mut values: HashMap<String, Vec<String>> = HashMap::new();
        for (key, value) in pairs {
            if !allowed.contains(&key.as_str()) {
                let shown: String = key.chars().take(40).collect();
                return Err(ApiError::bad_parameter(
                    &shown,
                    format!(
                        "unknown parameter '{shown}'; allowed: {}",
                        allowed.join(", ")
                    ),
                ));
            }
            values.entry(key).or_default().push(value);
        }
        Ok(Self { values })
    }

    /// The single value of a parameter (trimmed; empty counts as absent).
    pub fn one(&self, name: &str) -> Result<Option<&str>, ApiError> {
        match self.values.get(name).map(Vec::as_slice) {
            None => Ok(None),
            Some([v]) => Ok(Some(v.trim()).filter(|v| !v.is_empty())),
            Some(_) => Err(ApiError::bad_parameter(
                name,
                format!("parameter '{name}' is given more than once; give it once"),
            )),
        }
    }

    /// Every value of a repeatable parameter (also accepts comma-separated values).
    pub fn many(&self, name: &str) -> Vec<&str> {
        self.values
            .get(name)
            .into_iter()
            .flatten()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// A parameter from a closed vocabulary.
    pub fn vocabulary<V: Vocabulary>(&self, name: &str) -> Result<Option<V>, ApiError> {
        self.one(name)?
            .map(|v| V::parse(v).map_err(|e| ApiError::bad_parameter(name, format!("{name}: {e}"))))
            .transpose()
    }

    /// Every value of a repeatable vocabulary parameter.
    pub fn vocabularies<V: Vocabulary>(&self, name: &str) -> Result<Vec<V>, ApiError> {
        self.many(name)
            .into_iter()
            .map(|v| V::parse(v).map_err(|e| ApiError::bad_parameter(name, format!("{name}: {e}"))))
            .collect()
    }

    /// An integer in `min..=max`.
    pub fn integer(&self, name: &str, min: i64, max: i64) -> Result<Option<i64>, ApiError> {
        let Some(raw) = self.one(name)? else {
            return Ok(None);
        };
        match raw.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
            _ => Err(ApiError::bad_parameter(
                name,
                format!(
                    "{name} '{}' is not allowed; allowed: a whole number from {min} to {max}",
                    shorten(raw)
                ),
            )),
        }
    }

    /// A finite decimal number.
    pub fn number(&self, name: &str) -> Result<Option<f64>, ApiError> {
        let Some(raw) = self.one(name)? else {
            return Ok(None);
        };
        raw.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(Some)
            .ok_or_else(|| {
                ApiError::bad_parameter(name, format!("{name} '{}' is not a number", shorten(raw)))
            })
    }
}

/// Cut user input for echoing in messages.
pub fn shorten(raw: &str) -> String {
    let s: String = raw.chars().take(40).collect();
    if raw.chars().count() > 40 {
        format!("{s}…")
    } else {
        s
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any query string is either understood or refused with a 400; never a panic.
        #[test]
        fn arbitrary_query_strings_never_panic(raw in "\\PC{0,200}") {
            if let Ok(params) = Params::parse(&raw, &["q", "limit", "lat"]) {
                let _ = params.one("q");
                let _ = params.integer("limit", 1, 50);
                let _ = params.number("lat");
            }
        }
    }
}
