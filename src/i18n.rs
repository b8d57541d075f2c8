//! The service's two languages, English and Welsh.
//!
//! Interface text comes from a translation catalogue: `locales/en-GB/*.ftl` and
//! `locales/cy/*.ftl` (Project Fluent), built into the binary. Code asks for text by key with
//! [`tr!`](crate::tr), in the language of the request being answered: the HTTP layer runs each
//! request inside [`scope`] (pages by their `/cy/` path, the API by `lang=` or
//! `Accept-Language`), so every answer, page or problem built while answering it speaks that
//! language without the language being passed through every function. Outside a request (the
//! CLI, tests) the language is English unless [`sync_scope`] says otherwise.
//!
//! A test (`catalogue_keys_match`) fails when a key is in one language and not the other, and
//! another when code asks for a key English does not have.

use std::borrow::Cow;
use std::collections::HashMap;
use std::future::Future;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};
use serde::Serialize;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en-GB",
        // Plain text in pages and JSON: no Unicode isolation marks around arguments.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// A language the service speaks.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord, Serialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Cy,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Cy];

    /// The language's tag, as `Content-Language`, `hreflang` and `<html lang>` give it.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en-GB",
            Lang::Cy => "cy",
        }
    }

    /// The short code `lang=` takes.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Cy => "cy",
        }
    }

    /// The language's name in itself, for the link that switches to it.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Cy => "Cymraeg",
        }
    }

    /// The other language.
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Cy,
            Lang::Cy => Lang::En,
        }
    }

    /// Where the language's pages live: `` for English, `/cy` for Welsh.
    pub fn path_prefix(self) -> &'static str {
        match self {
            Lang::En => "",
            Lang::Cy => "/cy",
        }
    }

    /// `en`, `en-GB`, `cy`, `cy-GB` (any case).
    pub fn parse(raw: &str) -> Option<Lang> {
        let primary = raw.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "cy" => Some(Lang::Cy),
            _ => None,
        }
    }

    /// The language an `Accept-Language` header prefers among those spoken (RFC 9110: the
    /// highest quality wins, the first listed among equals; English when none is spoken).
    pub fn negotiate(accept_language: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for item in accept_language.split(',') {
            let mut parts = item.split(';');
            let range = parts.next().unwrap_or_default().trim();
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())
                .filter(|q| (0.0..=1.0).contains(q));
            let (Some(lang), Some(q)) = (Lang::parse(range), quality) else {
                continue;
            };
            if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
                best = Some((q, lang));
            }
        }
        best.map_or(Lang::En, |(_, lang)| lang)
    }

    /// The language of a page: Welsh under `/cy/`.
    pub fn of_page_path(path: &str) -> Lang {
        if path == "/cy" || path.starts_with("/cy/") {
            Lang::Cy
        } else {
            Lang::En
        }
    }

    fn id(self) -> &'static LanguageIdentifier {
        static IDS: std::sync::OnceLock<[LanguageIdentifier; 2]> = std::sync::OnceLock::new();
        let ids =
            IDS.get_or_init(|| Lang::ALL.map(|l| l.tag().parse().expect("a valid language tag")));
        &ids[self as usize]
    }
}

tokio::task_local! {
    static CURRENT: Lang;
}

/// The language of the request being answered (English outside one).
pub fn current() -> Lang {
    CURRENT.try_with(|l| *l).unwrap_or_default()
}

/// Run `f` (a request's handling) in `lang`.
pub async fn scope<F: Future>(lang: Lang, f: F) -> F::Output {
    CURRENT.scope(lang, f).await
}

/// Run `f` in `lang`, synchronously (work handed to another thread, tests, the CLI).
pub fn sync_scope<R>(lang: Lang, f: impl FnOnce() -> R) -> R {
    CURRENT.sync_scope(lang, f)
}

/// An argument of a catalogue message.
pub enum Arg {
    Text(String),
    Number(f64),
}

impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(v.to_string())
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(v)
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Self {
        Arg::Text(v.clone())
    }
}
impl From<Cow<'_, str>> for Arg {
    fn from(v: Cow<'_, str>) -> Self {
        Arg::Text(v.into_owned())
    }
}
macro_rules! number_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(v: $t) -> Self {
                Arg::Number(v as f64)
            }
        }
    )*};
}
number_arg!(u8, u16, u32, u64, usize, i32, i64, f64);

