//! A 2-D slice of the loss landscape around a network's weights, as in Li
//! et al. (2018), "Visualizing the Loss Landscape of Neural Nets":
//! L(θ + a·d1 + b·d2) on an N × N grid of (a, b) in [−span, span]², with
//! d1, d2 random directions, filter-normalised: each row of each
//! direction's weight matrix (a dense layer's filter: the weights into one
//! unit) rescaled to the norm of the same row of the network's weights.
//! The bias directions are zero.
//!
//! Each grid point is one forward pass over the points at shifted weights,
//! in chunks (`memory::chunk_rows`) into workspaces reused for the whole
//! grid: no allocation per point, and the centre's loss is `evaluate`'s to
//! the bit.

use ndarray::{Array1, Array2, Zip};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

use super::data::Split;
use super::loss::{Loss, Targets};
use super::memory;
use super::mlp::{Dense, Mlp};
use super::run::ChunkedForward;

/// Largest grid side: 201 × 201 points (a few minutes for a large net).
pub const MAX_GRID: usize = 201;
/// Largest span of a and b.
pub const MAX_SPAN: f32 = 100.0;

/// The two directions of a slice, shaped like the network's layers.
#[derive(Clone, Debug, PartialEq)]
pub struct Directions {
    pub d1: Vec<Dense>,
    pub d2: Vec<Dense>,
}

impl Directions {
    /// Two filter-normalised random directions for `mlp`, from `seed`
    /// alone: the same seed and network give the same directions.
    pub fn filter_normalised(mlp: &Mlp, seed: u64) -> Directions {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut direction = || -> Vec<Dense> {
            mlp.layers
                .iter()
                .map(|layer| {
                    let mut weight = Array2::from_shape_simple_fn(layer.weight.dim(), || {
                        StandardNormal.sample(&mut rng)
                    });
                    for (mut row, target) in weight.rows_mut().into_iter().zip(layer.weight.rows())
                    {
                        let norm = row.iter().map(|v| v * v).sum::<f32>().sqrt();
                        let wanted = target.iter().map(|v| v * v).sum::<f32>().sqrt();
                        let scale = if norm > 0.0 { wanted / norm } else { 0.0 };
                        row.mapv_inplace(|v| v * scale);
                    }
                    Dense {
                        weight,
                        bias: Array1::zeros(layer.bias.len()),
                    }
                })
                .collect()
        };
        let d1 = direction();
        let d2 = direction();
        Directions { d1, d2 }
    }
}

/// A computed slice. `losses[row * grid + column]` is the loss at
/// a = `coordinate(column)`, b = `coordinate(row)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Landscape {
    pub grid: usize,
    pub span: f32,
    pub losses: Vec<f64>,
}

impl Landscape {
    /// The value of a (or b) at grid index `i`.
    pub fn coordinate(&self, i: usize) -> f32 {
        coordinate(self.grid, self.span, i)
    }

    /// The loss at the grid point nearest to (0, 0): the network itself
    /// when the grid is odd.
    pub fn centre(&self) -> f64 {
        let c = self.grid / 2;
        self.losses[c * self.grid + c]
    }

    /// Smallest and largest finite loss on the grid (NaN, NaN if none).
    pub fn range(&self) -> (f64, f64) {
        self.losses
            .iter()
            .filter(|v| v.is_finite())
            .fold((f64::NAN, f64::NAN), |(lo, hi), &v| (v.min(lo), v.max(hi)))
    }

    /// Grid points lower than each of their (up to eight) neighbours: one
    /// basin has one, a ragged plateau many.
    pub fn local_minima(&self) -> usize {
        let n = self.grid;
        let at = |r: usize, c: usize| self.losses[r * n + c];
        // The indices next to i (itself included) inside the grid.
        let around = |i: usize| i.saturating_sub(1)..=(i + 1).min(n - 1);
        let mut count = 0;
        for r in 0..n {
            for c in 0..n {
                let v = at(r, c);
                let lowest = v.is_finite()
                    && around(r).all(|rr| around(c).all(|cc| (rr, cc) == (r, c) || v < at(rr, cc)));
                count += usize::from(lowest);
            }
        }
        count
    }
}

/// Grid index `i` of `grid` points evenly spaced on [−span, span].
pub fn coordinate(grid: usize, span: f32, i: usize) -> f32 {
    if grid < 2 {
        return 0.0;
    }
    -span + 2.0 * span * i as f32 / (grid - 1) as f32
}

/// Computes the slice row by row (b fixed per row). `go_on(rows_done)` is
/// asked after every row; it returns false to cancel, and then the result
/// is None. `grid` is clamped to 2..=`MAX_GRID`.
pub fn compute(
    mlp: &Mlp,
    directions: &Directions,
    points: &Split,
    loss: Loss,
    grid: usize,
    span: f32,
    mut go_on: impl FnMut(usize) -> bool,
) -> Option<Landscape> {
    let grid = grid.clamp(2, MAX_GRID);
    let mut shifted = mlp.clone();
    let mut forward = chunked_forward(mlp, points.len());
    let mut losses = Vec::with_capacity(grid * grid);
    for row in 0..grid {
        let b = coordinate(grid, span, row);
        for column in 0..grid {
            let a = coordinate(grid, span, column);
            shift(&mut shifted, mlp, directions, a, b);
            let output = forward.run(&shifted, points.x.view());
            losses.push(loss.value(output, Targets::Classes(&points.y)));
        }
        if !go_on(row + 1) {
            return None;
        }
    }
    Some(Landscape { grid, span, losses })
}

