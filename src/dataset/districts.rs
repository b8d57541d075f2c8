//! `postcode_districts`: the centre of every postcode district (outcode) in use, shipped so a
//! full postcode, a sector or an outcode is located to its district without the postcode
//! directory. Centroids derived from a loaded postcode directory take precedence.

use crate::dataset::table::{optional, required, Column, Row};
use crate::db::rows::DistrictCentroidRow;
use crate::db::{DbError, Storage};
use crate::domain::{Coordinates, PostcodeQuery, Territory, Vocabulary};

use super::{parse_int, stored, Dataset, Provenance};

/// A postcode district (`LS9`, `EC1A`, `BT74`, `JE2`).
#[derive(Debug, Clone, PartialEq)]
pub struct District {
    pub outcode: String,
    /// The postcode area (`LS`).
    pub area: String,
    /// The mean position of the district's postcodes; `None` for a non-geographic district
    /// the source gives no position for.
    pub centroid: Option<Coordinates>,
    /// Where most of its postcodes lie.
    pub territory: Territory,
    /// A district of PO boxes and large organisations rather than of places.
    pub non_geographic: bool,
    /// How many postcodes the centroid is the mean of, when known.
    pub postcodes: Option<i64>,
    /// The post town or main place.
    pub town: String,
    /// How the centre was found, when that needs saying.
    pub notes: String,
    pub provenance: Provenance,
}

fn parse_outcode(raw: &str) -> Result<String, String> {
    match PostcodeQuery::parse(raw) {
        Some(PostcodeQuery::Outcode(o)) => Ok(o),
        _ => Err(format!(
            "'{raw}' is not a postcode district; expected an outward code such as LS9, EC1A or BT74"
        )),
    }
}

fn parse_bool(raw: &str) -> Result<bool, String> {
    match raw.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" => Ok(true),
        "false" | "no" | "n" | "0" => Ok(false),
        _ => Err(format!("'{raw}' is not true or false")),
    }
}

impl Dataset for District {
    const NAME: &'static str = "postcode_districts";
    const FILE: &'static str = "postcode_districts.csv";
    const KEY_COLUMN: &'static str = "outcode";
    const COLUMNS: &'static [Column] = &[
        required("outcode"),
        optional("area"),
        optional("lat"),
        optional("lon"),
        required("nation"),
        optional("non_geographic"),
        optional("postcodes"),
        optional("town"),
        optional("notes"),
        required("source"),
        required("last_verified"),
        optional("unverified"),
    ];

    fn from_row(row: &mut Row<'_>) -> Option<Self> {
        let outcode = row.parse("outcode", parse_outcode);
        let lat = row.optional("lat", Coordinates::parse_lat);
        let lon = row.optional("lon", Coordinates::parse_lon);
        let territory = row.parse("nation", Territory::parse);
        let non_geographic = row.optional("non_geographic", parse_bool);
        let postcodes = row.optional("postcodes", |raw| parse_int(raw, 0, 100_000));
        let provenance = Provenance::from_row::<Self>(row);
        let outcode = outcode?;
        let area: String = outcode
            .chars()
            .take_while(char::is_ascii_uppercase)
            .collect();
        let given_area = row.text("area").to_ascii_uppercase();
        if !given_area.is_empty() && given_area != area {
            row.error(
                "area",
                format!("'{given_area}' is not the area of {outcode}; it would be {area}"),
            );
            return None;
        }
        let non_geographic = non_geographic?.unwrap_or(false);
        let centroid = match (lat?, lon?) {
            (Some(lat), Some(lon)) => Some(Coordinates::new(lat, lon).ok()?),
            (None, None) if non_geographic => None,
            (None, None) => {
                row.error(
                    "lat",
                    "is empty; only a non-geographic district (non_geographic = true) may have no position",
                );
                return None;
            }
            (Some(_), None) => {
                row.error("lon", "is empty but lat is given; give both or neither");
                return None;
            }
            (None, Some(_)) => {
                row.error("lat", "is empty but lon is given; give both or neither");
                return None;
            }
        };
        Some(Self {
            outcode,
            area,
            centroid,
            territory: territory?,
            non_geographic,
            postcodes: postcodes?,
            town: row.text("town"),
            notes: row.text("notes"),
            provenance: provenance?,
        })
    }

    fn key(&self) -> String {
        self.outcode.clone()
    }

    fn load<C: Storage>(conn: &mut C) -> Result<Vec<Self>, DbError> {
        conn.load_district_centroids()?
            .into_iter()
            .map(|r| {
                let centroid = match (r.lat, r.lon) {
                    (Some(lat), Some(lon)) => {
                        Some(Coordinates::new(lat, lon).map_err(DbError::Corrupt)?)
                    }
                    _ => None,
                };
                Ok(Self {
                    territory: stored(&r.nation)?,
                    centroid,
                    provenance: Provenance::from_stored(r.source, &r.last_verified, &r.unverified)?,
                    outcode: r.outcode,
                    area: r.area,
                    non_geographic: r.non_geographic,
                    postcodes: r.postcodes,
                    town: r.town,
                    notes: r.notes,
                })
            })
            .collect()
    }

    fn replace<C: Storage>(conn: &mut C, rows: &[Self]) -> Result<(), DbError> {
        let rows: Vec<DistrictCentroidRow> = rows
            .iter()
            .map(|d| DistrictCentroidRow {
                outcode: d.outcode.clone(),
                area: d.area.clone(),
                lat: d.centroid.map(Coordinates::lat),
                lon: d.centroid.map(Coordinates::lon),
                nation: d.territory.to_string(),
                non_geographic: d.non_geographic,
                postcodes: d.postcodes,
                town: d.town.clone(),
                notes: d.notes.clone(),
                source: d.provenance.source.clone(),
                last_verified: d.provenance.last_verified_text(),
                unverified: d.provenance.unverified_text(),
            })
            .collect();
        conn.replace_district_centroids(&rows)
    }
}
