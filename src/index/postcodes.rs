//! The postcode table held in memory by `serve`, so a postcode lookup is a binary search
//! instead of a database query on a blocking thread.
//!
//! 16 bytes a postcode: the postcode packed into a number, with one byte for the nation and
//! the terminated flag, and the coordinates in millionths of a degree (six decimal places,
//! about 11 cm, as the ONS publishes them). The index is read in one read transaction, streaming, and is reused by
//! every new snapshot until a postcode or district import changes the tables. The command
//! line tools do not load it: they ask the database.

use std::collections::HashMap;

use diesel::connection::DefaultLoadingMode;
use diesel::pg::PgRowByRowLoadingMode;
use diesel::prelude::*;

use crate::db::schema::{postcode_districts, postcodes};
use crate::db::{Database, DbConn, DbError, Storage};
use crate::domain::{Territory, Vocabulary};
use crate::import::postcodes::{DISTRICTS, POSTCODES};

/// Which imports the index was read from: the applied postcode and district imports.
pub type Stamp = (Option<i64>, Option<i64>);

/// A postcode or district found in memory.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Found {
    pub lat: f64,
    pub lon: f64,
    pub territory: Option<Territory>,
    pub terminated: bool,
}

/// Every postcode and district, sorted for binary search.
pub struct PostcodeIndex {
    stamp: Stamp,
    /// Sorted by postcode.
    entries: Vec<Entry>,
    districts: HashMap<String, Found>,
}

/// One postcode: 16 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    /// The packed postcode ([`pack`]) shifted up a byte, with the flags in that byte: the
    /// territory's position in `Territory::ALL` plus one (0 when unknown), and [`TERMINATED`].
    /// Sorting by this sorts by postcode.
    key: u64,
    /// Latitude and longitude in millionths of a degree.
    lat: i32,
    lon: i32,
}

const TERMINATED: u8 = 0x80;

impl Entry {
    fn new(postcode: u64, flags: u8, lat: f64, lon: f64) -> Self {
        Self {
            key: postcode << 8 | u64::from(flags),
            lat: micro(lat),
            lon: micro(lon),
        }
    }

    fn postcode(&self) -> u64 {
        self.key >> 8
    }

    fn found(&self) -> Found {
        let flags = self.key as u8;
        Found {
            lat: degrees(self.lat),
            lon: degrees(self.lon),
            territory: territory_from_code(flags),
            terminated: flags & TERMINATED != 0,
        }
    }
}

/// A postcode in its normal form (`LS9 7TF`, at most eight characters of A-Z, 0-9 and space)
/// as a base-38 number that sorts as the text does (42 bits).
fn pack(postcode: &str) -> Option<u64> {
    let bytes = postcode.as_bytes();
    if bytes.is_empty() || bytes.len() > 8 {
        return None;
    }
    let mut key = 0u64;
    for i in 0..8 {
        let digit = match bytes.get(i) {
            None => 0,
            Some(b' ') => 1,
            Some(b @ b'0'..=b'9') => u64::from(b - b'0') + 2,
            Some(b @ b'A'..=b'Z') => u64::from(b - b'A') + 12,
            Some(_) => return None,
        };
        key = key * 38 + digit;
    }
    Some(key)
}

/// The postcode a [`pack`]ed number stands for.
fn unpack(mut key: u64) -> String {
    let mut chars = [0u8; 8];
    for slot in chars.iter_mut().rev() {
        let digit = (key % 38) as u8;
        key /= 38;
        *slot = match digit {
            0 => 0,
            1 => b' ',
            2..=11 => b'0' + digit - 2,
            _ => b'A' + digit - 12,
        };
    }
    chars
        .iter()
        .take_while(|&&b| b != 0)
        .map(|&b| b as char)
        .collect()
}

fn micro(degrees: f64) -> i32 {
    (degrees * 1e6).round() as i32
}

fn degrees(micro: i32) -> f64 {
    f64::from(micro) / 1e6
}

fn territory_code(nation: Option<&str>) -> u8 {
    nation
        .and_then(|n| Territory::parse(n).ok())
        .and_then(|t| Territory::ALL.iter().position(|x| *x == t))
        .map_or(0, |i| i as u8 + 1)
}

fn territory_from_code(code: u8) -> Option<Territory> {
    match code & !TERMINATED {
        0 => None,
        i => Territory::ALL.get(usize::from(i) - 1).copied(),
    }
}

/// A postcode row as read from the table: normal form, latitude, longitude, nation (a
/// `Territory` name), terminated.
pub type PostcodeTuple = (String, f64, f64, Option<String>, bool);
type DistrictTuple = (String, f64, f64, Option<String>);

impl PostcodeIndex {
    /// What the database holds now.
    pub fn stamp_of(db: &Database) -> Result<Stamp, DbError> {
        let mut conn = db.get()?;
        crate::with_connection!(&mut conn, |c| stamp(c))
    }

    pub fn stamp(&self) -> Stamp {
        self.stamp
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.districts.is_empty()
    }

