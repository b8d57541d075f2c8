//! The directory as FHIR R4 resources: a `Location` for every site or unit, an `Organization`
//! for every trust or health board, and a `HealthcareService` for every centre and TYA unit,
//! each claiming the UK Core profile; and the `Bundle`, `OperationOutcome` and
//! `CapabilityStatement` that carry them.

use serde::Serialize;

use crate::dataset::Centre;
use crate::domain::{AgeRange, CentreKind, TyaRole, Vocabulary};
use crate::index::Snapshot;

pub const FHIR_VERSION: &str = "4.0.1";
const UK_CORE: &str = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-";
/// The directory's own identifiers and codes.
pub const CENTRE_ID_SYSTEM: &str = "urn:centre-directory:centre-id";
pub const ORGANISATION_ID_SYSTEM: &str = "urn:centre-directory:organisation-id";
pub const SERVICE_SYSTEM: &str = "urn:centre-directory:service";
pub const KIND_SYSTEM: &str = "urn:centre-directory:centre-kind";
pub const ROLE_SYSTEM: &str = "urn:centre-directory:tya-role";
/// HL7's service categories: 31 is "Specialist Medical", 33 "Specialist Paediatric".
pub const SERVICE_CATEGORY_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/service-category";
pub const DISTANCE_EXTENSION: &str = "http://hl7.org/fhir/StructureDefinition/location-distance";
const UCUM: &str = "http://unitsofmeasure.org";

#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    pub profile: Vec<String>,
}

