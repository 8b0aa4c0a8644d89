//! Bank-level reports: where the bank is thin ([`gaps`]), the stories × principles grid
//! ([`matrix`]) and an interview-loop plan ([`plan`]).
//!
//! People do these by hand today, in a spreadsheet of stories against LPs. All three read
//! one grid of evidence scores, [`Searcher::evidence`] for every (story, principle): the
//! configured tag score where the author tagged the story, the inferred probability
//! otherwise. None of them needs the embedding model or a question, so they run in
//! milliseconds on an opened index, and none of them re-implements ranking.
//!
//! Principles are listed in *priority order*: the role's ranked list (from the bank, or
//! given by the user) first, then the rest in catalog order, because the question a
//! candidate asks is "am I ready for what this role weighs most?".
//!
//! A story evidences a principle **well** when its score reaches
//! [`GapsConfig::strong`]; a principle is `covered` with
//! [`GapsConfig::covered_min_stories`] such stories, `thin` with fewer but at least one,
//! `missing` with none.

use serde::Serialize;

use super::EvidenceSource;
use crate::catalog::{Catalog, PrincipleId};
use crate::config::GapsConfig;
use crate::rank::assign::assign;
use crate::rank::Searcher;

/// How many of a principle's strong stories a gaps report lists.
pub const LISTED_STORIES: usize = 5;

/// Evidence of every story for every principle, computed once per report.
struct Grid {
    /// `scores[story][principle index]`.
    scores: Vec<Vec<f32>>,
    /// `tagged[story][principle index]`.
    tagged: Vec<Vec<bool>>,
}

impl Grid {
    fn new(searcher: &Searcher<'_>) -> Grid {
        let idx = searcher.index();
        let mut scores = Vec::with_capacity(idx.bank.stories.len());
        let mut tagged = Vec::with_capacity(idx.bank.stories.len());
        for (s, story) in idx.bank.stories.iter().enumerate() {
            scores.push(idx.catalog.ids().map(|p| searcher.evidence(s, p)).collect());
            tagged.push(idx.catalog.ids().map(|p| story.tags.contains(&p)).collect());
        }
        Grid { scores, tagged }
    }

    fn score(&self, s: usize, p: PrincipleId) -> f32 {
        self.scores[s][p.index()]
    }

    fn source(&self, s: usize, p: PrincipleId) -> EvidenceSource {
        if self.tagged[s][p.index()] {
            EvidenceSource::Tagged
        } else {
            EvidenceSource::Inferred
        }
    }

    /// Stories in descending evidence for `p`, ties: tagged first, then bank order.
    fn ranked(&self, p: PrincipleId) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.scores.len()).collect();
        order.sort_by(|a, b| {
            self.score(*b, p)
                .total_cmp(&self.score(*a, p))
                .then(self.tagged[*b][p.index()].cmp(&self.tagged[*a][p.index()]))
                .then(a.cmp(b))
        });
        order
    }
}

/// The principles in report order with their 1-based priority: `priorities` first, then the
/// rest of the catalog in catalog order.
pub fn priority_order(
    catalog: &Catalog,
    priorities: &[PrincipleId],
) -> Vec<(PrincipleId, Option<usize>)> {
    let mut out: Vec<(PrincipleId, Option<usize>)> = Vec::with_capacity(catalog.len());
    for (i, p) in priorities.iter().enumerate() {
        if !out.iter().any(|(q, _)| q == p) {
            out.push((*p, Some(i + 1)));
        }
    }
    for p in catalog.ids() {
        if !out.iter().any(|(q, _)| *q == p) {
            out.push((p, None));
        }
    }
    out
}

/// A story with its evidence for one principle.
#[derive(Debug, Clone, Serialize)]
pub struct ScoredStory {
    /// Stable id.
    pub story_id: String,
    /// Title.
    pub title: String,
    /// Evidence score.
    pub score: f32,
    /// `tagged` (the author's) or `inferred` (from the text).
    pub source: EvidenceSource,
}

