//! Settings read once from the environment, shared by the server and the CLI.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;

/// Which database to use, decided from the scheme of `DATABASE_URL` alone.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// An embedded SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL server (`postgres://` or `postgresql://` URL).
    Postgres(String),
}

impl DatabaseUrl {
    pub const DEFAULT: &'static str = "var/directory.db";

    /// `postgres://…` / `postgresql://…` → PostgreSQL; `sqlite://path`, `sqlite:path`,
    /// `file:path` or a plain path → SQLite. Anything else with a scheme is refused rather than
    /// guessed (a keyword DSN such as `host=… dbname=…` would otherwise become a file name).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(Self::Sqlite(PathBuf::from(Self::DEFAULT)));
        }
        let lower = raw.to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            return Ok(Self::Postgres(raw.to_string()));
        }
        for prefix in ["sqlite://", "sqlite:", "file:"] {
            if lower.starts_with(prefix) {
                let path = &raw[prefix.len()..];
                if path.is_empty() {
                    return Err(format!("DATABASE_URL '{raw}' has no file path"));
                }
                return Ok(Self::Sqlite(PathBuf::from(path)));
            }
        }
        if let Some((scheme, _)) = raw.split_once("://") {
            return Err(format!(
                "DATABASE_URL scheme '{scheme}://' is not supported; use postgres://…, sqlite://PATH or a file path"
            ));
        }
        if raw.contains('=') && raw.contains(' ') {
            return Err(format!(
                "DATABASE_URL '{raw}' looks like a keyword connection string; use a postgres://user@host/db URL"
            ));
        }
        Ok(Self::Sqlite(PathBuf::from(raw)))
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }
}

/// Shows the URL without any password.
impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(p) => write!(f, "sqlite:{}", p.display()),
            Self::Postgres(url) => write!(f, "{}", redact_password(url)),
        }
    }
}

fn redact_password(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// The online geocoder setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GeocoderSetting {
    Off,
    /// Base URL of a postcodes.io-compatible API.
    Url(String),
}

impl GeocoderSetting {
    pub const DEFAULT_URL: &'static str = "https://api.postcodes.io";

    pub fn parse(raw: &str) -> Result<Self, String> {
        let t = raw.trim();
        match t.to_ascii_lowercase().as_str() {
            "" | "on" | "postcodes.io" => Ok(Self::Url(Self::DEFAULT_URL.to_string())),
            "off" | "none" | "false" | "0" => Ok(Self::Off),
            lower if lower.starts_with("http://") || lower.starts_with("https://") => {
                Ok(Self::Url(t.trim_end_matches('/').to_string()))
            }
            _ => Err(format!(
                "GEOCODER '{t}' is not understood; use off or an http(s) URL of a postcodes.io-compatible API"
            )),
        }
    }
}

/// Limits on fetching import files from URLs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchSettings {
    /// Largest file accepted, in bytes (`IMPORT_MAX_BYTES`).
    pub max_bytes: u64,
    /// Whole-download time limit (`IMPORT_FETCH_TIMEOUT_SECS`).
    pub timeout: std::time::Duration,
    /// Accept plain `http://` URLs (`IMPORT_ALLOW_HTTP`); https only by default.
    pub allow_http: bool,
    /// Largest file uploaded to the admin API in a request body (`IMPORT_MAX_BODY_BYTES`).
    pub max_body_bytes: u64,
}

impl Default for FetchSettings {
    fn default() -> Self {
        Self {
            max_bytes: Self::DEFAULT_MAX_BYTES,
            timeout: std::time::Duration::from_secs(Self::DEFAULT_TIMEOUT_SECS),
            allow_http: false,
            max_body_bytes: Self::DEFAULT_MAX_BODY_BYTES,
        }
    }
}

impl FetchSettings {
    /// 4 GiB: the full ONS Postcode Directory CSV is well under 2 GiB.
    pub const DEFAULT_MAX_BYTES: u64 = 4 << 30;
    pub const DEFAULT_TIMEOUT_SECS: u64 = 900;
    /// 64 MiB: far above any directory dataset; the postcode directory comes by URL.
    pub const DEFAULT_MAX_BODY_BYTES: u64 = 64 << 20;

