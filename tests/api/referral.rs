//! Referral guidance (`GET /api/v1/referrals/tya`, `centre-directory refer`): the rule of the
//! patient's nation for their age, and the nearest places that fit it and take that age.

use serde_json::Value;

use crate::support::{TestDb, TestServer};

async fn refer(server: &TestServer, query: &str) -> Value {
    let (status, body) = server
        .get_json(&format!("/api/v1/referrals/tya?{query}"))
        .await;
    assert_eq!(status, 200, "{query}: {body}");
    body
}

fn roles(answer: &Value) -> Vec<String> {
    answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["role"].as_str().unwrap().to_string())
        .collect()
}

/// Every result takes this age, and the list is in order of distance.
fn check_results(answer: &Value, age: u64) {
    let results = answer["results"].as_array().unwrap();
    assert!(!results.is_empty(), "no results: {answer}");
    let mut last = 0.0;
    for r in results {
        let c = &r["centre"];
        if let (Some(lo), Some(hi)) = (c["age_min"].as_u64(), c["age_max"].as_u64()) {
            assert!(
                (lo..=hi).contains(&age),
                "{} takes {lo}-{hi}, not {age}",
                c["id"]
            );
        }
        let d = r["distance_km"].as_f64().unwrap();
        assert!(d >= last, "not sorted by distance: {answer}");
        last = d;
    }
}

#[tokio::test]
async fn england_by_age_with_the_boundaries() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let cases: &[(u64, &str, &[&str])] = &[
        (15, "childrens_ptc", &["childrens_ptc"]),
        (16, "tya_ptc", &["tya_ptc", "tya_unit"]),
        (18, "tya_ptc", &["tya_ptc", "tya_unit"]),
        (
            19,
            "tya_ptc_or_designated_hospital",
            &["tya_ptc", "tya_designated_hospital", "tya_unit"],
        ),
        (
            24,
            "tya_ptc_or_designated_hospital",
            &["tya_ptc", "tya_designated_hospital", "tya_unit"],
        ),
        (25, "adult_cancer_centre", &["adult_cancer_centre"]),
    ];
    for (age, setting, allowed) in cases {
        let answer = refer(&server, &format!("postcode=LS9%207TF&age={age}")).await;
        let pathway = &answer["pathway"];
        assert_eq!(pathway["nation"], "england", "{age}");
        assert_eq!(pathway["setting"], *setting, "age {age}");
        assert!(pathway["age_min"].as_u64().unwrap() <= *age);
        assert!(pathway["age_max"].as_u64().unwrap() >= *age);
        assert!(pathway["source"].as_str().unwrap().starts_with("http"));
        assert_eq!(pathway["last_verified"].as_str().unwrap().len(), 10);
        assert!(answer["disclaimer"]
            .as_str()
            .unwrap()
            .contains("not a clinical decision"));
        check_results(&answer, *age);
        for role in roles(&answer) {
            assert!(allowed.contains(&role.as_str()), "age {age}: role {role}");
        }
        // Leeds has a place for every age band.
        assert_eq!(answer["results"][0]["centre"]["town"], "Leeds", "age {age}");
        assert_eq!(answer["registry"]["nation"], "england");
    }
    let adults = refer(&server, "postcode=LS9%207TF&age=40&limit=10").await;
    for r in adults["results"].as_array().unwrap() {
        assert_eq!(r["centre"]["kind"], "cancer_centre");
    }
    // 19-24 near Hull: a designated hospital is offered beside the principal treatment centres.
    let hull = refer(&server, "q=HU&age=20&limit=10").await;
    let hull_roles = roles(&hull);
    assert!(
        hull_roles.contains(&"tya_designated_hospital".to_string()),
        "{hull_roles:?}"
    );
    assert!(
        hull_roles.contains(&"tya_ptc".to_string()),
        "{hull_roles:?}"
    );
    for r in hull["results"].as_array().unwrap() {
        assert!(r["role_plain"].as_str().unwrap().len() > 5);
    }
    server.stop().await;
}