    /// Read both tables, in one read transaction, streaming the postcodes.
    pub fn load(db: &Database) -> Result<Self, DbError> {
        macro_rules! read {
            ($c:expr, $mode:ty) => {{
                let stamp = stamp($c)?;
                let expected = $c.count_postcodes()?.max(0) as usize;
                let districts = postcode_districts::table
                    .select((
                        postcode_districts::outcode,
                        postcode_districts::lat,
                        postcode_districts::lon,
                        postcode_districts::nation,
                    ))
                    .load::<DistrictTuple>($c)?;
                let rows = postcode_query().load_iter::<PostcodeTuple, $mode>($c)?;
                Self::build(stamp, expected, rows, districts)
            }};
        }
        let mut conn = db.get()?;
        match &mut conn {
            DbConn::Sqlite(c) => {
                let c: &mut diesel::SqliteConnection = c;
                c.transaction(|c| read!(c, DefaultLoadingMode))
            }
            DbConn::Postgres(c) => {
                let c: &mut diesel::PgConnection = c;
                c.build_transaction()
                    .read_only()
                    .run(|c| read!(c, PgRowByRowLoadingMode))
            }
        }
    }

    fn build(
        stamp: Stamp,
        expected: usize,
        rows: impl Iterator<Item = QueryResult<PostcodeTuple>>,
        districts: Vec<DistrictTuple>,
    ) -> Result<Self, DbError> {
        let mut entries = Vec::with_capacity(expected);
        for row in rows {
            let (postcode, lat, lon, nation, terminated) = row?;
            let Some(key) = pack(&postcode) else {
                continue; // not a normal-form postcode; the database path still answers it
            };
            let flags = territory_code(nation.as_deref()) | if terminated { TERMINATED } else { 0 };
            entries.push(Entry::new(key, flags, lat, lon));
        }
        let districts = districts
            .into_iter()
            .map(|(outcode, lat, lon, nation)| {
                let found = Found {
                    lat,
                    lon,
                    territory: nation.as_deref().and_then(|n| Territory::parse(n).ok()),
                    terminated: false,
                };
                (outcode, found)
            })
            .collect();
        Ok(Self::with_entries(stamp, entries, districts))
    }

    /// The index of these entries, in any order.
    fn with_entries(
        stamp: Stamp,
        mut entries: Vec<Entry>,
        districts: HashMap<String, Found>,
    ) -> Self {
        // The database's order may differ from the postcodes' (a rowid table, a collation).
        entries.sort_unstable();
        entries.shrink_to_fit();
        Self {
            stamp,
            entries,
            districts,
        }
    }

    /// An index of these postcodes without districts, as [`PostcodeIndex::load`] would make
    /// it from a table holding them (for benchmarks and tests).
    pub fn from_rows(rows: Vec<PostcodeTuple>) -> Self {
        let expected = rows.len();
        Self::build((None, None), expected, rows.into_iter().map(Ok), Vec::new())
            .expect("rows given in memory cannot fail to read")
    }

    /// A full postcode in normal form (`LS9 7TF`).
    pub fn postcode(&self, normal: &str) -> Option<Found> {
        let key = pack(normal)?;
        let at = self
            .entries
            .binary_search_by_key(&key, Entry::postcode)
            .ok()?;
        Some(self.entries[at].found())
    }

    /// The postcode in use nearest to `here` among those of these districts (a terminated one
    /// only when none is in use), with its distance in kilometres. The postcodes of a district sit together in the sorted table.
    pub fn nearest_in(
        &self,
        outcodes: &[&str],
        here: crate::domain::Coordinates,
    ) -> Option<(String, Found, f64)> {
        let mut best: Option<(u64, Found, f64)> = None;
        for outcode in outcodes {
            let (Some(low), Some(high)) = (
                pack(&format!("{outcode} ")),
                pack(&format!(
                    "{outcode} {}",
                    "Z".repeat(7usize.saturating_sub(outcode.len()))
                )),
            ) else {
                continue;
            };
            let start = self.entries.partition_point(|e| e.postcode() < low);
            for e in self.entries[start..]
                .iter()
                .take_while(|e| e.postcode() <= high)
            {
                let found = e.found();
                let Ok(at) = crate::domain::Coordinates::new(found.lat, found.lon) else {
                    continue;
                };
                let km = here.distance_km(at);
                // The nearest postcode in use; a terminated one only when there is none.
                let better = best
                    .as_ref()
                    .is_none_or(|(_, b, d)| (found.terminated, km) < (b.terminated, *d));
                if better {
                    best = Some((e.postcode(), found, km));
                }
            }
        }
        best.map(|(key, found, km)| (unpack(key), found, km))
    }

    /// The centre of a district (`LS9`).
    pub fn district(&self, outcode: &str) -> Option<Found> {
        self.districts.get(outcode).copied()
    }

    /// Memory held, in bytes (for the log).
    pub fn bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<Entry>() + self.districts.len() * 64
    }
}

