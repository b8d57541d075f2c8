//! A map of an answer, drawn by the server as SVG from the shipped boundaries of the UK
//! nations, Ireland and the Crown Dependencies (`data/map/uk_ireland.geojson`, Natural Earth,
//! public domain): the searcher's location (a point, or an area when it is coarse) and one
//! numbered marker per result, each a link to its item in the list. No tiles, scripts or fonts
//! from anywhere else: the location never leaves the service.

use std::fmt::Write;
use std::sync::OnceLock;

use crate::answer::views::CentreView;
use crate::domain::Coordinates;
use crate::geocode::{Location, Precision};

/// The shipped boundaries, carried in the executable.
const BOUNDARIES: &str = include_str!("../../data/map/uk_ireland.geojson");

/// The drawing's size in SVG units (it scales to its box on the page).
pub const WIDTH: f64 = 400.0;
pub const HEIGHT: f64 = 480.0;
/// The smallest area a map shows, in kilometres across.
const MIN_EXTENT_KM: f64 = 30.0;
const KM_PER_DEGREE_LAT: f64 = 111.2;

/// One region of the boundaries: its name and its outer and inner rings (lon, lat).
struct Region {
    nation: String,
    rings: Vec<Vec<(f64, f64)>>,
}

fn regions() -> &'static [Region] {
    static REGIONS: OnceLock<Vec<Region>> = OnceLock::new();
    REGIONS.get_or_init(|| {
        let doc: serde_json::Value =
            serde_json::from_str(BOUNDARIES).expect("the shipped boundaries are GeoJSON");
        let mut out = Vec::new();
        for feature in doc["features"].as_array().into_iter().flatten() {
            let nation = feature["properties"]["nation"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let geometry = &feature["geometry"];
            let polygons: Vec<&serde_json::Value> = match geometry["type"].as_str() {
                Some("Polygon") => vec![&geometry["coordinates"]],
                Some("MultiPolygon") => geometry["coordinates"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .collect(),
                _ => Vec::new(),
            };
            let mut rings = Vec::new();
            for polygon in polygons {
                for ring in polygon.as_array().into_iter().flatten() {
                    let points: Vec<(f64, f64)> = ring
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|p| Some((p[0].as_f64()?, p[1].as_f64()?)))
                        .collect();
                    if points.len() >= 3 {
                        rings.push(points);
                    }
                }
            }
            out.push(Region { nation, rings });
        }
        out
    })
}

/// A numbered marker: a result of the answer.
#[derive(Debug, Clone)]
pub struct Marker {
    pub number: usize,
    pub at: Coordinates,
    /// Its accessible name ("1. Teenage Cancer Trust unit, Leeds, 2 miles").
    pub label: String,
    /// Where the marker leads (the result in the list, `#result-1`).
    pub href: String,
}

/// What to draw.
#[derive(Debug, Clone)]
pub struct Picture {
    /// The text alternative ("Map: 5 TYA units within 63 km of Leeds").
    pub title: String,
    /// The searcher's location, and how far it may be from the true one (km; 0 for a point).
    pub location: Option<(Coordinates, f64)>,
    pub markers: Vec<Marker>,
}

/// The view: the bounding box in degrees, fitted to the drawing's shape.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    pub west: f64,
    pub east: f64,
    pub south: f64,
    pub north: f64,
    /// Longitude degrees are this much shorter than latitude degrees at the view's middle.
    cos_lat: f64,
}

impl View {
    /// A view holding every point, with a margin and at least [`MIN_EXTENT_KM`] across.
    pub fn fit(points: &[Coordinates]) -> Self {
        let (mut south, mut north, mut west, mut east) = (90.0f64, -90.0f64, 180.0f64, -180.0f64);
        for p in points {
            south = south.min(p.lat());
            north = north.max(p.lat());
            west = west.min(p.lon());
            east = east.max(p.lon());
        }
        if points.is_empty() {
            (south, north, west, east) = (49.8, 60.9, -8.2, 1.8);
        }
        let mid_lat = (south + north) / 2.0;
        let cos_lat = mid_lat.to_radians().cos();
        // Half-sizes in km, with a 15% margin and the minimum extent.
        let mut half_h =
            ((north - south) * KM_PER_DEGREE_LAT / 2.0 * 1.15).max(MIN_EXTENT_KM / 2.0);
        let mut half_w =
            ((east - west) * KM_PER_DEGREE_LAT * cos_lat / 2.0 * 1.15).max(MIN_EXTENT_KM / 2.0);
        // Match the drawing's shape.
        if half_w / half_h > WIDTH / HEIGHT {
            half_h = half_w * HEIGHT / WIDTH;
        } else {
            half_w = half_h * WIDTH / HEIGHT;
        }
        // Room for the markers' radius at the edges.
        half_h *= 1.08;
        half_w *= 1.08;
        let mid_lon = (west + east) / 2.0;
        let dlat = half_h / KM_PER_DEGREE_LAT;
        let dlon = half_w / (KM_PER_DEGREE_LAT * cos_lat);
        View {
            west: mid_lon - dlon,
            east: mid_lon + dlon,
            south: mid_lat - dlat,
            north: mid_lat + dlat,
            cos_lat,
        }
    }

