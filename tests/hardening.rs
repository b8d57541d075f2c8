//! Security headers, CORS only for the public GET API, and the request-target cap.

mod support;

use support::{TestDb, TestServer};

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

    let api = server.get("/api/v1/centres?limit=1").await;
    assert_eq!(api.headers()["access-control-allow-origin"], "*");
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
    assert_eq!(preflight.status(), 204);
    assert_eq!(
        preflight.headers()["access-control-allow-methods"],
        "GET, HEAD, OPTIONS"
    );
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
    assert_ne!(admin.status(), 204);
    assert!(admin.headers().get("access-control-allow-origin").is_none());
    let history = server.get("/api/v1/imports").await;
    assert!(history
        .headers()
        .get("access-control-allow-origin")
        .is_none());

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
