//! Entry points for the fuzz targets in `fuzz/` (`cargo fuzz run <target>`). Each takes
//! arbitrary input, runs one of the parsers that meet untrusted text, and panics only when a
//! property every input must keep is broken, so a crash is always a real finding. Built only
//! with the `fuzzing` feature (which `fuzz/` and this crate's own tests turn on).

use std::io::Cursor;

use crate::domain::{PostcodeQuery, UkPostcode};
use crate::import::{postcodes::check_postcode_file, validate, ImportError};

/// The postcode parsers: whatever parses has a normal form that parses to itself, and the
/// form shown in logs never holds a full postcode.
pub fn postcode(raw: &str) {
    if let Ok(pc) = UkPostcode::parse(raw) {
        let again = UkPostcode::parse(&pc.to_string()).expect("a normal form parses");
        assert_eq!(again, pc, "normal form of {raw:?}");
        assert!(pc.to_string().starts_with(pc.outcode()));
    }
    if let Some(q) = PostcodeQuery::parse(raw) {
        let redacted = q.redacted();
        assert!(
            !matches!(&q, PostcodeQuery::Full(pc) if redacted == pc.as_str() || redacted.contains(' ')),
            "the redacted form of {raw:?} is {redacted:?}"
        );
        assert!(redacted.starts_with(q.area()), "{raw:?}");
    }
}

/// The CSV files of every dataset (`which` picks one): valid, or refused with at least one
/// problem named by line and column; never anything else.
pub fn dataset_file(which: u8, bytes: &[u8]) {
    let names = crate::dataset::DATASET_NAMES;
    let dataset = names[usize::from(which) % names.len()];
    match validate(dataset, bytes) {
        Ok(_) => {}
        Err(ImportError::Invalid { errors, .. }) => {
            assert!(!errors.is_empty(), "{dataset}: refused without a reason");
            for e in &errors {
                assert!(e.line >= 1, "{dataset}: {e:?}");
            }
        }
        Err(other) => panic!("{dataset}: unexpected error {other}"),
    }
}

/// The postcode directory reader (ONSPD, NSPL, `postcode,lat,lon`, outcode tables).
pub fn postcode_directory(bytes: &[u8], skip_invalid: bool) {
    match check_postcode_file(Box::new(Cursor::new(bytes.to_vec())), skip_invalid) {
        Ok(counts) => assert!(counts.rows_loaded <= counts.rows_read, "{counts:?}"),
        Err(ImportError::Invalid { errors, .. }) => assert!(!errors.is_empty()),
        Err(ImportError::Source(message)) => assert!(!message.is_empty()),
        Err(other) => panic!("unexpected error {other}"),
    }
}

/// The query-string reader of the API, with the nearest endpoint's parameters: understood,
/// or a 400 that says why.
pub fn query_string(raw: &str) {
    match crate::http::check_nearest_query(raw) {
        Ok(()) => {}
        Err(e) => {
            let response = actix_web::ResponseError::error_response(&e);
            assert_eq!(response.status().as_u16(), 400, "{raw:?}: {e}");
            assert!(!e.to_string().is_empty());
        }
    }
}
