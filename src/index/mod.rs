//! The on-disk hybrid index and how it is built, swapped in and opened.
//!
//! Layout of `index/` (the root the user names with `--index`):
//!
//! ```text
//! index/
//!   CURRENT                 name of the live generation, replaced atomically (rename)
//!   gen-<time>-<pid>/
//!     manifest.json         format version, model id + dim, catalog + bank hashes, counts
//!     bank.json             the parsed stories, priorities, front matter, warnings
//!     catalog.toml          the catalog the index was built with
//!     units.json            which story and part each passage vector belongs to
//!     evidence.json         inferred principle probabilities per story
//!     classifier.json       the question → principle model
//!     lexical/stories/      tantivy: one doc per story, per-section fields (BM25)
//!     lexical/catalog/      tantivy: one doc per sample question / evidence line
//!     vectors/units.hnsw.*  hnsw_rs: passage vectors (DistCosine)
//!     vectors/catalog.hnsw.* hnsw_rs: catalog vectors
//! ```
//!
//! A build writes a whole new generation next to the live one and only then points
//! `CURRENT` at it with a rename, so an interrupted build never leaves a broken index and a
//! reader never sees half a generation. Older generations are removed afterwards.

pub mod lexical;
pub mod vector;

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::catalog::{sha256_hex, Catalog, PrincipleId};
use crate::config::{ClassifyConfig, Config};
use crate::embed::{chunk_text, Embedder};
use crate::error::{Error, Result};
use crate::rank::classify::{SoftmaxModel, TrainParams};
use crate::rank::evidence::{self, CatalogView, EvidenceWeights, Inferred, StoryView};
use crate::story::{load_bank, Bank, StarSection};
use lexical::{CatalogLexicon, StoryLexicon};
use vector::VectorIndex;

/// Bumped whenever the layout or any file's schema changes.
pub const FORMAT_VERSION: u32 = 1;

/// What a passage vector stands for.
///
/// The whole-story vector is the mean of the section vectors rather than an embedding of
/// the story's text: every word is in a section, and embedding the text again measured no
/// better on the dev set (docs/QUALITY.md) while doubling the text to embed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "section")]
pub enum UnitKind {
    /// The whole story (mean of its section vectors).
    Story,
    /// The question the author prepared it for.
    Question,
    /// One STAR section (or one chunk of a long one).
    Section(StarSection),
}

/// One embedded passage of a story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// Position of the story in the bank.
    pub story: u32,
    /// What the passage is.
    #[serde(flatten)]
    pub kind: UnitKind,
}

/// What a catalog vector stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CatalogItemKind {
    /// A sample interview question.
    Question,
    /// A first-person evidence line.
    Evidence,
    /// The principle's description.
    Description,
}

/// One catalog text with a vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogItem {
    /// The principle.
    pub lp: PrincipleId,
    /// Which list it comes from.
    pub kind: CatalogItemKind,
    /// Position in that list.
    pub pos: u16,
}

impl CatalogItem {
    /// The item's text.
    pub fn text<'c>(&self, catalog: &'c Catalog) -> &'c str {
        let p = catalog.get(self.lp);
        let pos = usize::from(self.pos);
        match self.kind {
            CatalogItemKind::Question => p.questions.get(pos).map_or("", String::as_str),
            CatalogItemKind::Evidence => p.evidence.get(pos).map_or("", String::as_str),
            CatalogItemKind::Description => &p.description,
        }
    }
}

/// Enumerates the catalog texts that get vectors: questions, evidence lines, descriptions.
pub fn catalog_items(catalog: &Catalog) -> Vec<CatalogItem> {
    let mut items = Vec::new();
    for id in catalog.ids() {
        let p = catalog.get(id);
        let pos16 = |i: usize| u16::try_from(i).unwrap_or(u16::MAX);
        items.extend((0..p.questions.len()).map(|i| CatalogItem {
            lp: id,
            kind: CatalogItemKind::Question,
            pos: pos16(i),
        }));
        items.extend((0..p.evidence.len()).map(|i| CatalogItem {
            lp: id,
            kind: CatalogItemKind::Evidence,
            pos: pos16(i),
        }));
        items.push(CatalogItem {
            lp: id,
            kind: CatalogItemKind::Description,
            pos: 0,
        });
    }
    items
}

