//! Rank fusion: several ranked lists of stories in, one list out. Pure functions.
//!
//! Default is weighted Reciprocal Rank Fusion (Cormack, Clarke & Büttcher, "Reciprocal Rank
//! Fusion outperforms Condorcet and individual rank learning methods", SIGIR 2009):
//!
//! ```text
//! score(d) = Σ_legs  w_leg / (k + rank_leg(d))        rank is 1-based; absent → no term
//! ```
//!
//! RRF needs no score calibration, which is why it is the default for legs as different as
//! BM25 and cosine similarity. [`weighted`] is the alternative Bruch et al. ("An Analysis of
//! Fusion Functions for Hybrid Retrieval", TOIS 2023) found stronger once a few labels exist
//! to set weights: a convex combination of min–max-normalised scores.
//!
//! Every fused item keeps each leg's rank and score so `--explain` can show them. Ties are
//! broken by the key (the story's position in the bank), so output is deterministic.

use serde::Serialize;

/// RRF's `k`; 60 as in the paper (and qdrant's `DEFAULT_RRF_K`).
pub const DEFAULT_RRF_K: f32 = 60.0;

/// One leg's contribution to a fused item.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LegScore {
    /// 1-based rank in the leg.
    pub rank: usize,
    /// The leg's own score.
    pub score: f32,
}

/// How [`weighted`] fusion scales a leg's scores to 0..1.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Norm {
    /// `(s - min) / (max - min)` over the returned list: for scores with no natural zero
    /// (cosine similarity), so the spread inside the list is what counts.
    #[default]
    MinMax,
    /// `s / max`: for scores whose zero means "no evidence" (principle overlap), so that
    /// one weak match is not stretched to 1.
    Max,
    /// `s / (s + half)`: an absolute scale for unbounded scores (BM25), so a lone match on
    /// one common word stays small however the other stories score.
    Saturate {
        /// The score that maps to 0.5.
        half: f32,
    },
}

/// One ranked input list, best first.
#[derive(Debug, Clone)]
pub struct Leg<K> {
    /// How much the leg counts (≥ 0).
    pub weight: f32,
    /// Score scaling for [`weighted`] fusion (RRF ignores scores).
    pub norm: Norm,
    /// `(key, score)` pairs, best first.
    pub ranked: Vec<(K, f32)>,
}

/// One fused output item.
#[derive(Debug, Clone, PartialEq)]
pub struct Fused<K> {
    /// The item.
    pub key: K,
    /// Fused score.
    pub score: f32,
    /// Each leg's rank and score, in leg order; `None` where the leg did not return it.
    pub legs: Vec<Option<LegScore>>,
}

/// Validated fusion parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fusion {
    /// Weighted RRF with constant `k`.
    Rrf {
        /// The constant (> 0).
        k: f32,
    },
    /// Convex combination of min–max-normalised scores.
    Weighted,
}

impl Fusion {
    /// Checks parameters.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            Fusion::Rrf { k } if !(k.is_finite() && *k > 0.0) => {
                Err(format!("rrf k must be a positive number, got {k}"))
            }
            _ => Ok(()),
        }
    }

    /// Fuses legs with this method.
    pub fn fuse<K: Copy + Ord>(&self, legs: &[Leg<K>]) -> Vec<Fused<K>> {
        match *self {
            Fusion::Rrf { k } => rrf(legs, k),
            Fusion::Weighted => weighted(legs),
        }
    }
}

fn collect<K: Copy + Ord>(legs: &[Leg<K>]) -> Vec<Fused<K>> {
    let mut items: Vec<Fused<K>> = Vec::new();
    let mut index: std::collections::BTreeMap<K, usize> = std::collections::BTreeMap::new();
    for (li, leg) in legs.iter().enumerate() {
        for (rank0, (key, score)) in leg.ranked.iter().enumerate() {
            let slot = *index.entry(*key).or_insert_with(|| {
                items.push(Fused {
                    key: *key,
                    score: 0.0,
                    legs: vec![None; legs.len()],
                });
                items.len() - 1
            });
            if items[slot].legs[li].is_none() {
                items[slot].legs[li] = Some(LegScore {
                    rank: rank0 + 1,
                    score: *score,
                });
            }
        }
    }
    items
}

fn sort<K: Copy + Ord>(items: &mut [Fused<K>]) {
    items.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.key.cmp(&b.key)));
}

/// Weighted Reciprocal Rank Fusion (see module docs).
pub fn rrf<K: Copy + Ord>(legs: &[Leg<K>], k: f32) -> Vec<Fused<K>> {
    let mut items = collect(legs);
    for item in &mut items {
        item.score = item
            .legs
            .iter()
            .zip(legs)
            .filter_map(|(ls, leg)| ls.map(|s| leg.weight / (k + s.rank as f32)))
            .sum();
    }
    sort(&mut items);
    items
}

