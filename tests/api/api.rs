//! The read API over HTTP, against the real server on a fresh SQLite database with the shipped
//! data loaded the way `serve` loads it.

use crate::support::{fewer_centres, shipped_path, TestDb, TestServer};

#[tokio::test]
async fn health_and_readiness() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let (status, body) = server.get_json("/healthz").await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
    let (status, body) = server.get_json("/readyz").await;
    assert_eq!(status, 200);
    assert_eq!(body["database"], "sqlite");
    assert!(body["centres"].as_u64().unwrap() > 80);
    // The postcode table (empty here) is held in memory, as in `serve`.
    assert_eq!(body["postcodes_in_memory"], 0);
}

#[tokio::test]
async fn serve_on_an_empty_database_loads_every_shipped_dataset() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let snapshot = server.directory.snapshot();
    assert!(snapshot.centres().len() >= 85);
    assert_eq!(snapshot.registries.len(), 4);
    assert!(snapshot.topics.len() >= 10);
    assert!(snapshot.areas.len() >= 121);
    assert!(!snapshot.referral_rules.is_empty());
    // A restart loads nothing again: the data is there.
    let version = snapshot.version;
    let again = TestServer::start(&db).await;
    assert_eq!(again.directory.snapshot().version, version);
}

#[tokio::test]
async fn centres_list_filters_and_paginates() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let (status, all) = server.get_json("/api/v1/centres?limit=1000").await;
    assert_eq!(status, 200);
    let total = all["total"].as_u64().unwrap() as usize;
    assert_eq!(all["results"].as_array().unwrap().len(), total);

    let (_, tya) = server
        .get_json("/api/v1/centres?kind=tya_unit&limit=1000")
        .await;
    let units = tya["results"].as_array().unwrap();
    assert!(units.len() >= 29);
    assert!(units.iter().all(|c| c["kind"] == "tya_unit"));
    assert!(units
        .iter()
        .all(|c| c["age_min"].is_u64() && c["age_max"].is_u64()));

    let (_, ni) = server
        .get_json("/api/v1/centres?nation=northern_ireland&kind=tya_unit")
        .await;
    let ni_units = ni["results"].as_array().unwrap();
    assert_eq!(ni_units.len(), 1);
    assert_eq!(ni_units[0]["teenage_cancer_trust_unit"], false);

    let (_, page1) = server.get_json("/api/v1/centres?limit=10&offset=0").await;
    let (_, page2) = server.get_json("/api/v1/centres?limit=10&offset=10").await;
    assert_eq!(page1["results"].as_array().unwrap().len(), 10);
    assert_ne!(page1["results"][0]["id"], page2["results"][0]["id"]);
    assert_eq!(page2["offset"], 10);
    assert_eq!(page1["dataset"]["version"], page2["dataset"]["version"]);

    let (_, scts) = server
        .get_json("/api/v1/centres?service=stem_cell_transplant&limit=1000")
        .await;
    assert!(scts["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["services"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "stem_cell_transplant")));
}

#[tokio::test]
async fn bad_list_parameters_are_named_in_a_problem() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    for (query, parameter, needle) in [
        (
            "kind=hospital",
            "kind",
            "unknown kind 'hospital'; allowed: cancer_centre, tya_unit",
        ),
        ("nation=france", "nation", "unknown nation 'france'"),
        ("limit=0", "limit", "allowed: a whole number from 1 to 1000"),
        ("limit=5000", "limit", "from 1 to 1000"),
        ("offset=-1", "offset", "offset '-1' is not allowed"),
        ("colour=blue", "colour", "unknown parameter 'colour'"),
        ("service=magic", "service", "unknown service 'magic'"),
    ] {
        let (status, body) = server
            .get_problem(&format!("/api/v1/centres?{query}"))
            .await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(body["status"], 400);
        assert_eq!(body["parameter"], parameter, "{query}");
        assert!(
            body["detail"].as_str().unwrap().contains(needle),
            "{query}: {}",
            body["detail"]
        );
    }
}

