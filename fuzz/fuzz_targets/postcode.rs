#![no_main]
//! The postcode parsers, on any text.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|raw: &str| centre_directory::fuzzing::postcode(raw));
