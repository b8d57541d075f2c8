//! Referral guidance for young people: which kind of place the published rules of the patient's
//! nation point to for their age, and the nearest places of that kind that take that age.
//!
//! This is guidance drawn from service specifications, not a clinical decision: the answer says
//! so, and carries the source and verification date of the rule it used.

use std::collections::HashSet;

use serde::Serialize;
use utoipa::ToSchema;

use super::figures::FigureQuery;
use super::views::{CentreView, DatasetView, RegistryView, TopicSummaryView};
use super::{directions_url, distances, registry_for, registry_note, topics_for};
use crate::dataset::{Cancer, Centre, ReferralRule, Setting};
use crate::domain::{CentreKind, Nation, Service, Territory, TyaRole};
use crate::geocode::{Location, Precision};
use crate::i18n::{pick, Bilingual, Lang, Translation};
use crate::index::{Hit, Snapshot};

/// Said with every referral answer: guidance, not a clinical decision.
pub fn disclaimer() -> String {
    crate::tr!("referral-disclaimer")
}

/// The rule that applies.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PathwayView {
    /// The rule's id in `referral_rules.csv`.
    pub id: String,
    pub nation: Nation,
    pub age_min: u8,
    pub age_max: u8,
    /// `childrens_ptc`, `tya_ptc`, `tya_ptc_or_designated_hospital` or `adult_cancer_centre`.
    pub setting: Setting,
    /// The setting in plain words.
    pub setting_plain: String,
    pub rule: String,
    pub details: String,
    pub source: String,
    pub last_verified: String,
    /// Values of the rule not confirmed by its source (e.g. `age_min`).
    pub unverified: Vec<String>,
    /// The language `rule` and `details` are in (English when Welsh was asked for and the rule
    /// has no Welsh yet).
    pub language: Lang,
    /// For an answer in Welsh: whether the Welsh has been reviewed, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translation: Option<Translation>,
}

impl From<&ReferralRule> for PathwayView {
    fn from(r: &ReferralRule) -> Self {
        Self {
            id: r.id.clone(),
            nation: r.nation,
            age_min: r.ages.min(),
            age_max: r.ages.max(),
            setting: r.setting,
            setting_plain: setting_plain(r.setting),
            rule: pick(&r.rule, &r.welsh.rule).to_string(),
            details: if r.welsh.rule.is_empty() {
                r.details.clone()
            } else {
                pick(&r.details, &r.welsh.details).to_string()
            },
            language: r.welsh.language(),
            translation: r.welsh.translation(),
            source: r.provenance.source.clone(),
            last_verified: r.provenance.last_verified_text(),
            unverified: r.provenance.unverified.clone(),
        }
    }
}

fn setting_plain(s: Setting) -> String {
    match s {
        Setting::ChildrensPtc => crate::tr!("setting-childrens-ptc"),
        Setting::TyaPtc => crate::tr!("setting-tya-ptc"),
        Setting::TyaPtcOrDesignatedHospital => crate::tr!("setting-tya-ptc-or-designated"),
        Setting::AdultCancerCentre => crate::tr!("setting-adult-cancer-centre"),
    }
}

/// What role a place plays for this young person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    ChildrensPtc,
    TyaPtc,
    TyaDesignatedHospital,
    /// A Teenage Cancer Trust or TYA unit whose role our sources do not state.
    TyaUnit,
    AdultCancerCentre,
}

impl Role {
    pub fn plain(self) -> String {
        match self {
            Role::ChildrensPtc => crate::tr!("role-childrens-ptc"),
            Role::TyaPtc => crate::tr!("role-tya-ptc"),
            Role::TyaDesignatedHospital => crate::tr!("role-tya-designated"),
            Role::TyaUnit => crate::tr!("role-tya-unit"),
            Role::AdultCancerCentre => crate::tr!("role-adult-cancer-centre"),
        }
    }
}

