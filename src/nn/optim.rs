//! Optimisers: SGD, SGD with momentum, Adam (PyTorch's update rules), with
//! optional clipping of the global gradient norm applied before the update.

use serde::{Deserialize, Serialize};

use super::kernels::{self, AdamStep, flat, flat_mut};
use super::mlp::Dense;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OptimizerKind {
    /// w -= lr g
    Sgd,
    /// v = mu v + g; w -= lr v
    Momentum,
    /// Adam (beta1 0.9, beta2 0.999, eps 1e-8), bias-corrected.
    Adam,
}

impl OptimizerKind {
    pub const ALL: [OptimizerKind; 3] = [
        OptimizerKind::Sgd,
        OptimizerKind::Momentum,
        OptimizerKind::Adam,
    ];

    pub fn name(self) -> &'static str {
        match self {
            OptimizerKind::Sgd => "sgd",
            OptimizerKind::Momentum => "momentum",
            OptimizerKind::Adam => "adam",
        }
    }
}

impl std::fmt::Display for OptimizerKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

const ADAM_BETA1: f32 = 0.9;
const ADAM_BETA2: f32 = 0.999;
const ADAM_EPS: f32 = 1e-8;

/// Per-parameter state: one buffer for momentum, two for Adam.
#[derive(Clone, Debug)]
struct LayerState {
    first: Dense,
    second: Option<Dense>,
}

/// What an optimiser carries from step to step, as a session saves it:
/// with it a reopened run takes exactly the step the saved one would have.
#[derive(Clone, Debug, PartialEq)]
pub struct Moments {
    pub kind: OptimizerKind,
    /// Updates taken (Adam's bias correction).
    pub t: u64,
    /// Per layer, input to output: the first moment (momentum's velocity,
    /// Adam's m) and Adam's second (v). Empty for SGD, and before the
    /// first step.
    pub layers: Vec<(Dense, Option<Dense>)>,
}

/// An optimiser and its state. Changing the kind between two steps starts it
/// from fresh state, as a new PyTorch optimiser would.
#[derive(Clone, Debug)]
pub struct Optimizer {
    kind: OptimizerKind,
    pub momentum: f32,
    state: Vec<LayerState>,
    /// Updates taken by this optimiser (Adam's bias correction).
    t: u64,
}

impl Optimizer {
    pub fn new(kind: OptimizerKind, momentum: f32) -> Optimizer {
        Optimizer {
            kind,
            momentum,
            state: Vec::new(),
            t: 0,
        }
    }

    pub fn kind(&self) -> OptimizerKind {
        self.kind
    }

    pub fn set_kind(&mut self, kind: OptimizerKind) {
        if kind != self.kind {
            *self = Optimizer::new(kind, self.momentum);
        }
    }

    /// Its state, to save.
    pub fn moments(&self) -> Moments {
        Moments {
            kind: self.kind,
            t: self.t,
            layers: self
                .state
                .iter()
                .map(|l| (l.first.clone(), l.second.clone()))
                .collect(),
        }
    }

    /// Takes up saved state for `layers`. State of another kind, or shaped
    /// for another network, is refused (false) and this optimiser starts
    /// afresh; sessions check both before they get here.
    pub fn restore(&mut self, moments: Moments, layers: &[Dense]) -> bool {
        let shaped =
            |d: &Dense, l: &Dense| d.weight.dim() == l.weight.dim() && d.bias.dim() == l.bias.dim();
        let fits = moments.kind == self.kind
            && (moments.layers.is_empty()
                || (self.kind != OptimizerKind::Sgd
                    && moments.layers.len() == layers.len()
                    && moments
                        .layers
                        .iter()
                        .zip(layers)
                        .all(|((first, second), l)| {
                            shaped(first, l)
                                && match second {
                                    Some(second) => {
                                        self.kind == OptimizerKind::Adam && shaped(second, l)
                                    }
                                    None => self.kind != OptimizerKind::Adam,
                                }
                        })));
        *self = Optimizer::new(self.kind, self.momentum);
        if fits {
            self.t = moments.t;
            self.state = moments
                .layers
                .into_iter()
                .map(|(first, second)| LayerState { first, second })
                .collect();
        }
        fits
    }

