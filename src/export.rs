//! Exports: a dataset as CSV (the file in force, written again with spreadsheet-formula cells
//! neutralised, so it imports back unchanged) and centres as GeoJSON.

use std::collections::HashSet;

use serde_json::{json, Value};

use crate::answer::views::CentreView;
use crate::dataset::table::{neutralise, strip_bom};
use crate::dataset::{
    Centre, Dataset, PostcodeArea, ReferralRule, Registry, RegistryStat, TreatmentTopic,
    DATASET_NAMES,
};
use crate::db::{Database, Storage};
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

/// One GeoJSON feature for a centre, with extra properties.
pub fn feature(centre: &Centre, extra: &[(&str, Value)]) -> Value {
    let mut properties = serde_json::to_value(CentreView::from(centre)).unwrap_or_default();
    if let Some(map) = properties.as_object_mut() {
        for (k, v) in extra {
            map.insert((*k).to_string(), v.clone());
        }
    }
    json!({
        "type": "Feature",
        "id": centre.id,
        "geometry": {"type": "Point", "coordinates": [centre.location.lon(), centre.location.lat()]},
        "properties": properties,
    })
}

/// A GeoJSON FeatureCollection of these centres.
pub fn geojson<'a>(centres: impl IntoIterator<Item = &'a Centre>) -> Value {
    json!({
        "type": "FeatureCollection",
        "features": centres.into_iter().map(|c| feature(c, &[])).collect::<Vec<_>>(),
    })
}
