//! An exported figure's marker lines (a reference such as sigmoid's 0.25
//! bound, an event such as a skip toggled) and their labels beside them,
//! placed by the rule the window shares (`figures::marker_labels`),
//! weighing what each place would hide.

use super::canvas::Canvas;
use super::scene::{Anchor, Builder, PANEL, Rgba, Shape};
use super::sizes::{dash_for, fit_text, reserve};
use crate::figures::colour::readable_on_white;
use crate::figures::marker_labels::{Choice, LabelRules, Line};
use crate::figures::model::Orientation;

impl Canvas<'_> {
    pub(super) fn marker_lines(&mut self, b: &mut Builder) {
        let p = self.plot;
        for m in &self.figure.markers {
            let width = self.sz.line(1.5);
            let dash = m.dashed.then(|| dash_for(width, &self.sz));
            let color = Rgba::solid(m.color);
            let points = match m.orientation {
                Orientation::Vertical => match self.tf.x.px(m.value) {
                    Some(x) => vec![(x as f32, p.y0), (x as f32, p.y1)],
                    None => continue,
                },
                Orientation::Horizontal => match self.tf.y.px(m.value) {
                    Some(y) => vec![(p.x0, y as f32), (p.x1, y as f32)],
                    None => continue,
                },
            };
            if points.iter().all(|q| self.expanded().contains(q.0, q.1)) {
                b.push_clipped(Shape::Line {
                    points,
                    color,
                    width,
                    dash,
                });
            }
        }
    }

    /// Each marker's label beside its line, where it hides the least data
    /// and no other text.
    pub(super) fn marker_labels(&mut self, b: &mut Builder) {
        let rules = self.label_rules();
        for m in &self.figure.markers {
            if m.label.is_empty() {
                continue;
            }
            let size = self.sz.marker;
            let (text, size) = fit_text(&m.label, size, self.plot.width() * 0.5);
            let (w, h) = (reserve(&text, size) + self.sz.gap, size * 1.4);
            let line = match m.orientation {
                Orientation::Vertical => self.tf.x.px(m.value).map(|x| Line::Vertical(x as f32)),
                Orientation::Horizontal => {
                    self.tf.y.px(m.value).map(|y| Line::Horizontal(y as f32))
                }
            };
            let Some(frame) =
                line.and_then(|line| rules.place(line, w, h, |frame| self.obstacles.cost(frame)))
            else {
                continue;
            };
            b.push(Shape::Rect {
                frame,
                fill: PANEL,
                crisp: false,
            });
            let y = (frame.y0 + frame.y1) / 2.0 + 0.35 * size;
            b.text(
                frame.x0 + self.sz.gap / 2.0,
                y,
                &text,
                size,
                Rgba::solid(readable_on_white(m.color)),
                Anchor::Start,
            );
            self.obstacles.labels.push(frame);
        }
    }

    /// The marker-label rule at this image's sizes: up to eight rows
    /// along the top, every place a candidate.
    fn label_rules(&self) -> LabelRules {
        LabelRules {
            area: self.plot,
            beside: self.sz.gap * 0.6,
            above: self.sz.gap * 0.3,
            top_inset: self.sz.gap,
            side_inset: self.sz.gap,
            rows: 8,
            row_factor: 1.1,
            row_gap: 0.0,
            choice: Choice::Anywhere,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::colour::PALETTE;
    use crate::figures::font;
    use crate::figures::layout::layout;
    use crate::figures::model::{Axis, Figure, Marker, Series};

    #[test]
    fn marker_labels_stay_inside_the_plot() {
        let mut f = Figure::new("t", "T", Axis::linear("x"), Axis::linear("y"));
        f.series
            .push(Series::line("a", PALETTE[0], vec![[0.0, 0.0], [10.0, 1.0]]));
        for value in [0.0, 9.9] {
            f.markers.push(Marker {
                label: "a long marker label".into(),
                color: PALETTE[1],
                orientation: Orientation::Vertical,
                value,
                dashed: true,
            });
        }
        let scene = layout(&f, 1600, 1000);
        for item in &scene.items {
            if let Shape::Text(l) = &item.shape
                && l.text == "a long marker label"
            {
                assert!(
                    l.x >= scene.plot.x0 && l.x + font::width(&l.text, l.size) <= scene.plot.x1
                );
            }
        }
    }
}
