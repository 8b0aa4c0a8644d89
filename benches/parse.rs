//! Parsing a generated 1,000-story bank in the seed's grammar.

#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::path::Path;
use storyfit::catalog::Catalog;
use storyfit::story::parse_str;

const NUM_STORIES: usize = 1_000;

fn bank(catalog: &Catalog) -> String {
    let mut s = String::from(
        "---\ntitle: generated\n---\n# LPs ranked in order of relevance:\n1. Dive Deep\n\n",
    );
    for i in 0..NUM_STORIES {
        let lp = &catalog.principles[i % catalog.len()].name;
        s.push_str(&format!(
            "## {lp}\nQ. Tell me about time number {i}.\nS: The service {i} was slow for customers in region {r}.\nT: I had to find out why within a week.\nA: I read the logs, compared the metrics and found the slow query.\nThen I rewrote it and added an index.\nR: Latency fell by {p} percent.\n\n",
            r = i % 7,
            p = 10 + i % 80
        ));
    }
    s
}

fn bench(c: &mut Criterion) {
    let catalog = Catalog::builtin().expect("built-in catalog");
    let text = bank(&catalog);
    c.bench_function("parse_1000_stories", |b| {
        b.iter(|| parse_str(black_box(&text), Path::new("bank.md"), "bank.md", &catalog))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
