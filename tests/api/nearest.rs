//! Location queries over HTTP: nearest with filters, the geocoding chain offline, and the
//! online geocoder against a local stand-in speaking postcodes.io's documented JSON.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use actix_web::{web, App, HttpResponse, HttpServer};
use centre_directory::config::GeocoderSetting;

use crate::support::{TestDb, TestServer};

#[tokio::test]
async fn a_full_postcode_finds_the_leeds_tya_units_at_district_precision_when_offline() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let (status, body) = server
        .get_json("/api/v1/centres/nearest?postcode=ls97tf&kind=tya_unit&limit=3")
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["location"]["precision"], "district");
    assert_eq!(body["location"]["source"], "postcode_districts");
    assert_eq!(body["location"]["query"], "LS9");
    assert_eq!(body["location"]["nation"], "england");
    assert!(body["location"]["note"]
        .as_str()
        .unwrap()
        .contains("centre of the LS9 postcode district"));
    let results = body["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert_eq!(results[0]["centre"]["town"], "Leeds");
    assert_eq!(results[1]["centre"]["town"], "Leeds");
    let d: Vec<f64> = results
        .iter()
        .map(|r| r["distance_km"].as_f64().unwrap())
        .collect();
    assert!(d.windows(2).all(|w| w[0] <= w[1]), "{d:?}");
    let km = d[0];
    let miles = results[0]["distance_miles"].as_f64().unwrap();
    assert!((km / 1.609_344 - miles).abs() < 0.02);
    // An area centre would be a misleading start: directions name the centre alone.
    let to = |r: &serde_json::Value| {
        format!(
            "to={:.5}%2C{:.5}",
            r["centre"]["lat"].as_f64().unwrap(),
            r["centre"]["lon"].as_f64().unwrap()
        )
    };
    assert_eq!(
        results[0]["directions_url"],
        format!(
            "https://www.openstreetmap.org/directions?{}",
            to(&results[0])
        )
    );
    assert_eq!(body["registry"]["nation"], "england");
    let slugs: Vec<&str> = body["treatment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["slug"].as_str().unwrap())
        .collect();
    assert!(slugs.contains(&"all-overview"));
    assert!(slugs.contains(&"tya-units"));
    assert!(body["dataset"]["version"].as_i64().unwrap() > 0);
}

#[tokio::test]
async fn a_point_query_is_exact_and_filters_apply() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    // Cardiff city centre.
    let (status, body) = server
        .get_json("/api/v1/centres/nearest?lat=51.4816&lon=-3.1791&limit=50&age=14&kind=tya_unit")
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["location"]["precision"], "point");
    for r in body["results"].as_array().unwrap() {
        let (lo, hi) = (
            r["centre"]["age_min"].as_u64().unwrap(),
            r["centre"]["age_max"].as_u64().unwrap(),
        );
        assert!(lo <= 14 && 14 <= hi, "{r}");
        assert_eq!(r["centre"]["kind"], "tya_unit");
    }
    assert_eq!(body["results"][0]["centre"]["nation"], "wales");
    // A point is a precise start for directions.
    let first = &body["results"][0];
    assert_eq!(
        first["directions_url"],
        format!(
            "https://www.openstreetmap.org/directions?from=51.48160%2C-3.17910&to={:.5}%2C{:.5}",
            first["centre"]["lat"].as_f64().unwrap(),
            first["centre"]["lon"].as_f64().unwrap()
        )
    );

    let (_, within) = server
        .get_json("/api/v1/centres/nearest?lat=51.4816&lon=-3.1791&limit=50&max_km=10")
        .await;
    let within = within["results"].as_array().unwrap();
    assert!(!within.is_empty());
    assert!(within
        .iter()
        .all(|r| r["distance_km"].as_f64().unwrap() <= 10.0));

    let (_, none) = server
        .get_json("/api/v1/centres/nearest?lat=60.15&lon=-1.15&max_km=5")
        .await;
    assert_eq!(none["results"].as_array().unwrap().len(), 0);
    assert!(none["message"]
        .as_str()
        .unwrap()
        .contains("No centres match within 5 km"));

    let (_, sct) = server
        .get_json("/api/v1/centres/nearest?lat=51.4816&lon=-3.1791&service=stem_cell_transplant&service=car_t")
        .await;
    for r in sct["results"].as_array().unwrap() {
        let services = r["centre"]["services"].as_array().unwrap();
        assert!(services.iter().any(|s| s == "stem_cell_transplant"));
        assert!(services.iter().any(|s| s == "car_t"));
    }
    let slugs: Vec<&str> = sct["treatment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["slug"].as_str().unwrap())
        .collect();
    assert!(slugs.contains(&"stem-cell-transplant"), "{slugs:?}");
}

