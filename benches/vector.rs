//! HNSW build and search against brute force, on hashed fake embeddings.

#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use storyfit::embed::HashEmbedder;
use storyfit::index::vector::{exact_search, VectorIndex};

/// About 7 passages per story for a 1,000-story bank.
const NUM_VECTORS: usize = 7_000;
const DIM: usize = 384;
const K: usize = 50;

fn bench(c: &mut Criterion) {
    let e = HashEmbedder::new(DIM);
    let vectors: Vec<Vec<f32>> = (0..NUM_VECTORS)
        .map(|i| {
            e.embed_one(&format!(
                "passage {i} topic{} theme{} team{}",
                i % 97,
                i % 13,
                i % 7
            ))
        })
        .collect();
    let index = VectorIndex::build(&vectors);
    let q = e.embed_one("topic5 theme3 team2");
    c.bench_function("hnsw_search_7000x384_k50", |b| {
        b.iter(|| index.search(black_box(&q), K))
    });
    c.bench_function("exact_search_7000x384_k50", |b| {
        b.iter(|| exact_search(black_box(&vectors), black_box(&q), K))
    });
    let mut g = c.benchmark_group("build");
    g.sample_size(10);
    g.bench_function("hnsw_build_7000x384", |b| {
        b.iter(|| VectorIndex::build(black_box(&vectors)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
