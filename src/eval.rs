//! Measuring match quality on labelled data: questions with principle labels, stories with
//! tags, and relevance judgments (qrels) linking questions to the stories that answer them.
//!
//! The data is never shipped: [`load_questions`], [`load_stories`] and [`load_qrels`] read
//! the JSONL formats described in `docs/QUALITY.md` from paths the user gives. The metrics
//! are the standard ones (Järvelin & Kekäläinen's nDCG, reciprocal rank, recall at k) and
//! are unit-tested on hand-made rankings. [`evaluate`] runs one [`Mode`] against an opened
//! index whose stories came from the same files.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, PrincipleId};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::index::Index;
use crate::rank::{SearchOptions, Searcher};
use crate::story::{Bank, SourceFile, SourceLoc, StarSection, Story, StoryId};

/// A labelled question.
#[derive(Debug, Clone)]
pub struct EvalQuestion {
    /// Its id in the file.
    pub id: String,
    /// The text.
    pub text: String,
    /// Acceptable principles (any counts as a hit).
    pub lps: Vec<PrincipleId>,
}

/// A relevance judgment.
#[derive(Debug, Clone, Deserialize)]
pub struct Qrel {
    /// Question id.
    pub question_id: String,
    /// Story id (as in the stories file).
    pub story_id: String,
    /// Relevance grade (≥ 1 relevant).
    #[serde(default = "one")]
    pub grade: u32,
}

fn one() -> u32 {
    1
}

fn jsonl<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Vec<(usize, T)>> {
    let text = fs_err::read_to_string(path)?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: T = serde_json::from_str(line).map_err(|e| Error::QuestionsFile {
            path: path.to_path_buf(),
            line: Some(i + 1),
            reason: format!("invalid JSON line: {e}"),
        })?;
        out.push((i + 1, v));
    }
    Ok(out)
}

#[derive(Deserialize)]
struct RawQuestion {
    id: String,
    text: String,
    #[serde(default)]
    lps: Vec<String>,
}

fn resolve_all(
    catalog: &Catalog,
    names: &[String],
    path: &Path,
    line: usize,
) -> Result<Vec<PrincipleId>> {
    names
        .iter()
        .map(|n| {
            catalog.resolve(n).ok_or_else(|| Error::QuestionsFile {
                path: path.to_path_buf(),
                line: Some(line),
                reason: format!("unknown principle {n:?}"),
            })
        })
        .collect()
}

/// Reads labelled questions (`{"id", "text", "lps": [...]}` per line).
pub fn load_questions(path: &Path, catalog: &Catalog) -> Result<Vec<EvalQuestion>> {
    jsonl::<RawQuestion>(path)?
        .into_iter()
        .map(|(line, q)| {
            Ok(EvalQuestion {
                lps: resolve_all(catalog, &q.lps, path, line)?,
                id: q.id,
                text: q.text,
            })
        })
        .collect()
}

#[derive(Deserialize)]
struct RawStory {
    id: String,
    title: Option<String>,
    #[serde(default)]
    situation: Option<String>,
    #[serde(default)]
    task: Option<String>,
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    result: Option<String>,
    #[serde(default)]
    lps: Vec<String>,
}

/// Reads JSONL stories (`{"id", "title", "situation", "task", "action", "result", "lps"}`)
/// into a bank; returns the file's ids in bank order.
pub fn load_stories(path: &Path, catalog: &Catalog) -> Result<(Bank, Vec<String>)> {
    let mut bank = Bank::default();
    let mut ids = Vec::new();
    for (line, s) in jsonl::<RawStory>(path)? {
        let sections: Vec<(StarSection, String)> = [
            (StarSection::Situation, s.situation),
            (StarSection::Task, s.task),
            (StarSection::Action, s.action),
            (StarSection::Result, s.result),
        ]
        .into_iter()
        .filter_map(|(k, t)| {
            t.filter(|t| !t.trim().is_empty())
                .map(|t| (k, t.replace("**", "")))
        })
        .collect();
        let title = s
            .title
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| s.id.clone());
        bank.stories.push(Story {
            id: StoryId::derive(&path.to_string_lossy(), &s.id, 0),
            title,
            question: None,
            sections,
            tags: resolve_all(catalog, &s.lps, path, line)?,
            source: SourceLoc {
                path: path.to_path_buf(),
                line,
            },
        });
        ids.push(s.id);
    }
    let bytes = fs_err::read(path)?;
    bank.files.push(SourceFile {
        path: fs_err::canonicalize(path)?,
        sha256: crate::catalog::sha256_hex(&bytes),
    });
    Ok((bank, ids))
}

