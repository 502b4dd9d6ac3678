//! The shapes an exported figure is made of, in pixels: the layout's
//! output, and all that the PNG and SVG painters read, so both files
//! look the same. Also the few greys the layout draws its frame, grid and
//! text in.

pub(in crate::figures) use crate::figures::geometry::Frame;
use crate::figures::model::Rgb;

/// A colour with opacity.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(in crate::figures) struct Rgba {
    pub rgb: Rgb,
    pub alpha: f32,
}

impl Rgba {
    pub const fn new(rgb: Rgb, alpha: f32) -> Rgba {
        Rgba { rgb, alpha }
    }

    pub const fn solid(rgb: Rgb) -> Rgba {
        Rgba::new(rgb, 1.0)
    }

    pub(super) const fn gray(v: u8) -> Rgba {
        Rgba::solid(Rgb(v, v, v))
    }
}

pub(super) const INK: Rgba = Rgba::gray(0x22);

pub(super) const SOFT_INK: Rgba = Rgba::gray(0x55);

pub(super) const FRAME: Rgba = Rgba::gray(0x66);

pub(super) const GRID: Rgba = Rgba::gray(0xe2);

/// Boxes behind text drawn over data: opaque enough to read, thin enough
/// to see what is underneath.
pub(super) const PANEL: Rgba = Rgba::new(Rgb(255, 255, 255), 0.85);

pub(super) const PANEL_EDGE: Rgba = Rgba::gray(0xbb);

pub(super) const BAND_ALPHA: f32 = 0.25;

#[derive(Clone, Copy, Debug, PartialEq)]
pub(in crate::figures) enum Anchor {
    Start,
    Middle,
    End,
}

/// One line of text. (x, y) is on the baseline, at the start, middle or
/// end of the text; a vertical label reads upwards, turned about (x, y).
#[derive(Clone, Debug, PartialEq)]
pub(in crate::figures) struct Label {
    pub x: f32,
    pub y: f32,
    pub text: String,
    pub size: f32,
    pub color: Rgba,
    pub anchor: Anchor,
    pub vertical: bool,
    pub bold: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub(in crate::figures) enum Shape {
    /// A filled rectangle; `crisp` ones (heatmap cells) are drawn without
    /// anti-aliasing so neighbours meet without seams.
    Rect {
        frame: Frame,
        fill: Rgba,
        crisp: bool,
    },
    /// A rectangle's outline.
    Outline {
        frame: Frame,
        color: Rgba,
        width: f32,
    },
    /// An open polyline; `dash` is (on, off) in pixels.
    Line {
        points: Vec<(f32, f32)>,
        color: Rgba,
        width: f32,
        dash: Option<(f32, f32)>,
    },
    /// A filled closed polygon.
    Polygon {
        points: Vec<(f32, f32)>,
        fill: Rgba,
    },
    Dot {
        x: f32,
        y: f32,
        radius: f32,
        fill: Rgba,
    },
    Text(Label),
}

#[derive(Clone, Debug, PartialEq)]
pub(in crate::figures) struct Item {
    pub shape: Shape,
    /// Clipped to the plot area (data can lie outside fixed axis bounds).
    pub clipped: bool,
}

/// Everything to paint, in order.
#[derive(Clone, Debug)]
pub(in crate::figures) struct Scene {
    pub plot: Frame,
    pub items: Vec<Item>,
}

pub(super) struct Builder {
    pub(super) items: Vec<Item>,
}

impl Builder {
    pub(super) fn push(&mut self, shape: Shape) {
        self.items.push(Item {
            shape,
            clipped: false,
        });
    }

    pub(super) fn push_clipped(&mut self, shape: Shape) {
        self.items.push(Item {
            shape,
            clipped: true,
        });
    }

    pub(super) fn text(
        &mut self,
        x: f32,
        y: f32,
        text: &str,
        size: f32,
        color: Rgba,
        anchor: Anchor,
    ) {
        if text.is_empty() {
            return;
        }
        self.push(Shape::Text(Label {
            x,
            y,
            text: text.to_string(),
            size,
            color,
            anchor,
            vertical: false,
            bold: false,
        }));
    }
}

#[cfg(test)]
/// The text labels of `scene`, for tests.
pub(super) fn texts(scene: &Scene) -> Vec<&Label> {
    scene
        .items
        .iter()
        .filter_map(|i| match &i.shape {
            Shape::Text(l) => Some(l),
            _ => None,
        })
        .collect()
}
