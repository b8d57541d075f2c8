//! The website over HTTP, without a browser: pages, search results in order, the error summary
//! and messages beside the fields, kept input, escaping, and HTML 404s. (The `browser` module
//! drives a real browser.)

use crate::support::{shipped_text, TestDb, TestServer};

async fn page(server: &TestServer, path: &str) -> (u16, String) {
    let response = server.get_with(path, &[("Accept", "text/html")]).await;
    let status = response.status().as_u16();
    if status != 304 {
        let kind = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(kind.starts_with("text/html"), "{path}: {kind}");
    }
    (status, response.text().await.unwrap())
}

/// The `data-km` distances of the results, in page order.
fn distances(html: &str) -> Vec<f64> {
    html.split("data-km=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().parse().unwrap())
        .collect()
}

fn count(html: &str, needle: &str) -> usize {
    html.matches(needle).count()
}

#[tokio::test]
async fn the_search_page_is_accessible_html() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let (status, html) = page(&server, "/").await;
    assert_eq!(status, 200);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<html lang=\"en-GB\">"));
    assert!(html.contains("<a class=\"skip-link\" href=\"#main\">Skip to main content</a>"));
    assert!(html.contains("<main id=\"main\""));
    assert_eq!(count(&html, "<h1"), 1);
    assert!(html.contains("<label class=\"label\" for=\"q\">Postcode, town or city</label>"));
    assert!(html.contains("<label class=\"label\" for=\"age\">"));
    assert!(html.contains("<legend class=\"label\">What are you looking for?</legend>"));
    assert!(html.contains("name=\"viewport\""));
    // No inline scripts or styles: the one script is a file, loaded after the page.
    assert!(!html.contains("<script>"));
    assert!(!html.contains("style="));
    let (status, css) = server.get_text("/static/site.css").await;
    assert_eq!(status, 200);
    assert!(css.contains(".error-summary"));
    server.stop().await;
}

#[tokio::test]
async fn search_results_are_in_order_with_everything_a_patient_needs() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let (status, html) = page(&server, "/search?q=ls9+7tf&kind=tya_unit&age=17").await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("<h1>TYA units near ls9 7tf</h1>") || html.contains("TYA units near LS9 7TF"),
        "{html}"
    );
    let km = distances(&html);
    assert!(km.len() >= 5, "{km:?}");
    assert!(km.windows(2).all(|w| w[0] <= w[1]), "not in order: {km:?}");
    // The first result is in Leeds; every result shows miles and km, ages, services, a
    // directions link and when it was last checked.
    let first = html.split("<li class=\"result\"").nth(1).unwrap();
    assert!(first.contains("Leeds"), "{first}");
    assert!(first.contains(" miles (") && first.contains(" km)"));
    assert!(first.contains("<dt>Ages</dt>"));
    assert!(first.contains("<dt>Services</dt>"));
    assert!(first.contains("https://www.openstreetmap.org/directions?"));
    assert!(first.contains("<dt>Last checked</dt><dd><time datetime=\"20"));
    assert!(first.contains("href=\"tel:"));
    // District precision is said plainly; treatment and registry panels follow.
    assert!(
        html.contains("Located to the centre of the LS9 postcode district"),
        "{html}"
    );
    assert!(html.contains("About treatment for acute lymphoblastic leukaemia"));
    assert!(html.contains("href=\"/treatment/all-overview\""));
    assert!(html.contains("Who records this cancer"));
    assert!(html.contains("National Disease Registration Service"));
    assert!(html.contains("<th scope=\"col\">Period</th>"));
    // The form is shown again with the search kept.
    assert!(html.contains("value=\"ls9 7tf\""));
    assert!(html.contains("value=\"tya_unit\" checked"));
    assert!(html.contains("value=\"17\""));

    // A distance limit: only places within it, and the choice is kept.
    let (status, near) = page(&server, "/search?q=LS9+7TF&kind=tya_unit&within=25").await;
    assert_eq!(status, 200);
    let km = distances(&near);
    assert!(
        !km.is_empty() && km.iter().all(|d| *d <= 25.0 * 1.609_344),
        "{km:?}"
    );
    assert!(near.contains("<option value=\"25\" selected>Within 25 miles</option>"));
    let (status, far) = page(&server, "/search?q=Truro&kind=tya_unit&within=10").await;
    assert_eq!(status, 200);
    assert!(
        far.contains(
            "No centres match within 16.1 km (10 miles). Try a larger distance or fewer filters."
        ),
        "{far}"
    );
    let (status, bad) = page(&server, "/search?q=Leeds&within=3000").await;
    assert_eq!(status, 400);
    assert!(bad.contains("Select how far you are able to travel"));

    // Nothing matches: said kindly, not as an error.
    let (status, none) = page(&server, "/search?q=LS9+7TF&kind=tya_unit&age=90").await;
    assert_eq!(status, 200);
    assert!(none.contains("No centres match these filters. Try fewer filters."));
    server.stop().await;
}