/// One place in a referral answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralResult {
    pub centre: CentreView,
    pub distance_km: f64,
    pub distance_miles: f64,
    /// OpenStreetMap directions, as in the nearest answer.
    pub directions_url: String,
    pub role: Role,
    pub role_plain: String,
    /// Present when the place is in another nation than the patient: its registry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registry: Option<RegistryView>,
}

impl ReferralResult {
    fn new(
        snapshot: &Snapshot,
        location: &Location,
        hit: &Hit<'_>,
        role: Role,
        registry: bool,
        figure_query: &FigureQuery,
    ) -> Self {
        let (distance_km, distance_miles) = distances(hit.distance_km);
        let c = hit.centre;
        Self {
            centre: CentreView::from(c),
            distance_km,
            distance_miles,
            directions_url: directions_url(Some(location), c.location.lat(), c.location.lon()),
            role,
            role_plain: role.plain(),
            registry: registry
                .then(|| RegistryView::of(snapshot, c.nation, figure_query))
                .flatten(),
        }
    }
}

/// `GET /api/v1/referrals/tya`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralAnswer {
    pub location: Location,
    pub age: u8,
    /// The rule of the patient's nation for this age; null when no rule applies.
    pub pathway: Option<PathwayView>,
    pub results: Vec<ReferralResult>,
    /// Caveats about this answer in plain words (nation inferred, Crown Dependency, gaps in
    /// our data).
    pub notes: Vec<String>,
    /// Guidance, not a clinical decision.
    pub disclaimer: String,
    pub treatment: Vec<TopicSummaryView>,
    pub registry: Option<RegistryView>,
    pub registry_note: Option<String>,
    pub dataset: DatasetView,
}

/// Does `centre` fit `setting` for someone of `age`? Which role it plays if so.
fn fits(setting: Setting, centre: &Centre, age: u8) -> Option<Role> {
    if !centre.accepts_age(age) {
        return None;
    }
    let tya_role = |c: &Centre| match c.tya_role {
        Some(TyaRole::Ptc) | Some(TyaRole::ChildrensPtc) => Some(Role::TyaPtc),
        Some(TyaRole::DesignatedHospital) => Some(Role::TyaDesignatedHospital),
        None if c.kind == CentreKind::TyaUnit => Some(Role::TyaUnit),
        None => None,
    };
    match setting {
        Setting::ChildrensPtc => {
            (centre.tya_role == Some(TyaRole::ChildrensPtc)).then_some(Role::ChildrensPtc)
        }
        // A children's hospital's TYA unit that takes this age is part of its region's TYA
        // service for teenagers (as at Leeds, where 16-18s are on the children's hospital site).
        Setting::TyaPtc => match tya_role(centre) {
            Some(Role::TyaPtc) | Some(Role::TyaUnit) => tya_role(centre),
            _ => None,
        },
        Setting::TyaPtcOrDesignatedHospital => tya_role(centre),
        Setting::AdultCancerCentre => (centre.kind == CentreKind::CancerCentre
            && centre.tya_role != Some(TyaRole::ChildrensPtc))
        .then_some(Role::AdultCancerCentre),
    }
}

