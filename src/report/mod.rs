//! Reports as plain data: what the library returns and the binary renders (table, JSON, CSV,
//! HTML). One type per report, `Serialize`, so `--json` output *is* these structs; the schema
//! is documented in README.md and kept stable (new keys may appear, none disappear).

pub mod coverage;

use serde::Serialize;

use crate::rank::fusion::LegScore;

/// Where a story's principle comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EvidenceSource {
    /// The author put the story under this principle.
    Tagged,
    /// storyfit inferred it from the story's text.
    Inferred,
}

/// A principle a question probes, with its probability.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionLp {
    /// Principle name.
    pub lp: String,
    /// Short code.
    pub abbrev: String,
    /// Probability (all of a question's scores sum to 1).
    pub score: f32,
    /// Per-vote breakdown, with `--explain`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<QuestionLpExplain>,
}

/// Why a question was judged to probe a principle.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionLpExplain {
    /// kNN vote over sample questions.
    pub knn: f32,
    /// Classifier probability.
    pub model: f32,
    /// BM25 vote over catalog texts.
    pub lexical: f32,
    /// The principle's sample question nearest to the question.
    pub nearest_sample: Option<NearText>,
}

/// A text with its similarity to the question.
#[derive(Debug, Clone, Serialize)]
pub struct NearText {
    /// The text.
    pub text: String,
    /// Cosine similarity.
    pub similarity: f32,
}

/// A principle a story evidences.
#[derive(Debug, Clone, Serialize)]
pub struct StoryLp {
    /// Principle name.
    pub lp: String,
    /// Short code.
    pub abbrev: String,
    /// Evidence strength (tagged: the configured tag score; inferred: the probability).
    pub score: f32,
    /// `tagged` or `inferred`.
    pub source: EvidenceSource,
    /// The inferred probability, also for tagged principles (how well the text backs the tag).
    pub inferred: f32,
}

/// One story in a query's answer.
#[derive(Debug, Clone, Serialize)]
pub struct StoryMatch {
    /// Stable id.
    pub story_id: String,
    /// Title.
    pub title: String,
    /// Fused score.
    pub score: f32,
    /// Score relative to a story ranked first by every leg (0..1).
    pub fit: f32,
    /// `file:line` where the story starts.
    pub source: String,
    /// The question the author prepared the story for.
    pub prepared_question: Option<String>,
    /// Principles the story evidences, strongest first.
    pub lps: Vec<StoryLp>,
    /// One line on why it fits.
    pub why: String,
    /// Leg breakdown, with `--explain`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<StoryExplain>,
}

/// Why a story ranked where it did.
#[derive(Debug, Clone, Serialize)]
pub struct StoryExplain {
    /// BM25 leg rank and score.
    pub lexical: Option<LegScore>,
    /// Dense leg rank and score (cosine).
    pub dense: Option<LegScore>,
    /// Principle leg rank and score.
    pub principles: Option<LegScore>,
    /// Question words found in the story (after stemming).
    pub matched_terms: Vec<String>,
    /// Best-matching passage, matched words in `[brackets]`.
    pub snippet: Option<String>,
    /// Which part of the story was nearest to the question.
    pub nearest_part: Option<String>,
}

/// The answer to one question.
#[derive(Debug, Clone, Serialize)]
pub struct QueryReport {
    /// Caller-supplied id (batch input), echoed back.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The question.
    pub question: String,
    /// Principles the question probes, most likely first.
    pub question_lps: Vec<QuestionLp>,
    /// Best stories first.
    pub results: Vec<StoryMatch>,
}

/// One indexed story, for `storyfit list`.
#[derive(Debug, Clone, Serialize)]
pub struct StoryEntry {
    /// Stable id.
    pub story_id: String,
    /// Title.
    pub title: String,
    /// `file:line`.
    pub source: String,
    /// The prepared question.
    pub prepared_question: Option<String>,
    /// The author's tags (principle names).
    pub tags: Vec<String>,
    /// STAR sections present (`situation`, `task`, `action`, `result`).
    pub sections: Vec<String>,
    /// Principles evidenced (tags and inferred).
    pub lps: Vec<StoryLp>,
}

/// What an index holds, for `storyfit list`.
#[derive(Debug, Clone, Serialize)]
pub struct BankReport {
    /// The stories.
    pub stories: Vec<StoryEntry>,
    /// The role's priorities stated in the bank.
    pub priorities: Vec<String>,
    /// Warnings met at indexing time.
    pub warnings: Vec<String>,
}