#[tokio::test]
async fn one_centre_by_id_with_its_registry() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let (_, list) = server
        .get_json("/api/v1/centres?nation=wales&kind=tya_unit")
        .await;
    let id = list["results"][0]["id"].as_str().unwrap().to_string();
    let (status, body) = server.get_json(&format!("/api/v1/centres/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(body["centre"]["id"], id.as_str());
    assert_eq!(body["centre"]["nation"], "wales");
    assert_eq!(body["registry"]["nation"], "wales");
    assert!(body["registry"]["name"]
        .as_str()
        .unwrap()
        .contains("Welsh Cancer Intelligence"));

    let (status, body) = server.get_json("/api/v1/centres/no-such-centre").await;
    assert_eq!(status, 404);
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("no centre has the id 'no-such-centre'"));
}

#[tokio::test]
async fn registries_and_treatment_topics() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let (_, regs) = server.get_json("/api/v1/registries").await;
    let nations: Vec<&str> = regs["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["nation"].as_str().unwrap())
        .collect();
    assert_eq!(
        nations,
        ["england", "scotland", "wales", "northern_ireland"]
    );
    assert!(regs["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["url"].as_str().unwrap().starts_with("http")));

    let (status, ni) = server.get_json("/api/v1/registries/northern_ireland").await;
    assert_eq!(status, 200);
    assert_eq!(ni["registry"]["short_name"], "NICR");
    assert_eq!(server.get_json("/api/v1/registries/france").await.0, 404);

    let (_, topics) = server
        .get_json("/api/v1/treatment?condition=acute_lymphoblastic_leukaemia")
        .await;
    let list = topics["results"].as_array().unwrap();
    assert!(list.len() >= 10);
    assert_eq!(list[0]["slug"], "all-overview");
    assert_eq!(list[1]["slug"], "steroids-first");
    let (_, sct) = server
        .get_json("/api/v1/treatment?service=stem_cell_transplant")
        .await;
    assert_eq!(sct["results"][0]["related_service"], "stem_cell_transplant");

    let (status, topic) = server
        .get_json("/api/v1/treatment/stem-cell-transplant")
        .await;
    assert_eq!(status, 200);
    assert!(topic["topic"]["body"].as_str().unwrap().len() > 200);
    assert_eq!(server.get_json("/api/v1/treatment/nope").await.0, 404);
}

#[tokio::test]
async fn unknown_paths_answer_a_problem_404() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let (status, _) = server.get_problem("/api/v1/nothing-here").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn answers_carry_etags_and_a_matching_if_none_match_gets_304() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let path = "/api/v1/centres/nearest?lat=53.8&lon=-1.55&kind=tya_unit";
    let first = server.get(path).await;
    assert_eq!(first.status(), 200);
    let tag = first.headers()["etag"].to_str().unwrap().to_string();
    assert!(tag.starts_with("W/\"v"), "{tag}");
    assert_eq!(first.headers()["cache-control"], "public, max-age=60");

    let again = server
        .get_with(path, &[("If-None-Match", tag.as_str())])
        .await;
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), tag);
    assert!(again.bytes().await.unwrap().is_empty());

    // Another request has another tag; errors and health checks carry none.
    let other = server
        .get("/api/v1/centres/nearest?lat=53.8&lon=-1.55")
        .await;
    assert_ne!(other.headers()["etag"].to_str().unwrap(), tag);
    let bad = server.get("/api/v1/centres/nearest?lat=99&lon=0").await;
    assert_eq!(bad.status(), 400);
    assert!(bad.headers().get("etag").is_none());
    assert!(server.get("/healthz").await.headers().get("etag").is_none());

    // An import changes the directory version: the old tag no longer matches.
    let out = db.cli(&["import", "centres", &shipped_path("centres.csv")]);
    assert_eq!(out.code, 0, "{out:?}");
    let out = db.import_stdin("centres", fewer_centres(59));
    assert_eq!(out.code, 0, "{out:?}");
    server.reload();
    let changed = server
        .get_with(path, &[("If-None-Match", tag.as_str())])
        .await;
    assert_eq!(changed.status(), 200);
    assert_ne!(changed.headers()["etag"].to_str().unwrap(), tag);
    server.stop().await;
}

/// The property names a schema allows, following `$ref` and `allOf`.
fn schema_properties(doc: &serde_json::Value, schema: &serde_json::Value) -> Vec<String> {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap();
        return schema_properties(doc, &doc["components"]["schemas"][name]);
    }
    let mut names: Vec<String> = schema["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    for part in schema["allOf"].as_array().into_iter().flatten() {
        names.extend(schema_properties(doc, part));
    }
    names
}

