//! The loss landscape figure: log10 of the loss over the (a, b) plane as a
//! heat map, contour lines at evenly spaced levels of the same log scale,
//! and the network's own weights marked at (0, 0). One model for the
//! window and the exporters; the twins of compare mode share one colour
//! scale (`LogScale::covering`).

use crate::lang::Lang;
use crate::nn::landscape::Landscape;
use crate::train::Twin;

use super::build::twin_label;

use super::model::{Axis, Figure, Heatmap, Rgb, Series};

/// Contour levels between the scale's ends.
const CONTOUR_LEVELS: usize = 12;
const CONTOUR_COLOR: Rgb = Rgb(250, 250, 250);
const CENTRE_COLOR: Rgb = Rgb(213, 94, 0);

/// The bounds of the colour scale, in log10 of the loss.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogScale {
    pub min: f64,
    pub max: f64,
}

impl LogScale {
    /// The smallest scale that covers every finite, positive loss of all
    /// `slices` (so two twins are compared colour for colour).
    pub fn covering<'a>(slices: impl IntoIterator<Item = &'a Landscape>) -> LogScale {
        let (min, max) = slices
            .into_iter()
            .flat_map(|s| s.losses.iter())
            .filter(|v| v.is_finite() && **v > 0.0)
            .map(|v| v.log10())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            });
        if min.is_finite() {
            LogScale {
                min,
                max: max.max(min + 1e-3),
            }
        } else {
            LogScale {
                min: -1.0,
                max: 0.0,
            }
        }
    }
}

/// The figure of one slice, titled for `twin_label` (empty for a single
/// run), at training step `step`.
pub fn landscape(
    slice: &Landscape,
    scale: LogScale,
    twin_label: &str,
    step: Option<u64>,
    lang: Lang,
) -> Figure {
    let span = f64::from(slice.span);
    let mut title = lang
        .pick("Loss landscape", "Paesaggio della loss")
        .to_string();
    if !twin_label.is_empty() {
        title = format!("{title}: {twin_label}");
    }
    let mut figure = Figure::new(
        if twin_label.is_empty() {
            "landscape".to_string()
        } else {
            format!("landscape_{}", file_safe(twin_label))
        },
        title,
        Axis::linear(lang.pick("a (direction 1)", "a (direzione 1)")).with_range(-span, span),
        Axis::linear(lang.pick("b (direction 2)", "b (direzione 2)")).with_range(-span, span),
    );
    figure.subtitle = format!(
        "L(θ + a·d1 + b·d2), {}",
        lang.pick(
            "random directions normalised filter by filter, bias directions zero",
            "direzioni casuali normalizzate filtro per filtro, direzioni dei bias nulle"
        ),
    );
    // A saved model's file does not record its step.
    if let Some(step) = step {
        figure.subtitle += &format!("; {} {step}", lang.pick("step", "passo"));
    }
    let n = slice.grid;
    let half = if n > 1 { span / (n - 1) as f64 } else { span };
    let edges: Vec<f64> = (0..=n)
        .map(|i| {
            if i < n {
                f64::from(slice.coordinate(i)) - half
            } else {
                f64::from(slice.coordinate(n - 1)) + half
            }
        })
        .collect();
    let logs: Vec<f64> = slice
        .losses
        .iter()
        .map(|&v| if v > 0.0 { v.log10() } else { f64::NAN })
        .collect();
    figure.x = figure.x.with_range(edges[0], edges[n]);
    figure.y = figure.y.with_range(edges[0], edges[n]);
    figure.heatmap = Some(Heatmap {
        x_edges: edges.clone(),
        y_edges: edges,
        values: logs.clone(),
        value_label: lang.pick("log10 loss", "log10 loss").into(),
        min: scale.min,
        max: scale.max,
        classes: Vec::new(),
        cell_text: None,
    });
    let coordinates: Vec<f64> = (0..n).map(|i| f64::from(slice.coordinate(i))).collect();
    let mut contours = Vec::new();
    for k in 1..CONTOUR_LEVELS {
        let level = scale.min + (scale.max - scale.min) * k as f64 / CONTOUR_LEVELS as f64;
        for line in contour_lines(&logs, n, level) {
            if !contours.is_empty() {
                contours.push([f64::NAN, f64::NAN]);
            }
            contours.extend(
                line.iter()
                    .map(|&[c, r]| [interpolate(&coordinates, c), interpolate(&coordinates, r)]),
            );
        }
    }
    let mut lines = Series::line(
        lang.pick(
            "white lines: contours of log10 loss",
            "linee bianche: curve di livello di log10 loss",
        ),
        CONTOUR_COLOR,
        contours,
    );
    lines.kind = super::model::SeriesKind::Line { width: 1.0 };
    figure.series.push(lines);
    figure.series.push(Series::points(
        lang.pick("the network's weights", "i pesi della rete"),
        CENTRE_COLOR,
        5.0,
        vec![[0.0, 0.0]],
    ));
    let (lo, hi) = slice.range();
    figure.notes.push(format!(
        "{} {} · min {} · max {} · {} {}",
        lang.pick("centre", "centro"),
        short(slice.centre()),
        short(lo),
        short(hi),
        slice.local_minima(),
        match (slice.local_minima(), lang) {
            (1, Lang::En) => "local minimum",
            (_, Lang::En) => "local minima",
            (1, Lang::It) => "minimo locale",
            (_, Lang::It) => "minimi locali",
        },
    ));
    figure
}

