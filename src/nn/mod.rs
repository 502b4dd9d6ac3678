//! The network core: ndarray only, no threads, no UI, no files, no
//! translation (errors carry data; `lang` says them in both languages).
//!
//! Read it in this order: `activation` (g and g'), `init`, `mlp` (forward
//! and backward with residual blocks), `loss`, `optim`, `stats` (what a step
//! measures), `data`, `config`, `run` (one training step end to end),
//! `test_view` (what the network makes of the test split: confusion,
//! predictions), and `textbook` (the slide's 2-2-2 example in f64).

pub mod activation;
pub mod config;
pub mod data;
pub mod init;
pub mod kernels;
pub mod landscape;
pub mod linalg;
pub mod loss;
pub mod memory;
pub mod mlp;
pub mod optim;
pub mod run;
pub mod stats;
pub mod table;
pub mod test_view;
pub mod textbook;

pub use activation::Activation;
pub use config::{Allowed, Config, ConfigError, ConfigJsonError};
pub use data::{Data, Dataset};
pub use init::Init;
pub use loss::{Loss, Targets};
pub use memory::MemoryEstimate;
pub use mlp::{
    BlockFlow, BranchInit, Dense, LayerShape, Mlp, Shape, ShapeError, Skip, SkipStyle, Workspace,
};
pub use optim::{Moments, Optimizer, OptimizerKind};
pub use run::{DecisionGrid, Evaluation, Run, batch_gradients, predict_in_chunks};
pub use stats::{Histogram, LayerStats, NonFinite, Phase, StepStats};
pub use table::{Table, TableError};
pub use test_view::{MAX_WEIGHT_UNITS, TestView, predicted_classes};
