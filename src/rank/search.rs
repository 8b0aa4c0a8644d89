//! A question in, a [`QueryReport`] out.
//!
//! 1. Classify the question over the catalog ([`classify`](super::classify)): kNN over
//!    sample-question vectors, the trained model, BM25 over catalog texts.
//! 2. Rank stories with three legs:
//!    - **lexical**: BM25 over title, prepared question, each STAR section and tag names;
//!    - **dense**: HNSW over passage vectors (prepared question, each section or its chunks),
//!      a story scoring by its best passages, so a question about a decision finds the
//!      Action paragraph where the decision is even if the story is mostly about other things;
//!    - **principles**: Σ_p P(p | question) · evidence(story, p), with evidence 1 for the
//!      author's tags (configurable) and the inferred probability otherwise.
//! 3. Fuse the legs ([`fusion`](super::fusion)), keep each leg's rank and score.
//!
//! The [`Searcher`] borrows an opened index and is `Sync`: batch runs search many questions
//! in parallel with rayon after embedding them in batches.

use std::collections::BTreeMap;

use super::classify::{knn_vote, softmax};
use super::fusion::{Fused, Leg, Norm};
use crate::catalog::PrincipleId;
use crate::config::{Combine, Config};
use crate::error::{Error, Result};
use crate::index::lexical::{matched_words, FieldBoosts};
use crate::index::{CatalogItemKind, Index, UnitKind};
use crate::report::{
    EvidenceSource, NearText, QueryReport, QuestionLp, QuestionLpExplain, StoryExplain, StoryLp,
    StoryMatch,
};

/// How many nearest passages the dense leg reads.
pub const DENSE_PASSAGES: usize = 400;

/// Per-query options.
#[derive(Debug, Clone, Copy)]
pub struct SearchOptions {
    /// How many stories to return.
    pub top: usize,
    /// How many of the question's principles to list.
    pub top_lps: usize,
    /// Fill in the `explain` blocks.
    pub explain: bool,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            top: 3,
            top_lps: 3,
            explain: false,
        }
    }
}

/// The question's principle distribution with its parts.
#[derive(Debug, Clone)]
pub struct QuestionPrinciples {
    /// Final probability per principle (catalog order).
    pub probs: Vec<f32>,
    /// kNN vote.
    pub knn: Vec<f32>,
    /// Model vote.
    pub model: Vec<f32>,
    /// Lexical vote.
    pub lexical: Vec<f32>,
    /// Nearest sample question per principle: (catalog item, similarity).
    pub nearest: Vec<Option<(usize, f32)>>,
}

/// Searches one opened index.
pub struct Searcher<'a> {
    index: &'a Index,
    config: &'a Config,
    boosts: FieldBoosts,
    cues: Vec<Vec<super::evidence::Cue>>,
}