    /// A point's place in the drawing.
    pub fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            (lon - self.west) / (self.east - self.west) * WIDTH,
            (self.north - lat) / (self.north - self.south) * HEIGHT,
        )
    }

    /// SVG units a kilometre.
    fn per_km(&self) -> f64 {
        HEIGHT / ((self.north - self.south) * KM_PER_DEGREE_LAT)
    }

    fn touches(&self, ring: &[(f64, f64)]) -> bool {
        let (mut w, mut e, mut s, mut n) = (180.0f64, -180.0f64, 90.0f64, -90.0f64);
        for (lon, lat) in ring {
            w = w.min(*lon);
            e = e.max(*lon);
            s = s.min(*lat);
            n = n.max(*lat);
        }
        !(e < self.west || w > self.east || n < self.south || s > self.north)
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The colours: land, borders, the sea, the markers (AA contrast with their white numbers).
const SEA: &str = "#dbe8f3";
const LAND: &str = "#f3f2f1";
const OTHER_LAND: &str = "#e3e3e0";
const BORDER: &str = "#6f777b";
const MARKER: &str = "#1d70b8";
const HERE: &str = "#d4351c";

/// The picture as an SVG document fragment (an `<svg>` element).
pub fn svg(picture: &Picture) -> String {
    let mut points: Vec<Coordinates> = picture.markers.iter().map(|m| m.at).collect();
    if let Some((at, _)) = picture.location {
        points.push(at);
    }
    let view = View::fit(&points);
    let mut out = String::with_capacity(16 * 1024);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="0 0 {WIDTH} {HEIGHT}" role="group" aria-labelledby="map-title"><title id="map-title">{}</title><rect width="{WIDTH}" height="{HEIGHT}" fill="{SEA}"/>"#,
        escape(&picture.title)
    );
    for region in regions() {
        let fill = if region.nation == "ireland" {
            OTHER_LAND
        } else {
            LAND
        };
        let mut d = String::new();
        for ring in region.rings.iter().filter(|r| view.touches(r)) {
            let mut last: Option<(f64, f64)> = None;
            let mut count = 0;
            for (lon, lat) in ring {
                // Outside the drawing, a vertex is pinned to a frame just beyond it: what lies
                // out of sight is flattened onto the frame and costs no more vertices.
                let (x, y) = view.project(*lon, *lat);
                let (x, y) = (x.clamp(-10.0, WIDTH + 10.0), y.clamp(-10.0, HEIGHT + 10.0));
                // At most one vertex a unit: the outline is drawn to the drawing's resolution.
                if let Some((lx, ly)) = last {
                    if (x - lx).abs() < 1.0 && (y - ly).abs() < 1.0 {
                        continue;
                    }
                }
                let _ = write!(d, "{}{:.0} {:.0}", if count == 0 { "M" } else { "L" }, x, y);
                last = Some((x, y));
                count += 1;
            }
            if count >= 3 {
                d.push('Z');
            }
        }
        if !d.is_empty() {
            let _ = write!(
                out,
                r#"<path d="{d}" fill="{fill}" stroke="{BORDER}" stroke-width="1" stroke-linejoin="round"/>"#
            );
        }
    }
    if let Some((at, uncertainty_km)) = picture.location {
        let (x, y) = view.project(at.lon(), at.lat());
        if uncertainty_km > 0.5 {
            let r = uncertainty_km * view.per_km();
            let _ = write!(
                out,
                r#"<circle cx="{x:.1}" cy="{y:.1}" r="{r:.1}" fill="{HERE}" fill-opacity="0.12" stroke="{HERE}" stroke-dasharray="4 3"/>"#
            );
        }
        let _ = write!(
            out,
            r##"<g class="map-here"><circle cx="{x:.1}" cy="{y:.1}" r="6" fill="{HERE}" stroke="#ffffff" stroke-width="2"/></g>"##
        );
    }
    for m in &picture.markers {
        let (x, y) = view.project(m.at.lon(), m.at.lat());
        let _ = write!(
            out,
            r##"<a href="{}" class="map-marker"><title>{}</title><circle cx="{x:.1}" cy="{y:.1}" r="11" fill="{MARKER}" stroke="#ffffff" stroke-width="2"/><text x="{x:.1}" y="{:.1}" text-anchor="middle" font-size="12" font-weight="700" fill="#ffffff">{}</text></a>"##,
            escape(&m.href),
            escape(&m.label),
            y + 4.0,
            m.number
        );
    }
    out.push_str("</svg>");
    out
}

