//! Everything that defines a training run, as one JSON-serialisable value,
//! and the validation that names each bad field and its allowed range.

use crate::lang::{Lang, say};
use serde::{Deserialize, Serialize};

use super::activation::Activation;
use super::data::Dataset;
use super::init::Init;
use super::loss::Loss;
use super::mlp::{BranchInit, Skip};
use super::optim::OptimizerKind;

/// Largest accepted values; large enough for every lesson (depth 200 at
/// width 1024 trains), small enough that a typo cannot eat the machine.
pub const MAX_DEPTH: usize = 256;
pub const MAX_WIDTH: usize = 1024;
pub const MAX_BATCH: usize = 8192;
pub const MAX_SAMPLES: usize = 200_000;
pub const MAX_CLASSES: usize = 8;

/// The configuration of one run: network, initialisation, optimiser, data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Hidden dense layers, each followed by the activation.
    pub depth: usize,
    /// Units in every hidden layer.
    pub width: usize,
    pub activation: Activation,
    pub init: Init,
    /// Multiplies every initial weight: 4 or 8 provokes exploding gradients.
    pub init_gain: f32,
    /// The skip style every residual block starts with (`off`: a plain net).
    pub skip: Skip,
    /// `zero` starts the second layer of every block at zero weights.
    pub branch_init: BranchInit,
    pub loss: Loss,
    pub optimizer: OptimizerKind,
    pub learning_rate: f32,
    /// Momentum coefficient (optimizer `momentum` only).
    pub momentum: f32,
    /// Clip the global gradient norm to this value; `null` for no clipping.
    pub clip: Option<f32>,
    /// Mini-batch size; larger than the training set means full batch.
    pub batch: usize,
    pub dataset: Dataset,
    /// Classes of `spiral` and `gaussians`; the other data sets have two.
    pub classes: usize,
    /// Points generated, training and test together.
    pub samples: usize,
    /// Spread added to the points, in units of the data's scale.
    pub noise: f32,
    /// Share of the points held out for the test set.
    pub test_fraction: f32,
    pub seed: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            depth: 8,
            width: 32,
            activation: Activation::Sigmoid,
            init: Init::Lecun,
            init_gain: 1.0,
            skip: Skip::Off,
            branch_init: BranchInit::Normal,
            loss: Loss::CrossEntropy,
            optimizer: OptimizerKind::Adam,
            learning_rate: 1e-3,
            momentum: 0.9,
            clip: None,
            batch: 64,
            dataset: Dataset::Spiral,
            classes: 3,
            samples: 600,
            noise: 0.1,
            test_fraction: 0.2,
            seed: 1,
        }
    }
}

/// A configuration value outside what gradscope accepts.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{field} = {value} is not allowed: {allowed}")]
pub struct ConfigError {
    /// The field's name, as in the JSON and (with dashes) on the command line.
    pub field: &'static str,
    pub value: String,
    /// The allowed values, in words (English; `Display` and the CLI).
    pub allowed: String,
    /// The same in Italian, for the window.
    pub allowed_it: String,
}

impl ConfigError {
    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        say!(
            lang,
            "{} = {} is not allowed: {}",
            "{} = {} non è ammesso: {}",
            self.field,
            self.value,
            lang.pick(&self.allowed, &self.allowed_it)
        )
    }
}

fn check(
    ok: bool,
    field: &'static str,
    value: impl ToString,
    (allowed, allowed_it): (&str, &str),
) -> Result<(), ConfigError> {
    if ok {
        Ok(())
    } else {
        Err(ConfigError {
            field,
            value: value.to_string(),
            allowed: allowed.to_string(),
            allowed_it: allowed_it.to_string(),
        })
    }
}

fn pair((en, it): &(String, String)) -> (&str, &str) {
    (en, it)
}

/// "an integer from lo to hi", in both languages.
fn integers(lo: usize, hi: usize) -> (String, String) {
    (
        format!("an integer from {lo} to {hi}"),
        format!("un intero da {lo} a {hi}"),
    )
}

