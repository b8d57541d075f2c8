//! Where is this? The geocoding chain: postcode table → district centroid → online geocoder
//! (cached) → postcode area centroid → place name. Every answer says how precise it is and
//! which source gave it. Raw postcodes never reach the logs: at most the outward code.

pub mod places;
pub mod postcodes_io;

use serde::Serialize;

use crate::dataset::District;
use crate::db::rows::GeocodeCacheRow;
use crate::db::{Database, DbError, Storage};
use crate::domain::coordinates::point_text;
use crate::domain::{Coordinates, Nation, PostcodeQuery, Territory, Vocabulary};
use crate::index::gazetteer::{name_key, Found};
use crate::index::Snapshot;
use crate::with_connection;
use postcodes_io::{Answer, PostcodesIo};

/// How precisely a location is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    /// The exact point asked for.
    Point,
    /// A full postcode (a street or part of one).
    Postcode,
    /// The centre of a postcode district (outcode, e.g. LS9).
    District,
    /// The approximate centre of a postcode area (e.g. LS): coarse.
    Area,
    /// The centre of a town or city we know by name.
    Place,
}

/// Which source answered a location.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LocationSource {
    /// The point as given.
    Point,
    /// The loaded postcode directory (or the district centres derived from it).
    Postcodes,
    /// The shipped postcode district centres.
    PostcodeDistricts,
    /// The shipped place gazetteer.
    Places,
    /// The online geocoder (or its cache).
    Geocoder,
    /// The shipped postcode areas.
    PostcodeAreas,
    /// The towns of the listed centres.
    Centres,
}

/// What the service understood a location to be.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Location {
    pub lat: f64,
    pub lon: f64,
    pub precision: Precision,
    /// The UK nation, or null for a Crown Dependency or when unknown.
    pub nation: Option<Nation>,
    /// `crown_dependency` for Guernsey, Jersey and the Isle of Man.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub territory: Option<Territory>,
    /// Which source answered.
    pub source: LocationSource,
    /// The postcode, outcode, area or place as understood (normalised).
    pub query: String,
    /// A terminated (no longer used) postcode that still has a location.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terminated: Option<bool>,
    /// A plain-language caveat about the answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The place, when the location is a place found by name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<PlaceSummary>,
    /// Other places of the same name, largest first, when the name is shared.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<PlaceSummary>,
    /// The nearest place we know, for a point.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub near: Option<NearPlace>,
}

/// A place of the gazetteer, as answers name it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlaceSummary {
    /// The place's id in the `places` dataset.
    pub id: String,
    pub name: String,
    /// The name it was found under, when that is one of its other names (`Wrecsam`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_name: Option<String>,
    /// County, council area or unitary authority, when known.
    pub county: Option<String>,
    /// The UK nation, or `crown_dependency`.
    pub nation: Territory,
    pub lat: f64,
    pub lon: f64,
    /// Population, when the source gives it.
    pub population: Option<i64>,
}

impl From<Found<'_>> for PlaceSummary {
    fn from(f: Found<'_>) -> Self {
        let mut summary = PlaceSummary::from(f.place);
        if f.name != f.place.name {
            summary.matched_name = Some(f.name.to_string());
        }
        summary
    }
}

impl From<&crate::dataset::Place> for PlaceSummary {
    fn from(p: &crate::dataset::Place) -> Self {
        PlaceSummary {
            id: p.id.clone(),
            name: p.name.clone(),
            matched_name: None,
            county: (!p.county.is_empty()).then(|| p.county.clone()),
            nation: p.territory,
            lat: p.location.lat(),
            lon: p.location.lon(),
            population: p.population,
        }
    }
}

/// The nearest place to a point.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NearPlace {
    #[serde(flatten)]
    pub place: PlaceSummary,
    /// From the point, in kilometres.
    pub distance_km: f64,
}

/// What is at a point: the nearest postcode (when the postcode directory is held in memory),
/// the postcode district whose centre is nearest, and the nearest place.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Reverse {
    /// The nearest postcode in use, when the postcode directory is loaded.
    pub postcode: Option<NearPostcode>,
    /// The postcode district whose centre is nearest (the district the point is in, except
    /// near a district's edge).
    pub district: Option<NearDistrict>,
    /// The nearest place in the gazetteer, however far.
    pub place: Option<NearPlace>,
}

