//! Which ticks an exported image's axes get, and their labels: about a
//! target count at multiples of 1, 2 or 5 times a power of ten, powers of
//! ten on a log axis, every n-th name on a category axis. The layout
//! (`layout::axes`) tries fewer ticks until their labels fit the pixels.
//!
//! The window's plots let egui_plot thin their marks as the user zooms,
//! so they get marks of their own (`screen`), written the same way
//! (`tick_labels`).

use super::axis_space::Span;
use super::tick_labels::{LogNotation, format_number, log_label};

/// One labelled position, in axis space.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Tick {
    pub pos: f64,
    pub label: String,
}

/// Labelled ticks, and unlabelled minor ones (log axes: 2..9 x 10^k).
#[derive(Clone, Debug, Default)]
pub(super) struct Ticks {
    pub major: Vec<Tick>,
    pub minor: Vec<f64>,
}

/// A 1, 2 or 5 times a power of ten close to `raw`.
pub(super) fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    let norm = raw / magnitude;
    // Nearest in ratio, so the tick count lands close to the target.
    let nice = if norm < 1.5 {
        1.0
    } else if norm < 3.5 {
        2.0
    } else if norm < 7.5 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

/// About `target` ticks at multiples of a nice step.
pub(super) fn linear_ticks(span: Span, target: usize) -> Vec<Tick> {
    let step = nice_step(span.len() / target.max(1) as f64);
    let magnitude = span.lo.abs().max(span.hi.abs());
    let first = (span.lo / step - 1e-9).ceil() as i64;
    let last = (span.hi / step + 1e-9).floor() as i64;
    (first..=last)
        .take(200)
        .map(|k| {
            let v = k as f64 * step;
            Tick {
                pos: v,
                label: format_number(v, step, magnitude),
            }
        })
        .collect()
}

/// Ticks of a log axis: powers of ten (every few decades when there are
/// many), 1-2-5 steps within a short range, plain value ticks within a
/// very short one.
pub(super) fn log_ticks(span: Span, target: usize) -> Ticks {
    let first = (span.lo - 1e-9).ceil() as i64;
    let last = (span.hi + 1e-9).floor() as i64;
    let decades = last - first + 1;
    if decades >= 2 {
        return decade_ticks(span, first, last, target);
    }
    let mut major: Vec<f64> = Vec::new();
    for k in (span.lo.floor() as i64)..=(span.hi.ceil() as i64) {
        for m in [1.0f64, 2.0, 5.0] {
            let pos = k as f64 + m.log10();
            if span.contains(pos) {
                major.push(pos);
            }
        }
    }
    if major.len() >= 2 {
        let notation = LogNotation::for_decades(span.lo.floor() as i64, span.hi.floor() as i64);
        let major = major
            .into_iter()
            .map(|pos| Tick {
                pos,
                label: log_label(pos, notation),
            })
            .collect();
        return Ticks {
            major,
            minor: Vec::new(),
        };
    }
    // Less than a factor of ~2.5 between the ends: linear ticks in value
    // space, placed logarithmically.
    let value_span = Span {
        lo: 10f64.powf(span.lo),
        hi: 10f64.powf(span.hi),
    };
    let major = linear_ticks(value_span, target)
        .into_iter()
        .filter(|t| t.pos > 0.0)
        .map(|t| Tick {
            pos: t.pos.log10(),
            label: t.label,
        })
        .collect();
    Ticks {
        major,
        minor: Vec::new(),
    }
}

fn decade_ticks(span: Span, first: i64, last: i64, target: usize) -> Ticks {
    let decades = last - first + 1;
    let every = ((decades as f64 / target.max(2) as f64).ceil() as i64).max(1);
    // Aligned to multiples of `every` so 1 (10^0) is a tick when in range.
    let mut ks: Vec<i64> = (first..=last)
        .filter(|k| k.rem_euclid(every) == 0)
        .collect();
    if ks.len() < 2 {
        ks = (first..=last).step_by(every as usize).collect();
    }
    let notation = LogNotation::for_decades(first, last);
    let major = ks
        .iter()
        .map(|&k| Tick {
            pos: k as f64,
            label: log_label(k as f64, notation),
        })
        .collect();
    let mut minor = Vec::new();
    if every == 1 && decades <= 12 {
        for k in (span.lo.floor() as i64)..=last {
            for m in 2..=9 {
                let pos = k as f64 + (m as f64).log10();
                if span.contains(pos) {
                    minor.push(pos);
                }
            }
        }
    }
    Ticks { major, minor }
}

