//! Where a marker's label goes, for the exported images and the window
//! alike: beside its line, never in a legend nobody could match to a line.
//! A vertical line (a skip toggled at step 1200) is labelled near the top,
//! right of the line (left of it near the right edge), in the first of a
//! few rows along the top with room; a horizontal line (sigmoid's 0.25
//! bound) just above itself at the right end.
//!
//! The two surfaces differ only in what they know: an exported image sees
//! every pixel of its data, so it also tries the other side, lower rows
//! and other spots along the line, and takes the one that hides least
//! (`Choice::Anywhere`); the window only knows where its other labels are
//! (`Choice::Fixed`). Sizes are pixels in an image, points on screen.

use super::geometry::Frame;

/// A marker line, at its position on the surface (x of a vertical line,
/// y of a horizontal one).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Line {
    Vertical(f32),
    Horizontal(f32),
}

/// Which places a label may take.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Choice {
    /// Both sides of a vertical line in every row; along a horizontal
    /// line at either end and between, above it then below; always inside
    /// the plot. The cheapest place wins.
    Anywhere,
    /// Right of a vertical line unless that would come within
    /// `edge_margin` of the right edge, in the first row with room; above
    /// a horizontal line at the right end.
    Fixed { edge_margin: f32 },
}

/// The sizes of one surface's marker labels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LabelRules {
    /// The plot area.
    pub area: Frame,
    /// Room between a vertical line and its label.
    pub beside: f32,
    /// Room between a horizontal line and its label.
    pub above: f32,
    /// Room between the plot's top and the first row of labels.
    pub top_inset: f32,
    /// Room between the plot's sides and a horizontal line's label.
    pub side_inset: f32,
    /// How many rows along the top vertical lines' labels may use.
    pub rows: usize,
    /// A row's pitch: the label's height times `row_factor`, plus
    /// `row_gap`.
    pub row_factor: f32,
    pub row_gap: f32,
    pub choice: Choice,
}

impl LabelRules {
    /// The places a `w` x `h` label of `line` may take, in order of
    /// preference.
    pub fn candidates(&self, line: Line, w: f32, h: f32) -> Vec<Frame> {
        match line {
            Line::Vertical(x) => self.beside_vertical(x, w, h),
            Line::Horizontal(y) => self.beside_horizontal(y, w, h),
        }
    }

    /// Where the label goes: the first of the least costly places, given
    /// what `cost` says a place would hide (infinite: never there); `None`
    /// when no place will do.
    pub fn place(&self, line: Line, w: f32, h: f32, cost: impl Fn(&Frame) -> f32) -> Option<Frame> {
        let mut best: Option<(Frame, f32)> = None;
        for frame in self.candidates(line, w, h) {
            if self.choice == Choice::Anywhere && !frame.inside(&self.area) {
                continue;
            }
            let cost = cost(&frame);
            if cost.is_finite() && best.is_none_or(|(_, c)| cost < c) {
                best = Some((frame, cost));
            }
        }
        best.map(|(frame, _)| frame)
    }

    /// Near the top, row by row downwards: right of the line, and left of
    /// it where the rules allow.
    fn beside_vertical(&self, x: f32, w: f32, h: f32) -> Vec<Frame> {
        let right = Frame {
            x0: x + self.beside,
            y0: 0.0,
            x1: x + self.beside + w,
            y1: 0.0,
        };
        let left = Frame {
            x0: x - self.beside - w,
            y0: 0.0,
            x1: x - self.beside,
            y1: 0.0,
        };
        let sides = match self.choice {
            Choice::Anywhere => vec![right, left],
            Choice::Fixed { edge_margin } if right.x1 <= self.area.x1 - edge_margin => vec![right],
            Choice::Fixed { .. } => vec![left],
        };
        let pitch = h * self.row_factor + self.row_gap;
        (0..self.rows)
            .flat_map(|row| {
                let y0 = self.area.y0 + self.top_inset + row as f32 * pitch;
                sides.iter().map(move |side| Frame {
                    y0,
                    y1: y0 + h,
                    ..*side
                })
            })
            .collect()
    }

    /// Just above the line at the right end; with `Choice::Anywhere`
    /// also at the left end, then in between, then the same below it.
    fn beside_horizontal(&self, y: f32, w: f32, h: f32) -> Vec<Frame> {
        let right = self.area.x1 - self.side_inset - w;
        let above = y - self.above - h;
        if let Choice::Fixed { .. } = self.choice {
            return vec![Frame {
                x0: right,
                y0: above,
                x1: right + w,
                y1: above + h,
            }];
        }
        let left = self.area.x0 + self.side_inset;
        let mut xs = vec![right, left];
        let steps = 8;
        xs.extend((1..steps).map(|i| right - (right - left) * i as f32 / steps as f32));
        [above, y + self.above]
            .into_iter()
            .flat_map(|y0| {
                xs.iter().map(move |&x0| Frame {
                    x0,
                    y0,
                    x1: x0 + w,
                    y1: y0 + h,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(choice: Choice) -> LabelRules {
        LabelRules {
            area: Frame {
                x0: 0.0,
                y0: 0.0,
                x1: 100.0,
                y1: 100.0,
            },
            beside: 3.0,
            above: 2.0,
            top_inset: 2.0,
            side_inset: 4.0,
            rows: 3,
            row_factor: 1.0,
            row_gap: 1.0,
            choice,
        }
    }

    #[test]
    fn a_vertical_label_flips_left_only_near_the_right_edge() {
        let fixed = rules(Choice::Fixed { edge_margin: 2.0 });
        let free = |_: &Frame| 0.0;
        let at_left = fixed.place(Line::Vertical(10.0), 20.0, 10.0, free);
        assert_eq!(at_left.map(|f| (f.x0, f.y0)), Some((13.0, 2.0)));
        let at_right = fixed.place(Line::Vertical(90.0), 20.0, 10.0, free);
        assert_eq!(at_right.map(|f| (f.x0, f.x1)), Some((67.0, 87.0)));
    }

    #[test]
    fn a_taken_row_sends_the_label_down_and_a_full_column_drops_it() {
        let fixed = rules(Choice::Fixed { edge_margin: 2.0 });
        let first_row_taken = |f: &Frame| if f.y0 < 5.0 { f32::INFINITY } else { 0.0 };
        let placed = fixed.place(Line::Vertical(10.0), 20.0, 10.0, first_row_taken);
        assert_eq!(placed.map(|f| f.y0), Some(13.0));
        let all_taken = |_: &Frame| f32::INFINITY;
        assert_eq!(
            fixed.place(Line::Vertical(10.0), 20.0, 10.0, all_taken),
            None
        );
    }

    #[test]
    fn anywhere_takes_the_cheapest_place_inside() {
        let anywhere = rules(Choice::Anywhere);
        // Right of the line costs more: the label goes left of it.
        let right_is_busy = |f: &Frame| if f.x0 > 50.0 { 5.0 } else { 0.0 };
        let placed = anywhere.place(Line::Vertical(50.0), 20.0, 10.0, right_is_busy);
        assert_eq!(placed.map(|f| f.x1), Some(47.0));
        // A horizontal line's label stays above it at the right end.
        let placed = anywhere.place(Line::Horizontal(50.0), 20.0, 10.0, |_| 0.0);
        assert_eq!(placed.map(|f| (f.x1, f.y1)), Some((96.0, 48.0)));
    }
}