    fn from_lookup(get: &impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let mut s = Self::default();
        if let Some(raw) = get("IMPORT_MAX_BYTES").filter(|v| !v.trim().is_empty()) {
            s.max_bytes = raw.trim().parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                format!("IMPORT_MAX_BYTES '{raw}' is not a positive number of bytes")
            })?;
        }
        if let Some(raw) = get("IMPORT_FETCH_TIMEOUT_SECS").filter(|v| !v.trim().is_empty()) {
            let secs: u64 = raw.trim().parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                format!("IMPORT_FETCH_TIMEOUT_SECS '{raw}' is not a positive number of seconds")
            })?;
            s.timeout = std::time::Duration::from_secs(secs);
        }
        if let Some(raw) = get("IMPORT_MAX_BODY_BYTES").filter(|v| !v.trim().is_empty()) {
            s.max_body_bytes = raw.trim().parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                format!("IMPORT_MAX_BODY_BYTES '{raw}' is not a positive number of bytes")
            })?;
        }
        if let Some(raw) = get("IMPORT_ALLOW_HTTP").filter(|v| !v.trim().is_empty()) {
            s.allow_http = parse_bool(&raw)
                .ok_or_else(|| format!("IMPORT_ALLOW_HTTP '{raw}' is not true or false"))?;
        }
        Ok(s)
    }
}

fn parse_bool(raw: &str) -> Option<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// Rate limiting of the public endpoints, per client address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimit {
    /// Sustained requests per second per client (`RATE_LIMIT_PER_SECOND`; 0 turns limiting off).
    pub per_second: u64,
    /// Requests a client may make at once before the rate applies (`RATE_LIMIT_BURST`).
    pub burst: u32,
    /// A header set by a trusted proxy that names the client (`TRUSTED_PROXY_HEADER`, e.g.
    /// `X-Real-IP`); without it the peer address is used.
    pub client_ip_header: Option<String>,
}

impl RateLimit {
    pub const DEFAULT_PER_SECOND: u64 = 20;
    pub const DEFAULT_BURST: u32 = 60;

    fn from_lookup(get: &impl Fn(&str) -> Option<String>) -> Result<Option<Self>, String> {
        let number = |key: &str, default: u64| -> Result<u64, String> {
            match get(key).filter(|v| !v.trim().is_empty()) {
                None => Ok(default),
                Some(raw) => raw
                    .trim()
                    .parse()
                    .map_err(|_| format!("{key} '{raw}' is not a whole number")),
            }
        };
        let per_second = number("RATE_LIMIT_PER_SECOND", Self::DEFAULT_PER_SECOND)?;
        let burst = number("RATE_LIMIT_BURST", u64::from(Self::DEFAULT_BURST))?;
        if per_second == 0 {
            return Ok(None);
        }
        let burst = u32::try_from(burst)
            .ok()
            .filter(|b| *b > 0)
            .ok_or_else(|| "RATE_LIMIT_BURST must be between 1 and 4294967295".to_string())?;
        let client_ip_header = get("TRUSTED_PROXY_HEADER")
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty());
        if let Some(h) = &client_ip_header {
            if actix_web::http::header::HeaderName::try_from(h.as_str()).is_err() {
                return Err(format!("TRUSTED_PROXY_HEADER '{h}' is not a header name"));
            }
        }
        Ok(Some(Self {
            per_second,
            burst,
            client_ip_header,
        }))
    }
}

/// Everything the process is configured with.
/// Who may call the admin API, from `ADMIN_TOKEN`: one secret (named `admin`) or `name=secret`
/// pairs separated by commas. The secrets never print.
#[derive(Clone)]
pub struct AdminTokens(Vec<(String, SecretString)>);