/// Convex combination of min–max-normalised leg scores (absent = 0), weights normalised to
/// sum to 1.
pub fn weighted<K: Copy + Ord>(legs: &[Leg<K>]) -> Vec<Fused<K>> {
    let mut items = collect(legs);
    let total: f32 = legs.iter().map(|l| l.weight.max(0.0)).sum();
    let bounds: Vec<(f32, f32)> = legs
        .iter()
        .map(|l| {
            let hi = l
                .ranked
                .iter()
                .map(|x| x.1)
                .fold(f32::NEG_INFINITY, f32::max);
            let lo = match l.norm {
                Norm::MinMax => l.ranked.iter().map(|x| x.1).fold(f32::INFINITY, f32::min),
                Norm::Max | Norm::Saturate { .. } => 0.0,
            };
            (lo, hi)
        })
        .collect();
    for item in &mut items {
        item.score = item
            .legs
            .iter()
            .zip(legs)
            .zip(&bounds)
            .filter_map(|((ls, leg), (lo, hi))| {
                ls.map(|s| {
                    let norm = if let Norm::Saturate { half } = leg.norm {
                        let x = s.score.max(0.0);
                        x / (x + half.max(f32::EPSILON))
                    } else if hi > lo {
                        ((s.score - lo) / (hi - lo)).clamp(0.0, 1.0)
                    } else {
                        1.0
                    };
                    leg.weight.max(0.0) * norm
                })
            })
            .sum::<f32>()
            / if total > 0.0 { total } else { 1.0 };
    }
    sort(&mut items);
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leg(weight: f32, keys: &[u32]) -> Leg<u32> {
        Leg {
            weight,
            norm: Norm::MinMax,
            ranked: keys
                .iter()
                .enumerate()
                .map(|(i, k)| (*k, 10.0 - i as f32))
                .collect(),
        }
    }

    #[test]
    fn rrf_matches_the_formula() {
        let fused = rrf(&[leg(1.0, &[1, 2, 3]), leg(1.0, &[3, 1])], 60.0);
        let score = |k| fused.iter().find(|f| f.key == k).unwrap().score;
        assert!((score(1) - (1.0 / 61.0 + 1.0 / 62.0)).abs() < 1e-7);
        assert!((score(3) - (1.0 / 63.0 + 1.0 / 61.0)).abs() < 1e-7);
        assert!((score(2) - 1.0 / 62.0).abs() < 1e-7);
        assert_eq!(fused[0].key, 1);
        assert_eq!(
            fused[0].legs[1],
            Some(LegScore {
                rank: 2,
                score: 9.0
            })
        );
        assert_eq!(fused.iter().find(|f| f.key == 2).unwrap().legs[1], None);
    }

    #[test]
    fn weights_change_the_winner() {
        let legs = [leg(1.0, &[1, 2]), leg(3.0, &[2, 1])];
        assert_eq!(rrf(&legs, 60.0)[0].key, 2);
        assert_eq!(weighted(&legs)[0].key, 2);
        let legs = [leg(3.0, &[1, 2]), leg(1.0, &[2, 1])];
        assert_eq!(rrf(&legs, 60.0)[0].key, 1);
        assert_eq!(weighted(&legs)[0].key, 1);
    }

    #[test]
    fn ties_break_by_key() {
        let fused = rrf(&[leg(1.0, &[5]), leg(1.0, &[4])], 60.0);
        assert_eq!(fused.iter().map(|f| f.key).collect::<Vec<_>>(), [4, 5]);
    }

    #[test]
    fn weighted_scores_are_convex() {
        let fused = weighted(&[leg(1.0, &[1, 2, 3]), leg(1.0, &[1, 3, 2])]);
        assert!((fused[0].score - 1.0).abs() < 1e-6);
        assert!(fused.iter().all(|f| (0.0..=1.0).contains(&f.score)));
    }

    #[test]
    fn max_norm_keeps_a_lone_weak_match_small() {
        let strong = Leg {
            weight: 1.0,
            norm: Norm::Max,
            ranked: vec![(1u32, 10.0), (2, 1.0)],
        };
        let fused = weighted(&[strong]);
        assert!((fused[1].score - 0.1).abs() < 1e-6);
    }

    #[test]
    fn validation() {
        assert!(Fusion::Rrf { k: 0.0 }.validate().is_err());
        assert!(Fusion::Rrf { k: 60.0 }.validate().is_ok());
    }
}
