//! The shipped data files, carried gzip-compressed in the executable (build.rs), so a binary
//! copied or installed anywhere loads the directory into an empty database; a file in
//! `DATA_DIR` takes precedence.

use std::io::Read;

macro_rules! shipped {
    ($($file:literal),* $(,)?) => {
        /// The compressed copy of a shipped file, by file name.
        fn compressed(file: &str) -> Option<&'static [u8]> {
            match file {
                $($file => Some(include_bytes!(concat!(env!("OUT_DIR"), "/", $file, ".gz"))),)*
                _ => None,
            }
        }
    };
}

shipped!(
    "centres.csv",
    "registries.csv",
    "treatment_topics.csv",
    "referral_rules.csv",
    "postcode_areas.csv",
    "registry_stats.csv",
    "postcode_districts.csv",
    "places.csv",
    "family.csv",
);

/// The built-in copy of a shipped data file.
pub fn built_in(file: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(compressed(file)?)
        .read_to_end(&mut out)
        .expect("the built-in data files were compressed by build.rs");
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::DATASET_NAMES;
    use crate::import::for_dataset_file;

    #[test]
    fn every_dataset_has_its_file_built_in_as_shipped() {
        for name in DATASET_NAMES {
            let file = for_dataset_file(name);
            let built_in = built_in(file).unwrap_or_else(|| panic!("{file} is not built in"));
            let on_disk = std::fs::read(format!("data/{file}")).unwrap();
            assert_eq!(built_in, on_disk, "{file}");
        }
    }
}
