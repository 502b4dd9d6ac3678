//! Where a plot's legend goes on screen. egui_plot draws the legend in one
//! fixed corner over the data; left at top right it hides exactly what the
//! exploding lesson is about (the loss shooting up at the last steps) and
//! the tallest gradient bars. So each frame the legend takes the corner that
//! hides the least data, as the exported figures do.
//!
//! It weighs the data where the plot draws them: in axis space
//! (`figures::axis_space`), bars from the window's own base
//! (`figures::screen`), marker labels where `figures::marker_labels` puts
//! them on screen (right of their line along the top, left near the edge;
//! horizontal ones above their line at the right).

use egui_plot::Corner;

use crate::figures::axis_space::{series_in_space, to_space};
use crate::figures::screen::bar_base;
use crate::figures::{Figure, Orientation, SeriesKind};

/// Room a legend row takes, in points (egui's body text and spacing).
const ROW_HEIGHT: f32 = 18.0;
/// Average width of a character of the legend's text, in points.
const CHAR_WIDTH: f32 = 7.0;
/// Average width of a character of a marker's label, in points.
const LABEL_CHAR_WIDTH: f32 = 6.0;
/// Swatch, padding and margins of the legend's frame, in points.
const FRAME_WIDTH: f32 = 44.0;
/// The auto-bounds margin egui_plot adds on each side of the data.
const MARGIN: f64 = 0.05;
/// Samples per unit of length along a line, in plot fractions.
const DENSITY: f64 = 100.0;
/// The same for marker lines: they cross the whole plot, so hiding a
/// stretch of one matters less than hiding a curve.
const MARKER_DENSITY: f64 = 25.0;
/// The same for marker labels: hidden text is worse than a hidden
/// stretch of line.
const LABEL_DENSITY: f64 = 300.0;
/// How many fewer samples a corner must hide to beat top right.
const CLEARLY_FEWER: usize = 10;

/// `corner`, worked out again only when the figure or the plot's size
/// changes: a paused window draws the same figures every frame.
pub fn remembered_corner(ui: &egui::Ui, id: &str, figure: &Figure, size: egui::Vec2) -> Corner {
    let key = ui.scope_id().with(("legend corner", id));
    let print = fingerprint(figure, size);
    let known = ui.data(|d| d.get_temp::<(u64, Corner)>(key));
    match known {
        Some((seen, corner)) if seen == print => corner,
        _ => {
            let corner = corner(figure, size);
            ui.data_mut(|d| d.insert_temp(key, (print, corner)));
            corner
        }
    }
}

/// What identifies a figure's data: the plot's size, every series' name
/// and points, the markers (hashing is cheap next to sampling the lines).
fn fingerprint(figure: &Figure, size: egui::Vec2) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (size.x.round() as i64, size.y.round() as i64).hash(&mut h);
    for series in &figure.series {
        (&series.name, series.points.len()).hash(&mut h);
        for point in &series.points {
            point.map(f64::to_bits).hash(&mut h);
        }
    }
    for marker in &figure.markers {
        (&marker.label, marker.value.to_bits()).hash(&mut h);
    }
    h.finish()
}

/// The corner of a `size`-sized plot of `figure` where the legend covers
/// the least data: top right unless another corner is clearly emptier, so
/// the legend does not wander while training nudges the curves.
pub fn corner(figure: &Figure, size: egui::Vec2) -> Corner {
    let entries = entries(figure);
    if entries.is_empty() || size.x <= 0.0 || size.y <= 0.0 {
        return Corner::RightTop;
    }
    let widest = entries.iter().map(|e| e.chars().count()).max().unwrap_or(0);
    let box_w = f64::from(((widest as f32 * CHAR_WIDTH + FRAME_WIDTH) / size.x).min(1.0));
    let box_h = f64::from(((entries.len() as f32 * ROW_HEIGHT + 8.0) / size.y).min(1.0));
    let samples = samples(figure, size);
    let count = |corner: Corner| {
        let (left, top) = match corner {
            Corner::LeftTop => (true, true),
            Corner::RightTop => (false, true),
            Corner::LeftBottom => (true, false),
            Corner::RightBottom => (false, false),
        };
        samples
            .iter()
            .filter(|[x, y]| {
                let in_x = if left { *x <= box_w } else { *x >= 1.0 - box_w };
                let in_y = if top { *y >= 1.0 - box_h } else { *y <= box_h };
                in_x && in_y
            })
            .count()
    };
    let mut best = (Corner::RightTop, count(Corner::RightTop));
    for candidate in [Corner::LeftTop, Corner::RightBottom, Corner::LeftBottom] {
        let hidden = count(candidate);
        if 2 * hidden < best.1 && best.1 - hidden > CLEARLY_FEWER {
            best = (candidate, hidden);
        }
    }
    best.0
}