/// Index metadata, written last.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    /// [`FORMAT_VERSION`] at build time.
    pub format_version: u32,
    /// storyfit version that built it.
    pub storyfit_version: String,
    /// Embedding model id.
    pub model_id: String,
    /// Embedding dimension.
    pub dim: usize,
    /// Catalog name.
    pub catalog_name: String,
    /// sha256 of the catalog TOML.
    pub catalog_hash: String,
    /// sha256 over the source files' hashes.
    pub bank_hash: String,
    /// Number of stories.
    pub stories: usize,
    /// Number of passage vectors.
    pub units: usize,
    /// Number of catalog vectors.
    pub catalog_items: usize,
    /// Base names and sizes of the vector files, checked on open.
    pub vector_files: Vec<(String, u64)>,
    /// Seconds since the Unix epoch.
    pub created_unix: u64,
}

/// Receives progress from long operations; the binary draws bars, the library never prints.
pub trait Progress: Sync {
    /// A stage begins with `total` steps.
    fn stage(&self, name: &str, total: u64);
    /// `n` more steps are done.
    fn advance(&self, n: u64);
}

/// Progress that goes nowhere.
pub struct NoProgress;

impl Progress for NoProgress {
    fn stage(&self, _: &str, _: u64) {}
    fn advance(&self, _: u64) {}
}

/// What a build produced.
#[derive(Debug, Clone)]
pub struct BuildSummary {
    /// The bank that was indexed (with its warnings).
    pub bank: Bank,
    /// The manifest written.
    pub manifest: Manifest,
    /// The generation directory now live.
    pub generation: PathBuf,
}

fn bank_hash(bank: &Bank) -> String {
    let mut s = String::new();
    for f in &bank.files {
        s.push_str(&f.path.to_string_lossy());
        s.push('\n');
        s.push_str(&f.sha256);
        s.push('\n');
    }
    sha256_hex(s.as_bytes())
}

fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let file = fs_err::File::create(path)?;
    serde_json::to_writer(std::io::BufWriter::new(file), value)?;
    Ok(())
}

fn read_json<T: for<'de> Deserialize<'de>>(gen: &Path, name: &str) -> Result<T> {
    let path = gen.join(name);
    let bytes = std::fs::read(&path).map_err(|e| Error::IndexCorrupt {
        dir: gen.to_path_buf(),
        reason: format!("{name}: {e}"),
    })?;
    serde_json::from_slice(&bytes).map_err(|e| Error::IndexCorrupt {
        dir: gen.to_path_buf(),
        reason: format!("{name}: {e}"),
    })
}

/// Appends one vector per story: the normalised mean of its section vectors. It costs no
/// embedding (every word of a story is in a section) and gives the dense leg a whole-story
/// view beside the per-section ones.
fn add_story_vectors(units: &mut Vec<(Unit, String)>, vecs: &mut Vec<Vec<f32>>, stories: usize) {
    let dim = vecs.first().map_or(0, Vec::len);
    let mut sums = vec![vec![0f32; dim]; stories];
    let mut seen = vec![false; stories];
    for ((unit, _), v) in units.iter().zip(vecs.iter()) {
        if let UnitKind::Section(_) = unit.kind {
            let s = unit.story as usize;
            seen[s] = true;
            for (a, x) in sums[s].iter_mut().zip(v) {
                *a += x;
            }
        }
    }
    for (s, mut sum) in sums.into_iter().enumerate() {
        if !seen[s] {
            continue;
        }
        crate::embed::normalize(&mut sum);
        units.push((
            Unit {
                story: s as u32,
                kind: UnitKind::Story,
            },
            String::new(),
        ));
        vecs.push(sum);
    }
}

/// The passages of every story: (unit, text).
fn story_units(bank: &Bank) -> Vec<(Unit, String)> {
    let mut out = Vec::new();
    for (i, story) in bank.stories.iter().enumerate() {
        let si = i as u32;
        if let Some(q) = &story.question {
            out.push((
                Unit {
                    story: si,
                    kind: UnitKind::Question,
                },
                // Embedded like the user's questions, frame stripped.
                crate::question::focus(q),
            ));
        }
        for (kind, text) in &story.sections {
            for chunk in chunk_text(text) {
                out.push((
                    Unit {
                        story: si,
                        kind: UnitKind::Section(*kind),
                    },
                    chunk,
                ));
            }
        }
    }
    out
}

