//! The in-memory directory: an immutable snapshot of every dataset plus an R-tree of the
//! centres, rebuilt after each applied import and swapped in atomically, so queries never wait
//! on an import and never see half of two versions.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;
use diesel::Connection;
use rstar::primitives::GeomWithData;
use rstar::RTree;

use crate::dataset::{
    Centre, Dataset, PostcodeArea, ReferralRule, Registry, RegistryStat, TreatmentTopic,
};
use crate::db::{Database, DbError, Storage};
use crate::domain::coordinates::unit_vector_of;
use crate::domain::{Coordinates, Nation, Territory, Vocabulary};
use crate::figures::FigureQuery;
use crate::geocode::memory::PostcodeIndex;
use crate::views::{CentreView, DatasetView, RegistryView, Shared, TopicSummaryView};
use crate::with_connection;

type IndexedPoint = GeomWithData<[f64; 3], usize>;

/// Every topic of a snapshot with its shared summary ([`Snapshot::topics_with_views`]).
pub type TopicsWithViews<'a> = std::iter::Zip<
    std::slice::Iter<'a, TreatmentTopic>,
    std::slice::Iter<'a, Shared<TopicSummaryView>>,
>;

/// One consistent version of the whole directory.
pub struct Snapshot {
    pub version: i64,
    pub updated_at: String,
    centres: Vec<Centre>,
    by_id: HashMap<String, usize>,
    tree: RTree<IndexedPoint>,
    /// Each centre as a unit vector (aligned with `centres`), for the scan of a small directory.
    centre_points: UnitPoints,
    /// Each centre as the destination of a directions link (aligned with `centres`).
    destinations: Vec<String>,
    pub registries: BTreeMap<Nation, Registry>,
    pub topics: Vec<TreatmentTopic>,
    pub referral_rules: Vec<ReferralRule>,
    pub areas: HashMap<String, PostcodeArea>,
    pub stats: Vec<RegistryStat>,
    /// Each centre's wire view, serialised once (aligned with `centres`).
    centre_views: Vec<Shared<CentreView>>,
    /// Each topic's summary, serialised once (aligned with `topics`).
    topic_views: Vec<Shared<TopicSummaryView>>,
    /// The version and time of this snapshot as answers give them, serialised once.
    dataset_view: Shared<DatasetView>,
    /// Each registry with the figures of a question that names no condition or age (the
    /// common case), serialised once.
    registry_views: BTreeMap<Nation, Shared<RegistryView>>,
    /// Each postcode area's centre as a unit vector, with the area's key in `areas` and its
    /// territory (read for every area near a point whose nation is asked).
    area_points: AreaPoints,
    /// The postcode and district tables, when `serve` holds them in memory (shared by the
    /// snapshots of the same postcode import).
    pub postcodes: Option<Arc<PostcodeIndex>>,
}

/// How much further than the nearest postcode area centre another area centre may be and still
/// have a say in the nation of a point.
pub const POINT_NATION_MARGIN_KM: f64 = 20.0;

/// The mean radius of the Earth used for Haversine distances (as `geo` uses).
const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Up to this many centres, [`Snapshot::nearest`] scans them all rather than walk the R-tree
/// (the shipped directory has about 100; `cargo bench --bench spatial` measures both sides).
const SCAN_MAX: usize = 512;

/// The great-circle distance in kilometres between two points whose unit vectors are a
/// squared chord `chord2` apart.
fn km_of_chord2(chord2: f64) -> f64 {
    2.0 * EARTH_RADIUS_KM * (chord2.sqrt() / 2.0).min(1.0).asin()
}

/// The squared chord between two points on the unit sphere `km` apart.
fn chord2_of_km(km: f64) -> f64 {
    let half_angle = (km / (2.0 * EARTH_RADIUS_KM)).min(std::f64::consts::FRAC_PI_2);
    (2.0 * half_angle.sin()).powi(2)
}

/// The squared chord (the squared Euclidean distance) between two unit vectors.
#[inline]
fn chord2(u: &[f64; 3], v: [f64; 3]) -> f64 {
    (u[0] - v[0]).powi(2) + (u[1] - v[1]).powi(2) + (u[2] - v[2]).powi(2)
}

