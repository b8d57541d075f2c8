//! Writes a synthetic postcode directory shaped like the ONS Postcode Directory (the same 47
//! columns, `pcds`, `doterm`, `ctry`, `lat`, `long`), for import benchmarks. Every postcode is
//! well formed and distinct; 1 row in 500 has the ONS "no location" value and 1 in 20 is
//! terminated, as in the real file. Not real data: the coordinates are random.
//!
//!     cargo run --release --example synthetic_onspd -- 2700000 onspd.csv [baseline.csv]
//!
//! With a third argument it also writes the rows that have a location as
//! `postcode,outcode,lat,lon,nation,terminated`, for loading with sqlite3 `.import` or psql
//! `\copy` as a baseline.

use std::io::{BufWriter, Write};

const HEADER: &str = "pcd,pcd2,pcds,dointr,doterm,oscty,ced,oslaua,osward,parish,usertype,oseast1m,osnrth1m,osgrdind,oshlthau,nhser,ctry,rgn,streg,pcon,eer,teclec,ttwa,pct,itl,statsward,oa11,casward,npark,lsoa11,msoa11,wz11,sicbl,bua22,ru11ind,oac11,lat,long,lep1,lep2,pfa,imd,calncv,icb,oa21,lsoa21,msoa21";

/// Areas with the nation their ONS country code names.
const AREAS: &[(&str, &str, &str)] = &[
    ("AB", "S92000003", "scotland"),
    ("B", "E92000001", "england"),
    ("BT", "N92000002", "northern_ireland"),
    ("CF", "W92000004", "wales"),
    ("E", "E92000001", "england"),
    ("G", "S92000003", "scotland"),
    ("LS", "E92000001", "england"),
    ("M", "E92000001", "england"),
    ("N", "E92000001", "england"),
    ("NW", "E92000001", "england"),
    ("S", "E92000001", "england"),
    ("SE", "E92000001", "england"),
    ("SW", "E92000001", "england"),
    ("W", "E92000001", "england"),
    ("YO", "E92000001", "england"),
    ("EH", "S92000003", "scotland"),
    ("L", "E92000001", "england"),
    ("BS", "E92000001", "england"),
    ("NE", "E92000001", "england"),
    ("CB", "E92000001", "england"),
    ("SA", "W92000004", "wales"),
    ("OX", "E92000001", "england"),
];
const UNIT: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args
        .get(1)
        .and_then(|a| a.parse().ok())
        .expect("usage: synthetic_onspd ROWS OUT.csv [BASELINE.csv]");
    let out = args.get(2).expect("an output file");
    let mut full = BufWriter::with_capacity(1 << 20, std::fs::File::create(out)?);
    let mut baseline = match args.get(3) {
        Some(p) => Some(BufWriter::with_capacity(1 << 20, std::fs::File::create(p)?)),
        None => None,
    };
    writeln!(full, "{HEADER}")?;
    if let Some(b) = baseline.as_mut() {
        writeln!(b, "postcode,outcode,lat,lon,nation,terminated")?;
    }
    let mut sequence = fastrand::Rng::with_seed(0x2545_F491_4F6C_DD1D);
    let mut random = move || sequence.f64();
    let mut written = 0usize;
    'all: for (area, ctry, nation) in AREAS {
        for district in 1..=99 {
            for sector in 0..=9 {
                for a in UNIT {
                    for b in UNIT {
                        if written == n {
                            break 'all;
                        }
                        let outcode = format!("{area}{district}");
                        let inward = format!("{sector}{}{}", *a as char, *b as char);
                        let pcds = format!("{outcode} {inward}");
                        let (lat, lon) = if written % 500 == 0 {
                            (99.999999, 0.0)
                        } else {
                            (50.5 + random() * 7.5, -5.0 + random() * 6.5)
                        };
                        let terminated = written % 20 == 0;
                        let doterm = if terminated { "201001" } else { "" };
                        writeln!(
                            full,
                            "{outcode:<4}{inward},{outcode:<5}{inward},{pcds},198001,{doterm},E99999999,E99999999,E07000001,E05000001,E04000001,0,430000,434000,1,E18000001,E40000001,{ctry},E12000001,0,E14000001,E15000001,E16000001,E30000001,E16000001,E06000001,00AAFA,E00000001,00AAFA,E65000001,E01000001,E02000001,E33000001,E38000001,E63000001,A1,1A1,{lat:.6},{lon:.6},E37000001,,E23000001,1234,E56000001,E54000001,E00000001,E01000001,E02000001"
                        )?;
                        if let (Some(b), true) = (baseline.as_mut(), lat < 99.0) {
                            writeln!(
                                b,
                                "{pcds},{outcode},{lat:.6},{lon:.6},{nation},{}",
                                u8::from(terminated)
                            )?;
                        }
                        written += 1;
                    }
                }
            }
        }
    }
    full.flush()?;
    if let Some(mut b) = baseline {
        b.flush()?;
    }
    eprintln!("wrote {written} rows to {out}");
    Ok(())
}