/// The names egui_plot lists in the legend: named series (markers are
/// labelled beside their lines).
fn entries(figure: &Figure) -> Vec<&str> {
    let mut names: Vec<&str> = figure.series.iter().map(|s| s.name.as_str()).collect();
    // Only class regions have a legend entry (a magnitude heatmap has its
    // colour scale above the plot).
    if let Some(heatmap) = figure.heatmap.as_ref().filter(|h| !h.classes.is_empty()) {
        names.push(&heatmap.value_label);
    }
    names.retain(|n| !n.is_empty());
    names.sort_unstable();
    names.dedup();
    names
}

/// Where the data are, as points in plot fractions (0..1 across the auto
/// bounds, y up): line points and the segments between them, dots, bars
/// from base to top, marker lines across the plot, and their labels
/// (along the top, or above the line at the right).
fn samples(figure: &Figure, size: egui::Vec2) -> Vec<[f64; 2]> {
    let (xs, ys) = (figure.x.scale, figure.y.scale);
    let mut paths: Vec<Vec<[f64; 2]>> = Vec::new();
    for series in &figure.series {
        let points = series_in_space(series, xs, ys);
        match series.kind {
            SeriesKind::Line { .. } => paths.push(points),
            SeriesKind::Points { .. } => paths.extend(points.into_iter().map(|p| vec![p])),
            SeriesKind::Bars { .. } => {
                let base = bar_base(ys, &points);
                paths.extend(points.into_iter().map(|[x, y]| vec![[x, base], [x, y]]));
            }
        }
    }
    let Some(bounds) = Bounds::of(paths.iter().flatten(), figure) else {
        return Vec::new();
    };
    let mut samples: Vec<[f64; 2]> = Vec::new();
    for path in &paths {
        let path: Vec<[f64; 2]> = path.iter().map(|p| bounds.fraction(*p)).collect();
        samples.extend(along(&path, DENSITY));
    }
    for marker in &figure.markers {
        let line = match marker.orientation {
            Orientation::Vertical => to_space(xs, marker.value)
                .map(|x| bounds.fraction([x, bounds.y.0]))
                .map(|[x, _]| [[x, 0.0], [x, 1.0]]),
            Orientation::Horizontal => to_space(ys, marker.value)
                .map(|y| bounds.fraction([bounds.x.0, y]))
                .map(|[_, y]| [[0.0, y], [1.0, y]]),
        };
        if let Some(line) = line {
            samples.extend(along(&line, MARKER_DENSITY));
        }
        let Some([[x, y], _]) = line.filter(|_| !marker.label.is_empty()) else {
            continue;
        };
        let width = f64::from(marker.label.chars().count() as f32 * LABEL_CHAR_WIDTH / size.x);
        let label = match marker.orientation {
            // Along the top, right of the line (left near the edge).
            Orientation::Vertical if x + width <= 1.0 => [[x, 0.97], [x + width, 0.97]],
            Orientation::Vertical => [[x - width, 0.97], [x, 0.97]],
            // Above the line, at the right.
            Orientation::Horizontal => [[1.0 - width, y + 0.03], [1.0, y + 0.03]],
        };
        samples.extend(along(&label, LABEL_DENSITY));
    }
    samples
}

/// Points every 1/density along a polyline (its vertices included).
fn along(path: &[[f64; 2]], density: f64) -> Vec<[f64; 2]> {
    let mut out: Vec<[f64; 2]> = path.first().into_iter().copied().collect();
    for pair in path.windows(2) {
        let ([x0, y0], [x1, y1]) = (pair[0], pair[1]);
        let length = (x1 - x0).hypot(y1 - y0);
        // Capped: a curve gone to infinity and back is still one crossing.
        let steps = ((length * density).ceil() as usize).clamp(1, 4 * density as usize);
        out.extend((1..=steps).map(|i| {
            let t = i as f64 / steps as f64;
            [x0 + t * (x1 - x0), y0 + t * (y1 - y0)]
        }));
    }
    out
}

/// The plot's auto bounds: the data, the axis limits the figure asks for,
/// the marker lines, and egui_plot's margin.
struct Bounds {
    x: (f64, f64),
    y: (f64, f64),
}

