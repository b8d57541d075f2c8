//! The directory as Open Referral UK (HSDS 3.0, UK profile) objects: a service for every
//! centre and TYA unit, with its organisation, its location and address, its phone and the
//! taxonomy terms of what it offers. Identifiers are UUIDs (version 5) made from the
//! directory's own ids, so they never change while the ids do not.

use serde::Serialize;
use uuid::Uuid;

use crate::dataset::Centre;
use crate::domain::{CentreKind, Service, Vocabulary};
use crate::index::Snapshot;

/// The namespace of every UUID this service makes (a random UUID, fixed once).
const NAMESPACE: Uuid = Uuid::from_u128(0x6f1c_2a4e_9b7d_4c35_8e21_5d0f_a3b9_7c46);
/// The taxonomy of the terms below.
pub const TAXONOMY: &str = "centre-directory";

/// A stable UUID for `kind` and `key` (`service`, `tya-christie`).
pub fn uuid(kind: &str, key: &str) -> String {
    Uuid::new_v5(&NAMESPACE, format!("{kind}:{key}").as_bytes()).to_string()
}

#[derive(Debug, Clone, Serialize)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TaxonomyTerm {
    pub id: String,
    pub name: String,
    pub description: String,
    pub taxonomy: &'static str,
    pub term: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Attribute {
    pub id: String,
    pub link_id: String,
    pub link_type: &'static str,
    pub taxonomy_term_id: String,
    pub taxonomy_term: TaxonomyTerm,
}

