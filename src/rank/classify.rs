//! Which principles does a question probe?
//!
//! Three votes, each a probability distribution over the catalog's principles, averaged with
//! the weights in [`ClassifyConfig`](crate::config::ClassifyConfig):
//!
//! 1. **kNN**: the question's nearest sample questions (HNSW over the catalog's vectors);
//!    each principle scores the mean similarity of its best three neighbours, then a softmax.
//!    It also yields the nearest sample question, which `--explain` shows.
//! 2. **Model**: multinomial logistic regression ([`SoftmaxModel`]) trained at index time on
//!    the catalog's own sample questions. It learns which directions of the embedding space
//!    separate the principles, which raw nearest-neighbour similarity cannot.
//! 3. **Lexical**: BM25 of the question against each principle's texts, then a softmax, so
//!    that a telling word ("budget", "root cause", "mentor") counts even when the sentence
//!    embedding is dominated by the question's shape.

use ndarray::{Array1, Array2, Axis};
use serde::{Deserialize, Serialize};

/// Multinomial logistic regression over embeddings, trained by full-batch gradient descent.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SoftmaxModel {
    /// Weights, `classes × dim`, row-major.
    weights: Vec<f32>,
    bias: Vec<f32>,
    classes: usize,
    dim: usize,
}

/// Training parameters.
#[derive(Debug, Clone, Copy)]
pub struct TrainParams {
    /// Gradient steps.
    pub epochs: usize,
    /// Step size.
    pub learning_rate: f32,
    /// L2 penalty.
    pub l2: f32,
}

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams {
            epochs: 300,
            learning_rate: 4.0,
            l2: 1e-4,
        }
    }
}

impl SoftmaxModel {
    /// Trains on rows of `x` (unit vectors) with labels `y` in `0..classes`; `sample_weight`
    /// lets some examples (descriptions, evidence lines) count less than sample questions.
    pub fn train(
        x: &[Vec<f32>],
        y: &[usize],
        sample_weight: &[f32],
        classes: usize,
        p: TrainParams,
    ) -> SoftmaxModel {
        let n = x.len();
        let dim = x.first().map_or(0, Vec::len);
        if n == 0 || dim == 0 || classes == 0 {
            return SoftmaxModel {
                weights: vec![0.0; classes * dim],
                bias: vec![0.0; classes],
                classes,
                dim,
            };
        }
        let xm = Array2::from_shape_fn((n, dim), |(i, j)| x[i][j]);
        let mut onehot = Array2::<f32>::zeros((n, classes));
        for (i, &c) in y.iter().enumerate() {
            onehot[[i, c.min(classes - 1)]] = 1.0;
        }
        let sw = Array1::from_iter(sample_weight.iter().copied());
        let wsum = sw.sum().max(1e-6);
        let mut w = Array2::<f32>::zeros((dim, classes));
        let mut b = Array1::<f32>::zeros(classes);
        for _ in 0..p.epochs {
            let mut logits = xm.dot(&w) + &b;
            softmax_rows(&mut logits);
            let mut grad = logits - &onehot;
            for (mut row, s) in grad.axis_iter_mut(Axis(0)).zip(sw.iter()) {
                row *= *s / wsum;
            }
            let gw = xm.t().dot(&grad) + &(&w * p.l2);
            let gb = grad.sum_axis(Axis(0));
            w = w - gw * p.learning_rate;
            b = b - gb * p.learning_rate;
        }
        let wt = w.t();
        SoftmaxModel {
            weights: wt.iter().copied().collect(),
            bias: b.to_vec(),
            classes,
            dim,
        }
    }

    /// Class probabilities for one vector.
    pub fn predict(&self, v: &[f32]) -> Vec<f32> {
        let mut logits: Vec<f32> = (0..self.classes)
            .map(|c| {
                let row = &self.weights[c * self.dim..(c + 1) * self.dim];
                self.bias[c] + crate::embed::dot(row, v)
            })
            .collect();
        softmax(&mut logits, 1.0);
        logits
    }

    /// Number of classes.
    pub fn classes(&self) -> usize {
        self.classes
    }
}

fn softmax_rows(m: &mut Array2<f32>) {
    for mut row in m.axis_iter_mut(Axis(0)) {
        let max = row.fold(f32::NEG_INFINITY, |a, b| a.max(*b));
        row.mapv_inplace(|x| (x - max).exp());
        let s = row.sum();
        row /= s;
    }
}

/// In-place softmax of `scores / temperature`.
pub fn softmax(scores: &mut [f32], temperature: f32) {
    let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if !max.is_finite() {
        let n = scores.len().max(1) as f32;
        scores.iter_mut().for_each(|x| *x = 1.0 / n);
        return;
    }
    let mut sum = 0.0;
    for x in scores.iter_mut() {
        *x = ((*x - max) / temperature).exp();
        sum += *x;
    }
    for x in scores.iter_mut() {
        *x /= sum;
    }
}

/// kNN vote: for each class, the mean of its best `per_class` similarities among the
/// neighbours (classes with no neighbour get the lowest similarity seen), then a softmax.
pub fn knn_vote(
    neighbours: &[(usize, f32)],
    class_of: impl Fn(usize) -> usize,
    classes: usize,
    per_class: usize,
    temperature: f32,
) -> Vec<f32> {
    let mut best: Vec<Vec<f32>> = vec![Vec::new(); classes];
    let floor = neighbours.iter().map(|n| n.1).fold(f32::INFINITY, f32::min);
    for (id, sim) in neighbours {
        let c = class_of(*id);
        if c < classes && best[c].len() < per_class {
            best[c].push(*sim);
        }
    }
    let floor = if floor.is_finite() { floor } else { 0.0 };
    let mut scores: Vec<f32> = best
        .iter()
        .map(|v| {
            let mut v = v.clone();
            v.resize(per_class, floor);
            v.iter().sum::<f32>() / per_class as f32
        })
        .collect();
    softmax(&mut scores, temperature);
    scores
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embed::HashEmbedder;

    #[test]
    fn learns_separable_classes() {
        let e = HashEmbedder::new(64);
        let a = ["budget cost cheap", "save money cost", "cheap budget spend"];
        let b = [
            "mentor coach junior",
            "coach hire grow",
            "mentor develop junior",
        ];
        let mut x = Vec::new();
        let mut y = Vec::new();
        for t in a {
            x.push(e.embed_one(t));
            y.push(0);
        }
        for t in b {
            x.push(e.embed_one(t));
            y.push(1);
        }
        let w = vec![1.0; x.len()];
        let m = SoftmaxModel::train(&x, &y, &w, 2, TrainParams::default());
        let p = m.predict(&e.embed_one("cost budget"));
        assert!(p[0] > 0.8, "{p:?}");
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5);
    }

    #[test]
    fn knn_vote_prefers_the_closest_class() {
        let nb = [(0, 0.9), (1, 0.5), (2, 0.85), (3, 0.4)];
        let p = knn_vote(&nb, |i| i % 2, 2, 2, 0.05);
        assert!(p[0] > p[1]);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5);
    }

    #[test]
    fn softmax_handles_empty_and_flat() {
        let mut v = vec![0.0, 0.0];
        softmax(&mut v, 1.0);
        assert_eq!(v, [0.5, 0.5]);
        let mut v: Vec<f32> = vec![];
        softmax(&mut v, 1.0);
        assert!(v.is_empty());
    }
}
