//! Fusion and classification arithmetic: pure functions, fake data.

#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{criterion_group, criterion_main, Criterion};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::hint::black_box;
use storyfit::rank::fusion::{rrf, weighted, Leg, Norm, DEFAULT_RRF_K};

const NUM_STORIES: usize = 1_000;
const NUM_LEGS: usize = 3;

fn legs() -> Vec<Leg<usize>> {
    let mut rng = StdRng::seed_from_u64(42);
    (0..NUM_LEGS)
        .map(|_| {
            let mut ranked: Vec<(usize, f32)> =
                (0..NUM_STORIES).map(|i| (i, rng.random::<f32>())).collect();
            ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
            Leg {
                weight: 1.0,
                norm: Norm::MinMax,
                ranked,
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let legs = legs();
    c.bench_function("rrf_3x1000", |b| {
        b.iter(|| rrf(black_box(&legs), DEFAULT_RRF_K))
    });
    c.bench_function("weighted_3x1000", |b| b.iter(|| weighted(black_box(&legs))));
}

criterion_group!(benches, bench);
criterion_main!(benches);