impl AdminTokens {
    /// The shortest secret accepted.
    pub const MIN_SECRET_LEN: usize = 16;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let tokens: Vec<(String, SecretString)> = raw
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| match t.split_once('=') {
                Some((name, secret)) if !name.trim().is_empty() => {
                    (name.trim().to_string(), secret.trim())
                }
                _ => ("admin".to_string(), t),
            })
            .map(|(name, secret)| {
                if secret.chars().count() < Self::MIN_SECRET_LEN {
                    Err(format!(
                        "ADMIN_TOKEN: the secret of '{name}' is shorter than {} characters; use a long random secret",
                        Self::MIN_SECRET_LEN
                    ))
                } else {
                    Ok((name, SecretString::from(secret)))
                }
            })
            .collect::<Result<_, _>>()?;
        if tokens.is_empty() {
            return Err("ADMIN_TOKEN holds no secret".into());
        }
        Ok(Self(tokens))
    }

    /// The name of the token `given` is, compared with every secret in constant time (so the
    /// time taken says nothing about how much of a secret matched, nor which one did).
    pub fn identify(&self, given: &str) -> Option<&str> {
        let mut found = None;
        for (name, secret) in &self.0 {
            let same: bool = secret
                .expose_secret()
                .as_bytes()
                .ct_eq(given.as_bytes())
                .into();
            if same && found.is_none() {
                found = Some(name.as_str());
            }
        }
        found
    }

    /// The tokens' names.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(name, _)| name.as_str())
    }
}

impl fmt::Debug for AdminTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.names().map(|n| format!("{n}=(hidden)")))
            .finish()
    }
}

#[derive(Clone)]
pub struct Settings {
    pub database: DatabaseUrl,
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    pub admin_token: Option<AdminTokens>,
    pub geocoder: GeocoderSetting,
    pub fetch: FetchSettings,
    /// `None` when rate limiting is off.
    pub rate_limit: Option<RateLimit>,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("database", &self.database)
            .field("bind", &self.bind)
            .field("data_dir", &self.data_dir)
            .field("admin_token", &self.admin_token)
            .field("geocoder", &self.geocoder)
            .field("fetch", &self.fetch)
            .field("rate_limit", &self.rate_limit)
            .finish()
    }
}

impl Settings {
    pub const DEFAULT_BIND: &'static str = "127.0.0.1:8080";
    pub const DEFAULT_DATA_DIR: &'static str = "data";