/// Ticks at the integer positions 1..=n named by `names`, every
/// `every`-th one, within `span`. The last category (the output layer)
/// is always named, replacing its neighbour if they would crowd.
pub(super) fn category_ticks(span: Span, names: &[String], every: usize) -> Vec<Tick> {
    let every = every.max(1);
    let Some(last) = names.len().checked_sub(1) else {
        return Vec::new();
    };
    let mut chosen: Vec<usize> = (0..names.len()).step_by(every).collect();
    if chosen.last() != Some(&last) {
        if chosen.len() > 1 && chosen.last().is_some_and(|&i| last - i < every) {
            chosen.pop();
        }
        chosen.push(last);
    }
    chosen
        .into_iter()
        .map(|i| Tick {
            pos: (i + 1) as f64,
            label: names[i].clone(),
        })
        .filter(|t| span.contains(t.pos))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(ticks: &[Tick]) -> Vec<&str> {
        ticks.iter().map(|t| t.label.as_str()).collect()
    }

    #[test]
    fn nice_steps_are_1_2_5() {
        assert_eq!(nice_step(0.13), 0.1);
        assert_eq!(nice_step(0.22), 0.2);
        assert_eq!(nice_step(3.0), 2.0);
        assert_eq!(nice_step(4.0), 5.0);
        assert_eq!(nice_step(8.0), 10.0);
        assert_eq!(nice_step(1000.0), 1000.0);
        assert_eq!(nice_step(f64::NAN), 1.0);
    }

    #[test]
    fn linear_ticks_and_labels() {
        let t = linear_ticks(
            Span {
                lo: -0.05,
                hi: 1.05,
            },
            5,
        );
        assert_eq!(labels(&t), ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
        let t = linear_ticks(
            Span {
                lo: 0.0,
                hi: 2000.0,
            },
            4,
        );
        assert_eq!(labels(&t), ["0", "500", "1000", "1500", "2000"]);
        let t = linear_ticks(Span { lo: 0.0, hi: 3e-5 }, 3);
        assert_eq!(labels(&t), ["0", "1e-5", "2e-5", "3e-5"]);
        let t = linear_ticks(Span { lo: -1.0, hi: 1.0 }, 4);
        assert_eq!(labels(&t), ["-1.0", "-0.5", "0.0", "0.5", "1.0"]);
    }

    #[test]
    fn log_ticks_use_powers_of_ten() {
        let t = log_ticks(Span { lo: -8.2, hi: 2.1 }, 6);
        assert_eq!(
            labels(&t.major),
            ["1e-8", "1e-6", "1e-4", "1e-2", "1e0", "1e2"]
        );
        assert!(t.minor.is_empty());
        let t = log_ticks(Span { lo: -2.1, hi: 1.2 }, 6);
        assert_eq!(labels(&t.major), ["0.01", "0.1", "1", "10"]);
        assert!(!t.minor.is_empty());
        let t = log_ticks(Span { lo: -0.9, hi: 0.2 }, 6);
        assert_eq!(labels(&t.major), ["0.2", "0.5", "1"]);
        let t = log_ticks(Span { lo: 0.05, hi: 0.25 }, 4);
        assert!(t.major.len() >= 2, "{:?}", t.major);
    }

    #[test]
    fn category_ticks_keep_both_ends() {
        let names: Vec<String> = (1..=30).map(|i| i.to_string()).collect();
        let span = Span { lo: 0.5, hi: 30.5 };
        assert_eq!(category_ticks(span, &names, 1).len(), 30);
        let t = category_ticks(span, &names, 2);
        assert_eq!(t.first().map(|t| t.pos), Some(1.0));
        assert_eq!(t.last().map(|t| t.pos), Some(30.0));
        assert!(t.windows(2).all(|w| w[1].pos - w[0].pos >= 2.0));
        let t = category_ticks(span, &names, 4);
        assert_eq!(labels(&t).last(), Some(&"30"));
        assert!(category_ticks(span, &[], 3).is_empty());
    }
}
