//! Loss functions: the value and dL/d(output) for a batch, in one pass.
//! Both average over the batch as PyTorch's defaults do, so `gradscope grads`
//! can be compared with `torch.nn.CrossEntropyLoss` and `torch.nn.MSELoss`.

use ndarray::{Array2, ArrayView2, Zip};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Loss {
    /// Softmax cross-entropy on logits, mean over the batch.
    CrossEntropy,
    /// Mean squared error, mean over every output of every example.
    Mse,
}

/// What the outputs are compared with.
#[derive(Clone, Copy, Debug)]
pub enum Targets<'a> {
    /// One class index per example (one-hot for the squared error).
    Classes(&'a [usize]),
    /// One target vector per example ([batch, outputs]), squared error only.
    Values(ArrayView2<'a, f32>),
}

impl Loss {
    pub fn name(self) -> &'static str {
        match self {
            Loss::CrossEntropy => "cross-entropy",
            Loss::Mse => "mse",
        }
    }

    /// The mean loss over the batch; writes dL/d`output` into `grad`.
    /// Accumulates in f64 so the reported loss does not depend on batch order
    /// at the f32 rounding level more than necessary.
    pub fn value_and_grad(
        self,
        output: &Array2<f32>,
        targets: Targets<'_>,
        grad: &mut Array2<f32>,
    ) -> f64 {
        let (batch, classes) = output.dim();
        match (self, targets) {
            (Loss::CrossEntropy, Targets::Classes(labels)) => {
                let scale = 1.0 / batch as f32;
                let mut total = 0.0f64;
                for ((logits, mut g), &label) in
                    output.rows().into_iter().zip(grad.rows_mut()).zip(labels)
                {
                    // softmax(z) = e^(z - max) / sum e^(z - max): no overflow.
                    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                    let mut sum = 0.0f32;
                    for (gi, &z) in g.iter_mut().zip(logits.iter()) {
                        *gi = (z - max).exp();
                        sum += *gi;
                    }
                    // p_label − 1 = −(the other classes' share), summed
                    // directly: fl(p_label) − 1 would lose the low bits of
                    // a confident prediction's gradient (1% at p = 0.99999).
                    let others: f32 = g
                        .iter()
                        .enumerate()
                        .filter(|&(j, _)| j != label)
                        .map(|(_, &e)| e)
                        .sum();
                    let inv = 1.0 / sum;
                    g.mapv_inplace(|e| e * inv * scale);
                    g[label] = -others * inv * scale;
                    total += f64::from(sum.ln() - (logits[label] - max));
                }
                total / batch as f64
            }
            (Loss::Mse, targets) => {
                let n = (batch * classes) as f32;
                let mut total = 0.0f64;
                let mut add = |g: &mut f32, y: f32, t: f32| {
                    let diff = y - t;
                    total += f64::from(diff * diff);
                    *g = 2.0 * diff / n;
                };
                match targets {
                    Targets::Values(t) => Zip::from(grad)
                        .and(output)
                        .and(&t)
                        .for_each(|g, &y, &t| add(g, y, t)),
                    Targets::Classes(labels) => {
                        for ((row, mut g), &label) in
                            output.rows().into_iter().zip(grad.rows_mut()).zip(labels)
                        {
                            for (k, (gk, &y)) in g.iter_mut().zip(row.iter()).enumerate() {
                                add(gk, y, if k == label { 1.0 } else { 0.0 });
                            }
                        }
                    }
                }
                total / f64::from(n)
            }
            (Loss::CrossEntropy, Targets::Values(_)) => {
                // Rejected where targets are read (the CSV loader); reaching
                // here is a programming error, reported as a NaN loss.
                grad.fill(f32::NAN);
                f64::NAN
            }
        }
    }

    /// The loss alone (allocates; for evaluation and finite differences).
    pub fn value(self, output: &Array2<f32>, targets: Targets<'_>) -> f64 {
        let mut grad = Array2::zeros(output.dim());
        self.value_and_grad(output, targets, &mut grad)
    }
}

/// Share of rows whose largest output is the labelled class.
pub fn accuracy(output: &Array2<f32>, labels: &[usize]) -> f64 {
    if labels.is_empty() {
        return f64::NAN;
    }
    let hits = output
        .rows()
        .into_iter()
        .zip(labels)
        .filter(|(row, label)| argmax(row.iter().copied()) == **label)
        .count();
    hits as f64 / labels.len() as f64
}

fn argmax(values: impl Iterator<Item = f32>) -> usize {
    let mut best = (0, f32::NEG_INFINITY);
    for (i, v) in values.enumerate() {
        if v > best.1 {
            best = (i, v);
        }
    }
    best.0
}

impl std::fmt::Display for Loss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn a_confident_predictions_gradient_keeps_its_digits() {
        // Logits (12, 0, 0): p_0 = 1 / (1 + 2e^-12) ≈ 1 − 1.2e-5.
        let output = array![[12.0f32, 0.0, 0.0]];
        let mut grad = Array2::zeros((1, 3));
        Loss::CrossEntropy.value_and_grad(&output, Targets::Classes(&[0]), &mut grad);
        let other = (-12.0f64).exp() / (1.0 + 2.0 * (-12.0f64).exp());
        let exact = -2.0 * other;
        let relative = (f64::from(grad[[0, 0]]) - exact).abs() / exact.abs();
        assert!(relative < 1e-6, "{relative}");
        assert!((f64::from(grad[[0, 1]]) - other).abs() / other < 1e-6);
    }

    #[test]
    fn cross_entropy_worked_value() {
        // logits (0, ln 2, ln 3): softmax (1/6, 2/6, 3/6).
        let out = array![[0.0f32, 2f32.ln(), 3f32.ln()]];
        let mut g = Array2::zeros((1, 3));
        let loss = Loss::CrossEntropy.value_and_grad(&out, Targets::Classes(&[2]), &mut g);
        assert!((loss - 2f64.ln()).abs() < 1e-6);
        let want = [1.0 / 6.0, 2.0 / 6.0, 3.0 / 6.0 - 1.0];
        for (a, b) in g.iter().zip(want) {
            assert!((a - b).abs() < 1e-6);
        }
        // Huge logits stay finite.
        let out = array![[1e30f32, -1e30, 0.0]];
        assert!(
            Loss::CrossEntropy
                .value(&out, Targets::Classes(&[1]))
                .is_finite()
        );
    }

    #[test]
    fn mse_worked_value() {
        let out = array![[1.0f32, 0.0], [0.5, 0.5]];
        let t = array![[0.0f32, 0.0], [0.5, 1.5]];
        let mut g = Array2::zeros((2, 2));
        let loss = Loss::Mse.value_and_grad(&out, Targets::Values(t.view()), &mut g);
        assert!((loss - 0.5).abs() < 1e-7);
        assert_eq!(g, array![[0.5f32, 0.0], [0.0, -0.5]]);
        let one_hot = Loss::Mse.value(&out, Targets::Classes(&[0, 1]));
        // Row 0 hits its one-hot target exactly; row 1 is 0.5 off twice.
        assert!((one_hot - (0.25 + 0.25) / 4.0).abs() < 1e-7);
    }
}
