//! An exported figure's axes: the frame, grid lines, ticks and their
//! labels, the axis titles, and the room they take around the plot.
//! Which ticks an axis gets comes from `ticks`; here, as many of them as
//! have room for their labels at this pixel size.

use super::canvas::Canvas;
use super::scene::{Anchor, Builder, FRAME, GRID, INK, Label, Shape};
use super::sizes::{Sizes, fit_text, reserve};
use crate::figures::axis_space::Span;
use crate::figures::model::{Axis, Figure, Scale};
use crate::figures::ticks::{self, Tick, Ticks};

/// Room under the plot: tick marks, tick labels, the x label.
pub(super) fn bottom_margin(figure: &Figure, sz: &Sizes) -> f32 {
    let label = if figure.x.label.is_empty() {
        0.0
    } else {
        sz.axis * 1.25 + sz.gap
    };
    sz.pad + label + sz.tick * 1.25 + sz.gap + sz.tick_len
}

/// Room left of the plot: the turned y label, the widest tick label.
pub(super) fn left_margin(figure: &Figure, ticks: &Ticks, sz: &Sizes) -> f32 {
    let widest = ticks
        .major
        .iter()
        .map(|t| reserve(&t.label, sz.tick))
        .fold(0.0, f32::max);
    let label = if figure.y.label.is_empty() {
        0.0
    } else {
        sz.axis * 1.25 + sz.gap
    };
    sz.pad + label + widest + sz.gap + sz.tick_len
}

/// Ticks whose labels do not collide, as many as comfortably fit.
pub(super) fn axis_ticks(
    axis: &Axis,
    span: Span,
    length: f32,
    sz: &Sizes,
    horizontal: bool,
) -> Ticks {
    let spacing = if horizontal { 120.0 } else { 80.0 } * sz.s;
    let start = ((length / spacing) as usize).clamp(2, 10);
    if !axis.categories.is_empty() {
        return category_axis_ticks(axis, span, length, sz, horizontal);
    }
    let mut fallback = Ticks::default();
    for target in (2..=start).rev() {
        let ticks = match axis.scale {
            Scale::Linear => {
                let mut major = ticks::linear_ticks(span, target);
                if axis.integers {
                    // A step of 0.5 keeps its whole numbers, evenly spaced.
                    major.retain(|t| t.pos.fract() == 0.0);
                }
                Ticks {
                    major,
                    minor: Vec::new(),
                }
            }
            Scale::Log10 => ticks::log_ticks(span, target),
        };
        if labels_fit(&ticks.major, span, length, sz, horizontal) {
            return ticks;
        }
        fallback = ticks;
    }
    fallback
}

fn category_axis_ticks(
    axis: &Axis,
    span: Span,
    length: f32,
    sz: &Sizes,
    horizontal: bool,
) -> Ticks {
    let mut major = Vec::new();
    for every in 1..=axis.categories.len().max(1) {
        major = ticks::category_ticks(span, &axis.categories, every);
        if labels_fit(&major, span, length, sz, horizontal) {
            break;
        }
    }
    Ticks {
        major,
        minor: Vec::new(),
    }
}

/// Whether neighbouring tick labels keep a gap between them.
fn labels_fit(ticks: &[Tick], span: Span, length: f32, sz: &Sizes, horizontal: bool) -> bool {
    let px = |pos: f64| ((pos - span.lo) / span.len()) as f32 * length;
    let extent = |t: &Tick| {
        if horizontal {
            reserve(&t.label, sz.tick)
        } else {
            sz.tick
        }
    };
    ticks.windows(2).all(|pair| {
        let distance = (px(pair[1].pos) - px(pair[0].pos)).abs();
        distance >= (extent(&pair[0]) + extent(&pair[1])) / 2.0 + 1.5 * sz.gap
    })
}

