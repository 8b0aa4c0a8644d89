//! Tunable parameters, with the defaults that `docs/QUALITY.md` measured.
//!
//! Read from a TOML file (`storyfit.toml` in the working directory, or `--config FILE`), then
//! overridden by flags. Every field has a default, so an empty file is a valid config and
//! `--no-config` gives hermetic runs. Values are validated once, when the config is built,
//! so ranking code can trust them.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::rank::fusion::{Fusion, DEFAULT_RRF_K};

/// How stories are fused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum FusionMethod {
    /// Weighted Reciprocal Rank Fusion.
    Rrf,
    /// Convex combination of normalised scores (default: measured better, docs/QUALITY.md).
    #[default]
    Weighted,
}

/// Story ranking parameters.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RankConfig {
    /// Fusion method.
    pub fusion: FusionMethod,
    /// RRF constant.
    pub rrf_k: f32,
    /// Weight of the BM25 leg.
    pub lexical_weight: f32,
    /// Weight of the dense (embedding) leg.
    pub dense_weight: f32,
    /// Weight of the principle leg (stories that evidence the question's principles).
    pub principle_weight: f32,
    /// Dense leg: how much the best unit counts against the mean of the story's two best.
    pub dense_max_share: f32,
    /// Weighted fusion: the BM25 score that counts as half a full lexical match.
    pub lexical_half: f32,
}

impl Default for RankConfig {
    fn default() -> Self {
        RankConfig {
            fusion: FusionMethod::Weighted,
            rrf_k: DEFAULT_RRF_K,
            lexical_weight: 1.0,
            dense_weight: 1.0,
            principle_weight: 1.5,
            dense_max_share: 0.7,
            lexical_half: 5.0,
        }
    }
}

impl RankConfig {
    /// The fusion function these parameters describe.
    pub fn fusion(&self) -> Fusion {
        match self.fusion {
            FusionMethod::Rrf => Fusion::Rrf { k: self.rrf_k },
            FusionMethod::Weighted => Fusion::Weighted,
        }
    }
}

/// Question → principle classification parameters.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClassifyConfig {
    /// Weight of the nearest-sample-questions vote.
    pub knn_weight: f32,
    /// Weight of the softmax-regression model trained on the catalog.
    pub model_weight: f32,
    /// Weight of BM25 against the catalog texts.
    pub lexical_weight: f32,
    /// Softmax temperature of the kNN vote (cosine units).
    pub knn_temperature: f32,
    /// Softmax temperature of the lexical vote (BM25 units).
    pub lexical_temperature: f32,
    /// Weight of the cue-word vote (the catalog's cue words found in the question).
    pub cue_weight: f32,
    /// Softmax temperature of the cue vote.
    pub cue_temperature: f32,
    /// How many nearest sample questions vote.
    pub knn_k: usize,
    /// How many of a principle's nearest samples its kNN score averages.
    pub knn_per_class: usize,
    /// How the votes combine.
    pub combine: Combine,
    /// Classifier training: gradient steps (index time).
    pub model_epochs: usize,
    /// Classifier training: L2 penalty (index time).
    pub model_l2: f32,
    /// Classifier training: weight of evidence lines relative to sample questions.
    pub model_evidence_weight: f32,
    /// Classifier training: weight of descriptions relative to sample questions.
    pub model_description_weight: f32,
}

/// How the question classifier's votes are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Combine {
    /// Weighted average of the probabilities.
    Mixture,
    /// Weighted geometric mean (product of experts), renormalised: a principle must be
    /// plausible to every vote (default: measured better, docs/QUALITY.md).
    #[default]
    Product,
}

impl Default for ClassifyConfig {
    fn default() -> Self {
        ClassifyConfig {
            knn_weight: 0.4,
            model_weight: 0.4,
            lexical_weight: 0.2,
            knn_temperature: 0.05,
            lexical_temperature: 2.0,
            cue_weight: 0.0,
            cue_temperature: 1.0,
            knn_k: 40,
            knn_per_class: 3,
            combine: Combine::Product,
            model_epochs: 1000,
            model_l2: 1e-4,
            model_evidence_weight: 0.15,
            model_description_weight: 0.5,
        }
    }
}

