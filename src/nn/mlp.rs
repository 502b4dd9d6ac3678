//! The multilayer perceptron: dense layers, residual blocks, and backprop by
//! hand. Forward and backward live side by side so each backward rule can be
//! read against the forward rule it differentiates.
//!
//! Shapes: a batch is [batch, features]; weights are [out, in] as in
//! `torch.nn.Linear`, so a layer computes z = a W^T + b.
//!
//! Hidden layers are numbered 0..depth from the input side; the output layer
//! is layer `depth`. Hidden layers 1 and 2 form block 0, layers 3 and 4
//! block 1, and so on; an unpaired last hidden layer stays plain. Block k's
//! skip carries a[2k] (the block's input) to layer 2k + 2 (its second layer):
//!
//!   slides:   a[2k+2] = g(z[2k+2] + a[2k])     (the course's formula)
//!   identity: a[2k+2] = g(z[2k+2]) + a[2k]     (the skip path has slope 1)
//!   off:      a[2k+2] = g(z[2k+2])

use ndarray::{Array1, Array2, ArrayView2};
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::activation::Activation;
use super::init::Init;
use super::kernels::{self, flat, flat_mut};
use super::linalg::matmul;

/// How every residual block starts: no skips, or skips in one style.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Skip {
    Off,
    Slides,
    Identity,
}

impl Skip {
    pub const ALL: [Skip; 3] = [Skip::Off, Skip::Slides, Skip::Identity];

    pub fn name(self) -> &'static str {
        match self {
            Skip::Off => "off",
            Skip::Slides => "slides",
            Skip::Identity => "identity",
        }
    }
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Where the skip joins the block's second layer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipStyle {
    /// Before the activation: a[l+2] = g(z[l+2] + a[l]).
    Slides,
    /// After the activation: a[l+2] = g(z[l+2]) + a[l].
    #[default]
    Identity,
}

impl SkipStyle {
    pub fn name(self) -> &'static str {
        match self {
            SkipStyle::Slides => "slides",
            SkipStyle::Identity => "identity",
        }
    }

    /// The block's formula, for the UI.
    pub fn formula(self) -> &'static str {
        match self {
            SkipStyle::Slides => "a[l+2] = g(z[l+2] + a[l])",
            SkipStyle::Identity => "a[l+2] = g(z[l+2]) + a[l]",
        }
    }
}

/// How the second layer of each residual block is initialised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BranchInit {
    /// Like every other layer.
    Normal,
    /// All zeros: with the identity style and g(0) = 0 (tanh, ReLU) each
    /// block starts as the identity map.
    Zero,
}

/// One fully connected layer.
#[derive(Clone, Debug, PartialEq)]
pub struct Dense {
    /// [out, in].
    pub weight: Array2<f32>,
    /// [out].
    pub bias: Array1<f32>,
}

impl Dense {
    pub fn zeros(inputs: usize, outputs: usize) -> Dense {
        Dense {
            weight: Array2::zeros((outputs, inputs)),
            bias: Array1::zeros(outputs),
        }
    }

    pub fn fan_in(&self) -> usize {
        self.weight.ncols()
    }

    pub fn fan_out(&self) -> usize {
        self.weight.nrows()
    }
}

/// The network's parameters and its current topology.
#[derive(Clone, Debug, PartialEq)]
pub struct Mlp {
    /// `depth` hidden layers, then the output layer.
    pub layers: Vec<Dense>,
    pub activation: Activation,
    /// Private so that every change of topology goes through the methods
    /// below (the trainer's one door to a skip).
    style: SkipStyle,
    /// Whether block k's skip is on, for every block.
    skips: Vec<bool>,
}

/// The number of residual blocks among `depth` hidden layers.
pub fn block_count(depth: usize) -> usize {
    depth.saturating_sub(1) / 2
}

/// The hidden layers of block `k`: (first, second).
pub fn block_layers(k: usize) -> (usize, usize) {
    (2 * k + 1, 2 * k + 2)
}

/// Dimensions of a network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    pub inputs: usize,
    pub depth: usize,
    pub width: usize,
    pub outputs: usize,
}

/// The shapes of one weight layer: weight [fan_out, fan_in], bias [fan_out].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LayerShape {
    pub fan_in: usize,
    pub fan_out: usize,
}

