//! Sentence embeddings behind a small trait.
//!
//! Ranking code sees only [`Embedder`]: texts in, L2-normalised vectors out, plus a model id
//! and a dimension that the index manifest records (an index built with one model is never
//! queried with another). [`FastEmbedder`] runs all-MiniLM-L6-v2 (int8) through fastembed
//! and a dynamically loaded ONNX Runtime, from files the setup script installs; nothing is
//! downloaded at run time. [`HashEmbedder`] is a deterministic bag-of-words stand-in for unit
//! tests and benchmarks of ranking logic, where the real model would only add noise and time.
//!
//! Why the model files are resolved here rather than by fastembed: fastembed's own loader
//! fetches from a hub and caches in `./.fastembed_cache`; both are wrong for an offline CLI.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::error::{Error, Result};

/// Texts longer than this many words are split into chunks before embedding, because the
/// model was trained on 256 tokens and would silently truncate the rest.
pub const CHUNK_WORDS: usize = 160;

/// Something that turns texts into unit-length vectors.
pub trait Embedder: Send {
    /// Identifies the model and its weights, e.g. `sentence-transformers/all-MiniLM-L6-v2@int8`.
    fn model_id(&self) -> &str;
    /// Vector dimension.
    fn dim(&self) -> usize;
    /// Embeds texts; each output vector has unit L2 norm.
    fn embed(&mut self, texts: &[&str]) -> Result<Vec<Vec<f32>>>;
}

/// The model id written by the setup script and recorded in index manifests.
pub const MINILM_ID: &str = "sentence-transformers/all-MiniLM-L6-v2@int8";
/// Folder of the model inside the model directory.
pub const MINILM_DIR: &str = "all-minilm-l6-v2-int8";
const MINILM_DIM: usize = 384;

/// Where the model and ONNX Runtime live on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelPaths {
    /// Folder with `model.onnx`, `tokenizer.json` and configs.
    pub model: PathBuf,
    /// `libonnxruntime.so.*`.
    pub ort_lib: PathBuf,
}

impl ModelPaths {
    /// The default cache root: `$STORYFIT_CACHE_DIR`, else `$XDG_CACHE_HOME/storyfit`, else
    /// `~/.cache/storyfit` (what `scripts/setup-model.sh` fills).
    pub fn default_root() -> PathBuf {
        if let Some(dir) = std::env::var_os("STORYFIT_CACHE_DIR").filter(|d| !d.is_empty()) {
            return PathBuf::from(dir);
        }
        let cache = std::env::var_os("XDG_CACHE_HOME")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .unwrap_or_else(|| PathBuf::from(".cache"));
        cache.join("storyfit")
    }

    /// Finds the files under a root laid out by the setup script, or says which is missing.
    ///
    /// `ORT_DYLIB_PATH`, when set, names the ONNX Runtime library directly.
    pub fn resolve(root: &Path) -> Result<ModelPaths> {
        let model = root.join(MINILM_DIR);
        for f in [
            "model.onnx",
            "tokenizer.json",
            "config.json",
            "special_tokens_map.json",
            "tokenizer_config.json",
        ] {
            let p = model.join(f);
            if !p.is_file() {
                return Err(Error::ModelMissing { missing: p });
            }
        }
        let ort_lib = match std::env::var_os("ORT_DYLIB_PATH").filter(|d| !d.is_empty()) {
            Some(p) => PathBuf::from(p),
            None => find_ort_lib(root).ok_or_else(|| Error::ModelMissing {
                missing: root.join("onnxruntime-*/libonnxruntime.so.*"),
            })?,
        };
        if !ort_lib.is_file() {
            return Err(Error::ModelMissing { missing: ort_lib });
        }
        Ok(ModelPaths { model, ort_lib })
    }
}

/// The newest `onnxruntime-*/libonnxruntime.so*` under the root.
fn find_ort_lib(root: &Path) -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(root)
        .ok()?
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("onnxruntime-"))
        .flat_map(|e| std::fs::read_dir(e.path()).into_iter().flatten().flatten())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("libonnxruntime.so"))
        })
        .collect();
    found.sort();
    found.pop()
}

