//! The in-memory directory: an immutable snapshot of every dataset with a spatial index of the
//! centres and of the postcode areas, rebuilt after each applied import and swapped in
//! atomically, so queries never wait on an import and never see half of two versions.

pub mod gazetteer;
pub mod postcodes;
pub mod spatial;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;
use diesel::Connection;

use crate::dataset::{
    Centre, Dataset, District, FamilyInfo, Place, PostcodeArea, ReferralRule, Registry,
    RegistryStat, TreatmentTopic,
};
use crate::db::{Database, DbError, Storage};
use crate::domain::{Coordinates, Nation, Territory};
use crate::with_connection;
use gazetteer::Gazetteer;
use postcodes::PostcodeIndex;
use spatial::SpatialIndex;

/// One consistent version of the whole directory.
pub struct Snapshot {
    pub version: i64,
    pub updated_at: String,
    centres: Vec<Centre>,
    by_id: HashMap<String, usize>,
    /// Each centre's position in `centres`, by place.
    centre_index: SpatialIndex<usize>,
    pub registries: BTreeMap<Nation, Registry>,
    pub topics: Vec<TreatmentTopic>,
    pub referral_rules: Vec<ReferralRule>,
    pub areas: HashMap<String, PostcodeArea>,
    /// Each postcode area's key in `areas`, by the place of its centre.
    area_index: SpatialIndex<String>,
    pub stats: Vec<RegistryStat>,
    /// The shipped postcode district centroids, by outcode.
    pub districts: HashMap<String, District>,
    /// Each located district's outcode, by the place of its centroid.
    district_index: SpatialIndex<String>,
    /// The place gazetteer.
    pub places: Gazetteer,
    /// What a family needs to get to each centre and stay, by centre id.
    pub family: HashMap<String, FamilyInfo>,
    /// The postcode and district tables, when `serve` holds them in memory (shared by the
    /// snapshots of the same postcode import).
    pub postcodes: Option<Arc<PostcodeIndex>>,
}

/// How much further than the nearest postcode area centre another area centre may be and still
/// have a say in the nation of a point.
pub const POINT_NATION_MARGIN_KM: f64 = 20.0;

/// A fault-injection hook for the crash tests, built only with the `test-hooks` feature (which
/// this crate's own tests turn on): with `CENTRE_DIRECTORY_TEST_RELOAD_PAUSE_MS` set, every
/// reload of a new version says so on the log and then waits that long inside its read
/// transaction, so a test can kill the process while it is surely mid-reload.
#[cfg(feature = "test-hooks")]
fn pause_inside_reload(version: i64) {
    static PAUSE: std::sync::OnceLock<Option<std::time::Duration>> = std::sync::OnceLock::new();
    let pause = PAUSE.get_or_init(|| {
        std::env::var("CENTRE_DIRECTORY_TEST_RELOAD_PAUSE_MS")
            .ok()
            .and_then(|ms| ms.parse().ok())
            .map(std::time::Duration::from_millis)
    });
    // Only loads of a new version after the first (the reloads), not the load at start.
    static FIRST: std::sync::OnceLock<i64> = std::sync::OnceLock::new();
    let first = *FIRST.get_or_init(|| version);
    if let (Some(pause), false) = (pause, version == first) {
        tracing::warn!(version, "test hook: pausing inside the directory load");
        std::thread::sleep(*pause);
    }
}

#[cfg(not(feature = "test-hooks"))]
fn pause_inside_reload(_version: i64) {}

/// A centre found near a point.
#[derive(Debug, Clone, Copy)]
pub struct Hit<'a> {
    pub centre: &'a Centre,
    pub distance_km: f64,
}

/// Every dataset's rows, as read from the database.
#[derive(Default)]
pub struct Datasets {
    pub centres: Vec<Centre>,
    pub registries: Vec<Registry>,
    pub topics: Vec<TreatmentTopic>,
    pub referral_rules: Vec<ReferralRule>,
    pub areas: Vec<PostcodeArea>,
    pub stats: Vec<RegistryStat>,
    pub districts: Vec<District>,
    pub places: Vec<Place>,
    pub family: Vec<FamilyInfo>,
}