impl LayerShape {
    /// The weight's dimensions, [rows, columns] = [fan_out, fan_in].
    pub fn weight_dims(self) -> [usize; 2] {
        [self.fan_out, self.fan_in]
    }
}

/// Weights (or skips) that do not fit a network's shape, as a file may
/// hold them.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ShapeError {
    #[error("{found} weight layers; the network has {expected}")]
    LayerCount { found: usize, expected: usize },
    /// `layer` counts from 0 at the input side; `found` is the weight's
    /// dimensions as given (a flat list has one).
    #[error("layer {layer}: weight of shape {found:?}; the network needs {expected:?}")]
    Weight {
        layer: usize,
        found: Vec<usize>,
        expected: [usize; 2],
    },
    #[error("layer {layer}: bias of shape {found:?}; the network needs [{expected}]")]
    Bias {
        layer: usize,
        found: Vec<usize>,
        expected: usize,
    },
    #[error("{found} skips; a depth-{depth} network has {blocks} blocks")]
    SkipCount {
        found: usize,
        blocks: usize,
        depth: usize,
    },
}

impl Shape {
    /// The shapes of weight layer `i` (0 at the input side, `depth` the
    /// output layer).
    pub fn layer(&self, i: usize) -> LayerShape {
        LayerShape {
            fan_in: if i == 0 { self.inputs } else { self.width },
            fan_out: if i == self.depth {
                self.outputs
            } else {
                self.width
            },
        }
    }

    /// The shapes of every weight layer, input side first.
    pub fn layers(&self) -> Vec<LayerShape> {
        (0..=self.depth).map(|i| self.layer(i)).collect()
    }

    /// Whether `layers` has one layer per weight layer of this shape.
    pub fn check_layer_count(&self, layers: usize) -> Result<(), ShapeError> {
        if layers == self.depth + 1 {
            Ok(())
        } else {
            Err(ShapeError::LayerCount {
                found: layers,
                expected: self.depth + 1,
            })
        }
    }

    /// The one check that a layer read from a file fits this shape: weight
    /// `i` has dimensions [fan_out, fan_in] and its bias [fan_out].
    pub fn check_layer_fits(
        &self,
        i: usize,
        weight_dims: &[usize],
        bias_dims: &[usize],
    ) -> Result<(), ShapeError> {
        let expected = self.layer(i);
        if weight_dims != expected.weight_dims() {
            return Err(ShapeError::Weight {
                layer: i,
                found: weight_dims.to_vec(),
                expected: expected.weight_dims(),
            });
        }
        if bias_dims != [expected.fan_out] {
            return Err(ShapeError::Bias {
                layer: i,
                found: bias_dims.to_vec(),
                expected: expected.fan_out,
            });
        }
        Ok(())
    }

    /// Whether `layers` fit this shape: as many as its weight layers, each
    /// passing `check_layer_fits`.
    pub fn check_weights_fit(&self, layers: &[Dense]) -> Result<(), ShapeError> {
        self.check_layer_count(layers.len())?;
        layers.iter().enumerate().try_for_each(|(i, layer)| {
            self.check_layer_fits(i, layer.weight.shape(), layer.bias.shape())
        })
    }

    /// Whether `skips` has one switch per residual block.
    pub fn check_skips_fit(&self, skips: &[bool]) -> Result<(), ShapeError> {
        let blocks = block_count(self.depth);
        if skips.len() == blocks {
            Ok(())
        } else {
            Err(ShapeError::SkipCount {
                found: skips.len(),
                blocks,
                depth: self.depth,
            })
        }
    }
}

impl Mlp {
    /// A freshly initialised network. The weights drawn do not depend on the
    /// skips, so a plain and a residual twin from one seed start identical.
    #[allow(clippy::too_many_arguments)]
    pub fn new<R: Rng + ?Sized>(
        shape: Shape,
        activation: Activation,
        init: Init,
        gain: f32,
        skip: Skip,
        branch_init: BranchInit,
        rng: &mut R,
    ) -> Mlp {
        let mut layers: Vec<Dense> = shape
            .layers()
            .into_iter()
            .map(|layer| Dense {
                weight: init.weights(layer.fan_in, layer.fan_out, gain, rng),
                bias: Array1::zeros(layer.fan_out),
            })
            .collect();
        let blocks = block_count(shape.depth);
        if branch_init == BranchInit::Zero {
            for k in 0..blocks {
                layers[block_layers(k).1].weight.fill(0.0);
            }
        }
        let (style, on) = match skip {
            Skip::Off => (SkipStyle::Identity, false),
            Skip::Slides => (SkipStyle::Slides, true),
            Skip::Identity => (SkipStyle::Identity, true),
        };
        Mlp {
            layers,
            activation,
            style,
            skips: vec![on; blocks],
        }
    }

