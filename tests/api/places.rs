//! Places by name offline: the shipped gazetteer, its matching rules, suggestions as someone
//! types, reverse geocoding, and the website saying what it understood.

use crate::support::{postcode_fixture, TestDb, TestServer};

async fn located(server: &TestServer, q: &str) -> serde_json::Value {
    let (status, body) = server
        .get_json(&format!(
            "/api/v1/geocode?q={}",
            form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
        ))
        .await;
    assert_eq!(status, 200, "{q}: {body}");
    body["location"].clone()
}

#[tokio::test]
async fn towns_that_are_not_centre_towns_are_found_offline_in_every_nation() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    for (q, nation) in [
        ("Wrexham", "wales"),
        ("Loughborough", "england"),
        ("Enniskillen", "northern_ireland"),
        ("Harrogate", "england"),
        ("Stromness", "scotland"),
        ("Bridge of Allan", "scotland"),
    ] {
        let location = located(&server, q).await;
        assert_eq!(location["precision"], "place", "{q}");
        assert_eq!(location["source"], "places", "{q}");
        assert_eq!(location["place"]["name"], q, "{q}");
        assert_eq!(location["nation"], nation, "{q}");
    }
    server.stop().await;
}

#[tokio::test]
async fn welsh_gaelic_and_irish_names_find_their_places() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    for (q, name) in [
        ("Caerdydd", "Cardiff"),
        ("Abertawe", "Swansea"),
        ("Wrecsam", "Wrexham"),
        ("Inbhir Nis", "Inverness"),
        ("Inis Ceithleann", "Enniskillen"),
    ] {
        let location = located(&server, q).await;
        assert_eq!(location["place"]["name"], name, "{q}");
        assert_eq!(location["place"]["matched_name"], q, "{q}");
    }
    server.stop().await;
}

#[tokio::test]
async fn case_accents_punctuation_and_common_words_do_not_matter() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    for (q, name) in [
        ("STRATFORD ON AVON", "Stratford-upon-Avon"),
        ("stratford-upon-avon", "Stratford-upon-Avon"),
        ("newcastle on tyne", "Newcastle upon Tyne"),
        ("Saint Helier", "Saint Helier"),
        ("st helier", "Saint Helier"),
        ("St. Ives, Cornwall", "St Ives"),
        ("  bridge   of allan ", "Bridge of Allan"),
        ("Dun Eideann", "Edinburgh"),
    ] {
        assert_eq!(located(&server, q).await["place"]["name"], name, "{q}");
    }
    server.stop().await;
}

#[tokio::test]
async fn a_qualifier_picks_among_places_of_one_name() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    for (q, county) in [
        ("Newport, Isle of Wight", "Isle of Wight"),
        ("Newport (Isle of Wight)", "Isle of Wight"),
        ("Newport Wales", "Newport"),
        ("Newport, Pembrokeshire", "Pembrokeshire"),
        ("Richmond, North Yorkshire", "North Yorkshire"),
        ("Richmond London", "Greater London"),
        ("St Ives Cambridgeshire", "Cambridgeshire"),
    ] {
        let location = located(&server, q).await;
        assert_eq!(location["place"]["county"], county, "{q}: {location}");
    }
    server.stop().await;
}

#[tokio::test]
async fn an_ambiguous_name_answers_the_largest_and_lists_the_others() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let location = located(&server, "Newport").await;
    assert_eq!(location["place"]["county"], "Newport");
    assert_eq!(location["nation"], "wales");
    // Five other Newports, then Newport-on-Tay, which is also called Newport.
    let alternatives = location["alternatives"].as_array().unwrap();
    assert_eq!(alternatives.len(), 6, "{location}");
    assert!(alternatives[..5].iter().all(|a| a["name"] == "Newport"));
    assert_eq!(alternatives[5]["matched_name"], "Newport");
    assert_eq!(
        alternatives[0]["county"], "Isle of Wight",
        "largest of the others first"
    );
    for field in ["county", "nation", "lat", "lon"] {
        assert!(!alternatives[0][field].is_null(), "{field}");
    }
    assert!(location["note"]
        .as_str()
        .unwrap()
        .contains("more than one place called Newport"));
    server.stop().await;
}

#[tokio::test]
async fn an_unknown_name_answers_404_with_close_spellings() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let (status, body) = server.get_json("/api/v1/geocode?q=Lougborough").await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["suggestions"][0]["name"], "Loughborough");
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("did you mean Loughborough"));
    let (status, body) = server.get_json("/api/v1/geocode?q=Xqzwvy").await;
    assert_eq!(status, 404);
    assert!(body
        .get("suggestions")
        .is_none_or(|s| s.as_array().unwrap().is_empty()));
    server.stop().await;
}

