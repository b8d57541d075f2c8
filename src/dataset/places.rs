//! `places`: the place gazetteer. UK cities, towns and villages (and those of the Crown
//! Dependencies) with their other names, so a search by the name of where someone lives
//! works offline.

use crate::dataset::table::{optional, required, Column, Row};
use crate::db::rows::PlaceRow;
use crate::db::{DbError, Storage};
use crate::domain::{Coordinates, Territory, Vocabulary};

use super::{parse_id, parse_int, stored, Dataset, Provenance};

/// A city, town or village.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub id: String,
    pub name: String,
    /// Other names people use: Welsh, Scottish Gaelic and Irish forms, older spellings.
    pub other_names: Vec<String>,
    pub territory: Territory,
    /// County, council area or unitary authority; empty when the source has none.
    pub county: String,
    pub location: Coordinates,
    pub population: Option<i64>,
    pub provenance: Provenance,
}

/// The `other_names` cell: names separated by `;`, none empty once trimmed.
fn parse_other_names(raw: &str) -> Result<Vec<String>, String> {
    let names: Vec<String> = raw
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if let Some(long) = names.iter().find(|n| n.chars().count() > 100) {
        return Err(format!(
            "'{}...' is too long for a place name; separate names with ';'",
            long.chars().take(30).collect::<String>()
        ));
    }
    Ok(names)
}

fn parse_name(raw: &str) -> Result<String, String> {
    if raw.chars().count() > 100 {
        Err("is longer than 100 characters; a place name is expected".to_string())
    } else if !raw.chars().any(char::is_alphabetic) {
        Err(format!("'{raw}' has no letters; a place name is expected"))
    } else {
        Ok(raw.to_string())
    }
}

impl Dataset for Place {
    const NAME: &'static str = "places";
    const FILE: &'static str = "places.csv";
    const KEY_COLUMN: &'static str = "id";
    const COLUMNS: &'static [Column] = &[
        required("id"),
        required("name"),
        optional("other_names"),
        required("nation"),
        optional("county"),
        required("lat"),
        required("lon"),
        optional("population"),
        required("source"),
        required("last_verified"),
        optional("unverified"),
    ];

    fn from_row(row: &mut Row<'_>) -> Option<Self> {
        let id = row.parse("id", parse_id);
        let name = row.parse("name", parse_name);
        let other_names = row.optional("other_names", parse_other_names);
        let territory = row.parse("nation", Territory::parse);
        let lat = row.parse("lat", Coordinates::parse_lat);
        let lon = row.parse("lon", Coordinates::parse_lon);
        let population = row.optional("population", |raw| parse_int(raw, 0, 20_000_000));
        let provenance = Provenance::from_row::<Self>(row);
        Some(Self {
            id: id?,
            name: name?,
            other_names: other_names?.unwrap_or_default(),
            territory: territory?,
            county: row.text("county"),
            location: Coordinates::new(lat?, lon?).ok()?,
            population: population?,
            provenance: provenance?,
        })
    }

    fn key(&self) -> String {
        self.id.clone()
    }

    fn load<C: Storage>(conn: &mut C) -> Result<Vec<Self>, DbError> {
        conn.load_places()?
            .into_iter()
            .map(|r| {
                Ok(Self {
                    territory: stored(&r.nation)?,
                    other_names: parse_other_names(&r.other_names).map_err(DbError::Corrupt)?,
                    location: Coordinates::new(r.lat, r.lon).map_err(DbError::Corrupt)?,
                    provenance: Provenance::from_stored(r.source, &r.last_verified, &r.unverified)?,
                    id: r.id,
                    name: r.name,
                    county: r.county,
                    population: r.population,
                })
            })
            .collect()
    }

    fn replace<C: Storage>(conn: &mut C, rows: &[Self]) -> Result<(), DbError> {
        let rows: Vec<PlaceRow> = rows
            .iter()
            .map(|p| PlaceRow {
                id: p.id.clone(),
                name: p.name.clone(),
                other_names: p.other_names.join(";"),
                nation: p.territory.to_string(),
                county: p.county.clone(),
                lat: p.location.lat(),
                lon: p.location.lon(),
                population: p.population,
                source: p.provenance.source.clone(),
                last_verified: p.provenance.last_verified_text(),
                unverified: p.provenance.unverified_text(),
            })
            .collect();
        conn.replace_places(&rows)
    }
}