/// ONNX Runtime allows one environment per process; it is built on first use and shared.
static ORT_ENV: OnceLock<std::result::Result<ort::environment::Environment, String>> =
    OnceLock::new();

fn ort_environment(lib: &Path) -> Result<ort::environment::Environment> {
    let env = ORT_ENV.get_or_init(|| {
        let builder = ort::init_from(lib).map_err(|e| e.to_string())?;
        builder
            .with_name("storyfit")
            .with_telemetry(false)
            .build()
            .map_err(|e| e.to_string())
    });
    env.clone().map_err(|reason| Error::ModelLoad {
        dir: lib.to_path_buf(),
        reason,
    })
}

/// all-MiniLM-L6-v2 (int8, mean pooling, 256 tokens) through fastembed.
pub struct FastEmbedder {
    inner: fastembed::TextEmbedding,
    id: String,
}

impl FastEmbedder {
    /// Loads the model from installed files. Costs about a quarter of a second (ORT session).
    pub fn load(paths: &ModelPaths, threads: usize) -> Result<FastEmbedder> {
        let read = |name: &str| -> Result<Vec<u8>> {
            let p = paths.model.join(name);
            std::fs::read(&p).map_err(|_| Error::ModelMissing { missing: p })
        };
        let env = ort_environment(&paths.ort_lib)?;
        let files = fastembed::TokenizerFiles {
            tokenizer_file: read("tokenizer.json")?,
            config_file: read("config.json")?,
            special_tokens_map_file: read("special_tokens_map.json")?,
            tokenizer_config_file: read("tokenizer_config.json")?,
        };
        let model = fastembed::UserDefinedEmbeddingModel::new(read("model.onnx")?, files)
            .with_pooling(fastembed::Pooling::Mean);
        let opts = fastembed::InitOptionsUserDefined::new()
            .with_environment(env)
            .with_max_length(256)
            .with_intra_threads(threads.max(1));
        let inner =
            fastembed::TextEmbedding::try_new_from_user_defined(model, opts).map_err(|e| {
                Error::ModelLoad {
                    dir: paths.model.clone(),
                    reason: e.to_string(),
                }
            })?;
        let id = std::fs::read_to_string(paths.model.join("MODEL_ID"))
            .map(|s| s.trim().to_string())
            .ok()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| MINILM_ID.to_string());
        Ok(FastEmbedder { inner, id })
    }
}

impl Embedder for FastEmbedder {
    fn model_id(&self) -> &str {
        &self.id
    }

    fn dim(&self) -> usize {
        MINILM_DIM
    }

    fn embed(&mut self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        // Small batches: large ones are slower on 2 cores and use far more memory.
        let mut out = Vec::with_capacity(texts.len());
        for chunk in texts.chunks(32) {
            let mut v = self
                .inner
                .embed(chunk, Some(8))
                .map_err(|e| Error::Embed(e.to_string()))?;
            for x in &mut v {
                normalize(x);
            }
            out.append(&mut v);
        }
        Ok(out)
    }
}

/// Deterministic feature-hashing embedder: lowercased word unigrams and bigrams hashed into
/// `dim` buckets, L2-normalised. Texts that share words are similar, which is all that unit
/// tests and benchmarks of ranking code need.
#[derive(Debug, Clone)]
pub struct HashEmbedder {
    dim: usize,
}

impl HashEmbedder {
    /// A hashing embedder with the given dimension.
    pub fn new(dim: usize) -> HashEmbedder {
        HashEmbedder { dim: dim.max(8) }
    }

    /// Embeds one text (no `&mut` needed).
    pub fn embed_one(&self, text: &str) -> Vec<f32> {
        let mut v = vec![0f32; self.dim];
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() > 2)
            .map(str::to_lowercase)
            .collect();
        let mut add = |key: &str, w: f32| {
            let h = fnv1a(key.as_bytes());
            let i = (h % self.dim as u64) as usize;
            let sign = if (h >> 63) == 0 { 1.0 } else { -1.0 };
            v[i] += sign * w;
        };
        for w in &words {
            add(w, 1.0);
        }
        for pair in words.windows(2) {
            add(&format!("{} {}", pair[0], pair[1]), 0.5);
        }
        if v.iter().all(|x| *x == 0.0) {
            v[0] = 1.0;
        }
        normalize(&mut v);
        v
    }
}

