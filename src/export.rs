//! Exports: a dataset as CSV (the file in force, written again with spreadsheet-formula cells
//! neutralised, so it imports back unchanged) and centres as GeoJSON.

use std::collections::HashSet;

use serde::Serialize;
use utoipa::ToSchema;

use crate::answer::views::{CentreView, DatasetView};
use crate::dataset::table::{neutralise, strip_bom};
use crate::dataset::{
    Centre, Dataset, District, FamilyInfo, Place, PostcodeArea, ReferralRule, Registry,
    RegistryStat, TreatmentTopic, DATASET_NAMES,
};
use crate::db::{Database, Storage};
use crate::geocode::Location;
use crate::import::ImportError;
use crate::with_connection;

fn columns(dataset: &str) -> Option<Vec<&'static str>> {
    fn names<D: Dataset>() -> Vec<&'static str> {
        D::COLUMNS.iter().map(|c| c.name).collect()
    }
    Some(match dataset {
        "centres" => names::<Centre>(),
        "registries" => names::<Registry>(),
        "treatment" => names::<TreatmentTopic>(),
        "referral_rules" => names::<ReferralRule>(),
        "postcode_areas" => names::<PostcodeArea>(),
        "postcode_districts" => names::<District>(),
        "places" => names::<Place>(),
        "family" => names::<FamilyInfo>(),
        "registry_stats" => names::<RegistryStat>(),
        _ => return None,
    })
}

/// The dataset in force as CSV. `keep` limits the rows to these keys (the first column).
pub fn csv(
    db: &Database,
    dataset: &str,
    keep: Option<&HashSet<String>>,
) -> Result<Vec<u8>, ImportError> {
    let name = if dataset == "treatment_topics" {
        "treatment"
    } else {
        dataset
    };
    let Some(header) = columns(name) else {
        return Err(ImportError::UnknownDataset(format!(
            "{dataset}' cannot be exported; exportable: {}",
            DATASET_NAMES.join(", ")
        )));
    };
    let mut conn = db.get()?;
    let content: Option<String> = with_connection!(&mut conn, |c| {
        match c.dataset_state(name) {
            Ok(Some(state)) => c.import_content(state.content_import_id),
            Ok(None) => Ok(None),
            Err(e) => Err(e),
        }
    })?;
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let write_err = |e: csv::Error| ImportError::Source(format!("writing CSV: {e}"));
    let Some(content) = content else {
        out.write_record(&header).map_err(write_err)?;
        return out
            .into_inner()
            .map_err(|e| ImportError::Source(format!("writing CSV: {e}")));
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(strip_bom(content.as_bytes()));
    let mut first = true;
    for record in reader.records() {
        let record = record.map_err(|e| ImportError::Source(format!("stored file: {e}")))?;
        let is_header = std::mem::replace(&mut first, false);
        if !is_header {
            if let Some(keep) = keep {
                if !record.get(0).is_some_and(|k| keep.contains(k.trim())) {
                    continue;
                }
            }
        }
        let cells: Vec<_> = record.iter().map(neutralise).collect();
        out.write_record(cells.iter().map(|c| c.as_ref()))
            .map_err(write_err)?;
    }
    out.into_inner()
        .map_err(|e| ImportError::Source(format!("writing CSV: {e}")))
}

/// A GeoJSON FeatureCollection (RFC 7946): one Point feature per centre, with the centre's
/// fields (and distances, from the nearest endpoint) as properties.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeatureCollection {
    /// Always `FeatureCollection`.
    #[serde(rename = "type")]
    #[schema(value_type = String, pattern = "^FeatureCollection$")]
    kind: &'static str,
    pub features: Vec<Feature>,
    /// The location asked about (nearest answers only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// Which version of the directory answered (nearest answers only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataset: Option<DatasetView>,
}

impl FeatureCollection {
    pub fn new(features: Vec<Feature>) -> Self {
        Self {
            kind: "FeatureCollection",
            features,
            location: None,
            dataset: None,
        }
    }
}

/// One centre as a GeoJSON Point feature.
#[derive(Debug, Serialize, ToSchema)]
pub struct Feature {
    /// Always `Feature`.
    #[serde(rename = "type")]
    #[schema(value_type = String, pattern = "^Feature$")]
    kind: &'static str,
    /// The centre's id.
    pub id: String,
    pub geometry: PointGeometry,
    pub properties: FeatureProperties,
}

/// A GeoJSON Point: `[longitude, latitude]`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PointGeometry {
    /// Always `Point`.
    #[serde(rename = "type")]
    #[schema(value_type = String, pattern = "^Point$")]
    kind: &'static str,
    pub coordinates: [f64; 2],
}

/// A feature's properties: the centre, and its distance when the answer is by distance.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeatureProperties {
    #[serde(flatten)]
    pub centre: CentreView,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_miles: Option<f64>,
}

impl Feature {
    /// A centre's feature, with its distance in kilometres and miles when given.
    pub fn new(centre: CentreView, distances: Option<(f64, f64)>) -> Self {
        Self {
            kind: "Feature",
            id: centre.id.clone(),
            geometry: PointGeometry {
                kind: "Point",
                coordinates: [centre.lon, centre.lat],
            },
            properties: FeatureProperties {
                centre,
                distance_km: distances.map(|d| d.0),
                distance_miles: distances.map(|d| d.1),
            },
        }
    }
}

/// A GeoJSON FeatureCollection of these centres.
pub fn geojson<'a>(centres: impl IntoIterator<Item = &'a Centre>) -> FeatureCollection {
    FeatureCollection::new(
        centres
            .into_iter()
            .map(|c| Feature::new(CentreView::from(c), None))
            .collect(),
    )
}
