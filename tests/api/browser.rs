//! The website in a real browser: headless Chromium driven over WebDriver (chromedriver), with
//! an axe-core accessibility scan of the main pages and screenshots at phone and desktop widths
//! written to docs/screenshots/.
//!
//! Needs `chromium` and `chromium-driver` (Debian packages) and `npm ci --prefix tests/browser`
//! for axe-core. Without them the tests say SKIPPED, unless REQUIRE_BROWSER=1 (as CI sets).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::support::{self, free_port, repo_path, TestDb, TestServer};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

fn axe_path() -> PathBuf {
    repo_path("tests/browser/node_modules/axe-core/axe.min.js")
}

/// A headless browser and its driver process (killed on drop).
struct Browser {
    client: Client,
    driver: Child,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn skip(why: &str) -> Option<Browser> {
    support::skip("REQUIRE_BROWSER", "browser test", why);
    None
}

async fn browser(width: u32, height: u32) -> Option<Browser> {
    let driver_bin = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| CHROMEDRIVER.to_string());
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| CHROMIUM.to_string());
    if !Path::new(&driver_bin).exists() || !Path::new(&chromium).exists() {
        return skip(&format!(
            "{driver_bin} or {chromium} is missing (apt-get install chromium chromium-driver)"
        ));
    }
    if !axe_path().exists() {
        return skip("axe-core is missing (npm ci --prefix tests/browser)");
    }
    let port = free_port();
    let driver = Command::new(&driver_bin)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".to_string(),
        json!({
            "binary": chromium,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
                format!("--window-size={width},{height}"),
            ]
        }),
    );
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&url)
        .await
        .expect("connect to chromedriver");
    client
        .set_window_size(width, height)
        .await
        .expect("window size");
    Some(Browser { client, driver })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_typed_and_submitted_shows_results_in_order() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let Some(b) = browser(1280, 900).await else {
        server.stop().await;
        return;
    };
    let c = &b.client;
    c.goto(&format!("{}/", server.base)).await.unwrap();
    assert_eq!(
        c.title().await.unwrap(),
        "Find a cancer centre or TYA unit – Cancer care for young people"
    );
    c.find(Locator::Id("q"))
        .await
        .unwrap()
        .send_keys("LS9 7TF")
        .await
        .unwrap();
    c.find(Locator::Css("label[for=kind-tya]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Id("results"))
        .await
        .expect("results appear");
    assert!(c
        .current_url()
        .await
        .unwrap()
        .as_str()
        .contains("/search?q=LS9+7TF"));
    let mut km = Vec::new();
    for d in c
        .find_all(Locator::Css("#results .distance"))
        .await
        .unwrap()
    {
        km.push(
            d.attr("data-km")
                .await
                .unwrap()
                .unwrap()
                .parse::<f64>()
                .unwrap(),
        );
    }
    assert!(km.len() >= 5, "{km:?}");
    assert!(km.windows(2).all(|w| w[0] <= w[1]), "not in order: {km:?}");
    let first = c
        .find(Locator::Css("#results .result"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(first.contains("Leeds"), "{first}");
    assert!(first.contains("miles"), "{first}");
    b.client.clone().close().await.unwrap();
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_a_town_offers_places_and_choosing_one_searches_there() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let Some(b) = browser(1280, 900).await else {
        server.stop().await;
        return;
    };
    let c = &b.client;
    c.goto(&format!("{}/", server.base)).await.unwrap();
    let q = c.find(Locator::Id("q")).await.unwrap();
    q.send_keys("lough").await.unwrap();
    c.wait()
        .for_element(Locator::Css("#place-suggestions option"))
        .await
        .expect("suggestions appear");
    let first = c
        .find(Locator::Css("#place-suggestions option"))
        .await
        .unwrap()
        .attr("value")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first, "Loughborough, Leicestershire");
    assert_eq!(
        q.attr("list").await.unwrap().as_deref(),
        Some("place-suggestions")
    );
    // Choosing it fills the box; the search understands the qualified name.
    q.clear().await.unwrap();
    q.send_keys(&first).await.unwrap();
    c.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Id("results"))
        .await
        .expect("results appear");
    let heading = c
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(heading, "Cancer centres and TYA units near Loughborough");
    b.client.clone().close().await.unwrap();
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_submitted_empty_focuses_an_error_summary_whose_link_leads_to_the_field() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let Some(b) = browser(1280, 900).await else {
        server.stop().await;
        return;
    };
    let c = &b.client;
    // Submitted empty: the error summary is shown and has the focus; the field says why.
    c.goto(&format!("{}/", server.base)).await.unwrap();
    c.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let summary = c
        .wait()
        .for_element(Locator::Id("error-summary"))
        .await
        .unwrap();
    assert!(summary.is_displayed().await.unwrap());
    let text = summary.text().await.unwrap();
    assert!(text.contains("There is a problem"), "{text}");
    assert!(text.contains("Enter a postcode, town or city"), "{text}");
    let focused = c
        .execute("return document.activeElement.id;", vec![])
        .await
        .unwrap();
    assert_eq!(focused, json!("error-summary"));
    let beside = c
        .find(Locator::Id("q-error"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(beside.contains("Enter a postcode, town or city"));
    // Following the summary's link leads to the field.
    c.find(Locator::Css("#error-summary a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(c.current_url().await.unwrap().as_str().ends_with("#q"));
    b.client.clone().close().await.unwrap();
    server.stop().await;
}

/// The text of the first element `css` finds.
async fn text_of(c: &Client, css: &str) -> String {
    c.wait()
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_welsh_a_search_an_error_summary_and_referral_guidance() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let Some(b) = browser(1280, 900).await else {
        server.stop().await;
        return;
    };
    let c = &b.client;
    // From the English home page, the language link leads to the Welsh one.
    c.goto(&format!("{}/", server.base)).await.unwrap();
    c.find(Locator::Id("language-switch"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("html[lang=cy]"))
        .await
        .unwrap();
    assert_eq!(c.current_url().await.unwrap().path(), "/cy/");
    assert_eq!(
        c.title().await.unwrap(),
        "Dod o hyd i ganolfan ganser neu uned TYA – Gofal canser i bobl ifanc"
    );
    let lang = c
        .execute("return document.documentElement.lang;", vec![])
        .await
        .unwrap();
    assert_eq!(lang, json!("cy"));

    // Submitted empty: the Welsh error summary has the focus and leads to the field.
    c.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let summary = text_of(c, "#error-summary").await;
    assert!(summary.contains("Mae problem"), "{summary}");
    assert!(
        summary.contains("Rhowch god post, tref neu ddinas"),
        "{summary}"
    );
    let focused = c
        .execute("return document.activeElement.id;", vec![])
        .await
        .unwrap();
    assert_eq!(focused, json!("error-summary"));
    c.find(Locator::Css("#error-summary a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(c.current_url().await.unwrap().as_str().ends_with("#q"));

    // A Welsh place name, searched from the Welsh form, answers in Welsh and stays Welsh.
    c.find(Locator::Id("q"))
        .await
        .unwrap()
        .send_keys("Abertawe")
        .await
        .unwrap();
    c.find(Locator::Css("label[for=kind-centre]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Id("results")).await.unwrap();
    assert_eq!(text_of(c, "h1").await, "Canolfannau canser ger Abertawe");
    let url = c.current_url().await.unwrap();
    assert_eq!(url.path(), "/cy/search");
    let first = text_of(c, "#result-1 .result-title").await;
    assert!(
        first.contains("Singleton") || first.contains("South West Wales"),
        "{first}"
    );
    let distance = text_of(c, "#result-1 .distance").await;
    assert!(distance.contains("milltir"), "{distance}");
    // The same results in English, the query kept.
    c.find(Locator::Id("language-switch"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Id("results")).await.unwrap();
    assert_eq!(c.current_url().await.unwrap().path(), "/search");
    assert!(text_of(c, "h1").await.starts_with("Cancer centres near"));

    // Referral guidance in Welsh.
    c.goto(&format!("{}/cy/referral", server.base))
        .await
        .unwrap();
    c.find(Locator::Id("q"))
        .await
        .unwrap()
        .send_keys("Caerdydd")
        .await
        .unwrap();
    c.find(Locator::Id("age"))
        .await
        .unwrap()
        .send_keys("17")
        .await
        .unwrap();
    c.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let heading = text_of(c, "#pathway-heading").await;
    assert!(
        heading.starts_with("Canllawiau ar gyfer person 17 oed ger"),
        "{heading}"
    );
    let rule = text_of(c, ".pathway-rule").await;
    assert!(rule.contains("16 i 24 oed"), "{rule}");
    let note = text_of(c, ".pathway .translation-note").await;
    assert!(
        note.contains("Nid yw'r testun Cymraeg hwn wedi'i adolygu eto"),
        "{note}"
    );
    b.client.clone().close().await.unwrap();
    server.stop().await;
}

/// The main pages and what to call their screenshots.
const PAGES: &[(&str, &str)] = &[
    ("home", "/"),
    ("results", "/search?q=LS9+7TF&kind=tya_unit&age=17"),
    ("error", "/search?q="),
    ("centre", "/centres/tya-christie"),
    ("treatment", "/treatment"),
    ("topic", "/treatment/all-overview"),
    ("registries", "/registries"),
    ("referral", "/referral?q=BT9+7AB&age=19"),
    ("place", "/search?q=Newport&kind=tya_unit"),
    ("unknown-place", "/search?q=Lougborough"),
    ("near-you", "/search?lat=53.993&lon=-1.539"),
    ("cy-home", "/cy/"),
    ("cy-results", "/cy/search?q=Caerdydd&kind=tya_unit&age=17"),
    ("cy-error", "/cy/search?q="),
    ("cy-centre", "/cy/centres/cc-velindre"),
    ("cy-treatment", "/cy/treatment"),
    ("cy-topic", "/cy/treatment/induction"),
    ("cy-registries", "/cy/registries"),
    ("cy-referral", "/cy/referral?q=CF14+4XW&age=17"),
    ("cy-unknown-place", "/cy/search?q=Lougborough"),
    ("cy-not-found", "/cy/tudalen-nad-yw-yn-bod"),
];

/// The serious and critical axe-core violations of the page now open.
async fn axe_violations(c: &Client, axe: &str) -> Vec<Value> {
    c.execute(axe, vec![]).await.expect("load axe-core");
    let result = c
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               axe.run(document, { resultTypes: ['violations'] })
                 .then(r => done(r.violations
                    .filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => ({ id: v.id, impact: v.impact, help: v.help,
                                 nodes: v.nodes.map(n => n.target.join(' ')) }))))
                 .catch(e => done([{ id: 'axe-error', help: String(e) }]));"#,
            vec![],
        )
        .await
        .expect("run axe-core");
    result.as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn main_pages_pass_axe_fit_320px_and_are_screenshotted() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let Some(desktop) = browser(1280, 900).await else {
        server.stop().await;
        return;
    };
    let axe = std::fs::read_to_string(axe_path()).unwrap();
    let shots = repo_path("docs/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let mut failures = Vec::new();
    for (name, path) in PAGES {
        desktop
            .client
            .goto(&format!("{}{path}", server.base))
            .await
            .unwrap();
        let violations = axe_violations(&desktop.client, &axe).await;
        if !violations.is_empty() {
            failures.push(format!("{path}: {}", Value::from(violations)));
        }
        if matches!(
            *name,
            "home" | "results" | "centre" | "referral" | "error" | "cy-results"
        ) {
            let png = desktop.client.screenshot().await.unwrap();
            std::fs::write(shots.join(format!("{name}-desktop.png")), png).unwrap();
        }
    }
    assert!(
        failures.is_empty(),
        "axe-core found:\n{}",
        failures.join("\n")
    );
    desktop.client.clone().close().await.unwrap();
    drop(desktop);

    // At 320 px (a small phone, or 1280 px at 400% zoom) nothing scrolls sideways.
    let Some(phone) = browser(320, 720).await else {
        server.stop().await;
        return;
    };
    for (name, path) in PAGES {
        phone
            .client
            .goto(&format!("{}{path}", server.base))
            .await
            .unwrap();
        let fits = phone
            .client
            .execute(
                "return document.documentElement.scrollWidth <= window.innerWidth + 1;",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(fits, json!(true), "{path} scrolls sideways at 320 px");
        if matches!(*name, "home" | "results" | "centre" | "referral" | "error") {
            let png = phone.client.screenshot().await.unwrap();
            std::fs::write(shots.join(format!("{name}-phone.png")), png).unwrap();
        }
    }
    phone.client.clone().close().await.unwrap();
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_results_print_as_a_handout_with_the_map_and_where_they_came_from() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let Some(b) = browser(1280, 900).await else {
        server.stop().await;
        return;
    };
    let pdftotext = "/usr/bin/pdftotext";
    if !Path::new(pdftotext).exists() {
        support::skip(
            "REQUIRE_BROWSER",
            "print test",
            "pdftotext is missing (apt-get install poppler-utils)",
        );
        server.stop().await;
        return;
    }
    let c = &b.client;
    let path = "/search?q=Leeds&kind=tya_unit";
    c.goto(&format!("{}{path}", server.base)).await.unwrap();
    let pdf = c
        .print(fantoccini::wd::PrintConfiguration::default())
        .await
        .expect("print to PDF");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("results.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let out = Command::new(pdftotext)
        .arg(&file)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).replace('\n', " ");
    assert!(text.contains("TYA units near Leeds"), "{text}");
    assert!(text.contains("Leeds General Infirmary"), "{text}");
    assert!(
        text.contains(&format!("Printed from {}{path}", server.base)),
        "{text}"
    );
    assert!(text.contains("last changed on"), "{text}");
    // Link addresses are printed after their links; no navigation or form.
    assert!(
        text.contains("(https://www.openstreetmap.org/directions"),
        "{text}"
    );
    assert!(!text.contains("How far are you able to travel"), "{text}");
    assert!(!text.contains("Find a centre"), "{text}");
    // The first printed page, for the README.
    let shots = repo_path("docs/screenshots");
    let _ = Command::new("/usr/bin/pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&file)
        .arg(shots.join("results-print"))
        .status();
    b.client.clone().close().await.unwrap();
    server.stop().await;
}
