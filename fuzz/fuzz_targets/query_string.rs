#![no_main]
//! The API's query-string parser, on any text.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|raw: &str| centre_directory::fuzzing::query_string(raw));
