//! What the window's live plots (egui_plot) ask of a figure's axes: the
//! marks of each axis, each mark's label, and where bars stand.
//!
//! An exported image picks a fixed set of ticks that fits its pixels
//! (`ticks`); an interactive plot instead hands egui_plot many marks, each
//! with a step size, and egui_plot labels those whose step has room at the
//! current zoom. So the marks come in nested chains (every 10th mark is
//! also every 2nd) and labels stay evenly spaced at every density. The
//! labels are written by the same rules as the exports' (`tick_labels`).
//!
//! Free of egui: `app::plot` turns these marks into egui_plot's.

use super::model::{Axis, Scale};
use super::tick_labels::{screen_log_label, short_number};

/// A position on an axis (axis space: log10 on a log axis) and the
/// distance to the next mark of the same weight; egui_plot labels the
/// marks whose step is wide enough on screen.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mark {
    pub value: f64,
    pub step_size: f64,
}

/// How an axis of the window's plots is marked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkRule {
    /// Every integer (layers), coarser on round numbers.
    Categories,
    /// Powers of ten and their multiples, or round values within a decade.
    Log,
    /// A nested 1-2-10-20 chain on whole numbers only (steps, depths).
    WholeNumbers,
    /// A nested 1-2-10-20 chain of a power of ten.
    Linear,
}

impl MarkRule {
    /// The rule for `axis`; `None` leaves a linear y axis to egui_plot's
    /// own 1-5-10 marks, which read well vertically.
    pub fn for_axis(axis: &Axis, horizontal: bool) -> Option<MarkRule> {
        if !axis.categories.is_empty() {
            return Some(MarkRule::Categories);
        }
        match axis.scale {
            Scale::Log10 => Some(MarkRule::Log),
            Scale::Linear if !horizontal => None,
            Scale::Linear if axis.integers => Some(MarkRule::WholeNumbers),
            Scale::Linear => Some(MarkRule::Linear),
        }
    }

    /// The marks within `bounds` (axis space); `base_step_size` is the
    /// finest step egui_plot would draw at this zoom.
    pub fn marks(self, bounds: (f64, f64), base_step_size: f64) -> Vec<Mark> {
        match self {
            MarkRule::Categories => integer_marks(bounds),
            MarkRule::Log => log_marks(bounds),
            MarkRule::WholeNumbers => whole_number_marks(bounds, base_step_size),
            MarkRule::Linear => linear_marks(bounds, base_step_size),
        }
    }
}

/// The label of a mark at `v` (axis space) on `axis`: a category's name
/// at its integer, a log axis in real units, else the number itself.
pub fn label(axis: &Axis, v: f64) -> String {
    if !axis.categories.is_empty() {
        let index = v.round();
        if (v - index).abs() < 1e-6 && index >= 1.0 {
            return axis
                .categories
                .get(index as usize - 1)
                .cloned()
                .unwrap_or_default();
        }
        return String::new();
    }
    match axis.scale {
        Scale::Linear => short_number(v),
        Scale::Log10 => screen_log_label(v),
    }
}

/// Where bars start, in axis space: zero, or on a log axis a decade
/// below the smallest bar so every bar shows (egui_plot has no bottom
/// edge to stand on: it fits its bounds to the bars).
pub fn bar_base(scale: Scale, points: &[[f64; 2]]) -> f64 {
    match scale {
        Scale::Linear => 0.0,
        Scale::Log10 => {
            points
                .iter()
                .map(|p| p[1])
                .fold(f64::INFINITY, f64::min)
                .floor()
                - 1.0
        }
    }
}

/// The two ends of a magnitude heatmap's colour scale as written above
/// the plot, and what it measures: a "log10 ..." scale reads in real
/// units, as the log axes do.
pub fn colour_scale_ends(value_label: &str, min: f64, max: f64) -> (&str, String, String) {
    match value_label.strip_prefix("log10 ") {
        Some(measure) => (measure, screen_log_label(min), screen_log_label(max)),
        None => {
            let end = |v: f64| format!("{}", (v * 100.0).round() / 100.0 + 0.0);
            (value_label, end(min), end(max))
        }
    }
}

/// A mark at every integer in view (layers are integers). Each mark's
/// step size is the coarsest of 1, 5, 10, 50, 100 that divides it, so
/// egui_plot labels every integer when there is room and every 5th, 10th,
/// ... when there is not: evenly spaced, never colliding. (The chain is
/// nested on purpose: with 2 in it, 4, 5 and 6 would all be labelled.)
fn integer_marks((lo, hi): (f64, f64)) -> Vec<Mark> {
    if !(lo.is_finite() && hi.is_finite()) || hi - lo > 100_000.0 {
        return Vec::new();
    }
    let mut marks = Vec::new();
    let mut v = lo.ceil();
    while v <= hi {
        let step = [100.0, 50.0, 10.0, 5.0]
            .into_iter()
            .find(|&s| v % s == 0.0)
            .unwrap_or(1.0);
        marks.push(Mark {
            value: v,
            step_size: step,
        });
        v += 1.0;
    }
    marks
}

