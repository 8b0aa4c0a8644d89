//! Which principles does a story evidence, judging by its own words?
//!
//! Computed once per story at index time, so queries and coverage reports only read it.
//! Four distributions over the catalog's principles, averaged:
//!
//! - **evidence lines**: for each principle, how close the story's passages (sections,
//!   chunks) come to the catalog's first-person evidence lines ("I traced the spike to one
//!   misconfigured node"): mean of the two best passage scores, then a softmax;
//! - **model on the story**: the question classifier applied to the story's mean vector;
//! - **model on its question**: the classifier applied to the `Q.` line the author wrote,
//!   when there is one (the author's own framing of what the story answers);
//! - **cues**: how many of the principle's cue words the story uses.
//!
//! The result is a probability per principle ("inferred"); author tags are kept apart so
//! reports can say `tagged` or `inferred`.

use serde::{Deserialize, Serialize};

use super::classify::{softmax, SoftmaxModel};
use crate::embed::dot;

/// Weights of the four signals (renormalised when the story has no question).
#[derive(Debug, Clone, Copy)]
pub struct EvidenceWeights {
    /// Evidence-line similarity.
    pub lines: f32,
    /// Classifier on the story.
    pub story_model: f32,
    /// Classifier on the story's prepared question.
    pub question_model: f32,
    /// Cue words.
    pub cues: f32,
}

impl Default for EvidenceWeights {
    fn default() -> Self {
        EvidenceWeights {
            lines: 0.35,
            story_model: 0.3,
            question_model: 0.25,
            cues: 0.1,
        }
    }
}

/// What the inference needs about one story.
pub struct StoryView<'a> {
    /// Passage vectors (sections, chunks).
    pub passages: Vec<&'a [f32]>,
    /// The prepared question's vector, if any.
    pub question: Option<&'a [f32]>,
    /// Stemmed terms of the story's text, with their counts.
    pub terms: &'a std::collections::BTreeMap<String, usize>,
}

/// What the inference needs about the catalog.
pub struct CatalogView<'a> {
    /// Evidence-line vectors per principle.
    pub evidence: Vec<Vec<&'a [f32]>>,
    /// Cues per principle.
    pub cues: Vec<Vec<Cue>>,
    /// The question classifier (applied to the story's prepared question).
    pub model: &'a SoftmaxModel,
    /// A classifier trained on the catalog's evidence lines and descriptions: first-person
    /// narrative, the same register as a story's sections (applied to each passage).
    pub story_model: &'a SoftmaxModel,
}

/// One cue: analyzed terms that must all occur, and its specificity weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Cue {
    /// Stemmed terms.
    pub terms: Vec<String>,
    /// Inverse document frequency over principles.
    pub idf: f32,
}

impl Cue {
    /// `idf · ln(1 + tf)`, tf being the rarest term's count; 0 when a term is absent.
    pub fn score(&self, counts: &std::collections::BTreeMap<String, usize>) -> f32 {
        let tf = self
            .terms
            .iter()
            .map(|t| counts.get(t).copied().unwrap_or(0))
            .min()
            .unwrap_or(0);
        self.idf * (1.0 + tf as f32).ln()
    }
}

/// Inferred principle probabilities of one story, in catalog order.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Inferred(pub Vec<f32>);

/// Infers a story's principles.
pub fn infer(
    story: &StoryView<'_>,
    cat: &CatalogView<'_>,
    w: EvidenceWeights,
    cfg: &crate::config::EvidenceConfig,
) -> Inferred {
    let temperature = cfg.temperature;
    let n = cat.evidence.len();
    let mut parts: Vec<(f32, Vec<f32>)> = Vec::new();

    if !story.passages.is_empty() && w.lines > 0.0 {
        let mut lines: Vec<f32> = cat
            .evidence
            .iter()
            .map(|ev| {
                let mut per_passage: Vec<f32> = story
                    .passages
                    .iter()
                    .map(|p| ev.iter().map(|e| dot(p, e)).fold(-1.0, f32::max))
                    .collect();
                per_passage.sort_by(|a, b| b.total_cmp(a));
                let top = &per_passage[..per_passage.len().min(2)];
                top.iter().sum::<f32>() / top.len() as f32
            })
            .collect();
        softmax(&mut lines, temperature);
        parts.push((w.lines, lines));
    }
    if !story.passages.is_empty() {
        let mut avg = vec![0f32; n];
        for p in &story.passages {
            for (a, x) in avg.iter_mut().zip(cat.story_model.predict(p)) {
                *a += x / story.passages.len() as f32;
            }
        }
        parts.push((w.story_model, avg));
    }
    if let Some(q) = story.question {
        parts.push((w.question_model, cat.model.predict(q)));
    }
    let mut cues: Vec<f32> = cat
        .cues
        .iter()
        .map(|c| c.iter().map(|cue| cue.score(story.terms)).sum())
        .collect();
    if cues.iter().any(|c| *c > 0.0) {
        softmax(&mut cues, cfg.cue_temperature);
        parts.push((w.cues, cues));
    }

    let total: f32 = parts.iter().map(|(w, _)| *w).sum();
    let mut out = vec![0f32; n];
    if total <= 0.0 {
        out.iter_mut().for_each(|x| *x = 1.0 / n.max(1) as f32);
        return Inferred(out);
    }
    for (weight, dist) in parts {
        for (o, d) in out.iter_mut().zip(dist) {
            *o += weight / total * d;
        }
    }
    Inferred(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embed::HashEmbedder;
    use crate::rank::classify::TrainParams;

    #[test]
    fn story_about_costs_infers_the_cost_principle() {
        let e = HashEmbedder::new(128);
        let ev0 = e.embed_one("I cut the cloud budget and saved money on costs");
        let ev1 = e.embed_one("I mentored a junior engineer and coached them");
        let x = vec![ev0.clone(), ev1.clone()];
        let model = SoftmaxModel::train(&x, &[0, 1], &[1.0, 1.0], 2, TrainParams::default());
        let cat = CatalogView {
            story_model: &model,
            evidence: vec![vec![&ev0[..]], vec![&ev1[..]]],
            cues: vec![
                vec![Cue {
                    terms: vec!["budget".into()],
                    idf: 1.0,
                }],
                vec![Cue {
                    terms: vec!["mentor".into()],
                    idf: 1.0,
                }],
            ],
            model: &model,
        };
        let p = e.embed_one("We had no budget so I cut costs on cloud and saved money");
        let terms = [("budget".to_string(), 2)].into_iter().collect();
        let view = StoryView {
            passages: vec![&p[..]],
            question: None,
            terms: &terms,
        };
        let inf = infer(&view, &cat, EvidenceWeights::default(), &Default::default());
        assert!(inf.0[0] > inf.0[1], "{inf:?}");
        assert!((inf.0.iter().sum::<f32>() - 1.0).abs() < 1e-4);
    }
}