impl Bounds {
    fn of<'a>(points: impl Iterator<Item = &'a [f64; 2]>, figure: &Figure) -> Option<Bounds> {
        let mut x = (f64::INFINITY, f64::NEG_INFINITY);
        let mut y = x;
        let include = |range: &mut (f64, f64), v: f64| {
            range.0 = range.0.min(v);
            range.1 = range.1.max(v);
        };
        for p in points {
            include(&mut x, p[0]);
            include(&mut y, p[1]);
        }
        let limits = |scale, lo: Option<f64>, hi: Option<f64>| match (lo, hi) {
            (Some(lo), Some(hi)) => to_space(scale, lo).zip(to_space(scale, hi)),
            _ => None,
        };
        if let Some((lo, hi)) = limits(figure.x.scale, figure.x.min, figure.x.max) {
            include(&mut x, lo);
            include(&mut x, hi);
        }
        if let Some((lo, hi)) = limits(figure.y.scale, figure.y.min, figure.y.max) {
            include(&mut y, lo);
            include(&mut y, hi);
        }
        // egui_plot widens its bounds to show every marker line.
        for marker in &figure.markers {
            match marker.orientation {
                Orientation::Vertical => {
                    to_space(figure.x.scale, marker.value).map(|v| include(&mut x, v))
                }
                Orientation::Horizontal => {
                    to_space(figure.y.scale, marker.value).map(|v| include(&mut y, v))
                }
            };
        }
        let widen = |(lo, hi): (f64, f64)| {
            let span = if hi > lo { hi - lo } else { 1.0 };
            (lo - MARGIN * span, hi + MARGIN * span)
        };
        (x.0 <= x.1 && y.0 <= y.1).then(|| Bounds {
            x: widen(x),
            y: widen(y),
        })
    }

    fn fraction(&self, [x, y]: [f64; 2]) -> [f64; 2] {
        [
            (x - self.x.0) / (self.x.1 - self.x.0),
            (y - self.y.0) / (self.y.1 - self.y.0),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::{Axis, Marker, Rgb, Series};

    fn figure(series: Vec<Series>) -> Figure {
        let mut figure = Figure::new("t", "t", Axis::linear("x"), Axis::log("y"));
        figure.series = series;
        figure
    }

    const BLUE: Rgb = Rgb(0, 0, 255);

    /// A loss falling from 2 over 100 steps.
    fn falling() -> Vec<[f64; 2]> {
        (0..100)
            .map(|i| [f64::from(i), 2.0 * 0.97f64.powi(i)])
            .collect()
    }

    /// A labelled dashed vertical line at step `at`.
    fn event(label: &str, at: f64) -> Marker {
        Marker {
            label: label.into(),
            color: BLUE,
            orientation: Orientation::Vertical,
            value: at,
            dashed: true,
        }
    }
    const PLOT: egui::Vec2 = egui::vec2(400.0, 250.0);

    #[test]
    fn a_falling_loss_keeps_the_legend_top_right() {
        let f = figure(vec![Series::line("train", BLUE, falling())]);
        assert_eq!(corner(&f, PLOT), Corner::RightTop);
    }

    #[test]
    fn an_exploding_loss_moves_the_legend_out_of_its_way() {
        // The exploding lesson in compare mode: 33, 6.7e4, 1.4e23, then
        // NaN at step 3, for both twins; the legend names both.
        let exploding = vec![[0.0, 33.4], [1.0, 6.7e4], [2.0, 1.4e23], [3.0, f64::NAN]];
        let mut f = figure(vec![
            Series::line("train (plain)", BLUE, exploding.clone()),
            Series::line("train (residual)", BLUE, exploding),
        ]);
        f.markers.push(event("NaN/Inf: layer 4", 3.0));
        assert_eq!(corner(&f, PLOT), Corner::LeftTop);
    }

    #[test]
    fn level_bars_under_a_rising_reference_leave_the_bottom_right_free() {
        // Residual rescue: every layer near 1e-2, the sigmoid reference
        // 0.25^(L-l) climbing from 1e-11 to the output's value.
        let level: Vec<[f64; 2]> = (1..=17)
            .map(|l| [f64::from(l), 0.01 * (1.0 + 0.3 * f64::from(l % 3))])
            .collect();
        let reference: Vec<[f64; 2]> = (1..=17)
            .map(|l| [f64::from(l), 0.05 * 0.25f64.powi(17 - l)])
            .collect();
        let mut bars = Series::line("||dL/dW||", BLUE, level);
        bars.kind = SeriesKind::Bars { width: 0.8 };
        let mut line = Series::line("0.25^(L-l) × output layer", BLUE, reference);
        line.dashed = true;
        let f = figure(vec![bars, line]);
        assert_eq!(corner(&f, PLOT), Corner::RightBottom);
    }

    #[test]
    fn a_marker_label_at_the_top_right_is_not_covered() {
        let mut f = figure(vec![
            Series::line("train", BLUE, falling()),
            Series::line("test", BLUE, falling()),
        ]);
        f.markers.push(event("skips off", 85.0));
        assert_ne!(corner(&f, PLOT), Corner::RightTop);
    }

    #[test]
    fn a_figure_without_data_keeps_the_default() {
        assert_eq!(corner(&figure(Vec::new()), PLOT), Corner::RightTop);
        let empty = figure(vec![Series::line("train", BLUE, Vec::new())]);
        assert_eq!(corner(&empty, PLOT), Corner::RightTop);
    }
}
