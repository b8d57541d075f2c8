//! Security headers, CORS only for the public GET API, and the request-target cap.

use crate::support::{gunzip, gzip, unbrotli, ServeProcess, TestDb, TestServer};

#[tokio::test]
async fn pages_and_answers_carry_security_headers_and_cors_is_read_only() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let page = server.get("/").await;
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    assert_eq!(
        page.headers()["referrer-policy"],
        "strict-origin-when-cross-origin"
    );
    assert!(page.headers().get("access-control-allow-origin").is_none());

    let api = server
        .client
        .get(format!("{}/api/v1/centres?limit=1", server.base))
        .header("Origin", "https://example.org")
        .send()
        .await
        .unwrap();
    assert_eq!(
        api.headers()["access-control-allow-origin"],
        "https://example.org"
    );
    assert!(api.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase()
        .contains("etag"));
    assert_eq!(api.headers()["x-content-type-options"], "nosniff");
    assert!(api.headers().get("content-security-policy").is_none());

    let preflight = server
        .client
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/api/v1/centres/nearest", server.base),
        )
        .header("Origin", "https://example.org")
        .header("Access-Control-Request-Method", "GET")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    let methods = preflight.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .to_string();
    for method in ["GET", "HEAD", "OPTIONS"] {
        assert!(methods.contains(method), "{methods}");
    }
    assert!(!methods.contains("POST"), "{methods}");
    // The admin API is not open to other origins.
    let admin = server
        .client
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/api/v1/imports/centres", server.base),
        )
        .header("Origin", "https://example.org")
        .send()
        .await
        .unwrap();
    assert!(!admin.status().is_success(), "{}", admin.status());
    assert!(admin.headers().get("access-control-allow-origin").is_none());
    let history = server.get("/api/v1/imports").await;
    assert!(history
        .headers()
        .get("access-control-allow-origin")
        .is_none());

    // Non-ASCII postcodes are refused (once a panic, found by a property test).
    let odd = server
        .get("/api/v1/centres/nearest?postcode=%F0%90%BD%8A%7B")
        .await;
    assert_eq!(odd.status(), 400);
    let page = server.get("/search?q=%F0%90%BD%8A%7B1").await;
    assert_eq!(page.status(), 400);

    // A request target longer than 2 048 bytes: 414, as a problem.
    let long = format!("/api/v1/centres/nearest?q={}", "a".repeat(3000));
    let response = server.get(&long).await;
    assert_eq!(response.status(), 414);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    server.stop().await;
}

#[tokio::test]
async fn public_endpoints_are_rate_limited_per_client() {
    let db = TestDb::sqlite();
    let mut settings = db.settings();
    settings.rate_limit = Some(centre_directory::config::RateLimit {
        per_second: 1,
        burst: 3,
        client_ip_header: Some("X-Real-IP".into()),
    });
    let server = TestServer::start_with(settings).await;
    let get = |path: &'static str, ip: &'static str| {
        let server = &server;
        async move { server.get_with(path, &[("X-Real-IP", ip)]).await }
    };
    for _ in 0..3 {
        assert_eq!(
            get("/api/v1/centres?limit=1", "203.0.113.7").await.status(),
            200
        );
    }
    let limited = get("/api/v1/centres?limit=1", "203.0.113.7").await;
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key("retry-after"));
    assert_eq!(
        limited.headers()["content-type"],
        "application/problem+json"
    );
    let body: serde_json::Value = limited.json().await.unwrap();
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("too many requests"));
    // Another client (as named by the trusted proxy) is not affected, nor are pages' health
    // checks and metrics.
    assert_eq!(get("/", "203.0.113.8").await.status(), 200);
    for _ in 0..10 {
        assert_eq!(get("/healthz", "203.0.113.7").await.status(), 200);
    }
    assert_eq!(get("/metrics", "203.0.113.7").await.status(), 200);
    server.stop().await;
}