    /// A network from parts read back from a file: `skips` must have one
    /// entry per residual block of `layers` (`block_count(depth)`), which
    /// the file readers check before calling this.
    pub fn from_parts(
        layers: Vec<Dense>,
        activation: Activation,
        style: SkipStyle,
        skips: Vec<bool>,
    ) -> Mlp {
        Mlp {
            layers,
            activation,
            style,
            skips,
        }
    }

    /// Whether each block's skip is on.
    pub fn skips(&self) -> &[bool] {
        &self.skips
    }

    /// How a skip joins its block (applies to the blocks whose skip is on).
    pub fn style(&self) -> SkipStyle {
        self.style
    }

    /// Turns one block's skip on or off. Returns false for a block that
    /// does not exist.
    pub fn set_skip(&mut self, block: usize, on: bool) -> bool {
        match self.skips.get_mut(block) {
            Some(skip) => {
                *skip = on;
                true
            }
            None => false,
        }
    }

    pub fn set_all_skips(&mut self, on: bool) {
        self.skips.fill(on);
    }

    pub fn set_skip_style(&mut self, style: SkipStyle) {
        self.style = style;
    }

    /// The one rule for "toggle": block `block`'s skip flips. Returns its
    /// new value, or `None` for a block that does not exist.
    pub fn toggle_skip(&mut self, block: usize) -> Option<bool> {
        let on = !*self.skips.get(block)?;
        self.set_skip(block, on);
        Some(on)
    }

    /// The one rule for "toggle all": if any skip is on, all go off;
    /// otherwise all go on. Returns the new value.
    pub fn toggle_all_skips(&mut self) -> bool {
        let on = !self.skips.iter().any(|&s| s);
        self.set_all_skips(on);
        on
    }

    pub fn shape(&self) -> Shape {
        Shape {
            inputs: self.layers[0].fan_in(),
            depth: self.depth(),
            width: self.layers[0].fan_out(),
            outputs: self.layers[self.depth()].fan_out(),
        }
    }

    /// Hidden layers.
    pub fn depth(&self) -> usize {
        self.layers.len() - 1
    }

    pub fn parameter_count(&self) -> usize {
        self.layers
            .iter()
            .map(|l| l.weight.len() + l.bias.len())
            .sum()
    }

    /// The skip state as the configuration names it.
    pub fn skip(&self) -> Skip {
        match (self.skips.iter().any(|&on| on), self.style) {
            (false, _) => Skip::Off,
            (true, SkipStyle::Slides) => Skip::Slides,
            (true, SkipStyle::Identity) => Skip::Identity,
        }
    }

    /// Whether a skip ends at hidden layer `i` (i is a block's second layer
    /// and that block's skip is on). Its source is a[i - 2].
    pub fn skip_lands_at(&self, i: usize) -> bool {
        i >= 2 && i.is_multiple_of(2) && self.skips.get(i / 2 - 1).copied().unwrap_or(false)
    }

    /// Forward pass over `x` ([batch, inputs]); leaves every intermediate the
    /// backward pass needs in `ws` and the outputs in `ws.output`.
    pub fn forward(&self, x: ArrayView2<'_, f32>, ws: &mut Workspace) {
        self.forward_pass(x, ws, true);
    }

    /// The forward pass without the slopes g'(pre) the backward pass needs:
    /// the same outputs, bit for bit, for evaluation and the landscape.
    pub fn forward_values(&self, x: ArrayView2<'_, f32>, ws: &mut Workspace) {
        self.forward_pass(x, ws, false);
    }