/// One figure per slice of the live networks at `step`, on a colour
/// scale they share (the landscape tab and Export all).
pub fn landscapes(slices: &[(Option<Twin>, Landscape)], step: u64, lang: Lang) -> Vec<Figure> {
    let scale = LogScale::covering(slices.iter().map(|(_, s)| s));
    slices
        .iter()
        .map(|(twin, slice)| landscape(slice, scale, twin_label(*twin, lang), Some(step), lang))
        .collect()
}

/// A twin's label as a file name part ("plain", "residual").
fn file_safe(label: &str) -> String {
    label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

fn short(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.3}")
    } else {
        "NaN".into()
    }
}

/// The coordinate at fractional grid index `t`.
fn interpolate(coordinates: &[f64], t: f64) -> f64 {
    let i = (t.floor().max(0.0) as usize).min(coordinates.len().saturating_sub(2));
    let f = t - i as f64;
    match (coordinates.get(i), coordinates.get(i + 1)) {
        (Some(a), Some(b)) => a + (b - a) * f,
        (Some(a), None) => *a,
        _ => 0.0,
    }
}

/// A point on a grid edge, as an exact key: the edge's lower grid point and
/// its direction (0: along a column index, 1: along a row index).
type EdgeKey = (usize, usize, u8);

/// The contour lines of `values` (row-major, `n` × `n`) at `level`, by
/// marching squares, joined into polylines; each point is [column, row] in
/// fractional grid indices. Cells with a NaN corner are left out.
pub fn contour_lines(values: &[f64], n: usize, level: f64) -> Vec<Vec<[f64; 2]>> {
    use std::collections::HashMap;
    let at = |r: usize, c: usize| values[r * n + c];
    // The point where the level crosses an edge, by linear interpolation.
    let crossing = |key: EdgeKey| -> [f64; 2] {
        let (r, c, dir) = key;
        let (r2, c2) = if dir == 0 { (r, c + 1) } else { (r + 1, c) };
        let (v1, v2) = (at(r, c), at(r2, c2));
        let t = if v2 != v1 {
            (level - v1) / (v2 - v1)
        } else {
            0.5
        };
        [
            c as f64 + t * (c2 - c) as f64,
            r as f64 + t * (r2 - r) as f64,
        ]
    };
    let mut segments: Vec<(EdgeKey, EdgeKey)> = Vec::new();
    for r in 0..n.saturating_sub(1) {
        for c in 0..n.saturating_sub(1) {
            let corners = [at(r, c), at(r, c + 1), at(r + 1, c + 1), at(r + 1, c)];
            if corners.iter().any(|v| !v.is_finite()) {
                continue;
            }
            // Edges: bottom (r, c)-(r, c+1), right (r, c+1)-(r+1, c+1),
            // top (r+1, c)-(r+1, c+1), left (r, c)-(r+1, c).
            let bottom = (r, c, 0);
            let right = (r, c + 1, 1);
            let top = (r + 1, c, 0);
            let left = (r, c, 1);
            let above: Vec<bool> = corners.iter().map(|&v| v > level).collect();
            let case = above
                .iter()
                .enumerate()
                .fold(0, |acc, (i, &b)| acc | (usize::from(b) << i));
            let centre_above = corners.iter().sum::<f64>() / 4.0 > level;
            let pairs: &[(EdgeKey, EdgeKey)] = match case {
                0 | 15 => &[],
                1 | 14 => &[(left, bottom)],
                2 | 13 => &[(bottom, right)],
                3 | 12 => &[(left, right)],
                4 | 11 => &[(right, top)],
                6 | 9 => &[(bottom, top)],
                7 | 8 => &[(left, top)],
                // Saddles: the centre decides which corners connect.
                5 if centre_above => &[(left, top), (bottom, right)],
                5 => &[(left, bottom), (right, top)],
                10 if centre_above => &[(left, bottom), (right, top)],
                _ => &[(left, top), (bottom, right)],
            };
            segments.extend_from_slice(pairs);
        }
    }
    // Join segments sharing an edge point into polylines.
    let mut ends: HashMap<EdgeKey, Vec<usize>> = HashMap::new();
    for (i, (a, b)) in segments.iter().enumerate() {
        ends.entry(*a).or_default().push(i);
        ends.entry(*b).or_default().push(i);
    }
    let mut used = vec![false; segments.len()];
    let mut lines = Vec::new();
    for start in 0..segments.len() {
        if used[start] {
            continue;
        }
        used[start] = true;
        let (a, b) = segments[start];
        let mut chain = std::collections::VecDeque::from([a, b]);
        // Grow at the back, then at the front.
        for front in [false, true] {
            loop {
                let end = if front {
                    chain[0]
                } else {
                    chain[chain.len() - 1]
                };
                let next = ends
                    .get(&end)
                    .and_then(|list| list.iter().copied().find(|&i| !used[i]));
                let Some(i) = next else { break };
                used[i] = true;
                let (p, q) = segments[i];
                let other = if p == end { q } else { p };
                if front {
                    chain.push_front(other);
                } else {
                    chain.push_back(other);
                }
            }
        }
        lines.push(chain.into_iter().map(crossing).collect());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A bowl: loss r² + 0.1 over a 21 × 21 grid on [-1, 1]².
    fn bowl() -> Landscape {
        let n = 21;
        Landscape {
            grid: n,
            span: 1.0,
            losses: (0..n * n)
                .map(|i| {
                    let (a, b) = (-1.0 + 0.1 * (i % n) as f64, -1.0 + 0.1 * (i / n) as f64);
                    a * a + b * b + 0.1
                })
                .collect(),
        }
    }

    #[test]
    fn a_bowl_has_closed_circular_contours() {
        let slice = bowl();
        let logs: Vec<f64> = slice.losses.iter().map(|v| v.log10()).collect();
        // log10(0.5) is the circle r² = 0.4.
        let lines = contour_lines(&logs, slice.grid, 0.5f64.log10());
        assert_eq!(lines.len(), 1, "one closed line");
        let line = &lines[0];
        assert_eq!(line.first(), line.last(), "closed");
        for &[c, r] in line {
            let (a, b) = (-1.0 + 0.1 * c, -1.0 + 0.1 * r);
            let radius2 = a * a + b * b;
            assert!((radius2 - 0.4).abs() < 0.02, "{radius2}");
        }
    }

    #[test]
    fn the_figure_marks_the_centre_and_shares_the_scale() {
        let slice = bowl();
        let mut steeper = bowl();
        steeper.losses.iter_mut().for_each(|v| *v *= 10.0);
        let scale = LogScale::covering([&slice, &steeper]);
        assert!((scale.min - 0.1f64.log10()).abs() < 1e-12);
        assert!((scale.max - 21.0f64.log10()).abs() < 1e-12);
        let figure = landscape(&slice, scale, "", Some(7), Lang::En);
        let heatmap = figure.heatmap.as_ref().unwrap();
        assert_eq!((heatmap.rows(), heatmap.columns()), (21, 21));
        assert_eq!((heatmap.min, heatmap.max), (scale.min, scale.max));
        assert_eq!(heatmap.value(10, 10), 0.1f64.log10());
        assert_eq!(figure.series[1].points, vec![[0.0, 0.0]]);
        assert!(figure.series[0].points.len() > 50, "contours drawn");
        assert!(figure.subtitle.contains("step 7"));
        let it = landscape(&slice, scale, "", Some(7), Lang::It);
        assert_ne!(it.title, figure.title);
    }
}