/// The loss of `mlp` with its weights moved to θ + a·d1 + b·d2.
pub fn loss_at_point(
    mlp: &Mlp,
    directions: &Directions,
    points: &Split,
    loss: Loss,
    a: f32,
    b: f32,
) -> f64 {
    let mut shifted = mlp.clone();
    shift(&mut shifted, mlp, directions, a, b);
    let output = chunked_forward(mlp, points.len())
        .run(&shifted, points.x.view())
        .clone();
    loss.value(&output, Targets::Classes(&points.y))
}

/// Forward buffers for the grid's points, chunked as evaluation chunks them
/// (so the centre is the training loss to the bit).
fn chunked_forward(mlp: &Mlp, rows: usize) -> ChunkedForward {
    let shape = mlp.shape();
    ChunkedForward::new(&shape, rows, memory::chunk_rows(&shape))
}

/// Writes θ + a·d1 + b·d2 into `shifted` (the biases have zero directions
/// and stay θ's).
fn shift(shifted: &mut Mlp, mlp: &Mlp, directions: &Directions, a: f32, b: f32) {
    for (((out, theta), d1), d2) in shifted
        .layers
        .iter_mut()
        .zip(&mlp.layers)
        .zip(&directions.d1)
        .zip(&directions.d2)
    {
        Zip::from(&mut out.weight)
            .and(&theta.weight)
            .and(&d1.weight)
            .and(&d2.weight)
            .for_each(|o, &t, &x, &y| *o = t + a * x + b * y);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::{Config, Run};

    fn trained() -> Run {
        let mut run = Run::new(Config {
            depth: 4,
            width: 8,
            samples: 100,
            ..Config::default()
        })
        .unwrap();
        for _ in 0..50 {
            run.step();
        }
        run
    }

    #[test]
    fn directions_are_filter_normalised_with_zero_biases() {
        let run = trained();
        let d = Directions::filter_normalised(&run.mlp, 7);
        for (dir, layer) in d.d1.iter().chain(&d.d2).zip(run.mlp.layers.iter().cycle()) {
            assert!(dir.bias.iter().all(|&v| v == 0.0));
            for (r, w) in dir.weight.rows().into_iter().zip(layer.weight.rows()) {
                let (nr, nw) = (r.dot(&r).sqrt(), w.dot(&w).sqrt());
                assert!((nr - nw).abs() <= 1e-5 * nw.max(1.0), "{nr} vs {nw}");
            }
        }
        assert_eq!(d, Directions::filter_normalised(&run.mlp, 7));
        assert_ne!(d.d1, Directions::filter_normalised(&run.mlp, 8).d1);
        assert_ne!(d.d1, d.d2);
    }

    #[test]
    fn the_centre_is_the_training_loss_and_a_point_recomputes() {
        let run = trained();
        let d = Directions::filter_normalised(&run.mlp, 3);
        let train = &run.data.train;
        let slice = compute(&run.mlp, &d, train, run.config().loss, 5, 1.0, |_| true).unwrap();
        assert_eq!(slice.losses.len(), 25);
        assert_eq!(slice.coordinate(2), 0.0);
        // At (0, 0) the weights are θ's to the bit, and so is the loss.
        assert_eq!(slice.centre(), run.evaluate(train).loss);
        // (a, b) = (0.5, -1): column 3, row 0.
        let point = loss_at_point(&run.mlp, &d, train, run.config().loss, 0.5, -1.0);
        assert_eq!(slice.losses[3], point);
        assert!(slice.range().0 <= slice.centre() && slice.centre() <= slice.range().1);
    }

    #[test]
    fn cancelling_stops_after_the_row_asked() {
        let run = trained();
        let d = Directions::filter_normalised(&run.mlp, 3);
        let mut rows = 0;
        let slice = compute(
            &run.mlp,
            &d,
            &run.data.train,
            run.config().loss,
            9,
            1.0,
            |done| {
                rows = done;
                done < 2
            },
        );
        assert_eq!((slice, rows), (None, 2));
    }

    #[test]
    fn local_minima_count_basins() {
        let bowl = |grid: usize| Landscape {
            grid,
            span: 1.0,
            losses: (0..grid * grid)
                .map(|i| {
                    let (r, c) = ((i / grid) as f64 - 2.0, (i % grid) as f64 - 2.0);
                    r * r + c * c
                })
                .collect(),
        };
        assert_eq!(bowl(5).local_minima(), 1);
        let mut two = bowl(5);
        two.losses[0] = -1.0;
        assert_eq!(two.local_minima(), 2);
    }
}