/// Unit vectors stored coordinate by coordinate, so that the chords to all of them are
/// measured several at a time.
struct UnitPoints {
    x: Vec<f64>,
    y: Vec<f64>,
    z: Vec<f64>,
}

impl UnitPoints {
    fn new(points: &[[f64; 3]]) -> Self {
        Self {
            x: points.iter().map(|p| p[0]).collect(),
            y: points.iter().map(|p| p[1]).collect(),
            z: points.iter().map(|p| p[2]).collect(),
        }
    }

    /// The `limit` points nearest to the unit vector `u` that are within the squared chord
    /// `reach` and that `accept` takes (given their positions), nearest first, as (squared
    /// chord, position); among equal chords the earlier position comes first.
    ///
    /// One pass: the chords are measured eight at a time and compared with a bar (within
    /// reach; once `limit` are kept, nearer than the furthest kept), and only the points under
    /// it are looked at one by one. `accept` is asked only about those.
    fn nearest_accepted(
        &self,
        u: &[f64; 3],
        reach: f64,
        limit: usize,
        mut accept: impl FnMut(usize) -> bool,
    ) -> Vec<(f64, usize)> {
        let mut kept: Vec<(f64, usize)> = Vec::with_capacity(limit.min(self.x.len()));
        if limit == 0 {
            return kept;
        }
        // A point is looked at when its chord is under the bar: `c2 <` the next number above
        // `reach` is `c2 <= reach` (a reach is not negative; an infinite one stays so).
        let mut bar = if reach.is_finite() {
            f64::from_bits(reach.max(0.0).to_bits() + 1)
        } else {
            reach
        };
        let (xs, ys, zs) = (
            self.x.chunks_exact(LANES),
            self.y.chunks_exact(LANES),
            self.z.chunks_exact(LANES),
        );
        let last = (xs.remainder(), ys.remainder(), zs.remainder());
        let mut first = 0;
        // Whole groups (kept apart from the last so that their length is known and the chords
        // are measured several at a time), then the last, partial one.
        for ((x, y), z) in xs.zip(ys).zip(zs) {
            let (chords, under) = chords_under(u, x, y, z, bar);
            if under != 0 {
                keep_under(
                    &mut kept,
                    &mut bar,
                    limit,
                    first,
                    &chords,
                    under,
                    &mut accept,
                );
            }
            first += LANES;
        }
        let (chords, under) = chords_under(u, last.0, last.1, last.2, bar);
        keep_under(
            &mut kept,
            &mut bar,
            limit,
            first,
            &chords,
            under,
            &mut accept,
        );
        kept
    }
}

/// How many chords [`UnitPoints::nearest_accepted`] measures at a time.
const LANES: usize = 8;

/// Part of [`UnitPoints::nearest_accepted`]: the squared chords from `u` to a group of at most
/// [`LANES`] points (the lanes left over are never under the bar), and which are under the
/// bar, one bit each.
#[inline(always)]
fn chords_under(u: &[f64; 3], x: &[f64], y: &[f64], z: &[f64], bar: f64) -> ([f64; LANES], u32) {
    let mut chords = [f64::INFINITY; LANES];
    let mut under = 0u32;
    for lane in 0..x.len().min(LANES) {
        let c2 = chord2(u, [x[lane], y[lane], z[lane]]);
        chords[lane] = c2;
        under |= u32::from(c2 < bar) << lane;
    }
    (chords, under)
}

