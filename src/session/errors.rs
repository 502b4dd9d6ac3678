//! What can go wrong with a session file, as data (the words are in
//! `explain`): saving, opening, and every inconsistency a restore finds.

use std::path::PathBuf;

use super::values::ValueRange;
use super::{MAX_SESSION_BYTES, VERSION};
use crate::files::FileKind;
use crate::nn::{ConfigError, LayerShape, OptimizerKind, ShapeError, TableError};
use crate::train::Mode;

/// A session that could not be saved or opened.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("cannot save the session: {numbers} numbers would make a file too large to open again")]
    TooManyNumbers { numbers: u64 },
    #[error("cannot save the session: {0}")]
    Encode(#[source] serde_json::Error),
    #[error("cannot save the session to {}: {source}", path.display())]
    Save {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the session {}: {problem}", path.display())]
    Open { path: PathBuf, problem: OpenProblem },
}

/// Why a session file could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenProblem {
    #[error(transparent)]
    Io(std::io::Error),
    #[error("it is {kind}, not a regular file")]
    NotAFile { kind: FileKind },
    #[error("the file is {bytes} bytes, more than a session can be ({MAX_SESSION_BYTES})")]
    TooLarge { bytes: u64 },
    #[error("not a text file")]
    NotText,
    /// serde_json's words, which point at a line and column.
    #[error("not a gradscope session file ({0})")]
    NotSession(serde_json::Error),
    #[error(transparent)]
    Invalid(RestoreError),
    /// More numbers than its configuration can need (a huge array): found
    /// before any array is read into memory.
    #[error("it holds about {found} numbers; its configuration needs at most {limit}")]
    TooManyNumbers { found: u64, limit: u64 },
}

/// What makes a session inconsistent; `run` is a run's name.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error("not a gradscope session (format \"{format}\")")]
    Format { format: String },
    #[error("session version {version} is not supported (this gradscope reads version {VERSION})")]
    Version { version: u32 },
    #[error("its configuration is invalid: {0}")]
    Config(ConfigError),
    /// The CSV table it carries is not a table gradscope would read.
    #[error("its data table is invalid: {0}")]
    Table(TableError),
    #[error("it trained on a CSV table (data set csv) but does not carry the table")]
    NoTable,
    #[error("a {mode:?} session has {expected} run(s), this one {found}")]
    RunCount {
        mode: Mode,
        expected: usize,
        found: usize,
    },
    #[error(
        "run \"{run}\" is not a run this program makes (allowed: \"\", \"plain\", \"residual\")"
    )]
    RunName { run: String },
    #[error("run \"{run}\" claims {steps} steps, more than any session can hold")]
    TooManySteps { run: String, steps: u64 },
    /// Layers or skips that do not fit the configuration; for a weight,
    /// `expected` is the layer's shape.
    #[error("run \"{run}\": {problem}")]
    Shape {
        run: String,
        problem: ShapeError,
        expected: Option<LayerShape>,
    },
    #[error("run \"{run}\": its history's steps are out of order")]
    HistoryOrder { run: String },
    #[error("run \"{run}\": its history does not match its layers")]
    HistoryLayers { run: String },
    #[error("a history bucket does not count its steps")]
    BucketSteps,
    #[error("a history value is missing")]
    MissingValue,
    #[error("run \"{run}\": an event names a step, block or layer it does not have")]
    Event { run: String },
    #[error("its replay moment at step {step} does not match its runs")]
    Replay { step: u64 },
    #[error("run \"{run}\": an evaluation is after its last step")]
    Evaluation { run: String },
    #[error(
        "run \"{run}\": its optimiser state is for {saved}, its configuration uses {configured}"
    )]
    OptimizerKind {
        run: String,
        saved: OptimizerKind,
        configured: OptimizerKind,
    },
    #[error("run \"{run}\": its optimiser state does not match its network")]
    OptimizerState { run: String },
    #[error("run \"{run}\", step {step}: {field} {value} is not allowed: {range}")]
    Value {
        run: String,
        step: u64,
        field: String,
        value: String,
        range: ValueRange,
    },
}
