//! The cost of answer size alone: a bare actix-web server (no middleware, no state) that answers
//! `/healthz` as the service does and `/answer` with a constant body of the given size, made
//! once at start-up. Both routes are static, so no path pattern is matched per request, and
//! the body is a `'static` slice, so no reference count is touched either.
//! `bench/run.sh` loads both with wrk to show how requests per second fall with the size of an
//! answer when nothing is computed, beside the service's own figures.
//!
//! `cargo run --release --example wire_ceiling -- 127.0.0.1:18091 13821`

use actix_web::{get, web::Bytes, App, HttpResponse, HttpServer};

/// The body, made once: JSON-looking text of the size asked for.
static BODY: std::sync::OnceLock<&'static [u8]> = std::sync::OnceLock::new();

#[get("/healthz")]
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

#[get("/answer")]
async fn answer() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(Bytes::from_static(BODY.get().copied().unwrap_or_default()))
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let bind = args.next().unwrap_or_else(|| "127.0.0.1:18091".to_string());
    let size: usize = match args.next().map(|n| n.parse()) {
        None => 13_821,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("the body size must be a number of bytes: {e}");
            std::process::exit(2);
        }
    };
    let filler: Vec<u8> = b"{\"name\": \"Teenage and young adult unit\", \"town\": \"Leeds\"} "
        .iter()
        .copied()
        .cycle()
        .take(size)
        .collect();
    BODY.get_or_init(|| filler.leak());
    HttpServer::new(|| App::new().service(healthz).service(answer))
        .bind(bind)?
        .run()
        .await
}