    /// Applies one update with gradients `grads` times `scale` (the clipping
    /// factor, 1 for none). Writes ||update of W|| / ||W|| per layer into
    /// `update_ratio` (W measured before the update).
    pub fn step(
        &mut self,
        layers: &mut [Dense],
        grads: &[Dense],
        lr: f32,
        scale: f32,
        update_ratio: &mut [f32],
    ) {
        if self.kind != OptimizerKind::Sgd && self.state.len() != layers.len() {
            self.state = layers
                .iter()
                .map(|l| LayerState {
                    first: Dense::zeros(l.fan_in(), l.fan_out()),
                    second: (self.kind == OptimizerKind::Adam)
                        .then(|| Dense::zeros(l.fan_in(), l.fan_out())),
                })
                .collect();
        }
        self.t += 1;
        let rule = Rule::new(self.kind, self.momentum, lr, scale, self.t);
        for (i, (layer, grad)) in layers.iter_mut().zip(grads).enumerate() {
            let state = self.state.get_mut(i);
            let (first_w, second_w, first_b, second_b) = match state {
                Some(LayerState { first, second }) => {
                    let (sw, sb) = match second {
                        Some(s) => (Some(flat_mut(&mut s.weight)), Some(flat_mut(&mut s.bias))),
                        None => (None, None),
                    };
                    (
                        Some(flat_mut(&mut first.weight)),
                        sw,
                        Some(flat_mut(&mut first.bias)),
                        sb,
                    )
                }
                None => (None, None, None, None),
            };
            let (weight_sq, update_sq) = rule.apply(
                flat_mut(&mut layer.weight),
                flat(&grad.weight),
                first_w,
                second_w,
            );
            rule.apply(
                flat_mut(&mut layer.bias),
                flat(&grad.bias),
                first_b,
                second_b,
            );
            update_ratio[i] = if weight_sq > 0.0 {
                (update_sq / weight_sq).sqrt() as f32
            } else {
                f32::INFINITY
            };
        }
    }
}

/// The update rule with its per-step constants folded in.
struct Rule {
    kind: OptimizerKind,
    momentum: f32,
    lr: f32,
    scale: f32,
    /// Adam: lr / (1 - beta1^t) and 1 / sqrt(1 - beta2^t).
    adam_step: f32,
    adam_inv_bc2_sqrt: f32,
}

impl Rule {
    fn new(kind: OptimizerKind, momentum: f32, lr: f32, scale: f32, t: u64) -> Rule {
        let t = t.min(i32::MAX as u64) as i32;
        Rule {
            kind,
            momentum,
            lr,
            scale,
            adam_step: lr / (1.0 - ADAM_BETA1.powi(t)),
            adam_inv_bc2_sqrt: 1.0 / (1.0 - ADAM_BETA2.powi(t)).sqrt(),
        }
    }

    /// Updates `w` in place; returns (sum of w^2 before, sum of update^2).
    fn apply(
        &self,
        w: &mut [f32],
        g: &[f32],
        first: Option<&mut [f32]>,
        second: Option<&mut [f32]>,
    ) -> (f64, f64) {
        let weight_sq = kernels::sum_squares(w);
        let update_sq = match (self.kind, first, second) {
            (OptimizerKind::Momentum, Some(v), _) => {
                kernels::momentum(w, g, v, self.momentum, self.scale, self.lr);
                f64::from(self.lr).powi(2) * kernels::sum_squares(v)
            }
            (OptimizerKind::Adam, Some(m), Some(s)) => kernels::adam(
                w,
                g,
                m,
                s,
                AdamStep {
                    beta1: ADAM_BETA1,
                    beta2: ADAM_BETA2,
                    eps: ADAM_EPS,
                    scale: self.scale,
                    step: self.adam_step,
                    inv_bc2_sqrt: self.adam_inv_bc2_sqrt,
                },
            ),
            _ => {
                let step = self.lr * self.scale;
                kernels::sgd(w, g, step);
                f64::from(step).powi(2) * kernels::sum_squares(g)
            }
        };
        (weight_sq, update_sq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn layer(w: f32) -> Vec<Dense> {
        vec![Dense {
            weight: array![[w]],
            bias: array![0.0],
        }]
    }

    #[test]
    fn worked_updates() {
        let grads = vec![Dense {
            weight: array![[2.0]],
            bias: array![0.0],
        }];
        let mut ratio = [0.0];
        // SGD: 1 - 0.1 * 2 = 0.8.
        let mut sgd = layer(1.0);
        Optimizer::new(OptimizerKind::Sgd, 0.9).step(&mut sgd, &grads, 0.1, 1.0, &mut ratio);
        assert!((sgd[0].weight[[0, 0]] - 0.8).abs() < 1e-7);
        assert!((ratio[0] - 0.2).abs() < 1e-6);
        // Momentum, two steps: v = 2, then 0.9 * 2 + 2 = 3.8; w = 1 - 0.2 - 0.38.
        let mut mom = layer(1.0);
        let mut opt = Optimizer::new(OptimizerKind::Momentum, 0.9);
        opt.step(&mut mom, &grads, 0.1, 1.0, &mut ratio);
        opt.step(&mut mom, &grads, 0.1, 1.0, &mut ratio);
        assert!((mom[0].weight[[0, 0]] - 0.42).abs() < 1e-6);
        // Adam's first step moves every weight by lr (times sign of g).
        let mut adam = layer(1.0);
        Optimizer::new(OptimizerKind::Adam, 0.9).step(&mut adam, &grads, 0.01, 1.0, &mut ratio);
        assert!((adam[0].weight[[0, 0]] - 0.99).abs() < 1e-6);
        // Clipping scales the gradient: SGD with scale 0.5.
        let mut clipped = layer(1.0);
        Optimizer::new(OptimizerKind::Sgd, 0.9).step(&mut clipped, &grads, 0.1, 0.5, &mut ratio);
        assert!((clipped[0].weight[[0, 0]] - 0.9).abs() < 1e-7);
    }
}
