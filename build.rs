//! Compresses the shipped data files (data/*.csv) into the build's output folder, so the
//! executable carries them (src/import/shipped.rs) and a copied or installed binary loads them
//! into an empty database from any folder.

use std::io::Write;
use std::path::Path;

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    println!("cargo:rerun-if-changed=data");
    // The translation catalogue is read by a macro (src/i18n.rs) at build time.
    println!("cargo:rerun-if-changed=locales");
    let mut files: Vec<_> = std::fs::read_dir("data")
        .expect("the data folder")
        .map(|e| e.expect("a data file").path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    for path in files {
        println!("cargo:rerun-if-changed={}", path.display());
        let bytes = std::fs::read(&path).expect("a readable data file");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&bytes).expect("compressing in memory");
        let name = path.file_name().expect("a file name").to_string_lossy();
        std::fs::write(
            Path::new(&out).join(format!("{name}.gz")),
            gz.finish().expect("gzip"),
        )
        .expect("writing to OUT_DIR");
    }
}
