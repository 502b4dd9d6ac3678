//! The teacher's own table, from a CSV file: numeric feature columns and
//! one label column (the last, or one chosen by its header's name or its
//! number), with or without a header row. Labels may be integers or words
//! ("setosa"): the classes are the distinct labels, in numeric order when
//! every label is a number (equal numbers, "1" and "1.0", are one class),
//! otherwise in text order. The table asks to be standardised with its
//! training split's mean and deviation.
//!
//! The text is read by `csv_records` (quoting, a byte-order mark, any line
//! end), the reader `grads`' batches share. A first row is a header when a
//! feature cell of it is not a number. Every defect is one `TableProblem`
//! naming its line and column (counted from 1); the limits are the core's
//! (`nn::table`), and the finished table passes `Table::check`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use csv::StringRecord;

use crate::csv_records::{self, OpenQuote};
use crate::files::{FileKind, NotRegularFile, ReadError, read_limited};
use crate::nn::table::{MAX_CELLS, MAX_INPUTS, MAX_ROWS, MAX_TABLE_CLASSES, MIN_ROWS};
use crate::nn::{Table, TableError};

/// Most bytes a table's file may have: 32 a number (a long decimal and its
/// comma) for the most numbers a table may hold.
pub const MAX_FILE_BYTES: u64 = 32 * MAX_CELLS as u64;

/// Which column holds the labels.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum LabelColumn {
    /// The last column.
    #[default]
    Last,
    /// The column whose header cell is this name.
    Name(String),
    /// The column at this number, counted from 1.
    Index(usize),
}

impl LabelColumn {
    /// A number is a column's number (from 1), anything else a header's
    /// name; blank text is the last column.
    pub fn parse(text: &str) -> LabelColumn {
        let text = text.trim();
        if text.is_empty() {
            LabelColumn::Last
        } else if let Ok(index) = text.parse::<usize>() {
            LabelColumn::Index(index)
        } else {
            LabelColumn::Name(text.to_string())
        }
    }
}

impl std::fmt::Display for LabelColumn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LabelColumn::Last => f.write_str("the last column"),
            LabelColumn::Name(name) => write!(f, "column \"{name}\""),
            LabelColumn::Index(index) => write!(f, "column {index}"),
        }
    }
}

/// A table's file that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TableFileError {
    #[error("{}: cannot read the table: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: cannot read the table: it is {kind}, not a regular file", path.display())]
    NotAFile { path: PathBuf, kind: FileKind },
    #[error("{}: the file is {bytes} bytes; a table's file is at most {MAX_FILE_BYTES}", path.display())]
    TooLarge { path: PathBuf, bytes: u64 },
    #[error("{}: not a text file (UTF-8)", path.display())]
    NotText { path: PathBuf },
    #[error("{}: {problem}", path.display())]
    Invalid {
        path: PathBuf,
        problem: TableProblem,
    },
}

/// What is wrong with a table's CSV text; lines and columns count from 1.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum TableProblem {
    #[error("the file is empty: expected rows of numbers, then a label")]
    Empty,
    #[error("no rows after the header: expected rows of numbers, then a label")]
    NoRows,
    #[error(
        "line {line}, column {column}: a quoted cell runs over several lines (a \" not closed?)"
    )]
    OpenQuote { line: usize, column: usize },
    #[error("line {line}: one column; a table needs feature columns and a label column")]
    OneColumn { line: usize },
    #[error("line {line}: {found} feature columns; at most {MAX_INPUTS}")]
    TooManyColumns { line: usize, found: usize },
    #[error("line {line}: {found} columns; expected {expected}, as on line {first}")]
    ColumnCount {
        line: usize,
        found: usize,
        expected: usize,
        first: usize,
    },
    #[error("line {line}, column {column}: \"{cell}\" is not a number")]
    NotANumber {
        line: usize,
        column: usize,
        cell: String,
    },
    #[error("line {line}, column {column}: \"{cell}\" is not a finite number")]
    NotFinite {
        line: usize,
        column: usize,
        cell: String,
    },
    #[error("line {line}, column {column}: the label is empty")]
    EmptyLabel { line: usize, column: usize },
    #[error(
        "column {column}: every row has the label \"{label}\"; a table needs at least 2 classes"
    )]
    SingleClass { column: usize, label: String },
    #[error(
        "line {line}, column {column}: label \"{label}\" is class {}; at most {MAX_TABLE_CLASSES} classes", MAX_TABLE_CLASSES + 1
    )]
    TooManyClasses {
        line: usize,
        column: usize,
        label: String,
    },
    #[error("{rows} rows; a table needs at least {MIN_ROWS}")]
    TooFewRows { rows: usize },
    #[error("line {line}: more than {MAX_ROWS} rows")]
    TooManyRows { line: usize },
    #[error("line {line}: more than {MAX_CELLS} numbers (fewer rows or columns)")]
    TooManyCells { line: usize },
    #[error("there is no label column \"{name}\": the header (line {line}) names {}", names.join(", "))]
    UnknownLabelName {
        name: String,
        line: usize,
        names: Vec<String>,
    },
    #[error("there is no label column \"{name}\": the file has no header row to name it")]
    NoHeader { name: String },
    #[error("there is no column {index}: the file has columns 1 to {columns}")]
    LabelIndex { index: usize, columns: usize },
    #[error(transparent)]
    Table(TableError),
}

