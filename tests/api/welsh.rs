//! The website and the API in Welsh: every page under `/cy/` with `lang="cy"`, `hreflang` both
//! ways and a language link that keeps the query; the catalogue's Welsh on the pages, in the
//! error summary and in answers asked for with `Accept-Language: cy` or `lang=cy`; the Welsh
//! columns of the datasets and their review state; and a tag per language.

use crate::support::{TestDb, TestServer};
use serde_json::Value;

async fn page(server: &TestServer, path: &str) -> (u16, String) {
    let response = server.get_with(path, &[("Accept", "text/html")]).await;
    let status = response.status().as_u16();
    assert_eq!(
        response.headers()["content-language"],
        if path.starts_with("/cy") {
            "cy"
        } else {
            "en-GB"
        },
        "{path}"
    );
    // Apostrophes are escaped in HTML text; Welsh has many.
    let html = response
        .text()
        .await
        .unwrap()
        .replace("&#39;", "'")
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    (status, html)
}

/// The `href` of every link and form action of a page.
fn targets(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for marker in ["href=\"", "action=\""] {
        for piece in html.split(marker).skip(1) {
            found.push(piece.split('"').next().unwrap().to_string());
        }
    }
    found
}

async fn json_in(
    server: &TestServer,
    path: &str,
    lang: &str,
) -> (reqwest::header::HeaderMap, Value) {
    let response = server.get_with(path, &[("Accept-Language", lang)]).await;
    let headers = response.headers().clone();
    (headers, response.json().await.unwrap())
}

/// English paths and their Welsh twins, with a query that must survive the language link.
const PAGES: &[&str] = &[
    "/",
    "/search?q=Leeds&kind=tya_unit",
    "/centres/cc-velindre",
    "/treatment",
    "/treatment/induction",
    "/registries",
    "/referral?q=Cardiff&age=17",
];

#[tokio::test]
async fn every_page_has_its_welsh_twin_linked_both_ways() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    for english in PAGES {
        let welsh = format!("/cy{english}");
        let (status, en) = page(&server, english).await;
        assert_eq!(status, 200, "{english}");
        let (status, cy) = page(&server, &welsh).await;
        assert_eq!(status, 200, "{welsh}");
        assert!(en.contains("<html lang=\"en-GB\">"), "{english}");
        assert!(cy.contains("<html lang=\"cy\">"), "{welsh}");
        // hreflang on both, naming both, with the query.
        for html in [&en, &cy] {
            assert!(
                html.contains(&format!("hreflang=\"cy\" href=\"{}{welsh}\"", server.base)),
                "{english}: no Welsh alternate"
            );
            assert!(
                html.contains(&format!(
                    "hreflang=\"en-GB\" href=\"{}{english}\"",
                    server.base
                )),
                "{english}: no English alternate"
            );
        }
        // The language link at the top goes to the same page in the other language.
        let switch = |html: &str| {
            let at = html
                .find("id=\"language-switch\"")
                .expect("a language link");
            let before = &html[..at];
            let href = before.rsplit("href=\"").next().unwrap();
            href.split('"').next().unwrap().to_string()
        };
        assert_eq!(switch(&en), welsh, "{english}");
        assert_eq!(switch(&cy), *english, "{welsh}");
        assert!(en.contains(">Cymraeg</a>") && cy.contains(">English</a>"));
        // The choice is kept: every link within the Welsh site stays Welsh.
        for target in targets(&cy) {
            let internal = target.starts_with('/') && !target.starts_with("//");
            let shared = ["/static/", "/favicon", "/docs/"]
                .iter()
                .any(|p| target.starts_with(p));
            let other_language = target == *english;
            if internal && !shared && !other_language {
                assert!(
                    target.starts_with("/cy/"),
                    "{welsh}: link {target} leaves Welsh"
                );
            }
        }
        // The frame is Welsh.
        assert!(cy.contains("Neidio i'r prif gynnwys"), "{welsh}");
        assert!(cy.contains("Gofal canser i bobl ifanc"), "{welsh}");
    }
    // `/cy` is the Welsh home page.
    let response = server.get("/cy").await;
    assert_eq!(response.status().as_u16(), 200, "redirected to /cy/");
    assert!(response.url().path().ends_with("/cy/"));
    server.stop().await;
}

