//! The postcode table held in memory by `serve`, so a postcode lookup is a binary search
//! instead of a database query on a blocking thread.
//!
//! About 17 bytes a postcode (a packed key, coordinates in millionths of a degree, one byte
//! for the nation and the terminated flag): some 46 MB for the 2.7 million postcodes of the ONS
//! Postcode Directory. Coordinates are kept to six decimal places (about 11 cm), as the ONS
//! publishes them. The index is read in one read transaction, streaming, and is reused by
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
    keys: Vec<u64>,
    /// Latitude and longitude in millionths of a degree, aligned with `keys`.
    coords: Vec<[i32; 2]>,
    /// The territory (its position in `Territory::ALL` plus one; 0 when unknown) and, in bit 7,
    /// whether the postcode is terminated.
    flags: Vec<u8>,
    districts: HashMap<String, Found>,
}

const TERMINATED: u8 = 0x80;

/// A postcode in its normal form (`LS9 7TF`, at most eight bytes) as a number that sorts as
/// the text does.
fn pack(postcode: &str) -> Option<u64> {
    let bytes = postcode.as_bytes();
    if bytes.is_empty() || bytes.len() > 8 {
        return None;
    }
    let mut key = [0u8; 8];
    key[..bytes.len()].copy_from_slice(bytes);
    Some(u64::from_be_bytes(key))
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

fn territory_of(code: u8) -> Option<Territory> {
    match code & !TERMINATED {
        0 => None,
        i => Territory::ALL.get(usize::from(i) - 1).copied(),
    }
}

type PostcodeTuple = (String, f64, f64, Option<String>, bool);
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
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty() && self.districts.is_empty()
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
        let mut keys = Vec::with_capacity(expected);
        let mut coords = Vec::with_capacity(expected);
        let mut flags = Vec::with_capacity(expected);
        for row in rows {
            let (postcode, lat, lon, nation, terminated) = row?;
            let Some(key) = pack(&postcode) else {
                continue; // not a normal-form postcode; the database path still answers it
            };
            keys.push(key);
            coords.push([micro(lat), micro(lon)]);
            flags.push(territory_code(nation.as_deref()) | if terminated { TERMINATED } else { 0 });
        }
        if !keys.windows(2).all(|w| w[0] < w[1]) {
            // The database's order may differ from byte order (a PostgreSQL collation).
            let mut order: Vec<u32> = (0..keys.len() as u32).collect();
            order.sort_unstable_by_key(|&i| keys[i as usize]);
            keys = order.iter().map(|&i| keys[i as usize]).collect();
            coords = order.iter().map(|&i| coords[i as usize]).collect();
            flags = order.iter().map(|&i| flags[i as usize]).collect();
        }
        keys.shrink_to_fit();
        coords.shrink_to_fit();
        flags.shrink_to_fit();
        let districts = districts
            .into_iter()
            .map(|(outcode, lat, lon, nation)| {
                let found = Found {
                    lat,
                    lon,
                    territory: territory_of(territory_code(nation.as_deref())),
                    terminated: false,
                };
                (outcode, found)
            })
            .collect();
        Ok(Self {
            stamp,
            keys,
            coords,
            flags,
            districts,
        })
    }

    /// A full postcode in normal form (`LS9 7TF`).
    pub fn postcode(&self, normal: &str) -> Option<Found> {
        let i = self.keys.binary_search(&pack(normal)?).ok()?;
        let [lat, lon] = self.coords[i];
        Some(Found {
            lat: degrees(lat),
            lon: degrees(lon),
            territory: territory_of(self.flags[i]),
            terminated: self.flags[i] & TERMINATED != 0,
        })
    }

    /// The centre of a district (`LS9`).
    pub fn district(&self, outcode: &str) -> Option<Found> {
        self.districts.get(outcode).copied()
    }

    /// Memory held, in bytes (for the log).
    pub fn bytes(&self) -> usize {
        self.keys.capacity() * 8
            + self.coords.capacity() * 8
            + self.flags.capacity()
            + self.districts.len() * 64
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
    fn keys_sort_as_the_text_does_and_coordinates_keep_six_places() {
        let mut postcodes = [
            "LS9 7TF", "LS97 1AA", "L1 1AA", "SW1A 1AA", "LS9 7TE", "B1 1AA",
        ];
        let mut keys: Vec<u64> = postcodes.iter().map(|p| pack(p).unwrap()).collect();
        keys.sort_unstable();
        postcodes.sort_unstable();
        let again: Vec<u64> = postcodes.iter().map(|p| pack(p).unwrap()).collect();
        assert_eq!(keys, again);
        assert_eq!(pack("TOO LONG9"), None);
        for v in [53.807296, -1.520264, 60.8, -8.2, 49.9, 0.0, -0.000001] {
            assert_eq!(degrees(micro(v)), v);
        }
        for t in Territory::ALL {
            assert_eq!(territory_of(territory_code(Some(t.as_str()))), Some(*t));
            assert_eq!(
                territory_of(territory_code(Some(t.as_str())) | TERMINATED),
                Some(*t)
            );
        }
        assert_eq!(territory_of(territory_code(Some("atlantis"))), None);
        assert_eq!(territory_of(territory_code(None)), None);
    }
}
