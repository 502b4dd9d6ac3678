//! The state shared while drawing one figure's plot area: the figure,
//! the sizes, the plot's frame and data-to-pixel map, where the legend
//! and notes go, and what text should avoid. Each concern (axes, series,
//! heatmap, legend, markers) adds its drawing to `Canvas` in its own file.

use super::obstacles::Obstacles;
use super::scene::Frame;
use super::sizes::Sizes;
use crate::figures::axis_space::Transform;
use crate::figures::model::Figure;

/// Where the legend and the notes go: inside the plot (in a corner), or
/// in a strip between the subtitle and the plot.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Placement {
    pub(super) legend_above: bool,
    pub(super) notes_above: bool,
}

/// The share of a box's area that may cover data before the box moves
/// out of the plot.
pub(super) const MAX_HIDDEN: f32 = 0.03;

/// One figure's plot area while it is drawn.
pub(super) struct Canvas<'a> {
    pub(super) figure: &'a Figure,
    pub(super) sz: Sizes,
    /// The image height.
    pub(super) height: f32,
    pub(super) plot: Frame,
    pub(super) tf: Transform,
    pub(super) placement: Placement,
    /// What hid data where it was put (filled in while laying out).
    pub(super) crowded: Placement,
    pub(super) obstacles: Obstacles,
}

/// Pixel coordinates far outside the image are pulled in to this margin
/// so renderers never see huge or infinite numbers; everything beyond the
/// plot is clipped anyway.
const FAR: f64 = 4000.0;

impl Canvas<'_> {
    pub(super) fn clamp(&self, (x, y): (f64, f64)) -> (f32, f32) {
        let p = &self.plot;
        (
            x.clamp(p.x0 as f64 - FAR, p.x1 as f64 + FAR) as f32,
            y.clamp(p.y0 as f64 - FAR, p.y1 as f64 + FAR) as f32,
        )
    }

    pub(super) fn visible(&self, (x, y): (f64, f64)) -> bool {
        self.expanded().contains(x as f32, y as f32)
    }

    /// The plot area with a margin, so clipping never cuts a line's width.
    pub(super) fn expanded(&self) -> Frame {
        let m = 20.0;
        Frame {
            x0: self.plot.x0 - m,
            y0: self.plot.y0 - m,
            x1: self.plot.x1 + m,
            y1: self.plot.y1 + m,
        }
    }
}