fn scored(searcher: &Searcher<'_>, grid: &Grid, s: usize, p: PrincipleId) -> ScoredStory {
    let story = &searcher.index().bank.stories[s];
    ScoredStory {
        story_id: story.id.0.clone(),
        title: story.title.clone(),
        score: grid.score(s, p),
        source: grid.source(s, p),
    }
}

/// How well the bank covers a principle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// At least `covered_min_stories` stories evidence it well.
    Covered,
    /// Fewer, but at least one.
    Thin,
    /// None.
    Missing,
}

impl Status {
    /// The JSON / table word.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Covered => "covered",
            Status::Thin => "thin",
            Status::Missing => "missing",
        }
    }
}

/// An existing story that could be re-told for a thin or missing principle.
#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    /// Stable id.
    pub story_id: String,
    /// Title.
    pub title: String,
    /// Its evidence for the principle (below the strong threshold, or it would count).
    pub score: f32,
    /// What the story is tagged for now (principle names).
    pub tagged: Vec<String>,
    /// One line for people.
    pub why: String,
}

/// One principle's coverage.
#[derive(Debug, Clone, Serialize)]
pub struct LpCoverage {
    /// Principle name.
    pub lp: String,
    /// Short code.
    pub abbrev: String,
    /// `covered`, `thin` or `missing`.
    pub status: Status,
    /// 1-based rank in the role's priorities, or null when not listed.
    pub priority: Option<usize>,
    /// How much the principle counts in [`GapsSummary::weighted_coverage`] (1 unlisted; a
    /// listed one 1 + (P + 1 − rank)/P for P priorities, so the first weighs 2).
    pub weight: f32,
    /// The stories that evidence it well, best first (at most [`LISTED_STORIES`]).
    pub stories: Vec<ScoredStory>,
    /// How many stories evidence it well in all.
    pub strong_stories: usize,
    /// For thin and missing principles, the closest other story.
    pub suggestion: Option<Suggestion>,
}

/// Counts and the risk line.
#[derive(Debug, Clone, Serialize)]
pub struct GapsSummary {
    /// Principles covered.
    pub covered: usize,
    /// Principles thin.
    pub thin: usize,
    /// Principles missing.
    pub missing: usize,
    /// Prioritized principles that are thin or missing, in priority order (names).
    pub at_risk: Vec<String>,
    /// Σ weight × (1 covered, ½ thin, 0 missing) / Σ weight, in 0..1.
    pub weighted_coverage: f32,
}

/// `storyfit gaps`: every principle's coverage, in priority order.
#[derive(Debug, Clone, Serialize)]
pub struct GapsReport {
    /// One entry per catalog principle, priorities first.
    pub lps: Vec<LpCoverage>,
    /// The priorities used (names, most important first; empty when none).
    pub priorities: Vec<String>,
    /// The evidence score that counts as evidencing a principle well.
    pub strong: f32,
    /// Strong stories needed for `covered`.
    pub covered_min_stories: usize,
    /// Counts and risks.
    pub summary: GapsSummary,
}

