//! Everything that defines a training run, as one JSON-serialisable value,
//! and the validation that names each bad field and its allowed range (as
//! data: the words are in `lang`).

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::activation::Activation;
use super::data::{Data, Dataset};
use super::init::Init;
use super::loss::Loss;
use super::memory::{self, MemoryEstimate, NETWORK_BUDGET};
use super::mlp::{BranchInit, Shape, Skip};
use super::optim::OptimizerKind;
use super::table::{self, Table};

/// Largest accepted values of each field alone; large enough for every
/// lesson (depth 256 at width 32, or width 1024 at depth 100). A whole
/// configuration must also fit the memory budget (`memory`), so depth 256
/// and width 1024 together are refused.
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
    /// The teacher's table when `dataset` is `csv`. Not in the JSON: a
    /// session carries it beside the configuration, the command line
    /// reads it with `--data`.
    #[serde(skip)]
    pub table: Option<Arc<Table>>,
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
            table: None,
        }
    }
}

/// What a field accepts: the data of a message, whose words (English and
/// Italian) are at the edge, in `lang`.
#[derive(Clone, Debug, PartialEq)]
pub enum Allowed {
    /// An integer from `lo` to `hi`.
    Integers { lo: u64, hi: u64 },
    /// A number from `lo` to `hi`.
    Numbers { lo: f32, hi: f32 },
    /// A number greater than 0 and at most the value.
    PositiveUpTo(f32),
    /// A number from 0 to below 1.
    BelowOne,
    /// A positive number, or null for no clipping.
    PositiveOrNull,
    /// The `csv` data set with its table: a CSV file opened with `--data`
    /// or from the window.
    TableNeeded,
    /// A configuration whose network fits the memory budget: this one
    /// needs `estimate` bytes, one network may use `budget` (lower the
    /// depth, width or batch).
    Memory { estimate: u64, budget: u64 },
}

impl Allowed {
    /// Whether `v` is allowed (integers: `v` is whole and in range).
    pub fn admits(&self, v: f64) -> bool {
        v.is_finite()
            && match *self {
                Allowed::Integers { lo, hi } => {
                    v.fract() == 0.0 && lo as f64 <= v && v <= hi as f64
                }
                Allowed::Numbers { lo, hi } => f64::from(lo) <= v && v <= f64::from(hi),
                Allowed::PositiveUpTo(hi) => 0.0 < v && v <= f64::from(hi),
                Allowed::BelowOne => (0.0..1.0).contains(&v),
                Allowed::PositiveOrNull => v > 0.0,
                Allowed::TableNeeded => false,
                // A budget is about a whole configuration, not one value.
                Allowed::Memory { .. } => false,
            }
    }
}

/// English, for logs and `Display`; the window and the command line say it
/// through `explain::Explain`.
impl std::fmt::Display for Allowed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Allowed::Integers { lo, hi } => write!(f, "an integer from {lo} to {hi}"),
            Allowed::Numbers { lo, hi } => write!(f, "a number from {lo} to {hi}"),
            Allowed::PositiveUpTo(hi) => write!(f, "a number greater than 0 and at most {hi}"),
            Allowed::BelowOne => f.write_str("a number from 0 to below 1"),
            Allowed::PositiveOrNull => f.write_str("a positive number, or null for no clipping"),
            Allowed::TableNeeded => {
                f.write_str("a CSV file to train on, opened with --data FILE.csv or in the window")
            }
            Allowed::Memory { estimate, budget } => write!(
                f,
                "the network would need about {:.1} GiB of memory, more than the {:.1} GiB budget of one network; lower the depth, width or batch",
                memory::gib(*estimate),
                memory::gib(*budget)
            ),
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
    pub allowed: Allowed,
}

impl ConfigError {
    /// `field` = `value` is outside `allowed`.
    pub fn new(field: &'static str, value: impl ToString, allowed: Allowed) -> ConfigError {
        ConfigError {
            field,
            value: value.to_string(),
            allowed,
        }
    }
}

/// A configuration read from JSON that is not one.
#[derive(Debug, thiserror::Error)]
pub enum ConfigJsonError {
    /// Not JSON, or an unknown field or variant (serde names it).
    #[error("configuration JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Invalid(#[from] ConfigError),
}

fn check(
    ok: bool,
    field: &'static str,
    value: impl ToString,
    allowed: Allowed,
) -> Result<(), ConfigError> {
    if ok {
        Ok(())
    } else {
        Err(ConfigError::new(field, value, allowed))
    }
}

fn integers(lo: usize, hi: usize) -> Allowed {
    Allowed::Integers {
        lo: lo as u64,
        hi: hi as u64,
    }
}

fn numbers(lo: f32, hi: f32) -> Allowed {
    Allowed::Numbers { lo, hi }
}

fn in_range<T: PartialOrd>(v: T, lo: T, hi: T) -> bool {
    lo <= v && v <= hi
}

impl Config {
    /// Input features of the toys, which are two-dimensional.
    pub const TOY_INPUTS: usize = 2;

    /// The table this configuration trains on: the digits, the attached
    /// CSV table, or none (a toy, or `csv` before a file is opened).
    pub fn table(&self) -> Option<Arc<Table>> {
        match self.dataset {
            Dataset::Digits => Some(table::digits()),
            Dataset::Csv => self.table.clone(),
            _ => None,
        }
    }

    /// Input features per point.
    pub fn inputs(&self) -> usize {
        self.table()
            .map_or(Config::TOY_INPUTS, |table| table.inputs)
    }

    /// Units of the output layer: one per class.
    pub fn outputs(&self) -> usize {
        match self.table() {
            Some(table) => table.classes(),
            None => self.dataset.classes(self.classes),
        }
    }

