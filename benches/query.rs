//! Warm per-question latency with the real model: embed one question and search the
//! example bank's index (model and index loaded once, as in a long-running session or a
//! batch run). Needs `make setup`; says so and skips otherwise.

#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::path::PathBuf;
use storyfit::catalog::Catalog;
use storyfit::config::Config;
use storyfit::embed::{CachedEmbedder, FastEmbedder, ModelPaths};
use storyfit::index::{self, Index, NoProgress};
use storyfit::question::embed_questions;
use storyfit::rank::{SearchOptions, Searcher};

const QUESTION: &str = "Tell me about a time you had to pick up an unfamiliar technology quickly";

fn bench(c: &mut Criterion) {
    let root = ModelPaths::default_root();
    let paths = match ModelPaths::resolve(&root) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("skipping query benches: {e}");
            return;
        }
    };
    let mut model = FastEmbedder::load(&paths, 2).expect("model loads");
    let catalog = Catalog::builtin().expect("catalog");
    let config = Config::default();
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let mut cached = CachedEmbedder::new(&mut model, &root.join("embeddings"));
        let bank = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/stories");
        index::build(
            dir.path(),
            &[bank],
            &catalog,
            &mut cached,
            &config,
            &NoProgress,
        )
        .expect("index builds");
        cached.save().expect("cache saves");
    }
    let idx = Index::open(dir.path()).expect("index opens");
    let searcher = Searcher::new(&idx, &config);
    let opts = SearchOptions::default();
    let qvec = embed_questions(&mut model, &[QUESTION])
        .expect("embeds")
        .remove(0);

    c.bench_function("warm_embed_question", |b| {
        b.iter(|| embed_questions(&mut model, black_box(&[QUESTION])).expect("embeds"))
    });
    c.bench_function("warm_search_only", |b| {
        b.iter(|| {
            searcher
                .search(black_box(QUESTION), black_box(&qvec), opts)
                .expect("search")
        })
    });
    c.bench_function("warm_query_total", |b| {
        b.iter(|| {
            let v = embed_questions(&mut model, black_box(&[QUESTION])).expect("embeds");
            searcher.search(QUESTION, &v[0], opts).expect("search")
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
