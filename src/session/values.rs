//! The numbers a session file shows as they are: every evaluation and
//! history value must be in its range (losses and gradient norms finite
//! and at least 0, or null; accuracies from 0 to 1, or null), and each
//! history bucket's mean must lie between its minimum and its maximum. A
//! file edited by hand (an accuracy of 1e300, a loss of -5) is refused,
//! naming the run, the step and the field, instead of being plotted.

use super::{RestoreError, SavedAgg, SavedRun};

/// What a restored value may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueRange {
    /// A finite number from 0 up, or null (a loss, a gradient norm).
    NonNegative,
    /// A number from 0 to 1, or null (an accuracy).
    Fraction,
    /// A bucket's mean (its sum over its finite values) between its minimum
    /// and its maximum, and its minimum at most its maximum.
    MeanWithinMinMax,
}

impl std::fmt::Display for ValueRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ValueRange::NonNegative => "a finite number from 0 up, or null",
            ValueRange::Fraction => "a number from 0 to 1, or null",
            ValueRange::MeanWithinMinMax => {
                "a mean between the minimum and the maximum, the minimum at most the maximum"
            }
        })
    }
}

fn admits(range: ValueRange, value: f64) -> bool {
    match range {
        ValueRange::NonNegative => value.is_finite() && value >= 0.0,
        ValueRange::Fraction => (0.0..=1.0).contains(&value),
        ValueRange::MeanWithinMinMax => true,
    }
}

/// Checks every evaluation and bucket value of `run`.
pub(super) fn check_values(run: &SavedRun) -> Result<(), RestoreError> {
    let refuse = |step: u64, field: String, value: String, range: ValueRange| {
        Err(RestoreError::Value {
            run: run.name.clone(),
            step,
            field,
            value,
            range,
        })
    };
    for e in &run.evals {
        for (field, value, range) in [
            ("train_loss", e.train_loss, ValueRange::NonNegative),
            ("test_loss", e.test_loss, ValueRange::NonNegative),
            ("test_accuracy", e.test_accuracy, ValueRange::Fraction),
        ] {
            if let Some(v) = value.filter(|&v| !admits(range, v)) {
                return refuse(e.step, field.into(), v.to_string(), range);
            }
        }
    }
    for b in &run.buckets {
        let aggs = std::iter::once(("loss".to_string(), &b.loss)).chain(
            b.grad_norms
                .iter()
                .enumerate()
                .map(|(i, a)| (format!("gradient norm of layers.{i}"), a))
                .chain(
                    b.update_ratios
                        .iter()
                        .enumerate()
                        .map(|(i, a)| (format!("update ratio of layers.{i}"), a)),
                ),
        );
        for (field, agg) in aggs {
            if let Some((value, range)) = agg_problem(agg) {
                return refuse(b.first_step, field, value, range);
            }
        }
    }
    Ok(())
}

/// What is wrong with a bucket's aggregate, if anything: a value out of
/// range, or a mean outside its minimum and maximum.
fn agg_problem(agg: &SavedAgg) -> Option<(String, ValueRange)> {
    let SavedAgg(sum, min, max, finite, _) = *agg;
    let values = [sum, min.map(f64::from), max.map(f64::from)];
    if let Some(bad) = values
        .into_iter()
        .flatten()
        .find(|&v| !admits(ValueRange::NonNegative, v))
    {
        return Some((bad.to_string(), ValueRange::NonNegative));
    }
    match (sum, min, max) {
        (Some(sum), Some(min), Some(max)) if finite > 0 => {
            let (min, max) = (f64::from(min), f64::from(max));
            let mean = sum / f64::from(finite);
            // The sum adds f32 values in f64: a little rounding either way.
            let slack = 1e-4 * max.abs().max(1.0);
            (min > max || mean < min - slack || mean > max + slack).then(|| {
                (
                    format!("[sum {sum}, min {min}, max {max}, {finite} values]"),
                    ValueRange::MeanWithinMinMax,
                )
            })
        }
        _ => None,
    }
}