/// How far from the true location an answer of this precision may be, in km (the area the
/// map draws around it).
pub fn uncertainty_km(precision: Precision) -> f64 {
    match precision {
        Precision::Point | Precision::Postcode => 0.0,
        Precision::District | Precision::Place => 2.0,
        Precision::Area => 20.0,
    }
}

/// The map of an answer's results: the location and one numbered marker a result, each a link
/// to the result in the list.
pub fn results_map(
    what: &str,
    location: &Location,
    results: &[(&CentreView, f64, f64)],
    place: &str,
) -> String {
    let farthest = results.iter().map(|r| r.1).fold(0.0, f64::max);
    let title = if results.is_empty() {
        crate::tr!("map-title-place", place = place)
    } else {
        crate::tr!(
            "map-title-results",
            count = results.len(),
            what = what,
            km = farthest.ceil(),
            place = place
        )
    };
    let markers = results
        .iter()
        .enumerate()
        .filter_map(|(i, (centre, _, miles))| {
            Some(Marker {
                number: i + 1,
                at: Coordinates::new(centre.lat, centre.lon).ok()?,
                label: format!(
                    "{}. {}, {}: {}",
                    i + 1,
                    centre.hospital,
                    centre.name,
                    crate::i18n::miles(*miles)
                ),
                href: format!("#result-{}", i + 1),
            })
        })
        .collect();
    svg(&Picture {
        title,
        location: Some((location.coordinates(), uncertainty_km(location.precision))),
        markers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(lat: f64, lon: f64) -> Coordinates {
        Coordinates::new(lat, lon).unwrap()
    }

    #[test]
    fn every_marker_falls_inside_the_drawing_anywhere_in_the_uk() {
        // Points in every nation, the Crown Dependencies, and near the borders.
        let places = [
            vec![c(53.80, -1.55), c(53.48, -2.24), c(51.51, -0.13)],
            vec![c(57.15, -2.09), c(60.15, -1.14), c(55.86, -4.25)],
            vec![c(51.48, -3.18), c(53.05, -2.99), c(51.62, -3.94)],
            vec![c(54.60, -5.93), c(54.34, -7.64), c(55.00, -7.31)],
            vec![c(49.19, -2.11), c(49.45, -2.54), c(54.15, -4.48)],
            vec![
                c(55.80, -2.00),
                c(54.99, -3.07),
                c(53.19, -3.03),
                c(54.35, -7.30),
            ],
            vec![c(53.80, -1.55)],
        ];
        for points in places {
            let markers: Vec<Marker> = points
                .iter()
                .enumerate()
                .map(|(i, at)| Marker {
                    number: i + 1,
                    at: *at,
                    label: format!("{}", i + 1),
                    href: format!("#result-{}", i + 1),
                })
                .collect();
            let view = View::fit(&points);
            for m in &markers {
                let (x, y) = view.project(m.at.lon(), m.at.lat());
                assert!(
                    (11.0..=WIDTH - 11.0).contains(&x) && (11.0..=HEIGHT - 11.0).contains(&y),
                    "{:?} at ({x}, {y}) in {view:?}",
                    m.at
                );
            }
            let drawn = svg(&Picture {
                title: "Map".into(),
                location: Some((points[0], 2.0)),
                markers,
            });
            assert!(drawn.starts_with("<svg") && drawn.ends_with("</svg>"));
            assert!(drawn.contains("<path"), "the land is drawn");
            assert_eq!(drawn.matches("class=\"map-marker\"").count(), points.len());
        }
    }

    #[test]
    fn a_single_point_gets_the_minimum_extent() {
        let view = View::fit(&[c(53.8, -1.55)]);
        let km_tall = (view.north - view.south) * KM_PER_DEGREE_LAT;
        assert!(km_tall >= MIN_EXTENT_KM, "{km_tall}");
    }

    #[test]
    fn labels_are_escaped() {
        let drawn = svg(&Picture {
            title: "Map: <units> & \"centres\"".into(),
            location: None,
            markers: vec![],
        });
        assert!(drawn.contains("Map: &lt;units&gt; &amp; &quot;centres&quot;"));
    }
}
