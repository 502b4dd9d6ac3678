//! CSV batches for `gradscope grads`: an optional header row, then one
//! example per row: the input features, then either the class index
//! (cross-entropy) or one target per output (squared error).
//!
//! The `csv` crate reads the text (through `csv_records`, the reader the
//! teacher's tables share), so quoted cells, a UTF-8 byte-order mark
//! and LF, CRLF or CR-only line ends all work. A first row whose cells are
//! not all numbers is a header; otherwise it is the first example. Every
//! defect is reported once, with its line and column (counted from 1).

use std::path::{Path, PathBuf};

use ndarray::Array2;

use crate::csv_records::{self, OpenQuote};
use crate::files::{FileKind, NotRegularFile, ReadError, read_limited};
use crate::nn::Loss;

/// Larger batches are not what `grads` is for; the bound also keeps a wrong
/// file from filling memory.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// The examples of a CSV batch.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    /// [rows, inputs].
    pub x: Array2<f32>,
    pub labels: Option<Vec<usize>>,
    /// [rows, outputs], for the squared error.
    pub targets: Option<Array2<f32>>,
}

/// The columns a batch needs: `inputs` features, then the class index
/// (cross-entropy, `outputs` classes) or `outputs` targets (squared error).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Columns {
    pub inputs: usize,
    pub outputs: usize,
    pub loss: Loss,
}

impl Columns {
    pub fn count(self) -> usize {
        self.inputs
            + match self.loss {
                Loss::CrossEntropy => 1,
                Loss::Mse => self.outputs,
            }
    }
}

/// English, for logs and `Display`; `explain::Explain` says it in both languages.
impl std::fmt::Display for Columns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Columns {
            inputs, outputs, ..
        } = self;
        match self.loss {
            Loss::CrossEntropy => write!(
                f,
                "{inputs} feature columns then the class index (0 to {})",
                outputs - 1
            ),
            Loss::Mse => write!(f, "{inputs} feature columns then {outputs} target columns"),
        }
    }
}

/// A batch file that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BatchFileError {
    #[error("{}: cannot read the data: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: cannot read the data: it is {kind}, not a regular file", path.display())]
    NotAFile { path: PathBuf, kind: FileKind },
    #[error("{}: the file is {bytes} bytes; batches for grads are at most {MAX_FILE_BYTES}", path.display())]
    TooLarge { path: PathBuf, bytes: u64 },
    #[error("{}: {problem}", path.display())]
    Invalid { path: PathBuf, problem: BatchError },
}

/// What is wrong with a batch's CSV text; lines and columns count from 1.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error("the file is empty: expected a header row, then one example per row")]
    Empty,
    /// A quoted cell that runs past the end of its line: a quote not closed.
    #[error(
        "line {line}, column {column}: a quoted cell runs over several lines (a \" not closed?)"
    )]
    OpenQuote { line: usize, column: usize },
    #[error("line {line}: {found} columns; expected {}: {columns}", columns.count())]
    ColumnCount {
        line: usize,
        found: usize,
        columns: Columns,
    },
    #[error("line {line}, column {column}: \"{cell}\" is not a finite number")]
    NotANumber {
        line: usize,
        column: usize,
        cell: String,
    },
    #[error("line {line}, column {column}: class \"{cell}\" is not allowed: the class index is an integer from 0 to {}{}", classes - 1, named(names))]
    BadClass {
        line: usize,
        column: usize,
        cell: String,
        classes: usize,
        /// The model's class names (a table's), also accepted; or none.
        names: Vec<String>,
    },
    #[error("no examples after the header: expected rows of {columns}")]
    NoExamples { columns: Columns },
}

/// ", or a class name: a, b" when there are names.
fn named(names: &[String]) -> String {
    if names.is_empty() {
        String::new()
    } else {
        format!(", or a class name: {}", names.join(", "))
    }
}