/// Coverage of every principle by the bank behind `searcher`.
pub fn gaps(searcher: &Searcher<'_>, priorities: &[PrincipleId], cfg: &GapsConfig) -> GapsReport {
    let idx = searcher.index();
    let catalog = &idx.catalog;
    let grid = Grid::new(searcher);
    let order = priority_order(catalog, priorities);
    let listed = priorities.len().max(1) as f32;
    let mut lps = Vec::with_capacity(order.len());
    for (p, priority) in order {
        let ranked = grid.ranked(p);
        let strong: Vec<usize> = ranked
            .iter()
            .copied()
            .filter(|s| grid.score(*s, p) >= cfg.strong)
            .collect();
        let status = if strong.len() >= cfg.covered_min_stories {
            Status::Covered
        } else if strong.is_empty() {
            Status::Missing
        } else {
            Status::Thin
        };
        let suggestion = (status != Status::Covered)
            .then(|| ranked.iter().copied().find(|s| !strong.contains(s)))
            .flatten()
            .map(|s| suggest(searcher, &grid, s, p, cfg.strong));
        let principle = catalog.get(p);
        lps.push(LpCoverage {
            lp: principle.name.clone(),
            abbrev: principle.abbrev.clone(),
            status,
            priority,
            weight: priority.map_or(1.0, |r| 1.0 + (listed + 1.0 - r as f32) / listed),
            stories: strong
                .iter()
                .take(LISTED_STORIES)
                .map(|s| scored(searcher, &grid, *s, p))
                .collect(),
            strong_stories: strong.len(),
            suggestion,
        });
    }
    let count = |st: Status| lps.iter().filter(|l| l.status == st).count();
    let value = |st: Status| match st {
        Status::Covered => 1.0,
        Status::Thin => 0.5,
        Status::Missing => 0.0,
    };
    let total_weight: f32 = lps.iter().map(|l| l.weight).sum();
    let summary = GapsSummary {
        covered: count(Status::Covered),
        thin: count(Status::Thin),
        missing: count(Status::Missing),
        at_risk: lps
            .iter()
            .filter(|l| l.priority.is_some() && l.status != Status::Covered)
            .map(|l| l.lp.clone())
            .collect(),
        weighted_coverage: if total_weight > 0.0 {
            lps.iter().map(|l| l.weight * value(l.status)).sum::<f32>() / total_weight
        } else {
            0.0
        },
    };
    GapsReport {
        lps,
        priorities: priorities
            .iter()
            .map(|p| catalog.get(*p).name.clone())
            .collect(),
        strong: cfg.strong,
        covered_min_stories: cfg.covered_min_stories,
        summary,
    }
}

fn suggest(
    searcher: &Searcher<'_>,
    grid: &Grid,
    s: usize,
    p: PrincipleId,
    strong: f32,
) -> Suggestion {
    let idx = searcher.index();
    let story = &idx.bank.stories[s];
    let tagged: Vec<String> = story
        .tags
        .iter()
        .map(|t| idx.catalog.get(*t).name.clone())
        .collect();
    let score = grid.score(s, p);
    let name = &idx.catalog.get(p).name;
    let now = if tagged.is_empty() {
        "untagged".to_string()
    } else {
        format!("told for {}", tagged.join(", "))
    };
    // Below half the strong threshold the text barely touches the principle: the story is
    // still the closest one, but re-telling it needs a new angle more than new emphasis.
    let why = if score >= strong / 2.0 {
        format!("its text already shows some {name} ({score:.2}); now {now}: re-tell it stressing {name}")
    } else {
        format!("the closest story, though its text shows little {name} ({score:.2}); now {now}: consider writing a new story")
    };
    Suggestion {
        story_id: story.id.0.clone(),
        title: story.title.clone(),
        score,
        why,
        tagged,
    }
}

/// One column of the matrix.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixColumn {
    /// Principle name.
    pub lp: String,
    /// Short code.
    pub abbrev: String,
    /// 1-based priority, or null.
    pub priority: Option<usize>,
    /// Σ of the column's scores.
    pub total: f32,
    /// Stories at or above the strong threshold.
    pub strong_stories: usize,
}

/// One row (story) of the matrix.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixRow {
    /// Stable id.
    pub story_id: String,
    /// Title.
    pub title: String,
    /// `file:line`.
    pub source: String,
    /// Evidence per column, aligned with [`MatrixReport::lps`].
    pub scores: Vec<f32>,
    /// Whether the author tagged the story with each column's principle.
    pub tagged: Vec<bool>,
    /// Σ of the row's scores.
    pub total: f32,
}