/// Part of [`UnitPoints::nearest_accepted`]: keep the points of a group (from position
/// `first`) whose chords were under the bar (the bits of `under`), if they are still under it
/// and accepted, and lower the bar once `limit` are kept.
fn keep_under(
    kept: &mut Vec<(f64, usize)>,
    bar: &mut f64,
    limit: usize,
    first: usize,
    chords: &[f64],
    mut under: u32,
    accept: &mut impl FnMut(usize) -> bool,
) {
    while under != 0 {
        let lane = under.trailing_zeros() as usize;
        under &= under - 1;
        let c2 = chords[lane];
        // The bar may have come down since.
        if c2 < *bar && accept(first + lane) {
            // In the last place (the furthest kept gives way when full), then moved up past
            // the further ones: after any equal chords, which belong to earlier positions. The
            // list is short: this beats a binary search and a shift by `insert`.
            let item = (c2, first + lane);
            if kept.len() == limit {
                kept[limit - 1] = item;
            } else {
                kept.push(item);
            }
            let mut at = kept.len() - 1;
            while at > 0 && kept[at - 1].0 > c2 {
                kept[at] = kept[at - 1];
                at -= 1;
            }
            kept[at] = item;
            if kept.len() == limit {
                *bar = kept[limit - 1].0;
            }
        }
    }
}

/// The postcode areas' centres, for the nation of a bare point.
struct AreaPoints {
    points: UnitPoints,
    /// Aligned with `points`: each area's key in `Snapshot::areas`, where it mainly lies, and
    /// whether it lies wholly in that one nation.
    keys: Vec<String>,
    territories: Vec<Territory>,
    in_one_nation: Vec<bool>,
    /// What every point of each cell of a grid over the UK box gets from
    /// [`Snapshot::territory_of_point`], worked out the first time a point in it is asked
    /// about: [`CELL_UNKNOWN`], [`CELL_BORDER`] (it depends on the point: worked out for each),
    /// or [`CELL_SETTLED`] plus the position of the territory in `Territory::ALL`.
    cells: Box<[AtomicU8]>,
}

/// The territory grid: cells of this many degrees of latitude and longitude over
/// `Coordinates::LAT_RANGE` and `LON_RANGE`.
const CELL_DEGREES: f64 = 0.1;
const CELL_ROWS: usize = 120;
const CELL_COLUMNS: usize = 108;
const CELL_UNKNOWN: u8 = 0;
const CELL_BORDER: u8 = 1;
const CELL_SETTLED: u8 = 2;

impl AreaPoints {
    fn new(areas: &[PostcodeArea]) -> Self {
        let vectors: Vec<[f64; 3]> = areas.iter().map(|a| a.centroid.unit_vector()).collect();
        Self {
            points: UnitPoints::new(&vectors),
            keys: areas.iter().map(|a| a.area.clone()).collect(),
            territories: areas.iter().map(|a| a.territory).collect(),
            in_one_nation: areas.iter().map(|a| a.also_in.is_empty()).collect(),
            cells: (0..CELL_ROWS * CELL_COLUMNS)
                .map(|_| AtomicU8::new(CELL_UNKNOWN))
                .collect(),
        }
    }

    /// The cell of the grid `here` lies in.
    fn cell_of(here: Coordinates) -> (usize, usize) {
        let row = ((here.lat() - Coordinates::LAT_RANGE.0) / CELL_DEGREES) as usize;
        let column = ((here.lon() - Coordinates::LON_RANGE.0) / CELL_DEGREES) as usize;
        (row.min(CELL_ROWS - 1), column.min(CELL_COLUMNS - 1))
    }

