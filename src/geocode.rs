//! Where is this? The geocoding chain: postcode table → district centroid → online geocoder
//! (cached) → postcode area centroid → place name. Every answer says how precise it is and
//! which source gave it. Raw postcodes never reach the logs: at most the outward code.

pub mod postcodes_io;

use serde::Serialize;

use crate::db::rows::GeocodeCacheRow;
use crate::db::{Database, DbError, Storage};
use crate::domain::coordinates::point_text;
use crate::domain::{Coordinates, Nation, PostcodeQuery, Territory, Vocabulary};
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
    /// The postcode or district tables.
    Postcodes,
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
}

impl Location {
    pub fn coordinates(&self) -> Coordinates {
        Coordinates::new(self.lat, self.lon).expect("locations are inside the UK box")
    }
}

/// Said of a point whose nation comes from the postcode areas around it.
pub const POINT_NATION_NOTE: &str = "the nation is that of every postcode area around this point; search by postcode to be sure close to a border";

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
    #[error(
        "we can't find a place called '{0}'; try a postcode, an outcode such as LS9, or a town"
    )]
    UnknownPlace(String),
    #[error(transparent)]
    Db(#[from] DbError),
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
                _ => locate_place(snapshot, &text),
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
                message: format!(
                    "we can't find the postcode '{}': '{area_code}' is not a UK postcode area. Check it and try again",
                    display(&q)
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
            note: Some(note),
        };
        let stored = lookup_stored(db, snapshot, &q).await?;
        if let Some(found) = stored {
            return Ok(found.with_area_defaults(area_nation, territory));
        }
        // Online geocoder (cached), for full postcodes and outcodes.
        if let (Some(online), Some(key)) = (&self.online, online_key(&q)) {
            match self.online_answer(db, online, &q, &key).await? {
                Some(Answer::Found {
                    location,
                    territory: found_territory,
                }) => {
                    let t = found_territory.or(territory);
                    return Ok(Location {
                        lat: location.lat(),
                        lon: location.lon(),
                        precision: if is_full(&q) {
                            Precision::Postcode
                        } else {
                            Precision::District
                        },
                        nation: t.and_then(Territory::nation).or(if t.is_some() {
                            None
                        } else {
                            area_nation
                        }),
                        territory: t,
                        source: LocationSource::Geocoder,
                        query: key,
                        terminated: None,
                        note: None,
                    });
                }
                Some(Answer::NotFound) => {
                    let fallback = area_location(format!(
                        "the centre of the {} postcode area ({}); approximate",
                        area_code, area.name
                    ));
                    return Err(GeocodeError::UnknownPostcode {
                        message: format!(
                            "we can't find the postcode '{}'. Check it and try again, or search by the area {area_code} ({}) instead",
                            display(&q),
                            area.name
                        ),
                        fallback: Some(Box::new(fallback)),
                    });
                }
                None => {}
            }
        }
        let mut note = format!(
            "located only to the {} postcode area ({}), so distances are approximate (within about 20-40 km)",
            area_code, area.name
        );
        if !area.also_in.is_empty() {
            let others: Vec<&str> = area.also_in.iter().map(|n| n.display_name()).collect();
            note.push_str(&format!(
                "; this area also has postcodes in {}, so the nation shown is the area's main one",
                others.join(" and ")
            ));
        }
        Ok(area_location(note))
    }

    /// The cached or fresh online answer; `None` when the geocoder could not answer.
    async fn online_answer(
        &self,
        db: &Database,
        online: &PostcodesIo,
        q: &PostcodeQuery,
        key: &str,
    ) -> Result<Option<Answer>, GeocodeError> {
        let cache_key = key.to_string();
        let db_read = db.clone();
        let cached = tokio::task::spawn_blocking(move || -> Result<_, DbError> {
            let mut conn = db_read.get()?;
            with_connection!(&mut conn, |c| c.cached_geocode(&cache_key))
        })
        .await
        .map_err(|e| DbError::Corrupt(e.to_string()))??;
        crate::metrics::geocoder_cache(cached.is_some());
        if let Some(row) = cached {
            return Ok(Some(match (row.found, row.lat, row.lon) {
                (true, Some(lat), Some(lon)) => Answer::Found {
                    location: Coordinates::new(lat, lon).map_err(DbError::Corrupt)?,
                    territory: row.nation.as_deref().and_then(|n| Territory::parse(n).ok()),
                },
                _ => Answer::NotFound,
            }));
        }
        let fetched = if is_full(q) {
            online.postcode(key).await
        } else {
            online.outcode(key).await
        };
        let answer = match fetched {
            Ok(a) => a,
            Err(e) => {
                tracing::warn!(outcode = q.redacted(), error = %e, "online geocoder unavailable; falling back");
                return Ok(None);
            }
        };
        let row = GeocodeCacheRow {
            postcode: key.to_string(),
            found: matches!(answer, Answer::Found { .. }),
            lat: match &answer {
                Answer::Found { location, .. } => Some(location.lat()),
                Answer::NotFound => None,
            },
            lon: match &answer {
                Answer::Found { location, .. } => Some(location.lon()),
                Answer::NotFound => None,
            },
            nation: match &answer {
                Answer::Found { territory, .. } => territory.map(|t| t.as_str().to_string()),
                Answer::NotFound => None,
            },
            fetched_at: crate::import::now_rfc3339(),
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
        Location {
            lat: c.lat(),
            lon: c.lon(),
            precision: Precision::Point,
            nation: territory.and_then(Territory::nation),
            territory,
            source: LocationSource::Point,
            query: point_text(c.lat(), c.lon(), ","),
            terminated: None,
            note: territory.map(|_| POINT_NATION_NOTE.to_string()),
        }
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
        note: terminated.then(|| {
            "this postcode is no longer in use; its last known location is shown".to_string()
        }),
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
        note: matches!(q, PostcodeQuery::Full(_)).then(|| {
            format!("this postcode is not in the postcode table; the centre of the {outcode} district is used")
        }),
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
    tokio::task::spawn_blocking(move || -> Result<Option<Location>, DbError> {
        let mut conn = db.get()?;
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
    .await
    .map_err(|e| DbError::Corrupt(e.to_string()))?
}

/// Normalise a place name for matching: lowercase letters and digits, single spaces.
fn place_key(raw: &str) -> String {
    raw.chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A town or city: a postcode area named after it, else the centres in that town.
fn locate_place(snapshot: &Snapshot, text: &str) -> Result<Location, GeocodeError> {
    let key = place_key(text);
    if key.is_empty() {
        return Err(GeocodeError::UnknownPlace(text.trim().to_string()));
    }
    if let Some(area) = snapshot.areas.values().find(|a| place_key(&a.name) == key) {
        return Ok(Location {
            lat: area.centroid.lat(),
            lon: area.centroid.lon(),
            precision: Precision::Place,
            nation: area.unambiguous_nation().or(area.territory.nation()),
            territory: Some(area.territory),
            source: LocationSource::PostcodeAreas,
            query: area.name.clone(),
            terminated: None,
            note: Some(format!(
                "the centre of the {} postcode area ({}); approximate",
                area.area, area.name
            )),
        });
    }
    let in_town: Vec<_> = snapshot
        .centres()
        .iter()
        .filter(|c| place_key(&c.town) == key)
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
            note: Some(format!(
                "the middle of the centres we list in {}",
                first.town
            )),
        });
    }
    let shown: String = text.trim().chars().take(40).collect();
    Err(GeocodeError::UnknownPlace(shown))
}
