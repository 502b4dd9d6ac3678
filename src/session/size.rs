//! The checks that bound a session before its arrays are read: its
//! configuration first (parsed alone, every other field skipped unread),
//! then the numbers the file holds against what that configuration can
//! need, so a huge array is refused without being read into memory.

use serde::Deserialize;

use super::table::{TABLE_NUMBERS, TableHead};
use super::{FORMAT, OpenProblem, RestoreError, VERSION};
use crate::nn::Config;
use crate::nn::mlp::block_count;
use crate::train::{History, Mode};

/// What a session says of itself before its arrays: enough to bound them.
/// Every other field is skipped unread (serde ignores it without
/// allocating), so reading the head costs no memory.
#[derive(Deserialize)]
struct Head {
    format: String,
    version: u32,
    mode: Mode,
    config: Config,
    /// The shape of a carried CSV table (its rows skipped unread).
    #[serde(default)]
    table: Option<TableHead>,
}

/// Most numbers (counted as the commas between them, an upper bound for
/// any JSON layout) a session of `config` in `mode` can hold: per run the
/// weights and two optimiser moments, the skips, and a full history
/// (buckets with two aggregates per layer, the gradient's and the update
/// ratio's, evaluations, events), replay's moments, and a
/// carried CSV table (`TABLE_NUMBERS`).
pub fn max_numbers(config: &Config, mode: Mode) -> u64 {
    let runs: u64 = match mode {
        Mode::Single => 1,
        Mode::Twins => 2,
    };
    let layers = config.depth as u64 + 1;
    let history = History::default().capacity() as u64;
    let per_run = 3 * crate::nn::memory::parameters(&config.shape())
        + 16 * layers
        + block_count(config.depth) as u64
        + 2 * history * (6 * (2 * layers + 1) + 8)
        + 2 * history * 8
        + 64;
    let table = if config.dataset == crate::nn::Dataset::Csv {
        TABLE_NUMBERS
    } else {
        0
    };
    let replay = super::replay::MAX_SAVED_MOMENTS as u64
        * (super::replay::numbers_per_run_moment(config) + 4);
    runs * (per_run + replay) + table + 1024
}

/// Refuses a file with more numbers than its configuration can need,
/// before its arrays are parsed: a huge array would otherwise be read
/// into memory whole (8 bytes a number) before any shape check.
pub(super) fn check_size(text: &str) -> Result<(), OpenProblem> {
    let mut head: Head = serde_json::from_str(text).map_err(OpenProblem::NotSession)?;
    if head.format != FORMAT {
        let format = head.format;
        return Err(OpenProblem::Invalid(RestoreError::Format { format }));
    }
    if head.version != VERSION {
        let version = head.version;
        return Err(OpenProblem::Invalid(RestoreError::Version { version }));
    }
    if let Some(table) = &head.table {
        let stand_in = table.stand_in().map_err(OpenProblem::Invalid)?;
        head.config.table = Some(std::sync::Arc::new(stand_in));
    } else if head.config.dataset == crate::nn::Dataset::Csv {
        return Err(OpenProblem::Invalid(RestoreError::NoTable));
    }
    head.config
        .validate()
        .map_err(|e| OpenProblem::Invalid(RestoreError::Config(e)))?;
    let found = text.bytes().filter(|&b| b == b',').count() as u64;
    let limit = max_numbers(&head.config, head.mode);
    if found > limit {
        return Err(OpenProblem::TooManyNumbers { found, limit });
    }
    Ok(())
}
