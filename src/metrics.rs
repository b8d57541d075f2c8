//! Prometheus metrics at `/metrics`: requests and their latency by route pattern (never the raw
//! path or query string, which may hold a postcode), imports by outcome, the directory version,
//! and geocoder cache hits and misses.

use std::sync::OnceLock;
use std::time::Duration;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Install the recorder (once per process) and return its handle. A background thread drains
/// the histograms' sample buffers every few seconds: without it they grow with every request
/// until `/metrics` is next read (found by the 60-second soak in bench/soak.sh).
pub fn install() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let handle = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full("http_request_duration_seconds".to_string()),
                &[
                    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
                ],
            )
            .expect("valid buckets")
            .install_recorder()
            .expect("the metrics recorder is installed once");
        let upkeep = handle.clone();
        std::thread::Builder::new()
            .name("metrics-upkeep".into())
            .spawn(move || loop {
                std::thread::sleep(Duration::from_secs(5));
                upkeep.run_upkeep();
            })
            .expect("start the metrics upkeep thread");
        handle
    })
}

/// One HTTP request, by route pattern (`/api/v1/centres/{id}`), method and status.
pub fn request(route: String, method: &str, status: u16, took: Duration) {
    let method = static_method(method);
    let status = static_status(status);
    metrics::counter!("http_requests_total", "route" => route.clone(), "method" => method, "status" => status)
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "route" => route, "method" => method)
        .record(took.as_secs_f64());
}

/// Label values that need no allocation for the methods and statuses the service answers.
fn static_method(method: &str) -> &'static str {
    match method {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "OPTIONS" => "OPTIONS",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        "PATCH" => "PATCH",
        _ => "other",
    }
}

fn static_status(status: u16) -> &'static str {
    static CODES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let codes = CODES.get_or_init(|| (0..1000).map(|code| code.to_string()).collect());
    codes
        .get(usize::from(status))
        .map_or("other", String::as_str)
}

/// An import finished: `applied`, `unchanged`, `dry_run`, `rolled_back`, `invalid`,
/// `conflict` or `failed`.
pub fn import_finished(outcome: &'static str) {
    metrics::counter!("directory_imports_total", "outcome" => outcome).increment(1);
}

/// The online geocoder's cache answered (`hit`) or had to ask (`miss`).
pub fn geocoder_cache(hit: bool) {
    let result = if hit { "hit" } else { "miss" };
    metrics::counter!("geocoder_cache_total", "result" => result).increment(1);
}

/// The text exposition, with the directory version being served.
pub fn render(version: i64) -> String {
    let handle = install();
    metrics::gauge!("directory_version").set(version as f64);
    handle.render()
}
