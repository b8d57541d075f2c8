//! Answers: what the API, the pages and the CLI say about a location, built from one snapshot.
//! Every answer is a plain `Serialize` type; the same types describe the API (OpenAPI).

pub mod fhir;
pub mod figures;
pub mod health;
pub mod map;
pub mod nearest;
pub mod oruk;
pub mod referral;
pub mod views;

use std::collections::HashSet;

use crate::domain::coordinates::{km_to_miles, point_text};
use crate::domain::{Service, Territory};
use crate::geocode::{Location, Precision};
use crate::index::Snapshot;
use figures::FigureQuery;
use views::{RegistryView, TopicSummaryView};

/// Where OpenStreetMap directions links lead.
const DIRECTIONS: &str = "https://www.openstreetmap.org/directions";

/// OpenStreetMap directions to a point, from the searcher's location when it is precise (a
/// full postcode or a point; a district or area centre would be a misleading start, so the
/// traveller fills it in).
pub fn directions_url(from: Option<&Location>, lat: f64, lon: f64) -> String {
    let to = point_text(lat, lon, "%2C");
    match from.filter(|l| matches!(l.precision, Precision::Postcode | Precision::Point)) {
        Some(l) => format!(
            "{DIRECTIONS}?from={}&to={to}",
            point_text(l.lat, l.lon, "%2C")
        ),
        None => format!("{DIRECTIONS}?to={to}"),
    }
}

/// A distance as answers show it: rounded to hundredths.
pub fn round_to_hundredths(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// A distance in kilometres and miles, as answers show them.
pub fn distances(km: f64) -> (f64, f64) {
    (
        round_to_hundredths(km),
        round_to_hundredths(km_to_miles(km)),
    )
}

/// The registry of the location's nation (none for a Crown Dependency or an unknown nation).
pub fn registry_for(
    snapshot: &Snapshot,
    location: &Location,
    q: &FigureQuery,
) -> Option<RegistryView> {
    location
        .nation
        .and_then(|n| RegistryView::of(snapshot, n, q))
}

pub fn registry_note(location: &Location) -> Option<String> {
    match (location.nation, location.territory) {
        (None, Some(Territory::CrownDependency)) => {
            Some(crate::tr!("registry-note-crown-dependency"))
        }
        (None, _) => Some(crate::tr!("registry-note-nation-unknown")),
        _ => None,
    }
}

/// The treatment topics that go with some results: general topics, and topics about a service
/// one of them offers.
pub fn topics_for(snapshot: &Snapshot, offered: &HashSet<Service>) -> Vec<TopicSummaryView> {
    snapshot
        .topics
        .iter()
        .filter(|t| t.related_service.is_none_or(|s| offered.contains(&s)))
        .map(TopicSummaryView::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Nation;

    fn location(precision: Precision) -> Location {
        Location {
            lat: 53.807296,
            lon: -1.520264,
            precision,
            nation: Some(Nation::England),
            territory: None,
            source: crate::geocode::LocationSource::Postcodes,
            query: "LS9 7TF".into(),
            terminated: None,
            place: None,
            alternatives: Vec::new(),
            near: None,
            note: None,
        }
    }

    #[test]
    fn directions_start_from_a_precise_location_only() {
        assert_eq!(
            directions_url(Some(&location(Precision::Postcode)), 53.8, -1.55),
            "https://www.openstreetmap.org/directions?from=53.80730%2C-1.52026&to=53.80000%2C-1.55000"
        );
        assert_eq!(
            directions_url(Some(&location(Precision::District)), 53.8, -1.55),
            "https://www.openstreetmap.org/directions?to=53.80000%2C-1.55000"
        );
        assert_eq!(
            directions_url(None, 51.5, 0.0),
            "https://www.openstreetmap.org/directions?to=51.50000%2C0.00000"
        );
    }

    #[test]
    fn distances_are_rounded_to_hundredths() {
        assert_eq!(distances(1.609344), (1.61, 1.0));
        assert_eq!(round_to_hundredths(0.004), 0.0);
    }
}