fn embed_all(
    embedder: &mut dyn Embedder,
    texts: &[&str],
    progress: &dyn Progress,
    stage: &str,
) -> Result<Vec<Vec<f32>>> {
    progress.stage(stage, texts.len() as u64);
    let mut out = Vec::with_capacity(texts.len());
    for chunk in texts.chunks(32) {
        let mut v = embedder.embed(chunk)?;
        if v.len() != chunk.len() || v.iter().any(|x| x.len() != embedder.dim()) {
            return Err(Error::Embed(format!(
                "model returned {} vectors for {} texts",
                v.len(),
                chunk.len()
            )));
        }
        out.append(&mut v);
        progress.advance(chunk.len() as u64);
    }
    Ok(out)
}

/// Which register a classifier is trained for: how much each kind of catalog text counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Register {
    /// Interview questions: sample questions count fully, descriptions and evidence lines
    /// less (as configured), since they are not phrased as questions.
    Question,
    /// Story text: evidence lines and descriptions (first-person narrative, like a story's
    /// sections) count fully, sample questions a little.
    Story,
}

/// Trains a classifier over the catalog's vectors for one register.
pub fn train_classifier(
    items: &[CatalogItem],
    vectors: &[Vec<f32>],
    classes: usize,
    c: &ClassifyConfig,
    register: Register,
) -> SoftmaxModel {
    let y: Vec<usize> = items.iter().map(|i| i.lp.index()).collect();
    let w: Vec<f32> = items
        .iter()
        .map(|i| match (register, i.kind) {
            (Register::Question, CatalogItemKind::Question) => 1.0,
            (Register::Question, CatalogItemKind::Description) => c.model_description_weight,
            (Register::Question, CatalogItemKind::Evidence) => c.model_evidence_weight,
            (Register::Story, CatalogItemKind::Question) => 0.3,
            (Register::Story, _) => 1.0,
        })
        .collect();
    let params = TrainParams {
        epochs: c.model_epochs,
        l2: c.model_l2,
        ..TrainParams::default()
    };
    SoftmaxModel::train(vectors, &y, &w, classes, params)
}

/// Each principle's cues as analyzed term lists, weighted by how specific they are: a cue
/// that several principles share counts less (idf over principles).
pub fn cue_terms(catalog: &Catalog) -> Vec<Vec<evidence::Cue>> {
    let per_lp: Vec<Vec<Vec<String>>> = catalog
        .principles
        .iter()
        .map(|p| {
            let mut v: Vec<Vec<String>> = Vec::new();
            for cue in &p.cues {
                let t: Vec<String> = lexical::terms(cue).into_iter().map(|(t, _)| t).collect();
                if !t.is_empty() && !v.contains(&t) {
                    v.push(t);
                }
            }
            v
        })
        .collect();
    let n = per_lp.len() as f32;
    per_lp
        .iter()
        .map(|cues| {
            cues.iter()
                .map(|terms| {
                    let df = per_lp.iter().filter(|other| other.contains(terms)).count() as f32;
                    evidence::Cue {
                        terms: terms.clone(),
                        idf: (n / df.max(1.0)).ln().max(0.1),
                    }
                })
                .collect()
        })
        .collect()
}

/// Parses, embeds and indexes a bank into a new generation under `root`, then makes it live.
pub fn build(
    root: &Path,
    inputs: &[PathBuf],
    catalog: &Catalog,
    embedder: &mut dyn Embedder,
    config: &Config,
    progress: &dyn Progress,
) -> Result<BuildSummary> {
    let bank = load_bank(inputs, catalog)?;
    build_bank(root, bank, catalog, embedder, config, progress)
}

