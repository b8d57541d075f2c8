//! `postcode_areas`: every postcode area with an approximate centroid, the offline fallback
//! for geocoding and the source of a postcode's nation where the area decides it.

use crate::dataset::table::{optional, required, Column, Row};
use crate::db::rows::PostcodeAreaRow;
use crate::db::{DbError, Storage};
use crate::domain::{Coordinates, Nation, Territory, Vocabulary};

use super::{stored, Dataset, Provenance};

/// A postcode area (`LS`, `BT`, `JE`...).
#[derive(Debug, Clone, PartialEq)]
pub struct PostcodeArea {
    pub area: String,
    pub name: String,
    /// Where most of the area lies.
    pub territory: Territory,
    /// Other UK nations some of the area's postcodes lie in (cross-border areas).
    pub also_in: Vec<Nation>,
    pub centroid: Coordinates,
    pub notes: String,
    pub provenance: Provenance,
}

impl PostcodeArea {
    /// The nation when the whole area lies in one UK nation.
    pub fn unambiguous_nation(&self) -> Option<Nation> {
        if self.also_in.is_empty() {
            self.territory.nation()
        } else {
            None
        }
    }
}

fn parse_area(raw: &str) -> Result<String, String> {
    let up = raw.to_ascii_uppercase();
    if matches!(up.len(), 1 | 2) && up.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(up)
    } else {
        Err(format!(
            "'{raw}' is not a postcode area; allowed: one or two letters such as LS or B"
        ))
    }
}

fn parse_nations(raw: &str) -> Result<Vec<Nation>, String> {
    raw.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(Nation::parse)
        .collect()
}

impl Dataset for PostcodeArea {
    const NAME: &'static str = "postcode_areas";
    const FILE: &'static str = "postcode_areas.csv";
    const KEY_COLUMN: &'static str = "area";
    const COLUMNS: &'static [Column] = &[
        required("area"),
        required("name"),
        required("nation"),
        optional("also_in"),
        required("lat"),
        required("lon"),
        optional("notes"),
        required("source"),
        required("last_verified"),
        optional("unverified"),
    ];

    fn from_row(row: &mut Row<'_>) -> Option<Self> {
        let area = row.parse("area", parse_area);
        let name = row.required("name");
        let territory = row.parse("nation", Territory::parse);
        let also_in = row.optional("also_in", parse_nations);
        let lat = row.parse("lat", Coordinates::parse_lat);
        let lon = row.parse("lon", Coordinates::parse_lon);
        let provenance = Provenance::from_row::<Self>(row);
        Some(Self {
            area: area?,
            name: name?,
            territory: territory?,
            also_in: also_in?.unwrap_or_default(),
            centroid: Coordinates::new(lat?, lon?).ok()?,
            notes: row.text("notes"),
            provenance: provenance?,
        })
    }

    fn key(&self) -> String {
        self.area.clone()
    }

    fn load<C: Storage>(conn: &mut C) -> Result<Vec<Self>, DbError> {
        conn.load_postcode_areas()?
            .into_iter()
            .map(|r| {
                Ok(Self {
                    territory: stored(&r.nation)?,
                    also_in: parse_nations(&r.also_in).map_err(DbError::Corrupt)?,
                    centroid: Coordinates::new(r.lat, r.lon).map_err(DbError::Corrupt)?,
                    provenance: Provenance::from_stored(r.source, &r.last_verified, &r.unverified)?,
                    area: r.area,
                    name: r.name,
                    notes: r.notes,
                })
            })
            .collect()
    }

    fn replace<C: Storage>(conn: &mut C, rows: &[Self]) -> Result<(), DbError> {
        let rows: Vec<PostcodeAreaRow> = rows
            .iter()
            .map(|a| PostcodeAreaRow {
                area: a.area.clone(),
                name: a.name.clone(),
                nation: a.territory.to_string(),
                also_in: a
                    .also_in
                    .iter()
                    .map(|n| n.as_str())
                    .collect::<Vec<_>>()
                    .join(";"),
                lat: a.centroid.lat(),
                lon: a.centroid.lon(),
                notes: a.notes.clone(),
                source: a.provenance.source.clone(),
                last_verified: a.provenance.last_verified_text(),
                unverified: a.provenance.unverified_text(),
            })
            .collect();
        conn.replace_postcode_areas(&rows)
    }
}