/// A postcode near a point.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NearPostcode {
    pub postcode: String,
    pub lat: f64,
    pub lon: f64,
    /// From the point, in kilometres.
    pub distance_km: f64,
    /// Whether the postcode is no longer in use.
    pub terminated: bool,
}

/// A postcode district near a point.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NearDistrict {
    pub outcode: String,
    /// Its post town, when known.
    pub town: Option<String>,
    pub lat: f64,
    pub lon: f64,
    /// From the point to the district's centre, in kilometres.
    pub distance_km: f64,
}

/// How many districts around a point are searched for its nearest postcode.
const REVERSE_DISTRICTS: usize = 8;

fn round_km(km: f64) -> f64 {
    (km * 100.0).round() / 100.0
}

/// What is at `here`.
pub fn reverse(snapshot: &Snapshot, here: Coordinates) -> Reverse {
    let nearby: Vec<&District> = snapshot
        .districts_near(here)
        .take(REVERSE_DISTRICTS)
        .collect();
    let postcode = snapshot.postcodes.as_ref().and_then(|index| {
        let outcodes: Vec<&str> = nearby.iter().map(|d| d.outcode.as_str()).collect();
        index
            .nearest_in(&outcodes, here)
            .map(|(postcode, found, km)| NearPostcode {
                postcode,
                lat: found.lat,
                lon: found.lon,
                distance_km: round_km(km),
                terminated: found.terminated,
            })
    });
    let district = nearby.first().and_then(|d| {
        let c = d.centroid?;
        Some(NearDistrict {
            outcode: d.outcode.clone(),
            town: (!d.town.is_empty()).then(|| d.town.clone()),
            lat: c.lat(),
            lon: c.lon(),
            distance_km: round_km(here.distance_km(c)),
        })
    });
    let place = snapshot
        .places
        .nearest(here)
        .next()
        .map(|(p, km)| NearPlace {
            place: PlaceSummary::from(p),
            distance_km: round_km(km),
        });
    Reverse {
        postcode,
        district,
        place,
    }
}

/// How far a point may be from the nearest place we know and still be said to be near it.
pub const NEAR_PLACE_KM: f64 = 15.0;

impl Location {
    pub fn coordinates(&self) -> Coordinates {
        Coordinates::new(self.lat, self.lon).expect("locations are inside the UK box")
    }
}

/// Said of a point whose nation comes from the postcode areas around it.
pub fn point_nation_note() -> String {
    crate::tr!("note-point-nation")
}

/// What the caller asked about.
#[derive(Debug, Clone)]
pub enum Place {
    Point(Coordinates),
    Postcode(PostcodeQuery),
    /// Free text: a postcode in any form, or a place name.
    Text(String),
}

#[derive(Debug, thiserror::Error)]
pub enum GeocodeError {
    /// A well-formed postcode that does not exist; `fallback` is the nearest thing we know.
    #[error("{message}")]
    UnknownPostcode {
        message: String,
        fallback: Option<Box<Location>>,
    },
    #[error("{}", crate::tr!("error-unknown-place", place = text.as_str(), did_you_mean = did_you_mean(suggestions)))]
    UnknownPlace {
        text: String,
        /// Places spelt nearly like the text.
        suggestions: Vec<PlaceSummary>,
    },
    #[error(transparent)]
    Db(#[from] DbError),
}

fn did_you_mean(suggestions: &[PlaceSummary]) -> String {
    if suggestions.is_empty() {
        return String::new();
    }
    let names: Vec<String> = suggestions.iter().map(describe_place).collect();
    crate::tr!(
        "did-you-mean-list",
        places = names.join(&crate::tr!("or-separator"))
    )
}

/// A place as a reader tells it from others of its name: "Newport, Isle of Wight".
pub fn describe_place(p: &PlaceSummary) -> String {
    match &p.county {
        Some(county) if county != &p.name => format!("{}, {county}", p.name),
        _ => match p.nation.nation() {
            Some(n) => format!("{}, {}", p.name, n.display_name()),
            None => p.name.clone(),
        },
    }
}

/// The chain, configured.
#[derive(Clone)]
pub struct Geocoder {
    online: Option<PostcodesIo>,
}

impl Geocoder {
    pub fn new(online_base: Option<&str>) -> Self {
        Self {
            online: online_base.map(PostcodesIo::new),
        }
    }