/// Story → principle inference parameters.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EvidenceConfig {
    /// Evidence strength of an author's tag (inferred scores are probabilities in 0..1).
    pub tag_score: f32,
    /// An inferred principle is listed when its probability reaches this.
    pub min_inferred: f32,
    /// Softmax temperature over evidence-line similarities.
    pub temperature: f32,
    /// Weight of evidence-line similarity.
    pub lines_weight: f32,
    /// Weight of the question classifier applied to the story.
    pub story_model_weight: f32,
    /// Weight of the question classifier applied to the story's prepared question.
    pub question_model_weight: f32,
    /// Weight of cue words.
    pub cue_weight: f32,
    /// Softmax temperature over cue scores.
    pub cue_temperature: f32,
}

impl Default for EvidenceConfig {
    fn default() -> Self {
        EvidenceConfig {
            tag_score: 1.0,
            min_inferred: 0.15,
            temperature: 0.04,
            lines_weight: 0.0,
            story_model_weight: 0.3,
            question_model_weight: 0.2,
            cue_weight: 0.7,
            cue_temperature: 3.0,
        }
    }
}

/// Coverage (gaps) thresholds.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GapsConfig {
    /// A story evidences a principle "well" at or above this evidence score.
    pub strong: f32,
    /// Stories needed for `covered` (fewer but at least one is `thin`).
    pub covered_min_stories: usize,
}

impl Default for GapsConfig {
    fn default() -> Self {
        GapsConfig {
            strong: 0.3,
            covered_min_stories: 2,
        }
    }
}

/// All parameters.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Story ranking.
    pub rank: RankConfig,
    /// Question classification.
    pub classify: ClassifyConfig,
    /// Story principle inference.
    pub evidence: EvidenceConfig,
    /// Coverage thresholds.
    pub gaps: GapsConfig,
}

impl Config {
    /// Reads a TOML config file.
    pub fn load(path: &Path) -> Result<Config> {
        let text = fs_err::read_to_string(path)?;
        let cfg: Config = toml::from_str(&text).map_err(|e| Error::Config {
            path: path.to_path_buf(),
            reason: e.to_string().replace('\n', " "),
        })?;
        cfg.validate().map_err(|e| Error::Config {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        Ok(cfg)
    }

    /// Checks ranges.
    pub fn validate(&self) -> Result<()> {
        let bad = |name: &'static str, reason: String| Err(Error::InvalidParam { name, reason });
        Fusion::Rrf { k: self.rank.rrf_k }
            .validate()
            .or_else(|r| bad("rank.rrf_k", r))?;
        for (name, w) in [
            ("rank.lexical_weight", self.rank.lexical_weight),
            ("rank.dense_weight", self.rank.dense_weight),
            ("rank.principle_weight", self.rank.principle_weight),
            ("classify.knn_weight", self.classify.knn_weight),
            ("classify.model_weight", self.classify.model_weight),
            ("classify.lexical_weight", self.classify.lexical_weight),
        ] {
            if !(w.is_finite() && w >= 0.0) {
                return bad(name, format!("must be a number ≥ 0, got {w}"));
            }
        }
        if self.rank.lexical_weight + self.rank.dense_weight + self.rank.principle_weight <= 0.0 {
            return bad("rank", "at least one leg weight must be > 0".into());
        }
        for (name, t) in [
            ("classify.knn_temperature", self.classify.knn_temperature),
            (
                "classify.lexical_temperature",
                self.classify.lexical_temperature,
            ),
            ("evidence.temperature", self.evidence.temperature),
        ] {
            if !(t.is_finite() && t > 0.0) {
                return bad(name, format!("must be > 0, got {t}"));
            }
        }
        if !(0.0..=1.0).contains(&self.rank.dense_max_share) {
            return bad("rank.dense_max_share", "must be within 0..=1".into());
        }
        if self.gaps.covered_min_stories == 0 {
            return bad("gaps.covered_min_stories", "must be ≥ 1".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_is_the_default_and_unknown_keys_fail() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        std::fs::write(&p, "").unwrap();
        assert!(Config::load(&p).is_ok());
        std::fs::write(&p, "[rank]\nrrf_kk = 3\n").unwrap();
        assert!(Config::load(&p).unwrap_err().to_string().contains("rrf_kk"));
        std::fs::write(&p, "[rank]\nrrf_k = -1\n").unwrap();
        assert!(Config::load(&p).is_err());
    }
}
