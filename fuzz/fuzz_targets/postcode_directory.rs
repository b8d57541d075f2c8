#![no_main]
//! The postcode directory reader (ONSPD, NSPL, `postcode,lat,lon`, outcode tables): the first
//! byte's low bit asks for `--skip-invalid`, the rest is the file.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some((&flags, file)) = data.split_first() {
        centre_directory::fuzzing::postcode_directory(file, flags & 1 == 1);
    }
});
