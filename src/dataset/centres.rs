//! `centres`: cancer centres and TYA units, one row per site or unit.

use crate::dataset::table::{optional, required, Column, Row};
use crate::db::rows::CentreRow;
use crate::db::{DbError, Storage};
use crate::domain::{
    AgeRange, CentreKind, Coordinates, Nation, Service, TyaRole, UkPostcode, Vocabulary,
};

use super::{parse_id, parse_phone, parse_url, stored, Dataset, Provenance};

/// A cancer centre or TYA unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Centre {
    pub id: String,
    pub kind: CentreKind,
    pub name: String,
    pub hospital: String,
    pub organisation: String,
    pub address: String,
    pub town: String,
    pub postcode: UkPostcode,
    pub nation: Nation,
    pub location: Coordinates,
    pub phone: String,
    pub website: String,
    pub ages: Option<AgeRange>,
    pub tya_role: Option<TyaRole>,
    pub services: Vec<Service>,
    /// Whether a TYA unit is a Teenage Cancer Trust unit (`None` for cancer centres).
    pub tct_unit: Option<bool>,
    pub notes: String,
    pub provenance: Provenance,
}

impl Centre {
    /// The organisation that runs the centre, or its hospital when the row names none.
    pub fn organisation_or_hospital(&self) -> &str {
        if self.organisation.is_empty() {
            &self.hospital
        } else {
            &self.organisation
        }
    }

    /// A bare centre at a point, numbered `n`: for benchmarks and property tests of the spatial
    /// index, never for data. Even numbers are TYA units, odd numbers cancer centres.
    #[doc(hidden)]
    pub fn placeholder(n: usize, location: Coordinates) -> Self {
        Self {
            id: format!("placeholder-{n}"),
            kind: if n % 2 == 0 {
                CentreKind::TyaUnit
            } else {
                CentreKind::CancerCentre
            },
            name: format!("Placeholder {n}"),
            hospital: String::new(),
            organisation: String::new(),
            address: String::new(),
            town: String::new(),
            postcode: UkPostcode::parse("LS9 7TF").expect("a valid postcode"),
            nation: Nation::England,
            location,
            phone: String::new(),
            website: String::new(),
            ages: None,
            tya_role: None,
            services: Vec::new(),
            tct_unit: None,
            notes: String::new(),
            provenance: Provenance {
                source: String::new(),
                last_verified: chrono::NaiveDate::default(),
                unverified: Vec::new(),
            },
        }
    }

    pub fn offers(&self, service: Service) -> bool {
        self.services.contains(&service)
    }

    /// Whether the centre accepts this age. Centres without an age range in our data are not
    /// restricted by it.
    pub fn accepts_age(&self, age: u8) -> bool {
        self.ages.is_none_or(|r| r.contains(age))
    }
}

fn parse_bool(raw: &str) -> Result<bool, String> {
    match raw.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" => Ok(true),
        "false" | "no" | "n" | "0" => Ok(false),
        _ => Err(format!(
            "'{raw}' is not true or false; allowed: true, false (or yes, no)"
        )),
    }
}

/// Health-service addresses a unit's page may be on: NHS England trusts (`*.nhs.uk`), NHS
/// Wales (`*.nhs.wales`), NHS Scotland (`*.nhs.scot`, and boards' own `nhs*.scot`,
/// `nhs*.org`), Northern Ireland's HSC trusts (`*.hscni.net`) and the Teenage Cancer Trust's
/// unit pages; and trusts' own domains outside those.
const HEALTH_SUFFIXES: [&str; 5] = [
    ".nhs.uk",
    ".nhs.wales",
    ".nhs.scot",
    ".hscni.net",
    ".teenagecancertrust.org",
];
const TRUST_DOMAINS: [&str; 1] = ["newcastle-hospitals.org.uk"];