impl Embedder for HashEmbedder {
    fn model_id(&self) -> &str {
        "storyfit/hash-embedder"
    }

    fn dim(&self) -> usize {
        self.dim
    }

    fn embed(&mut self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        Ok(texts.iter().map(|t| self.embed_one(t)).collect())
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Scales a vector to unit length (no-op for the zero vector).
pub fn normalize(v: &mut [f32]) {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 0.0 {
        for x in v {
            *x /= n;
        }
    }
}

/// Dot product; the cosine similarity of two unit vectors.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Splits a long text into chunks of about [`CHUNK_WORDS`] words with a small overlap, so
/// nothing is silently cut at the model's token limit. Short texts come back whole.
pub fn chunk_text(text: &str) -> Vec<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= CHUNK_WORDS {
        return vec![words.join(" ")];
    }
    let step = CHUNK_WORDS - 20;
    let mut out = Vec::new();
    let mut start = 0;
    while start < words.len() {
        let end = (start + CHUNK_WORDS).min(words.len());
        out.push(words[start..end].join(" "));
        if end == words.len() {
            break;
        }
        start += step;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_embedder_is_deterministic_and_normalised() {
        let e = HashEmbedder::new(64);
        let a = e.embed_one("customer escalation at night");
        assert_eq!(a, e.embed_one("customer escalation at night"));
        assert!((dot(&a, &a) - 1.0).abs() < 1e-5);
        let b = e.embed_one("customer escalation");
        let c = e.embed_one("gRPC protobuf streaming");
        assert!(dot(&a, &b) > dot(&a, &c));
    }

    #[test]
    fn chunks_cover_long_text_without_loss() {
        let text: Vec<String> = (0..400).map(|i| format!("w{i}")).collect();
        let chunks = chunk_text(&text.join(" "));
        assert!(chunks.len() >= 3);
        assert!(chunks.last().unwrap().ends_with("w399"));
        assert!(chunks[0].starts_with("w0 "));
        assert_eq!(chunk_text("short text"), vec!["short text".to_string()]);
    }

    #[test]
    fn missing_model_names_the_file_and_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let err = ModelPaths::resolve(dir.path()).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("model.onnx"), "{msg}");
        assert!(msg.contains("make setup"), "{msg}");
    }
}

/// Wraps an embedder with a persistent cache of vectors keyed by sha256(model id, text).
///
/// Re-indexing a bank after editing one story, or building many indexes from the same
/// catalog (tests, benchmarks, several banks), then embeds only what is new. The cache is one
/// file per model (`<dir>/<model>.vecs`): a header, then fixed-size records (16-byte key,
/// `dim` little-endian f32). It is rewritten atomically by [`CachedEmbedder::save`]; a
/// damaged file is ignored and rebuilt, because a cache must never be a reason to fail.
pub struct CachedEmbedder<'e> {
    inner: &'e mut dyn Embedder,
    path: PathBuf,
    map: std::collections::HashMap<[u8; 16], Vec<f32>>,
    dirty: bool,
    hits: usize,
    misses: usize,
}

const CACHE_MAGIC: &[u8; 8] = b"SFVECS01";