/// Every field of `value` is described by `schema`, recursively through objects and arrays.
fn assert_documented(
    doc: &serde_json::Value,
    schema: &serde_json::Value,
    value: &serde_json::Value,
    at: &str,
) {
    let schema = match schema["$ref"].as_str() {
        Some(r) => &doc["components"]["schemas"][r.rsplit('/').next().unwrap()],
        None => schema,
    };
    if let Some(options) = schema["oneOf"].as_array() {
        // Option<T> is `oneOf: [null, T]`.
        if !value.is_null() {
            let inner = options.iter().find(|o| o["type"] != "null").unwrap();
            assert_documented(doc, inner, value, at);
        }
        return;
    }
    match value {
        serde_json::Value::Object(map) => {
            let allowed = schema_properties(doc, schema);
            for (key, inner) in map {
                assert!(
                    allowed.contains(key),
                    "{at}.{key} is not in the OpenAPI schema"
                );
                let mut sub = &schema["properties"][key];
                if sub.is_null() {
                    for part in schema["allOf"].as_array().into_iter().flatten() {
                        let part = match part["$ref"].as_str() {
                            Some(r) => &doc["components"]["schemas"][r.rsplit('/').next().unwrap()],
                            None => part,
                        };
                        if !part["properties"][key].is_null() {
                            sub = &part["properties"][key];
                        }
                    }
                }
                assert_documented(doc, sub, inner, &format!("{at}.{key}"));
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                assert_documented(doc, &schema["items"], item, &format!("{at}[]"));
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn openapi_describes_every_public_endpoint_and_the_docs_are_served() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let (status, doc) = server.get_json("/openapi.json").await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let cases = [
        (
            "/api/v1/centres/nearest",
            "/api/v1/centres/nearest?postcode=LS9%207TF&kind=tya_unit&limit=3",
        ),
        ("/api/v1/geocode", "/api/v1/geocode?q=GY1%201AA"),
        (
            "/api/v1/referrals/tya",
            "/api/v1/referrals/tya?postcode=LS9%207TF&age=17",
        ),
        ("/api/v1/centres", "/api/v1/centres?limit=5"),
        ("/api/v1/centres/{id}", "/api/v1/centres/tya-christie"),
        ("/api/v1/registries", "/api/v1/registries"),
        ("/api/v1/registries/{nation}", "/api/v1/registries/wales"),
        ("/api/v1/treatment", "/api/v1/treatment"),
        ("/api/v1/treatment/{slug}", "/api/v1/treatment/all-overview"),
        ("/healthz", "/healthz"),
        ("/readyz", "/readyz"),
    ];
    for (template, url) in cases {
        let op = &doc["paths"][template]["get"];
        assert!(op.is_object(), "{template} is not documented");
        let (status, body) = server.get_json(url).await;
        assert_eq!(status, 200, "{url}: {body}");
        let schema = &op["responses"]["200"]["content"]["application/json"]["schema"];
        assert!(schema.is_object(), "{template} has no 200 schema");
        assert_documented(&doc, schema, &body, template);
    }
    // Problems are documented with their media type.
    let bad = &doc["paths"]["/api/v1/centres/nearest"]["get"]["responses"]["400"]["content"];
    assert!(bad["application/problem+json"].is_object());
    // The location parameters are the properties of one object parameter sent in form style
    // (exactly one of postcode, q, or lat with lon); the others stand alone.
    let mut params: Vec<&str> = Vec::new();
    for p in doc["paths"]["/api/v1/centres/nearest"]["get"]["parameters"]
        .as_array()
        .unwrap()
    {
        match p["schema"]["properties"].as_object() {
            Some(properties) if p["style"] == "form" && p["explode"] == true => {
                assert_eq!(p["required"], true, "{p}");
                assert_eq!(p["schema"]["oneOf"].as_array().unwrap().len(), 3, "{p}");
                params.extend(properties.keys().map(String::as_str));
            }
            _ => params.push(p["name"].as_str().unwrap()),
        }
    }
    for p in [
        "postcode", "q", "lat", "lon", "kind", "service", "age", "nation", "limit", "max_km",
    ] {
        assert!(
            params.contains(&p),
            "nearest parameter {p} is not documented"
        );
    }

    let docs = server.get("/docs").await;
    assert_eq!(docs.status(), 200, "the redirect to /docs/ is followed");
    let html = docs.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    let (_, init) = server.get_text("/docs/swagger-initializer.js").await;
    assert!(init.contains("/openapi.json"));
    server.stop().await;
}
