//! Query parameters. Each endpoint has one `Deserialize + IntoParams` struct of its parameters
//! as given (text), read by the [`Query`] extractor, and a `TryFrom` that turns it into a
//! validated request. The struct's `IntoParams` describes the parameters in the API
//! description, so what is documented and what is read are the same definition.
//!
//! Every problem is a 400 naming the parameter: an unknown parameter, one given twice that is
//! not repeatable, an empty value, or a value that is not allowed.

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::openapi::schema::Schema;
use utoipa::openapi::RefOr;
use utoipa::IntoParams;

use super::error::ApiError;
use crate::domain::Vocabulary;

/// The query string of a request, read into `T`.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned + IntoParams> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(read(req.query_string()).map(Query))
    }
}

/// Read a query string into `T`, refusing parameters `T` does not describe and single-valued
/// ones given more than once.
pub fn read<T: DeserializeOwned + IntoParams>(query: &str) -> Result<T, ApiError> {
    let described = T::into_params(|| Some(ParameterIn::Query));
    let mut seen: Vec<String> = Vec::new();
    for (key, _) in form_urlencoded::parse(query.as_bytes()) {
        let Some(parameter) = described.iter().find(|p| p.name == key) else {
            let shown = shorten(&key);
            let allowed: Vec<&str> = described.iter().map(|p| p.name.as_str()).collect();
            return Err(ApiError::bad_parameter(
                &shown,
                crate::tr!(
                    "error-unknown-parameter",
                    name = shown.as_str(),
                    allowed = allowed.join(", ")
                ),
            ));
        };
        if seen.iter().any(|s| *s == key) && !repeatable(parameter) {
            return Err(ApiError::bad_parameter(
                &key,
                crate::tr!("error-repeated-parameter", name = key.as_ref()),
            ));
        }
        seen.push(key.into_owned());
    }
    serde_html_form::from_str(query).map_err(|e| ApiError::BadRequest {
        parameter: None,
        detail: crate::tr!("error-query-unreadable", reason = e.to_string()),
    })
}

/// Is this parameter a list (given once per value)?
fn repeatable(parameter: &Parameter) -> bool {
    matches!(&parameter.schema, Some(RefOr::T(Schema::Array(_))))
}

/// A repeatable parameter's values: given once (a string) or more (a list). For fields of a
/// struct that another flattens, which see one value as a string.
pub fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match serde::Deserialize::deserialize(d)? {
        OneOrMany::One(one) => vec![one],
        OneOrMany::Many(many) => many,
    })
}

/// The parameters of two parameter structs read from one query string, in order (for a query
/// struct that flattens them).
pub fn both<A: IntoParams, B: IntoParams>(
    parameter_in: impl Fn() -> Option<ParameterIn>,
) -> Vec<Parameter> {
    let mut all = A::into_params(&parameter_in);
    all.extend(B::into_params(&parameter_in));
    all
}

/// A parameter's value as given; an empty one (or only spaces) is refused.
pub fn given(name: &str, value: Option<String>) -> Result<Option<String>, ApiError> {
    match value {
        Some(v) if v.trim().is_empty() => Err(ApiError::bad_parameter(
            name,
            crate::tr!("error-empty-parameter", name = name),
        )),
        v => Ok(v),
    }
}

/// A parameter from a closed vocabulary.
pub fn vocabulary<V: Vocabulary>(name: &str, value: Option<String>) -> Result<Option<V>, ApiError> {
    given(name, value)?
        .map(|v| V::parse(&v).map_err(|e| ApiError::bad_parameter(name, e)))
        .transpose()
}

/// Every value of a repeatable vocabulary parameter (a value may also list several, separated
/// by commas).
pub fn vocabularies<V: Vocabulary>(name: &str, values: Vec<String>) -> Result<Vec<V>, ApiError> {
    let mut all = Vec::new();
    for value in values {
        let value = given(name, Some(value))?.unwrap_or_default();
        // Each listed value must be a value: `service=a,,b` is refused too.
        for one in value.split(',') {
            all.push(V::parse(one).map_err(|e| ApiError::bad_parameter(name, e))?);
        }
    }
    Ok(all)
}

/// A whole number in `min..=max`.
pub fn integer(
    name: &str,
    value: Option<String>,
    min: i64,
    max: i64,
) -> Result<Option<i64>, ApiError> {
    let Some(raw) = given(name, value)? else {
        return Ok(None);
    };
    match raw.parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
        _ => Err(ApiError::bad_parameter(
            name,
            crate::tr!(
                "error-integer",
                name = name,
                value = shorten(&raw),
                min = min.to_string(),
                max = max.to_string()
            ),
        )),
    }
}

/// A finite decimal number.
pub fn number(name: &str, value: Option<String>) -> Result<Option<f64>, ApiError> {
    let Some(raw) = given(name, value)? else {
        return Ok(None);
    };
    raw.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(Some)
        .ok_or_else(|| {
            ApiError::bad_parameter(
                name,
                crate::tr!("error-number", name = name, value = shorten(&raw)),
            )
        })
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
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, IntoParams)]
    #[into_params(parameter_in = Query)]
    struct Example {
        q: Option<String>,
        limit: Option<String>,
        #[serde(default)]
        service: Vec<String>,
    }

    fn problem(query: &str) -> (Option<String>, String) {
        match read::<Example>(query).unwrap_err() {
            ApiError::BadRequest { parameter, detail } => (parameter, detail),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn parameters_are_read_by_name_and_lists_repeat() {
        let e: Example = read("q=Leeds&service=a&limit=3&service=b%2Cc").unwrap();
        assert_eq!(e.q.as_deref(), Some("Leeds"));
        assert_eq!(e.limit.as_deref(), Some("3"));
        assert_eq!(e.service, ["a", "b,c"]);
        let none: Example = read("").unwrap();
        assert!(none.q.is_none() && none.service.is_empty());
    }

    #[test]
    fn unknown_and_repeated_parameters_are_named() {
        let (parameter, detail) = problem("q=Leeds&colour=red");
        assert_eq!(parameter.as_deref(), Some("colour"));
        assert_eq!(
            detail,
            "unknown parameter 'colour'; allowed: q, limit, service"
        );
        let (parameter, detail) = problem("q=Leeds&q=York");
        assert_eq!(parameter.as_deref(), Some("q"));
        assert!(detail.contains("more than once"), "{detail}");
    }

    #[test]
    fn empty_values_are_refused_by_name() {
        let e: Example = read("q=&limit=%20").unwrap();
        let err = given("q", e.q).unwrap_err();
        assert!(err.to_string().contains("q is empty"), "{err}");
        assert!(integer("limit", e.limit, 1, 50).is_err());
        assert!(vocabularies::<crate::domain::Nation>("nation", vec![String::new()]).is_err());
    }

    proptest! {
        /// Any query string is either read or refused with a 400; never a panic.
        #[test]
        fn arbitrary_query_strings_never_panic(raw in "\\PC{0,200}") {
            if let Ok(e) = read::<Example>(&raw) {
                let _ = given("q", e.q);
                let _ = integer("limit", e.limit, 1, 50);
            }
        }
    }
}