/// The message `key` in `lang`, with its arguments. A key the catalogue lacks (a bug the
/// catalogue tests catch) shows as the key itself rather than failing the answer.
pub fn text_in(lang: Lang, key: &str, args: &[(&'static str, Arg)]) -> String {
    let args: Option<HashMap<Cow<'static, str>, FluentValue<'_>>> = (!args.is_empty()).then(|| {
        args.iter()
            .map(|(name, value)| {
                let value = match value {
                    Arg::Text(s) => FluentValue::from(s.as_str()),
                    Arg::Number(n) => FluentValue::from(*n),
                };
                (Cow::Borrowed(*name), value)
            })
            .collect()
    });
    LOCALES
        .try_lookup_complete(lang.id(), key, args.as_ref())
        .unwrap_or_else(|| key.to_string())
}

/// The message `key` in the current language.
pub fn text(key: &str, args: &[(&'static str, Arg)]) -> String {
    text_in(current(), key, args)
}

/// Text from the catalogue in the current language: `tr!("key")` or
/// `tr!("key", name = value, ...)`.
#[macro_export]
macro_rules! tr {
    ($key:expr) => {
        $crate::i18n::text($key, &[])
    };
    ($key:expr, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::text($key, &[$((stringify!($name), $crate::i18n::Arg::from($value))),+])
    };
}

/// A distance in miles as words in the current language ("3.2 miles", "3.2 milltir").
pub fn miles(miles: f64) -> String {
    tr!("unit-miles", miles = format!("{miles:.1}"))
}

/// Text of a dataset that may have a Welsh version: the version for the current language, or
/// English when there is no Welsh.
pub fn pick<'a>(english: &'a str, welsh: &'a str) -> &'a str {
    if current() == Lang::Cy && !welsh.trim().is_empty() {
        welsh
    } else {
        english
    }
}

/// Whether a Welsh text of a dataset has been reviewed by a Welsh-speaking clinician (the
/// `welsh_review` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Review {
    Reviewed,
    NotReviewed,
}

impl Review {
    pub fn as_str(self) -> &'static str {
        match self {
            Review::Reviewed => "reviewed",
            Review::NotReviewed => "not_reviewed",
        }
    }

    /// `reviewed` or `not_reviewed` (any case, surrounding space ignored).
    pub fn parse(raw: &str) -> Result<Review, String> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "reviewed" => Ok(Review::Reviewed),
            "not_reviewed" => Ok(Review::NotReviewed),
            _ => Err(tr!(
                "error-vocabulary",
                what = "welsh_review",
                value = raw.trim(),
                allowed = "reviewed, not_reviewed"
            )),
        }
    }
}

impl std::str::FromStr for Review {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, String> {
        Review::parse(raw)
    }
}

/// For an answer in Welsh: the state of a text's translation, in words.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Translation {
    /// Has a Welsh-speaking clinician reviewed the Welsh? False when there is no Welsh yet.
    pub reviewed: bool,
    /// What a reader should know about it.
    pub note: String,
}

/// A dataset row's Welsh text: which language its text is given in, and what to tell readers.
pub trait Bilingual {
    /// Does the row have its Welsh text?
    fn has_welsh(&self) -> bool;
    fn review(&self) -> Option<Review>;

    /// The language the row's text is shown in for the current request.
    fn language(&self) -> Lang {
        if current() == Lang::Cy && self.has_welsh() {
            Lang::Cy
        } else {
            Lang::En
        }
    }