/// Reads qrels (`{"question_id", "story_id", "grade"}` per line).
pub fn load_qrels(path: &Path) -> Result<Vec<Qrel>> {
    Ok(jsonl::<Qrel>(path)?.into_iter().map(|(_, q)| q).collect())
}

// ---- metrics --------------------------------------------------------------------------

/// 1 if any relevant item is in the first `k`, else 0.
pub fn recall_at(ranked: &[usize], relevant: &HashMap<usize, u32>, k: usize) -> f64 {
    if relevant.is_empty() {
        return 0.0;
    }
    let found = ranked
        .iter()
        .take(k)
        .filter(|r| relevant.contains_key(r))
        .count();
    found as f64 / relevant.len() as f64
}

/// Reciprocal rank of the first relevant item within the first `k` (0 if none).
pub fn mrr_at(ranked: &[usize], relevant: &HashMap<usize, u32>, k: usize) -> f64 {
    ranked
        .iter()
        .take(k)
        .position(|r| relevant.contains_key(r))
        .map_or(0.0, |p| 1.0 / (p as f64 + 1.0))
}

/// nDCG at `k` with gains `2^grade - 1` and log2 discounts.
pub fn ndcg_at(ranked: &[usize], relevant: &HashMap<usize, u32>, k: usize) -> f64 {
    let gain = |g: u32| 2f64.powi(g as i32) - 1.0;
    let dcg: f64 = ranked
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, r)| {
            relevant
                .get(r)
                .map_or(0.0, |g| gain(*g) / (i as f64 + 2.0).log2())
        })
        .sum();
    let mut ideal: Vec<u32> = relevant.values().copied().collect();
    ideal.sort_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, g)| gain(*g) / (i as f64 + 2.0).log2())
        .sum();
    if idcg > 0.0 {
        dcg / idcg
    } else {
        0.0
    }
}

// ---- evaluation -------------------------------------------------------------------------

/// Which legs are on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// BM25 only (story ranking: lexical leg; questions: lexical vote).
    Lexical,
    /// Embeddings only (dense leg; kNN + model votes).
    Dense,
    /// Everything, as configured.
    Hybrid,
}

impl Mode {
    /// The config a mode runs with.
    pub fn config(self, base: &Config) -> Config {
        let mut c = base.clone();
        match self {
            Mode::Lexical => {
                c.rank.lexical_weight = 1.0;
                c.rank.dense_weight = 0.0;
                c.rank.principle_weight = 0.0;
                c.classify.knn_weight = 0.0;
                c.classify.model_weight = 0.0;
                c.classify.lexical_weight = 1.0;
            }
            Mode::Dense => {
                c.rank.lexical_weight = 0.0;
                c.rank.dense_weight = 1.0;
                c.rank.principle_weight = 0.0;
                c.classify.lexical_weight = 0.0;
            }
            Mode::Hybrid => {}
        }
        c
    }
}

/// Question → principle accuracy.
#[derive(Debug, Clone, Serialize)]
pub struct LpMetrics {
    /// Questions scored.
    pub questions: usize,
    /// Top prediction in the label set.
    pub top1: f64,
    /// Any of the top three in the label set.
    pub top3: f64,
    /// Most frequent (gold → predicted, count) top-1 mistakes, gold = first label.
    pub confusions: Vec<(String, String, usize)>,
}

