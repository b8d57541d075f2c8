//! Building answers: the nearest centres to a location with the treatment topics and
//! registry that go with them. Shared by the API and the CLI so both say the same thing.

use std::borrow::Cow;

use serde::Serialize;

use crate::dataset::Cancer;
use crate::domain::coordinates::{km_to_miles, write_point};
use crate::domain::{CentreKind, Nation, Service, Territory};
use crate::figures::FigureQuery;
use crate::geocode::{Location, Precision};
use crate::index::Snapshot;
use crate::views::{CentreView, DatasetView, RegistryView, Shared, TopicSummaryView};
use crate::wire::{self, InlineText};

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

/// The answer to "what is near here?". Its views are lent by the snapshot it was built from.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NearestAnswer<'a> {
    pub location: Location,
    pub results: Vec<ResultView<'a>>,
    /// Said kindly when nothing matched.
    pub message: Option<String>,
    #[schema(value_type = Vec<TopicSummaryView>)]
    pub treatment: Topics<'a>,
    #[schema(value_type = Option<RegistryView>)]
    pub registry: Option<Cow<'a, Shared<RegistryView>>>,
    pub registry_note: Option<&'static str>,
    #[schema(value_type = DatasetView)]
    pub dataset: &'a Shared<DatasetView>,
}

impl<'a> NearestAnswer<'a> {
    pub fn build(snapshot: &'a Snapshot, location: Location, filters: &Filters) -> Self {
        let hits = snapshot.nearest(location.coordinates(), filters.limit, filters.max_km, |c| {
            filters.kind.is_none_or(|k| c.kind == k)
                && filters.nation.is_none_or(|n| c.nation == n)
                && filters.services.iter().all(|s| c.offers(*s))
                && filters.age.is_none_or(|a| c.accepts_age(a))
        });
        let offered: ServiceSet = hits
            .iter()
            .flat_map(|h| h.centre.services.iter().copied())
            .collect();
        let from = DirectionsStart::of(Some(&location));
        let results: Vec<ResultView> = hits
            .iter()
            .map(|h| ResultView {
                centre: snapshot.centre_view(h.index),
                distance_km: round_to_hundredths(h.distance_km),
                distance_miles: round_to_hundredths(km_to_miles(h.distance_km)),
                directions_url: DirectionsLink::new(from, snapshot.centre_destination(h.index)),
                registry: (Some(h.centre.nation) != location.nation)
                    .then(|| snapshot.registry_view(h.centre.nation, &filters.figure_query()))
                    .flatten(),
            })
            .collect();
        let message = results.is_empty().then(|| match filters.max_km {
            Some(m) => format!(
                "No centres match within {} km ({:.0} miles). Try a larger distance or fewer filters.",
                format!("{m:.1}").trim_end_matches(".0"),
                km_to_miles(m)
            ),
            None => "No centres match these filters. Try fewer filters.".to_string(),
        });
        Self {
            treatment: topics_for(snapshot, offered),
            registry: registry_for(snapshot, &location, &filters.figure_query()),
            registry_note: registry_note(&location),
            dataset: snapshot.dataset_view(),
            location,
            results,
            message,
        }
    }
}

impl NearestAnswer<'_> {
    /// Write the answer as `serde_json::to_writer` would, byte for byte (a test holds them
    /// equal), copying the shared views' stored JSON and writing the keys as they are.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"location\":");
        self.location.write_json(out);
        out.extend_from_slice(b",\"results\":[");
        for (i, r) in self.results.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"centre\":");
            out.extend_from_slice(r.centre.json().as_bytes());
            out.extend_from_slice(b",\"distance_km\":");
            wire::hundredths(out, r.distance_km);
            out.extend_from_slice(b",\"distance_miles\":");
            wire::hundredths(out, r.distance_miles);
            out.extend_from_slice(b",\"directions_url\":");
            r.directions_url.write_json(out);
            if let Some(registry) = &r.registry {
                out.extend_from_slice(b",\"registry\":");
                out.extend_from_slice(registry.json().as_bytes());
            }
            out.push(b'}');
        }
        out.extend_from_slice(b"],\"message\":");
        match &self.message {
            Some(m) => wire::string(out, m),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"treatment\":[");
        for (i, t) in self.treatment.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(t.json().as_bytes());
        }
        out.extend_from_slice(b"],\"registry\":");
        match &self.registry {
            Some(r) => out.extend_from_slice(r.json().as_bytes()),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"registry_note\":");
        match self.registry_note {
            Some(n) => wire::string(out, n),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"dataset\":");
        out.extend_from_slice(self.dataset.json().as_bytes());
        out.push(b'}');
    }
}