/// A `website`: the unit's or hospital's own page, on a health service's address (or the
/// Teenage Cancer Trust's page for the unit). News sites and directories are refused.
pub fn parse_unit_website(raw: &str) -> Result<String, String> {
    let url = parse_url(raw)?;
    let host = url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', '?', '#', ':']).next())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let dotted = format!(".{host}");
    // NHS Scotland boards' own domains: nhsggc.scot, children.nhslothian.scot, nhsgrampian.org.
    let labels: Vec<&str> = host.split('.').collect();
    let nhs_board = labels.len() >= 2
        && matches!(labels[labels.len() - 1], "scot" | "org")
        && labels[labels.len() - 2].starts_with("nhs");
    let ok = HEALTH_SUFFIXES.iter().any(|s| dotted.ends_with(s))
        || TRUST_DOMAINS
            .iter()
            .any(|d| dotted.ends_with(&format!(".{d}")))
        || nhs_board;
    if ok {
        Ok(url)
    } else {
        Err(format!(
            "'{host}' is not a health service's address; website must be the unit's or hospital's own page (an NHS, HSC or Teenage Cancer Trust address), not a news site or a directory"
        ))
    }
}

impl Dataset for Centre {
    const NAME: &'static str = "centres";
    const FILE: &'static str = "centres.csv";
    const KEY_COLUMN: &'static str = "id";
    const COLUMNS: &'static [Column] = &[
        required("id"),
        required("kind"),
        required("name"),
        required("hospital"),
        optional("organisation"),
        optional("address"),
        required("town"),
        required("postcode"),
        required("nation"),
        required("lat"),
        required("lon"),
        optional("phone"),
        optional("website"),
        optional("age_min"),
        optional("age_max"),
        optional("tya_role"),
        required("services"),
        optional("tct_unit"),
        optional("notes"),
        required("source"),
        required("last_verified"),
        optional("unverified"),
    ];

    fn from_row(row: &mut Row<'_>) -> Option<Self> {
        let id = row.parse("id", parse_id);
        let kind = row.parse("kind", CentreKind::parse);
        let name = row.required("name");
        let hospital = row.required("hospital");
        let town = row.required("town");
        let postcode = row.parse("postcode", UkPostcode::parse);
        let nation = row.parse("nation", Nation::parse);
        let lat = row.parse("lat", Coordinates::parse_lat);
        let lon = row.parse("lon", Coordinates::parse_lon);
        let phone = row.optional("phone", parse_phone);
        let website = row.optional("website", parse_unit_website);
        let age_min = row.optional("age_min", crate::domain::parse_age);
        let age_max = row.optional("age_max", crate::domain::parse_age);
        let tya_role = row.optional("tya_role", TyaRole::parse);
        let services = row.optional("services", Service::parse_list);
        let tct_unit = row.optional("tct_unit", parse_bool);
        let provenance = Provenance::from_row::<Self>(row);

        let ages = match (age_min?, age_max?) {
            (Some(lo), Some(hi)) => match AgeRange::new(lo, hi) {
                Ok(r) => Some(r),
                Err(e) => {
                    row.error("age_max", e);
                    return None;
                }
            },
            (None, None) => None,
            (Some(_), None) => {
                row.error(
                    "age_max",
                    "is empty but age_min is set; give both or neither",
                );
                return None;
            }
            (None, Some(_)) => {
                row.error(
                    "age_min",
                    "is empty but age_max is set; give both or neither",
                );
                return None;
            }
        };
        let kind = kind?;
        if kind == CentreKind::TyaUnit && ages.is_none() {
            row.error(
                "age_min",
                "is empty; a tya_unit must give the ages it accepts in age_min and age_max",
            );
            return None;
        }
        let services = services?.unwrap_or_default();
        if services.is_empty() {
            row.error(
                "services",
                format!("is empty; list at least one of: {}", Service::allowed()),
            );
            return None;
        }
        Some(Self {
            id: id?,
            kind,
            name: name?,
            hospital: hospital?,
            organisation: row.text("organisation"),
            address: row.text("address"),
            town: town?,
            postcode: postcode?,
            nation: nation?,
            location: Coordinates::new(lat?, lon?).ok()?,
            phone: phone?.unwrap_or_default(),
            website: website?.unwrap_or_default(),
            ages,
            tya_role: tya_role?,
            services,
            tct_unit: tct_unit?,
            notes: row.text("notes"),
            provenance: provenance?,
        })
    }

    fn key(&self) -> String {
        self.id.clone()
    }

    fn load<C: Storage>(conn: &mut C) -> Result<Vec<Self>, DbError> {
        conn.load_centres()?
            .into_iter()
            .map(Self::try_from)
            .collect()
    }

    fn replace<C: Storage>(conn: &mut C, rows: &[Self]) -> Result<(), DbError> {
        let rows: Vec<CentreRow> = rows.iter().map(CentreRow::from).collect();
        conn.replace_centres(&rows)
    }
}