#[tokio::test]
async fn welsh_pages_speak_welsh_and_say_what_is_not_yet_reviewed() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;

    let (_, html) = page(&server, "/cy/search?q=Leeds&kind=tya_unit&age=17").await;
    assert!(html.contains("Unedau TYA ger Leeds"), "{html}");
    assert!(html.contains(" milltir ("), "distances in milltir");
    assert!(html.contains("Yr agosaf yn gyntaf"));
    assert!(html.contains("Gwiriwyd ddiwethaf"));
    // Dates in Welsh.
    assert!([
        "Ionawr",
        "Chwefror",
        "Mawrth",
        "Ebrill",
        "Mai",
        "Mehefin",
        "Gorffennaf",
        "Awst",
        "Medi",
        "Hydref",
        "Tachwedd",
        "Rhagfyr"
    ]
    .iter()
    .any(|m| html.contains(m)));
    // Welsh place names are understood, and the heading keeps the name typed.
    let (status, html) = page(&server, "/cy/search?q=Wrecsam").await;
    assert_eq!(status, 200);
    assert!(html.contains("ger Wrecsam"), "{html}");
    let (status, html) = page(&server, "/cy/search?q=Abertawe&kind=cancer_centre").await;
    assert_eq!(status, 200);
    assert!(html.contains("Canolfannau canser ger Abertawe"));
    assert!(html.contains("Swansea"), "the nearest centre is in Swansea");

    // A treatment topic in Welsh, marked as not yet reviewed; the English page says nothing of it.
    let (_, cy) = page(&server, "/cy/treatment/induction").await;
    assert!(cy.contains("Anwytho"), "{cy}");
    assert!(cy.contains(
        "Nid yw'r testun Cymraeg hwn wedi'i adolygu eto gan glinigydd sy'n siarad Cymraeg"
    ));
    let (_, en) = page(&server, "/treatment/induction").await;
    assert!(!en.contains("Welsh-speaking clinician"));
    let (_, list) = page(&server, "/cy/treatment").await;
    assert!(list.contains("Nid yw'r testun Cymraeg hwn wedi'i adolygu eto"));

    // The registry of Wales by its Welsh name; referral guidance and its disclaimer in Welsh.
    let (_, html) = page(&server, "/cy/registries").await;
    assert!(html.contains("Uned Gwybodaeth a Gwyliadwriaeth Canser Cymru"));
    let (_, html) = page(&server, "/cy/referral?q=Caerdydd&age=17").await;
    assert!(
        html.contains("Canllawiau ar gyfer person 17 oed ger"),
        "{html}"
    );
    assert!(html.contains("Canllawiau yw'r rhain"), "the disclaimer");
    assert!(html.contains("Yng Nghymru, y corff sy'n cofnodi canserau yw"));

    // Text with no Welsh yet (a centre's family information) is marked as English.
    let (_, html) = page(&server, "/cy/centres/cc-velindre").await;
    assert!(html.contains("Canolfan ganser"));
    if html.contains("Cyrraedd yno ac aros gerllaw") {
        assert!(
            html.contains("<span lang=\"en-GB\">"),
            "English text is marked as such"
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn the_welsh_error_summary_and_not_found_page() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let (status, html) = page(&server, "/cy/search?q=&age=two").await;
    assert_eq!(status, 400);
    assert!(html.contains("<title>Gwall: Dod o hyd i ganolfan ganser neu uned TYA"));
    assert!(html.contains("Mae problem"));
    assert!(html.contains("<a href=\"#q\">Rhowch god post, tref neu ddinas</a>"));
    assert!(html.contains("Rhaid i'r oed fod yn rhif cyfan o 0 i 120, fel 17"));
    assert!(html.contains("value=\"two\""), "the input is kept");
    let (status, html) = page(&server, "/cy/search?q=Lougborough").await;
    assert_eq!(status, 404);
    assert!(html.contains("Ni allwn ddod o hyd i le o'r enw Lougborough"));
    assert!(html.contains("Oeddech chi'n golygu:"));
    assert!(
        html.contains("href=\"/cy/search?q=Loughborough"),
        "suggestions stay Welsh"
    );
    let (status, html) = page(&server, "/cy/lle-nad-yw-yn-bod").await;
    assert_eq!(status, 404);
    assert!(html.contains("<html lang=\"cy\">"));
    assert!(html.contains("Heb ddod o hyd i'r dudalen"));
    let (status, html) = page(&server, "/cy/centres/no-such-centre").await;
    assert_eq!(status, 404);
    assert!(html.contains("Heb ddod o hyd i'r dudalen"));
    server.stop().await;
}

#[tokio::test]
async fn the_api_answers_in_welsh_when_asked() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let path = "/api/v1/centres/nearest?q=Cardiff&limit=3";
    let (en_headers, en) = json_in(&server, path, "en-GB").await;
    let (cy_headers, cy) = json_in(&server, path, "cy-GB,cy;q=0.9,en;q=0.5").await;
    assert_eq!(en_headers["content-language"], "en-GB");
    assert_eq!(cy_headers["content-language"], "cy");
    for headers in [&en_headers, &cy_headers] {
        let vary: Vec<&str> = headers
            .get_all("vary")
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        assert!(
            vary.iter().any(|v| v.contains("Accept-Language")),
            "{vary:?}"
        );
    }
    // The same answer, in other words.
    assert_eq!(
        en["results"][0]["centre"]["id"],
        cy["results"][0]["centre"]["id"]
    );
    let services = cy["results"][0]["centre"]["services_plain"]
        .as_array()
        .unwrap();
    assert!(
        services
            .iter()
            .any(|s| s == "radiotherapi" || s == "cemotherapi"),
        "{services:?}"
    );
    assert_eq!(cy["registry"]["nation_name"], "Cymru");
    assert_eq!(
        cy["registry"]["name"],
        "Uned Gwybodaeth a Gwyliadwriaeth Canser Cymru"
    );
    assert_eq!(cy["registry"]["language"], "cy");
    assert_eq!(cy["registry"]["translation"]["reviewed"], false);
    assert!(en["registry"].get("translation").is_none());
    let topic = &cy["treatment"][0];
    assert_eq!(topic["language"], "cy");
    assert_ne!(topic["title"], en["treatment"][0]["title"]);
    assert!(topic["translation"]["note"]
        .as_str()
        .unwrap()
        .contains("Cymraeg"));
    // A tag per language: the English tag does not revalidate the Welsh answer.
    let en_tag = en_headers["etag"].to_str().unwrap().to_string();
    let cy_tag = cy_headers["etag"].to_str().unwrap().to_string();
    assert_ne!(en_tag, cy_tag);
    let again = server
        .get_with(
            path,
            &[("Accept-Language", "cy"), ("If-None-Match", &en_tag)],
        )
        .await;
    assert_eq!(again.status().as_u16(), 200);
    let again = server
        .get_with(
            path,
            &[("Accept-Language", "cy"), ("If-None-Match", &cy_tag)],
        )
        .await;
    assert_eq!(again.status().as_u16(), 304);
    // Asked again (from the answer cache), each language keeps its own words.
    let (_, en_again) = json_in(&server, path, "en").await;
    assert_eq!(en_again["registry"]["nation_name"], "Wales");

    // lang= in the query does the same, and wins over the header.
    let (headers, by_query) = json_in(&server, &format!("{path}&lang=cy"), "en").await;
    assert_eq!(headers["content-language"], "cy");
    assert_eq!(by_query["registry"]["nation_name"], "Cymru");
    let (headers, by_query) = json_in(&server, &format!("{path}&lang=en"), "cy").await;
    assert_eq!(headers["content-language"], "en-GB");
    assert_eq!(by_query["registry"]["nation_name"], "Wales");
    let (status, problem) = server.get_json(&format!("{path}&lang=fr")).await;
    assert_eq!(status, 400);
    assert_eq!(problem["parameter"], "lang");

    // Problems in Welsh, still naming the parameter.
    let (_, problem) = json_in(&server, "/api/v1/centres/nearest?postcode=12345", "cy").await;
    assert_eq!(problem["title"], "Cais gwallus");
    assert_eq!(problem["parameter"], "postcode");
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("nid yw'r postcode '12345' yn god post yn y DU"));
    let (_, problem) = json_in(&server, "/api/v1/centres/nearest?q=Lougborough", "cy").await;
    assert_eq!(problem["title"], "Heb ei ganfod");
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("oeddech chi'n golygu Loughborough"));

    // Notes, referral rules and topics.
    let (_, answer) = json_in(&server, "/api/v1/centres/nearest?postcode=CF14%204XW", "cy").await;
    assert!(
        answer["location"]["note"]
            .as_str()
            .unwrap()
            .contains("dosbarth cod post CF14"),
        "{}",
        answer["location"]
    );
    let (_, referral) = json_in(&server, "/api/v1/referrals/tya?postcode=CF14&age=17", "cy").await;
    assert_eq!(referral["pathway"]["language"], "cy");
    let (_, english) = json_in(&server, "/api/v1/referrals/tya?postcode=CF14&age=17", "en").await;
    assert_eq!(english["pathway"]["language"], "en");
    assert_eq!(referral["pathway"]["id"], english["pathway"]["id"]);
    assert_ne!(referral["pathway"]["rule"], english["pathway"]["rule"]);
    assert!(referral["pathway"]["rule"]
        .as_str()
        .unwrap()
        .contains("16 i 24 oed"));
    assert!(referral["disclaimer"]
        .as_str()
        .unwrap()
        .starts_with("Canllawiau"));
    // Open Referral UK and FHIR answers describe services in Welsh too.
    let (headers, oruk) = json_in(&server, "/oruk/services?per_page=5", "cy").await;
    assert_eq!(headers["content-language"], "cy");
    assert!(oruk.to_string().contains("Mae'n cynnig"), "{oruk}");
    let (_, fhir) = json_in(&server, "/fhir/HealthcareService?_count=5", "cy").await;
    assert!(
        fhir.to_string().contains("Yn derbyn pobl") || fhir.to_string().contains("oedran"),
        "{fhir}"
    );
    let (_, outcome) = json_in(&server, "/fhir/Location/dim-lle", "cy").await;
    assert!(
        outcome
            .to_string()
            .contains("nid yw Location/dim-lle yn hysbys"),
        "{outcome}"
    );
    let (_, fhir_en) = json_in(&server, "/fhir/HealthcareService?_count=5", "en").await;
    assert!(!fhir_en.to_string().contains("Yn derbyn pobl"));
    let (_, topics) = json_in(&server, "/api/v1/treatment/induction", "cy").await;
    assert!(topics["topic"]["title"]
        .as_str()
        .unwrap()
        .contains("Anwytho"));
    assert!(topics["topic"]["body"]
        .as_str()
        .unwrap()
        .contains("cemotherapi"));
    server.stop().await;
}