    fn forward_pass(&self, x: ArrayView2<'_, f32>, ws: &mut Workspace, slopes: bool) {
        let depth = self.depth();
        for i in 0..=depth {
            let layer = &self.layers[i];
            let (done, rest) = ws.act.split_at_mut(i);
            let input = if i == 0 { x } else { done[i - 1].view() };
            let pre = if i == depth {
                &mut ws.output
            } else {
                &mut ws.pre[i]
            };
            // z = a W^T + b: start from the bias, let the GEMM add a W^T.
            fill_rows(pre, &layer.bias);
            matmul(input, layer.weight.t(), 1.0, pre.view_mut());
            if i == depth {
                break;
            }
            let lands = self.skip_lands_at(i);
            if lands && self.style == SkipStyle::Slides {
                *pre += &done[i - 2];
            }
            let act = &mut rest[0];
            if slopes {
                kernels::activate(
                    self.activation,
                    flat(pre),
                    flat_mut(act),
                    flat_mut(&mut ws.slope[i]),
                );
            } else {
                kernels::activate_values(self.activation, flat(pre), flat_mut(act));
            }
            if lands && self.style == SkipStyle::Identity {
                *act += &done[i - 2];
            }
        }
    }

    /// Backward pass: from dL/d(output) in `ws.output_grad` to the gradient
    /// of every parameter in `grads`. Needs the `ws` of the forward pass on
    /// the same `x`. Leaves delta = dL/d(pre-activation) of every hidden layer
    /// in `ws.grad`, and in `ws.highway` how the gradient reaching each
    /// block's input splits between its skip and its branch.
    pub fn backward(&self, x: ArrayView2<'_, f32>, ws: &mut Workspace, grads: &mut [Dense]) {
        let depth = self.depth();
        // Output layer: z = a W^T + b, so dW = dz^T a, db = sum dz, da = dz W.
        let out = &self.layers[depth];
        let last_act = if depth == 0 {
            x
        } else {
            ws.act[depth - 1].view()
        };
        weight_grads(&ws.output_grad, last_act, &mut grads[depth]);
        matmul(
            ws.output_grad.view(),
            out.weight.view(),
            0.0,
            ws.grad[depth - 1].view_mut(),
        );

        for i in (0..depth).rev() {
            // ws.grad[i] holds dL/da[i], skip contributions included.
            let lands = self.skip_lands_at(i);
            let (below, rest) = ws.grad.split_at_mut(i);
            let grad = &mut rest[0];
            if lands && self.style == SkipStyle::Identity {
                // a[i] = g(pre) + a[i-2]: the skip passes dL/da[i] unchanged.
                below[i - 2].assign(grad);
            }
            // delta = dL/dpre = dL/da * g'(pre).
            kernels::multiply_slope(flat_mut(grad), flat(&ws.slope[i]));
            if lands && self.style == SkipStyle::Slides {
                // pre = z + a[i-2]: the skip receives delta, after g'.
                below[i - 2].assign(grad);
            }
            if lands {
                // The skip's share, kept until the branch adds its own.
                ws.skip_term.assign(&below[i - 2]);
            }
            let input = if i == 0 { x } else { ws.act[i - 1].view() };
            weight_grads(grad, input, &mut grads[i]);
            if i > 0 {
                // A skip landing at i + 1 already wrote into dL/da[i-1]: add to it.
                let skipped = self.skip_lands_at(i + 1);
                let beta = if skipped { 1.0 } else { 0.0 };
                matmul(
                    grad.view(),
                    self.layers[i].weight.view(),
                    beta,
                    below[i - 1].view_mut(),
                );
                // Layer i is block k's first layer when i = 2k + 1.
                if i % 2 == 1
                    && let Some(flow) = ws.highway.get_mut(i / 2)
                {
                    let total = flat(&below[i - 1]);
                    *flow = if skipped {
                        let skip = flat(&ws.skip_term);
                        BlockFlow {
                            skip: kernels::sum_squares(skip).sqrt() as f32,
                            branch: kernels::sum_squared_difference(total, skip).sqrt() as f32,
                        }
                    } else {
                        BlockFlow {
                            skip: 0.0,
                            branch: kernels::sum_squares(total).sqrt() as f32,
                        }
                    };
                }
            }
        }
    }

    /// Outputs for `x`, allocating a workspace (evaluation, plots, checks).
    pub fn predict(&self, x: ArrayView2<'_, f32>) -> Array2<f32> {
        let mut ws = Workspace::new(&self.shape(), x.nrows());
        self.forward(x, &mut ws);
        ws.output
    }

