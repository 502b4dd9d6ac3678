//! An exported figure's data: lines (broken where a point cannot be
//! shown, cut to the plot), the light min..max bands of decimated data,
//! dots, and bars side by side. Everything drawn is recorded as an
//! obstacle, so text boxes placed later avoid it.

use super::canvas::Canvas;
use super::scene::{BAND_ALPHA, Builder, Frame, Rgba, Shape};
use super::sizes::dash_for;
use crate::figures::model::{Scale, Series, SeriesKind};

/// Pixel positions of a band's low and high edge at successive points.
type BandRun = Vec<((f32, f32), (f32, f32))>;

impl Canvas<'_> {
    pub(super) fn series(&mut self, b: &mut Builder) {
        let figure = self.figure;
        let bar_count = figure
            .series
            .iter()
            .filter(|s| matches!(s.kind, SeriesKind::Bars { .. }))
            .count();
        // Bands first so no line disappears under another series' band.
        for s in &figure.series {
            self.band(b, s);
        }
        let mut bar_index = 0;
        for s in &figure.series {
            match s.kind {
                SeriesKind::Bars { width } => {
                    self.bars(b, s, width, bar_index, bar_count);
                    bar_index += 1;
                }
                SeriesKind::Line { width } => self.line(b, s, width),
                SeriesKind::Points { radius } => self.points(b, s, radius),
            }
        }
    }

    /// The min..max band of decimated data, as one polygon per unbroken run.
    fn band(&mut self, b: &mut Builder, s: &Series) {
        if s.range.len() != s.points.len() {
            return;
        }
        let mut run: BandRun = Vec::new();
        for (p, r) in s.points.iter().zip(&s.range) {
            match (self.tf.point([p[0], r[0]]), self.tf.point([p[0], r[1]])) {
                (Some(lo), Some(hi)) => run.push((self.clamp(lo), self.clamp(hi))),
                _ => self.flush_band(b, s, &mut run),
            }
        }
        self.flush_band(b, s, &mut run);
    }

    fn flush_band(&mut self, b: &mut Builder, s: &Series, run: &mut BandRun) {
        if run.len() >= 2 {
            let mut points: Vec<(f32, f32)> = run.iter().map(|(_, hi)| *hi).collect();
            points.extend(run.iter().rev().map(|(lo, _)| *lo));
            let fill = Rgba::new(s.color, BAND_ALPHA);
            self.obstacles.add_line(&points);
            b.push_clipped(Shape::Polygon { points, fill });
        }
        run.clear();
    }

    /// A polyline broken wherever a point cannot be shown.
    fn line(&mut self, b: &mut Builder, s: &Series, width: f32) {
        let width = self.sz.line(width);
        let dash = s.dashed.then(|| dash_for(width, &self.sz));
        let color = Rgba::solid(s.color);
        let mut runs: Vec<Vec<(f32, f32)>> = Vec::new();
        let mut current: Vec<(f32, f32)> = Vec::new();
        let mut previous: Option<(f64, f64)> = None;
        for p in &s.points {
            let Some(here) = self.tf.point(*p) else {
                runs.push(std::mem::take(&mut current));
                previous = None;
                continue;
            };
            if let Some(prev) = previous {
                self.add_segment(prev, here, &mut current, &mut runs);
            } else if self.visible(here) {
                current.push((here.0 as f32, here.1 as f32));
            }
            previous = Some(here);
        }
        runs.push(current);
        for points in runs.into_iter().filter(|r| !r.is_empty()) {
            // A lone point (a curve's first step) has no length: a dot.
            if let [(x, y)] = points[..] {
                self.obstacles.points.push((x, y));
                let radius = (width * 1.5).max(2.0);
                b.push_clipped(Shape::Dot {
                    x,
                    y,
                    radius,
                    fill: color,
                });
                continue;
            }
            self.obstacles.add_line(&points);
            b.push_clipped(Shape::Line {
                points,
                color,
                width,
                dash,
            });
        }
    }

    /// Adds the visible part of segment a-b to the current run, starting a
    /// new run where the segment re-enters the plot.
    fn add_segment(
        &self,
        a: (f64, f64),
        b: (f64, f64),
        current: &mut Vec<(f32, f32)>,
        runs: &mut Vec<Vec<(f32, f32)>>,
    ) {
        let Some((ca, cb)) = clip_segment(a, b, &self.expanded()) else {
            runs.push(std::mem::take(current));
            return;
        };
        let start = (ca.0 as f32, ca.1 as f32);
        if current.last() != Some(&start) {
            runs.push(std::mem::take(current));
            current.push(start);
        }
        current.push((cb.0 as f32, cb.1 as f32));
        if cb != b {
            runs.push(std::mem::take(current));
        }
    }

    fn points(&mut self, b: &mut Builder, s: &Series, radius: f32) {
        let radius = (radius * 1.5 * self.sz.s).max(1.5);
        let fill = Rgba::solid(s.color);
        for p in &s.points {
            if let Some(here) = self.tf.point(*p) {
                let (x, y) = self.clamp(here);
                self.obstacles.points.push((x, y));
                b.push_clipped(Shape::Dot { x, y, radius, fill });
            }
        }
    }

    /// Bars of series `index` of `count`, side by side within each slot.
    fn bars(&mut self, b: &mut Builder, s: &Series, slot: f64, index: usize, count: usize) {
        let bar = slot / count.max(1) as f64;
        let fill = Rgba::solid(s.color);
        for p in &s.points {
            let left = p[0] - slot / 2.0 + index as f64 * bar;
            // A thin gap keeps neighbouring bars apart.
            let inset = bar * 0.04;
            let (Some(xa), Some(xb), Some(top)) = (
                self.tf.x.px(left + inset),
                self.tf.x.px(left + bar - inset),
                self.tf.y.px(p[1]),
            ) else {
                continue;
            };
            let base = self.bar_base();
            let (x0, y0) = self.clamp((xa.min(xb), top.min(base)));
            let (x1, y1) = self.clamp((xa.max(xb), top.max(base)));
            let frame = Frame { x0, y0, x1, y1 };
            self.obstacles.areas.push(frame);
            b.push_clipped(Shape::Rect {
                frame,
                fill,
                crisp: false,
            });
        }
    }

    /// Where bars start: zero on a linear axis, the bottom edge on a log
    /// axis (which has no zero).
    fn bar_base(&self) -> f64 {
        match self.figure.y.scale {
            Scale::Linear => {
                let span = self.tf.y.span;
                self.tf.y.px_of(0.0f64.clamp(span.lo, span.hi))
            }
            Scale::Log10 => self.plot.y1 as f64,
        }
    }
}