/// Indexes an already-parsed bank (the evaluation command builds banks from JSONL).
pub fn build_bank(
    root: &Path,
    bank: Bank,
    catalog: &Catalog,
    embedder: &mut dyn Embedder,
    config: &Config,
    progress: &dyn Progress,
) -> Result<BuildSummary> {
    if bank.stories.is_empty() {
        return Err(Error::EmptyBank {
            inputs: root.display().to_string(),
        });
    }
    fs_err::create_dir_all(root)?;
    let gen_name = format!(
        "gen-{}-{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0),
        std::process::id()
    );
    let tmp = root.join(format!("{gen_name}.tmp"));
    let result = build_generation(&tmp, &bank, catalog, embedder, config, progress);
    let manifest = match result {
        Ok(m) => m,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };
    let gen = root.join(&gen_name);
    fs_err::rename(&tmp, &gen)?;
    let current_tmp = root.join(format!("CURRENT.{}.tmp", std::process::id()));
    fs_err::write(&current_tmp, format!("{gen_name}\n"))?;
    fs_err::rename(&current_tmp, root.join("CURRENT"))?;
    remove_stale_generations(root, &gen_name);
    Ok(BuildSummary {
        bank,
        manifest,
        generation: gen,
    })
}

fn remove_stale_generations(root: &Path, keep: &str) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with("gen-") && name != keep {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

fn build_generation(
    dir: &Path,
    bank: &Bank,
    catalog: &Catalog,
    embedder: &mut dyn Embedder,
    config: &Config,
    progress: &dyn Progress,
) -> Result<Manifest> {
    fs_err::create_dir_all(dir)?;
    let units = story_units(bank);
    let unit_texts: Vec<&str> = units.iter().map(|(_, t)| t.as_str()).collect();
    let items = catalog_items(catalog);
    let item_texts: Vec<&str> = items.iter().map(|i| i.text(catalog)).collect();

    // Sample questions are embedded as user questions are (frame stripped), so the two
    // sides of the kNN vote and the classifier's inputs match.
    let item_inputs: Vec<String> = items
        .iter()
        .zip(&item_texts)
        .map(|(i, t)| match i.kind {
            CatalogItemKind::Question => crate::question::focus(t),
            _ => t.to_string(),
        })
        .collect();
    let item_refs: Vec<&str> = item_inputs.iter().map(String::as_str).collect();
    let item_vecs = embed_all(embedder, &item_refs, progress, "embedding catalog")?;
    let mut unit_vecs = embed_all(embedder, &unit_texts, progress, "embedding stories")?;
    let mut units = units;
    add_story_vectors(&mut units, &mut unit_vecs, bank.stories.len());

    progress.stage("training classifier", 1);
    let model = train_classifier(
        &items,
        &item_vecs,
        catalog.len(),
        &config.classify,
        Register::Question,
    );
    progress.advance(1);

    progress.stage("inferring principles", bank.stories.len() as u64);
    let mut evidence_vecs: Vec<Vec<&[f32]>> = vec![Vec::new(); catalog.len()];
    for (item, v) in items.iter().zip(&item_vecs) {
        if item.kind != CatalogItemKind::Question {
            evidence_vecs[item.lp.index()].push(v);
        }
    }
    let story_model = train_classifier(
        &items,
        &item_vecs,
        catalog.len(),
        &config.classify,
        Register::Story,
    );
    let cat_view = CatalogView {
        evidence: evidence_vecs,
        cues: cue_terms(catalog),
        model: &model,
        story_model: &story_model,
    };
    // (section passage vectors, prepared-question vector) per story
    type PerStory<'v> = (Vec<&'v [f32]>, Option<&'v [f32]>);
    let mut per_story: Vec<PerStory<'_>> = vec![(Vec::new(), None); bank.stories.len()];
    for ((unit, _), v) in units.iter().zip(&unit_vecs) {
        let slot = &mut per_story[unit.story as usize];
        match unit.kind {
            UnitKind::Question => slot.1 = Some(v),
            UnitKind::Section(_) => slot.0.push(v),
            UnitKind::Story => {}
        }
    }
    let e = &config.evidence;
    let weights = EvidenceWeights {
        lines: e.lines_weight,
        story_model: e.story_model_weight,
        question_model: e.question_model_weight,
        cues: e.cue_weight,
    };
    let inferred: Vec<Inferred> = bank
        .stories
        .par_iter()
        .zip(per_story.par_iter())
        .map(|(story, (passages, q))| {
            let terms = lexical::term_counts(&story.full_text());
            let view = StoryView {
                passages: passages.clone(),
                question: *q,
                terms: &terms,
            };
            evidence::infer(&view, &cat_view, weights, &config.evidence)
        })
        .collect();
    progress.advance(bank.stories.len() as u64);

    progress.stage("writing index", 4);
    let tag_names: Vec<Vec<String>> = bank
        .stories
        .iter()
        .map(|s| {
            s.tags
                .iter()
                .map(|t| catalog.get(*t).name.clone())
                .collect()
        })
        .collect();
    StoryLexicon::build(&dir.join("lexical/stories"), &bank.stories, &tag_names)?;
    let lex_items: Vec<(PrincipleId, &str)> = items
        .iter()
        .zip(&item_texts)
        .map(|(i, t)| (i.lp, *t))
        .collect();
    CatalogLexicon::build(&dir.join("lexical/catalog"), &lex_items)?;
    progress.advance(2);

    let vdir = dir.join("vectors");
    let mut vector_files = Vec::new();
    for (base, vecs) in [("units", &unit_vecs), ("catalog", &item_vecs)] {
        let used = VectorIndex::build(vecs).save(&vdir, base)?;
        let size = fs_err::metadata(vdir.join(format!("{used}.hnsw.data")))?.len();
        vector_files.push((used, size));
    }
    progress.advance(1);

    write_json(&dir.join("bank.json"), bank)?;
    let unit_list: Vec<Unit> = units.iter().map(|(u, _)| *u).collect();
    write_json(&dir.join("units.json"), &unit_list)?;
    write_json(&dir.join("catalog_items.json"), &items)?;
    write_json(&dir.join("evidence.json"), &inferred)?;
    write_json(&dir.join("classifier.json"), &model)?;
    fs_err::write(dir.join("catalog.toml"), catalog_source(catalog)?)?;
    let manifest = Manifest {
        format_version: FORMAT_VERSION,
        storyfit_version: env!("CARGO_PKG_VERSION").to_string(),
        model_id: embedder.model_id().to_string(),
        dim: embedder.dim(),
        catalog_name: catalog.name.clone(),
        catalog_hash: catalog.hash.clone(),
        bank_hash: bank_hash(bank),
        stories: bank.stories.len(),
        units: unit_list.len(),
        catalog_items: items.len(),
        vector_files,
        created_unix: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
    };
    write_json(&dir.join("manifest.json"), &manifest)?;
    progress.advance(1);
    Ok(manifest)
}

fn catalog_source(catalog: &Catalog) -> Result<String> {
    if catalog.origin == Path::new("<built-in>") {
        Ok(crate::catalog::BUILTIN_TOML.to_string())
    } else {
        Ok(fs_err::read_to_string(&catalog.origin)?)
    }
}

/// A live index, opened for queries.
pub struct Index {
    /// The root directory the user named.
    pub root: PathBuf,
    /// The live generation directory.
    pub generation: PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
    /// The indexed stories.
    pub bank: Bank,
    /// The catalog it was built with.
    pub catalog: Catalog,
    /// Passage → story map, aligned with the passage vectors.
    pub units: Vec<Unit>,
    /// Catalog vector → text map.
    pub catalog_items: Vec<CatalogItem>,
    /// Inferred principle probabilities per story.
    pub inferred: Vec<Inferred>,
    /// Question classifier.
    pub model: SoftmaxModel,
    /// BM25 over stories.
    pub story_lexicon: StoryLexicon,
    /// BM25 over the catalog.
    pub catalog_lexicon: CatalogLexicon,
    /// HNSW over passages.
    pub unit_vectors: VectorIndex,
    /// HNSW over catalog texts.
    pub catalog_vectors: VectorIndex,
}

/// Which inputs an opened index is checked against.
#[derive(Debug, Clone, Copy, Default)]
pub struct Freshness<'a> {
    /// The catalog the user runs with.
    pub catalog: Option<&'a Catalog>,
    /// Model id and dimension of the embedder the user runs with.
    pub model: Option<(&'a str, usize)>,
    /// Re-hash the source files and compare.
    pub sources: bool,
}

impl Index {
    /// Opens the live generation under `root` (format version checked; see [`Index::check`]).
    pub fn open(root: &Path) -> Result<Index> {
        let current = root.join("CURRENT");
        if !current.is_file() {
            return Err(Error::IndexMissing {
                dir: root.to_path_buf(),
            });
        }
        let gen_name = fs_err::read_to_string(&current)?.trim().to_string();
        let gen = root.join(&gen_name);
        if gen_name.is_empty() || gen_name.contains(['/', '\\']) || !gen.is_dir() {
            return Err(Error::IndexCorrupt {
                dir: root.to_path_buf(),
                reason: format!("CURRENT names a missing generation {gen_name:?}"),
            });
        }
        let manifest: Manifest = read_json(&gen, "manifest.json")?;
        let stale = |reason: String| Error::IndexStale {
            dir: root.to_path_buf(),
            reason,
        };
        if manifest.format_version != FORMAT_VERSION {
            return Err(stale(format!(
                "it has format {}, this storyfit reads format {FORMAT_VERSION}",
                manifest.format_version
            )));
        }
        let bank: Bank = read_json(&gen, "bank.json")?;
        let catalog_text = fs_err::read_to_string(gen.join("catalog.toml"))?;
        let catalog = Catalog::from_toml(&catalog_text, &gen.join("catalog.toml"))?;
        let units: Vec<Unit> = read_json(&gen, "units.json")?;
        let catalog_items: Vec<CatalogItem> = read_json(&gen, "catalog_items.json")?;
        let inferred: Vec<Inferred> = read_json(&gen, "evidence.json")?;
        let model: SoftmaxModel = read_json(&gen, "classifier.json")?;
        let corrupt = |reason: String| Error::IndexCorrupt {
            dir: gen.clone(),
            reason,
        };
        if units.len() != manifest.units
            || catalog_items.len() != manifest.catalog_items
            || inferred.len() != bank.stories.len()
            || model.classes() != catalog.len()
        {
            return Err(corrupt("its files disagree with the manifest".into()));
        }
        let vdir = gen.join("vectors");
        for (base, size) in &manifest.vector_files {
            let p = vdir.join(format!("{base}.hnsw.data"));
            let actual = std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
            if actual != *size {
                return Err(corrupt(format!("{} has the wrong size", p.display())));
            }
        }
        let base = |i: usize| {
            manifest
                .vector_files
                .get(i)
                .map(|(b, _)| b.clone())
                .ok_or_else(|| corrupt("manifest lists no vector files".into()))
        };
        let unit_vectors = VectorIndex::load(&vdir, &base(0)?, manifest.units)?;
        let catalog_vectors = VectorIndex::load(&vdir, &base(1)?, manifest.catalog_items)?;
        let story_lexicon = StoryLexicon::open(&gen.join("lexical/stories"))?;
        let catalog_lexicon = CatalogLexicon::open(&gen.join("lexical/catalog"))?;
        Ok(Index {
            root: root.to_path_buf(),
            generation: gen,
            manifest,
            bank,
            catalog,
            units,
            catalog_items,
            inferred,
            model,
            story_lexicon,
            catalog_lexicon,
            unit_vectors,
            catalog_vectors,
        })
    }

    /// Checks that the index still matches its inputs: the catalog, the model, the sources.
    pub fn check(&self, fresh: Freshness<'_>) -> Result<()> {
        let manifest = &self.manifest;
        let bank = &self.bank;
        let stale = |reason: String| Error::IndexStale {
            dir: self.root.clone(),
            reason,
        };
        if let Some((id, dim)) = fresh.model {
            if manifest.model_id != id || manifest.dim != dim {
                return Err(stale(format!(
                    "it was built with model {} ({}-d), now the model is {id} ({dim}-d)",
                    manifest.model_id, manifest.dim
                )));
            }
        }
        if let Some(c) = fresh.catalog {
            if c.hash != manifest.catalog_hash {
                return Err(stale(format!(
                    "the catalog changed since indexing ({} now, {} then)",
                    c.origin.display(),
                    manifest.catalog_name
                )));
            }
        }
        if fresh.sources {
            for f in &bank.files {
                match std::fs::read(&f.path) {
                    Ok(bytes) if sha256_hex(&bytes) == f.sha256 => {}
                    Ok(_) => {
                        return Err(stale(format!(
                            "{} changed since indexing",
                            f.path.display()
                        )))
                    }
                    Err(_) => return Err(stale(format!("{} is gone", f.path.display()))),
                }
            }
        }
        Ok(())
    }
}