    /// What every point of a cell gets: one territory when the areas around the whole cell
    /// agree, else [`CELL_BORDER`]. For a point p within h km of the cell's centre c, p's
    /// nearest area is within (nearest to c) + 2h of c, and every area p's rule looks at is
    /// within (nearest to c) + 2h + margin of c; so if all of those lie wholly in one
    /// territory, so does p's answer.
    fn settle(&self, (row, column): (usize, usize)) -> u8 {
        let lat0 = Coordinates::LAT_RANGE.0 + row as f64 * CELL_DEGREES;
        let lon0 = Coordinates::LON_RANGE.0 + column as f64 * CELL_DEGREES;
        let centre = unit_vector_of(lat0 + CELL_DEGREES / 2.0, lon0 + CELL_DEGREES / 2.0);
        // The farthest corner, and ten metres for rounding at the cell's edges.
        let half_diagonal_km = [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)]
            .iter()
            .map(|(a, b)| {
                let corner = unit_vector_of(lat0 + a * CELL_DEGREES, lon0 + b * CELL_DEGREES);
                km_of_chord2(chord2(&centre, corner))
            })
            .fold(0.0, f64::max)
            + 0.01;
        let Some((nearest, nearest_chord2)) = self.nearest(&centre) else {
            return CELL_BORDER;
        };
        let territory = self.territories[nearest];
        let reach_km =
            km_of_chord2(nearest_chord2) + 2.0 * half_diagonal_km + POINT_NATION_MARGIN_KM;
        let agree = self.all_within(&centre, chord2_of_km(reach_km), |i| {
            self.in_one_nation[i] && self.territories[i] == territory
        });
        match Territory::ALL.iter().position(|t| *t == territory) {
            Some(at) if agree => CELL_SETTLED + at as u8,
            _ => CELL_BORDER,
        }
    }

    /// The territory every point of `here`'s cell gets, if they all get the same one.
    fn settled(&self, here: Coordinates) -> Option<Territory> {
        let (row, column) = Self::cell_of(here);
        let cell = &self.cells[row * CELL_COLUMNS + column];
        let mut known = cell.load(Ordering::Relaxed);
        if known == CELL_UNKNOWN {
            // Two threads may both work it out; they store the same answer.
            known = self.settle((row, column));
            cell.store(known, Ordering::Relaxed);
        }
        known
            .checked_sub(CELL_SETTLED)
            .map(|at| Territory::ALL[at as usize])
    }

    /// The position of the area whose centre is nearest to the unit vector `u` (the first of
    /// equals), with the squared chord to it.
    fn nearest(&self, u: &[f64; 3]) -> Option<(usize, f64)> {
        let nearest = self.points.nearest_accepted(u, f64::INFINITY, 1, |_| true);
        nearest.first().map(|&(c2, at)| (at, c2))
    }

    /// Do all areas whose centres are within the squared chord `reach` of `u` pass
    /// `wanted` (given their positions)?
    fn all_within(&self, u: &[f64; 3], reach: f64, wanted: impl Fn(usize) -> bool) -> bool {
        let p = &self.points;
        p.x.iter()
            .zip(&p.y)
            .zip(&p.z)
            .enumerate()
            .fold(true, |all, (i, ((x, y), z))| {
                let c2 = chord2(u, [*x, *y, *z]);
                all & (c2 > reach || wanted(i))
            })
    }
}

/// A fault-injection hook for the crash tests: with `CENTRE_DIRECTORY_TEST_RELOAD_PAUSE_MS`
/// set, every reload of a new version says so on the log and then waits that long inside its
/// read transaction, so a test can kill the process while it is surely mid-reload. Unset (as in
/// every real deployment) it costs one cached lookup.
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

/// A centre found near a point.
#[derive(Debug, Clone, Copy)]
pub struct Hit<'a> {
    pub centre: &'a Centre,
    pub distance_km: f64,
    /// The centre's position in the snapshot.
    pub index: usize,
}

