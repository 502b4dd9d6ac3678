//! An exported heatmap: its cells (runs of one colour merged, so SVG
//! files stay small) and, for magnitudes, the colour scale right of the
//! plot with its ticks. Cell colours are `Heatmap::cell_color`, the same
//! the window draws.

use super::canvas::Canvas;
use super::scene::{Anchor, Builder, FRAME, Frame, INK, Label, Rgba, Shape};
use super::sizes::{Sizes, fit_text, reserve};
use crate::figures::axis_space::Span;
use crate::figures::colour::{text_on, viridis};
use crate::figures::model::Heatmap;
use crate::figures::tick_labels::format_number;
use crate::figures::ticks::{Tick, linear_ticks, nice_step};

impl Canvas<'_> {
    pub(super) fn heatmap(&mut self, b: &mut Builder, hm: &Heatmap) {
        let columns: Vec<Option<f32>> = hm
            .x_edges
            .iter()
            .map(|&v| self.tf.x.px(v).map(|p| p as f32))
            .collect();
        for row in 0..hm.rows() {
            let (Some(ya), Some(yb)) = (
                self.tf.y.px(hm.y_edges[row]),
                self.tf.y.px(hm.y_edges[row + 1]),
            ) else {
                continue;
            };
            let (y0, y1) = (ya.min(yb) as f32, ya.max(yb) as f32);
            self.heatmap_row(b, hm, row, &columns, (y0, y1));
        }
        self.cell_text(b, hm, &columns);
    }

    /// The text of every cell, centred, in ink or white (whichever reads
    /// on the cell's colour), when the cells are big enough for all of it.
    fn cell_text(&self, b: &mut Builder, hm: &Heatmap, columns: &[Option<f32>]) {
        let Some(cells) = &hm.cell_text else {
            return;
        };
        let rows: Vec<Option<f32>> = hm
            .y_edges
            .iter()
            .map(|&v| self.tf.y.px(v).map(|p| p as f32))
            .collect();
        let cell_h = (self.plot.height() / hm.rows().max(1) as f32).abs();
        let cell_w = (self.plot.width() / hm.columns().max(1) as f32).abs();
        let widest = cells
            .text
            .iter()
            .map(|t| reserve(t, 1.0))
            .fold(0.0, f32::max);
        let size = self
            .sz
            .tick
            .min(0.5 * cell_h)
            .min(0.85 * cell_w / widest.max(0.01));
        // Smaller than about two thirds of the tick labels, a grid of
        // numbers only clutters: the colours say it.
        if size < (0.65 * self.sz.tick).max(9.0) {
            return;
        }
        for row in 0..hm.rows() {
            let (Some(ya), Some(yb)) = (rows[row], rows[row + 1]) else {
                continue;
            };
            for column in 0..hm.columns() {
                let (Some(xa), Some(xb)) = (columns[column], columns[column + 1]) else {
                    continue;
                };
                let cell = row * hm.columns() + column;
                let Some(text) = cells.text.get(cell) else {
                    continue;
                };
                let value = hm.values.get(cell).copied().unwrap_or(f64::NAN);
                b.push_clipped(Shape::Text(Label {
                    x: (xa + xb) / 2.0,
                    y: (ya + yb) / 2.0 + 0.35 * size,
                    text: text.clone(),
                    size,
                    color: Rgba::solid(text_on(hm.cell_color(value))),
                    anchor: Anchor::Middle,
                    vertical: false,
                    bold: false,
                }));
            }
        }
    }

    /// One row of cells; runs of equal colour become one rectangle, which
    /// keeps SVG files small for long runs.
    fn heatmap_row(
        &self,
        b: &mut Builder,
        hm: &Heatmap,
        row: usize,
        columns: &[Option<f32>],
        (y0, y1): (f32, f32),
    ) {
        let mut run: Option<(f32, f32, Rgba)> = None;
        let flush = |run: &mut Option<(f32, f32, Rgba)>, b: &mut Builder| {
            if let Some((x0, x1, fill)) = run.take() {
                let frame = Frame { x0, y0, x1, y1 };
                b.push_clipped(Shape::Rect {
                    frame,
                    fill,
                    crisp: true,
                });
            }
        };
        for column in 0..hm.columns() {
            let value = hm
                .values
                .get(row * hm.columns() + column)
                .copied()
                .unwrap_or(f64::NAN);
            let (Some(xa), Some(xb)) = (columns[column], columns[column + 1]) else {
                flush(&mut run, b);
                continue;
            };
            let (x0, x1) = (self.clamp_x(xa.min(xb)), self.clamp_x(xa.max(xb)));
            let fill = cell_color(hm, value);
            match &mut run {
                Some((_, end, color)) if *color == fill && (*end - x0).abs() < 0.01 => *end = x1,
                _ => {
                    flush(&mut run, b);
                    run = Some((x0, x1, fill));
                }
            }
        }
        flush(&mut run, b);
    }

    fn clamp_x(&self, x: f32) -> f32 {
        x.clamp(self.plot.x0 - 1.0, self.plot.x1 + 1.0)
    }
}

fn cell_color(hm: &Heatmap, value: f64) -> Rgba {
    Rgba::solid(hm.cell_color(value))
}

/// The colour scale right of a heatmap.
pub(super) struct ColorBar {
    ticks: Vec<Tick>,
    widest: f32,
    /// Room from the plot's right edge to the image's.
    pub(super) room: f32,
}

