//! The online geocoder as postcodes.io's current release answers, against a local stand-in:
//! terminated postcodes (the `terminated` object, and the older endpoint), Channel Islands
//! postcodes without coordinates, place names the gazetteer does not know, and a geocoder that
//! keeps failing (the circuit breaker).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use actix_web::{web, App, HttpResponse, HttpServer};
use centre_directory::config::GeocoderSetting;
use serde_json::json;

use crate::support::{TestDb, TestServer};

/// What the stand-in answers, as postcodes.io v18 does (shapes from its API documentation).
async fn postcode(pc: web::Path<String>) -> HttpResponse {
    match pc.as_str() {
        // Terminated, with the last known location in the 404 itself.
        "AB10AA" => HttpResponse::NotFound().json(json!({
            "status": 404, "error": "Postcode not found",
            "terminated": {"postcode": "AB1 0AA", "year_terminated": 1996, "month_terminated": 6,
                           "longitude": -2.242851, "latitude": 57.101474}
        })),
        // A Channel Islands postcode known without coordinates.
        "JE23AB" => HttpResponse::Ok().json(json!({
            "status": 200,
            "result": {"postcode": "JE2 3AB", "latitude": null, "longitude": null,
                       "country": "Channel Islands", "outcode": "JE2"}
        })),
        // Coordinates with all their digits.
        "AB101AB" => HttpResponse::Ok().json(json!({
            "status": 200,
            "result": {"postcode": "AB10 1AB", "latitude": 57.135252280832084,
                       "longitude": -2.1173423, "country": "Scotland"}
        })),
        _ => HttpResponse::NotFound().json(json!({"status": 404, "error": "Postcode not found"})),
    }
}

/// An older server: terminated postcodes only at their own endpoint.
async fn terminated(pc: web::Path<String>) -> HttpResponse {
    match pc.as_str() {
        "LS11ZZ" => HttpResponse::Ok().json(json!({
            "status": 200,
            "result": {"postcode": "LS1 1ZZ", "year_terminated": 2003, "month_terminated": 1,
                       "longitude": -1.5478, "latitude": 53.7965}
        })),
        _ => HttpResponse::NotFound()
            .json(json!({"status": 404, "error": "Terminated postcode not found"})),
    }
}

#[derive(serde::Deserialize)]
struct PlaceQuery {
    q: String,
}

async fn places(q: web::Query<PlaceQuery>) -> HttpResponse {
    let result = if q.q.eq_ignore_ascii_case("Craigendoran") {
        json!([{"code": "osgb4000000074544700", "name_1": "Craigendoran", "name_1_lang": null,
                "local_type": "Suburban Area", "county_unitary": "Argyll and Bute",
                "region": "Scotland", "country": "Scotland",
                "longitude": -4.708585, "latitude": 56.000713}])
    } else {
        json!([])
    };
    HttpResponse::Ok().json(json!({"status": 200, "result": result}))
}

/// Serve an app on a free local port; evaluates to its base URL.
macro_rules! serve {
    ($app:expr) => {{
        let server = HttpServer::new($app).bind("127.0.0.1:0").unwrap();
        let port = server.addrs()[0].port();
        tokio::spawn(server.run());
        format!("http://127.0.0.1:{port}")
    }};
}

async fn server_with_geocoder(base: String) -> (TestDb, TestServer) {
    let db = TestDb::sqlite();
    let mut settings = db.settings();
    settings.geocoder = GeocoderSetting::Url(base);
    let server = TestServer::start_with(settings).await;
    (db, server)
}

