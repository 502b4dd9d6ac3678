//! The teacher's CSV table in a session: a session that trained on one
//! carries it (the `table` field), so it reopens on another machine
//! without the file. The table is checked like a file's (`Table::check`)
//! before the runs are; a session of the `csv` data set without one is
//! refused. For the size check, only the table's shape is read first (its
//! width and how many classes), every other field skipped unread.

use std::sync::Arc;

use serde::de::{Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::RestoreError;
use crate::nn::table::{MAX_CELLS, MAX_INPUTS, MAX_ROWS, MAX_TABLE_CLASSES};
use crate::nn::{Config, Dataset, Table, TableError};

/// The table a session saves beside `config`: the CSV table, when the
/// configuration trains on one (the digits are in every binary).
pub fn saved_table(config: &Config) -> Option<Arc<Table>> {
    (config.dataset == Dataset::Csv)
        .then(|| config.table.clone())
        .flatten()
}

/// `config` with the session's table attached, checked; a `csv` session
/// without a table is refused.
pub fn with_table(config: &Config, table: Option<&Arc<Table>>) -> Result<Config, RestoreError> {
    let mut config = config.clone();
    if let Some(table) = table {
        table.check().map_err(RestoreError::Table)?;
        config.table = Some(table.clone());
    } else if config.dataset == Dataset::Csv && config.table.is_none() {
        return Err(RestoreError::NoTable);
    }
    Ok(config)
}

/// Most numbers (commas) a carried table adds to a session: every cell and
/// label, and room for names that hold commas.
pub const TABLE_NUMBERS: u64 =
    (MAX_CELLS + MAX_ROWS + MAX_INPUTS + MAX_TABLE_CLASSES) as u64 + (1 << 20);

/// A table's shape, read before its rows (which are skipped unread).
#[derive(Deserialize)]
pub(super) struct TableHead {
    inputs: usize,
    class_names: Count,
}

impl TableHead {
    /// A table of this shape and no rows, for bounding the session's
    /// arrays; refused outside the limits a table has.
    pub(super) fn stand_in(&self) -> Result<Table, RestoreError> {
        if !(1..=MAX_INPUTS).contains(&self.inputs) {
            let inputs = self.inputs;
            return Err(RestoreError::Table(TableError::Inputs { inputs }));
        }
        let classes = self.class_names.0;
        if !(2..=MAX_TABLE_CLASSES).contains(&classes) {
            return Err(RestoreError::Table(TableError::Classes { classes }));
        }
        Ok(Table {
            name: String::new(),
            inputs: self.inputs,
            feature_names: Vec::new(),
            class_names: vec![String::new(); classes],
            features: Vec::new(),
            labels: Vec::new(),
            image: None,
            standardise: true,
        })
    }
}

/// How many elements a JSON array has, counted without keeping them.
struct Count(usize);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Count, D::Error> {
        struct Counter;
        impl<'de> Visitor<'de> for Counter {
            type Value = Count;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Count, A::Error> {
                let mut n = 0;
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    n += 1;
                }
                Ok(Count(n))
            }
        }
        deserializer.deserialize_seq(Counter)
    }
}

/// `Option<Arc<Table>>` as an optional table (serde's `rc` feature is not
/// on: it would rebuild every crate that uses serde).
pub(super) mod arc {
    use super::*;

    pub fn serialize<S: Serializer>(
        table: &Option<Arc<Table>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        table.as_deref().serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Arc<Table>>, D::Error> {
        Ok(Option::<Table>::deserialize(deserializer)?.map(Arc::new))
    }
}
