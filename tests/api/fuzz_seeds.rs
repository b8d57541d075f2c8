//! The fuzz targets' properties (see `fuzz/`), checked in every test run on real files and on
//! every input kept in `fuzz/regressions/<target>/` (a crash the fuzzer found, once fixed,
//! stays there as a regression test).

use std::path::PathBuf;

use centre_directory::dataset::DATASET_NAMES;
use centre_directory::fuzzing;

use crate::support::{data_dir, postcode_fixture_bytes, repo_path};

fn regressions(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = repo_path("fuzz/regressions").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    let name = p.file_name().unwrap().to_string_lossy();
                    p.is_file() && !name.starts_with('.') && !name.ends_with(".md")
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

#[test]
fn shipped_files_keep_the_dataset_properties() {
    for (which, name) in DATASET_NAMES.iter().enumerate() {
        let file = match *name {
            "treatment" => "treatment_topics.csv".to_string(),
            other => format!("{other}.csv"),
        };
        let bytes = std::fs::read(data_dir().join(&file)).unwrap();
        // The shipped file as it is, cut short in the middle of a row, and given as every
        // other dataset: each is valid or refused with reasons, never a panic.
        for (i, _) in DATASET_NAMES.iter().enumerate() {
            fuzzing::dataset_file(i as u8, &bytes);
        }
        fuzzing::dataset_file(which as u8, &bytes[..bytes.len() / 2]);
    }
    for (path, bytes) in regressions("dataset_file") {
        eprintln!("regression {}", path.display());
        if let Some((&which, file)) = bytes.split_first() {
            fuzzing::dataset_file(which, file);
        }
    }
}

#[test]
fn postcode_directory_files_keep_their_properties() {
    for name in ["onspd_sample.csv", "nspl_sample.csv"] {
        let bytes = postcode_fixture_bytes(name);
        for skip in [false, true] {
            fuzzing::postcode_directory(&bytes, skip);
            fuzzing::postcode_directory(&bytes[..bytes.len() / 3], skip);
        }
    }
    for (path, bytes) in regressions("postcode_directory") {
        eprintln!("regression {}", path.display());
        if let Some((&flags, file)) = bytes.split_first() {
            fuzzing::postcode_directory(file, flags & 1 == 1);
        }
    }
}

#[test]
fn postcodes_and_query_strings_keep_their_properties() {
    for raw in [
        "LS9 7TF",
        "ls97tf",
        " SW1A 1AA ",
        "M1 1AE",
        "LS9 7",
        "LS9",
        "LS",
        "GY1 1AA",
        "",
        "𐽊{",
        "EC1A1BB",
        "W1A 0AX",
        "BFPO 1",
        "GIR 0AA",
        "X",
    ] {
        fuzzing::postcode(raw);
    }
    for raw in [
        "",
        "q=LS9&limit=5",
        "lat=53.8&lon=-1.55&service=chemotherapy&service=car_t",
        "lat=NaN&lon=inf",
        "limit=99999999999999999999",
        "q=%ZZ",
        "q=a&q=b",
        "unknown=1",
        "age=-1&max_km=1e309",
    ] {
        fuzzing::query_string(raw);
    }
    for (path, bytes) in regressions("postcode") {
        eprintln!("regression {}", path.display());
        fuzzing::postcode(&String::from_utf8_lossy(&bytes));
    }
    for (path, bytes) in regressions("query_string") {
        eprintln!("regression {}", path.display());
        fuzzing::query_string(&String::from_utf8_lossy(&bytes));
    }
}