impl ReferralAnswer {
    pub fn build(
        snapshot: &Snapshot,
        mut location: Location,
        age: u8,
        condition: Option<Cancer>,
        limit: usize,
    ) -> Self {
        let figure_query = FigureQuery {
            cancer: condition,
            age: Some(age),
        };
        let mut notes = Vec::new();
        if location.nation.is_some() && location.precision == Precision::Point {
            notes.push(crate::tr!("referral-note-nation-from-areas"));
        } else if location.nation.is_none() && location.precision == Precision::Point {
            // Near a border the areas disagree; the rules still need a nation, so the nearest
            // area's is used, with the same caveat.
            if let Some(t) = snapshot
                .nearest_area(location.coordinates())
                .map(|a| a.territory)
            {
                location.territory = Some(t);
                location.nation = t.nation();
                notes.push(crate::tr!("referral-note-nation-from-nearest-area"));
            }
        }
        // The rules of the patient's nation; a Crown Dependency has none of its own in our data,
        // so the English pattern is shown with a note.
        let rule_nation = match (location.nation, location.territory) {
            (Some(n), _) => Some(n),
            (None, Some(Territory::CrownDependency)) => {
                notes.push(crate::tr!("referral-note-crown-dependency"));
                Some(Nation::England)
            }
            (None, _) => None,
        };
        let rule = rule_nation.and_then(|n| {
            snapshot
                .referral_rules
                .iter()
                .find(|r| r.nation == n && r.ages.contains(age))
        });
        if rule.is_none() {
            notes.push(match rule_nation {
                Some(n) => crate::tr!(
                    "referral-note-no-rule",
                    age = age,
                    nation = n.display_name()
                ),
                None => crate::tr!("referral-note-no-nation"),
            });
        }
        let mut results = Vec::new();
        if let Some(rule) = rule {
            // A TYA service listed by its units is not listed again as its hospital's centre.
            let with_units: HashSet<&str> = snapshot
                .centres()
                .iter()
                .filter(|c| c.kind == CentreKind::TyaUnit)
                .map(|c| c.organisation.as_str())
                .collect();
            let tya_setting = matches!(
                rule.setting,
                Setting::TyaPtc | Setting::TyaPtcOrDesignatedHospital
            );
            // A children's hospital listed as a centre is not listed again as its teenage unit.
            let childrens_sites: HashSet<&str> = snapshot
                .centres()
                .iter()
                .filter(|c| {
                    c.kind == CentreKind::CancerCentre && c.tya_role == Some(TyaRole::ChildrensPtc)
                })
                .map(|c| c.postcode.as_str())
                .collect();
            let hits = snapshot.nearest(location.coordinates(), usize::MAX, None, |c| {
                fits(rule.setting, c, age).is_some()
                    && !(tya_setting
                        && c.kind == CentreKind::CancerCentre
                        && with_units.contains(c.organisation.as_str()))
                    && !(rule.setting == Setting::ChildrensPtc
                        && c.kind == CentreKind::TyaUnit
                        && childrens_sites.contains(c.postcode.as_str()))
            });
            for hit in hits {
                if results.len() == limit {
                    break;
                }
                let role = fits(rule.setting, hit.centre, age).expect("filtered above");
                let other_nation = Some(hit.centre.nation) != location.nation;
                results.push(ReferralResult::new(
                    snapshot,
                    &location,
                    &hit,
                    role,
                    other_nation,
                    &figure_query,
                ));
            }
            if let Some(first) = results.first() {
                if Some(first.centre.nation) != location.nation {
                    if let Some(n) = location.nation {
                        notes.push(crate::tr!(
                            "referral-note-other-nation",
                            there = first.centre.nation.display_name(),
                            here = n.display_name()
                        ));
                    }
                }
            }
            if rule.setting == Setting::ChildrensPtc {
                notes.push(crate::tr!("referral-note-shared-care"));
            }
            if results.is_empty() {
                notes.push(crate::tr!(
                    "referral-note-none-fits",
                    setting = setting_plain(rule.setting),
                    age = age
                ));
            }
        } else {
            for hit in snapshot.nearest(location.coordinates(), limit, None, |c| {
                c.kind == CentreKind::TyaUnit && c.accepts_age(age)
                    || (c.kind == CentreKind::CancerCentre && age >= 25)
            }) {
                let role = if hit.centre.kind == CentreKind::CancerCentre {
                    Role::AdultCancerCentre
                } else {
                    Role::TyaUnit
                };
                results.push(ReferralResult::new(
                    snapshot,
                    &location,
                    &hit,
                    role,
                    true,
                    &figure_query,
                ));
            }
        }
        let offered: HashSet<Service> = results
            .iter()
            .flat_map(|r| r.centre.services.iter().copied())
            .collect();
        Self {
            treatment: topics_for(snapshot, &offered),
            registry: registry_for(snapshot, &location, &figure_query),
            registry_note: registry_note(&location),
            dataset: DatasetView::from(snapshot),
            pathway: rule.map(PathwayView::from),
            location,
            age,
            results,
            notes,
            disclaimer: disclaimer(),
        }
    }
}
