//! `registries`: the cancer registry of each UK nation.

use crate::dataset::table::{optional, required, Column, Row};
use crate::db::rows::RegistryRow;
use crate::db::{DbError, Storage};
use crate::domain::{Nation, Vocabulary};

use super::{
    parse_phone, parse_url, review_text, stored, stored_review, welsh_columns, Dataset, Provenance,
};
use crate::i18n::{Bilingual, Review};

/// A national cancer registry.
#[derive(Debug, Clone, PartialEq)]
pub struct Registry {
    pub nation: Nation,
    pub name: String,
    pub short_name: String,
    pub organisation: String,
    pub website: String,
    pub publishes: String,
    pub phone: String,
    pub notes: String,
    pub welsh: RegistryWelsh,
    pub provenance: Provenance,
}

/// A registry's Welsh text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RegistryWelsh {
    pub name: String,
    pub publishes: String,
    pub notes: String,
    pub review: Option<Review>,
}

impl Bilingual for RegistryWelsh {
    fn has_welsh(&self) -> bool {
        !self.name.is_empty()
    }
    fn review(&self) -> Option<Review> {
        self.review
    }
}

impl Dataset for Registry {
    const NAME: &'static str = "registries";
    const FILE: &'static str = "registries.csv";
    const KEY_COLUMN: &'static str = "nation";
    const COLUMNS: &'static [Column] = &[
        required("nation"),
        required("name"),
        optional("short_name"),
        required("organisation"),
        required("website"),
        required("publishes"),
        optional("phone"),
        optional("notes"),
        optional("name_cy"),
        optional("publishes_cy"),
        optional("notes_cy"),
        optional("welsh_review"),
        required("source"),
        required("last_verified"),
        optional("unverified"),
    ];

    fn from_row(row: &mut Row<'_>) -> Option<Self> {
        let nation = row.parse("nation", Nation::parse);
        let name = row.required("name");
        let organisation = row.required("organisation");
        let website = row.parse("website", parse_url);
        let publishes = row.required("publishes");
        let phone = row.optional("phone", parse_phone);
        let welsh = welsh_columns(
            row,
            &[("name", true), ("publishes", true), ("notes", false)],
        );
        let provenance = Provenance::from_row::<Self>(row);
        Some(Self {
            nation: nation?,
            name: name?,
            short_name: row.text("short_name"),
            organisation: organisation?,
            website: website?,
            publishes: publishes?,
            phone: phone?.unwrap_or_default(),
            notes: row.text("notes"),
            welsh: welsh.map(|(t, review)| RegistryWelsh {
                name: t[0].clone(),
                publishes: t[1].clone(),
                notes: t[2].clone(),
                review,
            })?,
            provenance: provenance?,
        })
    }

    fn key(&self) -> String {
        self.nation.to_string()
    }

    fn load<C: Storage>(conn: &mut C) -> Result<Vec<Self>, DbError> {
        conn.load_registries()?
            .into_iter()
            .map(|r| {
                Ok(Self {
                    nation: stored(&r.nation)?,
                    provenance: Provenance::from_stored(r.source, &r.last_verified, &r.unverified)?,
                    name: r.name,
                    short_name: r.short_name,
                    organisation: r.organisation,
                    website: r.website,
                    publishes: r.publishes,
                    phone: r.phone,
                    notes: r.notes,
                    welsh: RegistryWelsh {
                        review: stored_review(&r.welsh_review)?,
                        name: r.name_cy,
                        publishes: r.publishes_cy,
                        notes: r.notes_cy,
                    },
                })
            })
            .collect()
    }

    fn replace<C: Storage>(conn: &mut C, rows: &[Self]) -> Result<(), DbError> {
        let rows: Vec<RegistryRow> = rows
            .iter()
            .map(|r| RegistryRow {
                nation: r.nation.to_string(),
                name: r.name.clone(),
                short_name: r.short_name.clone(),
                organisation: r.organisation.clone(),
                website: r.website.clone(),
                publishes: r.publishes.clone(),
                phone: r.phone.clone(),
                notes: r.notes.clone(),
                name_cy: r.welsh.name.clone(),
                publishes_cy: r.welsh.publishes.clone(),
                notes_cy: r.welsh.notes.clone(),
                welsh_review: review_text(r.welsh.review),
                source: r.provenance.source.clone(),
                last_verified: r.provenance.last_verified_text(),
                unverified: r.provenance.unverified_text(),
            })
            .collect();
        conn.replace_registries(&rows)
    }
}