/// `storyfit matrix`: the stories × principles grid of evidence scores.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixReport {
    /// Columns, in priority order.
    pub lps: Vec<MatrixColumn>,
    /// Rows, in bank order.
    pub stories: Vec<MatrixRow>,
    /// The strong threshold (for shading).
    pub strong: f32,
}

/// The evidence grid of the bank behind `searcher`, columns in priority order.
pub fn matrix(
    searcher: &Searcher<'_>,
    priorities: &[PrincipleId],
    cfg: &GapsConfig,
) -> MatrixReport {
    let idx = searcher.index();
    let grid = Grid::new(searcher);
    let order = priority_order(&idx.catalog, priorities);
    let stories: Vec<MatrixRow> = idx
        .bank
        .stories
        .iter()
        .enumerate()
        .map(|(s, story)| {
            let scores: Vec<f32> = order.iter().map(|(p, _)| grid.score(s, *p)).collect();
            MatrixRow {
                story_id: story.id.0.clone(),
                title: story.title.clone(),
                source: story.source.to_string(),
                total: scores.iter().sum(),
                scores,
                tagged: order
                    .iter()
                    .map(|(p, _)| grid.tagged[s][p.index()])
                    .collect(),
            }
        })
        .collect();
    let lps = order
        .iter()
        .enumerate()
        .map(|(c, (p, priority))| {
            let principle = idx.catalog.get(*p);
            MatrixColumn {
                lp: principle.name.clone(),
                abbrev: principle.abbrev.clone(),
                priority: *priority,
                total: stories.iter().map(|r| r.scores[c]).sum(),
                strong_stories: stories.iter().filter(|r| r.scores[c] >= cfg.strong).count(),
            }
        })
        .collect();
    MatrixReport {
        lps,
        stories,
        strong: cfg.strong,
    }
}

/// A story chosen for a principle in a plan.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedStory {
    /// Stable id.
    pub story_id: String,
    /// Title.
    pub title: String,
    /// Its evidence for the principle.
    pub score: f32,
    /// `tagged` or `inferred`.
    pub source: EvidenceSource,
    /// Whether the score reaches the strong threshold.
    pub strong: bool,
}

/// One principle of the loop with its stories.
#[derive(Debug, Clone, Serialize)]
pub struct PlanEntry {
    /// Principle name.
    pub lp: String,
    /// Short code.
    pub abbrev: String,
    /// 1-based priority in the role's list, or null.
    pub priority: Option<usize>,
    /// The story to tell (no story is primary twice while the bank has enough stories).
    pub primary: Option<PlannedStory>,
    /// The next best story, if the interviewer asks for another example.
    pub backup: Option<PlannedStory>,
    /// The primary evidences the principle well.
    pub covered: bool,
    /// The primary is also another principle's primary (more principles than stories).
    pub shared: bool,
    /// Why the principle is not covered, when it is not.
    pub note: Option<String>,
}

/// `storyfit plan`: which story to tell for which principle in one interview loop.
#[derive(Debug, Clone, Serialize)]
pub struct PlanReport {
    /// The principles probed, in the order asked.
    pub lps: Vec<PlanEntry>,
    /// Principles the plan cannot cover well (names).
    pub uncovered: Vec<String>,
    /// Σ of the primaries' evidence.
    pub total: f32,
    /// The strong threshold.
    pub strong: f32,
}

