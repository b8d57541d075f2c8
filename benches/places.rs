//! Place names in process, on the shipped gazetteer: a lookup by name (as a search by town
//! does), with a qualifier, prefix suggestions (as the search box asks while someone types),
//! close spellings for an unknown name, and the nearest place to a point. Also prints the
//! gazetteer's memory.
//!
//! `cargo bench --bench places`.

use std::hint::black_box;
use std::path::Path;

use centre_directory::config::DatabaseUrl;
use centre_directory::dataset::{Dataset, Place};
use centre_directory::db::Database;
use centre_directory::domain::Coordinates;
use centre_directory::geocode::places::look_up;
use centre_directory::import::load_missing_datasets;
use centre_directory::index::gazetteer::{name_key, Gazetteer};
use criterion::{criterion_group, criterion_main, Criterion};

/// The shipped places, as `serve` loads them.
fn shipped_places() -> Vec<Place> {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = Database::connect(&DatabaseUrl::Sqlite(dir.path().join("bench.db"))).expect("db");
    db.migrate().expect("migrate");
    load_missing_datasets(&db, &Path::new(env!("CARGO_MANIFEST_DIR")).join("data"))
        .expect("shipped data");
    let mut conn = db.get().expect("connection");
    centre_directory::with_connection!(&mut conn, |c| Place::load(c)).expect("places")
}

/// Resident memory of this process, in bytes.
fn rss() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: usize = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

fn places(c: &mut Criterion) {
    let places = shipped_places();
    let before = rss();
    let gazetteer = Gazetteer::new(places.clone());
    let grown = rss().saturating_sub(before);
    println!(
        "gazetteer: {} places, {:.1} MB by its own count, resident memory grew {:.1} MB while building it",
        gazetteer.len(),
        gazetteer.approximate_bytes() as f64 / 1e6,
        grown as f64 / 1e6
    );
    // Every 6th place's name, and the same with its county as a qualifier.
    let names: Vec<String> = places.iter().step_by(6).map(|p| p.name.clone()).collect();
    let qualified: Vec<String> = places
        .iter()
        .step_by(6)
        .map(|p| format!("{}, {}", p.name, p.county))
        .collect();
    let prefixes: Vec<String> = names
        .iter()
        .map(|n| name_key(n).chars().take(4).collect())
        .collect();
    let misspelt: Vec<String> = names
        .iter()
        .map(|n| {
            let mut s: Vec<char> = n.chars().collect();
            if s.len() > 4 {
                s.remove(2);
            }
            s.into_iter().collect()
        })
        .collect();
    let points: Vec<Coordinates> = places.iter().step_by(6).map(|p| p.location).collect();
    let n = names.len();
    let mut group = c.benchmark_group("places");
    let mut i = 0;
    let mut next = move || {
        i = (i + 1) % n;
        i
    };
    group.bench_function("look_up_name", |b| {
        b.iter(|| look_up(&gazetteer, black_box(&names[next()])).is_found())
    });
    group.bench_function("look_up_name_with_county", |b| {
        b.iter(|| look_up(&gazetteer, black_box(&qualified[next()])).is_found())
    });
    group.bench_function("suggest_prefix_10", |b| {
        b.iter(|| {
            gazetteer
                .starting_with(black_box(&prefixes[next()]), 10)
                .len()
        })
    });
    group.bench_function("close_spellings_of_unknown_name", |b| {
        b.iter(|| {
            gazetteer
                .similar(&name_key(black_box(&misspelt[next()])), 5)
                .len()
        })
    });
    group.bench_function("nearest_place_to_point", |b| {
        b.iter(|| {
            gazetteer
                .nearest(black_box(points[next()]))
                .next()
                .map(|p| p.1)
        })
    });
    group.finish();
}

criterion_group!(benches, places);
criterion_main!(benches);
