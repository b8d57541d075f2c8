//! Wire types: what the API (and the CLI's `--json`) sends. Built from domain records by
//! explicit `From`; each serves both the JSON (serde) and the OpenAPI description (utoipa).

use serde::Serialize;
use utoipa::ToSchema;

use super::figures::{figures_for, FigureQuery, FigureView};
use crate::dataset::{Centre, FamilyInfo, Registry, Sourced, TreatmentTopic};
use crate::domain::{CentreKind, Nation, Service, TyaRole, Vocabulary};
use crate::i18n::{pick, Bilingual, Lang, Translation};
use crate::index::Snapshot;

#[derive(Debug, Serialize, ToSchema)]
pub struct CentreView {
    pub id: String,
    pub kind: CentreKind,
    pub name: String,
    pub hospital: String,
    pub organisation: String,
    pub address: String,
    pub town: String,
    pub postcode: String,
    pub nation: Nation,
    pub lat: f64,
    pub lon: f64,
    pub age_min: Option<u8>,
    pub age_max: Option<u8>,
    pub tya_role: Option<TyaRole>,
    pub services: Vec<Service>,
    /// The services in plain words (in the language asked for), in the same order.
    pub services_plain: Vec<String>,
    pub phone: String,
    pub website: String,
    pub teenage_cancer_trust_unit: Option<bool>,
    pub notes: String,
    pub source: String,
    pub last_verified: String,
    pub unverified: Vec<String>,
    /// What a family needs to get there and stay (one centre's answers only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family: Option<FamilyView>,
}

/// Free accommodation nearby, parking, public transport and help with travel costs, each
/// with the pages that confirm it; absent where no source confirms it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FamilyView {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accommodation: Option<Sourced>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parking: Option<Sourced>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_transport: Option<Sourced>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub travel_costs: Option<Sourced>,
    pub last_verified: String,
}

impl From<&FamilyInfo> for FamilyView {
    fn from(f: &FamilyInfo) -> Self {
        Self {
            accommodation: f.accommodation.clone(),
            parking: f.parking.clone(),
            public_transport: f.public_transport.clone(),
            travel_costs: f.travel_costs.clone(),
            last_verified: f.last_verified.format("%Y-%m-%d").to_string(),
        }
    }
}

impl CentreView {
    /// The centre with what a family needs to get there, for one centre's page and answer.
    pub fn with_family(snapshot: &Snapshot, c: &Centre) -> Self {
        let mut view = Self::from(c);
        view.family = snapshot.family.get(&c.id).map(FamilyView::from);
        view
    }
}

