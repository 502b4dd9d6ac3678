//! CSV batches for `gradscope grads`: a header row, then one example per
//! row: the input features, then either the class index (cross-entropy) or
//! one target per output (squared error).

use std::path::Path;

use ndarray::Array2;

use crate::files::describe;
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

/// Reads a batch for a network with `inputs` inputs and `outputs` outputs.
pub fn load(path: &Path, inputs: usize, outputs: usize, loss: Loss) -> Result<Batch, String> {
    let shown = path.display();
    let len = std::fs::metadata(path)
        .map_err(|e| {
            format!(
                "{shown}: cannot read the data: {}",
                describe(&e, crate::lang::Lang::En)
            )
        })?
        .len();
    if len > MAX_FILE_BYTES {
        return Err(format!(
            "{shown}: the file is {len} bytes; batches for grads are at most {MAX_FILE_BYTES}"
        ));
    }
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "{shown}: cannot read the data: {}",
            describe(&e, crate::lang::Lang::En)
        )
    })?;
    parse(&text, inputs, outputs, loss).map_err(|e| format!("{shown}: {e}"))
}

/// Parses the CSV text (see the module documentation).
pub fn parse(text: &str, inputs: usize, outputs: usize, loss: Loss) -> Result<Batch, String> {
    let target_columns = match loss {
        Loss::CrossEntropy => 1,
        Loss::Mse => outputs,
    };
    let columns = inputs + target_columns;
    let what = match loss {
        Loss::CrossEntropy => format!(
            "{inputs} feature columns then the class index (0 to {})",
            outputs - 1
        ),
        Loss::Mse => format!("{inputs} feature columns then {outputs} target columns"),
    };
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    lines
        .next()
        .ok_or("the file is empty: expected a header row, then one example per row")?;
    let mut features = Vec::new();
    let mut labels = Vec::new();
    let mut targets = Vec::new();
    let mut rows = 0;
    for (index, line) in lines {
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        if cells.len() != columns {
            return Err(format!(
                "line {}: {} columns; expected {columns}: {what}",
                index + 1,
                cells.len()
            ));
        }
        for (column, cell) in cells.iter().enumerate() {
            let value: f32 = cell
                .parse()
                .ok()
                .filter(|v: &f32| v.is_finite())
                .ok_or_else(|| {
                    format!(
                        "line {}, column {}: \"{cell}\" is not a finite number",
                        index + 1,
                        column + 1
                    )
                })?;
            if column < inputs {
                features.push(value);
            } else if loss == Loss::CrossEntropy {
                if value.fract() != 0.0 || value < 0.0 || value as usize >= outputs {
                    return Err(format!(
                        "line {}, column {}: class \"{cell}\" is not allowed: the class index is an integer from 0 to {}",
                        index + 1,
                        column + 1,
                        outputs - 1
                    ));
                }
                labels.push(value as usize);
            } else {
                targets.push(value);
            }
        }
        rows += 1;
    }
    if rows == 0 {
        return Err(format!(
            "no examples after the header: expected rows of {what}"
        ));
    }
    let shape_err = |e: ndarray::ShapeError| e.to_string();
    Ok(Batch {
        x: Array2::from_shape_vec((rows, inputs), features).map_err(shape_err)?,
        labels: (loss == Loss::CrossEntropy).then_some(labels),
        targets: match loss {
            Loss::Mse => Some(Array2::from_shape_vec((rows, outputs), targets).map_err(shape_err)?),
            Loss::CrossEntropy => None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_classes_and_targets() {
        let b = parse("x,y,class\n0.5,1,2\n\n-1,2,0\n", 2, 3, Loss::CrossEntropy).unwrap();
        assert_eq!(b.x.dim(), (2, 2));
        assert_eq!(b.labels, Some(vec![2, 0]));
        let b = parse("x,y,t0,t1\n0,1,0.5,0.25\n", 2, 2, Loss::Mse).unwrap();
        assert_eq!(b.targets.unwrap()[[0, 1]], 0.25);
    }

    #[test]
    fn names_the_bad_cell() {
        let err = parse("h\n1,2,3\n", 2, 3, Loss::CrossEntropy).unwrap_err();
        assert!(err.contains("line 2") && err.contains("0 to 2"), "{err}");
        let err = parse("h\n1,x,0\n", 2, 3, Loss::CrossEntropy).unwrap_err();
        assert!(err.contains("column 2") && err.contains("\"x\""), "{err}");
        let err = parse("h\n1,2\n", 2, 3, Loss::CrossEntropy).unwrap_err();
        assert!(err.contains("expected 3"), "{err}");
        assert!(parse("", 2, 3, Loss::CrossEntropy).is_err());
        assert!(parse("h\n", 2, 3, Loss::CrossEntropy).is_err());
    }
}
