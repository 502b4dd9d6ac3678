//! The 2-2-2 network of the first slide, in f64, with every name the slide
//! uses: inputs i1, i2; hidden h1, h2; outputs o1, o2; weights w1..w8;
//! biases b1 (shared by h1 and h2) and b2 (shared by o1 and o2); sigmoid
//! everywhere; E = sum of 1/2 (t - o)^2.
//!
//! Edges: w1 i1->h1, w2 i2->h1, w3 i1->h2, w4 i2->h2,
//!        w5 h1->o1, w6 h2->o1, w7 h1->o2, w8 h2->o2.

use serde::Serialize;

use super::activation::sigmoid_f64;

/// Parameter names in the order of `Textbook::params`.
pub const PARAM_NAMES: [&str; 10] = ["w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "b1", "b2"];

/// The example's state: inputs, targets, parameters and learning rate.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Textbook {
    pub i1: f64,
    pub i2: f64,
    pub t1: f64,
    pub t2: f64,
    /// w1..w8, b1, b2.
    pub params: [f64; 10],
    pub learning_rate: f64,
}

impl Default for Textbook {
    /// The slide's values.
    fn default() -> Self {
        Textbook {
            i1: 0.05,
            i2: 0.10,
            t1: 0.01,
            t2: 0.99,
            params: [0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55, 0.35, 0.60],
            learning_rate: 0.5,
        }
    }
}

/// Every value of the forward pass.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Forward {
    pub net_h1: f64,
    pub out_h1: f64,
    pub net_h2: f64,
    pub out_h2: f64,
    pub net_o1: f64,
    pub out_o1: f64,
    pub net_o2: f64,
    pub out_o2: f64,
    #[serde(rename = "E_o1")]
    pub e_o1: f64,
    #[serde(rename = "E_o2")]
    pub e_o2: f64,
    #[serde(rename = "E_total")]
    pub e_total: f64,
}

/// One gradient written as the chain rule, factor by factor:
/// dE/dp = dE/dout x dout/dnet x dnet/dp (for b1 and b2, summed over the
/// units the bias feeds).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Chain {
    pub param: &'static str,
    /// (name of the factor, value), multiplied in order; for a shared bias
    /// one product per unit, added.
    pub terms: Vec<Vec<(String, f64)>>,
    pub gradient: f64,
}

/// The backward pass: the deltas dE/dnet of every unit and all gradients.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Backward {
    pub delta_o1: f64,
    pub delta_o2: f64,
    /// dE/dout_h1 = delta_o1 w5 + delta_o2 w7 (h1 feeds both outputs).
    pub de_dout_h1: f64,
    pub de_dout_h2: f64,
    pub delta_h1: f64,
    pub delta_h2: f64,
    /// dE/dw1..dE/dw8, dE/db1, dE/db2.
    pub gradients: [f64; 10],
}

impl Textbook {
    pub fn forward(&self) -> Forward {
        let [w1, w2, w3, w4, w5, w6, w7, w8, b1, b2] = self.params;
        let net_h1 = w1 * self.i1 + w2 * self.i2 + b1;
        let net_h2 = w3 * self.i1 + w4 * self.i2 + b1;
        let (out_h1, out_h2) = (sigmoid_f64(net_h1), sigmoid_f64(net_h2));
        let net_o1 = w5 * out_h1 + w6 * out_h2 + b2;
        let net_o2 = w7 * out_h1 + w8 * out_h2 + b2;
        let (out_o1, out_o2) = (sigmoid_f64(net_o1), sigmoid_f64(net_o2));
        let e_o1 = 0.5 * (self.t1 - out_o1).powi(2);
        let e_o2 = 0.5 * (self.t2 - out_o2).powi(2);
        Forward {
            net_h1,
            out_h1,
            net_h2,
            out_h2,
            net_o1,
            out_o1,
            net_o2,
            out_o2,
            e_o1,
            e_o2,
            e_total: e_o1 + e_o2,
        }
    }

