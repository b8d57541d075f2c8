//! `family`: what a family needs to get to a centre and stay near it: free accommodation,
//! parking, public transport and help with travel costs. Every value cites the pages that
//! confirm it; a value nobody confirmed is left empty, never guessed.

use chrono::NaiveDate;

use crate::dataset::table::{optional, required, Column, Row};
use crate::db::rows::FamilyRow;
use crate::db::{DbError, Storage};

use super::{parse_date, parse_id, parse_source, Dataset};

/// A value and the pages that confirm it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Sourced {
    pub text: String,
    /// `;`-separated URLs.
    pub source: String,
}

/// The practical information for one centre or unit.
#[derive(Debug, Clone, PartialEq)]
pub struct FamilyInfo {
    pub centre_id: String,
    pub accommodation: Option<Sourced>,
    pub parking: Option<Sourced>,
    pub public_transport: Option<Sourced>,
    pub travel_costs: Option<Sourced>,
    pub last_verified: NaiveDate,
}

/// A value with its `<name>_source` column: both or neither.
fn sourced(row: &mut Row<'_>, name: &str) -> Option<Option<Sourced>> {
    let text = row.text(name);
    let source_column = format!("{name}_source");
    let source = row.text(&source_column);
    match (text.is_empty(), source.is_empty()) {
        (true, true) => Some(None),
        (false, false) => match parse_source(&source) {
            Ok(source) => Some(Some(Sourced { text, source })),
            Err(e) => {
                row.error(&source_column, e);
                None
            }
        },
        (false, true) => {
            row.error(
                &source_column,
                format!("is empty but {name} has a value; cite the page that confirms it, or leave {name} empty"),
            );
            None
        }
        (true, false) => {
            row.error(
                name,
                format!(
                    "is empty but {source_column} is given; write the value or remove the source"
                ),
            );
            None
        }
    }
}

impl Dataset for FamilyInfo {
    const NAME: &'static str = "family";
    const FILE: &'static str = "family.csv";
    const KEY_COLUMN: &'static str = "centre_id";
    const COLUMNS: &'static [Column] = &[
        required("centre_id"),
        optional("accommodation"),
        optional("accommodation_source"),
        optional("parking"),
        optional("parking_source"),
        optional("public_transport"),
        optional("public_transport_source"),
        optional("travel_costs"),
        optional("travel_costs_source"),
        required("last_verified"),
    ];

    fn from_row(row: &mut Row<'_>) -> Option<Self> {
        let centre_id = row.parse("centre_id", parse_id);
        let accommodation = sourced(row, "accommodation");
        let parking = sourced(row, "parking");
        let public_transport = sourced(row, "public_transport");
        let travel_costs = sourced(row, "travel_costs");
        let last_verified = row.parse("last_verified", parse_date);
        Some(Self {
            centre_id: centre_id?,
            accommodation: accommodation?,
            parking: parking?,
            public_transport: public_transport?,
            travel_costs: travel_costs?,
            last_verified: last_verified?,
        })
    }

    fn key(&self) -> String {
        self.centre_id.clone()
    }

    fn load<C: Storage>(conn: &mut C) -> Result<Vec<Self>, DbError> {
        conn.load_family()?
            .into_iter()
            .map(|r| {
                let pair = |text: String, source: String| {
                    (!text.is_empty()).then_some(Sourced { text, source })
                };
                Ok(Self {
                    last_verified: parse_date(&r.last_verified).map_err(DbError::Corrupt)?,
                    accommodation: pair(r.accommodation, r.accommodation_source),
                    parking: pair(r.parking, r.parking_source),
                    public_transport: pair(r.public_transport, r.public_transport_source),
                    travel_costs: pair(r.travel_costs, r.travel_costs_source),
                    centre_id: r.centre_id,
                })
            })
            .collect()
    }

    fn replace<C: Storage>(conn: &mut C, rows: &[Self]) -> Result<(), DbError> {
        let split = |v: &Option<Sourced>| match v {
            Some(s) => (s.text.clone(), s.source.clone()),
            None => (String::new(), String::new()),
        };
        let rows: Vec<FamilyRow> = rows
            .iter()
            .map(|f| {
                let (accommodation, accommodation_source) = split(&f.accommodation);
                let (parking, parking_source) = split(&f.parking);
                let (public_transport, public_transport_source) = split(&f.public_transport);
                let (travel_costs, travel_costs_source) = split(&f.travel_costs);
                FamilyRow {
                    centre_id: f.centre_id.clone(),
                    accommodation,
                    accommodation_source,
                    parking,
                    parking_source,
                    public_transport,
                    public_transport_source,
                    travel_costs,
                    travel_costs_source,
                    last_verified: f.last_verified.format("%Y-%m-%d").to_string(),
                }
            })
            .collect();
        conn.replace_family(&rows)
    }
}