/// The file without the named columns.
fn without_columns(csv: &str, names: &[&str]) -> Vec<u8> {
    let mut reader = ::csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let keep: Vec<usize> = (0..header.len())
        .filter(|i| !names.contains(&header[*i].as_str()))
        .collect();
    let mut out = ::csv::Writer::from_writer(Vec::new());
    out.write_record(keep.iter().map(|i| &header[*i])).unwrap();
    for record in reader.records() {
        let record = record.unwrap();
        out.write_record(keep.iter().map(|i| &record[*i])).unwrap();
    }
    out.into_inner().unwrap()
}

#[test]
fn welsh_columns_are_checked_on_import_and_the_file_round_trips() {
    let db = TestDb::sqlite();
    let shipped = crate::support::shipped_text("referral_rules.csv");
    // The shipped file imports as it is (dry run), Welsh and all.
    let out = db.import_stdin_with("referral_rules", shipped.as_bytes(), &["--dry-run"]);
    assert_eq!(out.code, 0, "{out:?}");

    // A row with Welsh must say whether it is reviewed.
    let mut reader = ::csv::Reader::from_reader(shipped.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let review = header.iter().position(|h| h == "welsh_review").unwrap();
    let rule_cy = header.iter().position(|h| h == "rule_cy").unwrap();
    let details = header.iter().position(|h| h == "details").unwrap();
    // Line 3 (the second rule) with one cell changed.
    let edit = |column: usize, value: &str| {
        let mut out = ::csv::Writer::from_writer(Vec::new());
        out.write_record(&header).unwrap();
        for (i, record) in ::csv::Reader::from_reader(shipped.as_bytes())
            .records()
            .enumerate()
        {
            let mut cells: Vec<String> = record.unwrap().iter().map(String::from).collect();
            if i == 1 {
                cells[column] = value.to_string();
            }
            out.write_record(&cells).unwrap();
        }
        out.into_inner().unwrap()
    };
    let cases = [
        (
            "no review",
            review,
            "",
            format!("line 3, column {} (welsh_review): is empty", review + 1),
        ),
        (
            "no Welsh rule",
            rule_cy,
            "",
            format!("line 3, column {} (rule_cy): is empty", rule_cy + 1),
        ),
        (
            "Welsh details without English",
            details,
            "",
            "(details_cy): has Welsh text but details is empty".to_string(),
        ),
        (
            "unknown review",
            review,
            "maybe",
            "unknown welsh_review 'maybe'; allowed: reviewed, not_reviewed".to_string(),
        ),
    ];
    for (what, column, value, expected) in cases {
        let out = db.import_stdin("referral_rules", edit(column, value));
        assert_eq!(out.code, 2, "{what}: {out:?}");
        assert!(
            out.stderr.contains(&expected),
            "{what}: «{expected}» not in {}",
            out.stderr
        );
        assert!(out.stderr.contains("nothing was changed"), "{}", out.stderr);
    }

    // The export writes the Welsh columns back.
    let out = db.cli(&["export", "referral_rules"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out
        .stdout
        .lines()
        .next()
        .unwrap()
        .contains("rule_cy,details_cy,welsh_review"));
}

#[tokio::test]
async fn text_with_no_welsh_yet_is_shown_in_english_and_said_to_be() {
    let db = TestDb::sqlite();
    let topics = crate::support::shipped_text("treatment_topics.csv");
    let english_only = without_columns(
        &topics,
        &["title_cy", "summary_cy", "body_cy", "welsh_review"],
    );
    let out = db.import_stdin("treatment", english_only);
    assert_eq!(out.code, 0, "{out:?}");
    let server = TestServer::start(&db).await;
    let (status, html) = page(&server, "/cy/treatment/induction").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<div lang=\"en-GB\">"),
        "the English text is marked as English"
    );
    assert!(html.contains("Induction"));
    assert!(html.contains("Nid oes fersiwn Gymraeg o'r testun hwn eto"));
    let (_, answer) = json_in(&server, "/api/v1/treatment/induction", "cy").await;
    assert_eq!(answer["topic"]["language"], "en");
    assert_eq!(answer["topic"]["translation"]["reviewed"], false);
    server.stop().await;
}