    pub fn backward(&self, f: &Forward) -> Backward {
        let [_, _, _, _, w5, w6, w7, w8, _, _] = self.params;
        // Output units: dE/dout = -(t - out), dout/dnet = out (1 - out).
        let delta_o1 = (f.out_o1 - self.t1) * f.out_o1 * (1.0 - f.out_o1);
        let delta_o2 = (f.out_o2 - self.t2) * f.out_o2 * (1.0 - f.out_o2);
        // Hidden units collect the error of both outputs they feed.
        let de_dout_h1 = delta_o1 * w5 + delta_o2 * w7;
        let de_dout_h2 = delta_o1 * w6 + delta_o2 * w8;
        let delta_h1 = de_dout_h1 * f.out_h1 * (1.0 - f.out_h1);
        let delta_h2 = de_dout_h2 * f.out_h2 * (1.0 - f.out_h2);
        let gradients = [
            delta_h1 * self.i1,
            delta_h1 * self.i2,
            delta_h2 * self.i1,
            delta_h2 * self.i2,
            delta_o1 * f.out_h1,
            delta_o1 * f.out_h2,
            delta_o2 * f.out_h1,
            delta_o2 * f.out_h2,
            delta_h1 + delta_h2,
            delta_o1 + delta_o2,
        ];
        Backward {
            delta_o1,
            delta_o2,
            de_dout_h1,
            de_dout_h2,
            delta_h1,
            delta_h2,
            gradients,
        }
    }

    /// The chain rule for parameter `index` (0..10, in `PARAM_NAMES` order).
    pub fn chain(&self, index: usize) -> Option<Chain> {
        let f = self.forward();
        let b = self.backward(&f);
        let param = *PARAM_NAMES.get(index)?;
        let output = |o: usize| {
            let (out, t) = if o == 1 {
                (f.out_o1, self.t1)
            } else {
                (f.out_o2, self.t2)
            };
            vec![
                (format!("dE/dout_o{o}"), out - t),
                (format!("dout_o{o}/dnet_o{o}"), out * (1.0 - out)),
            ]
        };
        let hidden = |h: usize| {
            let (de, out) = if h == 1 {
                (b.de_dout_h1, f.out_h1)
            } else {
                (b.de_dout_h2, f.out_h2)
            };
            vec![
                (format!("dE/dout_h{h}"), de),
                (format!("dout_h{h}/dnet_h{h}"), out * (1.0 - out)),
            ]
        };
        let with = |mut terms: Vec<(String, f64)>, name: String, value: f64| {
            terms.push((name, value));
            terms
        };
        let terms = match index {
            0..=3 => {
                let h = 1 + index / 2;
                let value = if index.is_multiple_of(2) {
                    self.i1
                } else {
                    self.i2
                };
                vec![with(hidden(h), format!("dnet_h{h}/d{param}"), value)]
            }
            4..=7 => {
                let o = 1 + (index - 4) / 2;
                let value = if index.is_multiple_of(2) {
                    f.out_h1
                } else {
                    f.out_h2
                };
                vec![with(output(o), format!("dnet_o{o}/d{param}"), value)]
            }
            8 => vec![
                with(hidden(1), "dnet_h1/db1".into(), 1.0),
                with(hidden(2), "dnet_h2/db1".into(), 1.0),
            ],
            _ => vec![
                with(output(1), "dnet_o1/db2".into(), 1.0),
                with(output(2), "dnet_o2/db2".into(), 1.0),
            ],
        };
        Some(Chain {
            param,
            terms,
            gradient: b.gradients[index],
        })
    }

    /// One gradient-descent step on all weights (and the biases if asked).
    /// Returns the gradients it used.
    pub fn step(&mut self, update_biases: bool) -> [f64; 10] {
        let grads = self.backward(&self.forward()).gradients;
        let trained = if update_biases { 10 } else { 8 };
        for (p, g) in self.params.iter_mut().zip(grads).take(trained) {
            *p -= self.learning_rate * g;
        }
        grads
    }

    /// `steps` steps; returns E_total after each.
    pub fn train(&mut self, steps: usize, update_biases: bool) -> Vec<f64> {
        (0..steps)
            .map(|_| {
                self.step(update_biases);
                self.forward().e_total
            })
            .collect()
    }
}
