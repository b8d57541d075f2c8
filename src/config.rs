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
    /// Memory for public answers kept to be sent again (`ANSWER_CACHE_BYTES`; 0 keeps none).
    pub answer_cache_bytes: u64,
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
    /// 16 MiB: a few thousand answers.
    pub const DEFAULT_ANSWER_CACHE_BYTES: u64 = 16 << 20;
}

/// The settings as given: each from a flag, else its environment variable, else its default.
/// An empty variable (as `.env.sample` leaves some) counts as unset.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Settings (flags or environment variables)")]
pub struct SettingsArgs {
    /// SQLite file path (`sqlite://PATH` also accepted) or `postgres://` URL.
    #[arg(long, env = "DATABASE_URL", value_name = "DATABASE_URL", global = true,
          default_value = DatabaseUrl::DEFAULT, hide_env_values = true,
          value_parser = DatabaseUrl::parse)]
    database_url: DatabaseUrl,
    /// Address the service listens on.
    #[arg(long, env = "BIND", value_name = "BIND", global = true,
          default_value = Settings::DEFAULT_BIND, value_parser = parse_bind)]
    bind: SocketAddr,
    /// Folder of the shipped CSV files loaded into an empty database.
    #[arg(long, env = "DATA_DIR", value_name = "DATA_DIR", global = true,
          default_value = Settings::DEFAULT_DATA_DIR, value_parser = parse_data_dir)]
    data_dir: PathBuf,
    /// Enables the admin API: one secret, or `name=secret,name2=secret2`, each secret at least
    /// 16 characters.
    #[arg(long, env = "ADMIN_TOKEN", value_name = "ADMIN_TOKEN", global = true,
          default_value = "", hide_default_value = true, hide_env_values = true,
          value_parser = parse_admin_tokens)]
    admin_token: Unset<AdminTokens>,
    /// postcodes.io-compatible geocoder base URL, or `off`.
    #[arg(long, env = "GEOCODER", value_name = "GEOCODER", global = true,
          default_value = GeocoderSetting::DEFAULT_URL, value_parser = GeocoderSetting::parse)]
    geocoder: GeocoderSetting,
    /// Largest file fetched from a URL (or decompressed) by an import, in bytes.
    #[arg(long, env = "IMPORT_MAX_BYTES", value_name = "IMPORT_MAX_BYTES", global = true,
          default_value_t = FetchSettings::DEFAULT_MAX_BYTES,
          value_parser = positive("IMPORT_MAX_BYTES", FetchSettings::DEFAULT_MAX_BYTES))]
    import_max_bytes: u64,
    /// Whole-download time limit for a URL import, in seconds.
    #[arg(long, env = "IMPORT_FETCH_TIMEOUT_SECS", value_name = "IMPORT_FETCH_TIMEOUT_SECS",
          global = true, default_value_t = FetchSettings::DEFAULT_TIMEOUT_SECS,
          value_parser = positive("IMPORT_FETCH_TIMEOUT_SECS", FetchSettings::DEFAULT_TIMEOUT_SECS))]
    import_fetch_timeout_secs: u64,
    /// Also fetch plain `http://` URLs.
    #[arg(long, env = "IMPORT_ALLOW_HTTP", value_name = "IMPORT_ALLOW_HTTP", global = true,
          default_value = "false", action = clap::ArgAction::Set, value_parser = parse_allow_http)]
    import_allow_http: bool,
    /// Largest file sent in an admin API request body, in bytes (larger files: give a URL).
    #[arg(long, env = "IMPORT_MAX_BODY_BYTES", value_name = "IMPORT_MAX_BODY_BYTES",
          global = true, default_value_t = FetchSettings::DEFAULT_MAX_BODY_BYTES,
          value_parser = positive("IMPORT_MAX_BODY_BYTES", FetchSettings::DEFAULT_MAX_BODY_BYTES))]
    import_max_body_bytes: u64,
    /// Sustained requests per second per client on the website and read API; 0 turns limiting
    /// off.
    #[arg(long, env = "RATE_LIMIT_PER_SECOND", value_name = "RATE_LIMIT_PER_SECOND",
          global = true, default_value_t = RateLimit::DEFAULT_PER_SECOND,
          value_parser = whole("RATE_LIMIT_PER_SECOND", RateLimit::DEFAULT_PER_SECOND))]
    rate_limit_per_second: u64,
    /// Requests a client may make at once before the rate applies.
    #[arg(long, env = "RATE_LIMIT_BURST", value_name = "RATE_LIMIT_BURST", global = true,
          default_value_t = RateLimit::DEFAULT_BURST, value_parser = parse_burst)]
    rate_limit_burst: u32,
    /// Memory for public answers kept to be sent again when the same question comes within a
    /// minute, in bytes; 0 keeps none.
    #[arg(long, env = "ANSWER_CACHE_BYTES", value_name = "ANSWER_CACHE_BYTES", global = true,
          default_value_t = Settings::DEFAULT_ANSWER_CACHE_BYTES,
          value_parser = whole("ANSWER_CACHE_BYTES", Settings::DEFAULT_ANSWER_CACHE_BYTES))]
    answer_cache_bytes: u64,
    /// Behind a proxy you trust, the header naming the client (e.g. `X-Real-IP`).
    #[arg(long, env = "TRUSTED_PROXY_HEADER", value_name = "TRUSTED_PROXY_HEADER",
          global = true, default_value = "", hide_default_value = true,
          value_parser = parse_proxy_header)]
    trusted_proxy_header: Unset<String>,
}