impl ColorBar {
    pub(super) fn new(hm: &Heatmap, sz: &Sizes) -> ColorBar {
        let ticks = colorbar_ticks(hm);
        let widest = ticks
            .iter()
            .map(|t| reserve(&t.label, sz.tick))
            .fold(0.0, f32::max);
        let label = if hm.value_label.is_empty() {
            0.0
        } else {
            sz.axis * 1.25 + sz.gap
        };
        let room =
            3.0 * sz.gap + 26.0 * sz.s + sz.tick_len + sz.gap + widest + sz.gap + label + sz.pad;
        ColorBar {
            ticks,
            widest,
            room,
        }
    }

    pub(super) fn draw(&self, b: &mut Builder, hm: &Heatmap, sz: &Sizes, plot: Frame) {
        let x0 = plot.x1 + 3.0 * sz.gap;
        let bar = Frame {
            x0,
            y0: plot.y0,
            x1: x0 + 26.0 * sz.s,
            y1: plot.y1,
        };
        let steps = 128;
        for i in 0..steps {
            let (t0, t1) = (i as f32 / steps as f32, (i + 1) as f32 / steps as f32);
            let frame = Frame {
                x0: bar.x0,
                x1: bar.x1,
                y0: bar.y1 - t1 * bar.height(),
                y1: bar.y1 - t0 * bar.height(),
            };
            let fill = Rgba::solid(viridis((t0 as f64 + t1 as f64) / 2.0));
            b.push(Shape::Rect {
                frame,
                fill,
                crisp: true,
            });
        }
        b.push(Shape::Outline {
            frame: bar,
            color: FRAME,
            width: sz.line(0.8),
        });
        let span = (hm.max - hm.min) as f32;
        for t in &self.ticks {
            let frac = if span > 0.0 {
                ((t.pos - hm.min) as f32 / span).clamp(0.0, 1.0)
            } else {
                0.5
            };
            let y = bar.y1 - frac * bar.height();
            b.push(Shape::Line {
                points: vec![(bar.x1, y), (bar.x1 + sz.tick_len, y)],
                color: FRAME,
                width: sz.line(0.8),
                dash: None,
            });
            b.text(
                bar.x1 + sz.tick_len + sz.gap,
                y + 0.35 * sz.tick,
                &t.label,
                sz.tick,
                INK,
                Anchor::Start,
            );
        }
        if !hm.value_label.is_empty() {
            let (text, size) = fit_text(&hm.value_label, sz.axis, bar.height());
            b.push(Shape::Text(Label {
                x: bar.x1 + sz.tick_len + 2.0 * sz.gap + self.widest + 0.85 * size,
                y: (bar.y0 + bar.y1) / 2.0,
                text,
                size,
                color: INK,
                anchor: Anchor::Middle,
                vertical: true,
                bold: false,
            }));
        }
    }
}

/// The scale's ends, and nice values between them that keep clear of
/// the ends' labels.
fn colorbar_ticks(hm: &Heatmap) -> Vec<Tick> {
    let (lo, hi) = (hm.min, hm.max);
    if !(lo.is_finite() && hi.is_finite()) {
        return Vec::new();
    }
    if hi <= lo {
        let label = format_number(lo, lo.abs().max(1e-12) / 100.0, lo.abs());
        return vec![Tick { pos: lo, label }];
    }
    let span = Span { lo, hi };
    let step = nice_step(span.len() / 5.0);
    let magnitude = lo.abs().max(hi.abs());
    // The ends are rarely round numbers: they get the digits they need,
    // up to two more than the step's.
    let end = |v: f64| {
        let label = [step, step / 10.0, step / 100.0]
            .iter()
            .map(|&s| format_number(v, s, magnitude))
            .find(|l| l.parse::<f64>().is_ok_and(|r| (r - v).abs() <= step * 1e-6))
            .unwrap_or_else(|| format_number(v, step / 100.0, magnitude));
        Tick { pos: v, label }
    };
    let mut ticks = vec![end(lo)];
    ticks.extend(linear_ticks(span, 5).into_iter().filter(|t| {
        let clear = 0.08 * span.len();
        t.pos - lo > clear && hi - t.pos > clear
    }));
    ticks.push(end(hi));
    ticks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::layout::layout;
    use crate::figures::layout::scene::texts;
    use crate::figures::model::{Axis, Figure};

    #[test]
    fn missing_heatmap_cells_are_grey() {
        let mut f = Figure::new("t", "T", Axis::linear("x"), Axis::linear("y"));
        f.heatmap = Some(Heatmap {
            x_edges: vec![0.0, 1.0, 2.0],
            y_edges: vec![0.0, 1.0],
            values: vec![f64::NAN, 5.0],
            value_label: "v".into(),
            min: 0.0,
            max: 10.0,
            classes: Vec::new(),
            cell_text: None,
        });
        let scene = layout(&f, 800, 500);
        let cells: Vec<Rgba> = scene
            .items
            .iter()
            .filter(|i| i.clipped)
            .filter_map(|i| match &i.shape {
                Shape::Rect {
                    fill, crisp: true, ..
                } => Some(*fill),
                _ => None,
            })
            .collect();
        assert_eq!(
            cells,
            [
                Rgba::solid(crate::figures::colour::MISSING_CELL),
                Rgba::solid(viridis(0.5))
            ]
        );
        let labels: Vec<&str> = texts(&scene).iter().map(|l| l.text.as_str()).collect();
        assert!(labels.contains(&"0") && labels.contains(&"10") && labels.contains(&"v"));
    }
}