#[tokio::test]
async fn suggestions_start_with_what_was_typed_best_first() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let (status, body) = server.get_json("/api/v1/places?q=lough&limit=10").await;
    assert_eq!(status, 200, "{body}");
    let names: Vec<&str> = body["places"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names[0], "Loughborough", "{names:?}");
    assert!(
        names.iter().all(|n| n.to_lowercase().starts_with("lough")),
        "{names:?}"
    );
    // An exact name comes before larger places that merely start with it.
    let (_, body) = server.get_json("/api/v1/places?q=leeds").await;
    assert_eq!(body["places"][0]["name"], "Leeds");
    // Other names count: Welsh forms, and the nation filter.
    let (_, body) = server
        .get_json("/api/v1/places?q=caer&nation=wales&limit=50")
        .await;
    let places = body["places"].as_array().unwrap();
    assert!(places.iter().all(|p| p["nation"] == "wales"));
    assert!(places
        .iter()
        .any(|p| p["name"] == "Cardiff" && p["matched_name"] == "Caerdydd"));
    let (_, body) = server.get_json("/api/v1/places?q=ne&limit=3").await;
    assert_eq!(body["places"].as_array().unwrap().len(), 3);
    // Text without letters matches nothing; bad parameters are named.
    let (status, body) = server.get_json("/api/v1/places?q=%21%21").await;
    assert_eq!(status, 200);
    assert_eq!(body["places"].as_array().unwrap().len(), 0);
    for (query, parameter) in [
        ("", "q"),
        ("q=", "q"),
        ("q=lough&limit=0", "limit"),
        ("q=lough&limit=51", "limit"),
        ("q=lough&nation=ulster", "nation"),
    ] {
        let (status, body) = server.get_json(&format!("/api/v1/places?{query}")).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(body["parameter"], parameter, "{query}");
    }
    server.stop().await;
}

#[tokio::test]
async fn a_point_is_said_to_be_near_its_nearest_place_and_district() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let (status, body) = server
        .get_json("/api/v1/geocode?lat=53.993&lon=-1.539")
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["reverse"]["place"]["name"], "Harrogate");
    assert!(body["reverse"]["place"]["distance_km"].as_f64().unwrap() < 2.0);
    assert!(body["reverse"]["district"]["outcode"]
        .as_str()
        .unwrap()
        .starts_with("HG"));
    assert!(
        body["reverse"]["postcode"].is_null(),
        "no postcode directory loaded"
    );
    assert_eq!(body["location"]["near"]["name"], "Harrogate");
    // A place or postcode question has no reverse part.
    let (_, body) = server.get_json("/api/v1/geocode?q=Harrogate").await;
    assert!(body.get("reverse").is_none());
    server.stop().await;
}

#[tokio::test]
async fn with_the_postcode_directory_a_point_gets_its_nearest_postcode_in_use() {
    let db = TestDb::sqlite();
    db.cli(&["import", "postcodes", &postcode_fixture("onspd_sample.csv")]);
    let server = TestServer::start(&db).await;
    // Beside LS1 9ZZ (terminated) but nearer no other: the nearest in use is LS1 3EX.
    let (_, body) = server
        .get_json("/api/v1/geocode?lat=53.7981&lon=-1.5475")
        .await;
    assert_eq!(body["reverse"]["postcode"]["postcode"], "LS1 3EX", "{body}");
    assert_eq!(body["reverse"]["postcode"]["terminated"], false);
    let (_, body) = server
        .get_json("/api/v1/geocode?lat=53.8073&lon=-1.5203")
        .await;
    assert_eq!(body["reverse"]["postcode"]["postcode"], "LS9 7TF", "{body}");
    assert!(body["reverse"]["postcode"]["distance_km"].as_f64().unwrap() < 0.05);
    server.stop().await;
}

#[tokio::test]
async fn the_website_headlines_the_place_and_offers_the_others() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let (status, html) = server.get_text("/search?q=Wrexham&kind=tya_unit").await;
    assert_eq!(status, 200);
    assert!(html.contains("<h1>TYA units near Wrexham</h1>"), "{html}");
    let (_, html) = server.get_text("/search?q=Newport&kind=tya_unit").await;
    assert!(html.contains("Did you mean another place with this name?"));
    assert!(
        html.contains("href=\"/search?q=Newport%2C+Isle+of+Wight&#38;kind=tya_unit\""),
        "{html}"
    );
    let (status, html) = server.get_text("/search?q=Lougborough").await;
    assert_eq!(status, 404);
    assert!(html.contains("Did you mean:"));
    assert!(
        html.contains("href=\"/search?q=Loughborough%2C+Leicestershire\""),
        "{html}"
    );
    let (_, html) = server.get_text("/search?lat=53.993&lon=-1.539").await;
    assert!(html.contains("near you (Harrogate)"), "{html}");
    server.stop().await;
}

#[test]
fn a_binary_started_away_from_the_data_folder_loads_its_built_in_copy() {
    let db = TestDb::sqlite();
    let empty = tempfile::tempdir().unwrap();
    let out = db.cli_full(
        &["nearest", "--q", "Wrexham", "--json"],
        &[("DATA_DIR", empty.path().to_str().unwrap())],
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let answer = out.json();
    assert_eq!(answer["location"]["place"]["name"], "Wrexham");
    assert!(!answer["results"].as_array().unwrap().is_empty());
    let history = db.cli(&["imports", "--dataset", "places", "--json"]).json();
    assert_eq!(history[0]["source"], "built-in places.csv");
}
