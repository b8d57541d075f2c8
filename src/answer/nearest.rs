//! The nearest centres to a location, with the treatment topics and registry that go with them.
//! Shared by the API, the pages and the CLI so all three say the same thing.

use std::collections::HashSet;

use serde::Serialize;

use super::figures::FigureQuery;
use super::views::{CentreView, DatasetView, RegistryView, TopicSummaryView};
use super::{directions_url, distances, registry_for, registry_note, topics_for};
use crate::dataset::Cancer;
use crate::domain::coordinates::km_to_miles;
use crate::domain::{CentreKind, Nation, Service};
use crate::geocode::{reverse, Location, Precision, Reverse};
use crate::index::Snapshot;

/// What to look for around a location.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub kind: Option<CentreKind>,
    /// Every one of these must be offered.
    pub services: Vec<Service>,
    /// The centre's age range must include it.
    pub age: Option<u8>,
    pub nation: Option<Nation>,
    pub limit: usize,
    pub max_km: Option<f64>,
    /// The condition asked about (for the registry figures shown).
    pub condition: Option<Cancer>,
}

impl Filters {
    /// What the registry figures should answer.
    pub fn figure_query(&self) -> FigureQuery {
        FigureQuery {
            cancer: self.condition,
            age: self.age,
        }
    }
}

/// The answer to "what is near here?".
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NearestAnswer {
    pub location: Location,
    pub results: Vec<ResultView>,
    /// Said kindly when nothing matched.
    pub message: Option<String>,
    pub treatment: Vec<TopicSummaryView>,
    pub registry: Option<RegistryView>,
    pub registry_note: Option<String>,
    pub dataset: DatasetView,
}

impl NearestAnswer {
    pub fn build(snapshot: &Snapshot, location: Location, filters: &Filters) -> Self {
        let figure_query = filters.figure_query();
        let hits = snapshot.nearest(location.coordinates(), filters.limit, filters.max_km, |c| {
            filters.kind.is_none_or(|k| c.kind == k)
                && filters.nation.is_none_or(|n| c.nation == n)
                && filters.services.iter().all(|s| c.offers(*s))
                && filters.age.is_none_or(|a| c.accepts_age(a))
        });
        let offered: HashSet<Service> = hits
            .iter()
            .flat_map(|h| h.centre.services.iter().copied())
            .collect();
        let results: Vec<ResultView> = hits
            .iter()
            .map(|h| {
                let (distance_km, distance_miles) = distances(h.distance_km);
                ResultView {
                    centre: CentreView::from(h.centre),
                    distance_km,
                    distance_miles,
                    directions_url: directions_url(
                        Some(&location),
                        h.centre.location.lat(),
                        h.centre.location.lon(),
                    ),
                    registry: (Some(h.centre.nation) != location.nation)
                        .then(|| RegistryView::of(snapshot, h.centre.nation, &figure_query))
                        .flatten(),
                }
            })
            .collect();
        let message = results.is_empty().then(|| match filters.max_km {
            Some(m) => crate::tr!(
                "nearest-none-within",
                km = format!("{m:.1}").trim_end_matches(".0").to_string(),
                miles = format!("{:.0}", km_to_miles(m))
            ),
            None => crate::tr!("nearest-none"),
        });
        Self {
            treatment: topics_for(snapshot, &offered),
            registry: registry_for(snapshot, &location, &figure_query),
            registry_note: registry_note(&location),
            dataset: DatasetView::from(snapshot),
            location,
            results,
            message,
        }
    }
}

impl NearestAnswer {
    /// The results' centres with their distances in km and miles (as a map draws them).
    pub fn centres_by_distance(&self) -> Vec<(&CentreView, f64, f64)> {
        self.results
            .iter()
            .map(|r| (&r.centre, r.distance_km, r.distance_miles))
            .collect()
    }
}

/// `GET /api/v1/geocode`: what the service understood a location to be.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GeocodeAnswer {
    pub location: Location,
    pub registry: Option<RegistryView>,
    pub registry_note: Option<String>,
    /// For a point (`lat` and `lon`): the nearest postcode, district and place.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reverse: Option<Reverse>,
}

impl GeocodeAnswer {
    pub fn build(snapshot: &Snapshot, location: Location) -> Self {
        Self {
            reverse: (location.precision == Precision::Point)
                .then(|| reverse(snapshot, location.coordinates())),
            registry: registry_for(snapshot, &location, &FigureQuery::default()),
            registry_note: registry_note(&location),
            location,
        }
    }
}

/// One centre in an answer, with its distance.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ResultView {
    pub centre: CentreView,
    pub distance_km: f64,
    pub distance_miles: f64,
    /// OpenStreetMap directions to the centre: from the location when it is a full postcode
    /// or a point, otherwise to the centre alone (the traveller fills in the start).
    pub directions_url: String,
    /// Present when the centre is in a different nation from the location: its own registry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registry: Option<RegistryView>,
}
