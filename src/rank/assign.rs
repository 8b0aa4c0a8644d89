//! Optimal one-to-one assignment of rows (questions, principles) to stories.
//!
//! `batch --distinct` and `plan` both face the same problem: give every row its own story so
//! that no story is told twice in one interview loop, and among those plans take the one
//! with the largest total fit. That is the assignment problem; it is solved exactly by the
//! Hungarian (Kuhn–Munkres) algorithm, here the well-kept implementation of the
//! `pathfinding` crate, in O(n³).
//!
//! Two details the crate leaves to the caller:
//!
//! - **Integer weights.** `kuhn_munkres` needs an `Ord` weight type (floats are not `Ord`),
//!   so scores are scaled by [`SCALE`] and rounded to `i64`; the rounding error of a total
//!   is at most `rows / (2·SCALE)`, far below any difference that matters.
//! - **More rows than stories.** The crate requires `rows ≤ columns`. When rows outnumber
//!   stories, some rows must share a story; we want as few as possible to share, and the
//!   best total among such plans. The matrix is padded to a square with one dummy column per
//!   row that cannot have its own story; a dummy's weight, for every row, is that row's best
//!   score. A row matched to a dummy is a row that *shares*: it gets its best story, which
//!   another row also holds. Every real story is still used exactly once by the non-sharing
//!   rows, so the number of sharing rows is the minimum (`rows − stories`), and the optimum
//!   of the padded problem is exactly the best total among plans with minimal sharing (any
//!   such plan is a matching that covers every story plus free choices for the others, and
//!   the free choices are best at each row's maximum).

use pathfinding::prelude::{kuhn_munkres, Matrix};

/// Scores are multiplied by this before rounding to integers.
pub const SCALE: f64 = 1_000_000.0;

/// The result of [`assign`].
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// The column (story) given to each row; `None` only when there are no columns.
    pub of_row: Vec<Option<usize>>,
    /// True for rows that had to share their story with another row (only when rows
    /// outnumber columns).
    pub shared: Vec<bool>,
    /// Σ of the original weights of the chosen cells.
    pub total: f32,
}

impl Assignment {
    /// Rows that had to share a story, in row order.
    pub fn shared_rows(&self) -> Vec<usize> {
        (0..self.shared.len()).filter(|r| self.shared[*r]).collect()
    }

    /// The other rows holding the same story as `row`.
    pub fn sharing_with(&self, row: usize) -> Vec<usize> {
        let Some(col) = self.of_row.get(row).copied().flatten() else {
            return Vec::new();
        };
        (0..self.of_row.len())
            .filter(|r| *r != row && self.of_row[*r] == Some(col))
            .collect()
    }
}

fn scaled(w: f32) -> i64 {
    (f64::from(w) * SCALE).round() as i64
}

/// The lowest-indexed column with the highest weight in a row.
fn best_column(row: &[f32]) -> usize {
    let mut best = 0;
    for (c, w) in row.iter().enumerate() {
        if *w > row[best] {
            best = c;
        }
    }
    best
}