/// Story ranking quality.
#[derive(Debug, Clone, Serialize)]
pub struct StoryMetrics {
    /// Questions with judgments.
    pub questions: usize,
    /// Recall@1.
    pub recall_at_1: f64,
    /// Recall@3.
    pub recall_at_3: f64,
    /// MRR@10.
    pub mrr_at_10: f64,
    /// nDCG@10.
    pub ndcg_at_10: f64,
}

/// Agreement of inferred story principles with the author's (hidden) tags.
#[derive(Debug, Clone, Serialize)]
pub struct InferenceMetrics {
    /// Tagged stories scored.
    pub stories: usize,
    /// Top inferred principle is a tag.
    pub top1: f64,
    /// A tag is among the top three inferred.
    pub top3: f64,
}

/// One mode's results.
#[derive(Debug, Clone, Serialize)]
pub struct ModeReport {
    /// The mode.
    pub mode: Mode,
    /// Question classification.
    pub lp: LpMetrics,
    /// Story ranking, when qrels were given.
    pub stories: Option<StoryMetrics>,
}

/// Everything `storyfit eval` reports.
#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    /// Question files.
    pub questions: Vec<PathBuf>,
    /// Stories file, if any.
    pub stories: Option<PathBuf>,
    /// Per mode.
    pub modes: Vec<ModeReport>,
    /// Story inference with tags hidden (mode-independent).
    pub inference: Option<InferenceMetrics>,
}

/// Scores question classification and (with `qrels`) story ranking for one mode.
/// `vectors[i]` is the embedding of `questions[i]`; `story_ids` maps bank positions to the
/// ids that the qrels use.
pub fn evaluate(
    index: &Index,
    base: &Config,
    mode: Mode,
    questions: &[EvalQuestion],
    vectors: &[Vec<f32>],
    qrels: Option<(&[Qrel], &[String])>,
) -> Result<ModeReport> {
    let config = mode.config(base);
    let searcher = Searcher::new(index, &config);
    let n_stories = index.bank.stories.len();
    let opts = SearchOptions {
        top: n_stories.min(10),
        top_lps: 3,
        explain: false,
    };
    let catalog = &index.catalog;
    let by_id: HashMap<&str, usize> = index
        .bank
        .stories
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.0.as_str(), i))
        .collect();
    let reports: Vec<(Vec<PrincipleId>, Vec<usize>)> = questions
        .par_iter()
        .zip(vectors.par_iter())
        .map(|(q, v)| {
            let r = searcher.search(&q.text, v, opts)?;
            let lps = r
                .question_lps
                .iter()
                .filter_map(|l| catalog.resolve(&l.lp))
                .collect();
            let ranked = r
                .results
                .iter()
                .filter_map(|m| by_id.get(m.story_id.as_str()).copied())
                .collect();
            Ok((lps, ranked))
        })
        .collect::<Result<_>>()?;

    let labelled: Vec<usize> = (0..questions.len())
        .filter(|i| !questions[*i].lps.is_empty())
        .collect();
    let mut top1 = 0usize;
    let mut top3 = 0usize;
    let mut confusions: BTreeMap<(String, String), usize> = BTreeMap::new();
    for &i in &labelled {
        let (pred, _) = &reports[i];
        let gold = &questions[i].lps;
        if pred.first().is_some_and(|p| gold.contains(p)) {
            top1 += 1;
        } else if let (Some(g), Some(p)) = (gold.first(), pred.first()) {
            *confusions
                .entry((catalog.get(*g).name.clone(), catalog.get(*p).name.clone()))
                .or_default() += 1;
        }
        if pred.iter().take(3).any(|p| gold.contains(p)) {
            top3 += 1;
        }
    }
    let mut conf: Vec<(String, String, usize)> = confusions
        .into_iter()
        .map(|((g, p), n)| (g, p, n))
        .collect();
    conf.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    conf.truncate(10);
    let denom = labelled.len().max(1) as f64;
    let lp = LpMetrics {
        questions: labelled.len(),
        top1: top1 as f64 / denom,
        top3: top3 as f64 / denom,
        confusions: conf,
    };

    let stories = qrels.map(|(qrels, ids)| {
        let pos: HashMap<&str, usize> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i))
            .collect();
        let mut rel: HashMap<&str, HashMap<usize, u32>> = HashMap::new();
        for q in qrels {
            if let Some(p) = pos.get(q.story_id.as_str()) {
                rel.entry(q.question_id.as_str())
                    .or_default()
                    .insert(*p, q.grade);
            }
        }
        let mut sums = [0f64; 4];
        let mut n = 0;
        for (i, q) in questions.iter().enumerate() {
            let Some(r) = rel.get(q.id.as_str()) else {
                continue;
            };
            let ranked = &reports[i].1;
            sums[0] += recall_at(ranked, r, 1);
            sums[1] += recall_at(ranked, r, 3);
            sums[2] += mrr_at(ranked, r, 10);
            sums[3] += ndcg_at(ranked, r, 10);
            n += 1;
        }
        let d = n.max(1) as f64;
        StoryMetrics {
            questions: n,
            recall_at_1: sums[0] / d,
            recall_at_3: sums[1] / d,
            mrr_at_10: sums[2] / d,
            ndcg_at_10: sums[3] / d,
        }
    });
    Ok(ModeReport { mode, lp, stories })
}