#[tokio::test]
async fn a_point_gets_a_nation_only_where_the_areas_around_it_agree() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    for (lat, lon, nation) in [
        (53.8, -1.55, "england"),            // Leeds
        (51.4816, -3.1791, "wales"),         // Cardiff
        (55.953, -3.189, "scotland"),        // Edinburgh
        (54.597, -5.93, "northern_ireland"), // Belfast
    ] {
        let (status, body) = server
            .get_json(&format!("/api/v1/centres/nearest?lat={lat}&lon={lon}"))
            .await;
        assert_eq!(status, 200);
        assert_eq!(body["location"]["nation"], nation, "{lat},{lon}");
        assert_eq!(body["registry"]["nation"], nation, "{lat},{lon}");
        assert!(body["registry_note"].is_null());
        assert!(body["location"]["note"]
            .as_str()
            .unwrap()
            .contains("postcode area"));
        // Results in the same nation do not repeat the registry.
        for r in body["results"].as_array().unwrap() {
            assert_eq!(
                r.get("registry").is_some(),
                r["centre"]["nation"] != nation,
                "{r}"
            );
        }
    }
    // Gretna, on the Scotland-England border, and Chester, whose area reaches into Wales: the
    // nation is left unknown and each result carries its own registry.
    for (lat, lon) in [(55.0, -3.06), (53.19, -2.89)] {
        let (_, body) = server
            .get_json(&format!("/api/v1/centres/nearest?lat={lat}&lon={lon}"))
            .await;
        assert!(body["location"]["nation"].is_null(), "{body}");
        assert!(body["registry"].is_null());
        assert!(body["registry_note"]
            .as_str()
            .unwrap()
            .contains("not known"));
        for r in body["results"].as_array().unwrap() {
            assert_eq!(r["registry"]["nation"], r["centre"]["nation"]);
        }
    }
    // Jersey: a Crown Dependency, with no UK registry.
    let (_, body) = server.get_json("/api/v1/geocode?lat=49.19&lon=-2.11").await;
    assert_eq!(body["location"]["territory"], "crown_dependency");
    assert!(body["location"]["nation"].is_null());
}