impl Snapshot {
    /// Build a snapshot from already loaded datasets.
    #[allow(clippy::too_many_arguments)]
    pub fn build(
        version: i64,
        updated_at: String,
        centres: Vec<Centre>,
        registries: Vec<Registry>,
        topics: Vec<TreatmentTopic>,
        referral_rules: Vec<ReferralRule>,
        areas: Vec<PostcodeArea>,
        stats: Vec<RegistryStat>,
    ) -> Self {
        let by_id = centres
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i))
            .collect();
        let unit_vectors: Vec<[f64; 3]> =
            centres.iter().map(|c| c.location.unit_vector()).collect();
        let centre_points = UnitPoints::new(&unit_vectors);
        let points = unit_vectors
            .iter()
            .enumerate()
            .map(|(i, v)| IndexedPoint::new(*v, i))
            .collect();
        let mut topics = topics;
        topics.sort_by(|a, b| (a.sort_order, &a.slug).cmp(&(b.sort_order, &b.slug)));
        let centre_views = centres
            .iter()
            .map(|c| Shared::new(CentreView::from(c)))
            .collect();
        let destinations = centres
            .iter()
            .map(|c| crate::answer::directions_destination(c.location.lat(), c.location.lon()))
            .collect();
        let topic_views = topics
            .iter()
            .map(|t| Shared::new(TopicSummaryView::from(t)))
            .collect();
        let mut snapshot = Self {
            centre_views,
            topic_views,
            dataset_view: Shared::new(DatasetView {
                version,
                imported_at: updated_at.clone(),
            }),
            registry_views: BTreeMap::new(),
            area_points: AreaPoints::new(&areas),
            version,
            updated_at,
            by_id,
            tree: RTree::bulk_load(points),
            centre_points,
            destinations,
            centres,
            registries: registries.into_iter().map(|r| (r.nation, r)).collect(),
            topics,
            referral_rules,
            areas: areas.into_iter().map(|a| (a.area.clone(), a)).collect(),
            stats,
            postcodes: None,
        };
        snapshot.registry_views = snapshot
            .registries
            .values()
            .map(|r| {
                let view = RegistryView::new(r, &snapshot, &FigureQuery::default());
                (r.nation, Shared::new(view))
            })
            .collect();
        snapshot
    }

    /// The registry of `nation` with the figures that answer `q`, if that registry is loaded.
    /// Questions without a condition or age are answered from views serialised once, lent
    /// from the snapshot; others get a view of their own.
    pub fn registry_view(
        &self,
        nation: Nation,
        q: &FigureQuery,
    ) -> Option<Cow<'_, Shared<RegistryView>>> {
        if q.cancer.is_none() && q.age.is_none() {
            return self.registry_views.get(&nation).map(Cow::Borrowed);
        }
        RegistryView::of(self, nation, q).map(|view| Cow::Owned(Shared::new(view)))
    }

    /// The postcode area whose centre is nearest to `here`.
    pub fn nearest_area(&self, here: Coordinates) -> Option<&PostcodeArea> {
        let (at, _) = self.area_points.nearest(&here.unit_vector())?;
        self.areas.get(&self.area_points.keys[at])
    }

    /// The nation (or Crown Dependency) of a bare point, when the postcode areas around it
    /// agree: the nearest area lies wholly in one, and every other area centre up to
    /// [`POINT_NATION_MARGIN_KM`] further away lies mainly in the same one. `None` near a
    /// border, where they disagree or the nearest area spans two nations.
    pub fn territory_of_point(&self, here: Coordinates) -> Option<Territory> {
        let areas = &self.area_points;
        if let Some(settled) = areas.settled(here) {
            return Some(settled);
        }
        let u = here.unit_vector();
        let (nearest, nearest_chord2) = areas.nearest(&u)?;
        if !areas.in_one_nation[nearest] {
            return None;
        }
        // Back to kilometres for the margin, then to a chord again.
        let nearest_km = km_of_chord2(nearest_chord2);
        let reach_km =
            (nearest_km + POINT_NATION_MARGIN_KM).min(std::f64::consts::PI * EARTH_RADIUS_KM);
        let territory = areas.territories[nearest];
        areas
            .all_within(&u, chord2_of_km(reach_km), |i| {
                areas.territories[i] == territory
            })
            .then_some(territory)
    }

    /// Read every dataset from the database in one go.
    pub fn load(db: &Database) -> Result<Self, DbError> {
        let mut conn = db.get()?;
        with_connection!(&mut conn, |c| {
            // One read transaction: the datasets and the version belong together.
            c.transaction::<_, DbError, _>(|c| {
                let (version, updated_at) = c.directory_version()?;
                pause_inside_reload(version);
                Ok(Self::build(
                    version,
                    updated_at,
                    Centre::load(c)?,
                    Registry::load(c)?,
                    TreatmentTopic::load(c)?,
                    ReferralRule::load(c)?,
                    PostcodeArea::load(c)?,
                    RegistryStat::load(c)?,
                ))
            })
        })
    }

    pub fn centres(&self) -> &[Centre] {
        &self.centres
    }

    /// The wire view of the centre at `index` (see [`Hit::index`]).
    pub fn centre_view(&self, index: usize) -> &Shared<CentreView> {
        &self.centre_views[index]
    }

    /// The centre at `index` as the destination of a directions link.
    pub fn centre_destination(&self, index: usize) -> &str {
        &self.destinations[index]
    }

    /// The topics' summaries with `keep(topic)` true, in order, shared.
    pub fn topic_views(
        &self,
        keep: impl Fn(&TreatmentTopic) -> bool,
    ) -> Vec<&Shared<TopicSummaryView>> {
        self.topics_with_views()
            .filter(|(t, _)| keep(t))
            .map(|(_, v)| v)
            .collect()
    }

    /// Every topic with its shared summary, in order.
    pub fn topics_with_views(&self) -> TopicsWithViews<'_> {
        self.topics.iter().zip(&self.topic_views)
    }

    /// This snapshot's version and time, as answers give them.
    pub fn dataset_view(&self) -> &Shared<DatasetView> {
        &self.dataset_view
    }

    pub fn centre(&self, id: &str) -> Option<&Centre> {
        self.by_id.get(id).map(|&i| &self.centres[i])
    }

    /// Centres in order of great-circle distance from `from`, keeping those `accept` allows,
    /// at most `limit`, none farther than `max_km`. Centres at the same distance (the units
    /// of one hospital) come in the snapshot's order, which is by id as loaded.
    pub fn nearest<'a>(
        &'a self,
        from: Coordinates,
        limit: usize,
        max_km: Option<f64>,
        accept: impl Fn(&Centre) -> bool,
    ) -> Vec<Hit<'a>> {
        if limit == 0 {
            return Vec::new();
        }
        if self.centres.len() <= SCAN_MAX {
            self.nearest_by_scan(from, limit, max_km, accept)
        } else {
            self.nearest_in_tree(from, limit, max_km, accept)
        }
    }

    /// [`Snapshot::nearest`] by walking the R-tree outwards from `from`.
    fn nearest_in_tree<'a>(
        &'a self,
        from: Coordinates,
        limit: usize,
        max_km: Option<f64>,
        accept: impl Fn(&Centre) -> bool,
    ) -> Vec<Hit<'a>> {
        let mut hits = Vec::with_capacity(limit.min(64));
        for point in self.tree.nearest_neighbor_iter(&from.unit_vector()) {
            let centre = &self.centres[point.data];
            let distance_km = from.distance_km(centre.location);
            if max_km.is_some_and(|m| distance_km > m) {
                break;
            }
            if accept(centre) {
                hits.push(Hit {
                    centre,
                    distance_km,
                    index: point.data,
                });
                if hits.len() == limit {
                    break;
                }
            }
        }
        hits
    }

    /// [`Snapshot::nearest`] by measuring the chord to every centre: for a few hundred
    /// centres, three multiplications each beat walking a tree. Only the centres kept get a
    /// Haversine distance.
    fn nearest_by_scan<'a>(
        &'a self,
        from: Coordinates,
        limit: usize,
        max_km: Option<f64>,
        accept: impl Fn(&Centre) -> bool,
    ) -> Vec<Hit<'a>> {
        let u = from.unit_vector();
        // Chords a little longer than `max_km`'s: the Haversine distance decides at the edge.
        let reach = max_km.map_or(f64::INFINITY, |km| chord2_of_km(km) * (1.0 + 1e-9) + 1e-12);
        let kept = self
            .centre_points
            .nearest_accepted(&u, reach, limit, |i| accept(&self.centres[i]));
        let mut hits = Vec::with_capacity(kept.len());
        for (chord2, index) in kept {
            // The great-circle distance the chord spans: the Haversine distance, to within a
            // nanometre, for a square root and an arcsine.
            let distance_km = km_of_chord2(chord2);
            if max_km.is_some_and(|m| distance_km > m) {
                break;
            }
            hits.push(Hit {
                centre: &self.centres[index],
                distance_km,
                index,
            });
        }
        hits
    }
}