/// Reads a batch for a network with `inputs` inputs and `outputs` outputs.
pub fn load(
    path: &Path,
    inputs: usize,
    outputs: usize,
    loss: Loss,
) -> Result<Batch, BatchFileError> {
    load_named(path, inputs, outputs, loss, &[])
}

/// `load` for a model whose classes have names (one trained on a table):
/// a class cell may be a name as well as an index.
pub fn load_named(
    path: &Path,
    inputs: usize,
    outputs: usize,
    loss: Loss,
    class_names: &[String],
) -> Result<Batch, BatchFileError> {
    let path_buf = || path.to_path_buf();
    let bytes = read_limited(path, MAX_FILE_BYTES).map_err(|e| match e {
        ReadError::NotRegular(NotRegularFile { kind, .. }) => BatchFileError::NotAFile {
            path: path_buf(),
            kind,
        },
        ReadError::TooLarge { bytes, .. } => BatchFileError::TooLarge {
            path: path_buf(),
            bytes,
        },
        ReadError::Io(source) => BatchFileError::Read {
            path: path_buf(),
            source,
        },
    })?;
    let text = String::from_utf8(bytes).map_err(|_| BatchFileError::Read {
        path: path_buf(),
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        ),
    })?;
    parse_named(&text, inputs, outputs, loss, class_names).map_err(|problem| {
        BatchFileError::Invalid {
            path: path.to_path_buf(),
            problem,
        }
    })
}

/// A record's cells and the line it starts on.
type Row = (usize, Vec<String>);

/// The non-blank records of `text`, each with its first line (the
/// reader `table_file` shares).
fn rows(text: &str) -> Result<Vec<Row>, BatchError> {
    let mut rows = Vec::new();
    csv_records::each_record(
        text,
        |line, record| {
            rows.push((line, record.iter().map(str::to_string).collect()));
            Ok(())
        },
        |OpenQuote { line, column }| BatchError::OpenQuote { line, column },
    )?;
    Ok(rows)
}

/// A header is a first row with a cell that is neither a number nor, in
/// the class column, a class name.
fn is_header(cells: &[String], inputs: usize, class_names: &[String]) -> bool {
    cells
        .iter()
        .enumerate()
        .any(|(i, c)| !csv_records::is_number(c) && (i < inputs || !class_names.contains(c)))
}

/// Parses the CSV text (see the module documentation).
pub fn parse(text: &str, inputs: usize, outputs: usize, loss: Loss) -> Result<Batch, BatchError> {
    parse_named(text, inputs, outputs, loss, &[])
}

/// `parse` with the model's class names, accepted in the class column.
pub fn parse_named(
    text: &str,
    inputs: usize,
    outputs: usize,
    loss: Loss,
    class_names: &[String],
) -> Result<Batch, BatchError> {
    let columns = Columns {
        inputs,
        outputs,
        loss,
    };
    let rows = rows(text)?;
    let first = rows.first().ok_or(BatchError::Empty)?;
    let skip = usize::from(is_header(&first.1, inputs, class_names));
    let mut features = Vec::new();
    let mut labels = Vec::new();
    let mut targets = Vec::new();
    let mut count = 0;
    for (line, cells) in rows.iter().skip(skip) {
        let line = *line;
        if cells.len() != columns.count() {
            return Err(BatchError::ColumnCount {
                line,
                found: cells.len(),
                columns,
            });
        }
        for (column, cell) in cells.iter().enumerate() {
            let named = (loss == Loss::CrossEntropy && column >= inputs)
                .then(|| class_names.iter().position(|n| n == cell))
                .flatten();
            if let Some(class) = named {
                labels.push(class);
                continue;
            }
            let value = match read_cell(cell, line, column + 1) {
                Err(_) if column >= inputs && !class_names.is_empty() => {
                    return Err(bad_class(cell, line, column + 1, outputs, class_names));
                }
                value => value?,
            };
            if column < inputs {
                features.push(value);
            } else if loss == Loss::CrossEntropy {
                labels.push(read_class(
                    value,
                    cell,
                    line,
                    column + 1,
                    outputs,
                    class_names,
                )?);
            } else {
                targets.push(value);
            }
        }
        count += 1;
    }
    if count == 0 {
        return Err(BatchError::NoExamples { columns });
    }
    let shape_error = |_| BatchError::NoExamples { columns };
    Ok(Batch {
        x: Array2::from_shape_vec((count, inputs), features).map_err(shape_error)?,
        labels: (loss == Loss::CrossEntropy).then_some(labels),
        targets: match loss {
            Loss::Mse => {
                Some(Array2::from_shape_vec((count, outputs), targets).map_err(shape_error)?)
            }
            Loss::CrossEntropy => None,
        },
    })
}