impl Canvas<'_> {
    pub(super) fn grid(&self, b: &mut Builder, x_ticks: &Ticks, y_ticks: &Ticks) {
        if self.figure.heatmap.is_some() {
            return; // the cells cover the grid
        }
        let width = self.sz.line(0.7);
        let p = self.plot;
        if self.figure.x.categories.is_empty() {
            for t in &x_ticks.major {
                let x = self.tf.x.px_of(t.pos) as f32;
                b.push(Shape::Line {
                    points: vec![(x, p.y0), (x, p.y1)],
                    color: GRID,
                    width,
                    dash: None,
                });
            }
        }
        if self.figure.y.categories.is_empty() {
            for t in &y_ticks.major {
                let y = self.tf.y.px_of(t.pos) as f32;
                b.push(Shape::Line {
                    points: vec![(p.x0, y), (p.x1, y)],
                    color: GRID,
                    width,
                    dash: None,
                });
            }
        }
    }

    pub(super) fn axes(&self, b: &mut Builder, x_ticks: &Ticks, y_ticks: &Ticks) {
        let p = self.plot;
        let sz = &self.sz;
        let line = sz.line(0.8);
        b.push(Shape::Outline {
            frame: p,
            color: FRAME,
            width: line,
        });
        for t in &x_ticks.major {
            let x = self.tf.x.px_of(t.pos) as f32;
            b.push(Shape::Line {
                points: vec![(x, p.y1), (x, p.y1 + sz.tick_len)],
                color: FRAME,
                width: line,
                dash: None,
            });
            let y = p.y1 + sz.tick_len + sz.gap + 0.8 * sz.tick;
            b.text(x, y, &t.label, sz.tick, INK, Anchor::Middle);
        }
        for &pos in &x_ticks.minor {
            let x = self.tf.x.px_of(pos) as f32;
            b.push(Shape::Line {
                points: vec![(x, p.y1), (x, p.y1 + sz.tick_len * 0.5)],
                color: FRAME,
                width: line,
                dash: None,
            });
        }
        for t in &y_ticks.major {
            let y = self.tf.y.px_of(t.pos) as f32;
            b.push(Shape::Line {
                points: vec![(p.x0 - sz.tick_len, y), (p.x0, y)],
                color: FRAME,
                width: line,
                dash: None,
            });
            b.text(
                p.x0 - sz.tick_len - sz.gap,
                y + 0.35 * sz.tick,
                &t.label,
                sz.tick,
                INK,
                Anchor::End,
            );
        }
        for &pos in &y_ticks.minor {
            let y = self.tf.y.px_of(pos) as f32;
            b.push(Shape::Line {
                points: vec![(p.x0 - sz.tick_len * 0.5, y), (p.x0, y)],
                color: FRAME,
                width: line,
                dash: None,
            });
        }
        self.axis_labels(b);
    }

    fn axis_labels(&self, b: &mut Builder) {
        let (p, sz) = (self.plot, &self.sz);
        let h = self.height;
        if !self.figure.x.label.is_empty() {
            let (text, size) = fit_text(&self.figure.x.label, sz.axis, p.width());
            b.text(
                (p.x0 + p.x1) / 2.0,
                h - sz.pad - 0.25 * size,
                &text,
                size,
                INK,
                Anchor::Middle,
            );
        }
        if !self.figure.y.label.is_empty() {
            let (text, size) = fit_text(&self.figure.y.label, sz.axis, p.height());
            b.push(Shape::Text(Label {
                x: sz.pad + 0.85 * size,
                y: (p.y0 + p.y1) / 2.0,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_axes_have_no_ticks_between_whole_numbers() {
        let sz = Sizes::new(1600, 1000);
        for (lo, hi) in [(0.0, 2.0), (1.9, 4.1), (0.0, 7.0)] {
            let span = Span { lo, hi };
            let ticks = axis_ticks(&Axis::integer("step"), span, 1200.0, &sz, true);
            assert!(ticks.major.len() >= 2, "{lo}..{hi}: {:?}", ticks.major);
            assert!(
                ticks.major.iter().all(|t| t.pos.fract() == 0.0),
                "{lo}..{hi}: {:?}",
                ticks.major
            );
            // The same span on a plain axis gets fractions: the test bites.
            let plain = axis_ticks(&Axis::linear("x"), span, 1200.0, &sz, true);
            assert!(plain.major.iter().any(|t| t.pos.fract() != 0.0));
        }
    }
}
