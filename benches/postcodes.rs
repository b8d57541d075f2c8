//! Finding a postcode among 2.7 million held in memory (the size of the ONS Postcode
//! Directory) by binary search, for 100 000 postcodes spread through the table (as people's
//! are) and for 1 000 neighbours in one district (which stay cached).
//!
//! `cargo bench --bench postcodes`; bench/run.sh records both.

use std::hint::black_box;

use centre_directory::index::postcodes::PostcodeIndex;
use criterion::{criterion_group, criterion_main, Criterion};

const POSTCODES: usize = 2_700_000;

/// 2.7 million distinct postcodes in normal form, in order: areas, districts 1-99, sectors,
/// units.
fn postcodes() -> Vec<String> {
    let letters = b"ABDEFGHJLNPQRSTUWXYZ";
    let areas = [
        "AB", "B", "BT", "CF", "DN", "EH", "G", "KT", "L", "LS", "M", "N", "NE", "PE", "RG", "S",
        "SW", "TR", "YO", "ZE",
    ];
    let mut all = Vec::with_capacity(POSTCODES);
    for area in areas {
        for district in 1..=99 {
            for sector in 0..=9 {
                for a in letters {
                    for b in letters {
                        if all.len() == POSTCODES {
                            return all;
                        }
                        all.push(format!(
                            "{area}{district} {sector}{}{}",
                            *a as char, *b as char
                        ));
                    }
                }
            }
        }
    }
    all
}

fn bench(c: &mut Criterion) {
    let all = postcodes();
    let rows = all
        .iter()
        .enumerate()
        .map(|(i, p)| {
            (
                p.clone(),
                50.0 + (i % 900) as f64 / 100.0,
                -1.5,
                None,
                false,
            )
        })
        .collect();
    let index = PostcodeIndex::from_rows(rows);
    let mut sequence = fastrand::Rng::with_seed(0x2545_F491_4F6C_DD1D);
    let spread: Vec<String> = (0..100_000)
        .map(|_| all[(sequence.f64() * all.len() as f64) as usize % all.len()].clone())
        .collect();
    let neighbours: Vec<String> = all[1_000_000..1_001_000].to_vec();
    drop(all);
    let mut group = c.benchmark_group("postcode_lookup");
    group.sample_size(20);
    for (name, set) in [("spread", &spread), ("neighbours", &neighbours)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                for p in set {
                    black_box(index.postcode(black_box(p)));
                }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