/// Segment a-b cut to `r` (Liang-Barsky); `None` when it misses.
fn clip_segment(a: (f64, f64), b: (f64, f64), r: &Frame) -> Option<((f64, f64), (f64, f64))> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    let checks = [
        (-dx, a.0 - r.x0 as f64),
        (dx, r.x1 as f64 - a.0),
        (-dy, a.1 - r.y0 as f64),
        (dy, r.y1 as f64 - a.1),
    ];
    for (p, q) in checks {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    // Unclipped ends are returned exactly, so runs join up.
    let at = |t: f64, end: (f64, f64)| {
        if t == 0.0 {
            a
        } else if t == 1.0 {
            end
        } else {
            (a.0 + t * dx, a.1 + t * dy)
        }
    };
    Some((at(t0, b), at(t1, b)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::colour::PALETTE;
    use crate::figures::layout::layout;
    use crate::figures::model::{Axis, Figure};

    #[test]
    fn clipping_keeps_inside_ends_exactly() {
        let r = Frame {
            x0: 0.0,
            y0: 0.0,
            x1: 10.0,
            y1: 10.0,
        };
        assert_eq!(
            clip_segment((1.0, 1.0), (2.0, 2.0), &r),
            Some(((1.0, 1.0), (2.0, 2.0)))
        );
        assert_eq!(
            clip_segment((5.0, 5.0), (15.0, 5.0), &r),
            Some(((5.0, 5.0), (10.0, 5.0)))
        );
        assert_eq!(clip_segment((-5.0, -5.0), (-1.0, 20.0), &r), None);
    }

    #[test]
    fn a_line_of_one_point_is_drawn_as_a_dot() {
        let mut f = Figure::new("t", "T", Axis::integer("step"), Axis::log("E"));
        f.series
            .push(Series::line("E", PALETTE[0], vec![[0.0, 0.298]]));
        let scene = layout(&f, 800, 500);
        let dots = scene
            .items
            .iter()
            .filter(|i| matches!(&i.shape, Shape::Dot { fill, .. } if fill.rgb == PALETTE[0]))
            .count();
        assert_eq!(dots, 1);
    }

    #[test]
    fn lines_break_at_non_finite_points() {
        let mut f = Figure::new("t", "T", Axis::linear("x"), Axis::linear("y"));
        let pts = vec![
            [0.0, 1.0],
            [1.0, 2.0],
            [2.0, f64::NAN],
            [3.0, 1.0],
            [4.0, 2.0],
        ];
        f.series.push(Series::line("", PALETTE[0], pts));
        let scene = layout(&f, 800, 500);
        let lines = scene
            .items
            .iter()
            .filter(|i| {
                i.clipped
                    && matches!(&i.shape, Shape::Line { color, .. } if color.rgb == PALETTE[0])
            })
            .count();
        assert_eq!(lines, 2);
    }
}
