//! Pixel sizes of an exported figure, scaled from a 1600x1000 image seen
//! on a projector (title 34 px, axis labels 24 px, tick labels 20 px), and
//! the room text takes: measured with the embedded font, shrunk a little
//! or shortened where it does not fit.

use crate::figures::font;

/// Pixel sizes, scaled from the 1600x1000 reference.
#[derive(Clone, Copy, Debug)]
pub(super) struct Sizes {
    pub(super) s: f32,
    pub(super) title: f32,
    pub(super) subtitle: f32,
    pub(super) axis: f32,
    pub(super) tick: f32,
    pub(super) legend: f32,
    pub(super) note: f32,
    pub(super) marker: f32,
    pub(super) pad: f32,
    pub(super) gap: f32,
    pub(super) tick_len: f32,
}

impl Sizes {
    pub(super) fn new(width: u32, height: u32) -> Sizes {
        let s = (width as f32 / 1600.0).min(height as f32 / 1000.0);
        // Below ~9 px text is unreadable anyway; small images get a little
        // more crowded instead.
        let font = |px: f32| (px * s).max(9.0);
        Sizes {
            s,
            title: font(34.0),
            subtitle: font(22.0),
            axis: font(24.0),
            tick: font(20.0),
            legend: font(20.0),
            note: font(19.0),
            marker: font(18.0),
            pad: 20.0 * s,
            gap: 10.0 * s,
            tick_len: 8.0 * s,
        }
    }

    pub(super) fn line(&self, width: f32) -> f32 {
        (width * 1.5 * self.s).max(1.0)
    }
}

/// The room text takes in the SVG as well: its viewer picks DejaVu Sans
/// or Arial, which run up to ~15% wider than the embedded Ubuntu.
pub(super) fn reserve(text: &str, size: f32) -> f32 {
    font::width(text, size) * 1.15
}

/// Text that fits `max` pixels: shrunk a little, then shortened.
pub(super) fn fit_text(text: &str, size: f32, max: f32) -> (String, f32) {
    if reserve(text, size) <= max {
        return (text.to_string(), size);
    }
    let smaller = size * 0.8;
    if reserve(text, smaller) <= max {
        return (text.to_string(), smaller);
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let shortened: String = chars.iter().collect::<String>() + "...";
        if reserve(&shortened, smaller) <= max {
            return (shortened, smaller);
        }
    }
    (String::new(), smaller)
}

pub(super) fn dash_for(width: f32, sz: &Sizes) -> (f32, f32) {
    (
        (4.0 * width).max(10.0 * sz.s),
        (2.5 * width).max(7.0 * sz.s),
    )
}
