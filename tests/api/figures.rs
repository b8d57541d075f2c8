//! Registry figures: validated import, the latest matching figures beside the registry in every
//! location answer, a nation without a figure, and `/api/v1/registries/{nation}/statistics`.

use serde_json::Value;

use crate::support::{shipped_text, TestDb, TestServer, STATS_HEADER};

fn figure<'a>(registry: &'a Value, answers: &str) -> Option<&'a Value> {
    registry["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["answers"] == answers)
}

#[tokio::test]
async fn answers_carry_the_latest_figures_that_match_the_question() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;

    // England: 2022 is newer than 2021 for all cancers; age 17 picks the 15-24 band.
    let (_, answer) = server
        .get_json("/api/v1/centres/nearest?postcode=LS9%207TF&age=17&condition=acute_lymphoblastic_leukaemia")
        .await;
    let registry = &answer["registry"];
    assert_eq!(registry["nation"], "england");
    let all = figure(registry, "all_cancers").expect("all cancers figure");
    assert_eq!(all["period"], "2022");
    assert_eq!(all["value"], 346217.0);
    assert_eq!(all["sex"], "all");
    assert!(all["source"].as_str().unwrap().starts_with("http"));
    let band = figure(registry, "age_band").expect("age band figure");
    assert_eq!(band["age_band"], "15-24");
    // No ALL figure for England in the shipped data: the answer says so.
    assert!(figure(registry, "condition").is_none());
    let missing = registry["figures_missing"].to_string();
    assert!(
        missing.contains("no published figure for acute lymphoblastic leukaemia in England"),
        "{missing}"
    );

    // Northern Ireland: all cancers falls back to the figure without non-melanoma skin
    // cancer; a child of 9 gets the 0-14 band; the referral answer carries the same.
    let (_, referral) = server
        .get_json("/api/v1/referrals/tya?postcode=BT9%207AB&age=9")
        .await;
    let registry = &referral["registry"];
    assert_eq!(
        figure(registry, "all_cancers").unwrap()["cancer"],
        "all_cancers_excl_nmsc"
    );
    let band = figure(registry, "age_band").unwrap();
    assert_eq!(band["age_band"], "0-14");
    // The 2016-2020 average (49), not the earlier 2013-2017 one (51).
    assert_eq!(band["period"], "2016-2020");
    assert_eq!(band["value"], 49.0);

    // Wales publishes nothing for children in our data.
    let (_, wales) = server
        .get_json("/api/v1/centres/nearest?postcode=CF14%204XW&age=9")
        .await;
    assert!(figure(&wales["registry"], "age_band").is_none());
    assert!(wales["registry"]["figures_missing"]
        .to_string()
        .contains("no published figure for people aged 9 in Wales"));
    // Wales' newest total leaves out non-melanoma skin cancer and is newer than any figure
    // that counts every cancer, so it is the one shown; its number is only "just over
    // 21,000" in the release, so it says so.
    let all = figure(&wales["registry"], "all_cancers").unwrap();
    assert_eq!(all["cancer"], "all_cancers_excl_nmsc");
    assert_eq!(all["period"], "2022");
    assert!(
        all["unverified"]
            .as_array()
            .unwrap()
            .contains(&"value".into()),
        "{all}"
    );
    let (_, page) = server.get_text("/registries").await;
    assert!(
        page.contains("Not yet confirmed: which cancers it counts, the number."),
        "registries page"
    );
    let (_, page) = server.get_text("/cy/registries").await;
    assert!(
        page.contains("Heb ei gadarnhau eto: pa ganserau y mae&#39;n eu cyfrif, y nifer."),
        "Welsh registries page"
    );

    // Without a question, only the all-cancers figure; the registries list carries it too.
    let (_, plain) = server.get_json("/api/v1/geocode?q=G51%204TF").await;
    let figures = plain["registry"]["figures"].as_array().unwrap();
    assert_eq!(figures.len(), 1);
    assert_eq!(figures[0]["value"], 36036.0);
    let (_, list) = server.get_json("/api/v1/registries").await;
    for r in list["results"].as_array().unwrap() {
        assert_eq!(r["figures"].as_array().unwrap().len(), 1, "{r}");
    }

    // A newer figure imported: answers show it once the directory reloads.
    let mut stats = shipped_text("registry_stats.csv");
    stats.push_str("england,2023,all_cancers,all_ages,all,new_cases_per_year,350000,Test figure.,https://example.org/test,2026-11-28,\n");
    let out = db.import_stdin("registry_stats", &stats);
    assert_eq!(out.code, 0, "{out:?}");
    server.reload();
    let (_, after) = server
        .get_json("/api/v1/centres/nearest?postcode=LS9%207TF")
        .await;
    let all = figure(&after["registry"], "all_cancers").unwrap();
    assert_eq!(all["period"], "2023");
    assert_eq!(all["value"], 350000.0);
    server.stop().await;
}

