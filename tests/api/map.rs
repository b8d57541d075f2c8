//! The map beside the results, drawn by the server: what it shows, that each marker leads to
//! its result, that it needs nothing from another host, and that it stays small.

use std::io::Read;

use crate::support::{TestDb, TestServer};

fn markers(svg: &str) -> Vec<String> {
    svg.split("<a href=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_results_page_draws_every_result_as_a_numbered_link_to_it() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let (status, html) = server.get_text("/search?q=Leeds&kind=tya_unit").await;
    assert_eq!(status, 200);
    let svg = &html[html.find("<svg").expect("a map")..html.find("</svg>").unwrap()];
    assert!(svg.contains("aria-labelledby=\"map-title\""));
    let title = svg.split("<title id=\"map-title\">").nth(1).unwrap();
    let listed = html.matches("<li class=\"result\" id=\"result-").count();
    assert!(listed >= 5);
    assert!(
        title.starts_with(&format!("Map: {listed} TYA units within ")),
        "{title}"
    );
    assert!(
        title.split('<').next().unwrap().ends_with(" km of Leeds"),
        "{title}"
    );
    let links = markers(svg);
    assert_eq!(
        links,
        (1..=listed)
            .map(|i| format!("#result-{i}"))
            .collect::<Vec<_>>()
    );
    for link in &links {
        assert!(html.contains(&format!("id=\"{}\"", &link[1..])), "{link}");
    }
    // The list comes first in reading order.
    assert!(html.find("id=\"results\"").unwrap() < html.find("<svg").unwrap());
    // Nothing from another host.
    assert!(!svg.contains("href=\"http") && !svg.contains("<image"));
    assert!(!html.contains("src=\"http"));
    server.stop().await;
}

#[tokio::test]
async fn a_coarse_location_is_drawn_as_an_area() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let (_, html) = server.get_text("/search?q=LS&kind=tya_unit").await;
    assert!(
        html.contains("stroke-dasharray"),
        "an area around the location"
    );
    let (_, html) = server
        .get_text("/search?lat=53.8&lon=-1.55&kind=tya_unit")
        .await;
    assert!(!html.contains("stroke-dasharray"), "a point is a point");
    server.stop().await;
}

#[tokio::test]
async fn the_api_offers_the_same_picture_to_embed_and_it_is_small() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    for query in [
        "postcode=LS9%207TF&kind=tya_unit",
        "q=Lerwick&limit=3",
        "q=Saint%20Helier",
        "q=Enniskillen&kind=cancer_centre",
        "lat=51.5&lon=-0.12&limit=10",
    ] {
        let response = server
            .get_with(
                &format!("/api/v1/centres/nearest?{query}&format=svg"),
                &[("Accept-Encoding", "gzip")],
            )
            .await;
        assert_eq!(response.status().as_u16(), 200, "{query}");
        assert!(response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("image/svg+xml"));
        let gz = response.bytes().await.unwrap();
        assert!(gz.len() < 12_000, "{query}: {} bytes gzipped", gz.len());
        let mut svg = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut svg)
            .unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("<path"), "{query}");
        assert!(!markers(&svg).is_empty(), "{query}");
    }
    server.stop().await;
}

#[tokio::test]
async fn the_centre_page_has_a_locator_map() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let (_, html) = server.get_text("/centres/tya-christie").await;
    assert!(html.contains("class=\"map-figure map-locator\""));
    assert_eq!(
        markers(&html[html.find("<svg").unwrap()..])
            .first()
            .map(String::as_str),
        Some("#details")
    );
    server.stop().await;
}

#[tokio::test]
async fn pages_explain_tya_offer_a_way_back_to_the_search_and_read_dates_as_people_do() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db).await;
    let (_, html) = server.get_text("/search?q=Leeds&kind=tya_unit").await;
    assert!(html.contains("TYA means teenage and young adult"));
    assert!(html.contains("<a href=\"#search-again\">Change search</a>"));
    assert!(html.contains("id=\"search-again\""));
    // h1, then h2, then the results' h3: no level skipped.
    let h2 = html.find("<h2").unwrap();
    assert!(h2 < html.find("<h3").unwrap());
    assert!(html.contains("<meta name=\"description\""));
    let (_, centre) = server.get_text("/centres/tya-christie").await;
    let dated = centre.split("<time datetime=\"").nth(1).unwrap();
    let (iso, rest) = dated.split_once("\">").unwrap();
    let shown = rest.split('<').next().unwrap();
    assert_eq!(iso.len(), 10, "{iso}");
    assert!(
        shown.split(' ').count() == 3 && shown.ends_with(&iso[..4]),
        "{shown}"
    );
    let (status, robots) = server.get_text("/robots.txt").await;
    assert_eq!(status, 200);
    assert!(robots.starts_with("User-agent: *"));
    let icon = server.get("/favicon.svg").await;
    assert_eq!(icon.status().as_u16(), 200);
    let ico = server.get("/favicon.ico").await;
    assert_eq!(ico.status().as_u16(), 200, "followed to the SVG icon");
    server.stop().await;
}