impl Snapshot {
    /// Build a snapshot from already loaded datasets.
    pub fn build(version: i64, updated_at: String, datasets: Datasets) -> Self {
        let Datasets {
            centres,
            registries,
            topics,
            referral_rules,
            areas,
            stats,
            districts,
            places,
            family,
        } = datasets;
        let by_id = centres
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i))
            .collect();
        let centre_index =
            SpatialIndex::new(centres.iter().enumerate().map(|(i, c)| (c.location, i)));
        let area_index = SpatialIndex::new(areas.iter().map(|a| (a.centroid, a.area.clone())));
        let district_index = SpatialIndex::new(
            districts
                .iter()
                .filter_map(|d| Some((d.centroid?, d.outcode.clone()))),
        );
        let mut topics = topics;
        topics.sort_by(|a, b| (a.sort_order, &a.slug).cmp(&(b.sort_order, &b.slug)));
        Self {
            version,
            updated_at,
            by_id,
            centre_index,
            centres,
            registries: registries.into_iter().map(|r| (r.nation, r)).collect(),
            topics,
            referral_rules,
            areas: areas.into_iter().map(|a| (a.area.clone(), a)).collect(),
            area_index,
            stats,
            districts: districts
                .into_iter()
                .map(|d| (d.outcode.clone(), d))
                .collect(),
            district_index,
            places: Gazetteer::new(places),
            family: family
                .into_iter()
                .map(|f| (f.centre_id.clone(), f))
                .collect(),
            postcodes: None,
        }
    }

    /// The postcode area whose centre is nearest to `here`.
    pub fn nearest_area(&self, here: Coordinates) -> Option<&PostcodeArea> {
        let (key, _) = self.area_index.nearest(here).next()?;
        self.areas.get(key)
    }

    /// The shipped districts with a centre, nearest centre to `here` first.
    pub fn districts_near(&self, here: Coordinates) -> impl Iterator<Item = &District> + '_ {
        self.district_index
            .nearest(here)
            .filter_map(|(key, _)| self.districts.get(key))
    }

    /// The nation (or Crown Dependency) of a bare point, when the postcode areas around it
    /// agree: the nearest area lies wholly in one, and every other area centre up to
    /// [`POINT_NATION_MARGIN_KM`] further away lies mainly in the same one. `None` near a
    /// border, where they disagree or the nearest area spans two nations.
    pub fn territory_of_point(&self, here: Coordinates) -> Option<Territory> {
        let mut around = self
            .area_index
            .nearest(here)
            .filter_map(|(key, _)| self.areas.get(key))
            .map(|a| (a, here.distance_km(a.centroid)));
        let (nearest, nearest_km) = around.next()?;
        let reach_km = nearest_km + POINT_NATION_MARGIN_KM;
        let agree = nearest.also_in.is_empty()
            && around
                .take_while(|(_, km)| *km <= reach_km)
                .all(|(a, _)| a.territory == nearest.territory);
        agree.then_some(nearest.territory)
    }

    /// Read every dataset from the database in one go.
    pub fn load(db: &Database) -> Result<Self, DbError> {
        let mut conn = db.get()?;
        with_connection!(&mut conn, |c| {
            // One read transaction: the datasets and the version belong together.
            c.transaction::<_, DbError, _>(|c| {
                let (version, updated_at) = c.directory_version()?;
                pause_inside_reload(version);
                let datasets = Datasets {
                    centres: Centre::load(c)?,
                    registries: Registry::load(c)?,
                    topics: TreatmentTopic::load(c)?,
                    referral_rules: ReferralRule::load(c)?,
                    areas: PostcodeArea::load(c)?,
                    stats: RegistryStat::load(c)?,
                    districts: District::load(c)?,
                    places: Place::load(c)?,
                    family: FamilyInfo::load(c)?,
                };
                Ok(Self::build(version, updated_at, datasets))
            })
        })
    }

    pub fn centres(&self) -> &[Centre] {
        &self.centres
    }

    pub fn centre(&self, id: &str) -> Option<&Centre> {
        self.by_id.get(id).map(|&i| &self.centres[i])
    }

    /// Centres in order of great-circle distance from `from`, keeping those `accept` allows,
    /// at most `limit`, none farther than `max_km`. Centres at the same distance (the units
    /// of one hospital) come in the snapshot's order, which is by id as loaded.
    pub fn nearest(
        &self,
        from: Coordinates,
        limit: usize,
        max_km: Option<f64>,
        accept: impl Fn(&Centre) -> bool,
    ) -> Vec<Hit<'_>> {
        if limit == 0 {
            return Vec::new();
        }
        let mut found: Vec<(f64, usize)> = Vec::new();
        for (&at, distance_km) in self.centre_index.nearest(from) {
            if max_km.is_some_and(|m| distance_km > m)
                || (found.len() >= limit && found.last().is_some_and(|(d, _)| distance_km > *d))
            {
                break;
            }
            if accept(&self.centres[at]) {
                found.push((distance_km, at));
            }
        }
        // They come nearest first; among equal distances, in the snapshot's order.
        found.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        found.truncate(limit);
        found
            .into_iter()
            .map(|(distance_km, at)| Hit {
                centre: &self.centres[at],
                distance_km,
            })
            .collect()
    }
}

