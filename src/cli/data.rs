//! The teacher's table on the command line: `--data FILE.csv` and
//! `--label-column NAME|INDEX` of `run` and `sweep`. `--data` means
//! `--dataset csv`; `--dataset csv` without a file, another data set with
//! a file, and `--label-column` without `--data` are each one line naming
//! the problem.

use std::path::PathBuf;

use crate::nn::{Config, Dataset};
use crate::table_file::{self, LabelColumn};

use super::{UsageError, said};

/// The table flags `run` and `sweep` share.
#[derive(Debug, Clone, clap::Args)]
pub struct DataFlags {
    /// Train on this CSV file (implies --dataset csv): numeric feature
    /// columns and one label column, with or without a header row; labels
    /// may be numbers or words.
    #[arg(long, value_name = "FILE.csv")]
    data: Option<PathBuf>,
    /// The label column of --data: a header's name, or a column's number
    /// counted from 1 (default: the last column).
    #[arg(long, value_name = "NAME|INDEX")]
    label_column: Option<String>,
}

impl DataFlags {
    /// Reads the table into `config` when a file is given; checks that the
    /// data set and the flags agree.
    pub fn apply(
        &self,
        config: &mut Config,
        dataset_flag: Option<Dataset>,
    ) -> Result<(), UsageError> {
        let Some(path) = &self.data else {
            if let Some(label) = &self.label_column {
                return Err(UsageError(format!(
                    "--label-column {label}: names the label column of a CSV file, and no --data FILE.csv was given"
                )));
            }
            if config.dataset == Dataset::Csv {
                return Err(UsageError(
                    "--dataset csv needs --data FILE.csv: the table to train on (numeric feature columns and a label column)".into(),
                ));
            }
            return Ok(());
        };
        if let Some(other) = dataset_flag.filter(|&d| d != Dataset::Csv) {
            return Err(UsageError(format!(
                "--dataset {other} and --data {}: --data trains on the CSV file (--dataset csv); give one or the other",
                path.display()
            )));
        }
        let label = self
            .label_column
            .as_deref()
            .map_or(LabelColumn::Last, LabelColumn::parse);
        let table = table_file::load(path, &label).map_err(|e| said(Some("--data"), &e))?;
        config.dataset = Dataset::Csv;
        config.table = Some(std::sync::Arc::new(table));
        Ok(())
    }
}
