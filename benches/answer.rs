//! The work of one nearest answer, in process and without HTTP: locating a point (its
//! nation), building the answer from the snapshot (R-tree, views, directions links) and
//! writing it as JSON with serde, on the shipped data, for 1 000 points across the UK.
//!
//! `cargo bench --bench answer`. bench/run.sh sets these beside the HTTP figures, to show how
//! much of a request's cost is the answer itself and how much is the wire.

use std::hint::black_box;
use std::path::Path;

use centre_directory::answer::nearest::{Filters, NearestAnswer};
use centre_directory::config::DatabaseUrl;
use centre_directory::db::Database;
use centre_directory::domain::Coordinates;
use centre_directory::geocode::Location;
use centre_directory::i18n::{self, Lang};
use centre_directory::import::load_missing_datasets;
use centre_directory::index::Snapshot;
use criterion::{criterion_group, criterion_main, Criterion};

/// The same points every run, inside the box of Great Britain and Northern Ireland.
fn points(n: usize) -> Vec<Coordinates> {
    let mut sequence = fastrand::Rng::with_seed(0x9E37_79B9_7F4A_7C15);
    let mut next = move || sequence.f64();
    (0..n)
        .map(|_| {
            let lat = 50.2 + next() * 8.0;
            let lon = -5.5 + next() * 7.2;
            Coordinates::new(lat, lon).expect("inside the UK box")
        })
        .collect()
}

/// The shipped data, imported into a fresh SQLite file as `serve` does on first start.
fn shipped_snapshot() -> (tempfile::TempDir, Snapshot) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = Database::connect(&DatabaseUrl::Sqlite(dir.path().join("bench.db"))).expect("db");
    db.migrate().expect("migrate");
    load_missing_datasets(&db, &Path::new(env!("CARGO_MANIFEST_DIR")).join("data"))
        .expect("shipped data");
    let snapshot = Snapshot::load(&db).expect("snapshot");
    (dir, snapshot)
}

/// Everything the nearest endpoint does for a point, bar HTTP: locate, build, write JSON.
fn answer_json(snapshot: &Snapshot, point: Coordinates, filters: &Filters) -> Vec<u8> {
    let location = Location::at_point(snapshot, point);
    let answer = NearestAnswer::build(snapshot, location, filters);
    serde_json::to_vec(&answer).expect("answers serialise")
}

fn answer(c: &mut Criterion) {
    let (_dir, snapshot) = shipped_snapshot();
    let points = points(1000);
    let filters = Filters {
        limit: 5,
        ..Filters::default()
    };
    let locations: Vec<Location> = points
        .iter()
        .map(|p| Location::at_point(&snapshot, *p))
        .collect();
    let mut group = c.benchmark_group("answer");
    let mut i = 0;
    let mut next = move || {
        i = (i + 1) % 1000;
        i
    };
    group.bench_function("locate_point", |b| {
        b.iter(|| Location::at_point(&snapshot, black_box(points[next()])))
    });
    group.bench_function("build", |b| {
        b.iter(|| NearestAnswer::build(&snapshot, locations[next()].clone(), &filters))
    });
    let built: Vec<NearestAnswer> = locations
        .iter()
        .take(100)
        .map(|l| NearestAnswer::build(&snapshot, l.clone(), &filters))
        .collect();
    group.bench_function("serialise", |b| {
        b.iter(|| {
            serde_json::to_vec(&built[next() % 100])
                .expect("json")
                .len()
        })
    });
    group.bench_function("whole", |b| {
        b.iter(|| answer_json(&snapshot, black_box(points[next()]), &filters).len())
    });
    // The same answer in Welsh: every human-readable field from the Welsh catalogue and the
    // Welsh columns of the datasets.
    group.bench_function("whole_welsh", |b| {
        b.iter(|| {
            i18n::sync_scope(Lang::Cy, || {
                answer_json(&snapshot, black_box(points[next()]), &filters).len()
            })
        })
    });
    group.finish();
}

criterion_group!(benches, answer);
criterion_main!(benches);