/// Plans a loop over `lps`: each principle gets a primary story, distinct while stories
/// last, chosen by an optimal assignment that first covers as many principles as possible
/// (primary evidence ≥ strong) and then maximizes the total evidence; and a backup, the
/// best other story (a strong one that is no other principle's primary, when there is one).
pub fn plan(searcher: &Searcher<'_>, lps: &[PrincipleId], cfg: &GapsConfig) -> PlanReport {
    let idx = searcher.index();
    let grid = Grid::new(searcher);
    let n = idx.bank.stories.len();
    let mut unique: Vec<PrincipleId> = Vec::with_capacity(lps.len());
    for p in lps {
        if !unique.contains(p) {
            unique.push(*p);
        }
    }
    let max_score = grid.scores.iter().flatten().fold(0.0_f32, |m, x| m.max(*x));
    // Covering one more principle must outweigh any gain in total evidence: the bonus
    // exceeds the largest possible total.
    let bonus = unique.len() as f32 * max_score + 1.0;
    let weights: Vec<Vec<f32>> = unique
        .iter()
        .map(|p| {
            (0..n)
                .map(|s| {
                    let e = grid.score(s, *p);
                    if e >= cfg.strong {
                        e + bonus
                    } else {
                        e
                    }
                })
                .collect()
        })
        .collect();
    let a = assign(&weights);
    let primaries: Vec<Option<usize>> = a.of_row.clone();
    let planned = |s: usize, p: PrincipleId| {
        let story = &idx.bank.stories[s];
        let score = grid.score(s, p);
        PlannedStory {
            story_id: story.id.0.clone(),
            title: story.title.clone(),
            score,
            source: grid.source(s, p),
            strong: score >= cfg.strong,
        }
    };
    let priority = |p: PrincipleId| {
        idx.bank
            .priorities
            .iter()
            .position(|q| *q == p)
            .map(|i| i + 1)
    };
    let mut entries = Vec::with_capacity(unique.len());
    let mut total = 0.0;
    for (row, p) in unique.iter().enumerate() {
        let primary = primaries[row];
        let backup = primary.and_then(|prim| {
            let used_elsewhere = |s: usize| {
                primaries
                    .iter()
                    .enumerate()
                    .any(|(r, x)| r != row && *x == Some(s))
            };
            grid.ranked(*p)
                .into_iter()
                .filter(|s| *s != prim)
                // Strong before weak, free before another principle's primary; ranked()
                // is by descending score and min_by_key keeps the first of equals.
                .min_by_key(|s| (grid.score(*s, *p) < cfg.strong, used_elsewhere(*s)))
        });
        let principle = idx.catalog.get(*p);
        let primary_story = primary.map(|s| planned(s, *p));
        let covered = primary_story.as_ref().is_some_and(|x| x.strong);
        total += primary_story.as_ref().map_or(0.0, |x| x.score);
        let note = (!covered).then(|| {
            if grid
                .ranked(*p)
                .iter()
                .any(|s| grid.score(*s, *p) >= cfg.strong)
            {
                "its strong stories are the primaries of other principles".to_string()
            } else {
                "no story evidences it well".to_string()
            }
        });
        entries.push(PlanEntry {
            lp: principle.name.clone(),
            abbrev: principle.abbrev.clone(),
            priority: priority(*p),
            primary: primary_story,
            backup: backup.map(|s| planned(s, *p)),
            covered,
            shared: a.shared[row],
            note,
        });
    }
    PlanReport {
        uncovered: entries
            .iter()
            .filter(|e| !e.covered)
            .map(|e| e.lp.clone())
            .collect(),
        lps: entries,
        total,
        strong: cfg.strong,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priorities_come_first_then_the_catalog_without_repeats() {
        let catalog = Catalog::builtin().unwrap();
        let prio = catalog
            .resolve_list("Dive Deep,Frugality,Dive Deep")
            .unwrap();
        let order = priority_order(&catalog, &prio);
        assert_eq!(order.len(), catalog.len());
        let name = |i: usize| catalog.get(order[i].0).name.as_str();
        assert_eq!((name(0), order[0].1), ("Dive Deep", Some(1)));
        assert_eq!((name(1), order[1].1), ("Frugality", Some(2)));
        assert_eq!((name(2), order[2].1), ("Customer Obsession", None));
        let mut ids: Vec<_> = order.iter().map(|(p, _)| *p).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), catalog.len());
    }
}