#[tokio::test]
async fn cross_border_results_carry_their_own_registry() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    // Gretna, just inside Scotland: the nearest centres include English ones (Carlisle area).
    let (_, body) = server
        .get_json("/api/v1/centres/nearest?postcode=DG16&limit=20")
        .await;
    assert_eq!(body["location"]["nation"], "scotland");
    assert_eq!(body["registry"]["nation"], "scotland");
    for r in body["results"].as_array().unwrap() {
        if r["centre"]["nation"] == "scotland" {
            assert!(r.get("registry").is_none());
        } else {
            assert_eq!(r["registry"]["nation"], r["centre"]["nation"]);
        }
    }
    assert!(body["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["centre"]["nation"] == "england"));
}

#[tokio::test]
async fn crown_dependencies_are_answered_honestly() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let (status, body) = server
        .get_json("/api/v1/centres/nearest?postcode=GY1%201AA")
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["location"]["territory"], "crown_dependency");
    assert!(body["location"]["nation"].is_null());
    assert!(body["registry"].is_null());
    assert!(body["registry_note"]
        .as_str()
        .unwrap()
        .contains("not part of the UK"));
    assert!(!body["results"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn places_outcodes_and_the_geocode_endpoint() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let (status, body) = server.get_json("/api/v1/geocode?q=Belfast").await;
    assert_eq!(status, 200);
    assert_eq!(body["location"]["precision"], "place");
    assert_eq!(body["location"]["nation"], "northern_ireland");
    assert_eq!(body["registry"]["nation"], "northern_ireland");
    let (_, outcode) = server.get_json("/api/v1/geocode?q=cf14").await;
    assert_eq!(outcode["location"]["nation"], "wales");
    let (status, unknown) = server.get_json("/api/v1/geocode?q=Atlantis").await;
    assert_eq!(status, 404);
    assert!(unknown["detail"]
        .as_str()
        .unwrap()
        .contains("can't find a place called 'Atlantis'"));
}

#[tokio::test]
async fn bad_location_parameters_are_400_problems_naming_the_parameter() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    for (query, parameter, needle) in [
        ("", "postcode", "give a location"),
        (
            "postcode=hello%20world",
            "postcode",
            "postcode 'hello world' is not a UK postcode",
        ),
        (
            "lat=48.85&lon=2.35",
            "lat",
            "latitude 48.85 is outside the UK",
        ),
        ("lat=53.8", "lon", "lon is missing"),
        ("lat=abc&lon=-1.5", "lat", "'abc' is not a latitude"),
        ("lat=53.8&lon=-1.5&limit=51", "limit", "from 1 to 50"),
        ("lat=53.8&lon=-1.5&limit=0", "limit", "from 1 to 50"),
        (
            "lat=53.8&lon=-1.5&kind=clinic",
            "kind",
            "unknown kind 'clinic'",
        ),
        (
            "lat=53.8&lon=-1.5&service=magic",
            "service",
            "unknown service 'magic'",
        ),
        (
            "lat=53.8&lon=-1.5&nation=france",
            "nation",
            "unknown nation 'france'",
        ),
        ("lat=53.8&lon=-1.5&age=-1", "age", "age -1 is out of range"),
        (
            "lat=53.8&lon=-1.5&age=121",
            "age",
            "age 121 is out of range",
        ),
        ("lat=53.8&lon=-1.5&age=old", "age", "'old' is not an age"),
        (
            "lat=53.8&lon=-1.5&max_km=-4",
            "max_km",
            "max_km -4 is not allowed",
        ),
        ("postcode=LS9&q=Leeds", "postcode", "give only one location"),
    ] {
        let (status, body) = server
            .get_problem(&format!("/api/v1/centres/nearest?{query}"))
            .await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(body["parameter"], parameter, "{query}: {body}");
        assert!(
            body["detail"].as_str().unwrap().contains(needle),
            "{query}: {body}"
        );
    }
    let (status, body) = server
        .get_json("/api/v1/centres/nearest?postcode=ZZ9%209ZZ")
        .await;
    assert_eq!(status, 404);
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("we can't find the postcode 'ZZ9 9ZZ'"));
}