#[tokio::test]
async fn errors_are_summarised_shown_by_the_field_and_the_input_is_kept() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let cases = [
        (
            "/search?q=&kind=",
            400,
            "Enter a postcode, town or city",
            "value=\"\"",
        ),
        (
            "/search?q=LS9+7T%21",
            400,
            "Enter a real postcode, like LS9 7TF",
            "value=\"LS9 7T!\"",
        ),
        (
            "/search?q=ZZ9+9ZZ",
            404,
            "We can&#39;t find the postcode ZZ9 9ZZ. Check it and try again",
            "value=\"ZZ9 9ZZ\"",
        ),
        (
            "/search?q=Nowhereville",
            404,
            "We can&#39;t find a place called Nowhereville. Enter a postcode, town or city",
            "value=\"Nowhereville\"",
        ),
        (
            "/search?q=Leeds&age=old",
            400,
            "Age must be a whole number from 0 to 120, like 17",
            "value=\"old\"",
        ),
        (
            "/referral?q=&age=",
            400,
            "Enter the patient&#39;s postcode, town or city",
            "Enter the young person&#39;s age",
        ),
    ];
    for (path, status, message, kept) in cases {
        let (got, html) = page(&server, path).await;
        assert_eq!(got, status, "{path}");
        assert!(html.contains("<title>Error: "), "{path}: title says error");
        assert!(html.contains("<h2 id=\"error-summary-title\" class=\"error-summary-title\">There is a problem</h2>"), "{path}");
        // In the summary (as a link to the field) and beside the field.
        assert!(count(&html, message) >= 2, "{path}: {message}\n{html}");
        assert!(
            html.contains("<span class=\"visually-hidden\">Error:</span>"),
            "{path}"
        );
        assert!(html.contains(kept), "{path}: {kept}");
    }
    server.stop().await;
}

#[tokio::test]
async fn user_input_is_escaped() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let (status, html) = page(&server, "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    assert_eq!(status, 400, "digits make it a bad postcode");
    assert!(!html.contains("<script>alert"));
    assert!(
        html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "{html}"
    );
    let (_, html) = page(&server, "/search?q=%22%3E%3Cimg+src%3Dx+onerror%3Dalert%3E").await;
    assert!(!html.contains("<img src=x"));
    server.stop().await;
}

#[tokio::test]
async fn centre_treatment_registry_and_referral_pages() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let (status, html) = page(&server, "/centres/tya-christie").await;
    assert_eq!(status, 200);
    assert!(html.contains("<h1>"));
    assert!(html.contains("Manchester"));
    assert!(html.contains("<dt>Source</dt>"));
    assert!(html.contains("Who records this cancer"));

    // A value no source confirms is named, in words, with what to do about it.
    let mut centres = shipped_text("centres.csv");
    centres.push_str("cc-test-unconfirmed,cancer_centre,Test centre,Test Hospital,Test Trust,2 Test Road,Cardiff,CF14 2TL,wales,51.5162,-3.2306,029 2061 5888,,,,,chemotherapy,,,https://example.org/source,2026-11-28,phone;lat;lon\n");
    let out = db.import_stdin("centres", &centres);
    assert_eq!(out.code, 0, "{out:?}");
    server.reload();
    let (status, html) = page(&server, "/centres/cc-test-unconfirmed").await;
    assert_eq!(status, 200);
    assert!(html.contains("<dt>Not yet confirmed</dt>"), "{html}");
    assert!(html.contains("phone, latitude, longitude: ask the hospital to confirm these."));

    let (status, html) = page(&server, "/treatment").await;
    assert_eq!(status, 200);
    assert!(count(&html, "<h2 class=\"topic-title\">") >= 10);
    let (status, html) = page(&server, "/treatment/all-overview").await;
    assert_eq!(status, 200);
    assert!(html.contains("Last checked"));
    assert!(count(&html, "<p>") >= 2);

    let (status, html) = page(&server, "/registries").await;
    assert_eq!(status, 200);
    for name in ["England", "Scotland", "Wales", "Northern Ireland"] {
        assert!(
            html.contains(&format!("Figures published for {name}</caption>")),
            "{name}"
        );
    }
    assert!(html.contains("346,217"));

    let (status, html) = page(&server, "/referral?q=BT9+7AB&age=19").await;
    assert_eq!(status, 200);
    assert!(html.contains("Guidance for age 19 near"));
    assert!(html.contains("not a clinical decision"));
    assert!(html.contains("Last checked <time datetime=\"20"));
    assert!(html.contains("Belfast"));
    let km = distances(&html);
    assert!(km.windows(2).all(|w| w[0] <= w[1]));

    let (status, html) = page(&server, "/centres/no-such-place").await;
    assert_eq!(status, 404);
    assert!(html.contains("Page not found"));
    let (status, html) = page(&server, "/no/such/page").await;
    assert_eq!(status, 404);
    assert!(html.contains("Page not found"));
    // The API still answers problems, whatever the browser asks for.
    let api = server.get("/api/v1/nothing").await;
    assert_eq!(api.status(), 404);
    assert_eq!(api.headers()["content-type"], "application/problem+json");
    server.stop().await;
}