impl<'a> Searcher<'a> {
    /// A searcher over an index with the given parameters.
    pub fn new(index: &'a Index, config: &'a Config) -> Searcher<'a> {
        Searcher {
            index,
            config,
            boosts: FieldBoosts::default(),
            cues: crate::index::cue_terms(&index.catalog),
        }
    }

    /// The index searched.
    pub fn index(&self) -> &'a Index {
        self.index
    }

    /// Classifies a question (see module docs).
    pub fn question_principles(&self, question: &str, qvec: &[f32]) -> Result<QuestionPrinciples> {
        let idx = self.index;
        let c = &self.config.classify;
        let n = idx.catalog.len();
        let neighbours: Vec<(usize, f32)> = idx
            .catalog_vectors
            .search(qvec, c.knn_k.max(1) * 3)
            .into_iter()
            .filter(|(i, _)| idx.catalog_items[*i].kind == CatalogItemKind::Question)
            .take(c.knn_k.max(1))
            .collect();
        let mut nearest: Vec<Option<(usize, f32)>> = vec![None; n];
        for (i, sim) in &neighbours {
            let lp = idx.catalog_items[*i].lp.index();
            if nearest[lp].is_none() {
                nearest[lp] = Some((*i, *sim));
            }
        }
        let knn = knn_vote(
            &neighbours,
            |i| idx.catalog_items[i].lp.index(),
            n,
            c.knn_per_class.max(1),
            c.knn_temperature,
        );
        let model = idx.model.predict(qvec);
        let mut lexical = idx.catalog_lexicon.principle_scores(question, n)?;
        let lexical_any = lexical.iter().any(|x| *x > 0.0);
        softmax(&mut lexical, c.lexical_temperature);
        let lex_w = if lexical_any { c.lexical_weight } else { 0.0 };
        let counts = crate::index::lexical::term_counts(question);
        let mut cues: Vec<f32> = self
            .cues
            .iter()
            .map(|cs| cs.iter().map(|cue| cue.score(&counts)).sum())
            .collect();
        let cue_w = if cues.iter().any(|x| *x > 0.0) {
            c.cue_weight
        } else {
            0.0
        };
        softmax(&mut cues, c.cue_temperature);
        let total = c.knn_weight + c.model_weight + lex_w + cue_w;
        let votes = [
            (c.knn_weight, &knn),
            (c.model_weight, &model),
            (lex_w, &lexical),
            (cue_w, &cues),
        ];
        let probs = combine_votes(&votes, n, total, c.combine);
        Ok(QuestionPrinciples {
            probs,
            knn,
            model,
            lexical,
            nearest,
        })
    }

    /// Evidence strength of story `s` for principle `p` (tag score if tagged, else inferred).
    pub fn evidence(&self, s: usize, p: PrincipleId) -> f32 {
        let inferred = self.index.inferred[s]
            .0
            .get(p.index())
            .copied()
            .unwrap_or(0.0);
        if self.index.bank.stories[s].tags.contains(&p) {
            self.config.evidence.tag_score.max(inferred)
        } else {
            inferred
        }
    }

    /// The principles story `s` evidences: its tags, then inferred ones above the threshold.
    pub fn story_lps(&self, s: usize) -> Vec<StoryLp> {
        let idx = self.index;
        let story = &idx.bank.stories[s];
        let inferred = &idx.inferred[s].0;
        let mut out: Vec<StoryLp> = Vec::new();
        for p in idx.catalog.ids() {
            let prob = inferred.get(p.index()).copied().unwrap_or(0.0);
            let tagged = story.tags.contains(&p);
            if !tagged && prob < self.config.evidence.min_inferred {
                continue;
            }
            let principle = idx.catalog.get(p);
            out.push(StoryLp {
                lp: principle.name.clone(),
                abbrev: principle.abbrev.clone(),
                score: self.evidence(s, p),
                source: if tagged {
                    EvidenceSource::Tagged
                } else {
                    EvidenceSource::Inferred
                },
                inferred: prob,
            });
        }
        out.sort_by(|a, b| {
            (a.source != EvidenceSource::Tagged)
                .cmp(&(b.source != EvidenceSource::Tagged))
                .then(b.score.total_cmp(&a.score))
        });
        out
    }

    /// Dense leg: best passages per story, with the nearest part.
    fn dense_leg(&self, qvec: &[f32]) -> (Vec<(usize, f32)>, BTreeMap<usize, UnitKind>) {
        let idx = self.index;
        // Enough passages to score every story of a small bank and the plausible ones of a large
        // bank; stories beyond them score 0 on this leg (the other legs still see them).
        let k = idx.units.len().min(DENSE_PASSAGES);
        let mut best: BTreeMap<usize, (f32, f32, UnitKind)> = BTreeMap::new();
        for (u, sim) in idx.unit_vectors.search(qvec, k) {
            let unit = idx.units[u];
            let e = best.entry(unit.story as usize).or_insert((
                f32::NEG_INFINITY,
                f32::NEG_INFINITY,
                unit.kind,
            ));
            if sim > e.0 {
                e.1 = e.0;
                e.0 = sim;
                e.2 = unit.kind;
            } else if sim > e.1 {
                e.1 = sim;
            }
        }
        let share = self.config.rank.dense_max_share;
        let mut ranked: Vec<(usize, f32)> = best
            .iter()
            .map(|(s, (a, b, _))| {
                let second = if b.is_finite() { *b } else { *a };
                (*s, share * a + (1.0 - share) * (a + second) / 2.0)
            })
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let parts = best.into_iter().map(|(s, (_, _, k))| (s, k)).collect();
        (ranked, parts)
    }

    /// Principle leg: stories that evidence what the question probes.
    fn principle_leg(&self, qp: &QuestionPrinciples) -> Vec<(usize, f32)> {
        let mut ranked: Vec<(usize, f32)> = (0..self.index.bank.stories.len())
            .map(|s| {
                let score = self
                    .index
                    .catalog
                    .ids()
                    .map(|p| qp.probs[p.index()] * self.evidence(s, p))
                    .sum();
                (s, score)
            })
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked
    }

    /// Answers one question whose vector is already computed.
    pub fn search(&self, question: &str, qvec: &[f32], opts: SearchOptions) -> Result<QueryReport> {
        if question.trim().is_empty() {
            return Err(Error::EmptyQuestion);
        }
        let idx = self.index;
        let rc = &self.config.rank;
        let qp = self.question_principles(question, qvec)?;
        let lexical =
            idx.story_lexicon
                .search(question, idx.bank.stories.len().min(400), &self.boosts)?;
        let (dense, parts) = self.dense_leg(qvec);
        let principles = self.principle_leg(&qp);
        let legs = [
            Leg {
                weight: rc.lexical_weight,
                norm: Norm::Saturate {
                    half: rc.lexical_half,
                },
                ranked: lexical,
            },
            Leg {
                weight: rc.dense_weight,
                norm: Norm::MinMax,
                ranked: dense,
            },
            Leg {
                weight: rc.principle_weight,
                norm: Norm::Max,
                ranked: principles,
            },
        ];
        let fused: Vec<Fused<usize>> = rc.fusion().fuse(&legs);
        let best_possible = match rc.fusion() {
            super::fusion::Fusion::Rrf { k } => {
                legs.iter().map(|l| l.weight).sum::<f32>() / (k + 1.0)
            }
            super::fusion::Fusion::Weighted => 1.0,
        };

        let mut order: Vec<usize> = (0..idx.catalog.len()).collect();
        order.sort_by(|a, b| qp.probs[*b].total_cmp(&qp.probs[*a]).then(a.cmp(b)));
        let question_lps: Vec<QuestionLp> = order
            .iter()
            .take(opts.top_lps.max(1))
            .map(|&p| {
                let principle = &idx.catalog.principles[p];
                QuestionLp {
                    lp: principle.name.clone(),
                    abbrev: principle.abbrev.clone(),
                    score: qp.probs[p],
                    explain: opts.explain.then(|| QuestionLpExplain {
                        knn: qp.knn[p],
                        model: qp.model[p],
                        lexical: qp.lexical[p],
                        nearest_sample: qp.nearest[p].map(|(i, sim)| NearText {
                            text: idx.catalog_items[i].text(&idx.catalog).to_string(),
                            similarity: sim,
                        }),
                    }),
                }
            })
            .collect();
        let top_lp = order.first().map(|p| PrincipleId(*p as u16));

        let mut results = Vec::new();
        for f in fused.iter().take(opts.top) {
            let s = f.key;
            let story = &idx.bank.stories[s];
            let lps = self.story_lps(s);
            let matched = matched_words(question, &story.full_text());
            let part = parts.get(&s).copied();
            let why = self.why(s, &lps, &matched, part, top_lp);
            let explain = if opts.explain {
                Some(StoryExplain {
                    lexical: f.legs[0],
                    dense: f.legs[1],
                    principles: f.legs[2],
                    matched_terms: matched.clone(),
                    snippet: idx.story_lexicon.snippet(question, s, &self.boosts)?,
                    nearest_part: part.map(part_name),
                })
            } else {
                None
            };
            results.push(StoryMatch {
                story_id: story.id.0.clone(),
                title: story.title.clone(),
                score: f.score,
                fit: if best_possible > 0.0 {
                    (f.score / best_possible).clamp(0.0, 1.0)
                } else {
                    0.0
                },
                source: story.source.to_string(),
                prepared_question: story.question.clone(),
                lps,
                why,
                explain,
            });
        }
        Ok(QueryReport {
            id: None,
            question: question.trim().to_string(),
            question_lps,
            results,
        })
    }

    fn why(
        &self,
        s: usize,
        lps: &[StoryLp],
        matched: &[String],
        part: Option<UnitKind>,
        top_lp: Option<PrincipleId>,
    ) -> String {
        let mut bits = Vec::new();
        if let Some(p) = top_lp {
            let name = &self.index.catalog.get(p).name;
            if let Some(lp) = lps.iter().find(|l| l.lp == *name) {
                let how = match lp.source {
                    EvidenceSource::Tagged => "tagged".to_string(),
                    EvidenceSource::Inferred => format!("inferred {:.2}", lp.inferred),
                };
                bits.push(format!("shows {name} ({how})"));
            } else {
                let e = self.evidence(s, p);
                bits.push(format!("weak on {name} ({e:.2})"));
            }
        }
        if !matched.is_empty() {
            let words: Vec<&str> = matched.iter().take(5).map(String::as_str).collect();
            bits.push(format!("shares \"{}\"", words.join("\", \"")));
        }
        if let Some(k) = part {
            bits.push(format!("closest part: {}", part_name(k)));
        }
        bits.join("; ")
    }
}