fn postcode_query() -> diesel::dsl::Select<
    postcodes::table,
    (
        postcodes::postcode,
        postcodes::lat,
        postcodes::lon,
        postcodes::nation,
        postcodes::terminated,
    ),
> {
    postcodes::table.select((
        postcodes::postcode,
        postcodes::lat,
        postcodes::lon,
        postcodes::nation,
        postcodes::terminated,
    ))
}

fn stamp<C: Storage>(c: &mut C) -> Result<Stamp, DbError> {
    Ok((
        c.dataset_state(POSTCODES)?.map(|s| s.import_id),
        c.dataset_state(DISTRICTS)?.map(|s| s.import_id),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sort_as_the_text_does_and_entries_keep_every_field() {
        let mut postcodes = [
            "LS9 7TF", "LS97 1AA", "L1 1AA", "SW1A 1AA", "LS9 7TE", "B1 1AA", "ZE3 9JZ", "A",
        ];
        let mut keys: Vec<u64> = postcodes.iter().map(|p| pack(p).unwrap()).collect();
        keys.sort_unstable();
        postcodes.sort_unstable();
        let again: Vec<u64> = postcodes.iter().map(|p| pack(p).unwrap()).collect();
        assert_eq!(keys, again);
        assert!(keys.iter().all(|k| *k < 1 << 42));
        assert_eq!(pack("TOO LONG9"), None);
        assert_eq!(pack("ls9 7tf"), None, "only the normal form is packed");
        assert_eq!(pack(""), None);
        for p in postcodes {
            assert_eq!(unpack(pack(p).unwrap()), p);
        }

        let mut entries = Vec::new();
        let samples = [
            (
                "ZE3 9JZ",
                59.851232,
                -1.276989,
                Some(Territory::Scotland),
                false,
            ),
            (
                "GY1 3NS",
                49.455,
                -2.536,
                Some(Territory::CrownDependency),
                true,
            ),
            ("BT9 7AB", 54.577, -5.938, None, false),
            ("TR21 0PW", 49.914, -6.318, Some(Territory::England), false),
        ];
        for (pc, lat, lon, t, terminated) in samples {
            let code = territory_code(t.map(|t| t.as_str()));
            let flags = code | if terminated { TERMINATED } else { 0 };
            entries.push(Entry::new(pack(pc).unwrap(), flags, lat, lon));
        }
        let index = PostcodeIndex::with_entries((None, None), entries, HashMap::new());
        for (pc, lat, lon, territory, terminated) in samples {
            let found = index.postcode(pc).unwrap();
            assert_eq!(
                found,
                Found {
                    lat,
                    lon,
                    territory,
                    terminated
                },
                "{pc}"
            );
        }
        assert_eq!(index.postcode("ZE3 9JY"), None);
        assert_eq!(index.postcode("LS9 7TF"), None);
        for v in [53.807296, -1.520264, 60.8, -8.2, 49.9, 0.0, -0.000001] {
            assert_eq!(degrees(micro(v)), v);
        }
        assert_eq!(territory_from_code(territory_code(Some("atlantis"))), None);
        assert_eq!(territory_from_code(territory_code(None)), None);
    }

    #[test]
    fn every_postcode_is_found_and_its_absent_neighbours_are_not() {
        let letters = "ABDEFGHJLNPQRSTUWXYZ";
        let mut rows = Vec::new();
        for (i, area) in ["AB", "BT", "CF", "LS", "SW", "ZE"].iter().enumerate() {
            for district in 1..=12 {
                for sector in [0, 3, 9] {
                    for unit in letters.chars().step_by(3) {
                        let postcode = format!("{area}{district} {sector}{unit}{unit}");
                        let lat = 50.0 + i as f64 + f64::from(district) / 100.0;
                        rows.push((
                            postcode,
                            lat,
                            -1.5,
                            Some("england".to_string()),
                            sector == 9,
                        ));
                    }
                }
            }
        }
        let mut shuffled = rows.clone();
        shuffled.reverse();
        shuffled.rotate_left(rows.len() / 3);
        let index = PostcodeIndex::from_rows(shuffled);
        assert_eq!(index.len(), rows.len());
        let known: std::collections::HashSet<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        for (postcode, lat, lon, _, terminated) in &rows {
            let found = index.postcode(postcode).unwrap();
            assert_eq!((found.lat, found.lon), (*lat, *lon), "{postcode}");
            assert_eq!(found.terminated, *terminated, "{postcode}");
            assert_eq!(found.territory, Some(Territory::England), "{postcode}");
            // Neighbours that are not in the table, before and after.
            for other in [
                postcode.replace(' ', " 1"),
                format!("{}Z", &postcode[..postcode.len() - 1]),
            ] {
                if !known.contains(other.as_str()) {
                    assert_eq!(index.postcode(&other), None, "{other}");
                }
            }
        }
        assert_eq!(index.postcode("AA1 1AA"), None);
        assert_eq!(index.postcode("ZZ99 9ZZ"), None);
    }
}
