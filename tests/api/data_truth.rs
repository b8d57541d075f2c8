//! The shipped data against the lists it is checked against (data/reference/): every listed
//! site has a row, every website is on its organisation's own domains, and every row of the
//! family information belongs to a centre.

use std::collections::{HashMap, HashSet};

use crate::support::repo_path;

fn rows(file: &str) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(repo_path(file)).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn centres() -> HashMap<String, HashMap<String, String>> {
    rows("data/centres.csv")
        .into_iter()
        .map(|r| (r["id"].clone(), r))
        .collect()
}

#[test]
fn every_site_on_the_authoritative_lists_has_a_row() {
    let centres = centres();
    let mut missing = Vec::new();
    for list in [
        "radiotherapy_centres",
        "childrens_ptcs",
        "tya_ptcs",
        "tya_designated_hospitals",
    ] {
        let listed = rows(&format!("data/reference/{list}.csv"));
        assert!(!listed.is_empty(), "{list} is empty");
        for site in listed {
            assert!(
                site["source"].starts_with("http"),
                "{list}: {} has no source",
                site["site"]
            );
            assert_eq!(site["last_compared"].len(), 10, "{list}: {}", site["site"]);
            let ids: Vec<&str> = site["centre_ids"]
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            if ids.is_empty() || ids.iter().any(|id| !centres.contains_key(*id)) {
                missing.push(format!("{list}: {} ({})", site["site"], site["centre_ids"]));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "listed sites without a row:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_childrens_centres_of_every_nation_are_listed_including_aberdeen() {
    let listed = rows("data/reference/childrens_ptcs.csv");
    let nations: HashSet<&str> = listed.iter().map(|s| s["nation"].as_str()).collect();
    for nation in ["england", "scotland", "wales", "northern_ireland"] {
        assert!(nations.contains(nation), "{nation}");
    }
    let centres = centres();
    let scottish: Vec<&String> = listed
        .iter()
        .filter(|s| s["nation"] == "scotland")
        .map(|s| &s["centre_ids"])
        .collect();
    assert_eq!(scottish.len(), 3, "{scottish:?}");
    assert!(listed.iter().any(
        |s| s["town"] == "Aberdeen" && centres[&s["centre_ids"]]["tya_role"] == "childrens_ptc"
    ));
}

#[test]
fn every_website_is_on_its_organisations_own_domains() {
    let domains: HashMap<String, Vec<String>> = rows("data/reference/organisation_domains.csv")
        .into_iter()
        .map(|r| {
            (
                r["organisation"].clone(),
                r["domains"]
                    .split(';')
                    .filter(|d| !d.is_empty())
                    .map(str::to_string)
                    .collect(),
            )
        })
        .collect();
    let mut wrong = Vec::new();
    for (id, c) in centres() {
        if c["website"].is_empty() {
            continue;
        }
        let org = if c["organisation"].is_empty() {
            &c["hospital"]
        } else {
            &c["organisation"]
        };
        let host = c["website"]
            .split("://")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .unwrap()
            .to_string();
        let mut allowed = domains.get(org).cloned().unwrap_or_default();
        if c["kind"] == "tya_unit" {
            allowed.push("teenagecancertrust.org".into());
        }
        if !allowed
            .iter()
            .any(|d| host == *d || host.ends_with(&format!(".{d}")))
        {
            wrong.push(format!(
                "{id}: {host} is not a domain of {org} ({allowed:?})"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn family_information_belongs_to_centres_and_cites_every_value() {
    let centres = centres();
    let family = rows("data/family.csv");
    assert!(family.len() >= 100);
    for row in family {
        assert!(
            centres.contains_key(&row["centre_id"]),
            "{}",
            row["centre_id"]
        );
        for topic in [
            "accommodation",
            "parking",
            "public_transport",
            "travel_costs",
        ] {
            let (value, source) = (&row[topic], &row[&format!("{topic}_source")]);
            assert_eq!(
                value.is_empty(),
                source.is_empty(),
                "{} {topic}",
                row["centre_id"]
            );
        }
    }
}

#[test]
fn only_open_trials_are_offered_as_joinable() {
    let trials = rows("data/trials.csv");
    let topics = rows("data/treatment_topics.csv");
    let trials_topic = topics
        .iter()
        .find(|t| t["slug"].contains("trial"))
        .expect("a clinical trials topic");
    let body = format!("{} {}", trials_topic["summary"], trials_topic["body"]);
    for t in &trials {
        assert!(["open", "closed", "in_follow_up", "not_yet_open"].contains(&t["status"].as_str()));
        assert_eq!(t["status_checked"].len(), 10);
    }
    assert!(body.contains("Be Part of Research"), "{body}");
    for closed in trials.iter().filter(|t| t["status"] != "open") {
        // A closed trial may be mentioned, but never as one to join.
        for sentence in body.split('.') {
            if sentence.contains(closed["name"].as_str()) {
                assert!(
                    !sentence.to_lowercase().contains("you could join"),
                    "{}: {sentence}",
                    closed["name"]
                );
            }
        }
    }
}

#[test]
fn the_data_health_report_passes_on_the_shipped_data_and_names_a_broken_rule() {
    use crate::support::TestDb;
    let db = TestDb::sqlite();
    let out = db.cli(&["check-data", "--json"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let report = out.json();
    let datasets = report["datasets"].as_array().unwrap();
    let centres = datasets.iter().find(|d| d["dataset"] == "centres").unwrap();
    assert!(centres["rows"].as_u64().unwrap() >= 120);
    assert_eq!(centres["share_with_source"], 1.0);
    assert!(datasets.iter().any(|d| d["dataset"] == "family"));
    // The Welsh text: every topic has it, none is reviewed yet, and centres have no Welsh
    // columns.
    let topics = datasets
        .iter()
        .find(|d| d["dataset"] == "treatment")
        .unwrap();
    assert_eq!(topics["welsh"]["rows_with_welsh"], topics["rows"]);
    assert_eq!(topics["welsh"]["reviewed"], 0);
    assert!(centres.get("welsh").is_none());
    assert!(
        report["broken_rules"].as_array().unwrap().is_empty(),
        "{report}"
    );

    // A family row for a centre that does not exist breaks a rule: exit code 1, named.
    let family = "centre_id,travel_costs,travel_costs_source,last_verified\n\
        no-such-centre,Help is available.,https://www.nhs.uk/x,2026-12-07\n";
    let imported = db.import_stdin_with("family", family.as_bytes(), &[]);
    assert_eq!(imported.code, 0, "{}", imported.stderr);
    let out = db.cli(&["check-data"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out
        .stdout
        .contains("treatment: Welsh for 14 of 14 rows, 0 reviewed by a Welsh-speaking clinician"));
    assert!(out.stdout.contains("no-such-centre"), "{}", out.stdout);
}
