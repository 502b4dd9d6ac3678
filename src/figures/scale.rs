//! Axis ranges, ticks and tick labels, and the map from data to pixels.
//! Kept apart from the drawing so the rules are easy to test.

use super::model::{Axis, Scale};

/// The visible part of an axis, in axis space: the value itself on a
/// linear axis, its log10 on a logarithmic one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Span {
    pub lo: f64,
    pub hi: f64,
}

impl Span {
    pub fn len(self) -> f64 {
        self.hi - self.lo
    }

    fn contains(self, v: f64) -> bool {
        let eps = self.len() * 1e-9;
        v >= self.lo - eps && v <= self.hi + eps
    }
}

/// Data values that decide an axis range. `padded` values get 5% of
/// headroom so lines do not touch the frame; `tight` ones (heatmap edges,
/// category slots, the zero bars stand on) are shown exactly at the edge.
#[derive(Default)]
pub(super) struct Extent {
    pub padded: Vec<f64>,
    pub tight: Vec<f64>,
    /// A value padding must not cross when all data lie on one side of it:
    /// the zero that bars stand on stays the edge of the plot.
    pub base: Option<f64>,
}

/// Axis space for `v`, or `None` where the axis cannot show it (not
/// finite, or not positive on a log axis).
pub(super) fn to_space(scale: Scale, v: f64) -> Option<f64> {
    match scale {
        _ if !v.is_finite() => None,
        Scale::Linear => Some(v),
        Scale::Log10 if v > 0.0 => Some(v.log10()),
        Scale::Log10 => None,
    }
}