fn profile(name: &str) -> Option<Meta> {
    Some(Meta {
        profile: vec![format!("{UK_CORE}{name}")],
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct Identifier {
    pub system: &'static str,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Coding {
    pub system: &'static str,
    pub code: String,
    pub display: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CodeableConcept {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub coding: Vec<Coding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl CodeableConcept {
    fn coded(system: &'static str, code: &str, display: &str) -> Self {
        Self {
            coding: vec![Coding {
                system,
                code: code.to_string(),
                display: display.to_string(),
            }],
            text: Some(display.to_string()),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ContactPoint {
    pub system: &'static str,
    pub value: String,
    #[serde(rename = "use")]
    pub use_: &'static str,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    #[serde(rename = "use")]
    pub use_: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub line: Vec<String>,
    pub city: String,
    pub postal_code: String,
    pub country: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Position {
    pub longitude: f64,
    pub latitude: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Reference {
    pub reference: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

/// A site or unit.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    resource_type: &'static str,
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    meta: Option<Meta>,
    identifier: Vec<Identifier>,
    status: &'static str,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(rename = "type")]
    type_: Vec<CodeableConcept>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    telecom: Vec<ContactPoint>,
    address: Address,
    physical_type: CodeableConcept,
    pub position: Position,
    managing_organization: Reference,
}

/// An NHS trust, health board or HSC trust.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    resource_type: &'static str,
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    meta: Option<Meta>,
    identifier: Vec<Identifier>,
    active: bool,
    #[serde(rename = "type")]
    type_: Vec<CodeableConcept>,
    pub name: String,
}

/// Who a service is for.
#[derive(Debug, Clone, Serialize)]
pub struct Eligibility {
    pub code: CodeableConcept,
    pub comment: String,
}

/// A cancer centre's or TYA unit's service.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HealthcareService {
    resource_type: &'static str,
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    meta: Option<Meta>,
    identifier: Vec<Identifier>,
    active: bool,
    provided_by: Reference,
    category: Vec<CodeableConcept>,
    #[serde(rename = "type")]
    type_: Vec<CodeableConcept>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    specialty: Vec<CodeableConcept>,
    pub location: Vec<Reference>,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    telecom: Vec<ContactPoint>,
    eligibility: Vec<Eligibility>,
}

/// Any resource the server returns in a bundle.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Resource {
    Location(Box<Location>),
    Organization(Box<Organization>),
    HealthcareService(Box<HealthcareService>),
}

impl Resource {
    pub fn type_name(&self) -> &'static str {
        match self {
            Resource::Location(_) => "Location",
            Resource::Organization(_) => "Organization",
            Resource::HealthcareService(_) => "HealthcareService",
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Resource::Location(r) => &r.id,
            Resource::Organization(r) => &r.id,
            Resource::HealthcareService(r) => &r.id,
        }
    }
}

/// An organisation's id: `org-` and its name in lower case with hyphens, at most 64
/// characters (FHIR's limit).
pub fn organisation_id(name: &str) -> String {
    let mut slug = String::from("org");
    let mut hyphen = true;
    for c in deunicode::deunicode(name).chars() {
        if c.is_ascii_alphanumeric() {
            if hyphen {
                slug.push('-');
            }
            slug.push(c.to_ascii_lowercase());
            hyphen = false;
        } else if c != '\'' {
            hyphen = true;
        }
    }
    slug.truncate(64);
    slug.trim_end_matches('-').to_string()
}

fn telecom(c: &Centre) -> Vec<ContactPoint> {
    let mut out = Vec::new();
    if !c.phone.is_empty() {
        out.push(ContactPoint {
            system: "phone",
            value: c.phone.clone(),
            use_: "work",
        });
    }
    if !c.website.is_empty() {
        out.push(ContactPoint {
            system: "url",
            value: c.website.clone(),
            use_: "work",
        });
    }
    out
}

fn kind_concept(kind: CentreKind) -> CodeableConcept {
    match kind {
        CentreKind::TyaUnit => {
            CodeableConcept::coded(KIND_SYSTEM, kind.as_str(), &crate::tr!("fhir-kind-tya"))
        }
        CentreKind::CancerCentre => CodeableConcept::coded(
            KIND_SYSTEM,
            kind.as_str(),
            &crate::tr!("kind-cancer-centre"),
        ),
    }
}

pub fn location(c: &Centre) -> Location {
    let (physical, physical_name) = match c.kind {
        CentreKind::TyaUnit => ("wa", "Ward"),
        CentreKind::CancerCentre => ("bu", "Building"),
    };
    Location {
        resource_type: "Location",
        id: c.id.clone(),
        meta: profile("Location"),
        identifier: vec![Identifier {
            system: CENTRE_ID_SYSTEM,
            value: c.id.clone(),
        }],
        status: "active",
        name: c.name.clone(),
        description: (c.name != c.hospital).then(|| format!("{}, {}", c.name, c.hospital)),
        type_: vec![
            CodeableConcept::coded(
                "http://terminology.hl7.org/CodeSystem/v3-RoleCode",
                "HOSP",
                "Hospital",
            ),
            kind_concept(c.kind),
        ],
        telecom: telecom(c),
        address: Address {
            use_: "work",
            line: [&c.hospital, &c.address]
                .into_iter()
                .filter(|l| !l.is_empty())
                .cloned()
                .collect(),
            city: c.town.clone(),
            postal_code: c.postcode.to_string(),
            country: "GB",
        },
        physical_type: CodeableConcept::coded(
            "http://terminology.hl7.org/CodeSystem/location-physical-type",
            physical,
            physical_name,
        ),
        position: Position {
            longitude: c.location.lon(),
            latitude: c.location.lat(),
        },
        managing_organization: Reference {
            reference: format!(
                "Organization/{}",
                organisation_id(c.organisation_or_hospital())
            ),
            display: Some(c.organisation_or_hospital().to_string()),
        },
    }
}

pub fn organization(name: &str) -> Organization {
    let id = organisation_id(name);
    Organization {
        resource_type: "Organization",
        identifier: vec![Identifier {
            system: ORGANISATION_ID_SYSTEM,
            value: id.clone(),
        }],
        id,
        meta: profile("Organization"),
        active: true,
        type_: vec![CodeableConcept::coded(
            "http://terminology.hl7.org/CodeSystem/organization-type",
            "prov",
            "Healthcare Provider",
        )],
        name: name.to_string(),
    }
}

/// Who the service is for, in words.
fn eligibility(ages: Option<AgeRange>, kind: CentreKind) -> Eligibility {
    match ages {
        Some(a) => Eligibility {
            code: CodeableConcept {
                coding: Vec::new(),
                text: Some(crate::tr!("fhir-ages", min = a.min(), max = a.max())),
            },
            comment: crate::tr!("fhir-ages-comment", min = a.min(), max = a.max()),
        },
        None => Eligibility {
            code: CodeableConcept {
                coding: Vec::new(),
                text: Some(crate::tr!("fhir-no-ages")),
            },
            comment: match kind {
                CentreKind::CancerCentre => crate::tr!("fhir-no-ages-adult"),
                CentreKind::TyaUnit => crate::tr!("fhir-no-ages-tya"),
            },
        },
    }
}

/// The HL7 service category of a centre: paediatric for children's hospitals (no one over 18),
/// specialist medical otherwise.
pub fn category_code(c: &Centre) -> &'static str {
    match c.ages {
        Some(a) if a.max() < 18 => "33",
        _ => "31",
    }
}

fn role_words(role: TyaRole) -> &'static str {
    match role {
        TyaRole::Ptc => "TYA principal treatment centre",
        TyaRole::DesignatedHospital => "TYA designated hospital",
        TyaRole::ChildrensPtc => "Children's cancer principal treatment centre",
    }
}

pub fn healthcare_service(c: &Centre) -> HealthcareService {
    let category = match category_code(c) {
        "33" => CodeableConcept::coded(SERVICE_CATEGORY_SYSTEM, "33", "Specialist Paediatric"),
        _ => CodeableConcept::coded(SERVICE_CATEGORY_SYSTEM, "31", "Specialist Medical"),
    };
    let mut type_ = vec![kind_concept(c.kind)];
    type_.extend(
        c.services
            .iter()
            .map(|s| CodeableConcept::coded(SERVICE_SYSTEM, s.as_str(), &s.plain_words())),
    );
    HealthcareService {
        resource_type: "HealthcareService",
        id: c.id.clone(),
        meta: profile("HealthcareService"),
        identifier: vec![Identifier {
            system: CENTRE_ID_SYSTEM,
            value: c.id.clone(),
        }],
        active: true,
        provided_by: Reference {
            reference: format!(
                "Organization/{}",
                organisation_id(c.organisation_or_hospital())
            ),
            display: Some(c.organisation_or_hospital().to_string()),
        },
        category: vec![category],
        type_,
        specialty: c
            .tya_role
            .map(|r| CodeableConcept::coded(ROLE_SYSTEM, r.as_str(), role_words(r)))
            .into_iter()
            .collect(),
        location: vec![Reference {
            reference: format!("Location/{}", c.id),
            display: Some(c.name.clone()),
        }],
        name: c.name.clone(),
        comment: (!c.notes.is_empty()).then(|| c.notes.clone()),
        telecom: telecom(c),
        eligibility: vec![eligibility(c.ages, c.kind)],
    }
}

/// Every organisation of the directory, by id (one per distinct name).
pub fn organizations(snapshot: &Snapshot) -> Vec<Organization> {
    let mut names: Vec<&str> = snapshot
        .centres()
        .iter()
        .map(Centre::organisation_or_hospital)
        .collect();
    names.sort_unstable();
    names.dedup();
    let mut out: Vec<Organization> = names.into_iter().map(organization).collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out.dedup_by(|a, b| a.id == b.id);
    out
}

/// The organisation id of a centre.
pub fn organisation_of(c: &Centre) -> String {
    organisation_id(c.organisation_or_hospital())
}

#[derive(Debug, Clone, Serialize)]
pub struct Distance {
    pub value: f64,
    pub unit: &'static str,
    pub system: &'static str,
    pub code: &'static str,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Extension {
    pub url: &'static str,
    pub value_distance: Distance,
}

#[derive(Debug, Clone, Serialize)]
pub struct Search {
    pub mode: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
}

impl Search {
    pub fn matched(distance: Option<(f64, DistanceUnit)>) -> Self {
        Self {
            mode: "match",
            extension: distance
                .map(|(km, unit)| Extension {
                    url: DISTANCE_EXTENSION,
                    value_distance: unit.distance(km),
                })
                .into_iter()
                .collect(),
        }
    }

    pub fn included() -> Self {
        Self {
            mode: "include",
            extension: Vec::new(),
        }
    }
}

/// The unit a `near` search asked for, which its distances are given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DistanceUnit {
    Km,
    Miles,
}

impl DistanceUnit {
    pub fn km(self, value: f64) -> f64 {
        match self {
            DistanceUnit::Km => value,
            DistanceUnit::Miles => value * 1.609_344,
        }
    }

    fn distance(self, km: f64) -> Distance {
        match self {
            DistanceUnit::Km => Distance {
                value: (km * 1000.0).round() / 1000.0,
                unit: "km",
                system: UCUM,
                code: "km",
            },
            DistanceUnit::Miles => Distance {
                value: (km / 1.609_344 * 1000.0).round() / 1000.0,
                unit: "mi",
                system: UCUM,
                code: "[mi_i]",
            },
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct BundleLink {
    pub relation: &'static str,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleEntry {
    pub full_url: String,
    pub resource: Resource,
    pub search: Search,
}

#[derive(Debug, Clone, Serialize)]
pub struct Bundle {
    #[serde(rename = "resourceType")]
    resource_type: &'static str,
    #[serde(rename = "type")]
    type_: &'static str,
    pub total: usize,
    pub link: Vec<BundleLink>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub entry: Vec<BundleEntry>,
}

impl Bundle {
    pub fn searchset(total: usize, link: Vec<BundleLink>, entry: Vec<BundleEntry>) -> Self {
        Self {
            resource_type: "Bundle",
            type_: "searchset",
            total,
            link,
            entry,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Issue {
    pub severity: &'static str,
    pub code: &'static str,
    pub diagnostics: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub expression: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OperationOutcome {
    #[serde(rename = "resourceType")]
    resource_type: &'static str,
    pub issue: Vec<Issue>,
}

impl OperationOutcome {
    pub fn error(code: &'static str, diagnostics: String, expression: Option<&str>) -> Self {
        Self {
            resource_type: "OperationOutcome",
            issue: vec![Issue {
                severity: "error",
                code,
                diagnostics,
                expression: expression.map(str::to_string).into_iter().collect(),
            }],
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchParamDef {
    pub name: &'static str,
    #[serde(rename = "type")]
    pub type_: &'static str,
    pub documentation: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Interaction {
    pub code: &'static str,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RestResource {
    #[serde(rename = "type")]
    pub type_: &'static str,
    pub profile: String,
    pub interaction: Vec<Interaction>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub search_include: Vec<&'static str>,
    pub search_param: Vec<SearchParamDef>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Rest {
    pub mode: &'static str,
    pub resource: Vec<RestResource>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Software {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Implementation {
    pub description: &'static str,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CapabilityStatement {
    resource_type: &'static str,
    status: &'static str,
    date: String,
    publisher: &'static str,
    kind: &'static str,
    software: Software,
    implementation: Implementation,
    fhir_version: &'static str,
    format: Vec<&'static str>,
    rest: Vec<Rest>,
}

/// One search parameter a resource type supports: name, FHIR type, what it does.
pub type ParamSpec = (&'static str, &'static str, &'static str);

pub const LOCATION_PARAMS: &[ParamSpec] = &[
    ("_id", "token", "The site's id (comma-separated for several)."),
    ("name", "string", "The name starts with this (case and accents ignored); name:contains and name:exact too."),
    ("address-postalcode", "string", "The postcode starts with this (spacing and case ignored)."),
    ("organization", "reference", "The managing organisation (Organization/{id} or {id})."),
    ("near", "special", "latitude|longitude|distance|unit (unit km or [mi_i]; distance defaults to 50 km): results by true great-circle distance, nearest first, each with the location-distance extension."),
];

pub const ORGANIZATION_PARAMS: &[ParamSpec] = &[
    (
        "_id",
        "token",
        "The organisation's id (comma-separated for several).",
    ),
    (
        "name",
        "string",
        "The name starts with this (case and accents ignored); name:contains and name:exact too.",
    ),
];

pub const SERVICE_PARAMS: &[ParamSpec] = &[
    ("_id", "token", "The service's id (comma-separated for several)."),
    ("name", "string", "The name starts with this (case and accents ignored); name:contains and name:exact too."),
    ("organization", "reference", "The providing organisation."),
    ("location", "reference", "The service's location (Location/{id} or {id})."),
    ("service-category", "token", "31 (Specialist Medical) or 33 (Specialist Paediatric), with or without the system."),
    ("service-type", "token", "A code of urn:centre-directory:centre-kind (tya_unit, cancer_centre) or urn:centre-directory:service (chemotherapy, radiotherapy, ...)."),
    ("location.near", "special", "As Location's near, on the service's location: nearest first, with the location-distance extension."),
];

/// The CapabilityStatement: exactly what this server does.
pub fn capability_statement(base: &str, date: &str) -> CapabilityStatement {
    let resource =
        |type_: &'static str, params: &[ParamSpec], include: Vec<&'static str>| RestResource {
            type_,
            profile: format!("{UK_CORE}{type_}"),
            interaction: vec![
                Interaction { code: "read" },
                Interaction {
                    code: "search-type",
                },
            ],
            search_include: include,
            search_param: params
                .iter()
                .map(|(name, type_, documentation)| SearchParamDef {
                    name,
                    type_,
                    documentation,
                })
                .collect(),
        };
    CapabilityStatement {
        resource_type: "CapabilityStatement",
        status: "active",
        date: date.to_string(),
        publisher: "centre-directory",
        kind: "instance",
        software: Software {
            name: "centre-directory",
            version: env!("CARGO_PKG_VERSION"),
        },
        implementation: Implementation {
            description: "The UK directory of cancer centres and teenage and young adult cancer units, read-only. Search results also take _count (1-100, default 20) and _offset for paging; unknown parameters are ignored and left out of the self link, or refused with Prefer: handling=strict.",
            url: base.to_string(),
        },
        fhir_version: FHIR_VERSION,
        format: vec!["application/fhir+json", "json"],
        rest: vec![Rest {
            mode: "server",
            resource: vec![
                resource("HealthcareService", SERVICE_PARAMS, vec!["HealthcareService:location"]),
                resource("Location", LOCATION_PARAMS, Vec::new()),
                resource("Organization", ORGANIZATION_PARAMS, Vec::new()),
            ],
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organisation_ids_are_fhir_ids() {
        assert_eq!(
            organisation_id("Birmingham Women's and Children's NHS Foundation Trust"),
            "org-birmingham-womens-and-childrens-nhs-foundation-trust"
        );
        let long = organisation_id(&"Very Long Name ".repeat(10));
        assert!(long.len() <= 64 && !long.ends_with('-'), "{long}");
        assert!(long.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    }

    #[test]
    fn distances_are_in_the_unit_asked_for() {
        let d = DistanceUnit::Miles.distance(16.09344);
        assert_eq!((d.value, d.code), (10.0, "[mi_i]"));
        assert_eq!(DistanceUnit::Km.distance(1.23456).value, 1.235);
    }
}