#[test]
fn the_access_log_names_the_route_never_the_postcode() {
    let db = TestDb::sqlite();
    let server = ServeProcess::start(&db, None, &[("RUST_LOG", "warn,access=info")]);
    server.ready(None);
    let response =
        reqwest::blocking::get(server.url("/api/v1/centres/nearest?postcode=LS1%203EX&limit=1"))
            .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let line = server.wait_for_log(
        &["200 GET /api/v1/centres/nearest"],
        std::time::Duration::from_secs(10),
    );
    assert!(line.contains("ms"), "{line}");
    let response = reqwest::blocking::get(server.url("/api/v1/centres/ZZ%209ZZ")).unwrap();
    assert_eq!(response.status().as_u16(), 404);
    server.wait_for_log(
        &["404 GET /api/v1/centres/{id}"],
        std::time::Duration::from_secs(10),
    );
    let log = server.kill().join("\n");
    for postcode in ["LS1 3EX", "LS1%203EX", "LS13EX", "ZZ 9ZZ", "ZZ%209ZZ"] {
        assert!(!log.contains(postcode), "{postcode} in the log:\n{log}");
    }
}

#[tokio::test]
async fn known_paths_answer_other_methods_with_405_and_allow() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let client = reqwest::Client::new();
    let url = |p: &str| format!("{}{p}", server.base);
    for (method, path, allow) in [
        (
            "POST",
            "/api/v1/centres/nearest?lat=53.8&lon=-1.55",
            "GET, HEAD",
        ),
        ("TRACE", "/healthz", "GET, HEAD"),
        ("DELETE", "/api/v1/centres/tya-lgi-l33", "GET, HEAD"),
        ("DELETE", "/api/v1/imports", "GET, HEAD"),
        ("GET", "/api/v1/imports/centres", "POST"),
        ("PUT", "/search?q=LS1", "GET, HEAD"),
    ] {
        let response = client
            .request(method.parse().unwrap(), url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 405, "{method} {path}");
        assert_eq!(response.headers()["allow"], allow, "{method} {path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(body["detail"].as_str().unwrap().contains(method), "{body}");
    }
    // An unknown path is still 404.
    let response = client.post(url("/api/v1/nothing")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 404);
    // HEAD is answered as GET, without the body.
    let head = client
        .head(url("/api/v1/centres/nearest?lat=53.8&lon=-1.55"))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status().as_u16(), 200);
    assert!(head.headers().contains_key("etag"));
    assert!(head.bytes().await.unwrap().is_empty());
    let page = client.head(url("/")).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    server.stop().await;
}

/// Does an answer say that it depends on `Accept-Encoding`?
fn varies_by_encoding(headers: &reqwest::header::HeaderMap) -> bool {
    headers
        .get_all("vary")
        .iter()
        .flat_map(|v| v.to_str().unwrap().split(','))
        .any(|v| v.trim().eq_ignore_ascii_case("accept-encoding"))
}

const NEAREST: &str = "/api/v1/centres/nearest?lat=53.8&lon=-1.55&limit=10";

#[tokio::test]
async fn a_gzip_answer_is_at_most_a_tenth_larger_than_gzip_level_6_of_it() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    for path in [
        NEAREST,
        "/api/v1/referrals/tya?postcode=LS9&age=17",
        "/api/v1/treatment",
        "/api/v1/registries",
        "/api/v1/centres?limit=1000",
    ] {
        let plain = server.get(path).await;
        assert!(plain.headers().get("content-encoding").is_none());
        assert!(varies_by_encoding(plain.headers()), "{path}");
        let plain = plain.bytes().await.unwrap();
        let packed = server.get_with(path, &[("Accept-Encoding", "gzip")]).await;
        assert_eq!(packed.headers()["content-encoding"], "gzip", "{path}");
        assert!(varies_by_encoding(packed.headers()), "{path}");
        let length: usize = packed.headers()["content-length"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        let packed = packed.bytes().await.unwrap();
        assert_eq!(length, packed.len(), "{path}");
        assert_eq!(gunzip(&packed), plain.to_vec(), "{path}");
        let reference = gzip(&plain).len();
        assert!(
            packed.len() * 10 <= reference * 11,
            "{path}: {} bytes against {reference} from gzip -6",
            packed.len()
        );
    }
}

#[tokio::test]
async fn browsers_get_brotli_when_they_offer_it() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let plain = server.get(NEAREST).await.bytes().await.unwrap();
    for accept in ["gzip, deflate, br, zstd", "br", "br;q=0.9, gzip;q=0.5"] {
        let packed = server
            .get_with(NEAREST, &[("Accept-Encoding", accept)])
            .await;
        assert_eq!(packed.headers()["content-encoding"], "br", "{accept}");
        let packed = packed.bytes().await.unwrap();
        assert!(packed.len() < gzip(&plain).len(), "{accept}");
        assert_eq!(unbrotli(&packed), plain.to_vec(), "{accept}");
    }
}