fn bounds(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values.fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// The range an axis shows: its fixed bounds where set and usable, the
/// data's bounds otherwise.
pub(super) fn fit(axis: &Axis, extent: &Extent) -> Span {
    let space = |v: &f64| to_space(axis.scale, *v);
    let padded = bounds(extent.padded.iter().filter_map(space));
    let tight = bounds(extent.tight.iter().filter_map(space));
    let all = bounds(padded.into_iter().chain(tight).flat_map(|(a, b)| [a, b]));
    let mut span = match all {
        None => Span { lo: 0.0, hi: 1.0 },
        Some((lo, hi)) => {
            let pad = 0.05 * (hi - lo);
            let (mut lo, mut hi) = (lo, hi);
            if let Some((plo, phi)) = padded {
                lo = lo.min(plo - pad);
                hi = hi.max(phi + pad);
            }
            if let Some(base) = extent.base.and_then(|v| to_space(axis.scale, v)) {
                if all.is_some_and(|(dlo, _)| dlo >= base) {
                    lo = lo.max(base);
                }
                if all.is_some_and(|(_, dhi)| dhi <= base) {
                    hi = hi.min(base);
                }
            }
            widen_if_flat(axis.scale, Span { lo, hi })
        }
    };
    if let Some(lo) = axis.min.and_then(|v| to_space(axis.scale, v)) {
        span.lo = lo;
    }
    if let Some(hi) = axis.max.and_then(|v| to_space(axis.scale, v)) {
        span.hi = hi;
    }
    if span.hi > span.lo && span.len().is_finite() {
        span
    } else {
        // Fixed bounds that contradict each other or the data: show
        // something sensible rather than nothing.
        widen_if_flat(
            axis.scale,
            Span {
                lo: span.lo.min(span.hi),
                hi: span.lo.max(span.hi),
            },
        )
    }
}

/// A single value (or none at all) still needs a visible range.
fn widen_if_flat(scale: Scale, span: Span) -> Span {
    let magnitude = span.lo.abs().max(span.hi.abs());
    if span.len() > magnitude * 1e-12 && span.len() > 0.0 {
        return span;
    }
    let half = match scale {
        Scale::Log10 => 0.5,
        Scale::Linear if magnitude > 0.0 => 0.1 * magnitude,
        Scale::Linear => 1.0,
    };
    Span {
        lo: span.lo - half,
        hi: span.hi + half,
    }
}

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

/// `v` with as many decimals as `step` needs; scientific notation for very
/// large or very small magnitudes, where decimals would be unreadable.
pub(super) fn format_number(v: f64, step: f64, magnitude: f64) -> String {
    let step_exp = (step.log10() + 1e-9).floor();
    let v = if v.abs() < step * 1e-6 { 0.0 } else { v };
    if !(1e-3..1e6).contains(&magnitude) {
        if v == 0.0 {
            return "0".into();
        }
        let exp = (v.abs().log10() + 1e-9).floor();
        let decimals = (exp - step_exp).clamp(0.0, 6.0) as usize;
        return tidy_exponent(&format!("{v:.decimals$e}"));
    }
    let decimals = (-step_exp).clamp(0.0, 12.0) as usize;
    format!("{v:.decimals$}")
}

/// "2.50e-4" -> "2.5e-4", "1.0e3" -> "1e3".
fn tidy_exponent(s: &str) -> String {
    match s.split_once('e') {
        Some((mantissa, exp)) if mantissa.contains('.') => {
            let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
            format!("{mantissa}e{exp}")
        }
        _ => s.to_string(),
    }
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
        let plain = plain_decades(span.lo.floor() as i64, span.hi.floor() as i64);
        let major = major
            .into_iter()
            .map(|pos| Tick {
                pos,
                label: log_label(pos, plain),
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
    let plain = plain_decades(first, last);
    let major = ks
        .iter()
        .map(|&k| Tick {
            pos: k as f64,
            label: log_label(k as f64, plain),
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

/// Whether powers of ten from 10^first to 10^last all read well written
/// out (0.01 ... 1000); otherwise every label uses "1e-5" notation so an
/// axis never mixes styles.
fn plain_decades(first: i64, last: i64) -> bool {
    first >= -2 && last <= 3
}

/// The label of position `pos` (log10 of the value) on a log axis.
fn log_label(pos: f64, plain: bool) -> String {
    let k = pos.floor();
    let mantissa = 10f64.powf(pos - k).round();
    let value = mantissa * 10f64.powf(k);
    if plain {
        let decimals = (-k).max(0.0) as usize;
        return format!("{value:.decimals$}");
    }
    if mantissa == 1.0 {
        format!("1e{}", k as i64)
    } else {
        format!("{}e{}", mantissa as i64, k as i64)
    }
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

/// One axis from axis space to pixels.
#[derive(Clone, Copy, Debug)]
pub(super) struct AxisMap {
    pub scale: Scale,
    pub span: Span,
    /// Pixel positions of `span.lo` and `span.hi` (the y axis runs upwards,
    /// so there p0 > p1).
    pub p0: f64,
    pub p1: f64,
}

impl AxisMap {
    /// The pixel position of axis-space position `pos`.
    pub fn px_of(&self, pos: f64) -> f64 {
        self.p0 + (pos - self.span.lo) / self.span.len() * (self.p1 - self.p0)
    }

    /// The pixel position of data value `v`, if the axis can show it.
    pub fn px(&self, v: f64) -> Option<f64> {
        to_space(self.scale, v).map(|pos| self.px_of(pos))
    }
}

/// Data to pixels for one plot.
#[derive(Clone, Copy, Debug)]
pub(super) struct Transform {
    pub x: AxisMap,
    pub y: AxisMap,
}

impl Transform {
    pub fn point(&self, p: [f64; 2]) -> Option<(f64, f64)> {
        Some((self.x.px(p[0])?, self.y.px(p[1])?))
    }
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

    fn extent(padded: &[f64], tight: &[f64], base: Option<f64>) -> Extent {
        Extent {
            padded: padded.to_vec(),
            tight: tight.to_vec(),
            base,
        }
    }

    #[test]
    fn fit_pads_and_honours_fixed_bounds() {
        let axis = Axis::linear("x");
        let s = fit(&axis, &extent(&[0.0, 10.0], &[], None));
        assert!((s.lo + 0.5).abs() < 1e-12 && (s.hi - 10.5).abs() < 1e-12);
        let e = extent(&[10.0], &[0.0], None);
        assert_eq!(fit(&axis, &e).lo, 0.0);
        let s = fit(&Axis::linear("x").with_range(2.0, 3.0), &e);
        assert_eq!((s.lo, s.hi), (2.0, 3.0));
        let log = Axis::log("y");
        let s = fit(&log, &extent(&[1e-3, 10.0, -1.0, f64::NAN], &[], None));
        assert!(s.lo < -3.0 && s.hi > 1.0 && s.lo > -3.3);
        let s = fit(&log, &Extent::default());
        assert_eq!((s.lo, s.hi), (0.0, 1.0));
        let s = fit(&axis, &extent(&[5.0], &[], None));
        assert!(s.lo < 5.0 && s.hi > 5.0);
        // Contradictory fixed bounds still give a usable range.
        let s = fit(&Axis::linear("x").with_range(3.0, 3.0), &Extent::default());
        assert!(s.hi > s.lo);
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

    #[test]
    fn bars_keep_zero_at_the_edge() {
        let axis = Axis::linear("y");
        let s = fit(&axis, &extent(&[1e-9, 10.0], &[0.0], Some(0.0)));
        assert_eq!(s.lo, 0.0);
        let s = fit(&axis, &extent(&[-10.0, -1.0], &[0.0], Some(0.0)));
        assert_eq!(s.hi, 0.0);
        let s = fit(&axis, &extent(&[-1.0, 10.0], &[0.0], Some(0.0)));
        assert!(s.lo < -1.0);
    }
}
