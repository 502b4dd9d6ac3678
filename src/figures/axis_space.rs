//! Axis space and the map from data to pixels: which part of each axis a
//! figure shows (its fixed bounds, or the data's with a little headroom),
//! and where a value lands. An axis's space is the value itself on a
//! linear axis and its log10 on a logarithmic one, for the exported images
//! and the window's plots alike.
//!
//! Kept apart from the drawing so the rules are easy to test.

use super::model::{Axis, Scale, Series};

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

    /// Whether `v` is in the span, allowing for rounding at the ends.
    pub fn contains(self, v: f64) -> bool {
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
/// finite, or not positive on a log axis). The window's plots use the
/// same coordinates: egui_plot has no log axes, so it plots log10 values.
pub fn to_space(scale: Scale, v: f64) -> Option<f64> {
    match scale {
        _ if !v.is_finite() => None,
        Scale::Linear => Some(v),
        Scale::Log10 if v > 0.0 => Some(v.log10()),
        Scale::Log10 => None,
    }
}

/// A series' points in axis space, leaving out those the axes cannot
/// show (the window plots these; the legend weighs where they lie).
pub fn series_in_space(series: &Series, x: Scale, y: Scale) -> Vec<[f64; 2]> {
    series
        .points
        .iter()
        .filter_map(|p| Some([to_space(x, p[0])?, to_space(y, p[1])?]))
        .collect()
}

/// A line's points in plot space, cut into unbroken runs where a point is
/// not finite (or not on a log axis): the breaks the exporters draw too,
/// as between the contour lines of a landscape.
pub fn line_runs(series: &Series, x: Scale, y: Scale) -> Vec<Vec<[f64; 2]>> {
    let mut runs: Vec<Vec<[f64; 2]>> = Vec::new();
    let mut run = Vec::new();
    for p in &series.points {
        match (to_space(x, p[0]), to_space(y, p[1])) {
            (Some(px), Some(py)) => run.push([px, py]),
            _ if !run.is_empty() => runs.push(std::mem::take(&mut run)),
            _ => {}
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs
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
