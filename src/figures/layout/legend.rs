//! An exported figure's legend and notes: in the plot's corner that hides
//! the least data (top right when nothing is in the way), or, when every
//! corner would hide data, in a strip between the subtitle and the plot.

use super::canvas::{Canvas, MAX_HIDDEN};
use super::scene::{Anchor, BAND_ALPHA, Builder, Frame, INK, PANEL, PANEL_EDGE, Rgba, Shape};
use super::sizes::{Sizes, dash_for, fit_text, reserve};
use crate::figures::model::{Figure, Series, SeriesKind};

/// The series that have a legend entry.
fn legend_entries(figure: &Figure) -> Vec<&Series> {
    figure
        .series
        .iter()
        .filter(|s| !s.name.is_empty())
        .collect()
}

/// The notes worth showing.
fn note_lines(figure: &Figure) -> Vec<&String> {
    figure.notes.iter().filter(|n| !n.is_empty()).collect()
}

/// The legend as rows of entries, centred, starting at `y`; returns the
/// y below it.
pub(super) fn legend_strip(figure: &Figure, sz: &Sizes, w: f32, b: &mut Builder, y: f32) -> f32 {
    let (size, row, swatch_w) = (sz.legend, sz.legend * 1.5, swatch_width(sz));
    let max = w - 2.0 * sz.pad;
    let entries: Vec<(&Series, String, f32)> = legend_entries(figure)
        .into_iter()
        .map(|s| {
            let (name, size) = fit_text(&s.name, size, max - swatch_w - sz.gap);
            let width = swatch_w + sz.gap + reserve(&name, size);
            (s, name, width)
        })
        .collect();
    let spacing = 3.0 * sz.gap;
    // Greedy line filling: entries in order, a new row when one is full.
    let mut rows: Vec<Vec<&(&Series, String, f32)>> = Vec::new();
    let mut used = f32::INFINITY;
    for entry in &entries {
        if used + spacing + entry.2 > max {
            rows.push(Vec::new());
            used = -spacing;
        }
        used += spacing + entry.2;
        if let Some(last) = rows.last_mut() {
            last.push(entry);
        }
    }
    let mut y = y;
    for entries in rows {
        let total: f32 =
            entries.iter().map(|e| e.2).sum::<f32>() + spacing * (entries.len() as f32 - 1.0);
        let mut x = (w - total) / 2.0;
        let cy = y + row / 2.0;
        for (s, name, width) in entries {
            let f = Frame {
                x0: x,
                y0: cy - row * 0.35,
                x1: x + swatch_w,
                y1: cy + row * 0.35,
            };
            swatch(b, sz, s, f);
            b.text(
                x + swatch_w + sz.gap,
                cy + 0.35 * size,
                name,
                size,
                INK,
                Anchor::Start,
            );
            x += width + spacing;
        }
        y += row;
    }
    y
}

/// The notes as centred lines starting at `y`; returns the y below them.
pub(super) fn notes_strip(figure: &Figure, sz: &Sizes, w: f32, b: &mut Builder, y: f32) -> f32 {
    let row = sz.note * 1.35;
    let mut y = y;
    for note in note_lines(figure) {
        let (text, size) = fit_text(note, sz.note, w - 2.0 * sz.pad);
        b.text(
            w / 2.0,
            y + row / 2.0 + 0.35 * size,
            &text,
            size,
            INK,
            Anchor::Middle,
        );
        y += row;
    }
    y
}

fn swatch_width(sz: &Sizes) -> f32 {
    40.0 * sz.s.max(0.4)
}

/// The legend's sample of a series, within `f`.
fn swatch(b: &mut Builder, sz: &Sizes, s: &Series, f: Frame) {
    let cy = (f.y0 + f.y1) / 2.0;
    match s.kind {
        SeriesKind::Line { width } => {
            if !s.range.is_empty() {
                let fill = Rgba::new(s.color, BAND_ALPHA);
                b.push(Shape::Rect {
                    frame: f,
                    fill,
                    crisp: false,
                });
            }
            let width = sz.line(width);
            let dash = s.dashed.then(|| dash_for(width, sz));
            let points = vec![(f.x0, cy), (f.x1, cy)];
            b.push(Shape::Line {
                points,
                color: Rgba::solid(s.color),
                width,
                dash,
            });
        }
        SeriesKind::Bars { .. } => {
            let half = f.height() * 0.45;
            let (x0, x1) = (f.x0 + f.width() * 0.2, f.x1 - f.width() * 0.2);
            let frame = Frame {
                x0,
                y0: cy - half,
                x1,
                y1: cy + half,
            };
            b.push(Shape::Rect {
                frame,
                fill: Rgba::solid(s.color),
                crisp: false,
            });
        }
        SeriesKind::Points { radius } => {
            let radius = (radius * 1.5 * sz.s).max(1.5);
            let (x, fill) = ((f.x0 + f.x1) / 2.0, Rgba::solid(s.color));
            b.push(Shape::Dot {
                x,
                y: cy,
                radius,
                fill,
            });
        }
    }
}

/// A light box behind text drawn over the plot.
fn panel(b: &mut Builder, frame: Frame, sz: &Sizes) {
    b.push(Shape::Rect {
        frame,
        fill: PANEL,
        crisp: false,
    });
    b.push(Shape::Outline {
        frame,
        color: PANEL_EDGE,
        width: sz.line(0.6),
    });
}