#[tokio::test]
async fn an_answer_is_sent_plain_when_no_encoding_offered_is_accepted() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let plain = server.get(NEAREST).await.bytes().await.unwrap();
    for accept in ["gzip;q=0, br;q=0", "identity", "deflate", "zstd"] {
        let r = server
            .get_with(NEAREST, &[("Accept-Encoding", accept)])
            .await;
        assert!(r.headers().get("content-encoding").is_none(), "{accept}");
        assert_eq!(r.bytes().await.unwrap(), plain, "{accept}");
    }
    let gzip_only = server
        .get_with(NEAREST, &[("Accept-Encoding", "gzip, br;q=0")])
        .await;
    assert_eq!(gzip_only.headers()["content-encoding"], "gzip");
}

#[tokio::test]
async fn small_answers_are_sent_plain_and_pages_and_scripts_compressed() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let small = server
        .get_with("/healthz", &[("Accept-Encoding", "gzip")])
        .await;
    assert!(small.headers().get("content-encoding").is_none());
    assert_eq!(
        small.json::<serde_json::Value>().await.unwrap()["status"],
        "ok"
    );
    let page = server
        .get_with("/search?q=Leeds", &[("Accept-Encoding", "gzip")])
        .await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["content-encoding"], "gzip");
    let html = String::from_utf8(gunzip(&page.bytes().await.unwrap())).unwrap();
    assert!(html.contains("</html>"), "{html}");
    let bundle = "/docs/swagger-ui-bundle.js";
    let plain = server.get(bundle).await.bytes().await.unwrap();
    assert!(plain.len() > 64 * 1024, "{}", plain.len());
    let packed = server
        .get_with(bundle, &[("Accept-Encoding", "gzip")])
        .await;
    assert_eq!(packed.headers()["content-encoding"], "gzip");
    assert_eq!(gunzip(&packed.bytes().await.unwrap()), plain.to_vec());
}

#[tokio::test]
async fn a_revalidated_compressed_answer_is_a_bodiless_304() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let tag = server.get(NEAREST).await.headers()["etag"].clone();
    let not_modified = server
        .get_with(
            NEAREST,
            &[
                ("Accept-Encoding", "gzip"),
                ("If-None-Match", tag.to_str().unwrap()),
            ],
        )
        .await;
    assert_eq!(not_modified.status(), 304);
    assert!(not_modified.headers().get("content-encoding").is_none());
    assert!(not_modified.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_answer_asked_again_is_the_same_in_each_encoding_and_never_mixed_up() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let plain = server.get(NEAREST).await.bytes().await.unwrap();
    for _ in 0..2 {
        for (accept, encoding) in [
            ("br", Some("br")),
            ("gzip", Some("gzip")),
            ("identity", None),
        ] {
            let r = server
                .get_with(NEAREST, &[("Accept-Encoding", accept)])
                .await;
            assert_eq!(r.status(), 200);
            assert!(r.headers().contains_key("etag"), "{accept}");
            assert!(varies_by_encoding(r.headers()), "{accept}");
            let got = r
                .headers()
                .get("content-encoding")
                .map(|v| v.to_str().unwrap().to_string());
            assert_eq!(got.as_deref(), encoding, "{accept}");
            let body = r.bytes().await.unwrap();
            let decoded = match encoding {
                Some("br") => unbrotli(&body),
                Some(_) => gunzip(&body),
                None => body.to_vec(),
            };
            assert_eq!(decoded, plain.to_vec(), "{accept}");
        }
    }
    // Another question is another answer.
    let other = server
        .get("/api/v1/centres/nearest?lat=51.5&lon=-0.12&limit=10")
        .await
        .bytes()
        .await
        .unwrap();
    assert_ne!(other, plain);
}

#[tokio::test]
async fn an_answer_asked_again_keeps_every_header_it_was_sent_with() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let path = "/api/v1/centres?format=csv&kind=tya_unit";
    let first = server.get(path).await;
    let second = server.get(path).await;
    for name in [
        "content-type",
        "content-disposition",
        "etag",
        "cache-control",
    ] {
        assert_eq!(
            first.headers().get(name),
            second.headers().get(name),
            "{name}"
        );
        assert!(second.headers().contains_key(name), "{name}");
    }
    assert_eq!(first.bytes().await.unwrap(), second.bytes().await.unwrap());
    server.stop().await;
}