#[derive(Debug, Clone, Serialize)]
pub struct Address {
    pub id: String,
    pub location_id: String,
    pub address_1: String,
    pub city: String,
    pub state_province: String,
    pub postal_code: String,
    pub country: &'static str,
    pub address_type: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Location {
    pub id: String,
    pub location_type: &'static str,
    pub name: String,
    pub description: String,
    pub latitude: f64,
    pub longitude: f64,
    pub addresses: Vec<Address>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceAtLocation {
    pub id: String,
    pub service_id: String,
    pub location_id: String,
    pub location: Location,
}

#[derive(Debug, Clone, Serialize)]
pub struct Phone {
    pub id: String,
    pub service_id: String,
    pub number: String,
    pub description: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Contact {
    pub id: String,
    pub service_id: String,
    pub name: String,
    pub phones: Vec<Phone>,
}

/// A service's one-to-one fields, with its organisation (as `/services` lists them).
#[derive(Debug, Clone, Serialize)]
pub struct ServiceSummary {
    pub id: String,
    pub organization_id: String,
    pub name: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum_age: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum_age: Option<u8>,
    /// Who the service is for, in words (an HSDS 3.0 field).
    pub eligibility_description: String,
    pub last_modified: String,
    pub organization: Organization,
}

/// A service in full (`/services/{id}`).
#[derive(Debug, Clone, Serialize)]
pub struct ServiceFull {
    #[serde(flatten)]
    pub summary: ServiceSummary,
    pub service_at_locations: Vec<ServiceAtLocation>,
    pub contacts: Vec<Contact>,
    pub phones: Vec<Phone>,
    /// Opening times are not in the directory.
    pub schedules: Vec<()>,
    pub attributes: Vec<Attribute>,
}

/// A service at its location (`/service_at_locations`).
#[derive(Debug, Clone, Serialize)]
pub struct ServiceAtLocationSummary {
    pub id: String,
    pub service_id: String,
    pub location_id: String,
    pub location: Location,
    pub service: ServiceSummary,
    /// From the postcode asked about, in metres (when one was).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance: Option<f64>,
}

/// A page of results, as the ORUK API pages them.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub total_items: usize,
    pub total_pages: usize,
    pub page_number: usize,
    pub size: usize,
    pub first_page: bool,
    pub last_page: bool,
    pub empty: bool,
    pub contents: Vec<T>,
}

impl<T> Page<T> {
    /// Page `page` (from 1) of `per_page` items of `all`.
    pub fn of(all: Vec<T>, page: usize, per_page: usize) -> Self {
        let total_items = all.len();
        let total_pages = total_items.div_ceil(per_page).max(1);
        let contents: Vec<T> = all
            .into_iter()
            .skip((page - 1) * per_page)
            .take(per_page)
            .collect();
        Self {
            total_items,
            total_pages,
            page_number: page,
            size: contents.len(),
            first_page: page == 1,
            last_page: page >= total_pages,
            empty: contents.is_empty(),
            contents,
        }
    }
}

pub fn organization(c: &Centre) -> Organization {
    let name = c.organisation_or_hospital().to_string();
    Organization {
        id: uuid("organization", &name),
        description: format!("{name}, which runs {} in {}", c.hospital, c.town),
        name,
    }
}

/// The taxonomy: what a centre is, and what it offers.
pub fn taxonomy_terms() -> Vec<TaxonomyTerm> {
    let kinds = CentreKind::ALL.iter().map(|k| {
        let (name, description) = match k {
            CentreKind::TyaUnit => (
                crate::tr!("oruk-kind-tya"),
                crate::tr!("oruk-kind-tya-about"),
            ),
            CentreKind::CancerCentre => (
                crate::tr!("kind-cancer-centre"),
                crate::tr!("oruk-kind-centre-about"),
            ),
        };
        term(k.as_str(), &name, &description)
    });
    let services = Service::ALL
        .iter()
        .map(|s| term(s.as_str(), &s.plain_words(), &s.plain_words()));
    kinds.chain(services).collect()
}

fn term(code: &str, name: &str, description: &str) -> TaxonomyTerm {
    TaxonomyTerm {
        id: uuid("taxonomy_term", code),
        name: upper_first(name),
        description: upper_first(description),
        taxonomy: TAXONOMY,
        term: code.to_string(),
    }
}

fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The taxonomy term codes of a centre: its kind and its services.
pub fn term_codes(c: &Centre) -> Vec<&'static str> {
    std::iter::once(c.kind.as_str())
        .chain(c.services.iter().map(|s| s.as_str()))
        .collect()
}

pub fn summary(c: &Centre, last_modified: &str) -> ServiceSummary {
    let organization = organization(c);
    let eligibility_description = match c.ages {
        Some(a) => crate::tr!("oruk-ages", min = a.min(), max = a.max()),
        None => crate::tr!("oruk-no-ages"),
    };
    let kind = match c.kind {
        CentreKind::TyaUnit => crate::tr!("oruk-a-tya-unit"),
        CentreKind::CancerCentre => crate::tr!("oruk-a-cancer-centre"),
    };
    let offers: Vec<String> = c.services.iter().map(|s| s.plain_words()).collect();
    ServiceSummary {
        id: uuid("service", &c.id),
        organization_id: organization.id.clone(),
        name: c.name.clone(),
        description: crate::tr!(
            "oruk-description",
            kind = kind,
            hospital = c.hospital.as_str(),
            town = c.town.as_str(),
            offers = offers.join(", ")
        ),
        url: (!c.website.is_empty()).then(|| c.website.clone()),
        status: "active",
        minimum_age: c.ages.map(|a| a.min()),
        maximum_age: c.ages.map(|a| a.max()),
        eligibility_description,
        last_modified: last_modified.to_string(),
        organization,
    }
}

pub fn location(c: &Centre) -> Location {
    let id = uuid("location", &c.id);
    Location {
        addresses: vec![Address {
            id: uuid("address", &c.id),
            location_id: id.clone(),
            address_1: if c.address.is_empty() {
                c.hospital.clone()
            } else {
                format!("{}, {}", c.hospital, c.address)
            },
            city: c.town.clone(),
            state_province: c.nation.display_name().to_string(),
            postal_code: c.postcode.to_string(),
            country: "GB",
            address_type: "physical",
        }],
        id,
        location_type: "physical",
        name: c.hospital.clone(),
        description: format!("{}, {}", c.name, c.hospital),
        latitude: c.location.lat(),
        longitude: c.location.lon(),
    }
}

pub fn service_at_location(c: &Centre) -> ServiceAtLocation {
    let location = location(c);
    ServiceAtLocation {
        id: uuid("service_at_location", &c.id),
        service_id: uuid("service", &c.id),
        location_id: location.id.clone(),
        location,
    }
}

pub fn full(c: &Centre, last_modified: &str) -> ServiceFull {
    let summary = summary(c, last_modified);
    let phones: Vec<Phone> = (!c.phone.is_empty())
        .then(|| Phone {
            id: uuid("phone", &c.id),
            service_id: summary.id.clone(),
            number: c.phone.clone(),
            description: crate::tr!("oruk-phone"),
        })
        .into_iter()
        .collect();
    let terms = taxonomy_terms();
    let attributes = term_codes(c)
        .into_iter()
        .filter_map(|code| terms.iter().find(|t| t.term == code).cloned())
        .map(|t| Attribute {
            id: uuid("attribute", &format!("{}:{}", c.id, t.term)),
            link_id: summary.id.clone(),
            link_type: "service",
            taxonomy_term_id: t.id.clone(),
            taxonomy_term: t,
        })
        .collect();
    ServiceFull {
        service_at_locations: vec![service_at_location(c)],
        contacts: vec![Contact {
            id: uuid("contact", &c.id),
            service_id: summary.id.clone(),
            name: c.hospital.clone(),
            phones: phones.clone(),
        }],
        phones,
        schedules: Vec::new(),
        attributes,
        summary,
    }
}

/// The centre a service, service-at-location or slug id names.
pub fn centre_by_id<'a>(snapshot: &'a Snapshot, id: &str) -> Option<&'a Centre> {
    snapshot.centre(id).or_else(|| {
        snapshot
            .centres()
            .iter()
            .find(|c| uuid("service", &c.id) == id || uuid("service_at_location", &c.id) == id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_version_5_uuids() {
        let a = uuid("service", "tya-christie");
        assert_eq!(a, uuid("service", "tya-christie"));
        assert_ne!(a, uuid("location", "tya-christie"));
        let parsed = Uuid::parse_str(&a).unwrap();
        assert_eq!(parsed.get_version_num(), 5);
    }

    #[test]
    fn pages_say_where_they_are() {
        let p = Page::of((1..=25).collect::<Vec<_>>(), 3, 10);
        assert_eq!((p.total_items, p.total_pages, p.size), (25, 3, 5));
        assert!(p.last_page && !p.first_page && !p.empty);
        let beyond = Page::of((1..=25).collect::<Vec<_>>(), 4, 10);
        assert!(beyond.empty && beyond.last_page);
        let none = Page::of(Vec::<u8>::new(), 1, 10);
        assert_eq!(none.total_pages, 1);
        assert!(none.empty && none.first_page && none.last_page);
    }
}