    /// Read settings from the process environment.
    pub fn from_env() -> Result<Self, String> {
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Read settings through a lookup function (tests pass a map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let database = DatabaseUrl::parse(&get("DATABASE_URL").unwrap_or_default())?;
        let bind_raw = get("BIND")
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| Self::DEFAULT_BIND.to_string());
        let bind = bind_raw.trim().parse().map_err(|_| {
            format!("BIND '{bind_raw}' is not an address:port such as 127.0.0.1:8080")
        })?;
        let data_dir = PathBuf::from(
            get("DATA_DIR")
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| Self::DEFAULT_DATA_DIR.to_string()),
        );
        let admin_token = get("ADMIN_TOKEN")
            .filter(|s| !s.trim().is_empty())
            .map(|raw| AdminTokens::parse(&raw))
            .transpose()?;
        let geocoder = GeocoderSetting::parse(&get("GEOCODER").unwrap_or_default())?;
        let fetch = FetchSettings::from_lookup(&get)?;
        let rate_limit = RateLimit::from_lookup(&get)?;
        Ok(Self {
            database,
            bind,
            data_dir,
            admin_token,
            geocoder,
            fetch,
            rate_limit,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(pairs: &[(&str, &str)]) -> Result<Settings, String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_are_embedded_sqlite_on_localhost() {
        let s = settings(&[]).unwrap();
        assert_eq!(
            s.database,
            DatabaseUrl::Sqlite(PathBuf::from("var/directory.db"))
        );
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.data_dir, PathBuf::from("data"));
        assert!(s.admin_token.is_none());
        assert_eq!(
            s.geocoder,
            GeocoderSetting::Url("https://api.postcodes.io".into())
        );
    }

    #[test]
    fn backend_is_chosen_from_the_scheme() {
        assert_eq!(
            DatabaseUrl::parse("postgres://u@localhost/db")
                .unwrap()
                .backend_name(),
            "postgres"
        );
        assert_eq!(
            DatabaseUrl::parse("postgresql://u@localhost/db")
                .unwrap()
                .backend_name(),
            "postgres"
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///tmp/x.db").unwrap(),
            DatabaseUrl::Sqlite(PathBuf::from("/tmp/x.db"))
        );
        assert_eq!(
            DatabaseUrl::parse("var/x.db").unwrap(),
            DatabaseUrl::Sqlite(PathBuf::from("var/x.db"))
        );
        assert!(DatabaseUrl::parse("mysql://u@h/db").is_err());
        assert!(DatabaseUrl::parse("host=localhost dbname=test").is_err());
    }

    #[test]
    fn passwords_never_print() {
        let url = DatabaseUrl::parse("postgres://app:s3cret@db:5432/dir").unwrap();
        assert_eq!(format!("{url:?}"), "postgres://app:***@db:5432/dir");
        let s = settings(&[("ADMIN_TOKEN", "a-very-long-admin-token")]).unwrap();
        assert!(!format!("{s:?}").contains("a-very-long-admin-token"));
    }

    #[test]
    fn bad_values_are_named() {
        assert!(settings(&[("BIND", "nowhere")])
            .unwrap_err()
            .contains("BIND"));
        assert!(settings(&[("GEOCODER", "maybe")])
            .unwrap_err()
            .contains("GEOCODER"));
        assert!(settings(&[("ADMIN_TOKEN", "short")])
            .unwrap_err()
            .contains("ADMIN_TOKEN"));
        assert_eq!(
            settings(&[("GEOCODER", "off")]).unwrap().geocoder,
            GeocoderSetting::Off
        );
        assert!(settings(&[("RATE_LIMIT_PER_SECOND", "lots")])
            .unwrap_err()
            .contains("RATE_LIMIT_PER_SECOND"));
        assert_eq!(
            settings(&[("RATE_LIMIT_PER_SECOND", "0")])
                .unwrap()
                .rate_limit,
            None
        );
        let limit = settings(&[("TRUSTED_PROXY_HEADER", "X-Real-IP")])
            .unwrap()
            .rate_limit
            .unwrap();
        assert_eq!((limit.per_second, limit.burst), (20, 60));
        assert_eq!(limit.client_ip_header.as_deref(), Some("X-Real-IP"));
        assert!(settings(&[("TRUSTED_PROXY_HEADER", "bad header")]).is_err());
        assert!(settings(&[("IMPORT_MAX_BYTES", "-3")])
            .unwrap_err()
            .contains("IMPORT_MAX_BYTES"));
        assert!(settings(&[("IMPORT_ALLOW_HTTP", "perhaps")])
            .unwrap_err()
            .contains("IMPORT_ALLOW_HTTP"));
        let fetch = settings(&[("IMPORT_MAX_BYTES", "1000"), ("IMPORT_ALLOW_HTTP", "yes")])
            .unwrap()
            .fetch;
        assert_eq!((fetch.max_bytes, fetch.allow_http), (1000, true));
    }

    #[test]
    fn admin_tokens_name_who_calls_and_refuse_other_secrets() {
        let tokens =
            AdminTokens::parse("alice=aaaaaaaaaaaaaaaaaaaa, bob = bbbbbbbbbbbbbbbbbbbb").unwrap();
        assert_eq!(tokens.identify("aaaaaaaaaaaaaaaaaaaa"), Some("alice"));
        assert_eq!(tokens.identify("bbbbbbbbbbbbbbbbbbbb"), Some("bob"));
        assert_eq!(tokens.identify("aaaaaaaaaaaaaaaaaaa"), None);
        assert_eq!(tokens.identify(""), None);
        let one = AdminTokens::parse("cccccccccccccccccccc").unwrap();
        assert_eq!(one.identify("cccccccccccccccccccc"), Some("admin"));
        assert_eq!(format!("{one:?}"), "[\"admin=(hidden)\"]");
        assert!(AdminTokens::parse(" , ").is_err());
    }
}
