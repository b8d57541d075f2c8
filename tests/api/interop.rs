//! FHIR R4 and Open Referral UK as other systems read them, and bulk lookups. Every FHIR
//! resource and bundle is validated with the `fhir.resources` library, and every ORUK answer
//! against the published HSDS 3.0 UK profile schemas (tests/fixtures/oruk), by the Python
//! scripts in tests/interop. Without those libraries the validation says SKIPPED, unless
//! REQUIRE_INTEROP=1 (as CI sets).

use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};

use crate::support::{repo_path, skip, TestDb, TestServer};

/// Run a validator script over a folder of JSON documents, or say why it was skipped.
fn validate(script: &str, module: &str, folder: &Path) {
    let has_module = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_module {
        skip(
            "REQUIRE_INTEROP",
            &format!("validation with {module}"),
            &format!("the Python module {module} is missing (see tests/interop/{script})"),
        );
        return;
    }
    let out = Command::new("python3")
        .arg(repo_path(&format!("tests/interop/{script}")))
        .arg(folder)
        .output()
        .expect("run the validator");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{script} failed:\n{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn fhir(server: &TestServer, path: &str) -> (u16, Value) {
    let response = server.get(path).await;
    let status = response.status().as_u16();
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/fhir+json"),
        "{path}"
    );
    (status, response.json().await.unwrap())
}

fn ids(bundle: &Value) -> Vec<String> {
    bundle["entry"]
        .as_array()
        .map(|e| {
            e.iter()
                .filter(|e| e["search"]["mode"] == "match")
                .map(|e| e["resource"]["id"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn distances(bundle: &Value) -> Vec<f64> {
    bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["search"]["mode"] == "match")
        .map(|e| {
            let ext = &e["search"]["extension"][0];
            assert_eq!(
                ext["url"],
                "http://hl7.org/fhir/StructureDefinition/location-distance"
            );
            ext["valueDistance"]["value"].as_f64().unwrap()
        })
        .collect()
}

#[tokio::test]
async fn fhir_near_is_in_true_distance_order_as_the_nearest_answer() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let (status, bundle) = fhir(&server, "/fhir/Location?near=53.8|-1.55|150|km&_count=8").await;
    assert_eq!(status, 200, "{bundle}");
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "searchset");
    let (_, nearest) = server
        .get_json("/api/v1/centres/nearest?lat=53.8&lon=-1.55&limit=8&max_km=150")
        .await;
    let expected: Vec<String> = nearest["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["centre"]["id"].as_str().unwrap().to_string())
        .collect();
    let km: Vec<f64> = nearest["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["distance_km"].as_f64().unwrap())
        .collect();
    // Equal distances (units of one hospital) may come in either order: compare as sets of
    // (distance, ids) and check the order of the distances.
    let got = distances(&bundle);
    assert!(got.windows(2).all(|w| w[0] <= w[1]), "{got:?}");
    for (g, k) in got.iter().zip(&km) {
        assert!((g - k).abs() < 0.01, "{got:?} vs {km:?}");
    }
    let mut a = ids(&bundle);
    let mut b = expected.clone();
    a.sort();
    b.sort();
    assert_eq!(a, b);
    assert!(bundle["total"].as_u64().unwrap() >= 8);
    // Miles, when asked in miles.
    let (_, miles) = fhir(
        &server,
        "/fhir/Location?near=53.8|-1.55|100|[mi_i]&_count=3",
    )
    .await;
    let first = &miles["entry"][0]["search"]["extension"][0]["valueDistance"];
    assert_eq!(first["code"], "[mi_i]");
    assert!((first["value"].as_f64().unwrap() - km[0] / 1.609_344).abs() < 0.01);
    server.stop().await;
}

#[tokio::test]
async fn fhir_searches_page_and_filter_as_the_spec_says() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let (_, all) = fhir(&server, "/fhir/Location?_count=10").await;
    let total = all["total"].as_u64().unwrap() as usize;
    assert!(total > 100, "every site: {total}");
    assert_eq!(ids(&all).len(), 10);
    let links = all["link"].as_array().unwrap();
    let next = links.iter().find(|l| l["relation"] == "next").unwrap()["url"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(links.iter().all(|l| l["relation"] != "previous"));
    let path = &next[next.find("/fhir/").unwrap()..];
    let (_, second) = fhir(&server, path).await;
    assert_eq!(ids(&second).len(), 10);
    assert!(ids(&second).iter().all(|i| !ids(&all).contains(i)));
    assert!(second["link"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["relation"] == "previous"));

    let (_, by_name) = fhir(&server, "/fhir/Location?name=teenage%20cancer%20trust").await;
    assert!(
        ids(&by_name).iter().all(|i| i.starts_with("tya-")),
        "{by_name}"
    );
    let (_, by_postcode) = fhir(&server, "/fhir/Location?address-postalcode=LS9").await;
    assert!(!ids(&by_postcode).is_empty());
    for e in by_postcode["entry"].as_array().unwrap() {
        assert!(e["resource"]["address"]["postalCode"]
            .as_str()
            .unwrap()
            .starts_with("LS9"));
    }
    let (_, by_id) = fhir(&server, "/fhir/Location?_id=tya-christie,cc-christie").await;
    assert_eq!(by_id["total"], 2);
    let org = by_id["entry"][0]["resource"]["managingOrganization"]["reference"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, by_org) = fhir(&server, &format!("/fhir/Location?organization={org}")).await;
    assert!(ids(&by_org).contains(&"tya-christie".to_string()));
    let (status, organisation) = fhir(&server, &format!("/fhir/{org}")).await;
    assert_eq!(status, 200, "{organisation}");
    assert_eq!(organisation["resourceType"], "Organization");

    // An unknown parameter is ignored and left out of the self link, or refused when strict.
    let (status, lenient) = fhir(&server, "/fhir/Location?_id=tya-christie&colour=blue").await;
    assert_eq!(status, 200);
    assert_eq!(lenient["total"], 1);
    let self_link = lenient["link"][0]["url"].as_str().unwrap();
    assert!(!self_link.contains("colour"), "{self_link}");
    let strict = server
        .get_with(
            "/fhir/Location?_id=tya-christie&colour=blue",
            &[("Prefer", "handling=strict")],
        )
        .await;
    assert_eq!(strict.status().as_u16(), 400);
    let outcome: Value = strict.json().await.unwrap();
    assert_eq!(outcome["resourceType"], "OperationOutcome");
    assert_eq!(outcome["issue"][0]["expression"][0], "colour");

    // Errors are OperationOutcomes with the right status.
    for (path, status, code) in [
        ("/fhir/Location/no-such-site", 404, "not-found"),
        ("/fhir/Patient?name=x", 404, "not-supported"),
        ("/fhir/Location?near=91|0|5|km", 400, "invalid"),
        ("/fhir/Location?near=53.8|-1.5|5|furlongs", 400, "invalid"),
        ("/fhir/Location?_count=many", 400, "invalid"),
        ("/fhir/Location?_format=xml", 406, "not-supported"),
    ] {
        let (got, outcome) = fhir(&server, path).await;
        assert_eq!(got, status, "{path}: {outcome}");
        assert_eq!(outcome["resourceType"], "OperationOutcome", "{path}");
        assert_eq!(outcome["issue"][0]["code"], code, "{path}");
    }
    server.stop().await;
}

#[tokio::test]
async fn fhir_services_by_chained_near_with_their_locations_included() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let (status, bundle) = fhir(
        &server,
        "/fhir/HealthcareService?location.near=51.51|-0.13|20|km&service-type=urn:centre-directory:centre-kind|tya_unit&_include=HealthcareService:location",
    )
    .await;
    assert_eq!(status, 200, "{bundle}");
    let matched = ids(&bundle);
    assert!(!matched.is_empty());
    assert!(matched.iter().all(|i| i.starts_with("tya-")), "{matched:?}");
    let d = distances(&bundle);
    assert!(d.windows(2).all(|w| w[0] <= w[1]) && d.iter().all(|k| *k <= 20.0));
    let included: Vec<&Value> = bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["search"]["mode"] == "include")
        .collect();
    assert_eq!(included.len(), matched.len());
    assert!(included
        .iter()
        .all(|e| e["resource"]["resourceType"] == "Location"));
    let service = &bundle["entry"][0]["resource"];
    assert!(service["eligibility"][0]["code"]["text"]
        .as_str()
        .unwrap()
        .starts_with("Ages "));
    let (_, children) = fhir(&server, "/fhir/HealthcareService?service-category=33").await;
    assert!(children["total"].as_u64().unwrap() >= 10, "{children}");
    server.stop().await;
}

#[tokio::test]
async fn every_fhir_resource_and_bundle_validates_with_a_fhir_library() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let dir = tempfile::tempdir().unwrap();
    let mut n = 0;
    let mut keep = |name: &str, doc: &Value| {
        std::fs::write(dir.path().join(format!("{name}.json")), doc.to_string()).unwrap();
        n += 1;
    };
    let (_, metadata) = fhir(&server, "/fhir/metadata").await;
    assert_eq!(metadata["resourceType"], "CapabilityStatement");
    let types: Vec<&str> = metadata["rest"][0]["resource"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["HealthcareService", "Location", "Organization"]);
    keep("metadata", &metadata);
    // Every resource of every type, by reading each one.
    for kind in ["Location", "HealthcareService", "Organization"] {
        let (_, all) = fhir(&server, &format!("/fhir/{kind}?_count=100")).await;
        keep(&format!("bundle-{kind}"), &all);
        let (_, rest) = fhir(&server, &format!("/fhir/{kind}?_count=100&_offset=100")).await;
        keep(&format!("bundle-{kind}-2"), &rest);
        let everyone: Vec<String> = ids(&all).into_iter().chain(ids(&rest)).collect();
        assert_eq!(everyone.len() as u64, all["total"].as_u64().unwrap());
        for id in everyone {
            let (status, resource) = fhir(&server, &format!("/fhir/{kind}/{id}")).await;
            assert_eq!(status, 200);
            keep(&format!("{kind}-{id}"), &resource);
        }
    }
    let (_, near) = fhir(
        &server,
        "/fhir/HealthcareService?location.near=53.8|-1.55|100|km&_include=HealthcareService:location",
    )
    .await;
    keep("bundle-near", &near);
    let (_, outcome) = fhir(&server, "/fhir/Location/nowhere").await;
    keep("outcome", &outcome);
    assert!(n > 250, "{n} documents");
    validate("validate_fhir.py", "fhir.resources", dir.path());
    server.stop().await;
}

#[tokio::test]
async fn open_referral_uk_answers_follow_the_published_schemas() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let dir = tempfile::tempdir().unwrap();
    let keep = |name: &str, doc: &Value| {
        std::fs::write(dir.path().join(format!("{name}.json")), doc.to_string()).unwrap();
    };
    let about = server
        .get_with("/oruk/", &[("Origin", "https://example.org")])
        .await;
    assert_eq!(about.headers()["access-control-allow-origin"], "*");
    let about: Value = about.json().await.unwrap();
    assert_eq!(about["version"], "3.0");

    let (_, page) = server.get_json("/oruk/services?per_page=20&page=2").await;
    assert_eq!(page["page_number"], 2);
    assert_eq!(page["size"], 20);
    assert!(page["total_items"].as_u64().unwrap() > 100);
    keep("page--service_list--services", &page);
    let (_, tya) = server
        .get_json("/oruk/services?taxonomy_term_id=tya_unit&minimum_age=16&per_page=200")
        .await;
    assert!(tya["contents"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["minimum_age"].as_u64().unwrap() >= 16));
    keep("page--service_list--tya", &tya);
    let (_, text) = server.get_json("/oruk/services?text=christie").await;
    assert!(text["total_items"].as_u64().unwrap() >= 2, "{text}");
    let id = text["contents"][0]["id"].as_str().unwrap().to_string();
    let (status, full) = server.get_json(&format!("/oruk/services/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(full["id"], id.as_str());
    assert!(!full["service_at_locations"].as_array().unwrap().is_empty());
    assert!(!full["organization"]["name"].as_str().unwrap().is_empty());
    keep("service--christie", &full);
    for c in ["tya-leeds", "cc-velindre", "cc-rach-aberdeen"] {
        let (status, s) = server.get_json(&format!("/oruk/services/{c}")).await;
        if status == 200 {
            keep(&format!("service--{c}"), &s);
        }
    }
    let (_, near) = server
        .get_json("/oruk/service_at_locations?postcode=LS9%207TF&proximity=20000")
        .await;
    let metres: Vec<f64> = near["contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["distance"].as_f64().unwrap())
        .collect();
    assert!(!metres.is_empty());
    assert!(metres.windows(2).all(|w| w[0] <= w[1]) && metres.iter().all(|m| *m <= 20000.0));
    keep("page--service_at_location_list--near", &near);
    let (_, terms) = server.get_json("/oruk/taxonomy_terms").await;
    assert!(terms["contents"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["term"] == "tya_unit"));
    keep("page--taxonomy_term--terms", &terms);

    let missing = server
        .get("/oruk/services/00000000-0000-0000-0000-000000000000")
        .await;
    assert_eq!(missing.status().as_u16(), 404);
    assert_eq!(missing.headers()["access-control-allow-origin"], "*");
    let (status, bad) = server
        .get_json("/oruk/service_at_locations?proximity=5")
        .await;
    assert_eq!(status, 400);
    assert_eq!(bad["parameter"], "proximity");
    validate("validate_oruk.py", "jsonschema", dir.path());
    server.stop().await;
}

#[tokio::test]
async fn a_bulk_request_answers_every_location_in_order_each_with_its_own_problem() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let body = json!({
        "locations": [
            {"id": "r1", "postcode": "LS9 7TF"},
            {"id": "r2", "q": "Wrexham"},
            {"lat": 51.5, "lon": -0.12},
            {"id": 4, "postcode": "not a postcode"},
            {"id": "r5", "q": "Xqzwvy"},
            {"id": "r6", "postcode": "LS9 7TF", "q": "Leeds"}
        ],
        "kind": "tya_unit",
        "limit": 2
    });
    let (status, answer, _) = server
        .post(
            "/api/v1/centres/nearest/bulk",
            None,
            "application/json",
            body.to_string(),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let results = answer["results"].as_array().unwrap();
    assert_eq!(results.len(), 6);
    assert_eq!(results[0]["id"], "r1");
    assert_eq!(results[0]["location"]["query"], "LS9");
    assert_eq!(results[0]["results"].as_array().unwrap().len(), 2);
    assert!(results[0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["centre"]["kind"] == "tya_unit"));
    assert_eq!(results[1]["location"]["place"]["name"], "Wrexham");
    assert!(results[2]["id"].is_null());
    assert_eq!(results[2]["location"]["precision"], "point");
    assert_eq!(results[3]["id"], 4);
    assert_eq!(results[3]["problem"]["status"], 400);
    assert_eq!(results[3]["problem"]["parameter"], "locations[3].postcode");
    assert!(results[3]["results"].as_array().unwrap().is_empty());
    assert_eq!(results[4]["problem"]["status"], 404);
    assert_eq!(results[5]["problem"]["status"], 400);

    // The same single question answers the same.
    let (_, single) = server
        .get_json("/api/v1/centres/nearest?postcode=LS9%207TF&kind=tya_unit&limit=2")
        .await;
    assert_eq!(results[0]["results"], single["results"]);

    let many = json!({"locations": vec![json!({"postcode": "LS9"}); 101]});
    let (status, problem, _) = server
        .post(
            "/api/v1/centres/nearest/bulk",
            None,
            "application/json",
            many.to_string(),
        )
        .await;
    assert_eq!(status, 413, "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("at most 100"));
    for (bad, needle) in [
        ("not json", "not a bulk request"),
        (r#"{"locations": [], "limit": 3}"#, "locations is empty"),
        (
            r#"{"locations": [{"postcode": "LS9"}], "limit": 0}"#,
            "limit 0",
        ),
        (
            r#"{"locations": [{"postcode": "LS9"}], "colour": "blue"}"#,
            "unknown field",
        ),
    ] {
        let (status, problem, _) = server
            .post(
                "/api/v1/centres/nearest/bulk",
                None,
                "application/json",
                bad,
            )
            .await;
        assert_eq!(status, 400, "{bad}: {problem}");
        assert!(
            problem["detail"].as_str().unwrap().contains(needle),
            "{bad}: {problem}"
        );
    }
    server.stop().await;
}