/// Reads the table in the CSV file at `path`, labels in `label`.
pub fn load(path: &Path, label: &LabelColumn) -> Result<Table, TableFileError> {
    let path_buf = || path.to_path_buf();
    let bytes = read_limited(path, MAX_FILE_BYTES).map_err(|e| match e {
        ReadError::NotRegular(NotRegularFile { kind, .. }) => TableFileError::NotAFile {
            path: path_buf(),
            kind,
        },
        ReadError::TooLarge { bytes, .. } => TableFileError::TooLarge {
            path: path_buf(),
            bytes,
        },
        ReadError::Io(source) => TableFileError::Read {
            path: path_buf(),
            source,
        },
    })?;
    let text =
        String::from_utf8(bytes).map_err(|_| TableFileError::NotText { path: path_buf() })?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    parse(&text, &name, label).map_err(|problem| TableFileError::Invalid {
        path: path_buf(),
        problem,
    })
}

/// What the first record decided: the columns, the label's place, the
/// header's names.
struct Layout {
    columns: usize,
    label: usize,
    first_line: usize,
    header: Option<Vec<String>>,
}

/// The rows read so far.
#[derive(Default)]
struct Rows {
    features: Vec<f32>,
    /// Each row's label, as an index into `labels`.
    label_of_row: Vec<usize>,
    labels: Vec<String>,
    seen: HashMap<String, usize>,
}

/// Parses a table's CSV text (see the module documentation); `name` is
/// what the table is called (the file's name).
pub fn parse(text: &str, name: &str, label: &LabelColumn) -> Result<Table, TableProblem> {
    let mut layout: Option<Layout> = None;
    let mut rows = Rows::default();
    csv_records::each_record(
        text,
        |line, record| match &layout {
            None => {
                let first = first_record(line, record, label)?;
                if first.header.is_none() {
                    read_row(line, record, &first, &mut rows)?;
                }
                layout = Some(first);
                Ok(())
            }
            Some(layout) => read_row(line, record, layout, &mut rows),
        },
        |OpenQuote { line, column }| TableProblem::OpenQuote { line, column },
    )?;
    let layout = layout.ok_or(TableProblem::Empty)?;
    finish(name, &layout, rows)
}

/// The layout the first record gives: a header when a feature cell is not
/// a number, the label column found among its cells.
fn first_record(
    line: usize,
    record: &StringRecord,
    label: &LabelColumn,
) -> Result<Layout, TableProblem> {
    let columns = record.len();
    if columns < 2 {
        return Err(TableProblem::OneColumn { line });
    }
    if columns - 1 > MAX_INPUTS {
        return Err(TableProblem::TooManyColumns {
            line,
            found: columns - 1,
        });
    }
    let names = || record.iter().map(str::to_string).collect::<Vec<_>>();
    let label_at = match label {
        LabelColumn::Last => columns - 1,
        LabelColumn::Index(index) if (1..=columns).contains(index) => index - 1,
        LabelColumn::Index(index) => {
            return Err(TableProblem::LabelIndex {
                index: *index,
                columns,
            });
        }
        LabelColumn::Name(name) => {
            let found = record
                .iter()
                .position(|c| c == name)
                .or_else(|| record.iter().position(|c| c.eq_ignore_ascii_case(name)));
            match found {
                Some(at) => at,
                None if record.iter().all(csv_records::is_number) => {
                    return Err(TableProblem::NoHeader { name: name.clone() });
                }
                None => {
                    return Err(TableProblem::UnknownLabelName {
                        name: name.clone(),
                        line,
                        names: names(),
                    });
                }
            }
        }
    };
    let header = matches!(label, LabelColumn::Name(_))
        || record
            .iter()
            .enumerate()
            .any(|(i, c)| i != label_at && !csv_records::is_number(c));
    Ok(Layout {
        columns,
        label: label_at,
        first_line: line,
        header: header.then(names),
    })
}

