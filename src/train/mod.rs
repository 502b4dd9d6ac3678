//! Training in the background: the trainer thread and its commands
//! (`trainer`), what it measured in bounded memory (`history`), and depth
//! sweeps over both cores (`sweep`), and the loss landscape of the live
//! networks on a thread of its own (`landscape`), and the moments of a run
//! the window can go back to (`replay`).

pub mod command;
pub mod history;
pub mod landscape;
pub mod replay;
pub mod sweep;
pub mod trainer;

pub use command::{
    Command, Edit, HistogramRequest, Mode, Playback, RunState, Speed, Twin, Watch, run_code,
};
pub use history::{Agg, Bucket, EvalPoint, Event, EventKind, History};
pub use replay::{Moment, Replay, RunMoment};
pub use trainer::{RunUpdate, SpawnError, State, Trainer, Update};
