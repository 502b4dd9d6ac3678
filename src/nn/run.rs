//! One training run: network, data, optimiser and the buffers of a step.
//! `Run::step` is the whole training loop body; the trainer thread, the
//! benchmarks and the command line all drive a run through it.
//!
//! Evaluation, the decision grid and `batch_gradients` go through the
//! points in chunks (`memory::chunk_rows`), so their workspace is bounded
//! by `memory::CHUNK_BYTES`, not by the number of points.

use ndarray::{Array2, ArrayView2, s};
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::config::{Config, ConfigError};
use super::data::{Batcher, Data, Split};
use super::loss::{Loss, Targets, accuracy};
use super::memory::{self, MAX_GRID_RESOLUTION};
use super::mlp::{BlockFlow, Dense, Mlp, Shape, SkipStyle, Workspace, block_count, block_layers};
use super::optim::{Moments, Optimizer, OptimizerKind};
use super::stats::{self, Histogram, LayerStats, NonFinite, Phase, StepStats};

/// Independent random streams drawn from one seed, so that changing how one
/// is used (say the data set) never changes another (the initial weights).
fn stream_seed(seed: u64, purpose: u64) -> u64 {
    seed ^ purpose.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}
const WEIGHTS: u64 = 1;
const DATA: u64 = 2;
const BATCHES: u64 = 3;

/// The points a run of `config` trains and tests on: the same split, bit
/// for bit, as `Run::new` makes (for views computed beside a run).
pub fn data_of(config: &Config) -> Data {
    config.data(stream_seed(config.seed, DATA))
}

/// Loss and accuracy of the network on one split.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Evaluation {
    pub loss: f64,
    /// Share classified right; NaN for an empty split.
    pub accuracy: f64,
}

#[derive(Debug)]
pub struct Run {
    /// The configuration the run started from. Live changes (learning
    /// rate, optimiser, clipping, skips) are in the fields below.
    config: Config,
    pub mlp: Mlp,
    pub data: Data,
    pub learning_rate: f32,
    pub clip: Option<f32>,
    optimizer: Optimizer,
    batcher: Batcher,
    x: Array2<f32>,
    y: Vec<usize>,
    ws: Workspace,
    grads: Vec<Dense>,
    update_ratio: Vec<f32>,
    stats: StepStats,
    steps_done: u64,
    stepped: bool,
    first_nonfinite: Option<NonFinite>,
}

impl Run {
    /// A new run from a validated configuration.
    pub fn new(config: Config) -> Result<Run, ConfigError> {
        config.validate()?;
        let mlp = Mlp::new(
            config.shape(),
            config.activation,
            config.init,
            config.init_gain,
            config.skip,
            config.branch_init,
            &mut StdRng::seed_from_u64(stream_seed(config.seed, WEIGHTS)),
        );
        Ok(Run::with_network(config, mlp))
    }