#[tokio::test]
async fn statistics_endpoint_filters_and_names_bad_parameters() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let (status, body) = server
        .get_json("/api/v1/registries/scotland/statistics")
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["registry"], "Scottish Cancer Registry");
    let results = body["results"].as_array().unwrap();
    assert_eq!(body["total"], results.len());
    let years: Vec<&str> = results
        .iter()
        .map(|r| r["period"].as_str().unwrap())
        .collect();
    let mut sorted = years.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(years, sorted, "newest first");

    let (_, band) = server
        .get_json("/api/v1/registries/scotland/statistics?age_band=15-24&cancer=all_cancers")
        .await;
    assert_eq!(band["total"], 1, "{band}");
    assert_eq!(band["results"][0]["value"], 186.0);
    let (_, year) = server
        .get_json("/api/v1/registries/scotland/statistics?period=2013")
        .await;
    assert_eq!(year["results"][0]["value"], 32384.0);
    let (_, none) = server
        .get_json("/api/v1/registries/wales/statistics?cancer=leukaemia")
        .await;
    assert_eq!(none["total"], 0);
    assert!(none["message"].as_str().unwrap().contains("Wales"));

    for (query, parameter) in [
        ("age_band=teenagers", "age_band"),
        ("period=22", "period"),
        ("cancer=flu", "cancer"),
        ("sex=female", "sex"),
    ] {
        let (status, body) = server
            .get_problem(&format!("/api/v1/registries/england/statistics?{query}"))
            .await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(body["parameter"], parameter, "{query}: {body}");
    }
    let (status, _) = server
        .get_json("/api/v1/registries/mercia/statistics")
        .await;
    assert_eq!(status, 404);
    server.stop().await;
}

#[test]
fn bad_figures_are_rejected_with_line_and_column() {
    let db = TestDb::sqlite();
    let cases = [
        (
            "england,2022,flu,all_ages,all,new_cases_per_year,5,https://example.org,2026-11-28",
            "line 2, column 3 (cancer): unknown cancer 'flu'",
        ),
        (
            "mercia,2022,all_cancers,all_ages,all,new_cases_per_year,5,https://example.org,2026-11-28",
            "line 2, column 1 (nation): unknown nation 'mercia'",
        ),
        (
            "england,2022,all_cancers,all_ages,all,cases,5,https://example.org,2026-11-28",
            "line 2, column 6 (measure): unknown measure 'cases'",
        ),
        (
            "england,2022,all_cancers,all_ages,all,new_cases_per_year,-1,https://example.org,2026-11-28",
            "line 2, column 7 (value): -1 is negative",
        ),
        (
            "england,2022,all_cancers,teens,all,new_cases_per_year,5,https://example.org,2026-11-28",
            "line 2, column 4 (age_band): 'teens' is not an age band",
        ),
        (
            "england,2017-2013,all_cancers,all_ages,all,new_cases_per_year,5,https://example.org,2026-11-28",
            "line 2, column 2 (period): '2017-2013' is not a period",
        ),
    ];
    for (row, expected) in cases {
        let file = format!("{STATS_HEADER}\n{row}\n");
        let out = db.import_stdin("registry_stats", &file);
        assert_eq!(out.code, 2, "{row}");
        assert!(out.stderr.contains(expected), "{expected}\n{}", out.stderr);
    }
    let row =
        "england,2022,all_cancers,all_ages,all,new_cases_per_year,5,https://example.org,2026-11-28";
    let file = format!("{STATS_HEADER}\n{row}\n{row}\n");
    let out = db.import_stdin("registry_stats", &file);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("line 3"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("england/2022/all_cancers/all_ages/all/new_cases_per_year"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_registrys_own_download_is_read_as_published_and_a_partial_one_refused() {
    let db = crate::support::TestDb::sqlite();
    let fixture = crate::support::repo_path(
        "tests/fixtures/registries/phs_opendata_inc1519comb_hb_extract.csv",
    );
    let before = db.cli(&["export", "registry_stats"]).stdout;
    let out = db.cli(&["import", "registry_stats", fixture.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("holds 3 of Scotland's 12 areas"),
        "{}",
        out.stderr
    );
    assert_eq!(
        db.cli(&["export", "registry_stats"]).stdout,
        before,
        "nothing changed"
    );

    // The Scotland-level file, as published: its figures join the dataset, the rest stays.
    let fixture = crate::support::repo_path(
        "tests/fixtures/registries/phs_opendata_inc9721_scotland_extract.csv",
    );
    let out = db.cli(&["import", "registry_stats", fixture.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let after = db.cli(&["export", "registry_stats"]).stdout;
    assert!(
        after.lines().any(|l| l.starts_with(
            "scotland,2021,all_cancers_excl_nmsc,all_ages,female,new_cases_per_year,17779,"
        ) && l
            .contains("https://www.opendata.nhs.scot/dataset/annual-cancer-incidence")),
        "{after}"
    );
    for line in before.lines().skip(1) {
        assert!(after.contains(line), "kept: {line}");
    }
}