/// The snapshot a request is answered from (see [`Directory::current`]).
pub struct Current(arc_swap::Guard<Arc<Snapshot>>);

impl std::ops::Deref for Current {
    type Target = Snapshot;
    fn deref(&self) -> &Snapshot {
        &self.0
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

    /// The snapshot to keep (a reference of its own: it may outlive reloads).
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    /// The snapshot to answer one request from, held for that request only. Unlike
    /// [`Directory::snapshot`] it does not touch the snapshot's reference count, which every
    /// worker thread would otherwise write at once.
    pub fn current(&self) -> Current {
        Current(self.current.load())
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
            centres,
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
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

    /// Areas in bands of latitude, as nations lie (so whole cells of the grid agree), with
    /// some out of their band and some spanning two nations.
    fn banded_areas(sequence: &mut crate::fuzzing::Sequence, n: usize) -> Vec<PostcodeArea> {
        let territories = [Territory::England, Territory::Wales, Territory::Scotland];
        (0..n)
            .map(|i| {
                let at = (
                    49.9 + sequence.next_unit() * 10.9,
                    -8.2 + sequence.next_unit() * 9.9,
                );
                let band = if at.0 < 53.0 {
                    0
                } else if at.0 < 56.0 {
                    1
                } else {
                    2
                };
                let odd = sequence.next_unit() < 0.1;
                let t = if odd {
                    (sequence.next_u64() % 3) as usize
                } else {
                    band
                };
                area_at(i, at, territories[t], sequence.next_unit() < 0.05)
            })
            .collect()
    }

    #[test]
    fn points_in_settled_cells_follow_the_rule_too() {
        let mut sequence = crate::fuzzing::Sequence::new(7);
        let areas = banded_areas(&mut sequence, 150);
        let s = Snapshot::build(
            1,
            String::new(),
            vec![],
            vec![],
            vec![],
            vec![],
            areas.clone(),
            vec![],
        );
        let mut settled = 0;
        for _ in 0..5_000 {
            let here = Coordinates::new(
                49.0 + sequence.next_unit() * 12.0,
                -8.75 + sequence.next_unit() * 10.75,
            )
            .unwrap();
            settled += usize::from(s.area_points.settled(here).is_some());
            assert_eq!(
                s.territory_of_point(here),
                territory_by_hand(&areas, here),
                "{here:?}"
            );
        }
        assert!(
            settled > 1_000,
            "only {settled} of 5 000 points came from settled cells"
        );
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
            let s = Snapshot::build(1, String::new(), vec![], vec![], vec![], vec![], areas.clone(), vec![]);
            // Each point with three more near it (mostly in the same cell of the grid that
            // settles whole cells), and the corners of the box.
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

        /// The one-pass scan keeps exactly the first `limit` of the accepted points within
        /// reach, sorted by (squared chord, position): ties (points repeated from a few
        /// places) included, with a filter that refuses some.
        #[test]
        fn the_scan_keeps_what_a_sort_keeps(
            places in prop::collection::vec(uk_point(), 1..6),
            picks in prop::collection::vec(0usize..6, 0..70),
            from in uk_point(),
            reach_km in prop::option::of(0.0f64..700.0),
            limit in 0usize..25,
            refuse_every in 1usize..5,
        ) {
            let units: Vec<[f64; 3]> = picks
                .iter()
                .map(|&p| {
                    let (lat, lon) = places[p % places.len()];
                    Coordinates::new(lat, lon).unwrap().unit_vector()
                })
                .collect();
            let points = UnitPoints::new(&units);
            let u = Coordinates::new(from.0, from.1).unwrap().unit_vector();
            let reach = reach_km.map_or(f64::INFINITY, chord2_of_km);
            let accept = |i: usize| i % refuse_every != 1;
            let mut want: Vec<(f64, usize)> = units
                .iter()
                .enumerate()
                .map(|(i, v)| (chord2(&u, *v), i))
                .filter(|&(c2, i)| c2 <= reach && accept(i))
                .collect();
            want.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            want.truncate(limit);
            prop_assert_eq!(points.nearest_accepted(&u, reach, limit, accept), want);
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
            let by_scan = s.nearest(from, limit, max_km, accept);
            let in_tree = if limit == 0 { vec![] } else { s.nearest_in_tree(from, limit, max_km, accept) };
            prop_assert_eq!(by_scan.len(), in_tree.len());
            for (a, b) in by_scan.iter().zip(&in_tree) {
                prop_assert!((a.distance_km - b.distance_km).abs() < 1e-9);
            }
            let got: Vec<(String, f64)> = by_scan
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