    /// Block `block`'s input and output for the inputs `x`: the hidden
    /// activations entering its first layer and leaving its second (None
    /// if there is no such block). With a zero branch and the identity
    /// style (or the slides' style and ReLU) the two are equal.
    pub fn block_input_output(
        &self,
        block: usize,
        x: ArrayView2<'_, f32>,
    ) -> Option<(Array2<f32>, Array2<f32>)> {
        if block >= self.skips.len() {
            return None;
        }
        let mut ws = Workspace::new(&self.shape(), x.nrows());
        self.forward(x, &mut ws);
        let (_, second) = block_layers(block);
        Some((ws.act[second - 2].clone(), ws.act[second].clone()))
    }

    /// Zero-filled gradient buffers shaped like the parameters.
    pub fn zero_grads(&self) -> Vec<Dense> {
        self.layers
            .iter()
            .map(|l| Dense::zeros(l.fan_in(), l.fan_out()))
            .collect()
    }
}

/// dW = delta^T input, db = column sums of delta.
fn weight_grads(delta: &Array2<f32>, input: ArrayView2<'_, f32>, grad: &mut Dense) {
    matmul(delta.t(), input, 0.0, grad.weight.view_mut());
    kernels::add_rows(flat(delta), delta.ncols(), flat_mut(&mut grad.bias));
}

/// Every intermediate of one forward and backward pass, allocated once per
/// batch size and reused step after step.
#[derive(Clone, Debug)]
pub struct Workspace {
    pub batch: usize,
    /// Argument of g in every hidden layer: z, or z + a[l] under a slides skip.
    pub pre: Vec<Array2<f32>>,
    /// Output a of every hidden layer.
    pub act: Vec<Array2<f32>>,
    /// g'(pre) of every hidden layer.
    pub slope: Vec<Array2<f32>>,
    /// dL/da, turned into delta = dL/dpre during the backward pass.
    pub grad: Vec<Array2<f32>>,
    /// [batch, outputs].
    pub output: Array2<f32>,
    /// dL/d(output), written by the loss.
    pub output_grad: Array2<f32>,
    /// Scratch space of `width` floats for the statistics.
    pub scratch: Vec<f32>,
    /// [batch, width]: the skip's part of dL/da at a block's input, kept
    /// while the backward pass adds the branch's.
    pub skip_term: Array2<f32>,
    /// Per residual block: the norms of the two parts of dL/da at its
    /// input (the last backward pass's).
    pub highway: Vec<BlockFlow>,
}

/// How the gradient reaching a residual block's input a_in divides:
/// dL/da_in = skip term + branch term. With a_out = g(z2) + a_in the skip
/// term is dL/da_out itself; with the slides' a_out = g(z2 + a_in) it is
/// g'(z2 + a_in) · dL/da_out; with the skip off it is 0 and the branch is
/// the one path there is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BlockFlow {
    /// ||skip term|| over the batch (Frobenius norm).
    pub skip: f32,
    /// ||branch term||: what comes back through the block's two layers.
    pub branch: f32,
}

impl Workspace {
    pub fn new(shape: &Shape, batch: usize) -> Workspace {
        let hidden = || {
            (0..shape.depth)
                .map(|_| Array2::zeros((batch, shape.width)))
                .collect::<Vec<_>>()
        };
        Workspace {
            batch,
            pre: hidden(),
            act: hidden(),
            slope: hidden(),
            grad: hidden(),
            output: Array2::zeros((batch, shape.outputs)),
            output_grad: Array2::zeros((batch, shape.outputs)),
            scratch: vec![0.0; shape.width],
            skip_term: Array2::zeros((batch, shape.width)),
            highway: vec![BlockFlow::default(); block_count(shape.depth)],
        }
    }
}

/// Every row of `rows` set to `row`: `assign` with broadcasting, as a copy
/// per row (ndarray's broadcast walks element by element, which cost a
/// tenth of a narrow network's forward pass).
fn fill_rows(rows: &mut Array2<f32>, row: &Array1<f32>) {
    let row = flat(row);
    for r in flat_mut(rows).chunks_exact_mut(row.len()) {
        r.copy_from_slice(row);
    }
}