/// Combines probability votes by weighted mixture or weighted geometric mean.
fn combine_votes(votes: &[(f32, &Vec<f32>)], n: usize, total: f32, how: Combine) -> Vec<f32> {
    if total <= 0.0 {
        return vec![1.0 / n as f32; n];
    }
    match how {
        Combine::Mixture => (0..n)
            .map(|p| votes.iter().map(|(w, v)| w * v[p]).sum::<f32>() / total)
            .collect(),
        Combine::Product => {
            let mut logs: Vec<f32> = (0..n)
                .map(|p| {
                    votes
                        .iter()
                        .map(|(w, v)| w / total * v[p].max(1e-9).ln())
                        .sum::<f32>()
                })
                .collect();
            softmax(&mut logs, 1.0);
            logs
        }
    }
}

fn part_name(kind: UnitKind) -> String {
    match kind {
        UnitKind::Story => "whole story".into(),
        UnitKind::Question => "prepared question".into(),
        UnitKind::Section(s) => s.name().to_lowercase(),
    }
}

impl Searcher<'_> {
    /// Every indexed story with its tags and inferred principles.
    pub fn bank_report(&self) -> crate::report::BankReport {
        let idx = self.index;
        let name = |p: &PrincipleId| idx.catalog.get(*p).name.clone();
        crate::report::BankReport {
            stories: idx
                .bank
                .stories
                .iter()
                .enumerate()
                .map(|(s, story)| crate::report::StoryEntry {
                    story_id: story.id.0.clone(),
                    title: story.title.clone(),
                    source: story.source.to_string(),
                    prepared_question: story.question.clone(),
                    tags: story.tags.iter().map(name).collect(),
                    sections: story
                        .sections
                        .iter()
                        .map(|(k, _)| k.name().to_lowercase())
                        .collect(),
                    lps: self.story_lps(s),
                })
                .collect(),
            priorities: idx.bank.priorities.iter().map(name).collect(),
            warnings: idx.bank.warnings.iter().map(|w| w.to_string()).collect(),
        }
    }
}
