//! Per-layer telemetry of one training step, and the non-finite detector.
//! Everything here reads the buffers of the step just taken; nothing
//! allocates once the report's vectors have their length.

use serde::{Deserialize, Serialize};

use super::activation::{Activation, SATURATION_SHARE};
use super::kernels::{self, flat};
use super::mlp::{BlockFlow, Dense, Workspace};

/// What one weight layer did in one step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LayerStats {
    /// ||dL/dW||, Frobenius, before clipping.
    pub grad_weight_norm: f32,
    /// ||dL/db||.
    pub grad_bias_norm: f32,
    /// Root mean square of delta = dL/dz over the batch.
    pub delta_rms: f32,
    /// ||update of W|| / ||W||.
    pub update_ratio: f32,
    /// Mean and standard deviation of the layer's output a (the logits for
    /// the output layer) over the batch.
    pub activation_mean: f32,
    pub activation_std: f32,
    /// Sigmoid and tanh: share of the batch's units with g'(z) below 10% of
    /// its maximum. ReLU family: share of units <= 0 for the whole batch.
    /// Always 0 for the output layer.
    pub saturated_or_dead: f32,
}

/// Forward or backward: where a non-finite value was first seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    Forward,
    Backward,
}

/// The first NaN or Inf of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NonFinite {
    /// The step (counted from 0) whose pass produced it.
    pub step: u64,
    /// Weight layer, 0 at the input side; `depth` is the output layer.
    pub layer: usize,
    pub phase: Phase,
}

/// Everything measured in one training step.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StepStats {
    /// The step's index, counted from 0.
    pub step: u64,
    /// Mean training loss of the batch, before the update.
    pub loss: f64,
    /// Global gradient norm over all parameters, before clipping.
    pub grad_norm: f32,
    /// Whether clipping scaled this step's gradient down.
    pub clipped: bool,
    /// One entry per weight layer, input side first, output layer last.
    pub layers: Vec<LayerStats>,
    /// The gradient highway: per residual block, input side first, how
    /// dL/da at the block's input splits between skip and branch.
    #[serde(default)]
    pub blocks: Vec<BlockFlow>,
    /// Set on the step where a NaN or Inf first appeared in this step.
    pub nonfinite: Option<NonFinite>,
}

/// Fills activation statistics of every layer from a finished forward pass
/// and returns the first layer (input side first) holding a non-finite value.
pub fn forward_stats(
    ws: &mut Workspace,
    activation: Activation,
    out: &mut [LayerStats],
) -> Option<usize> {
    let depth = ws.act.len();
    let mut first_bad = None;
    for (i, stats) in out.iter_mut().enumerate() {
        let a = if i == depth { &ws.output } else { &ws.act[i] };
        let (sum, sq) = kernels::moments(flat(a));
        let n = a.len().max(1) as f64;
        let mean = sum / n;
        stats.activation_mean = mean as f32;
        stats.activation_std = (sq / n - mean * mean).max(0.0).sqrt() as f32;
        if !(sum.is_finite() && sq.is_finite()) && first_bad.is_none() {
            first_bad = Some(i);
        }
        stats.saturated_or_dead = if i == depth {
            0.0
        } else if activation.saturates() {
            let threshold = (activation.max_derivative() * f64::from(SATURATION_SHARE)) as f32;
            kernels::count_below(flat(&ws.slope[i]), threshold) as f32
                / ws.slope[i].len().max(1) as f32
        } else {
            let width = ws.pre[i].ncols();
            kernels::dead_columns(flat(&ws.pre[i]), width, &mut ws.scratch) as f32
                / width.max(1) as f32
        };
    }
    first_bad
}

/// Fills gradient statistics from a finished backward pass; returns the
/// global squared gradient norm and the first layer, output side first (the
/// order backprop visits them), whose gradient is non-finite.
pub fn backward_stats(
    ws: &Workspace,
    grads: &[Dense],
    out: &mut [LayerStats],
) -> (f64, Option<usize>) {
    let depth = ws.act.len();
    let mut total = 0.0f64;
    let mut first_bad = None;
    for (i, (stats, grad)) in out.iter_mut().zip(grads).enumerate().rev() {
        let w_sq = kernels::sum_squares(flat(&grad.weight));
        let b_sq = kernels::sum_squares(flat(&grad.bias));
        stats.grad_weight_norm = w_sq.sqrt() as f32;
        stats.grad_bias_norm = b_sq.sqrt() as f32;
        let delta = if i == depth {
            &ws.output_grad
        } else {
            &ws.grad[i]
        };
        let delta_sq = kernels::sum_squares(flat(delta));
        stats.delta_rms = (delta_sq / delta.len().max(1) as f64).sqrt() as f32;
        total += w_sq + b_sq;
        if !(w_sq + b_sq).is_finite() && first_bad.is_none() {
            first_bad = Some(i);
        }
    }
    (total, first_bad)
}

/// Counts of values in equal bins over [lo, hi], with what fell outside.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    pub lo: f32,
    pub hi: f32,
    pub counts: Vec<u32>,
    pub below: u32,
    pub above: u32,
    /// NaN or infinite values.
    pub nonfinite: u32,
}

impl Histogram {
    /// Bins `values` into `bins` equal bins over [lo, hi].
    pub fn of(values: impl IntoIterator<Item = f32>, lo: f32, hi: f32, bins: usize) -> Histogram {
        let bins = bins.max(1);
        let mut h = Histogram {
            lo,
            hi,
            counts: vec![0; bins],
            ..Histogram::default()
        };
        let scale = bins as f32 / (hi - lo);
        for v in values {
            if !v.is_finite() {
                h.nonfinite += 1;
            } else if v < lo {
                h.below += 1;
            } else if v > hi {
                h.above += 1;
            } else {
                let bin = (((v - lo) * scale) as usize).min(bins - 1);
                h.counts[bin] += 1;
            }
        }
        h
    }

    pub fn total(&self) -> u32 {
        self.counts.iter().sum::<u32>() + self.below + self.above + self.nonfinite
    }

    /// Centre of bin `i`.
    pub fn bin_centre(&self, i: usize) -> f32 {
        self.lo + (i as f32 + 0.5) * (self.hi - self.lo) / self.counts.len() as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_counts_everything_once() {
        let values = [-5.0f32, -1.0, -0.5, 0.0, 0.49, 0.5, 1.0, 3.0, f32::NAN];
        let h = Histogram::of(values, -1.0, 1.0, 4);
        assert_eq!(h.counts, vec![1, 1, 2, 2]);
        assert_eq!((h.below, h.above, h.nonfinite), (1, 1, 1));
        assert_eq!(h.total(), values.len() as u32);
        assert_eq!(h.bin_centre(0), -0.75);
    }
}
