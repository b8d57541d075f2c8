//! Database row types: one struct per table, all columns, used for reading and writing.
//! Conversions to and from domain records live beside those records (`crate::dataset`).

use diesel::prelude::*;

use super::schema::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = centres)]
pub struct CentreRow {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub hospital: String,
    pub organisation: String,
    pub address: String,
    pub town: String,
    pub postcode: String,
    pub nation: String,
    pub lat: f64,
    pub lon: f64,
    pub phone: String,
    pub website: String,
    pub age_min: Option<i32>,
    pub age_max: Option<i32>,
    pub tya_role: Option<String>,
    pub services: String,
    pub tct_unit: Option<bool>,
    pub notes: String,
    pub source: String,
    pub last_verified: String,
    pub unverified: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = registries)]
pub struct RegistryRow {
    pub nation: String,
    pub name: String,
    pub short_name: String,
    pub organisation: String,
    pub website: String,
    pub publishes: String,
    pub phone: String,
    pub notes: String,
    pub source: String,
    pub last_verified: String,
    pub unverified: String,
    pub name_cy: String,
    pub publishes_cy: String,
    pub notes_cy: String,
    pub welsh_review: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = treatment_topics)]
pub struct TopicRow {
    pub slug: String,
    pub condition: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub related_service: Option<String>,
    pub sort_order: i32,
    pub source: String,
    pub last_verified: String,
    pub unverified: String,
    pub title_cy: String,
    pub summary_cy: String,
    pub body_cy: String,
    pub welsh_review: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = referral_rules)]
pub struct ReferralRuleRow {
    pub id: String,
    pub nation: String,
    pub age_min: i32,
    pub age_max: i32,
    pub setting: String,
    pub rule: String,
    pub details: String,
    pub source: String,
    pub last_verified: String,
    pub unverified: String,
    pub rule_cy: String,
    pub details_cy: String,
    pub welsh_review: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = postcode_areas)]
pub struct PostcodeAreaRow {
    pub area: String,
    pub name: String,
    pub nation: String,
    pub also_in: String,
    pub lat: f64,
    pub lon: f64,
    pub notes: String,
    pub source: String,
    pub last_verified: String,
    pub unverified: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = registry_stats)]
pub struct RegistryStatRow {
    pub id: String,
    pub nation: String,
    pub period: String,
    pub cancer: String,
    pub age_band: String,
    pub sex: String,
    pub measure: String,
    pub value: f64,
    pub notes: String,
    pub source: String,
    pub last_verified: String,
    pub unverified: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = postcodes, treat_none_as_default_value = false)]
pub struct PostcodeRow {
    pub postcode: String,
    pub outcode: String,
    pub lat: f64,
    pub lon: f64,
    pub nation: Option<String>,
    pub terminated: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = postcode_districts)]
pub struct DistrictRow {
    pub outcode: String,
    pub lat: f64,
    pub lon: f64,
    pub nation: Option<String>,
    pub postcodes: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = places, treat_none_as_default_value = false)]
pub struct PlaceRow {
    pub id: String,
    pub name: String,
    pub other_names: String,
    pub nation: String,
    pub county: String,
    pub lat: f64,
    pub lon: f64,
    pub population: Option<i64>,
    pub source: String,
    pub last_verified: String,
    pub unverified: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = district_centroids, treat_none_as_default_value = false)]
pub struct DistrictCentroidRow {
    pub outcode: String,
    pub area: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub nation: String,
    pub non_geographic: bool,
    pub postcodes: Option<i64>,
    pub town: String,
    pub notes: String,
    pub source: String,
    pub last_verified: String,
    pub unverified: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = family)]
pub struct FamilyRow {
    pub centre_id: String,
    pub accommodation: String,
    pub accommodation_source: String,
    pub parking: String,
    pub parking_source: String,
    pub public_transport: String,
    pub public_transport_source: String,
    pub travel_costs: String,
    pub travel_costs_source: String,
    pub last_verified: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = geocode_cache)]
pub struct GeocodeCacheRow {
    pub postcode: String,
    pub found: bool,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub nation: Option<String>,
    pub fetched_at: String,
    /// The whole answer as JSON (rows cached before it have none).
    pub answer: Option<String>,
}
