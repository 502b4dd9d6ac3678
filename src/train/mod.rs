//! Training in the background: the trainer thread and its commands
//! (`trainer`), what it measured in bounded memory (`history`), and depth
//! sweeps over both cores (`sweep`).

pub mod history;
pub mod sweep;
pub mod trainer;

pub use history::{Agg, Bucket, EvalPoint, Event, EventKind, History};
pub use trainer::{Command, HistogramRequest, Mode, RunUpdate, Speed, State, Trainer, Update};
