//! What the owner (the window, a test, `gradscope run`) says to the trainer
//! thread: playback, edits of the networks, and the rest. Each kind is its
//! own enum, matched without wildcards, so a new command cannot be
//! silently ignored by the worker.

use std::sync::mpsc;

use crate::nn::{Config, Mlp, Moments, OptimizerKind, SkipStyle};

use super::history::History;

/// How fast to train.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Speed {
    /// As many steps per second as the CPU gives.
    Max,
    /// At most this many steps per second (at least 0.1).
    PerSecond(f64),
}

/// One network or two twins trained in lockstep.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Single,
    /// A plain twin (every skip off) and a residual twin (the skips of the
    /// configuration, or identity style if it has none), from identical
    /// initial weights on the identical sequence of mini-batches.
    Twins,
}

/// Which twin a run is, in compare mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Twin {
    /// Every skip off, always: edits of the topology pass it by.
    Plain,
    /// The twin whose skips the class switches.
    Residual,
}

impl Twin {
    /// The name in files (sessions, `summary.json`, file names).
    pub fn code(self) -> &'static str {
        match self {
            Twin::Plain => "plain",
            Twin::Residual => "residual",
        }
    }

    /// The twin named `code` in a file; `""` is a single run (`Some(None)`),
    /// anything else is not a run name (`None`).
    pub fn from_code(code: &str) -> Option<Option<Twin>> {
        match code {
            "" => Some(None),
            "plain" => Some(Some(Twin::Plain)),
            "residual" => Some(Some(Twin::Residual)),
            _ => None,
        }
    }
}

/// A run's name in files: its twin's code, or "" for a single run.
pub fn run_code(twin: Option<Twin>) -> &'static str {
    twin.map_or("", Twin::code)
}

/// A run as the trainer and the window know it: what a session saves
/// and `Command::Restore` brings back.
#[derive(Clone, Debug)]
pub struct RunState {
    pub twin: Option<Twin>,
    pub mlp: Mlp,
    pub steps: u64,
    pub history: History,
    /// None: the optimiser starts afresh.
    pub moments: Option<Moments>,
}

/// Starting, stopping and pacing the steps.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Playback {
    Play,
    Pause,
    /// Take `n` steps, then pause.
    Step(u64),
    SetSpeed(Speed),
}

/// Changes to the networks while they train, each recorded as an event on
/// the runs it changed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Edit {
    SetLearningRate(f32),
    SetOptimizer(OptimizerKind),
    SetClip(Option<f32>),
    SetSkipStyle(SkipStyle),
    /// Every block's skip on or off (on the residual twin in twin mode).
    SetAllSkips(bool),
    SetSkip {
        block: usize,
        on: bool,
    },
    /// All skips off if any is on, else all on (`Mlp::toggle_all_skips`).
    ToggleAllSkips,
    /// One block's skip flipped (`Mlp::toggle_skip`).
    ToggleSkip(usize),
    ZeroBranch(usize),
}

impl Edit {
    /// Whether the edit changes the network's topology or weights (the
    /// plain twin keeps its skips off; a paused network is measured again).
    pub fn changes_network(self) -> bool {
        match self {
            Edit::SetLearningRate(_) | Edit::SetOptimizer(_) | Edit::SetClip(_) => false,
            Edit::SetSkipStyle(_)
            | Edit::SetAllSkips(_)
            | Edit::SetSkip { .. }
            | Edit::ToggleAllSkips
            | Edit::ToggleSkip(_)
            | Edit::ZeroBranch(_) => true,
        }
    }
}

/// What the trainer measures and sends besides the steps.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Watch {
    /// Send a histogram of this hidden layer's pre-activations over
    /// [lo, hi] with each batch (`None`: none).
    Histogram(Option<HistogramRequest>),
    /// Evaluate on the test set every this many steps (at least 1).
    EvalEvery(u64),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HistogramRequest {
    pub layer: usize,
    pub lo: f32,
    pub hi: f32,
    pub bins: usize,
}

/// What the owner asks of the trainer. Each takes effect between two steps.
#[derive(Clone, Debug)]
pub enum Command {
    Playback(Playback),
    Edit(Edit),
    Watch(Watch),
    /// Start over with a new configuration (and clear an error).
    Reset {
        config: Config,
        mode: Mode,
    },
    /// Send every run's network and step count (histories stay with the
    /// watcher, which has them all): for saving a session.
    Networks(mpsc::Sender<(u64, Vec<RunState>)>),
    /// Start over from saved networks and their histories, paused.
    Restore {
        config: Config,
        mode: Mode,
        runs: Vec<RunState>,
    },
    /// Makes the next step panic: the recovery path, tested.
    #[cfg(test)]
    Panic,
}

impl From<Playback> for Command {
    fn from(playback: Playback) -> Command {
        Command::Playback(playback)
    }
}

impl From<Edit> for Command {
    fn from(edit: Edit) -> Command {
        Command::Edit(edit)
    }
}

impl From<Watch> for Command {
    fn from(watch: Watch) -> Command {
        Command::Watch(watch)
    }
}