/// The snapshot currently served; swapped whole after each applied import.
pub struct Directory {
    current: ArcSwap<Snapshot>,
    /// Set by `serve`: snapshots carry the postcode tables in memory.
    postcodes_in_memory: AtomicBool,
    /// One reload at a time (the version poller and an admin import may both ask).
    reloading: Mutex<()>,
}

impl Directory {
    pub fn new(snapshot: Snapshot) -> Self {
        Self {
            current: ArcSwap::from_pointee(snapshot),
            postcodes_in_memory: AtomicBool::new(false),
            reloading: Mutex::new(()),
        }
    }

    /// From now on, hold the postcode and district tables in memory, and read them now.
    /// Until this returns, postcodes are looked up in the database.
    pub fn keep_postcodes_in_memory(&self, db: &Database) -> Result<(), DbError> {
        let _one = self.reloading.lock().unwrap_or_else(|e| e.into_inner());
        self.postcodes_in_memory.store(true, Ordering::SeqCst);
        self.replace(Self::load_with_postcodes(db)?);
        Ok(())
    }

    /// Read the postcode tables into memory, then the snapshot that will carry them.
    fn load_with_postcodes(db: &Database) -> Result<Snapshot, DbError> {
        let started = std::time::Instant::now();
        let index = Arc::new(PostcodeIndex::load(db)?);
        tracing::info!(
            postcodes = index.len(),
            megabytes = index.bytes() / 1_000_000,
            seconds = started.elapsed().as_secs_f64(),
            "postcode table held in memory"
        );
        let mut snapshot = Snapshot::load(db)?;
        snapshot.postcodes = Some(index);
        Ok(snapshot)
    }

    /// The snapshot served now (it stays whole while held, whatever reloads happen).
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    pub fn replace(&self, snapshot: Snapshot) {
        self.current.store(Arc::new(snapshot));
    }

