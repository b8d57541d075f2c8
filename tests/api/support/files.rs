//! Files as imports receive them: gzip-compressed, in ZIP archives; and the compressed answers
//! the server sends, decoded.

use std::io::{Read, Write};

/// `plain` gzip-compressed at level 6, as the `gzip` tool does by default.
pub fn gzip(plain: &[u8]) -> Vec<u8> {
    let mut w = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    w.write_all(plain).unwrap();
    w.finish().unwrap()
}

pub fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("a valid gzip body");
    out
}

pub fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096)
        .read_to_end(&mut out)
        .expect("a valid brotli body");
    out
}

/// A ZIP archive holding these files (name, contents), deflated, in this order.
pub fn zip_archive(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        writer.start_file(*name, deflated).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// `csv` packed as the ONS packs its postcode directory: the UK file under Data/, beside a
/// lookup table, a user guide and a smaller file for one postcode area.
pub fn onspd_zip(csv: &[u8]) -> Vec<u8> {
    let first_lines = csv
        .split(|b| *b == b'\n')
        .take(3)
        .collect::<Vec<_>>()
        .join(&b'\n');
    zip_archive(&[
        (
            "Documents/LA_UA names and codes UK as at 04_25.csv",
            b"LAD25CD,LAD25NM\nE08000035,Leeds\n",
        ),
        ("User Guide/ONSPD User Guide Nov 2025.txt", b"see the PDF"),
        ("Data/ONSPD_NOV_2025_UK.csv", csv),
        ("Data/multi_csv/ONSPD_NOV_2025_UK_LS.csv", &first_lines),
    ])
}