#[tokio::test]
async fn scotland_wales_and_northern_ireland_follow_their_own_rules() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let cases: &[(&str, &str, u64, &str, &str)] = &[
        ("G51%204TF", "scotland", 15, "childrens_ptc", "Glasgow"),
        ("G51%204TF", "scotland", 16, "tya_ptc", "Glasgow"),
        ("G51%204TF", "scotland", 24, "tya_ptc", "Glasgow"),
        (
            "G51%204TF",
            "scotland",
            25,
            "adult_cancer_centre",
            "Glasgow",
        ),
        ("CF14%204XW", "wales", 16, "tya_ptc", "Cardiff"),
        ("CF14%204XW", "wales", 25, "adult_cancer_centre", "Cardiff"),
        (
            "BT9%207AB",
            "northern_ireland",
            15,
            "childrens_ptc",
            "Belfast",
        ),
        ("BT9%207AB", "northern_ireland", 16, "tya_ptc", "Belfast"),
        ("BT9%207AB", "northern_ireland", 24, "tya_ptc", "Belfast"),
        (
            "BT9%207AB",
            "northern_ireland",
            25,
            "adult_cancer_centre",
            "Belfast",
        ),
    ];
    for (postcode, nation, age, setting, town) in cases {
        let answer = refer(&server, &format!("postcode={postcode}&age={age}")).await;
        assert_eq!(answer["pathway"]["nation"], *nation, "{postcode} {age}");
        assert_eq!(answer["pathway"]["setting"], *setting, "{postcode} {age}");
        assert!(answer["pathway"]["id"]
            .as_str()
            .unwrap()
            .starts_with(&nation.replace('_', "-")));
        check_results(&answer, *age);
        assert_eq!(
            answer["results"][0]["centre"]["town"], *town,
            "{postcode} {age}"
        );
        assert_eq!(answer["registry"]["nation"], *nation);
    }
    // A Welsh child: the Welsh rule applies whatever our data lists.
    let child = refer(&server, "postcode=CF14%204XW&age=9").await;
    assert_eq!(child["pathway"]["id"], "wales-under-16");
    server.stop().await;
}

#[tokio::test]
async fn cross_border_points_and_crown_dependencies_are_explained() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    // North Wales: the Welsh rule, but the nearest unit for a 17-year-old is in England, with
    // England's registry on it and a note saying so.
    let bangor = refer(&server, "q=LL&age=17").await;
    assert_eq!(bangor["pathway"]["nation"], "wales");
    assert_eq!(bangor["registry"]["nation"], "wales");
    let first = &bangor["results"][0];
    assert_eq!(first["centre"]["nation"], "england", "{bangor}");
    assert_eq!(first["registry"]["nation"], "england");
    let notes = bangor["notes"].to_string();
    assert!(notes.contains("is in England, not Wales"), "{notes}");

    // A bare point: the nation comes from the postcode areas around it, and the answer says so.
    let point = refer(&server, "lat=55.86&lon=-4.34&age=17").await;
    assert_eq!(point["pathway"]["nation"], "scotland");
    assert_eq!(point["location"]["nation"], "scotland");
    assert!(point["notes"].to_string().contains("postcode areas around"));
    // On the border at Gretna the areas disagree: the nearest area's nation is used, and said.
    let gretna = refer(&server, "lat=55.0&lon=-3.06&age=17").await;
    assert!(gretna["location"]["nation"].is_string(), "{gretna}");
    assert!(gretna["notes"]
        .to_string()
        .contains("nearest postcode area"));

    // Guernsey: not a UK nation; the English pattern is shown, with a note.
    let guernsey = refer(&server, "postcode=GY1%201AA&age=17").await;
    assert!(guernsey["location"]["nation"].is_null());
    assert!(guernsey["registry"].is_null());
    assert!(guernsey["notes"]
        .to_string()
        .contains("Guernsey, Jersey and the Isle of Man"));
    check_results(&guernsey, 17);
    server.stop().await;
}

#[tokio::test]
async fn bad_age_or_location_is_a_400_naming_the_parameter() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let cases = [
        ("postcode=LS9%207TF&age=-1", "age"),
        ("postcode=LS9%207TF&age=121", "age"),
        ("postcode=LS9%207TF&age=seventeen", "age"),
        ("postcode=LS9%207TF&age=16.5", "age"),
        ("postcode=LS9%207TF", "age"),
        ("age=17", "postcode"),
        ("postcode=NOT%20A%20CODE&age=17", "postcode"),
        ("postcode=LS9%207TF&age=17&limit=0", "limit"),
        ("postcode=LS9%207TF&age=17&colour=blue", "colour"),
    ];
    for (query, parameter) in cases {
        let (status, body) = server
            .get_problem(&format!("/api/v1/referrals/tya?{query}"))
            .await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(body["parameter"], parameter, "{query}: {body}");
        assert!(
            body["detail"].as_str().unwrap().contains(parameter),
            "{body}"
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn the_cli_gives_the_same_guidance() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let api = refer(&server, "postcode=BT9%207AB&age=19").await;
    server.stop().await;
    let cli = db
        .cli(&["refer", "--postcode", "bt97ab", "--age", "19", "--json"])
        .json();
    assert_eq!(cli["pathway"], api["pathway"]);
    assert_eq!(cli["results"], api["results"]);

    let text = db.cli(&["refer", "--postcode", "BT9 7AB", "--age", "19"]);
    assert_eq!(text.code, 0, "{text:?}");
    assert!(
        text.stdout.contains("Rule (Northern Ireland, ages 16-24)"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("Source: http"));
    assert!(text.stdout.contains("last verified 20"));
    assert!(text.stdout.contains("not a clinical decision"));
    assert!(text.stdout.contains(" 1. "));

    let bad = db.cli(&["refer", "--postcode", "BT9 7AB", "--age", "200"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("--age"), "{bad:?}");
}
