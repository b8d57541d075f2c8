//! Nearest-10 and within-25-km on the in-memory snapshot beside a brute-force Haversine scan
//! of the same sites, at N = 100, 10 000 and 1 000 000 synthetic sites spread over Great
//! Britain and Northern Ireland. The snapshot walks an R-tree of unit vectors.
//!
//! `cargo bench --bench spatial`; bench/run.sh turns the medians into docs/PERFORMANCE.md.

use std::hint::black_box;
use std::time::Duration;

use centre_directory::dataset::Centre;
use centre_directory::domain::Coordinates;
use centre_directory::index::{Datasets, Snapshot};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

/// The same points every run, over Great Britain and Northern Ireland.
struct Rng(fastrand::Rng);

impl Rng {
    fn point(&mut self) -> Coordinates {
        let lat = 50.0 + self.0.f64() * 8.5;
        let lon = -6.0 + self.0.f64() * 7.7;
        Coordinates::new(lat, lon).expect("inside the UK box")
    }
}

fn snapshot(n: usize) -> Snapshot {
    let mut rng = Rng(fastrand::Rng::with_seed(0x9E37_79B9_7F4A_7C15 ^ n as u64));
    let centres = (0..n)
        .map(|i| Centre::placeholder(i, rng.point()))
        .collect();
    Snapshot::build(
        1,
        String::new(),
        Datasets {
            centres,
            ..Datasets::default()
        },
    )
}

fn queries() -> Vec<Coordinates> {
    let mut rng = Rng(fastrand::Rng::with_seed(42));
    (0..1024).map(|_| rng.point()).collect()
}

/// The baseline: Haversine to every site, then the `k` smallest.
fn scan_nearest(s: &Snapshot, from: Coordinates, k: usize) -> Vec<(f64, usize)> {
    let mut all: Vec<(f64, usize)> = s
        .centres()
        .iter()
        .enumerate()
        .map(|(i, c)| (from.distance_km(c.location), i))
        .collect();
    let k = k.min(all.len());
    if k > 0 && k < all.len() {
        all.select_nth_unstable_by(k - 1, |a, b| a.0.total_cmp(&b.0));
    }
    all.truncate(k);
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    all
}

fn scan_within(s: &Snapshot, from: Coordinates, km: f64) -> Vec<(f64, usize)> {
    let mut found: Vec<(f64, usize)> = s
        .centres()
        .iter()
        .enumerate()
        .map(|(i, c)| (from.distance_km(c.location), i))
        .filter(|(d, _)| *d <= km)
        .collect();
    found.sort_by(|a, b| a.0.total_cmp(&b.0));
    found
}

fn bench(c: &mut Criterion) {
    let qs = queries();
    for n in [100usize, 10_000, 1_000_000] {
        let s = snapshot(n);
        let mut group = c.benchmark_group(format!("n{n}"));
        if n >= 1_000_000 {
            group.sample_size(20);
            group.measurement_time(Duration::from_secs(8));
        }
        let mut i = 0usize;
        let mut next = || {
            i = (i + 1) % qs.len();
            qs[i]
        };
        group.bench_function(BenchmarkId::new("nearest10", "rtree"), |b| {
            b.iter(|| black_box(s.nearest(next(), 10, None, |_| true).len()))
        });
        group.bench_function(BenchmarkId::new("nearest10", "scan"), |b| {
            b.iter(|| black_box(scan_nearest(&s, next(), 10).len()))
        });
        group.bench_function(BenchmarkId::new("within25", "rtree"), |b| {
            b.iter(|| black_box(s.nearest(next(), usize::MAX, Some(25.0), |_| true).len()))
        });
        group.bench_function(BenchmarkId::new("within25", "scan"), |b| {
            b.iter(|| black_box(scan_within(&s, next(), 25.0).len()))
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