    /// The chain as configured by `GEOCODER`.
    pub fn from_setting(setting: &crate::config::GeocoderSetting) -> Self {
        match setting {
            crate::config::GeocoderSetting::Off => Self::new(None),
            crate::config::GeocoderSetting::Url(url) => Self::new(Some(url)),
        }
    }

    /// Answer where `place` is.
    pub async fn locate(
        &self,
        db: &Database,
        snapshot: &Snapshot,
        place: Place,
    ) -> Result<Location, GeocodeError> {
        match place {
            Place::Point(c) => Ok(Location::at_point(snapshot, c)),
            Place::Postcode(q) => self.locate_postcode(db, snapshot, q).await,
            Place::Text(text) => match PostcodeQuery::parse(&text) {
                Some(q) if snapshot.areas.contains_key(q.area()) || is_full(&q) => {
                    self.locate_postcode(db, snapshot, q).await
                }
                _ => match locate_place(snapshot, &text) {
                    Err(unknown @ GeocodeError::UnknownPlace { .. }) => {
                        match self.online_place(db, &text).await? {
                            Some(found) => Ok(found),
                            None => Err(unknown),
                        }
                    }
                    other => other,
                },
            },
        }
    }

    async fn locate_postcode(
        &self,
        db: &Database,
        snapshot: &Snapshot,
        q: PostcodeQuery,
    ) -> Result<Location, GeocodeError> {
        let area_code = q.area().to_string();
        let Some(area) = snapshot.areas.get(&area_code) else {
            return Err(GeocodeError::UnknownPostcode {
                message: crate::tr!(
                    "error-postcode-area-unknown",
                    postcode = display(&q),
                    area = area_code.as_str()
                ),
                fallback: None,
            });
        };
        let area_nation = area.unambiguous_nation().or(area.territory.nation());
        let territory = Some(area.territory);
        let area_location = |note: String| Location {
            lat: area.centroid.lat(),
            lon: area.centroid.lon(),
            precision: Precision::Area,
            nation: area_nation,
            territory,
            source: LocationSource::PostcodeAreas,
            query: area_code.clone(),
            terminated: None,
            place: None,
            alternatives: Vec::new(),
            near: None,
            note: Some(note),
        };
        let stored = lookup_stored(db, snapshot, &q).await?;
        if let Some(found) = stored {
            return Ok(found.with_area_defaults(area_nation, territory));
        }
        // The shipped district centres: exact for an outcode or a sector; for a full postcode,
        // used when the online geocoder cannot say.
        let shipped = q
            .outcode()
            .and_then(|outcode| snapshot.districts.get(outcode))
            .and_then(|d| shipped_district_location(&q, d));
        if !is_full(&q) {
            if let Some(found) = shipped {
                return Ok(found);
            }
        }
        // Online geocoder (cached), for full postcodes and outcodes.
        let mut unavailable = false;
        if let (Some(online), Some(key)) = (&self.online, online_key(&q)) {
            let ask = if is_full(&q) {
                Ask::Postcode(&key)
            } else {
                Ask::Outcode(&key)
            };
            let precision = if is_full(&q) {
                Precision::Postcode
            } else {
                Precision::District
            };
            match self.online_answer(db, online, ask).await? {
                Some(Answer::Found {
                    lat,
                    lon,
                    territory: found,
                }) => {
                    let found = found.as_deref().and_then(|t| Territory::parse(t).ok());
                    let t = found.or(territory);
                    return Ok(Location {
                        lat,
                        lon,
                        precision,
                        nation: t.and_then(Territory::nation).or(if t.is_some() {
                            None
                        } else {
                            area_nation
                        }),
                        territory: t,
                        source: LocationSource::Geocoder,
                        query: key,
                        terminated: None,
                        place: None,
                        alternatives: Vec::new(),
                        near: None,
                        note: None,
                    });
                }
                Some(Answer::Terminated {
                    lat: Some(lat),
                    lon: Some(lon),
                    year,
                }) => {
                    let at = Coordinates::new(lat, lon).map_err(DbError::Corrupt)?;
                    let t = snapshot.territory_of_point(at).or(territory);
                    return Ok(Location {
                        lat,
                        lon,
                        precision: Precision::Postcode,
                        nation: t.and_then(Territory::nation),
                        territory: t,
                        source: LocationSource::Geocoder,
                        query: key,
                        terminated: Some(true),
                        place: None,
                        alternatives: Vec::new(),
                        near: None,
                        note: Some(crate::tr!("note-terminated-shown", since = since(year))),
                    });
                }
                Some(Answer::Terminated { year, .. }) => {
                    let said = crate::tr!("note-terminated-unlocated", since = since(year));
                    let mut found = shipped.clone().unwrap_or_else(|| {
                        area_location(crate::tr!(
                            "note-area-centre-approximate",
                            area = area_code.as_str(),
                            name = area.name.as_str()
                        ))
                    });
                    found.terminated = Some(true);
                    return Ok(found.with_note_first(&said));
                }
                Some(Answer::Unlocated { territory: known }) => {
                    let known = known.as_deref().and_then(|t| Territory::parse(t).ok());
                    let said = crate::tr!("note-unlocated");
                    let mut found = shipped.clone().unwrap_or_else(|| {
                        area_location(crate::tr!(
                            "note-area-centre-used",
                            area = area_code.as_str(),
                            name = area.name.as_str()
                        ))
                    });
                    if let Some(t) = known {
                        found.territory = Some(t);
                        found.nation = t.nation();
                    }
                    return Ok(found.with_note_first(&said));
                }
                Some(Answer::NotFound | Answer::Place { .. }) => {
                    let fallback = shipped.clone().unwrap_or_else(|| {
                        area_location(crate::tr!(
                            "note-area-centre-approximate",
                            area = area_code.as_str(),
                            name = area.name.as_str()
                        ))
                    });
                    return Err(GeocodeError::UnknownPostcode {
                        message: crate::tr!(
                            "error-postcode-unknown-try-area",
                            postcode = display(&q),
                            area = area_code.as_str(),
                            name = area.name.as_str()
                        ),
                        fallback: Some(Box::new(fallback)),
                    });
                }
                None => unavailable = true,
            }
        }
        let said_unavailable = |l: Location| {
            if unavailable {
                l.with_note_first(&online_unavailable())
            } else {
                l
            }
        };
        if let Some(found) = shipped {
            return Ok(said_unavailable(found));
        }
        let mut note = crate::tr!(
            "note-area-only",
            area = area_code.as_str(),
            name = area.name.as_str()
        );
        if let Some(d) = q.outcode().and_then(|o| snapshot.districts.get(o)) {
            if d.non_geographic {
                note = crate::tr!(
                    "note-non-geographic-area",
                    outcode = d.outcode.as_str(),
                    note = note
                );
            }
        }
        if !area.also_in.is_empty() {
            let others: Vec<String> = area.also_in.iter().map(|n| n.display_name()).collect();
            note.push_str(&crate::tr!(
                "note-area-also-in",
                nations = others.join(&crate::tr!("and-separator"))
            ));
        }
        Ok(said_unavailable(area_location(note)))
    }