impl<'e> CachedEmbedder<'e> {
    /// Opens (or starts) the cache for `inner`'s model under `dir`.
    pub fn new(inner: &'e mut dyn Embedder, dir: &Path) -> CachedEmbedder<'e> {
        let slug: String = inner
            .model_id()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let path = dir.join(format!("{slug}.vecs"));
        let map = Self::read(&path, inner.dim()).unwrap_or_default();
        CachedEmbedder {
            inner,
            path,
            map,
            dirty: false,
            hits: 0,
            misses: 0,
        }
    }

    fn read(path: &Path, dim: usize) -> Option<std::collections::HashMap<[u8; 16], Vec<f32>>> {
        let bytes = std::fs::read(path).ok()?;
        let header = CACHE_MAGIC.len() + 4;
        if bytes.len() < header || &bytes[..8] != CACHE_MAGIC {
            return None;
        }
        let stored_dim = u32::from_le_bytes(bytes[8..12].try_into().ok()?) as usize;
        let rec = 16 + 4 * dim;
        if stored_dim != dim || (bytes.len() - header) % rec != 0 {
            return None;
        }
        let mut map = std::collections::HashMap::new();
        for r in bytes[header..].chunks_exact(rec) {
            let key: [u8; 16] = r[..16].try_into().ok()?;
            let v = r[16..]
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect();
            map.insert(key, v);
        }
        Some(map)
    }

    fn key(&self, text: &str) -> [u8; 16] {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(self.inner.model_id().as_bytes());
        h.update([0]);
        h.update(text.as_bytes());
        let d = h.finalize();
        let mut k = [0u8; 16];
        k.copy_from_slice(&d[..16]);
        k
    }

    /// (hits, misses) so far.
    pub fn stats(&self) -> (usize, usize) {
        (self.hits, self.misses)
    }

    /// Writes the cache if anything was added (atomically: temp file, then rename).
    pub fn save(&mut self) -> Result<()> {
        if !self.dirty {
            return Ok(());
        }
        if let Some(dir) = self.path.parent() {
            fs_err::create_dir_all(dir)?;
        }
        let dim = self.inner.dim();
        let mut buf = Vec::with_capacity(12 + self.map.len() * (16 + 4 * dim));
        buf.extend_from_slice(CACHE_MAGIC);
        buf.extend_from_slice(&(dim as u32).to_le_bytes());
        let mut keys: Vec<&[u8; 16]> = self.map.keys().collect();
        keys.sort();
        for k in keys {
            buf.extend_from_slice(k);
            for x in &self.map[k] {
                buf.extend_from_slice(&x.to_le_bytes());
            }
        }
        let tmp = self
            .path
            .with_extension(format!("tmp{}", std::process::id()));
        fs_err::write(&tmp, &buf)?;
        fs_err::rename(&tmp, &self.path)?;
        self.dirty = false;
        Ok(())
    }
}

impl Embedder for CachedEmbedder<'_> {
    fn model_id(&self) -> &str {
        self.inner.model_id()
    }

    fn dim(&self) -> usize {
        self.inner.dim()
    }

    fn embed(&mut self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        let keys: Vec<[u8; 16]> = texts.iter().map(|t| self.key(t)).collect();
        let missing: Vec<usize> = (0..texts.len())
            .filter(|i| !self.map.contains_key(&keys[*i]))
            .collect();
        self.hits += texts.len() - missing.len();
        self.misses += missing.len();
        if !missing.is_empty() {
            let todo: Vec<&str> = missing.iter().map(|i| texts[*i]).collect();
            let vecs = self.inner.embed(&todo)?;
            for (i, v) in missing.iter().zip(vecs) {
                self.map.insert(keys[*i], v);
            }
            self.dirty = true;
        }
        keys.iter()
            .map(|k| {
                self.map
                    .get(k)
                    .cloned()
                    .ok_or_else(|| Error::Embed("embedder returned too few vectors".into()))
            })
            .collect()
    }
}

#[cfg(test)]
mod cache_tests {
    use super::*;

    #[test]
    fn cache_round_trips_and_counts() {
        let dir = tempfile::tempdir().unwrap();
        let mut inner = HashEmbedder::new(16);
        let direct = inner.embed_one("hello world");
        {
            let mut c = CachedEmbedder::new(&mut inner, dir.path());
            let v = c.embed(&["hello world", "other text"]).unwrap();
            assert_eq!(v[0], direct);
            assert_eq!(c.stats(), (0, 2));
            c.save().unwrap();
        }
        let mut c = CachedEmbedder::new(&mut inner, dir.path());
        let v = c.embed(&["other text", "hello world"]).unwrap();
        assert_eq!(v[1], direct);
        assert_eq!(c.stats(), (2, 0));
    }

    #[test]
    fn damaged_cache_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let mut inner = HashEmbedder::new(16);
        std::fs::write(
            dir.path().join("storyfit_hash_embedder.vecs"),
            b"SFVECS01junk",
        )
        .unwrap();
        let mut c = CachedEmbedder::new(&mut inner, dir.path());
        assert_eq!(c.embed(&["x"]).unwrap().len(), 1);
    }
}