/// `GET /api/v1/geocode`: what the service understood a location to be.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GeocodeAnswer<'a> {
    pub location: Location,
    #[schema(value_type = Option<RegistryView>)]
    pub registry: Option<Cow<'a, Shared<RegistryView>>>,
    pub registry_note: Option<&'static str>,
}

impl<'a> GeocodeAnswer<'a> {
    pub fn build(snapshot: &'a Snapshot, location: Location) -> Self {
        Self {
            registry: registry_for(snapshot, &location, &FigureQuery::default()),
            registry_note: registry_note(&location),
            location,
        }
    }
}

/// One centre in an answer, with its distance.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ResultView<'a> {
    #[schema(value_type = CentreView)]
    pub centre: &'a Shared<CentreView>,
    pub distance_km: f64,
    pub distance_miles: f64,
    /// OpenStreetMap directions to the centre: from the location when it is a full postcode
    /// or a point, otherwise to the centre alone (the traveller fills in the start).
    #[schema(value_type = String)]
    pub directions_url: DirectionsLink<'a>,
    /// Present when the centre is in a different nation from the location: its own registry.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<RegistryView>)]
    pub registry: Option<Cow<'a, Shared<RegistryView>>>,
}

/// OpenStreetMap directions to a point, from the searcher's location when it is precise (a
/// full postcode or a point; a district or area centre would be a misleading start).
pub fn directions_url(from: Option<&Location>, lat: f64, lon: f64) -> String {
    DirectionsLink::new(DirectionsStart::of(from), &directions_destination(lat, lon)).to_string()
}

/// Where OpenStreetMap directions links lead.
const DIRECTIONS: &str = "https://www.openstreetmap.org/directions?";

/// The start of an answer's directions links (`from=53.80000%2C-1.55000&`), or nothing when
/// the location is not precise. Written once per answer and kept inline, so that each result's
/// link shares it without an allocation of its own.
#[derive(Clone, Copy)]
pub struct DirectionsStart(InlineText<48>);

impl DirectionsStart {
    /// From the location when it is a full postcode or a point.
    pub fn of(from: Option<&Location>) -> Self {
        use std::fmt::Write;
        let Some(l) =
            from.filter(|l| matches!(l.precision, Precision::Postcode | Precision::Point))
        else {
            return Self(InlineText::new());
        };
        let mut start = InlineText::new();
        let written = (|| {
            start.write_str("from=")?;
            write_point(&mut start, l.lat, l.lon, "%2C")?;
            start.write_str("&")
        })();
        // A location's coordinates are in range, so this always fits; a start that did not
        // would be left out (the link then leads to the centre alone).
        match written {
            Ok(()) => Self(start),
            Err(_) => Self(InlineText::new()),
        }
    }
}

/// An OpenStreetMap directions link to a centre, from an answer's [`DirectionsStart`]; written
/// out only when the answer is (as a JSON string, or by `Display`).
#[derive(Clone, Copy)]
pub struct DirectionsLink<'a> {
    start: DirectionsStart,
    /// Made by [`directions_destination`] (once per centre and snapshot).
    destination: &'a str,
}

impl<'a> DirectionsLink<'a> {
    pub fn new(start: DirectionsStart, destination: &'a str) -> Self {
        Self { start, destination }
    }

    /// The link's text in pieces: where links lead, the start, `to=`, the destination.
    fn pieces(&self) -> [&str; 4] {
        [DIRECTIONS, self.start.0.as_str(), "to=", self.destination]
    }

    /// Write the link as a JSON string, as serde_json writes it.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        let pieces = self.pieces();
        if pieces.iter().any(|piece| wire::needs_escape(piece)) {
            return wire::value(out, self);
        }
        out.push(b'"');
        for piece in pieces {
            out.extend_from_slice(piece.as_bytes());
        }
        out.push(b'"');
    }
}

