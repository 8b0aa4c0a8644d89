//! Dense vector search with hnsw_rs, wrapped so the rest of the crate never sees its quirks.
//!
//! Quirks absorbed here:
//! - `DistCosine`, not `DistDot`: `DistDot` asserts `dot >= 0` and can panic when a query
//!   equals a stored vector (f32 rounding gives 1 + 8e-7).
//! - `file_dump` needs an existing directory and returns the base name it really used.
//! - A reloaded `Hnsw<'b>` borrows from its `HnswIo` (`'a: 'b`). We load without mmap, so the
//!   graph owns its data; the loader (a few hundred bytes of paths and options) is leaked to
//!   get a `'static` graph. A CLI loads at most a couple of indexes per process.
//! - `load_hnsw` asserts on corrupt files; the load runs under `catch_unwind` so a damaged
//!   index is an error, not a panic.

use std::path::Path;

use hnsw_rs::api::AnnT;
use hnsw_rs::hnswio::HnswIo;
use hnsw_rs::prelude::{DistCosine, Hnsw};

use crate::error::{Error, Result};

/// Links per node (M).
pub const MAX_NB_CONNECTION: usize = 24;
/// Candidate list size while building.
pub const EF_CONSTRUCTION: usize = 200;
/// Minimum candidate list size while searching.
pub const EF_SEARCH_MIN: usize = 96;
const MAX_LAYER: usize = 16;

/// An HNSW graph over unit vectors; ids are positions in the slice it was built from.
pub struct VectorIndex {
    hnsw: Hnsw<'static, f32, DistCosine>,
    len: usize,
}

impl VectorIndex {
    /// Builds the graph (inserts run in parallel).
    pub fn build(vectors: &[Vec<f32>]) -> VectorIndex {
        let hnsw = Hnsw::<f32, DistCosine>::new(
            MAX_NB_CONNECTION,
            vectors.len().max(1),
            MAX_LAYER,
            EF_CONSTRUCTION,
            DistCosine {},
        );
        let data: Vec<(&Vec<f32>, usize)> = vectors.iter().zip(0..).collect();
        hnsw.parallel_insert(&data);
        let mut index = VectorIndex {
            hnsw,
            len: vectors.len(),
        };
        index.hnsw.set_searching_mode(true);
        index
    }

    /// Number of vectors.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Writes `<dir>/<base>.hnsw.graph` and `.hnsw.data`; returns the base name used.
    pub fn save(&self, dir: &Path, base: &str) -> Result<String> {
        fs_err::create_dir_all(dir)?;
        self.hnsw
            .file_dump(dir, base)
            .map_err(|e| Error::Io(std::io::Error::other(format!("{}: {e}", dir.display()))))
    }

    /// Loads a graph written by [`VectorIndex::save`].
    pub fn load(dir: &Path, base: &str, expected_len: usize) -> Result<VectorIndex> {
        let corrupt = |reason: String| Error::IndexCorrupt {
            dir: dir.to_path_buf(),
            reason,
        };
        for ext in ["hnsw.graph", "hnsw.data"] {
            let p = dir.join(format!("{base}.{ext}"));
            if !p.is_file() {
                return Err(corrupt(format!("{} is missing", p.display())));
            }
        }
        let dir_owned = dir.to_path_buf();
        let base_owned = base.to_string();
        let loaded = std::panic::catch_unwind(move || {
            let io: &'static mut HnswIo = Box::leak(Box::new(HnswIo::new(&dir_owned, &base_owned)));
            io.load_hnsw::<f32, DistCosine>()
        });
        let mut hnsw = match loaded {
            Ok(Ok(h)) => h,
            Ok(Err(e)) => return Err(corrupt(format!("vector graph {base}: {e}"))),
            Err(_) => return Err(corrupt(format!("vector graph {base} is unreadable"))),
        };
        let len = hnsw.get_nb_point();
        if len != expected_len {
            return Err(corrupt(format!(
                "vector graph {base} holds {len} vectors, manifest says {expected_len}"
            )));
        }
        hnsw.set_searching_mode(true);
        Ok(VectorIndex { hnsw, len })
    }

    /// The `k` nearest vectors as `(id, cosine similarity)`, most similar first; ties by id.
    pub fn search(&self, query: &[f32], k: usize) -> Vec<(usize, f32)> {
        if self.len == 0 || k == 0 {
            return Vec::new();
        }
        let k = k.min(self.len);
        let ef = EF_SEARCH_MIN.max(k * 2);
        let mut out: Vec<(usize, f32)> = self
            .hnsw
            .search(query, k, ef)
            .into_iter()
            .map(|n| (n.d_id, 1.0 - n.distance))
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out
    }
}

/// Exact nearest neighbours by brute force: the reference the HNSW graph is tested against.
pub fn exact_search(vectors: &[Vec<f32>], query: &[f32], k: usize) -> Vec<(usize, f32)> {
    let mut all: Vec<(usize, f32)> = vectors
        .iter()
        .enumerate()
        .map(|(i, v)| (i, crate::embed::dot(v, query)))
        .collect();
    all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    all.truncate(k);
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embed::HashEmbedder;

    fn corpus(n: usize) -> Vec<Vec<f32>> {
        let e = HashEmbedder::new(64);
        (0..n)
            .map(|i| {
                e.embed_one(&format!(
                    "story {i} about topic{} and theme{}",
                    i % 17,
                    i % 5
                ))
            })
            .collect()
    }

    #[test]
    fn hnsw_agrees_with_brute_force() {
        let vectors = corpus(600);
        let index = VectorIndex::build(&vectors);
        let e = HashEmbedder::new(64);
        let mut hits = 0;
        let mut total = 0;
        for q in 0..40 {
            let query = e.embed_one(&format!("topic{} theme{}", q % 17, q % 5));
            let exact: Vec<usize> = exact_search(&vectors, &query, 10)
                .iter()
                .map(|x| x.0)
                .collect();
            let approx: Vec<usize> = index.search(&query, 10).iter().map(|x| x.0).collect();
            hits += approx.iter().filter(|i| exact.contains(i)).count();
            total += exact.len();
        }
        let recall = hits as f64 / total as f64;
        assert!(recall >= 0.95, "recall@10 {recall}");
    }

    #[test]
    fn save_and_load_round_trip() {
        let vectors = corpus(50);
        let index = VectorIndex::build(&vectors);
        let dir = tempfile::tempdir().unwrap();
        let base = index.save(dir.path(), "units").unwrap();
        let loaded = VectorIndex::load(dir.path(), &base, 50).unwrap();
        assert_eq!(index.search(&vectors[7], 3), loaded.search(&vectors[7], 3));
        assert_eq!(loaded.search(&vectors[7], 1)[0].0, 7);
        assert!(VectorIndex::load(dir.path(), &base, 51).is_err());
    }

    #[test]
    fn damaged_files_are_an_error_not_a_panic() {
        let vectors = corpus(20);
        let index = VectorIndex::build(&vectors);
        let dir = tempfile::tempdir().unwrap();
        let base = index.save(dir.path(), "units").unwrap();
        std::fs::write(dir.path().join(format!("{base}.hnsw.data")), b"garbage").unwrap();
        assert!(VectorIndex::load(dir.path(), &base, 20).is_err());
    }
}
