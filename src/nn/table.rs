//! Real data as a table: rows of numeric features and one class per row,
//! from the built-in handwritten digits or a teacher's CSV file (read at
//! the edge, in `table_file`). The core only checks that a table makes
//! sense; it never reads a file.

use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

/// Most features a table may have (a 32×32 image has 1024).
pub const MAX_INPUTS: usize = 1024;
/// Most classes a table may have.
pub const MAX_TABLE_CLASSES: usize = 100;
/// Fewest rows a table may have: a training and a test split of some use.
pub const MIN_ROWS: usize = 20;
/// Most rows a table may have (as many as a generated data set).
pub const MAX_ROWS: usize = super::config::MAX_SAMPLES;
/// Most numbers a table may hold: 16 MiB of f32, so a session that
/// carries the table stays a file of tens of MB.
pub const MAX_CELLS: usize = 4 << 20;

/// A labelled table. Row `r`'s features are
/// `features[r * inputs .. (r + 1) * inputs]`, its class `labels[r]`,
/// named `class_names[labels[r]]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// What the window and the files call it: "digits", or the file's name.
    pub name: String,
    pub inputs: usize,
    /// One name per feature column (the header's, or "x1", "x2", ...).
    pub feature_names: Vec<String>,
    /// One name per class, in the order of the class indices.
    pub class_names: Vec<String>,
    /// Row-major features, as read (the split standardises them).
    pub features: Vec<f32>,
    pub labels: Vec<usize>,
    /// Rows and columns of the image a row is (the digits: 8×8), for the
    /// views that draw inputs and first-layer weights as pictures.
    #[serde(default)]
    pub image: Option<[usize; 2]>,
    /// Whether the split standardises each feature with the training
    /// split's mean and deviation (a CSV's columns have any units); the
    /// digits keep their pixels in [0, 1].
    #[serde(default)]
    pub standardise: bool,
}

/// What is wrong with a table, as data (the words are in `explain`).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum TableError {
    #[error("the table has {rows} rows; it needs from {MIN_ROWS} to {MAX_ROWS}")]
    Rows { rows: usize },
    #[error("the table has {inputs} feature columns; it needs from 1 to {MAX_INPUTS}")]
    Inputs { inputs: usize },
    #[error("the table has {cells} numbers; at most {MAX_CELLS} fit")]
    Cells { cells: usize },
    #[error("the table has {classes} classes; it needs from 2 to {MAX_TABLE_CLASSES}")]
    Classes { classes: usize },
    #[error("the table's arrays do not match its shape")]
    Inconsistent,
    #[error("row {row}, feature {column} is not a finite number")]
    NotFinite { row: usize, column: usize },
}

impl Table {
    pub fn rows(&self) -> usize {
        self.labels.len()
    }

    pub fn classes(&self) -> usize {
        self.class_names.len()
    }

    /// Row `r`'s features.
    pub fn row(&self, r: usize) -> &[f32] {
        &self.features[r * self.inputs..(r + 1) * self.inputs]
    }

    /// Checks the limits and that the arrays agree (a table from a file
    /// or a session): the first problem found.
    pub fn check(&self) -> Result<(), TableError> {
        let rows = self.rows();
        if !(1..=MAX_INPUTS).contains(&self.inputs) {
            return Err(TableError::Inputs {
                inputs: self.inputs,
            });
        }
        if !(MIN_ROWS..=MAX_ROWS).contains(&rows) {
            return Err(TableError::Rows { rows });
        }
        let cells = rows.saturating_mul(self.inputs);
        if cells > MAX_CELLS {
            return Err(TableError::Cells { cells });
        }
        if !(2..=MAX_TABLE_CLASSES).contains(&self.classes()) {
            return Err(TableError::Classes {
                classes: self.classes(),
            });
        }
        let image_fits = self.image.is_none_or(|[h, w]| h * w == self.inputs);
        if self.features.len() != cells
            || self.feature_names.len() != self.inputs
            || self.labels.iter().any(|&y| y >= self.classes())
            || !image_fits
        {
            return Err(TableError::Inconsistent);
        }
        if let Some(i) = self.features.iter().position(|v| !v.is_finite()) {
            return Err(TableError::NotFinite {
                row: i / self.inputs,
                column: i % self.inputs,
            });
        }
        Ok(())
    }

    /// Rows of each class, in class order.
    pub fn class_counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.classes()];
        for &y in &self.labels {
            counts[y] += 1;
        }
        counts
    }
}

/// The handwritten digits, gzipped as scikit-learn ships them: 1797 rows
/// of 64 pixels (0..16) and the digit.
static DIGITS_CSV_GZ: &[u8] = include_bytes!("../../assets/data/digits.csv.gz");

/// The UCI "Optical Recognition of Handwritten Digits" test set (E.
/// Alpaydin, C. Kaynak; CC BY 4.0): 1797 images of 8×8 pixels scaled to
/// [0, 1], ten classes. Decompressed once, then shared.
pub fn digits() -> Arc<Table> {
    static DIGITS: OnceLock<Arc<Table>> = OnceLock::new();
    DIGITS.get_or_init(|| Arc::new(parse_digits())).clone()
}

fn parse_digits() -> Table {
    use std::io::Read;
    let mut text = String::new();
    // The file is part of the binary and tested: it always decompresses.
    flate2::read::GzDecoder::new(DIGITS_CSV_GZ)
        .read_to_string(&mut text)
        .expect("the embedded digits decompress");
    let mut features = Vec::with_capacity(1797 * 64);
    let mut labels = Vec::with_capacity(1797);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let values: Vec<f32> = line
            .split(',')
            .map(|v| v.trim().parse().expect("the embedded digits are numbers"))
            .collect();
        let (pixels, label) = values.split_at(64);
        features.extend(pixels.iter().map(|p| p / 16.0));
        labels.push(label[0] as usize);
    }
    Table {
        name: "digits".into(),
        inputs: 64,
        feature_names: (0..64)
            .map(|i| format!("pixel {}.{}", i / 8 + 1, i % 8 + 1))
            .collect(),
        class_names: (0..10).map(|d| d.to_string()).collect(),
        features,
        labels,
        image: Some([8, 8]),
        standardise: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digits_are_1797_images_of_ten_classes_in_unit_range() {
        let digits = digits();
        digits.check().unwrap();
        assert_eq!((digits.rows(), digits.inputs, digits.classes()), (1797, 64, 10));
        assert!(digits.features.iter().all(|&p| (0.0..=1.0).contains(&p)));
        assert!(digits.features.contains(&1.0) && digits.features.contains(&0.0));
        // scikit-learn's copy: 178 zeros, 182 ones, ..., 180 nines.
        assert_eq!(
            digits.class_counts(),
            [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
        );
        // The first image is a 0: its centre column is dark, its sides lit.
        let first = digits.row(0);
        assert_eq!(digits.labels[0], 0);
        assert_eq!(first[3 * 8 + 3], 0.0);
        assert_eq!((first[3 * 8 + 2], first[3 * 8 + 5]), (0.75, 0.5));
    }

    #[test]
    fn check_names_what_is_wrong() {
        let mut table = (*digits()).clone();
        table.labels.truncate(10);
        table.features.truncate(640);
        assert_eq!(table.check(), Err(TableError::Rows { rows: 10 }));
        let mut table = (*digits()).clone();
        table.features[65] = f32::NAN;
        assert_eq!(
            table.check(),
            Err(TableError::NotFinite { row: 1, column: 1 })
        );
        let mut table = (*digits()).clone();
        table.class_names.truncate(1);
        assert_eq!(table.check(), Err(TableError::Classes { classes: 1 }));
    }
}
