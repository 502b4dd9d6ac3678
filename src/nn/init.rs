//! Weight initialisation schemes. Biases always start at zero.

use ndarray::Array2;
use rand::Rng;
use rand_distr::{Distribution, Normal, Uniform};
use serde::{Deserialize, Serialize};

/// How a dense layer's weights are drawn, before the user's gain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Init {
    /// uniform(-0.5, 0.5): TensorFlow Playground's default.
    Uniform,
    /// LeCun normal: variance 1 / fan_in.
    Lecun,
    /// Xavier/Glorot normal: variance 2 / (fan_in + fan_out).
    Xavier,
    /// He/Kaiming normal: variance 2 / fan_in, made for ReLU.
    He,
}

impl Init {
    pub const ALL: [Init; 4] = [Init::Uniform, Init::Lecun, Init::Xavier, Init::He];

    pub fn name(self) -> &'static str {
        match self {
            Init::Uniform => "uniform",
            Init::Lecun => "lecun",
            Init::Xavier => "xavier",
            Init::He => "he",
        }
    }

    /// The scheme's formula, for the UI and the command line.
    pub fn formula(self) -> &'static str {
        match self {
            Init::Uniform => "W ~ gain · U(-0.5, 0.5)",
            Init::Lecun => "W ~ gain · N(0, 1/fan_in)",
            Init::Xavier => "W ~ gain · N(0, 2/(fan_in + fan_out))",
            Init::He => "W ~ gain · N(0, 2/fan_in)",
        }
    }

    /// Standard deviation of one weight for a layer of this shape, gain 1.
    pub fn std(self, fan_in: usize, fan_out: usize) -> f64 {
        let (fan_in, fan_out) = (fan_in as f64, fan_out as f64);
        match self {
            // The variance of U(-a, a) is a^2 / 3.
            Init::Uniform => 0.5 / 3f64.sqrt(),
            Init::Lecun => (1.0 / fan_in).sqrt(),
            Init::Xavier => (2.0 / (fan_in + fan_out)).sqrt(),
            Init::He => (2.0 / fan_in).sqrt(),
        }
    }

    /// A [fan_out, fan_in] weight matrix (torch.nn.Linear's layout), times `gain`.
    pub fn weights<R: Rng + ?Sized>(
        self,
        fan_in: usize,
        fan_out: usize,
        gain: f32,
        rng: &mut R,
    ) -> Array2<f32> {
        let mut draw: Box<dyn FnMut() -> f32 + '_> = match self {
            Init::Uniform => {
                // The bounds are constants, so Uniform::new cannot fail.
                let uniform = Uniform::new(-0.5f32, 0.5).expect("constant bounds");
                Box::new(move || uniform.sample(rng))
            }
            _ => {
                let std = self.std(fan_in, fan_out) as f32;
                // std is finite and positive for fan_in >= 1.
                let normal = Normal::new(0.0f32, std).expect("finite positive std");
                Box::new(move || normal.sample(rng))
            }
        };
        Array2::from_shape_simple_fn((fan_out, fan_in), || gain * draw())
    }
}

impl std::fmt::Display for Init {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn sample_std_matches_the_formula() {
        let mut rng = StdRng::seed_from_u64(7);
        for init in Init::ALL {
            let w = init.weights(200, 100, 2.0, &mut rng);
            assert_eq!(w.dim(), (100, 200));
            let n = w.len() as f64;
            let mean = w.iter().map(|&x| f64::from(x)).sum::<f64>() / n;
            let var = w
                .iter()
                .map(|&x| (f64::from(x) - mean).powi(2))
                .sum::<f64>()
                / n;
            let want = 2.0 * init.std(200, 100);
            assert!(mean.abs() < 0.05 * want, "{init}: mean {mean}");
            assert!(
                (var.sqrt() / want - 1.0).abs() < 0.03,
                "{init}: std {} vs {want}",
                var.sqrt()
            );
        }
    }
}