/// Marks at multiples of the finest power of ten egui_plot draws, each
/// with the coarsest step of a nested chain (1, 2, 10, 20, 100, ... times
/// it) that it sits on: egui_plot labels those whose step has room, so
/// labels stay evenly spaced, and a tanh's −4.9..4.9 reads −4, −2, 0, 2,
/// 4 rather than a lone 0 (its own spacer jumps from 1 to 10 at once).
fn linear_marks((lo, hi): (f64, f64), base_step_size: f64) -> Vec<Mark> {
    if !(lo.is_finite() && hi.is_finite() && hi > lo && base_step_size > 0.0) {
        return Vec::new();
    }
    let mut unit = 10f64.powf(base_step_size.log10().floor());
    while (hi - lo) / unit > 2000.0 {
        unit *= 10.0;
    }
    let (first, last) = ((lo / unit).ceil() as i64, (hi / unit).floor() as i64);
    (first..=last)
        .map(|k| {
            let multiple = [100_000, 20_000, 10_000, 2_000, 1_000, 200, 100, 20, 10, 2]
                .into_iter()
                .find(|m| k % m == 0)
                .unwrap_or(1);
            Mark {
                value: k as f64 * unit,
                step_size: multiple as f64 * unit,
            }
        })
        .collect()
}

/// `linear_marks` on whole numbers only: an axis of steps or depths never
/// reads 2.5.
fn whole_number_marks(bounds: (f64, f64), base_step_size: f64) -> Vec<Mark> {
    let mut marks = linear_marks(bounds, base_step_size);
    marks.retain(|m| m.step_size >= 1.0);
    marks
}

/// Marks on a log10 axis. Over a decade or more: every power of ten (every
/// 2nd, 5th, ... when there are many), and inside a decade 2 and 5 times
/// it, then every integer multiple. Inside less than a decade (a loss
/// between 1.09 and 1.3): round values a linear axis would pick. Each
/// mark's step size is its distance to the next, so egui_plot labels only
/// those with room.
fn log_marks((lo, hi): (f64, f64)) -> Vec<Mark> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo || hi - lo > 1000.0 {
        return Vec::new();
    }
    if hi - lo < 1.0 {
        return fine_log_marks(lo, hi);
    }
    let mut marks = Vec::new();
    for decade in (lo.floor() as i64)..=(hi.ceil() as i64) {
        // A nested chain (every 20th decade is also every 10th and 2nd):
        // egui_plot labels the marks whose step is wide enough on screen,
        // so the labels it keeps are evenly spaced. (2 and 5 are not
        // nested: -4, -5 and -6 would all be labelled at once.)
        let step = [100, 20, 10, 2]
            .into_iter()
            .find(|&s| decade % s == 0)
            .unwrap_or(1);
        // egui_plot draws a mark's label even outside the plot: keep to the view.
        if (lo..=hi).contains(&(decade as f64)) {
            marks.push(Mark {
                value: decade as f64,
                step_size: step as f64,
            });
        }
        for multiple in 2..=9 {
            let value = decade as f64 + f64::from(multiple).log10();
            if value < lo || value > hi {
                continue;
            }
            let step_size = if multiple == 2 || multiple == 5 {
                0.3
            } else {
                0.05
            };
            marks.push(Mark { value, step_size });
        }
    }
    marks
}

