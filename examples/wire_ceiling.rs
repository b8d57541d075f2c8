//! The cost of answer size alone: a bare actix-web server (no middleware, no state) that answers
//! `/healthz` as the service does and `/bytes/{n}` with `n` bytes made once at start-up.
//! `bench/run.sh` loads both with wrk to show how requests per second fall with the size of an
//! answer when nothing is computed, beside the service's own figures.
//!
//! `cargo run --release --example wire_ceiling -- 127.0.0.1:18091`

use actix_web::{get, web, App, HttpResponse, HttpServer};

const LARGEST: usize = 64 * 1024;

#[get("/healthz")]
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

#[get("/bytes/{n}")]
async fn bytes(n: web::Path<usize>, body: web::Data<bytes_body::Body>) -> HttpResponse {
    let n = n.into_inner().min(LARGEST);
    HttpResponse::Ok()
        .content_type("application/json")
        .body(body.0.slice(..n))
}

mod bytes_body {
    /// A JSON-looking body, sliced per request without copying.
    pub struct Body(pub actix_web::web::Bytes);
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let bind = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:18091".to_string());
    let filler: Vec<u8> = b"{\"name\": \"Teenage and young adult unit\", \"town\": \"Leeds\"} "
        .iter()
        .copied()
        .cycle()
        .take(LARGEST)
        .collect();
    let body = web::Data::new(bytes_body::Body(filler.into()));
    HttpServer::new(move || {
        App::new()
            .app_data(body.clone())
            .service(healthz)
            .service(bytes)
    })
    .bind(bind)?
    .run()
    .await
}
