//! How much memory a network needs, and the budget it must fit in, checked
//! before anything is allocated (issue 15: nothing a user does takes the
//! window down).
//!
//! The budget: one network (its weights, gradients, optimiser moments, the
//! workspace of a training batch, evaluation, the decision grid and its
//! telemetry) may need at most [`NETWORK_BUDGET`] (2 GiB), and the networks
//! trained at once (the window's two twins, a sweep's threads) at most
//! [`TOTAL_BUDGET`] (4 GiB): this leaves room on an 8 GB laptop.
//!
//! What can be processed in pieces is: evaluation over a data set, the
//! decision grid and gradients over a large batch go through a workspace of
//! at most [`CHUNK_BYTES`], whatever the number of points. Only the
//! training batch's workspace grows with the data (with `batch`).
//!
//! The estimate counts every array of a run; for depth 100 at width 1024
//! it is 1.73 GiB, and one such network trained by a sweep peaked at
//! 1.72 GiB resident (`gradscope run`, which also keeps the model file's
//! bytes, at 2.82 GiB; see `tests/memory.rs`).

use super::mlp::Shape;

/// Most bytes one network may need.
pub const NETWORK_BUDGET: u64 = 2 << 30;
/// Most bytes the networks trained at once may need together.
pub const TOTAL_BUDGET: u64 = 4 << 30;
/// Most bytes of workspace one chunk of evaluation, grid or gradients uses.
pub const CHUNK_BYTES: u64 = 64 << 20;
/// The finest decision grid a run computes (cells per side).
pub const MAX_GRID_RESOLUTION: usize = 128;
/// History buckets kept per run (the trainer's, the window's copy).
const HISTORY_BUCKETS: u64 = 2 * 2048;

const F32: u64 = 4;
const INDEX: u64 = 8;

/// The bytes a configuration needs, by what holds them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MemoryEstimate {
    pub weights: u64,
    pub gradients: u64,
    /// Two per parameter: Adam's (any optimiser can be switched to Adam
    /// while training).
    pub moments: u64,
    /// The training batch's forward and backward intermediates.
    pub workspace: u64,
    /// One chunk of evaluation, and the outputs of the larger split.
    pub evaluation: u64,
    /// The points, training and test.
    pub data: u64,
    pub grid: u64,
    /// Per-layer statistics and their history.
    pub telemetry: u64,
}

impl MemoryEstimate {
    /// A network of `shape` trained on batches of `batch` points drawn
    /// from `train` points, evaluated on `train` and `test` points.
    pub fn of(shape: &Shape, batch: usize, train: usize, test: usize) -> MemoryEstimate {
        let params = parameters(shape);
        let outputs = shape.outputs as u64;
        let samples = (train + test) as u64;
        let largest = train.max(test);
        let chunk = chunk_rows(shape).min(largest.max(1)) as u64;
        let cells = (MAX_GRID_RESOLUTION * MAX_GRID_RESOLUTION) as u64;
        let layers = shape.depth as u64 + 1;
        MemoryEstimate {
            weights: params * F32,
            gradients: params * F32,
            moments: 2 * params * F32,
            workspace: batch as u64 * (row_bytes(shape) + shape.inputs as u64 * F32 + INDEX),
            evaluation: chunk * row_bytes(shape) + largest as u64 * outputs * 2 * F32,
            data: 2 * samples * (shape.inputs as u64 * F32 + INDEX),
            grid: cells * (2 * F32 + outputs * F32 + INDEX + F32),
            telemetry: layers * (HISTORY_BUCKETS + 4) * 72,
        }
    }

    /// Everything together.
    pub fn total(&self) -> u64 {
        [
            self.weights,
            self.gradients,
            self.moments,
            self.workspace,
            self.evaluation,
            self.data,
            self.grid,
            self.telemetry,
        ]
        .iter()
        .fold(0u64, |sum, &b| sum.saturating_add(b))
    }

    /// The bytes that grow with the parameters (weights, gradients,
    /// moments), as opposed to the batch's workspace.
    pub fn parameter_bytes(&self) -> u64 {
        self.weights + self.gradients + self.moments
    }
}

/// Weights and biases of a network of `shape`.
pub fn parameters(shape: &Shape) -> u64 {
    (0..=shape.depth)
        .map(|i| {
            let layer = shape.layer(i);
            (layer.fan_in as u64 + 1) * layer.fan_out as u64
        })
        .sum()
}

/// Bytes of workspace one point needs in a forward and backward pass:
/// four hidden arrays per layer (pre-activation, activation, slope,
/// gradient) and two at the output.
pub fn row_bytes(shape: &Shape) -> u64 {
    (4 * shape.depth as u64 * shape.width as u64 + 2 * shape.outputs as u64) * F32
}

/// Points per chunk so that one chunk's workspace stays within
/// [`CHUNK_BYTES`] (at least one).
pub fn chunk_rows(shape: &Shape) -> usize {
    (CHUNK_BYTES / row_bytes(shape).max(1)).max(1) as usize
}

/// How many of `wanted` threads can each train a network of `bytes` at
/// once within [`TOTAL_BUDGET`] (at least one).
pub fn threads_within_budget(wanted: usize, bytes: u64) -> usize {
    let fit = (TOTAL_BUDGET / bytes.max(1)).max(1);
    wanted.clamp(1, usize::try_from(fit).unwrap_or(usize::MAX))
}

/// Bytes as GiB, for messages.
pub fn gib(bytes: u64) -> f64 {
    bytes as f64 / f64::from(1u32 << 30)
}