    /// A run that trains a given network (loaded from a file, or a twin).
    /// The network's shape must match the configuration's.
    pub fn with_network(config: Config, mlp: Mlp) -> Run {
        let data = data_of(&config);
        let batcher = Batcher::new(
            data.train.len(),
            config.batch,
            stream_seed(config.seed, BATCHES),
        );
        let batch = batcher.batch_size();
        let layers = mlp.layers.len();
        Run {
            learning_rate: config.learning_rate,
            clip: config.clip,
            optimizer: Optimizer::new(config.optimizer, config.momentum),
            x: Array2::zeros((batch, data.inputs())),
            y: Vec::with_capacity(batch),
            ws: Workspace::new(&mlp.shape(), batch),
            grads: mlp.zero_grads(),
            update_ratio: vec![0.0; layers],
            stats: StepStats {
                layers: vec![LayerStats::default(); layers],
                blocks: vec![BlockFlow::default(); block_count(mlp.depth())],
                ..StepStats::default()
            },
            steps_done: 0,
            stepped: false,
            first_nonfinite: None,
            batcher,
            data,
            config,
            mlp,
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The configuration with the live changes applied: what a new run
    /// would need to continue where this one is.
    pub fn current_config(&self) -> Config {
        Config {
            learning_rate: self.learning_rate,
            clip: self.clip,
            optimizer: self.optimizer.kind(),
            skip: self.mlp.skip(),
            ..self.config.clone()
        }
    }

    /// Counts steps on from `steps` (a network restored from a session).
    /// The batches go on where the saved run's would have: each epoch's
    /// order depends only on the seed and the epoch.
    pub fn continue_from(&mut self, steps: u64) {
        self.batcher.skip(steps.saturating_sub(self.steps_done));
        self.steps_done = steps;
    }

    /// The optimiser's state, to save with the weights.
    pub fn moments(&self) -> Moments {
        self.optimizer.moments()
    }

    /// Takes up a saved optimiser state (see `Optimizer::restore`).
    pub fn restore_moments(&mut self, moments: Moments) -> bool {
        self.optimizer.restore(moments, &self.mlp.layers)
    }

    /// Whether `step` or `measure` ran since this run was built: only then
    /// do the statistics hold measurements (a restored run has none yet).
    pub fn has_stepped(&self) -> bool {
        self.stepped
    }

    /// Steps taken so far.
    pub fn steps_done(&self) -> u64 {
        self.steps_done
    }

    /// The first NaN or Inf seen, if any.
    pub fn first_nonfinite(&self) -> Option<NonFinite> {
        self.first_nonfinite
    }

    /// The statistics of the last step.
    pub fn last_stats(&self) -> &StepStats {
        &self.stats
    }

    /// The workspace of the last step (pre-activations, slopes, deltas).
    pub fn workspace(&self) -> &Workspace {
        &self.ws
    }

    /// The parameter gradients of the last step.
    pub fn gradients(&self) -> &[Dense] {
        &self.grads
    }

    /// One step: a mini-batch, forward, loss, backward, telemetry, update.
    pub fn step(&mut self) -> &StepStats {
        self.batcher
            .next_batch(&self.data.train, &mut self.x, &mut self.y);
        let scale = self.forward_backward();
        if self.first_nonfinite.is_none() {
            self.first_nonfinite = self.stats.nonfinite;
        }
        self.optimizer.step(
            &mut self.mlp.layers,
            &self.grads,
            self.learning_rate,
            scale,
            &mut self.update_ratio,
        );
        for (layer, &ratio) in self.stats.layers.iter_mut().zip(&self.update_ratio) {
            layer.update_ratio = ratio;
        }
        self.steps_done += 1;
        self.stepped = true;
        &self.stats
    }

    /// What the next step will measure (its batch, the weights as they are)
    /// without taking it: weights, step count and batch order stay as they
    /// were, so a run that measures trains to the same bits as one that
    /// does not. A paused window shows gradients at step 0, and right after
    /// a skip is switched, without training.
    pub fn measure(&mut self) -> &StepStats {
        self.batcher
            .peek_batch(&self.data.train, &mut self.x, &mut self.y);
        self.forward_backward();
        for layer in &mut self.stats.layers {
            layer.update_ratio = 0.0;
        }
        self.stepped = true;
        &self.stats
    }

    /// Forward, loss, backward and telemetry on the batch in `x`, `y`;
    /// returns the factor gradient clipping scales the update by.
    fn forward_backward(&mut self) -> f32 {
        let x = self.x.view();
        self.mlp.forward(x, &mut self.ws);
        let loss = self.config.loss.value_and_grad(
            &self.ws.output,
            Targets::Classes(&self.y),
            &mut self.ws.output_grad,
        );
        self.mlp.backward(x, &mut self.ws, &mut self.grads);

        let s = &mut self.stats;
        s.step = self.steps_done;
        s.loss = loss;
        let forward_bad = stats::forward_stats(&mut self.ws, self.mlp.activation, &mut s.layers);
        let (grad_sq, backward_bad) = stats::backward_stats(&self.ws, &self.grads, &mut s.layers);
        // Resized only when a block appears (a new network), then copied.
        s.blocks.resize(self.ws.highway.len(), BlockFlow::default());
        s.blocks.copy_from_slice(&self.ws.highway);
        let grad_norm = grad_sq.sqrt();
        s.grad_norm = grad_norm as f32;
        let scale = match self.clip {
            Some(max) if grad_norm > f64::from(max) => (f64::from(max) / grad_norm) as f32,
            _ => 1.0,
        };
        s.clipped = scale < 1.0;
        s.nonfinite = match (forward_bad, backward_bad) {
            (Some(layer), _) => Some((layer, Phase::Forward)),
            (None, Some(layer)) => Some((layer, Phase::Backward)),
            (None, None) if !loss.is_finite() => Some((self.mlp.depth(), Phase::Forward)),
            (None, None) => None,
        }
        .map(|(layer, phase)| NonFinite {
            step: self.steps_done,
            layer,
            phase,
        });
        scale
    }

    /// Loss and accuracy on a split (allocates; call it every few steps).
    pub fn evaluate(&self, split: &Split) -> Evaluation {
        if split.is_empty() {
            return Evaluation {
                loss: f64::NAN,
                accuracy: f64::NAN,
            };
        }
        let output = predict_in_chunks(&self.mlp, split.x.view(), self.chunk_rows());
        Evaluation {
            loss: self.config.loss.value(&output, Targets::Classes(&split.y)),
            accuracy: accuracy(&output, &split.y),
        }
    }

    /// The predicted class over a `resolution` × `resolution` grid that
    /// covers the data with a margin: what the decision-boundary plot
    /// colours (allocates; a few times a second at most). The resolution
    /// is at most `memory::MAX_GRID_RESOLUTION`. None unless the points
    /// are two-dimensional: a plane only shows two inputs.
    pub fn decision_grid(&self, resolution: usize, max_points: usize) -> Option<DecisionGrid> {
        if self.data.inputs() != 2 {
            return None;
        }
        let resolution = resolution.clamp(2, MAX_GRID_RESOLUTION);
        let (x_range, y_range) = data_bounds(&self.data);
        let cell =
            |(lo, hi): (f32, f32), i: usize| lo + (hi - lo) * (i as f32 + 0.5) / resolution as f32;
        let inputs = Array2::from_shape_fn((resolution * resolution, 2), |(i, j)| {
            if j == 0 {
                cell(x_range, i % resolution)
            } else {
                cell(y_range, i / resolution)
            }
        });
        let output = predict_in_chunks(&self.mlp, inputs.view(), self.chunk_rows());
        let (class, confidence) = output
            .rows()
            .into_iter()
            .map(|row| winner(row.as_slice().unwrap_or(&[])))
            .unzip();
        Some(DecisionGrid {
            x_range,
            y_range,
            resolution,
            classes: self.data.classes,
            class_names: self.data.class_names.clone(),
            class,
            confidence,
            points: first_points(&self.data.train, max_points),
            step: self.steps_done,
        })
    }

    /// Points per chunk of evaluation for this run's network.
    fn chunk_rows(&self) -> usize {
        memory::chunk_rows(&self.mlp.shape())
    }

    /// Histogram of one hidden layer's pre-activations (the argument of g)
    /// in the last step's batch.
    pub fn pre_activation_histogram(
        &self,
        layer: usize,
        lo: f32,
        hi: f32,
        bins: usize,
    ) -> Option<Histogram> {
        let pre = self.ws.pre.get(layer)?;
        Some(Histogram::of(pre.iter().copied(), lo, hi, bins))
    }

    pub fn set_optimizer(&mut self, kind: OptimizerKind) {
        self.optimizer.set_kind(kind);
    }

    pub fn optimizer(&self) -> OptimizerKind {
        self.optimizer.kind()
    }

    /// Turns one block's skip on or off from the next step on. Returns false
    /// for a block that does not exist.
    pub fn set_skip(&mut self, block: usize, on: bool) -> bool {
        self.mlp.set_skip(block, on)
    }

    pub fn set_all_skips(&mut self, on: bool) {
        self.mlp.set_all_skips(on);
    }

    pub fn set_skip_style(&mut self, style: SkipStyle) {
        self.mlp.set_skip_style(style);
    }

    /// Zeroes the weights and bias of block `block`'s second layer.
    pub fn zero_branch(&mut self, block: usize) -> bool {
        if block >= self.mlp.skips().len() {
            return false;
        }
        let layer = &mut self.mlp.layers[block_layers(block).1];
        layer.weight.fill(0.0);
        layer.bias.fill(0.0);
        true
    }
}

/// The network's outputs for `x`, computed `chunk` points at a time
/// through one reused workspace: memory grows with the outputs, not with
/// the hidden layers of every point. Each row is what `Mlp::predict`
/// gives, up to the rounding of the matrix products.
pub fn predict_in_chunks(mlp: &Mlp, x: ArrayView2<'_, f32>, chunk: usize) -> Array2<f32> {
    let mut forward = ChunkedForward::new(&mlp.shape(), x.nrows(), chunk);
    forward.run(mlp, x);
    forward.output
}

/// `predict_in_chunks` for many networks of one shape over the same number
/// of rows (the landscape's grid points): the workspaces and the output are
/// made once and reused, so the same chunks give the same outputs to the
/// bit, with nothing allocated per call.
pub struct ChunkedForward {
    chunk: usize,
    full: Workspace,
    /// The last, shorter chunk's workspace, if the rows leave one.
    tail: Option<Workspace>,
    output: Array2<f32>,
}

impl ChunkedForward {
    /// Buffers for `rows` points of networks shaped `shape`, `chunk` at a time.
    pub fn new(shape: &Shape, rows: usize, chunk: usize) -> ChunkedForward {
        let chunk = chunk.clamp(1, rows.max(1));
        let rest = rows % chunk;
        ChunkedForward {
            chunk,
            full: Workspace::new(shape, chunk),
            tail: (rest != 0 && rows > chunk).then(|| Workspace::new(shape, rest)),
            output: Array2::zeros((rows, shape.outputs)),
        }
    }

    /// The outputs of `mlp` for `x` (as many rows as `new` was given).
    pub fn run(&mut self, mlp: &Mlp, x: ArrayView2<'_, f32>) -> &Array2<f32> {
        let rows = x.nrows();
        for start in (0..rows).step_by(self.chunk) {
            let end = (start + self.chunk).min(rows);
            let ws = match self.tail.as_mut() {
                Some(tail) if end - start == tail.batch => tail,
                _ => &mut self.full,
            };
            mlp.forward_values(x.slice(s![start..end, ..]), ws);
            self.output.slice_mut(s![start..end, ..]).assign(&ws.output);
        }
        &self.output
    }
}

/// The mean loss over a batch and the gradient of every parameter, as one
/// forward and backward pass over the whole batch gives them, computed
/// `chunk` points at a time: each chunk's gradient is weighted by its
/// share of the batch and summed, so the workspace holds one chunk. With
/// one chunk the result is the single pass's, bit for bit.
pub fn batch_gradients(
    mlp: &Mlp,
    loss: Loss,
    x: ArrayView2<'_, f32>,
    targets: Targets<'_>,
    chunk: usize,
) -> (f64, Vec<Dense>) {
    let rows = x.nrows();
    let chunk = chunk.clamp(1, rows.max(1));
    let shape = mlp.shape();
    let mut grads = mlp.zero_grads();
    let mut part = mlp.zero_grads();
    let mut ws = Workspace::new(&shape, chunk);
    let mut total = 0.0f64;
    for start in (0..rows).step_by(chunk) {
        let end = (start + chunk).min(rows);
        if end - start != ws.batch {
            ws = Workspace::new(&shape, end - start);
        }
        let xs = x.slice(s![start..end, ..]);
        let ts = match targets {
            Targets::Classes(labels) => Targets::Classes(labels.get(start..end).unwrap_or(&[])),
            Targets::Values(v) => Targets::Values(v.slice_move(s![start..end, ..])),
        };
        mlp.forward(xs, &mut ws);
        let value = loss.value_and_grad(&ws.output, ts, &mut ws.output_grad);
        let share = (end - start) as f64 / rows as f64;
        total += value * share;
        if end - start == rows {
            mlp.backward(xs, &mut ws, &mut grads);
            return (value, grads);
        }
        // The loss averages over the chunk; over the batch each point
        // weighs 1/rows, not 1/chunk.
        ws.output_grad *= share as f32;
        mlp.backward(xs, &mut ws, &mut part);
        for (sum, p) in grads.iter_mut().zip(&part) {
            sum.weight += &p.weight;
            sum.bias += &p.bias;
        }
    }
    (total, grads)
}

/// A network's class prediction over a square grid covering its data, and
/// the training points: everything the decision-boundary plot shows.
#[derive(Clone, Debug, PartialEq)]
pub struct DecisionGrid {
    /// The grid spans x_range × y_range in input units.
    pub x_range: (f32, f32),
    pub y_range: (f32, f32),
    /// Cells per side.
    pub resolution: usize,
    pub classes: usize,
    /// One name per class (a table's labels, or "0", "1", ...).
    pub class_names: Vec<String>,
    /// Row-major, rows from the lowest y: the predicted class of each cell's
    /// centre, and its softmax probability (1/classes .. 1; NaN when the
    /// network's output is not finite).
    pub class: Vec<usize>,
    pub confidence: Vec<f32>,
    /// The first training points (a random sample: the split is shuffled).
    pub points: Split,
    /// Steps the network had taken.
    pub step: u64,
}

/// The first `n` points of a split (shuffled already, so a random sample).
fn first_points(split: &Split, n: usize) -> Split {
    let n = n.min(split.len());
    Split {
        x: split.x.slice(ndarray::s![..n, ..]).to_owned(),
        y: split.y[..n].to_vec(),
    }
}

/// The square-ish box around every point, 10% wider on each side.
fn data_bounds(data: &Data) -> ((f32, f32), (f32, f32)) {
    let mut lo = [f32::INFINITY; 2];
    let mut hi = [f32::NEG_INFINITY; 2];
    for split in [&data.train, &data.test] {
        for row in split.x.rows() {
            for j in 0..2 {
                lo[j] = lo[j].min(row[j]);
                hi[j] = hi[j].max(row[j]);
            }
        }
    }
    let range = |j: usize| {
        if !(lo[j].is_finite() && hi[j].is_finite()) {
            return (-1.0, 1.0);
        }
        let margin = ((hi[j] - lo[j]) * 0.1).max(0.1);
        (lo[j] - margin, hi[j] + margin)
    };
    (range(0), range(1))
}

/// The index of the largest output and its softmax probability.
fn winner(outputs: &[f32]) -> (usize, f32) {
    let mut best = 0;
    for (i, &v) in outputs.iter().enumerate() {
        if v > outputs[best] {
            best = i;
        }
    }
    let Some(&top) = outputs.get(best) else {
        return (0, f32::NAN);
    };
    let total: f32 = outputs.iter().map(|&v| (v - top).exp()).sum();
    (best, 1.0 / total)
}