impl From<&Centre> for CentreView {
    fn from(c: &Centre) -> Self {
        Self {
            id: c.id.clone(),
            kind: c.kind,
            name: c.name.clone(),
            hospital: c.hospital.clone(),
            organisation: c.organisation.clone(),
            address: c.address.clone(),
            town: c.town.clone(),
            postcode: c.postcode.to_string(),
            nation: c.nation,
            lat: c.location.lat(),
            lon: c.location.lon(),
            age_min: c.ages.map(|a| a.min()),
            age_max: c.ages.map(|a| a.max()),
            tya_role: c.tya_role,
            services: c.services.clone(),
            services_plain: c.services.iter().map(|s| s.plain_words()).collect(),
            phone: c.phone.clone(),
            website: c.website.clone(),
            teenage_cancer_trust_unit: c.tct_unit,
            notes: c.notes.clone(),
            source: c.provenance.source.clone(),
            last_verified: c.provenance.last_verified_text(),
            unverified: c.provenance.unverified.clone(),
            family: None,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegistryView {
    pub nation: Nation,
    pub nation_name: String,
    pub name: String,
    pub short_name: String,
    pub organisation: String,
    pub url: String,
    pub publishes: String,
    pub about: String,
    pub source: String,
    pub last_verified: String,
    /// The latest figures this registry's nation publishes that match the question: all
    /// cancers, the condition asked about, the age band of the age given.
    pub figures: Vec<FigureView>,
    /// What was asked for that has no figure in our data.
    pub figures_missing: Vec<String>,
    /// The language `name`, `publishes` and `about` are in.
    pub language: Lang,
    /// For an answer in Welsh: whether the Welsh has been reviewed, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translation: Option<Translation>,
}

impl RegistryView {
    /// The registry with the figures that answer `q`.
    pub fn new(r: &Registry, snapshot: &Snapshot, q: &FigureQuery) -> Self {
        let (figures, figures_missing) = figures_for(snapshot, r.nation, q);
        Self {
            figures,
            figures_missing,
            nation: r.nation,
            nation_name: r.nation.display_name(),
            name: pick(&r.name, &r.welsh.name).to_string(),
            short_name: r.short_name.clone(),
            organisation: r.organisation.clone(),
            url: r.website.clone(),
            publishes: pick(&r.publishes, &r.welsh.publishes).to_string(),
            about: if r.welsh.name.is_empty() {
                r.notes.clone()
            } else {
                pick(&r.notes, &r.welsh.notes).to_string()
            },
            language: r.welsh.language(),
            translation: r.welsh.translation(),
            source: r.provenance.source.clone(),
            last_verified: r.provenance.last_verified_text(),
        }
    }

    /// The registry of `nation`, if loaded.
    pub fn of(snapshot: &Snapshot, nation: Nation, q: &FigureQuery) -> Option<Self> {
        snapshot
            .registries
            .get(&nation)
            .map(|r| Self::new(r, snapshot, q))
    }
}

/// A topic as listed (without its body).
#[derive(Debug, Serialize, ToSchema)]
pub struct TopicSummaryView {
    pub slug: String,
    pub condition: String,
    pub title: String,
    pub summary: String,
    pub related_service: Option<&'static str>,
    pub source: String,
    /// The language `title`, `summary` (and `body`) are in.
    pub language: Lang,
    /// For an answer in Welsh: whether the Welsh has been reviewed, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translation: Option<Translation>,
}

impl From<&TreatmentTopic> for TopicSummaryView {
    fn from(t: &TreatmentTopic) -> Self {
        Self {
            slug: t.slug.clone(),
            condition: t.condition.clone(),
            title: pick(&t.title, &t.welsh.title).to_string(),
            summary: pick(&t.summary, &t.welsh.summary).to_string(),
            related_service: t.related_service.map(|s| s.as_str()),
            source: t.provenance.source.clone(),
            language: t.welsh.language(),
            translation: t.welsh.translation(),
        }
    }
}

/// A whole topic.
#[derive(Debug, Serialize, ToSchema)]
pub struct TopicView {
    #[serde(flatten)]
    pub summary: TopicSummaryView,
    pub body: String,
    pub last_verified: String,
}

impl From<&TreatmentTopic> for TopicView {
    fn from(t: &TreatmentTopic) -> Self {
        Self {
            summary: TopicSummaryView::from(t),
            body: pick(&t.body, &t.welsh.body).to_string(),
            last_verified: t.provenance.last_verified_text(),
        }
    }
}

/// Which version of the directory answered.
#[derive(Debug, Serialize, ToSchema)]
pub struct DatasetView {
    pub version: i64,
    pub imported_at: String,
}

impl From<&Snapshot> for DatasetView {
    fn from(s: &Snapshot) -> Self {
        Self {
            version: s.version,
            imported_at: s.updated_at.clone(),
        }
    }
}

/// `GET /api/v1/centres`: one page of centres.
#[derive(Debug, Serialize, ToSchema)]
pub struct CentreList {
    pub results: Vec<CentreView>,
    /// Centres matching the filters, on every page.
    pub total: usize,
    pub limit: usize,
    pub offset: usize,
    pub dataset: DatasetView,
}

/// `GET /api/v1/centres/{id}`: one centre and the registry of its nation.
#[derive(Debug, Serialize, ToSchema)]
pub struct CentreDetail {
    pub centre: CentreView,
    pub registry: Option<RegistryView>,
    pub dataset: DatasetView,
}

/// `GET /api/v1/registries`.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegistryList {
    pub results: Vec<RegistryView>,
    pub total: usize,
    pub dataset: DatasetView,
}

/// `GET /api/v1/registries/{nation}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegistryDetail {
    pub registry: RegistryView,
    pub dataset: DatasetView,
}

/// `GET /api/v1/treatment`.
#[derive(Debug, Serialize, ToSchema)]
pub struct TopicList {
    pub results: Vec<TopicSummaryView>,
    pub total: usize,
    pub dataset: DatasetView,
}

/// `GET /api/v1/treatment/{slug}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct TopicDetail {
    pub topic: TopicView,
    pub dataset: DatasetView,
}

/// `GET /api/v1/registries/{nation}/statistics`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatisticsList {
    pub nation: Nation,
    /// The registry that covers the nation.
    pub registry: Option<String>,
    pub results: Vec<FigureView>,
    pub total: usize,
    /// Said when nothing matches.
    pub message: Option<String>,
    pub dataset: DatasetView,
}