/// A cell's finite number.
fn read_cell(cell: &str, line: usize, column: usize) -> Result<f32, BatchError> {
    cell.parse()
        .ok()
        .filter(|v: &f32| v.is_finite())
        .ok_or_else(|| BatchError::NotANumber {
            line,
            column,
            cell: cell.to_string(),
        })
}

/// A class index among `classes`.
fn read_class(
    value: f32,
    cell: &str,
    line: usize,
    column: usize,
    classes: usize,
    names: &[String],
) -> Result<usize, BatchError> {
    if value.fract() != 0.0 || value < 0.0 || value as usize >= classes {
        Err(bad_class(cell, line, column, classes, names))
    } else {
        Ok(value as usize)
    }
}

fn bad_class(
    cell: &str,
    line: usize,
    column: usize,
    classes: usize,
    names: &[String],
) -> BatchError {
    BatchError::BadClass {
        line,
        column,
        cell: cell.to_string(),
        classes,
        names: names.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::Explain;
    use crate::lang::Lang;

    #[test]
    fn reads_classes_and_targets() {
        let b = parse("x,y,class\n0.5,1,2\n\n-1,2,0\n", 2, 3, Loss::CrossEntropy).unwrap();
        assert_eq!(b.x.dim(), (2, 2));
        assert_eq!(b.labels, Some(vec![2, 0]));
        let b = parse("x,y,t0,t1\n0,1,0.5,0.25\n", 2, 2, Loss::Mse).unwrap();
        assert_eq!(b.targets.unwrap()[[0, 1]], 0.25);
    }

    #[test]
    fn a_class_may_be_named_by_the_model() {
        let names = ["ant".to_string(), "bee".to_string()];
        let b = parse_named("1,2,bee\n3,4,0\n", 2, 2, Loss::CrossEntropy, &names).unwrap();
        assert_eq!((b.x.nrows(), b.labels), (2, Some(vec![1, 0])));
        let b = parse_named("x,y,kind\n1,2,ant\n", 2, 2, Loss::CrossEntropy, &names).unwrap();
        assert_eq!(b.labels, Some(vec![0]));
        let text = "1,2,ant\n1,2,fly\n";
        let err = parse_named(text, 2, 2, Loss::CrossEntropy, &names).unwrap_err();
        let err = err.explain(Lang::En);
        assert!(
            err.contains("line 2, column 3") && err.contains("ant, bee"),
            "{err}"
        );
    }

    #[test]
    fn names_the_bad_cell() {
        let explained = |text: &str| {
            parse(text, 2, 3, Loss::CrossEntropy)
                .unwrap_err()
                .explain(Lang::En)
        };
        let err = explained("h\n1,2,3\n");
        assert!(err.contains("line 2") && err.contains("0 to 2"), "{err}");
        let err = explained("h\n1,x,0\n");
        assert!(err.contains("column 2") && err.contains("\"x\""), "{err}");
        let err = explained("h\n1,2\n");
        assert!(err.contains("expected 3"), "{err}");
        assert!(parse("", 2, 3, Loss::CrossEntropy).is_err());
        assert!(parse("h\n", 2, 3, Loss::CrossEntropy).is_err());
    }
}
