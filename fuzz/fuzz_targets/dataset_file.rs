#![no_main]
//! The CSV reader and row parser of every dataset: the first byte picks the dataset, the rest
//! is the file.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some((&which, file)) = data.split_first() {
        centre_directory::fuzzing::dataset_file(which, file);
    }
});