impl From<&Centre> for CentreRow {
    fn from(c: &Centre) -> Self {
        Self {
            id: c.id.clone(),
            kind: c.kind.to_string(),
            name: c.name.clone(),
            hospital: c.hospital.clone(),
            organisation: c.organisation.clone(),
            address: c.address.clone(),
            town: c.town.clone(),
            postcode: c.postcode.to_string(),
            nation: c.nation.to_string(),
            lat: c.location.lat(),
            lon: c.location.lon(),
            phone: c.phone.clone(),
            website: c.website.clone(),
            age_min: c.ages.map(|a| i32::from(a.min())),
            age_max: c.ages.map(|a| i32::from(a.max())),
            tya_role: c.tya_role.map(|r| r.to_string()),
            services: Service::join(&c.services),
            tct_unit: c.tct_unit,
            notes: c.notes.clone(),
            source: c.provenance.source.clone(),
            last_verified: c.provenance.last_verified_text(),
            unverified: c.provenance.unverified_text(),
        }
    }
}

impl TryFrom<CentreRow> for Centre {
    type Error = DbError;

    fn try_from(r: CentreRow) -> Result<Self, DbError> {
        let ages = match (r.age_min, r.age_max) {
            (Some(lo), Some(hi)) => Some(
                AgeRange::new(
                    u8::try_from(lo).map_err(|e| DbError::Corrupt(e.to_string()))?,
                    u8::try_from(hi).map_err(|e| DbError::Corrupt(e.to_string()))?,
                )
                .map_err(DbError::Corrupt)?,
            ),
            _ => None,
        };
        Ok(Self {
            kind: stored(&r.kind)?,
            postcode: UkPostcode::parse(&r.postcode).map_err(DbError::Corrupt)?,
            nation: stored(&r.nation)?,
            location: Coordinates::new(r.lat, r.lon).map_err(DbError::Corrupt)?,
            ages,
            tya_role: r.tya_role.as_deref().map(stored).transpose()?,
            services: Service::parse_list(&r.services).map_err(DbError::Corrupt)?,
            provenance: Provenance::from_stored(r.source, &r.last_verified, &r.unverified)?,
            id: r.id,
            name: r.name,
            hospital: r.hospital,
            organisation: r.organisation,
            address: r.address,
            town: r.town,
            phone: r.phone,
            website: r.website,
            tct_unit: r.tct_unit,
            notes: r.notes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn websites_must_be_the_units_own_pages() {
        for ok in [
            "https://www.leedsth.nhs.uk/a",
            "https://velindre.nhs.wales/",
            "https://www.nhsggc.scot/hospitals/",
            "https://children.nhslothian.scot/",
            "https://www.nhsgrampian.org/x",
            "https://belfasttrust.hscni.net/",
            "https://www.teenagecancertrust.org/get-help/our-units/x",
            "https://www.newcastle-hospitals.org.uk/services/",
        ] {
            assert!(parse_unit_website(ok).is_ok(), "{ok}");
        }
        for bad in [
            "https://www.bbc.co.uk/news/uk-england-leeds-1",
            "https://www.capitalfm.com/news",
            "https://www.carehome.co.uk/x",
            "https://nhs.uk.example.com/",
            "https://www.fakenhs.uk/",
        ] {
            let e = parse_unit_website(bad).unwrap_err();
            assert!(e.contains("not a news site"), "{bad}: {e}");
        }
    }
}