async fn postcodes_io() -> String {
    serve!(|| {
        App::new()
            .route("/postcodes/{pc}", web::get().to(postcode))
            .route("/terminated_postcodes/{pc}", web::get().to(terminated))
            .route("/places", web::get().to(places))
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_terminated_postcode_is_shown_at_its_last_location_and_said_to_be_out_of_use() {
    let (_db, server) = server_with_geocoder(postcodes_io().await).await;
    let (status, body) = server.get_json("/api/v1/geocode?postcode=AB1%200AA").await;
    assert_eq!(status, 200, "{body}");
    let location = &body["location"];
    assert_eq!(location["precision"], "postcode");
    assert_eq!(location["terminated"], true);
    assert_eq!(location["lat"], 57.101474);
    assert!(location["note"]
        .as_str()
        .unwrap()
        .contains("no longer in use (since 1996)"));
    assert_eq!(location["nation"], "scotland");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_server_is_asked_at_its_terminated_postcodes_endpoint() {
    let (_db, server) = server_with_geocoder(postcodes_io().await).await;
    let (status, body) = server.get_json("/api/v1/geocode?postcode=LS1%201ZZ").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["location"]["terminated"], true);
    assert_eq!(body["location"]["lat"], 53.7965);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_channel_islands_postcode_without_coordinates_is_a_crown_dependency() {
    let (_db, server) = server_with_geocoder(postcodes_io().await).await;
    let (status, body) = server
        .get_json("/api/v1/centres/nearest?postcode=JE2%203AB")
        .await;
    assert_eq!(status, 200, "{body}");
    let location = &body["location"];
    assert_eq!(location["territory"], "crown_dependency");
    assert!(location["nation"].is_null());
    assert!(location["note"]
        .as_str()
        .unwrap()
        .contains("has no position for it"));
    assert!(body["registry"].is_null());
    assert!(body["registry_note"]
        .as_str()
        .unwrap()
        .contains("Crown Dependency"));
    // Still answered with the nearest UK centres.
    assert!(!body["results"].as_array().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coordinates_keep_every_digit_the_geocoder_sent() {
    let (_db, server) = server_with_geocoder(postcodes_io().await).await;
    let (_, body) = server.get_json("/api/v1/geocode?postcode=AB10%201AB").await;
    assert_eq!(body["location"]["lat"].to_string(), "57.135252280832084");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_place_the_gazetteer_does_not_know_is_asked_online() {
    let (_db, server) = server_with_geocoder(postcodes_io().await).await;
    let (status, body) = server.get_json("/api/v1/geocode?q=Craigendoran").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["location"]["source"], "geocoder");
    assert_eq!(body["location"]["precision"], "place");
    assert_eq!(body["location"]["place"]["county"], "Argyll and Bute");
    assert_eq!(body["location"]["nation"], "scotland");
    // A name nobody knows is still a 404, with close spellings from the gazetteer.
    let (status, body) = server.get_json("/api/v1/geocode?q=Lougborough").await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["suggestions"][0]["name"], "Loughborough");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_geocoder_is_left_alone_for_a_while_and_the_answer_says_so() {
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    let base = serve!(move || {
        let hits = counted.clone();
        App::new().default_service(web::to(move || {
            hits.fetch_add(1, Ordering::SeqCst);
            async { HttpResponse::ServiceUnavailable().finish() }
        }))
    });
    let (_db, server) = server_with_geocoder(base).await;
    for pc in ["LS9%207TF", "M1%201AE", "B4%206NH"] {
        let (status, body) = server
            .get_json(&format!("/api/v1/geocode?postcode={pc}"))
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["location"]["precision"], "district");
        assert!(
            body["location"]["note"]
                .as_str()
                .unwrap()
                .starts_with("the online geocoder was unavailable"),
            "{body}"
        );
    }
    let asked = hits.load(Ordering::SeqCst);
    assert_eq!(asked, 3);
    // Resting now: a new postcode is answered offline without asking.
    let (status, body) = server.get_json("/api/v1/geocode?postcode=L3%205TF").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(hits.load(Ordering::SeqCst), asked);
    assert!(body["location"]["note"]
        .as_str()
        .unwrap()
        .contains("unavailable"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_data_team_can_clear_the_geocoder_cache() {
    let (db, server) = server_with_geocoder(postcodes_io().await).await;
    server.get_json("/api/v1/geocode?postcode=AB1%200AA").await;
    server.get_json("/api/v1/geocode?q=Craigendoran").await;
    let out = db.cli(&["clear-geocoder-cache"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("forgot 2 cached geocoder answers"),
        "{}",
        out.stdout
    );
    let again = db.cli(&["clear-geocoder-cache"]);
    assert!(again.stdout.contains("forgot 0"), "{}", again.stdout);
}