/// Agreement of an index's inferred principles with tags (the index must have been built
/// with the tags hidden; `tags[s]` are the author's tags of story `s`).
pub fn inference_agreement(index: &Index, tags: &[Vec<PrincipleId>]) -> InferenceMetrics {
    let mut n = 0;
    let mut t1 = 0;
    let mut t3 = 0;
    for (s, gold) in tags.iter().enumerate() {
        if gold.is_empty() {
            continue;
        }
        let Some(inf) = index.inferred.get(s) else {
            continue;
        };
        let mut order: Vec<usize> = (0..inf.0.len()).collect();
        order.sort_by(|a, b| inf.0[*b].total_cmp(&inf.0[*a]).then(a.cmp(b)));
        let hit = |k: usize| {
            order
                .iter()
                .take(k)
                .any(|p| gold.contains(&PrincipleId(*p as u16)))
        };
        n += 1;
        t1 += usize::from(hit(1));
        t3 += usize::from(hit(3));
    }
    let d = n.max(1) as f64;
    InferenceMetrics {
        stories: n,
        top1: t1 as f64 / d,
        top3: t3 as f64 / d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(items: &[(usize, u32)]) -> HashMap<usize, u32> {
        items.iter().copied().collect()
    }

    #[test]
    fn perfect_ranking_scores_one() {
        let r = rel(&[(3, 1), (5, 1)]);
        let ranked = [3, 5, 1, 2];
        assert_eq!(ndcg_at(&ranked, &r, 10), 1.0);
        assert_eq!(mrr_at(&ranked, &r, 10), 1.0);
        assert_eq!(recall_at(&ranked, &r, 3), 1.0);
        assert_eq!(recall_at(&ranked, &r, 1), 0.5);
    }

    #[test]
    fn reversed_ranking_scores_less() {
        let r = rel(&[(3, 1)]);
        let good = ndcg_at(&[3, 1, 2], &r, 10);
        let bad = ndcg_at(&[1, 2, 3], &r, 10);
        assert!(bad < good);
        assert!((bad - 0.5).abs() < 1e-12, "{bad}");
        assert!((mrr_at(&[1, 2, 3], &r, 10) - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(mrr_at(&[1, 2, 3], &r, 2), 0.0);
        assert_eq!(recall_at(&[1, 2, 3], &r, 1), 0.0);
    }

    #[test]
    fn graded_relevance_prefers_higher_grades_first() {
        let r = rel(&[(1, 2), (2, 1)]);
        assert!(ndcg_at(&[1, 2], &r, 10) > ndcg_at(&[2, 1], &r, 10));
        assert_eq!(ndcg_at(&[1, 2], &r, 10), 1.0);
    }

    #[test]
    fn nothing_relevant_scores_zero() {
        let r = rel(&[]);
        assert_eq!(ndcg_at(&[1], &r, 10), 0.0);
        assert_eq!(recall_at(&[1], &r, 1), 0.0);
    }
}