    /// Points, training and test together: a table's rows, or `samples`.
    pub fn sample_count(&self) -> usize {
        self.table().map_or(self.samples, |table| table.rows())
    }

    /// Points in the test set (at least one in each split).
    pub fn test_samples(&self) -> usize {
        let samples = self.sample_count();
        let test = (samples as f64 * f64::from(self.test_fraction)).round() as usize;
        test.min(samples.saturating_sub(1))
    }

    /// The points of this configuration, split: the table's rows or the
    /// generated toy, from the seed's data stream `seed`.
    pub fn data(&self, seed: u64) -> Data {
        match self.table() {
            Some(table) => Data::from_table(self.dataset, &table, self.test_samples(), seed),
            None => Data::generate(
                self.dataset,
                self.classes,
                self.samples,
                self.test_samples(),
                self.noise,
                seed,
            ),
        }
    }

    /// What a numeric field accepts (`None` for a field that is not a
    /// number): the one table `validate` and the command line's flags use.
    pub fn allowed(field: &str) -> Option<Allowed> {
        Some(match field {
            "depth" => integers(1, MAX_DEPTH),
            "width" => integers(1, MAX_WIDTH),
            "batch" => integers(1, MAX_BATCH),
            "classes" => integers(2, MAX_CLASSES),
            "samples" => integers(20, MAX_SAMPLES),
            "init_gain" => numbers(1e-3, 100.0),
            "learning_rate" => Allowed::PositiveUpTo(10.0),
            "momentum" => Allowed::BelowOne,
            "clip" => Allowed::PositiveOrNull,
            "noise" => numbers(0.0, 1.0),
            "test_fraction" => numbers(0.0, 0.5),
            "seed" => Allowed::Integers {
                lo: 0,
                hi: u64::MAX,
            },
            _ => return None,
        })
    }

    /// The first invalid field, if any, with its allowed range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check(
            in_range(self.depth, 1, MAX_DEPTH),
            "depth",
            self.depth,
            integers(1, MAX_DEPTH),
        )?;
        check(
            in_range(self.width, 1, MAX_WIDTH),
            "width",
            self.width,
            integers(1, MAX_WIDTH),
        )?;
        check(
            self.init_gain.is_finite() && in_range(self.init_gain, 1e-3, 100.0),
            "init_gain",
            self.init_gain,
            numbers(1e-3, 100.0),
        )?;
        check(
            self.learning_rate.is_finite()
                && self.learning_rate > 0.0
                && self.learning_rate <= 10.0,
            "learning_rate",
            self.learning_rate,
            Allowed::PositiveUpTo(10.0),
        )?;
        check(
            self.momentum.is_finite() && (0.0..1.0).contains(&self.momentum),
            "momentum",
            self.momentum,
            Allowed::BelowOne,
        )?;
        if let Some(clip) = self.clip {
            check(
                clip.is_finite() && clip > 0.0,
                "clip",
                clip,
                Allowed::PositiveOrNull,
            )?;
        }
        check(
            in_range(self.batch, 1, MAX_BATCH),
            "batch",
            self.batch,
            integers(1, MAX_BATCH),
        )?;
        check(
            self.dataset != Dataset::Csv || self.table.is_some(),
            "dataset",
            self.dataset,
            Allowed::TableNeeded,
        )?;
        check(
            in_range(self.classes, 2, MAX_CLASSES),
            "classes",
            self.classes,
            integers(2, MAX_CLASSES),
        )?;
        check(
            in_range(self.samples, 20, MAX_SAMPLES),
            "samples",
            self.samples,
            integers(20, MAX_SAMPLES),
        )?;
        check(
            self.noise.is_finite() && in_range(self.noise, 0.0, 1.0),
            "noise",
            self.noise,
            numbers(0.0, 1.0),
        )?;
        check(
            self.test_fraction.is_finite() && in_range(self.test_fraction, 0.0, 0.5),
            "test_fraction",
            self.test_fraction,
            numbers(0.0, 0.5),
        )?;
        self.check_memory()
    }

    /// The bytes a run of this configuration needs (see `nn::memory`).
    /// Meaningful for a configuration whose fields are in range.
    pub fn memory(&self) -> MemoryEstimate {
        let test = self.test_samples();
        let train = self.sample_count() - test;
        MemoryEstimate::of(
            &self.shape(),
            self.batch.clamp(1, train.max(1)),
            train,
            test,
        )
    }

    /// Whether one network of this configuration fits `NETWORK_BUDGET`;
    /// the error names the batch when its workspace is the larger part,
    /// the depth otherwise.
    fn check_memory(&self) -> Result<(), ConfigError> {
        let estimate = self.memory();
        let total = estimate.total();
        if total <= NETWORK_BUDGET {
            return Ok(());
        }
        let allowed = Allowed::Memory {
            estimate: total,
            budget: NETWORK_BUDGET,
        };
        Err(if estimate.workspace > estimate.parameter_bytes() {
            ConfigError::new("batch", self.batch, allowed)
        } else {
            ConfigError::new("depth", self.depth, allowed)
        })
    }

    /// Parses and validates a configuration from JSON.
    pub fn from_json(text: &str) -> Result<Config, ConfigJsonError> {
        let config: Config = serde_json::from_str(text)?;
        config.validate()?;
        Ok(config)
    }

    /// The dimensions of the network this configuration makes.
    pub fn shape(&self) -> Shape {
        Shape {
            inputs: self.inputs(),
            depth: self.depth,
            width: self.width,
            outputs: self.outputs(),
        }
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
        let err = Config::from_json(r#"{"depht": 3}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("depht"), "{err}");
        let err = Config::from_json(r#"{"activation": "softsign"}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("softsign") && err.contains("sigmoid"), "{err}");
    }
}