impl std::fmt::Display for DirectionsLink<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.pieces()
            .iter()
            .try_for_each(|piece| f.write_str(piece))
    }
}

impl std::fmt::Debug for DirectionsLink<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}", self = self.to_string())
    }
}

impl Serialize for DirectionsLink<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use std::fmt::Write;
        // Whole, then as one string (serde_json escapes a `collect_str` piece by piece),
        // without the formatting machinery.
        let mut link = InlineText::<192>::new();
        let written = self
            .pieces()
            .iter()
            .try_for_each(|piece| link.write_str(piece));
        match written {
            Ok(()) => s.serialize_str(link.as_str()),
            Err(_) => s.collect_str(self),
        }
    }
}

/// The destination part of a directions link (made once per centre and snapshot).
pub fn directions_destination(lat: f64, lon: f64) -> String {
    let mut destination = String::with_capacity(24);
    write_point(&mut destination, lat, lon, "%2C").expect("writing to a String");
    destination
}

/// A distance as answers show it: rounded to hundredths.
pub fn round_to_hundredths(v: f64) -> f64 {
    wire::round(v * 100.0) / 100.0
}

/// The registry of the location's nation (none for a Crown Dependency or an unknown nation).
pub fn registry_for<'a>(
    snapshot: &'a Snapshot,
    location: &Location,
    q: &FigureQuery,
) -> Option<Cow<'a, Shared<RegistryView>>> {
    location.nation.and_then(|n| snapshot.registry_view(n, q))
}

pub fn registry_note(location: &Location) -> Option<&'static str> {
    match (location.nation, location.territory) {
        (None, Some(Territory::CrownDependency)) => Some(
            "This postcode is in a Crown Dependency (Guernsey, Jersey or the Isle of Man), which is not part of the UK. Its health service is its own, and no UK nation's cancer registry in our data covers it; results show the nearest UK centres.",
        ),
        (None, _) => Some("The nation of this location is not known, so no registry is shown; each result carries the registry of its own nation."),
        _ => None,
    }
}

/// Topics for these results: general topics, topics about a service some result offers.
pub fn topics_for(snapshot: &Snapshot, services: ServiceSet) -> Topics<'_> {
    Topics { snapshot, services }
}

/// The treatment topics that go with an answer's results, read from the snapshot as the answer
/// is written (a JSON array of the topics' summaries).
#[derive(Clone, Copy)]
pub struct Topics<'a> {
    snapshot: &'a Snapshot,
    services: ServiceSet,
}

impl<'a> Topics<'a> {
    pub fn iter(&self) -> TopicsIter<'a> {
        TopicsIter {
            all: self.snapshot.topics_with_views(),
            services: self.services,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }
}

impl<'a> IntoIterator for &Topics<'a> {
    type Item = &'a Shared<TopicSummaryView>;
    type IntoIter = TopicsIter<'a>;
    fn into_iter(self) -> TopicsIter<'a> {
        self.iter()
    }
}

/// The summaries of [`Topics`], in order.
pub struct TopicsIter<'a> {
    all: crate::index::TopicsWithViews<'a>,
    services: ServiceSet,
}

impl<'a> Iterator for TopicsIter<'a> {
    type Item = &'a Shared<TopicSummaryView>;
    fn next(&mut self) -> Option<Self::Item> {
        let services = self.services;
        self.all
            .find(|(t, _)| t.related_service.is_none_or(|s| services.contains(s)))
            .map(|(_, v)| v)
    }
}

impl std::fmt::Debug for Topics<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for Topics<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// A set of services, one bit each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServiceSet(u64);

// Every service has a bit.
const _: () = assert!(<Service as crate::domain::Vocabulary>::ALL.len() <= 64);

impl ServiceSet {
    pub fn insert(&mut self, service: Service) {
        self.0 |= 1 << service as u8;
    }

    pub fn contains(self, service: Service) -> bool {
        self.0 & (1 << service as u8) != 0
    }
}

impl FromIterator<Service> for ServiceSet {
    fn from_iter<I: IntoIterator<Item = Service>>(services: I) -> Self {
        let mut set = Self::default();
        for service in services {
            set.insert(service);
        }
        set
    }
}