    /// For a request in Welsh: whether the Welsh is reviewed, or that there is none yet.
    fn translation(&self) -> Option<Translation> {
        if current() != Lang::Cy {
            return None;
        }
        Some(match (self.has_welsh(), self.review()) {
            (true, Some(Review::Reviewed)) => Translation {
                reviewed: true,
                note: tr!("translation-reviewed"),
            },
            (true, _) => Translation {
                reviewed: false,
                note: tr!("translation-not-reviewed"),
            },
            (false, _) => Translation {
                reviewed: false,
                note: tr!("translation-missing"),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    /// The messages of a language: each id (`key = ...` at the start of a line) with the
    /// variables (`$name`) its text uses, continuation lines included.
    fn messages(folder: &str) -> BTreeMap<String, BTreeSet<String>> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(folder);
        let mut messages: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for entry in std::fs::read_dir(&dir).expect("the locale folder") {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let mut current: Option<String> = None;
            for line in text.lines() {
                let id = line.split_once(" =").map(|(id, _)| id).filter(|id| {
                    !id.is_empty()
                        && id
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                });
                if let Some(id) = id {
                    assert!(
                        messages.insert(id.to_string(), BTreeSet::new()).is_none(),
                        "{id} twice in {folder}"
                    );
                    current = Some(id.to_string());
                } else if !line.starts_with(' ') {
                    current = None;
                }
                if let Some(id) = &current {
                    for piece in line.split('$').skip(1) {
                        let var: String = piece
                            .chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                            .collect();
                        messages.get_mut(id).unwrap().insert(var);
                    }
                }
            }
        }
        messages
    }

    #[test]
    fn catalogue_keys_match() {
        let en = messages("en-GB");
        let cy = messages("cy");
        assert!(en.len() > 200, "{}", en.len());
        let only_en: Vec<_> = en.keys().filter(|k| !cy.contains_key(*k)).collect();
        let only_cy: Vec<_> = cy.keys().filter(|k| !en.contains_key(*k)).collect();
        assert!(only_en.is_empty(), "keys with no Welsh: {only_en:?}");
        assert!(only_cy.is_empty(), "keys with no English: {only_cy:?}");
        // Every message loads in each language by itself (no falling back to English), given
        // the arguments it takes, and the Welsh takes the same arguments as the English.
        let all_vars: BTreeSet<&String> = en.values().flatten().collect();
        for (key, vars) in &en {
            assert_eq!(vars, &cy[key], "{key} takes other arguments in Welsh");
            let args: HashMap<&str, FluentValue> = all_vars
                .iter()
                .map(|v| (v.as_str(), FluentValue::from("x")))
                .collect();
            for lang in Lang::ALL {
                let text = LOCALES.lookup_no_default_fallback(lang.id(), key, Some(&args));
                assert!(
                    text.is_some_and(|t| !t.is_empty()),
                    "{key} does not load in {lang:?}"
                );
            }
        }
    }

    /// Every `tr!("key"` (whitespace allowed) in the code, `self.t("key"` and
    /// `self.t_with("key"` in the templates, and problem title, names a key English has.
    #[test]
    fn keys_used_exist() {
        let en = messages("en-GB");
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut missing = Vec::new();
        let mut used = 0;
        let mut stack = vec![root.join("src"), root.join("templates")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.ends_with("i18n.rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for marker in ["tr!(", "self.t(", "self.t_with("] {
                    for (before, piece) in text.split(marker).zip(text.split(marker).skip(1)) {
                        // `include_str!(` is not `tr!(`.
                        if before.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
                            continue;
                        }
                        let Some(rest) = piece.trim_start().strip_prefix('"') else {
                            continue;
                        };
                        let key = rest.split('"').next().unwrap();
                        used += 1;
                        if !en.contains_key(key) {
                            missing.push(format!("{}: {key}", path.display()));
                        }
                    }
                }
                for piece in text.split("\"problem-").skip(1) {
                    let key = format!("problem-{}", piece.split('"').next().unwrap());
                    used += 1;
                    if !en.contains_key(&key) {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
        assert!(used > 200, "{used}");
        assert!(missing.is_empty(), "keys not in the catalogue: {missing:?}");
    }

    #[test]
    fn messages_take_arguments_and_welsh_is_welsh() {
        let en = sync_scope(Lang::En, || miles(3.24));
        let cy = sync_scope(Lang::Cy, || miles(3.24));
        assert_eq!(en, "3.2 miles");
        assert_eq!(cy, "3.2 milltir");
        assert_eq!(current(), Lang::En);
        assert_eq!(text_in(Lang::Cy, "no-such-key", &[]), "no-such-key");
    }

    #[test]
    fn accept_language_is_negotiated() {
        assert_eq!(Lang::negotiate("cy"), Lang::Cy);
        assert_eq!(Lang::negotiate("cy-GB,cy;q=0.9,en;q=0.8"), Lang::Cy);
        assert_eq!(Lang::negotiate("en-GB,cy;q=0.5"), Lang::En);
        assert_eq!(Lang::negotiate("fr, cy;q=0.3"), Lang::Cy);
        assert_eq!(Lang::negotiate("en;q=0.2, cy;q=0.9"), Lang::Cy);
        assert_eq!(Lang::negotiate("cy;q=0"), Lang::En);
        assert_eq!(Lang::negotiate("fr"), Lang::En);
        assert_eq!(Lang::negotiate("*"), Lang::En);
        assert_eq!(Lang::negotiate("cy;q=abc"), Lang::En);
        assert_eq!(Lang::negotiate(""), Lang::En);
    }

    #[test]
    fn page_paths_say_the_language() {
        assert_eq!(Lang::of_page_path("/cy/"), Lang::Cy);
        assert_eq!(Lang::of_page_path("/cy"), Lang::Cy);
        assert_eq!(Lang::of_page_path("/cy/search"), Lang::Cy);
        assert_eq!(Lang::of_page_path("/cyber"), Lang::En);
        assert_eq!(Lang::of_page_path("/search"), Lang::En);
    }
}