/// One data row: its features and its label.
fn read_row(
    line: usize,
    record: &StringRecord,
    layout: &Layout,
    rows: &mut Rows,
) -> Result<(), TableProblem> {
    if record.len() != layout.columns {
        return Err(TableProblem::ColumnCount {
            line,
            found: record.len(),
            expected: layout.columns,
            first: layout.first_line,
        });
    }
    if rows.label_of_row.len() == MAX_ROWS {
        return Err(TableProblem::TooManyRows { line });
    }
    if rows.features.len() + layout.columns - 1 > MAX_CELLS {
        return Err(TableProblem::TooManyCells { line });
    }
    for (i, cell) in record.iter().enumerate() {
        let column = i + 1;
        if i == layout.label {
            continue;
        }
        let value: f32 = cell.parse().map_err(|_| TableProblem::NotANumber {
            line,
            column,
            cell: cell.to_string(),
        })?;
        if !value.is_finite() {
            return Err(TableProblem::NotFinite {
                line,
                column,
                cell: cell.to_string(),
            });
        }
        rows.features.push(value);
    }
    let column = layout.label + 1;
    let label = record.get(layout.label).unwrap_or_default();
    if label.is_empty() {
        return Err(TableProblem::EmptyLabel { line, column });
    }
    let index = match rows.seen.get(label) {
        Some(&index) => index,
        None if rows.labels.len() == MAX_TABLE_CLASSES => {
            return Err(TableProblem::TooManyClasses {
                line,
                column,
                label: label.to_string(),
            });
        }
        None => {
            rows.labels.push(label.to_string());
            rows.seen.insert(label.to_string(), rows.labels.len() - 1);
            rows.labels.len() - 1
        }
    };
    rows.label_of_row.push(index);
    Ok(())
}

/// The classes in order (numerically when every label is a number) and
/// the table, checked.
fn finish(name: &str, layout: &Layout, rows: Rows) -> Result<Table, TableProblem> {
    let count = rows.label_of_row.len();
    if count == 0 {
        return Err(TableProblem::NoRows);
    }
    if count < MIN_ROWS {
        return Err(TableProblem::TooFewRows { rows: count });
    }
    let numbers: Option<Vec<f64>> = rows
        .labels
        .iter()
        .map(|l| l.parse().ok().filter(|v: &f64| v.is_finite()))
        .collect();
    let mut order: Vec<usize> = (0..rows.labels.len()).collect();
    match &numbers {
        Some(numbers) => order.sort_by(|&a, &b| {
            numbers[a]
                .total_cmp(&numbers[b])
                .then_with(|| rows.labels[a].cmp(&rows.labels[b]))
        }),
        None => order.sort_by(|&a, &b| rows.labels[a].cmp(&rows.labels[b])),
    }
    // Numbers that are equal ("1", "1.0") are one class, named as first sorted.
    let mut class_of = vec![0; order.len()];
    let mut class_names: Vec<String> = Vec::new();
    let mut previous: Option<usize> = None;
    for &label in &order {
        let same = match (&numbers, previous) {
            (Some(numbers), Some(p)) => numbers[p] == numbers[label],
            _ => false,
        };
        if !same {
            class_names.push(rows.labels[label].clone());
        }
        class_of[label] = class_names.len() - 1;
        previous = Some(label);
    }
    if class_names.len() == 1 {
        return Err(TableProblem::SingleClass {
            column: layout.label + 1,
            label: class_names.remove(0),
        });
    }
    let inputs = layout.columns - 1;
    let feature_names = match &layout.header {
        Some(header) => header
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != layout.label)
            .map(|(i, n)| {
                if n.is_empty() {
                    format!("x{}", i + 1)
                } else {
                    n.clone()
                }
            })
            .collect(),
        None => (1..=inputs).map(|i| format!("x{i}")).collect(),
    };
    let table = Table {
        name: name.to_string(),
        inputs,
        feature_names,
        class_names,
        features: rows.features,
        labels: rows.label_of_row.iter().map(|&l| class_of[l]).collect(),
        image: None,
        standardise: true,
    };
    table.check().map_err(TableProblem::Table)?;
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(n: usize, label: impl Fn(usize) -> String) -> String {
        (0..n)
            .map(|i| format!("{},{},{}\n", i, i * 2, label(i)))
            .collect()
    }

    #[test]
    fn numeric_labels_sort_as_numbers() {
        let text = rows(30, |i| ["10", "9", "100"][i % 3].to_string());
        let table = parse(&text, "t.csv", &LabelColumn::Last).unwrap();
        assert_eq!(table.class_names, ["9", "10", "100"]);
        assert_eq!(table.labels[0], 1);
        assert_eq!(table.feature_names, ["x1", "x2"]);
        assert_eq!(table.rows(), 30);
        // Equal numbers are one class.
        let text = rows(30, |i| ["1", "1.0", "2"][i % 3].to_string());
        let table = parse(&text, "t.csv", &LabelColumn::Last).unwrap();
        assert_eq!(table.class_names, ["1", "2"]);
        assert_eq!(&table.labels[..3], [0, 0, 1]);
    }

    #[test]
    fn the_label_column_can_be_first() {
        let text = format!("y,a,b\n{}", rows(25, |i| (i % 2).to_string()));
        let table = parse(&text, "t.csv", &LabelColumn::Index(1)).unwrap();
        // Column 1 (0, 1, 2, ...) is the label now: 25 classes.
        assert_eq!(table.classes(), 25);
        assert_eq!(table.feature_names, ["a", "b"]);
        let table = parse(&text, "t.csv", &LabelColumn::Name("B".into())).unwrap();
        assert_eq!(table.feature_names, ["y", "a"]);
    }
}