/// Assigns each row of `weights` (rows × columns, every row the same length) a column,
/// distinct while there are columns to go round, maximizing the total weight (see the module
/// docs for the case of more rows than columns). Non-finite weights count as 0.
///
/// # Panics
/// If the rows have different lengths.
pub fn assign(weights: &[Vec<f32>]) -> Assignment {
    let rows = weights.len();
    let cols = weights.first().map_or(0, Vec::len);
    assert!(
        weights.iter().all(|r| r.len() == cols),
        "assignment rows must have the same length"
    );
    let weights: Vec<Vec<f32>> = weights
        .iter()
        .map(|r| {
            r.iter()
                .map(|w| if w.is_finite() { *w } else { 0.0 })
                .collect()
        })
        .collect();
    if rows == 0 || cols == 0 {
        return Assignment {
            of_row: vec![None; rows],
            shared: vec![false; rows],
            total: 0.0,
        };
    }
    let width = cols.max(rows);
    let mut values = Vec::with_capacity(rows * width);
    for row in &weights {
        values.extend(row.iter().map(|w| scaled(*w)));
        let dummy = scaled(row[best_column(row)]);
        values.extend(std::iter::repeat_n(dummy, width - cols));
    }
    let matrix = Matrix::from_vec(rows, width, values)
        .expect("rows × width values were pushed, one row at a time");
    let (_, columns) = kuhn_munkres(&matrix);
    let mut of_row = Vec::with_capacity(rows);
    let mut shared = Vec::with_capacity(rows);
    for (r, &c) in columns.iter().enumerate() {
        if c < cols {
            of_row.push(Some(c));
            shared.push(false);
        } else {
            of_row.push(Some(best_column(&weights[r])));
            shared.push(true);
        }
    }
    let total = of_row
        .iter()
        .enumerate()
        .filter_map(|(r, c)| c.map(|c| weights[r][c]))
        .sum();
    Assignment {
        of_row,
        shared,
        total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    /// The best total over every map rows → columns that uses min(rows, cols) distinct
    /// columns (i.e. shares as little as possible), by enumeration.
    fn brute_force(w: &[Vec<f32>]) -> f32 {
        let rows = w.len();
        let cols = w[0].len();
        let need = rows.min(cols);
        let mut best = f32::NEG_INFINITY;
        let mut pick = vec![0usize; rows];
        loop {
            let mut used = vec![false; cols];
            for c in &pick {
                used[*c] = true;
            }
            if used.iter().filter(|u| **u).count() == need {
                let total: f32 = pick.iter().enumerate().map(|(r, c)| w[r][*c]).sum();
                best = best.max(total);
            }
            // next map, as a base-`cols` counter
            let mut i = 0;
            loop {
                if i == rows {
                    return best;
                }
                pick[i] += 1;
                if pick[i] < cols {
                    break;
                }
                pick[i] = 0;
                i += 1;
            }
        }
    }

    fn random_matrix(rng: &mut impl Rng, rows: usize, cols: usize) -> Vec<Vec<f32>> {
        (0..rows)
            .map(|_| {
                (0..cols)
                    .map(|_| {
                        // Mix exact ties (tagged = 1.0, zeros) with continuous scores.
                        match rng.random_range(0..6) {
                            0 => 1.0,
                            1 => 0.0,
                            _ => rng.random_range(0.0..1.0),
                        }
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn total_equals_the_brute_force_optimum_on_random_matrices() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(42);
        for case in 0..400 {
            let rows = rng.random_range(1..=6);
            let cols = rng.random_range(1..=6);
            let w = random_matrix(&mut rng, rows, cols);
            let a = assign(&w);
            let expect = brute_force(&w);
            assert!(
                (a.total - expect).abs() < 1e-4,
                "case {case}: {rows}×{cols} total {} ≠ optimum {expect}: {w:?}",
                a.total
            );
            // Never reuse a column while a distinct one is available.
            let mut used: Vec<usize> = a.of_row.iter().flatten().copied().collect();
            used.sort_unstable();
            used.dedup();
            assert_eq!(used.len(), rows.min(cols), "case {case}");
            assert_eq!(
                a.shared_rows().len(),
                rows.saturating_sub(cols),
                "case {case}"
            );
            let recomputed: f32 = a
                .of_row
                .iter()
                .enumerate()
                .map(|(r, c)| w[r][c.unwrap()])
                .sum();
            assert!((recomputed - a.total).abs() < 1e-5);
        }
    }

    #[test]
    fn greedy_would_be_wrong_here() {
        // Greedy gives row 0 its best (column 0: 0.9), leaving row 1 with 0.1: total 1.0.
        // The optimum swaps them: 0.8 + 0.85 = 1.65.
        let w = vec![vec![0.9, 0.8], vec![0.85, 0.1]];
        let a = assign(&w);
        assert_eq!(a.of_row, vec![Some(1), Some(0)]);
        assert!((a.total - 1.65).abs() < 1e-6);
    }

    #[test]
    fn more_rows_than_columns_share_the_fewest_and_say_with_whom() {
        let w = vec![vec![0.9, 0.1], vec![0.8, 0.2], vec![0.7, 0.6]];
        let a = assign(&w);
        assert_eq!(a.shared_rows().len(), 1);
        let s = a.shared_rows()[0];
        assert_eq!(a.sharing_with(s).len(), 1);
        // Both columns are used; the sharer holds its own best column.
        assert!(a.of_row.contains(&Some(0)) && a.of_row.contains(&Some(1)));
        assert_eq!(a.of_row[s], Some(best_column(&w[s])));
        assert!((a.total - brute_force(&w)).abs() < 1e-5);
    }

    #[test]
    fn empty_inputs() {
        assert_eq!(assign(&[]).of_row, Vec::<Option<usize>>::new());
        let a = assign(&[vec![], vec![]]);
        assert_eq!(a.of_row, vec![None, None]);
        assert_eq!(a.total, 0.0);
    }

    #[test]
    fn non_finite_weights_count_as_zero() {
        let a = assign(&[vec![f32::NAN, 0.5], vec![0.4, f32::INFINITY]]);
        assert_eq!(a.of_row, vec![Some(1), Some(0)]);
    }
}