/// A stand-in for postcodes.io: known postcodes answer, others 404; `SLOW` postcodes time out
/// and `BROKEN` ones answer 500. Counts the requests it gets.
async fn stand_in_geocoder(hits: Arc<AtomicUsize>) -> String {
    let server = HttpServer::new(move || {
        let hits = hits.clone();
        App::new().route(
            "/postcodes/{pc}",
            web::get().to(move |pc: web::Path<String>| {
                let hits = hits.clone();
                async move {
                    hits.fetch_add(1, Ordering::SeqCst);
                    let known: HashMap<&str, (f64, f64, &str)> = HashMap::from([
                        ("LS97TF", (53.8073, -1.5204, "England")),
                        ("CH51AA", (53.1880, -3.0210, "Wales")),
                    ]);
                    match pc.as_str() {
                        "LS99ZZ" | "CH59ZZ" => HttpResponse::NotFound()
                            .json(serde_json::json!({"status": 404, "error": "Postcode not found"})),
                        "M11AE" => {
                            tokio::time::sleep(Duration::from_secs(5)).await;
                            HttpResponse::Ok().finish()
                        }
                        "M12AE" => HttpResponse::InternalServerError().finish(),
                        other => match known.get(other) {
                            Some((lat, lon, country)) => HttpResponse::Ok().json(serde_json::json!({
                                "status": 200,
                                "result": {"postcode": other, "latitude": lat, "longitude": lon, "country": country}
                            })),
                            None => HttpResponse::NotFound()
                                .json(serde_json::json!({"status": 404, "error": "Invalid postcode"})),
                        },
                    }
                }
            }),
        )
    })
    .bind("127.0.0.1:0")
    .unwrap();
    let port = server.addrs()[0].port();
    tokio::spawn(server.run());
    format!("http://127.0.0.1:{port}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_online_geocoder_is_used_cached_and_survives_failures() {
    let hits = Arc::new(AtomicUsize::new(0));
    let base = stand_in_geocoder(hits.clone()).await;
    let db = TestDb::sqlite();
    let mut settings = db.settings();
    settings.geocoder = GeocoderSetting::Url(base);
    let server = TestServer::start_with(settings).await;

    let (status, body) = server.get_json("/api/v1/geocode?postcode=LS9%207TF").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["location"]["precision"], "postcode");
    assert_eq!(body["location"]["source"], "geocoder");
    assert_eq!(body["location"]["lat"], 53.8073);
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    // Cached: asked again, the stand-in is not called.
    let (_, again) = server.get_json("/api/v1/geocode?postcode=ls97tf").await;
    assert_eq!(again["location"]["lat"], 53.8073);
    assert_eq!(hits.load(Ordering::SeqCst), 1);

    // The geocoder's country decides the nation in a cross-border area.
    let (_, wales) = server.get_json("/api/v1/geocode?postcode=CH5%201AA").await;
    assert_eq!(wales["location"]["nation"], "wales");
    assert_eq!(wales["registry"]["nation"], "wales");

    // Unknown postcode: 404 offering the area.
    let (status, unknown) = server
        .get_json("/api/v1/centres/nearest?postcode=LS9%209ZZ")
        .await;
    assert_eq!(status, 404);
    let detail = unknown["detail"].as_str().unwrap();
    assert!(
        detail.contains("we can't find the postcode 'LS9 9ZZ'"),
        "{detail}"
    );
    assert!(detail.contains("postcode=LS"), "{detail}");

    // Timeout and server error: fall back to the shipped district centre, still 200.
    for pc in ["M1%201AE", "M1%202AE"] {
        let (status, body) = server
            .get_json(&format!("/api/v1/centres/nearest?postcode={pc}"))
            .await;
        assert_eq!(status, 200, "{pc}: {body}");
        assert_eq!(body["location"]["precision"], "district");
        assert_eq!(body["location"]["query"], "M1");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_gives_the_same_answer_as_the_api() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let (_, api) = server
        .get_json("/api/v1/centres/nearest?postcode=LS9%207TF&kind=tya_unit&age=17&limit=4")
        .await;
    let cli = db
        .cli(&[
            "nearest",
            "--postcode",
            "LS9 7TF",
            "--kind",
            "tya_unit",
            "--age",
            "17",
            "--limit",
            "4",
            "--json",
        ])
        .json();
    assert_eq!(cli["location"], api["location"]);
    assert_eq!(cli["results"], api["results"]);
    assert_eq!(cli["registry"], api["registry"]);

    let text = db.cli(&[
        "nearest",
        "--postcode",
        "LS9 7TF",
        "--kind",
        "tya_unit",
        "--limit",
        "2",
    ]);
    assert_eq!(text.code, 0);
    assert!(
        text.stdout.contains("Near LS9 (district"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains(" 1. "));
    assert!(text
        .stdout
        .contains("Directions: https://www.openstreetmap.org/directions?to="));

    let bad = db.cli(&["nearest", "--lat", "91", "--lon", "0"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("latitude 91 is outside the UK"));
}