/// A setting that may be left unset (an empty value).
#[derive(Debug, Clone)]
pub struct Unset<T>(Option<T>);

fn parse_bind(raw: &str) -> Result<SocketAddr, String> {
    let raw = raw.trim();
    let raw = if raw.is_empty() {
        Settings::DEFAULT_BIND
    } else {
        raw
    };
    raw.parse()
        .map_err(|_| format!("BIND '{raw}' is not an address:port such as 127.0.0.1:8080"))
}

fn parse_data_dir(raw: &str) -> Result<PathBuf, String> {
    let raw = raw.trim();
    Ok(PathBuf::from(if raw.is_empty() {
        Settings::DEFAULT_DATA_DIR
    } else {
        raw
    }))
}

fn parse_admin_tokens(raw: &str) -> Result<Unset<AdminTokens>, String> {
    if raw.trim().is_empty() {
        return Ok(Unset(None));
    }
    AdminTokens::parse(raw).map(|t| Unset(Some(t)))
}

fn parse_allow_http(raw: &str) -> Result<bool, String> {
    if raw.trim().is_empty() {
        return Ok(false);
    }
    parse_bool(raw).ok_or_else(|| format!("IMPORT_ALLOW_HTTP '{raw}' is not true or false"))
}

fn parse_burst(raw: &str) -> Result<u32, String> {
    if raw.trim().is_empty() {
        return Ok(RateLimit::DEFAULT_BURST);
    }
    raw.trim()
        .parse::<u32>()
        .ok()
        .filter(|b| *b > 0)
        .ok_or_else(|| {
            format!("RATE_LIMIT_BURST '{raw}' must be a whole number from 1 to 4294967295")
        })
}

fn parse_proxy_header(raw: &str) -> Result<Unset<String>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(Unset(None));
    }
    actix_web::http::header::HeaderName::try_from(raw)
        .map(|_| Unset(Some(raw.to_string())))
        .map_err(|_| format!("TRUSTED_PROXY_HEADER '{raw}' is not a header name"))
}

/// A whole number (empty: `default`).
fn whole(name: &'static str, default: u64) -> impl Fn(&str) -> Result<u64, String> + Clone {
    move |raw| {
        if raw.trim().is_empty() {
            return Ok(default);
        }
        raw.trim()
            .parse()
            .map_err(|_| format!("{name} '{raw}' is not a whole number"))
    }
}

/// A whole number above 0 (empty: `default`).
fn positive(name: &'static str, default: u64) -> impl Fn(&str) -> Result<u64, String> + Clone {
    let whole = whole(name, default);
    move |raw| match whole(raw) {
        Ok(0) | Err(_) => Err(format!("{name} '{raw}' is not a whole number above 0")),
        n => n,
    }
}

impl From<SettingsArgs> for Settings {
    fn from(a: SettingsArgs) -> Self {
        Self {
            database: a.database_url,
            bind: a.bind,
            data_dir: a.data_dir,
            admin_token: a.admin_token.0,
            geocoder: a.geocoder,
            fetch: FetchSettings {
                max_bytes: a.import_max_bytes,
                timeout: std::time::Duration::from_secs(a.import_fetch_timeout_secs),
                allow_http: a.import_allow_http,
                max_body_bytes: a.import_max_body_bytes,
            },
            rate_limit: (a.rate_limit_per_second > 0).then_some(RateLimit {
                per_second: a.rate_limit_per_second,
                burst: a.rate_limit_burst,
                client_ip_header: a.trusted_proxy_header.0,
            }),
            answer_cache_bytes: a.answer_cache_bytes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Only {
        #[command(flatten)]
        settings: SettingsArgs,
    }

    /// Settings from these flags (`("BIND", "x")` is `--bind x`: the same definitions as the
    /// environment variables).
    fn settings(pairs: &[(&str, &str)]) -> Result<Settings, String> {
        let mut args = vec!["test".to_string()];
        for (name, value) in pairs {
            args.push(format!(
                "--{}={value}",
                name.to_ascii_lowercase().replace('_', "-")
            ));
        }
        Only::try_parse_from(args)
            .map(|o| o.settings.into())
            .map_err(|e| e.to_string())
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
