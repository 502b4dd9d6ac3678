//! What text boxes drawn over a plot (legend, notes, marker labels)
//! should avoid: the data drawn so far, in pixels, and other text. Boxes
//! go where they hide least.

use super::scene::Frame;

/// What text boxes should avoid: data drawn in pixels, and other text.
#[derive(Default)]
pub(super) struct Obstacles {
    pub(super) points: Vec<(f32, f32)>,
    pub(super) areas: Vec<Frame>,
    pub(super) labels: Vec<Frame>,
}

impl Obstacles {
    /// How much a box at `frame` would hide: data covered, and (heavily)
    /// other text covered.
    pub(super) fn cost(&self, frame: &Frame) -> f32 {
        let points = self
            .points
            .iter()
            .filter(|p| frame.contains(p.0, p.1))
            .count() as f32;
        let areas: f32 = self.areas.iter().map(|a| a.overlap_area(frame)).sum();
        let labels = self
            .labels
            .iter()
            .filter(|l| l.overlap_area(frame) > 0.0)
            .count() as f32;
        points + areas / 64.0 + labels * 1e6
    }

    /// The share of `frame` covered by data: each point stands for the
    /// 6x6 pixels around it.
    pub(super) fn hidden(&self, frame: &Frame) -> f32 {
        let points = self
            .points
            .iter()
            .filter(|p| frame.contains(p.0, p.1))
            .count() as f32;
        let areas: f32 = self.areas.iter().map(|a| a.overlap_area(frame)).sum();
        (points * 36.0 + areas) / (frame.width() * frame.height()).max(1.0)
    }

    /// Points along a polyline, every few pixels, so long straight
    /// segments count as well as their ends.
    pub(super) fn add_line(&mut self, points: &[(f32, f32)]) {
        for pair in points.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let steps = ((b.0 - a.0).hypot(b.1 - a.1) / 6.0)
                .ceil()
                .clamp(1.0, 10_000.0) as usize;
            for i in 0..steps {
                let t = i as f32 / steps as f32;
                self.points
                    .push((a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1)));
            }
        }
        self.points.extend(points.last());
    }
}