fn in_range<T: PartialOrd>(v: T, lo: T, hi: T) -> bool {
    lo <= v && v <= hi
}

impl Config {
    /// Input features: every data set is two-dimensional.
    pub const INPUTS: usize = 2;

    /// Units of the output layer: one per class.
    pub fn outputs(&self) -> usize {
        self.dataset.classes(self.classes)
    }

    /// Points in the test set (at least one in each split).
    pub fn test_samples(&self) -> usize {
        let test = (self.samples as f64 * f64::from(self.test_fraction)).round() as usize;
        test.min(self.samples - 1)
    }

    /// The first invalid field, if any, with its allowed range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check(
            in_range(self.depth, 1, MAX_DEPTH),
            "depth",
            self.depth,
            pair(&integers(1, MAX_DEPTH)),
        )?;
        check(
            in_range(self.width, 1, MAX_WIDTH),
            "width",
            self.width,
            pair(&integers(1, MAX_WIDTH)),
        )?;
        check(
            self.init_gain.is_finite() && in_range(self.init_gain, 1e-3, 100.0),
            "init_gain",
            self.init_gain,
            ("a number from 0.001 to 100", "un numero da 0,001 a 100"),
        )?;
        check(
            self.learning_rate.is_finite()
                && self.learning_rate > 0.0
                && self.learning_rate <= 10.0,
            "learning_rate",
            self.learning_rate,
            (
                "a number greater than 0 and at most 10",
                "un numero maggiore di 0 e al massimo 10",
            ),
        )?;
        check(
            self.momentum.is_finite() && (0.0..1.0).contains(&self.momentum),
            "momentum",
            self.momentum,
            ("a number from 0 to below 1", "un numero da 0 a meno di 1"),
        )?;
        if let Some(clip) = self.clip {
            check(
                clip.is_finite() && clip > 0.0,
                "clip",
                clip,
                (
                    "a positive number, or null for no clipping",
                    "un numero positivo, o null per non limitare",
                ),
            )?;
        }
        check(
            in_range(self.batch, 1, MAX_BATCH),
            "batch",
            self.batch,
            pair(&integers(1, MAX_BATCH)),
        )?;
        check(
            in_range(self.classes, 2, MAX_CLASSES),
            "classes",
            self.classes,
            pair(&integers(2, MAX_CLASSES)),
        )?;
        check(
            in_range(self.samples, 20, MAX_SAMPLES),
            "samples",
            self.samples,
            pair(&integers(20, MAX_SAMPLES)),
        )?;
        check(
            self.noise.is_finite() && in_range(self.noise, 0.0, 1.0),
            "noise",
            self.noise,
            ("a number from 0 to 1", "un numero da 0 a 1"),
        )?;
        check(
            self.test_fraction.is_finite() && in_range(self.test_fraction, 0.0, 0.5),
            "test_fraction",
            self.test_fraction,
            ("a number from 0 to 0.5", "un numero da 0 a 0,5"),
        )?;
        Ok(())
    }

    /// Parses and validates a configuration from JSON.
    pub fn from_json(text: &str) -> Result<Config, String> {
        let config: Config =
            serde_json::from_str(text).map_err(|e| format!("configuration JSON: {e}"))?;
        config.validate().map_err(|e| e.to_string())?;
        Ok(config)
    }

    pub fn to_json(&self) -> String {
        // Serialising plain data with string keys cannot fail.
        serde_json::to_string_pretty(self).expect("Config serialises")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid_and_round_trips() {
        let config = Config::default();
        config.validate().unwrap();
        assert_eq!(Config::from_json(&config.to_json()).unwrap(), config);
    }

    #[test]
    fn unknown_fields_and_variants_are_named() {
        let err = Config::from_json(r#"{"depht": 3}"#).unwrap_err();
        assert!(err.contains("depht"), "{err}");
        let err = Config::from_json(r#"{"activation": "softsign"}"#).unwrap_err();
        assert!(err.contains("softsign") && err.contains("sigmoid"), "{err}");
    }
}