    /// Reload from the database when its version differs from the one served.
    /// Returns the new version if it changed.
    pub fn refresh_if_changed(&self, db: &Database) -> Result<Option<i64>, DbError> {
        let _one = self.reloading.lock().unwrap_or_else(|e| e.into_inner());
        let stored = db.directory_version()?;
        if stored == self.snapshot().version {
            return Ok(None);
        }
        let mut snapshot = Snapshot::load(db)?;
        if self.postcodes_in_memory.load(Ordering::SeqCst) {
            let held = self.snapshot().postcodes.clone();
            let stamp = PostcodeIndex::stamp_of(db)?;
            match held {
                Some(index) if index.stamp() == stamp => snapshot.postcodes = Some(index),
                held => {
                    // The postcode tables changed. Serve the new version from the database
                    // while the new tables are read, so the old and new are never both held.
                    drop(held);
                    self.replace(snapshot);
                    snapshot = Self::load_with_postcodes(db)?;
                }
            }
        }
        let version = snapshot.version;
        self.replace(snapshot);
        Ok(Some(version))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::CentreKind;
    use proptest::prelude::*;

    fn snapshot_of(points: &[(f64, f64)]) -> Snapshot {
        let centres = points
            .iter()
            .enumerate()
            .map(|(i, &(lat, lon))| Centre::placeholder(i, Coordinates::new(lat, lon).unwrap()))
            .collect();
        Snapshot::build(
            1,
            String::new(),
            Datasets {
                centres,
                ..Datasets::default()
            },
        )
    }

    /// The answer of a full scan: every accepted centre within `max_km`, by distance.
    fn brute_force(
        s: &Snapshot,
        from: Coordinates,
        limit: usize,
        max_km: Option<f64>,
        accept: impl Fn(&Centre) -> bool,
    ) -> Vec<(String, f64)> {
        let mut all: Vec<(String, f64)> = s
            .centres()
            .iter()
            .filter(|c| accept(c))
            .map(|c| (c.id.clone(), from.distance_km(c.location)))
            .filter(|(_, d)| max_km.is_none_or(|m| *d <= m))
            .collect();
        all.sort_by(|a, b| a.1.total_cmp(&b.1));
        all.truncate(limit);
        all
    }

    fn uk_point() -> impl Strategy<Value = (f64, f64)> {
        (49.9f64..60.8, -8.2f64..1.7)
    }

    fn area_at(
        i: usize,
        (lat, lon): (f64, f64),
        territory: Territory,
        split: bool,
    ) -> PostcodeArea {
        PostcodeArea {
            area: format!("A{i}"),
            name: format!("Area {i}"),
            territory,
            also_in: if split { vec![Nation::Wales] } else { vec![] },
            centroid: Coordinates::new(lat, lon).unwrap(),
            notes: String::new(),
            provenance: crate::dataset::Provenance {
                source: "test".into(),
                last_verified: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                unverified: vec![],
            },
        }
    }

    /// The rule of [`Snapshot::territory_of_point`], in Haversine kilometres over a list.
    fn territory_by_hand(areas: &[PostcodeArea], here: Coordinates) -> Option<Territory> {
        let distance = |a: &PostcodeArea| here.distance_km(a.centroid);
        let nearest = areas
            .iter()
            .min_by(|a, b| distance(a).total_cmp(&distance(b)))?;
        let reach = distance(nearest) + POINT_NATION_MARGIN_KM;
        (nearest.also_in.is_empty()
            && areas
                .iter()
                .filter(|a| distance(a) <= reach)
                .all(|a| a.territory == nearest.territory))
        .then_some(nearest.territory)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// A point's territory is what the rule says when worked out by hand.
        #[test]
        fn territory_of_a_point_follows_the_rule(
            areas in prop::collection::vec(
                (uk_point(), prop::option::weighted(0.1, 0usize..3), prop::bool::weighted(0.05)),
                0..150,
            ),
            from in prop::collection::vec(uk_point(), 20),
        ) {
            let territories = [Territory::England, Territory::Wales, Territory::Scotland];
            // Mostly in bands of latitude, as nations lie, so that whole cells agree; some
            // areas elsewhere, and some spanning two nations.
            let band = |lat: f64| if lat < 53.0 { 0 } else if lat < 56.0 { 1 } else { 2 };
            let areas: Vec<PostcodeArea> = areas
                .iter()
                .enumerate()
                .map(|(i, &(at, odd, split))| {
                    area_at(i, at, territories[odd.unwrap_or(band(at.0))], split)
                })
                .collect();
            let s = Snapshot::build(1, String::new(), Datasets { areas: areas.clone(), ..Datasets::default() });
            // Each point with three more near it, and the corners of the box.
            let near = [(0.0, 0.0), (0.031, -0.047), (-0.052, 0.018), (0.004, 0.066)];
            let points = from
                .iter()
                .flat_map(|&(lat, lon)| near.iter().map(move |(a, b)| (lat + a, lon + b)))
                .chain([(49.0, -8.75), (61.0, 2.0), (49.0, 2.0), (61.0, -8.75)]);
            for (lat, lon) in points {
                let here = Coordinates::new(lat, lon).unwrap();
                prop_assert_eq!(s.territory_of_point(here), territory_by_hand(&areas, here));
                let nearest = s.nearest_area(here).map(|a| here.distance_km(a.centroid));
                let by_hand = areas.iter().map(|a| here.distance_km(a.centroid)).min_by(f64::total_cmp);
                prop_assert_eq!(nearest.map(|d| (d * 1e6).round()), by_hand.map(|d| (d * 1e6).round()));
            }
        }

        /// nearest (and within, by max_km) returns exactly what a full Haversine scan returns.
        #[test]
        fn nearest_and_within_match_a_full_scan(
            points in prop::collection::vec(uk_point(), 0..300),
            from in uk_point(),
            limit in 0usize..40,
            max_km in prop::option::of(0.0f64..900.0),
            only_tya in any::<bool>(),
        ) {
            let s = snapshot_of(&points);
            let from = Coordinates::new(from.0, from.1).unwrap();
            let accept = |c: &Centre| !only_tya || c.kind == CentreKind::TyaUnit;
            let want = brute_force(&s, from, limit, max_km, accept);
            let got: Vec<(String, f64)> = s
                .nearest(from, limit, max_km, accept)
                .iter()
                .map(|h| (h.centre.id.clone(), h.distance_km))
                .collect();
            prop_assert_eq!(got.len(), want.len());
            for (g, w) in got.iter().zip(&want) {
                // Same distances in the same order; ids agree unless two centres tie.
                prop_assert!((g.1 - w.1).abs() < 1e-9, "{:?} vs {:?}", g, w);
                if g.0 != w.0 {
                    let tie = want.iter().any(|o| o.0 == g.0 && (o.1 - w.1).abs() < 1e-9);
                    prop_assert!(tie, "{:?} vs {:?}", g, w);
                }
            }
            for pair in got.windows(2) {
                prop_assert!(pair[0].1 <= pair[1].1);
            }
        }
    }

    #[test]
    fn centres_at_one_place_come_in_snapshot_order() {
        let s = snapshot_of(&[(53.8, -1.5), (51.5, -0.1), (53.8, -1.5), (53.8, -1.5)]);
        let from = Coordinates::new(53.0, -1.0).unwrap();
        let ids: Vec<&str> = s
            .nearest(from, 10, None, |_| true)
            .iter()
            .map(|h| h.centre.id.as_str())
            .collect();
        let want: Vec<&str> = [0, 2, 3, 1]
            .iter()
            .map(|&i| s.centres()[i].id.as_str())
            .collect();
        assert_eq!(ids, want);
        let first_two: Vec<&str> = s
            .nearest(from, 2, None, |_| true)
            .iter()
            .map(|h| h.centre.id.as_str())
            .collect();
        assert_eq!(first_two, want[..2]);
    }

    #[test]
    fn nearest_of_nothing_is_empty() {
        let s = snapshot_of(&[(53.8, -1.5)]);
        let from = Coordinates::new(51.5, -0.1).unwrap();
        assert!(s.nearest(from, 0, None, |_| true).is_empty());
        assert!(s.nearest(from, 5, Some(10.0), |_| true).is_empty());
        assert_eq!(s.nearest(from, 5, None, |_| true).len(), 1);
    }
}
