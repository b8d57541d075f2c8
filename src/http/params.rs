//! Query-string parsing: every parameter checked, every problem named.

use std::borrow::Cow;

use super::error::ApiError;
use crate::domain::Vocabulary;

/// The parameters of one request, in the order given (repeats kept). A request has a handful,
/// so they are looked up by a scan; text that needs no decoding is borrowed from the query.
pub struct Params<'q> {
    values: Vec<(Cow<'q, str>, Cow<'q, str>)>,
}

impl<'q> Params<'q> {
    /// Parse a query string, refusing parameters the endpoint does not know. (Malformed
    /// percent-escapes are kept as written and invalid UTF-8 is replaced, as browsers do; the
    /// values are then checked one by one.)
    pub fn parse(query: &'q str, allowed: &[&str]) -> Result<Self, ApiError> {
        let mut values = Vec::new();
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            if !allowed.contains(&key.as_ref()) {
                let shown: String = key.chars().take(40).collect();
                return Err(ApiError::bad_parameter(
                    &shown,
                    format!(
                        "unknown parameter '{shown}'; allowed: {}",
                        allowed.join(", ")
                    ),
                ));
            }
            values.push((key, value));
        }
        Ok(Self { values })
    }

    /// Every value given for `name`, in order.
    fn all<'a>(&'a self, name: &str) -> Vec<&'a str> {
        self.values
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_ref())
            .collect()
    }

    /// The single value of a parameter (trimmed; empty counts as absent).
    pub fn one(&self, name: &str) -> Result<Option<&str>, ApiError> {
        let mut given = self.values.iter().filter(|(k, _)| k == name);
        match (given.next(), given.next()) {
            (None, _) => Ok(None),
            (Some((_, v)), None) => Ok(Some(v.trim()).filter(|v| !v.is_empty())),
            (Some(_), Some(_)) => Err(ApiError::bad_parameter(
                name,
                format!("parameter '{name}' is given more than once; give it once"),
            )),
        }
    }

    /// Every value of a repeatable parameter (also accepts comma-separated values).
    pub fn many(&self, name: &str) -> Vec<&str> {
        self.all(name)
            .into_iter()
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