impl Canvas<'_> {
    /// Notes in the top-left corner of the plot, on a panel.
    pub(super) fn notes(&mut self, b: &mut Builder) {
        let notes = note_lines(self.figure);
        if notes.is_empty() || self.placement.notes_above {
            return;
        }
        let (sz, p) = (self.sz, self.plot);
        let row = sz.note * 1.35;
        let lines: Vec<(String, f32)> = notes
            .iter()
            .map(|n| fit_text(n, sz.note, p.width() * 0.6))
            .collect();
        let widest = lines
            .iter()
            .map(|(t, s)| reserve(t, *s))
            .fold(0.0, f32::max);
        let (x0, y0) = (p.x0 + sz.gap, p.y0 + sz.gap);
        let frame = Frame {
            x0,
            y0,
            x1: x0 + widest + 2.0 * sz.gap,
            y1: y0 + row * lines.len() as f32 + sz.gap,
        };
        self.crowded.notes_above = self.obstacles.hidden(&frame) > MAX_HIDDEN;
        panel(b, frame, &sz);
        for (i, (text, size)) in lines.iter().enumerate() {
            let y = y0 + sz.gap * 0.5 + row * (i as f32 + 0.5) + 0.35 * size;
            b.text(x0 + sz.gap, y, text, *size, INK, Anchor::Start);
        }
        self.obstacles.labels.push(frame);
    }

    /// The legend, in whichever corner hides the least data (top right
    /// when nothing is in the way).
    pub(super) fn legend(&mut self, b: &mut Builder) {
        let entries = legend_entries(self.figure);
        if entries.is_empty() || self.placement.legend_above {
            return;
        }
        let (sz, p) = (self.sz, self.plot);
        let (size, row, swatch_w) = (sz.legend, sz.legend * 1.5, swatch_width(&sz));
        let max_text = (p.width() * 0.5 - swatch_w).max(size * 3.0);
        let names: Vec<(String, f32)> = entries
            .iter()
            .map(|s| fit_text(&s.name, size, max_text))
            .collect();
        let widest = names
            .iter()
            .map(|(t, s)| reserve(t, *s))
            .fold(0.0, f32::max);
        let w = swatch_w + widest + 3.0 * sz.gap;
        let h = row * entries.len() as f32 + sz.gap;
        let frame = self.best_corner(w, h);
        self.crowded.legend_above =
            self.obstacles.hidden(&frame) > MAX_HIDDEN || self.obstacles.cost(&frame) >= 1e6;
        panel(b, frame, &sz);
        for (i, (s, (name, name_size))) in entries.iter().zip(&names).enumerate() {
            let cy = frame.y0 + sz.gap * 0.5 + row * (i as f32 + 0.5);
            let x = frame.x0 + sz.gap;
            let f = Frame {
                x0: x,
                y0: cy - row * 0.35,
                x1: x + swatch_w,
                y1: cy + row * 0.35,
            };
            swatch(b, &sz, s, f);
            let y = cy + 0.35 * name_size;
            b.text(
                x + swatch_w + sz.gap,
                y,
                name,
                *name_size,
                INK,
                Anchor::Start,
            );
        }
        self.obstacles.labels.push(frame);
    }

    fn best_corner(&self, w: f32, h: f32) -> Frame {
        let (p, inset) = (self.plot, self.sz.gap);
        let (left, right) = (p.x0 + inset, p.x1 - inset - w);
        let (top, bottom) = (p.y0 + inset, p.y1 - inset - h);
        let corners = [(right, top), (left, top), (right, bottom), (left, bottom)];
        let frames = corners.map(|(x0, y0)| Frame {
            x0,
            y0,
            x1: x0 + w,
            y1: y0 + h,
        });
        let mut best = frames[0];
        let mut best_cost = self.obstacles.cost(&best);
        for frame in &frames[1..] {
            let cost = self.obstacles.cost(frame);
            // A clear preference for top right: a corner must be clearly
            // emptier to win.
            if cost < best_cost * 0.5 && best_cost - cost > 5.0 {
                best = *frame;
                best_cost = cost;
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::colour::PALETTE;
    use crate::figures::layout::layout;
    use crate::figures::layout::scene::texts;
    use crate::figures::model::Axis;

    #[test]
    fn legend_moves_above_the_plot_when_data_fill_the_corners() {
        let mut f = Figure::new("t", "T", Axis::linear("x"), Axis::linear("y"));
        let grid = (0..80 * 80)
            .map(|i| [(i % 80) as f64, (i / 80) as f64])
            .collect();
        f.series
            .push(Series::points("everywhere", PALETTE[0], 3.0, grid));
        f.notes.push("a note long enough to cover data".into());
        let scene = layout(&f, 1600, 1000);
        for name in ["everywhere", "a note long enough to cover data"] {
            let label = texts(&scene).into_iter().find(|l| l.text == name);
            assert!(
                label.is_some_and(|l| l.y < scene.plot.y0),
                "{name} not above"
            );
        }
        // With room in the top-right corner, the legend stays inside.
        f.series[0].points.retain(|p| p[0] < 40.0 || p[1] < 40.0);
        f.notes.clear();
        let scene = layout(&f, 1600, 1000);
        let label = texts(&scene).into_iter().find(|l| l.text == "everywhere");
        assert!(
            label.is_some_and(
                |l| l.y > scene.plot.y0 && l.x > scene.plot.x0 + scene.plot.width() / 2.0
            )
        );
    }
}