    /// A place the gazetteer does not know, asked of the online geocoder (cached). `None`
    /// when it is off, unavailable or knows no such place.
    async fn online_place(
        &self,
        db: &Database,
        text: &str,
    ) -> Result<Option<Location>, GeocodeError> {
        let Some(online) = &self.online else {
            return Ok(None);
        };
        let Some(Answer::Place {
            name,
            county,
            lat,
            lon,
            territory,
        }) = self.online_answer(db, online, Ask::Place(text)).await?
        else {
            return Ok(None);
        };
        let territory = territory.as_deref().and_then(|t| Territory::parse(t).ok());
        Ok(Some(Location {
            lat,
            lon,
            precision: Precision::Place,
            nation: territory.and_then(Territory::nation),
            territory,
            source: LocationSource::Geocoder,
            query: name.clone(),
            terminated: None,
            note: None,
            place: territory.map(|nation| PlaceSummary {
                id: String::new(),
                name,
                matched_name: None,
                county,
                nation,
                lat,
                lon,
                population: None,
            }),
            alternatives: Vec::new(),
            near: None,
        }))
    }

    /// The cached or fresh online answer; `None` when the geocoder could not answer.
    async fn online_answer(
        &self,
        db: &Database,
        online: &PostcodesIo,
        ask: Ask<'_>,
    ) -> Result<Option<Answer>, GeocodeError> {
        let cache_key = ask.cache_key();
        let key = cache_key.clone();
        let db_read = db.clone();
        let cached = tokio::task::spawn_blocking(move || -> Result<_, DbError> {
            let mut conn = db_read.get()?;
            with_connection!(&mut conn, |c| c.cached_geocode(&key))
        })
        .await
        .map_err(|e| DbError::Corrupt(e.to_string()))??
        .and_then(cached_answer);
        crate::metrics::geocoder_cache(cached.is_some());
        if let Some(answer) = cached {
            return Ok(Some(answer));
        }
        let fetched = match ask {
            Ask::Postcode(pc) => online.postcode(pc).await,
            Ask::Outcode(outcode) => online.outcode(outcode).await,
            Ask::Place(name) => online.place(name).await,
        };
        let answer = match fetched {
            Ok(a) => a,
            Err(e) => {
                tracing::warn!(asked = ask.redacted(), error = %e, "online geocoder unavailable; falling back");
                return Ok(None);
            }
        };
        let (lat, lon) = match &answer {
            Answer::Found { lat, lon, .. } | Answer::Place { lat, lon, .. } => {
                (Some(*lat), Some(*lon))
            }
            _ => (None, None),
        };
        let row = GeocodeCacheRow {
            postcode: cache_key,
            found: !matches!(answer, Answer::NotFound),
            lat,
            lon,
            nation: answer.territory().map(|t| t.as_str().to_string()),
            fetched_at: crate::import::now_rfc3339(),
            answer: serde_json::to_string(&answer).ok(),
        };
        let db_write = db.clone();
        let stored = tokio::task::spawn_blocking(move || -> Result<(), DbError> {
            let mut conn = db_write.get()?;
            with_connection!(&mut conn, |c| c.cache_geocode(&row))
        })
        .await;
        if let Ok(Err(e)) | Err(e) = stored.map_err(|e| DbError::Corrupt(e.to_string())) {
            tracing::warn!(error = %e, "could not cache a geocoder answer");
        }
        Ok(Some(answer))
    }
}

/// Said when the online geocoder was asked and could not answer.
pub fn online_unavailable() -> String {
    crate::tr!("note-online-unavailable")
}

/// What the online geocoder is asked.
#[derive(Debug, Clone, Copy)]
enum Ask<'a> {
    Postcode(&'a str),
    Outcode(&'a str),
    Place(&'a str),
}

impl Ask<'_> {
    /// The cache key: the postcode or outcode, or `place:` and the normalised name.
    fn cache_key(&self) -> String {
        match self {
            Ask::Postcode(k) | Ask::Outcode(k) => (*k).to_string(),
            Ask::Place(name) => format!("place:{}", name_key(name)),
        }
    }

    /// A form safe for logs: never a full postcode.
    fn redacted(&self) -> &str {
        match self {
            Ask::Postcode(pc) => pc.split(' ').next().unwrap_or_default(),
            Ask::Outcode(o) => o,
            Ask::Place(_) => "a place name",
        }
    }
}

/// A cached answer still fresh enough to use.
fn cached_answer(row: GeocodeCacheRow) -> Option<Answer> {
    let answer = match &row.answer {
        Some(json) => serde_json::from_str(json).ok()?,
        // Rows cached before whole answers were kept.
        None => match (row.found, row.lat, row.lon) {
            (true, Some(lat), Some(lon)) => Answer::Found {
                lat,
                lon,
                territory: row.nation.clone(),
            },
            _ => Answer::NotFound,
        },
    };
    let fetched = chrono::DateTime::parse_from_rfc3339(&row.fetched_at).ok()?;
    let age = chrono::Utc::now().signed_duration_since(fetched);
    (age <= answer.keep_for()).then_some(answer)
}

fn is_full(q: &PostcodeQuery) -> bool {
    matches!(q, PostcodeQuery::Full(_))
}

fn display(q: &PostcodeQuery) -> String {
    match q {
        PostcodeQuery::Full(pc) => pc.to_string(),
        PostcodeQuery::Sector { sector, .. } => sector.clone(),
        PostcodeQuery::Outcode(o) => o.clone(),
        PostcodeQuery::Area(a) => a.clone(),
    }
}

/// The key the online geocoder is asked with: the postcode, or the outcode.
fn online_key(q: &PostcodeQuery) -> Option<String> {
    match q {
        PostcodeQuery::Full(pc) => Some(pc.to_string()),
        PostcodeQuery::Sector { outcode, .. } | PostcodeQuery::Outcode(outcode) => {
            Some(outcode.clone())
        }
        PostcodeQuery::Area(_) => None,
    }
}

impl Location {
    /// A point as given: its nation is that of every postcode area around it.
    pub fn at_point(snapshot: &Snapshot, c: Coordinates) -> Self {
        let territory = snapshot.territory_of_point(c);
        let near = snapshot
            .places
            .nearest(c)
            .next()
            .filter(|(_, km)| *km <= NEAR_PLACE_KM)
            .map(|(p, km)| NearPlace {
                place: PlaceSummary::from(p),
                distance_km: (km * 10.0).round() / 10.0,
            });
        Location {
            lat: c.lat(),
            lon: c.lon(),
            precision: Precision::Point,
            nation: territory.and_then(Territory::nation),
            territory,
            source: LocationSource::Point,
            query: point_text(c.lat(), c.lon(), ","),
            terminated: None,
            place: None,
            alternatives: Vec::new(),
            near,
            note: territory.map(|_| point_nation_note()),
        }
    }

    /// The same location with `said` before its note.
    pub fn with_note_first(mut self, said: &str) -> Self {
        self.note = Some(match self.note.take() {
            Some(note) => format!("{said}; {note}"),
            None => said.to_string(),
        });
        self
    }

    fn with_area_defaults(mut self, nation: Option<Nation>, territory: Option<Territory>) -> Self {
        if self.territory.is_none() {
            self.territory = territory;
        }
        if self.nation.is_none()
            && self
                .territory
                .is_none_or(|t| t != Territory::CrownDependency)
        {
            self.nation = nation;
        }
        self
    }
}

fn postcode_location(
    normal: &str,
    lat: f64,
    lon: f64,
    territory: Option<Territory>,
    terminated: bool,
) -> Location {
    Location {
        lat,
        lon,
        precision: Precision::Postcode,
        nation: territory.and_then(Territory::nation),
        territory,
        source: LocationSource::Postcodes,
        query: normal.to_string(),
        terminated: Some(terminated),
        place: None,
        alternatives: Vec::new(),
        near: None,
        note: terminated.then(|| crate::tr!("note-terminated-shown", since = "")),
    }
}

fn district_location(
    q: &PostcodeQuery,
    outcode: &str,
    lat: f64,
    lon: f64,
    territory: Option<Territory>,
) -> Location {
    Location {
        lat,
        lon,
        precision: Precision::District,
        nation: territory.and_then(Territory::nation),
        territory,
        source: LocationSource::Postcodes,
        query: outcode.to_string(),
        terminated: None,
        place: None,
        alternatives: Vec::new(),
        near: None,
        note: matches!(q, PostcodeQuery::Full(_))
            .then(|| crate::tr!("note-not-in-table", outcode = outcode)),
    }
}

/// How far a postcode typically lies from the centre of its district, as measured on real
/// postcodes (docs/PERFORMANCE.md, "Offline geocoding").
pub fn district_typical_error() -> String {
    crate::tr!("note-district-typical-error")
}

/// A postcode, sector or outcode located by the shipped centre of its district; `None` for a
/// non-geographic district without a position.
fn shipped_district_location(q: &PostcodeQuery, d: &District) -> Option<Location> {
    let centroid = d.centroid?;
    let note = match q {
        PostcodeQuery::Full(_) => Some(crate::tr!(
            "note-district-for-postcode",
            outcode = d.outcode.as_str(),
            town = town_in_brackets(&d.town),
            error = district_typical_error()
        )),
        PostcodeQuery::Sector { .. } => Some(crate::tr!(
            "note-district-for-sector",
            outcode = d.outcode.as_str(),
            town = town_in_brackets(&d.town)
        )),
        _ => None,
    };
    let note = match (note, d.non_geographic) {
        (Some(n), true) => Some(format!(
            "{n}; {}",
            crate::tr!("note-non-geographic-district")
        )),
        (None, true) => Some(crate::tr!("note-non-geographic-district")),
        (n, false) => n,
    };
    Some(Location {
        lat: centroid.lat(),
        lon: centroid.lon(),
        precision: Precision::District,
        nation: d.territory.nation(),
        territory: Some(d.territory),
        source: LocationSource::PostcodeDistricts,
        query: d.outcode.clone(),
        terminated: None,
        place: None,
        alternatives: Vec::new(),
        near: None,
        note,
    })
}

/// " (since 2019)" for a terminated postcode's year, when known.
fn since(year: Option<i32>) -> String {
    year.map(|y| crate::tr!("since-year", year = y.to_string()))
        .unwrap_or_default()
}

fn town_in_brackets(town: &str) -> String {
    if town.is_empty() {
        String::new()
    } else {
        format!(" ({town})")
    }
}

fn territory_of(nation: Option<&str>) -> Option<Territory> {
    nation.and_then(|n| Territory::parse(n).ok())
}

/// The postcode table, then district centroids: from memory when `serve` holds them there,
/// otherwise from the database.
async fn lookup_stored(
    db: &Database,
    snapshot: &Snapshot,
    q: &PostcodeQuery,
) -> Result<Option<Location>, DbError> {
    if let Some(index) = &snapshot.postcodes {
        if let PostcodeQuery::Full(pc) = q {
            if let Some(f) = index.postcode(pc.as_str()) {
                return Ok(Some(postcode_location(
                    pc.as_str(),
                    f.lat,
                    f.lon,
                    f.territory,
                    f.terminated,
                )));
            }
        }
        return Ok(q.outcode().and_then(|outcode| {
            index
                .district(outcode)
                .map(|f| district_location(q, outcode, f.lat, f.lon, f.territory))
        }));
    }
    let q = q.clone();
    let db = db.clone();
    // The notes are written in the request's language, on the blocking thread too.
    let lang = crate::i18n::current();
    tokio::task::spawn_blocking(move || -> Result<Option<Location>, DbError> {
        let mut conn = db.get()?;
        crate::i18n::sync_scope(lang, || {
            with_connection!(&mut conn, |c| {
                if let PostcodeQuery::Full(pc) = &q {
                    if let Some(row) = c.find_postcode(pc.as_str())? {
                        return Ok(Some(postcode_location(
                            pc.as_str(),
                            row.lat,
                            row.lon,
                            territory_of(row.nation.as_deref()),
                            row.terminated,
                        )));
                    }
                }
                if let Some(outcode) = q.outcode() {
                    if let Some(row) = c.find_district(outcode)? {
                        return Ok(Some(district_location(
                            &q,
                            outcode,
                            row.lat,
                            row.lon,
                            territory_of(row.nation.as_deref()),
                        )));
                    }
                }
                Ok(None)
            })
        })
    })
    .await
    .map_err(|e| DbError::Corrupt(e.to_string()))?
}

/// A place by name: the gazetteer first, then a postcode area named after it, then the
/// towns of the centres we list.
fn locate_place(snapshot: &Snapshot, text: &str) -> Result<Location, GeocodeError> {
    let key = name_key(text);
    let shown: String = text.trim().chars().take(40).collect();
    if key.is_empty() {
        return Err(GeocodeError::UnknownPlace {
            text: shown,
            suggestions: Vec::new(),
        });
    }
    let suggestions = match places::look_up(&snapshot.places, text) {
        places::Lookup::Found {
            chosen,
            alternatives,
            unmatched_qualifier,
        } => return Ok(place_location(chosen, alternatives, unmatched_qualifier)),
        places::Lookup::Unknown { suggestions } => suggestions,
    };
    if let Some(area) = snapshot.areas.values().find(|a| name_key(&a.name) == key) {
        return Ok(Location {
            lat: area.centroid.lat(),
            lon: area.centroid.lon(),
            precision: Precision::Place,
            nation: area.unambiguous_nation().or(area.territory.nation()),
            territory: Some(area.territory),
            source: LocationSource::PostcodeAreas,
            query: area.name.clone(),
            terminated: None,
            place: None,
            alternatives: Vec::new(),
            near: None,
            note: Some(crate::tr!(
                "note-area-centre-approximate",
                area = area.area.as_str(),
                name = area.name.as_str()
            )),
        });
    }
    let in_town: Vec<_> = snapshot
        .centres()
        .iter()
        .filter(|c| name_key(&c.town) == key)
        .collect();
    if let Some(first) = in_town.first() {
        let n = in_town.len() as f64;
        let lat = in_town.iter().map(|c| c.location.lat()).sum::<f64>() / n;
        let lon = in_town.iter().map(|c| c.location.lon()).sum::<f64>() / n;
        return Ok(Location {
            lat,
            lon,
            precision: Precision::Place,
            nation: Some(first.nation),
            territory: Some(first.nation.into()),
            source: LocationSource::Centres,
            query: first.town.clone(),
            terminated: None,
            place: None,
            alternatives: Vec::new(),
            near: None,
            note: Some(crate::tr!(
                "note-centres-middle",
                town = first.town.as_str()
            )),
        });
    }
    Err(GeocodeError::UnknownPlace {
        text: shown,
        suggestions: suggestions.into_iter().map(PlaceSummary::from).collect(),
    })
}

/// A place of the gazetteer as a location.
fn place_location(
    chosen: Found<'_>,
    alternatives: Vec<Found<'_>>,
    unmatched_qualifier: Option<String>,
) -> Location {
    let place = chosen.place;
    let summary = PlaceSummary::from(chosen);
    let mut notes = Vec::new();
    if let Some(q) = unmatched_qualifier {
        let q: String = q.chars().take(40).collect();
        notes.push(crate::tr!(
            "note-qualifier-unmatched",
            place = place.name.as_str(),
            qualifier = q
        ));
    }
    if !alternatives.is_empty() {
        notes.push(crate::tr!(
            "note-ambiguous-place",
            name = chosen.name,
            place = describe_place(&summary)
        ));
    }
    Location {
        lat: place.location.lat(),
        lon: place.location.lon(),
        precision: Precision::Place,
        nation: place.territory.nation(),
        territory: Some(place.territory),
        source: LocationSource::Places,
        query: place.name.clone(),
        terminated: None,
        note: (!notes.is_empty()).then(|| notes.join("; ")),
        place: Some(summary),
        alternatives: alternatives.into_iter().map(PlaceSummary::from).collect(),
        near: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(answer: &Answer, days_old: i64) -> GeocodeCacheRow {
        GeocodeCacheRow {
            postcode: "LS9 7TF".into(),
            found: !matches!(answer, Answer::NotFound),
            lat: None,
            lon: None,
            nation: None,
            fetched_at: (chrono::Utc::now() - chrono::Duration::days(days_old)).to_rfc3339(),
            answer: serde_json::to_string(answer).ok(),
        }
    }

    #[test]
    fn not_found_is_kept_a_day_and_found_a_month() {
        let found = Answer::Found {
            lat: 53.8,
            lon: -1.5,
            territory: Some("england".into()),
        };
        assert_eq!(cached_answer(row(&found, 29)), Some(found.clone()));
        assert_eq!(cached_answer(row(&found, 31)), None);
        assert_eq!(
            cached_answer(row(&Answer::NotFound, 0)),
            Some(Answer::NotFound)
        );
        assert_eq!(cached_answer(row(&Answer::NotFound, 2)), None);
    }

    #[test]
    fn rows_cached_before_whole_answers_still_read() {
        let mut old = row(&Answer::NotFound, 0);
        old.answer = None;
        old.found = true;
        old.lat = Some(53.8);
        old.lon = Some(-1.5);
        assert!(matches!(cached_answer(old), Some(Answer::Found { .. })));
    }
}