/// Round values (steps of 1, 2 or 5 times a power of ten, about ten in
/// view) between 10^lo and 10^hi, at their log10 positions.
fn fine_log_marks(lo: f64, hi: f64) -> Vec<Mark> {
    let (a, b) = (10f64.powf(lo), 10f64.powf(hi));
    let rough = (b - a) / 10.0;
    let power = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&s| s >= rough)
        .unwrap_or(10.0 * power);
    let mut marks = Vec::new();
    let mut k = (a / step).ceil();
    while k * step <= b && marks.len() < 100 {
        let value = k * step;
        marks.push(Mark {
            value: value.log10(),
            step_size: ((value + step) / value).log10(),
        });
        k += 1.0;
    }
    marks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log_label(v: f64) -> String {
        screen_log_label(v)
    }

    #[test]
    fn a_narrow_range_gets_round_values() {
        let marks = log_marks((1.09f64.log10(), 1.3f64.log10()));
        let labels: Vec<String> = marks.iter().map(|m| log_label(m.value)).collect();
        assert_eq!(labels, ["1.1", "1.15", "1.2", "1.25", "1.3"]);
    }

    #[test]
    fn decade_labels_thin_out_evenly_over_many_decades() {
        let marks = log_marks((-17.5, 8.5));
        let decades: Vec<&Mark> = marks.iter().filter(|m| m.value.fract() == 0.0).collect();
        // egui_plot keeps the labels of marks whose step is at least some
        // threshold: whatever it is, what stays is evenly spaced.
        for threshold in [1.0, 2.0, 10.0, 20.0] {
            let kept: Vec<f64> = decades
                .iter()
                .filter(|m| m.step_size >= threshold)
                .map(|m| m.value)
                .collect();
            let gaps: Vec<f64> = kept.windows(2).map(|w| w[1] - w[0]).collect();
            assert!(
                gaps.windows(2).all(|g| g[0] == g[1]),
                "uneven labels at threshold {threshold}: {kept:?}"
            );
        }
    }

    #[test]
    fn linear_labels_are_evenly_spaced_at_every_density() {
        let marks = linear_marks((-4.9, 4.9), 0.3);
        let at = |threshold: f64| -> Vec<f64> {
            marks
                .iter()
                .filter(|m| m.step_size >= threshold)
                .map(|m| m.value)
                .collect()
        };
        assert_eq!(at(2.0), [-4.0, -2.0, 0.0, 2.0, 4.0]);
        for threshold in [0.1, 0.2, 1.0, 2.0, 10.0] {
            let kept = at(threshold);
            let gaps: Vec<f64> = kept.windows(2).map(|w| w[1] - w[0]).collect();
            assert!(
                gaps.windows(2).all(|g| (g[0] - g[1]).abs() < 1e-9),
                "uneven at {threshold}: {kept:?}"
            );
        }
    }

    #[test]
    fn whole_number_axes_mark_only_integers() {
        let marks = whole_number_marks((1.9, 4.1), 0.01);
        let values: Vec<f64> = marks.iter().map(|m| m.value).collect();
        assert!(values.contains(&2.0) && values.contains(&4.0), "{values:?}");
        assert!(values.iter().all(|v| v.fract() == 0.0), "{values:?}");
    }

    #[test]
    fn a_decade_gets_marks_at_its_multiples() {
        let marks = log_marks((-0.6, 0.05));
        let labels: Vec<String> = marks.iter().map(|m| log_label(m.value)).collect();
        for expected in ["0.3", "0.5", "0.9", "1"] {
            assert!(labels.iter().any(|l| l == expected), "{labels:?}");
        }
        assert!(
            marks
                .iter()
                .all(|m| (-0.6..=0.05).contains(&m.value) || m.value.fract() == 0.0)
        );
    }

    #[test]
    fn integer_marks_are_coarser_on_round_numbers() {
        let marks = integer_marks((0.5, 20.5));
        assert_eq!(marks.len(), 20);
        let step = |v: f64| marks.iter().find(|m| m.value == v).map(|m| m.step_size);
        assert_eq!(step(1.0), Some(1.0));
        assert_eq!(step(4.0), Some(1.0));
        assert_eq!(step(15.0), Some(5.0));
        assert_eq!(step(20.0), Some(10.0));
        for threshold in [1.0, 2.0, 5.0, 10.0] {
            let kept: Vec<f64> = marks
                .iter()
                .filter(|m| m.step_size >= threshold)
                .map(|m| m.value)
                .collect();
            let gaps: Vec<f64> = kept.windows(2).map(|w| w[1] - w[0]).collect();
            assert!(
                gaps.windows(2).all(|g| g[0] == g[1]),
                "uneven labels at threshold {threshold}: {kept:?}"
            );
        }
    }

    #[test]
    fn each_axis_gets_its_rule() {
        let layers = Axis {
            categories: vec!["1".into(), "out".into()],
            ..Axis::log("layer")
        };
        assert_eq!(
            MarkRule::for_axis(&layers, true),
            Some(MarkRule::Categories)
        );
        assert_eq!(
            MarkRule::for_axis(&Axis::log("y"), false),
            Some(MarkRule::Log)
        );
        assert_eq!(
            MarkRule::for_axis(&Axis::integer("step"), true),
            Some(MarkRule::WholeNumbers)
        );
        assert_eq!(MarkRule::for_axis(&Axis::integer("step"), false), None);
        assert_eq!(label(&layers, 2.0), "out");
        assert_eq!(label(&layers, 1.5), "");
    }
}
