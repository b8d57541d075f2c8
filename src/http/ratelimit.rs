//! Rate limiting of the public endpoints (the website and the read API), per client address:
//! the peer address, or the first address in a trusted proxy's header when one is configured.
//! Health checks, metrics and the admin API (which has its own token) are not limited.

use std::net::IpAddr;

use actix_governor::governor::clock::{Clock, DefaultClock, QuantaInstant};
use actix_governor::governor::middleware::NoOpMiddleware;
use actix_governor::governor::NotUntil;
use actix_governor::{
    GovernorConfig, GovernorConfigBuilder, KeyExtractor, SimpleKeyExtractionError,
};
use actix_web::dev::ServiceRequest;
use actix_web::http::header::HeaderName;
use actix_web::{HttpResponse, HttpResponseBuilder};

use crate::config::RateLimit;

/// The client a request counts against; `None` for routes that are never limited.
#[derive(Clone)]
pub struct ClientKey {
    header: Option<HeaderName>,
}

fn limited(path: &str) -> bool {
    !(path == "/healthz"
        || path == "/readyz"
        || path == "/metrics"
        || path.starts_with("/api/v1/imports")
        || path.starts_with("/static/"))
}

impl KeyExtractor for ClientKey {
    type Key = Option<IpAddr>;
    type KeyExtractionError = SimpleKeyExtractionError<&'static str>;

    fn extract(&self, req: &ServiceRequest) -> Result<Self::Key, Self::KeyExtractionError> {
        if !limited(req.path()) {
            return Ok(None);
        }
        if let Some(name) = &self.header {
            let forwarded = req
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .and_then(|v| v.trim().parse::<IpAddr>().ok());
            if let Some(ip) = forwarded {
                return Ok(Some(ip));
            }
        }
        req.peer_addr()
            .map(|a| Some(a.ip()))
            .ok_or_else(|| SimpleKeyExtractionError::new("cannot tell the client's address"))
    }

    fn exceed_rate_limit_response(
        &self,
        negative: &NotUntil<QuantaInstant>,
        mut response: HttpResponseBuilder,
    ) -> HttpResponse {
        let wait = negative
            .wait_time_from(DefaultClock::default().now())
            .as_secs()
            .max(1);
        response
            .content_type("application/problem+json")
            .insert_header(("Retry-After", wait.to_string()))
            .json(serde_json::json!({
                "type": "about:blank",
                "title": crate::tr!("problem-too-many-requests"),
                "status": 429,
                "detail": crate::tr!("problem-too-many-requests-detail", wait = wait),
            }))
    }

    fn whitelisted_keys(&self) -> Vec<Self::Key> {
        vec![None]
    }
}

/// The limiter's configuration, shared by every worker, and whether limiting is on.
pub fn config(
    limit: Option<&RateLimit>,
) -> (
    bool,
    GovernorConfig<ClientKey, NoOpMiddleware<QuantaInstant>>,
) {
    let header = limit
        .and_then(|l| l.client_ip_header.as_deref())
        .and_then(|h| HeaderName::try_from(h).ok());
    let (per_second, burst) = limit.map_or((1, 1), |l| (l.per_second.max(1), l.burst.max(1)));
    let config = GovernorConfigBuilder::default()
        .requests_per_second(per_second)
        .burst_size(burst)
        .key_extractor(ClientKey { header })
        .finish()
        .expect("a rate and burst above zero");
    (limit.is_some(), config)
}
