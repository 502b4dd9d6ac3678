//! Every colour rule of the figures, in one place for the exporters and
//! the window alike: the series palette, the viridis ramps for magnitudes
//! (heatmaps, their colour scales, the network diagram), the fill of a
//! heatmap or class-region cell, and text colour on white.
//!
//! The model (`model`) only stores colours; the rules that pick them live
//! here so the model depends on nothing that draws.

use super::model::{Heatmap, Rgb, TileScale, Tiles};

/// A palette that stays distinguishable on a projector and for the most
/// common colour-vision deficiencies (Okabe and Ito).
pub const PALETTE: [Rgb; 8] = [
    Rgb(0, 114, 178),   // blue
    Rgb(213, 94, 0),    // vermillion
    Rgb(0, 158, 115),   // bluish green
    Rgb(204, 121, 167), // reddish purple
    Rgb(230, 159, 0),   // orange
    Rgb(86, 180, 233),  // sky blue
    Rgb(240, 228, 66),  // yellow
    Rgb(0, 0, 0),       // black
];

/// Viridis, sampled at nine points: perceptually even and readable in
/// grey and for colour-blind viewers.
pub const VIRIDIS: [Rgb; 9] = [
    Rgb(68, 1, 84),
    Rgb(71, 44, 122),
    Rgb(59, 81, 139),
    Rgb(44, 113, 142),
    Rgb(33, 144, 141),
    Rgb(39, 173, 129),
    Rgb(92, 200, 99),
    Rgb(170, 220, 50),
    Rgb(253, 231, 37),
];

/// Viridis' two ends with a straight blend between them (purple to
/// yellow): the network diagram's few columns read better with two hues
/// than with the full ramp's greens.
pub const VIRIDIS_ENDS: [Rgb; 2] = [VIRIDIS[0], VIRIDIS[8]];

/// The colour of `t` in 0..=1 on a ramp through `stops`, evenly spaced;
/// `t` outside is clamped, NaN is the first stop.
pub fn ramp(stops: &[Rgb], t: f64) -> Rgb {
    if let [only] = stops {
        return *only;
    }
    if stops.is_empty() {
        return MISSING_CELL;
    }
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let x = t * (stops.len() - 1) as f64;
    let i = (x.floor() as usize).min(stops.len() - 2);
    let f = x - i as f64;
    let (a, b) = (stops[i], stops[i + 1]);
    let mix = |p: u8, q: u8| (p as f64 + (q as f64 - p as f64) * f).round() as u8;
    Rgb(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// The colour of `t` in 0..=1 on the heatmaps' colour scale.
pub fn viridis(t: f64) -> Rgb {
    ramp(&VIRIDIS, t)
}

/// The fill of a class-region cell whose value is `class + certainty`:
/// the class colour over white, more opaque as the network is surer. NaN
/// (no finite prediction) is grey.
pub fn region_color(classes: &[Rgb], value: f64) -> Rgb {
    if !value.is_finite() || classes.is_empty() || value < 0.0 {
        return Rgb(200, 200, 200);
    }
    let class = (value.floor() as usize).min(classes.len() - 1);
    let certainty = (value - value.floor()).clamp(0.0, 1.0);
    let alpha = 0.12 + 0.5 * certainty;
    let c = classes[class];
    let mix = |v: u8| (255.0 + (v as f64 - 255.0) * alpha).round() as u8;
    Rgb(mix(c.0), mix(c.1), mix(c.2))
}

/// The colour of class `k`: the palette's for the first eight, then hues
/// spread by the golden angle (distinct from their neighbours, if not
/// from every other of a hundred classes).
pub fn class_color(k: usize) -> Rgb {
    if let Some(&c) = PALETTE.get(k) {
        return c;
    }
    let hue = (k as f64 * 137.507_764) % 360.0;
    let lightness = [0.42, 0.55, 0.32][k % 3];
    hsl(hue, 0.65, lightness)
}

/// An sRGB colour from hue (degrees), saturation and lightness (0..1).
fn hsl(hue: f64, saturation: f64, lightness: f64) -> Rgb {
    let c = (1.0 - (2.0 * lightness - 1.0).abs()) * saturation;
    let h = hue / 60.0;
    let x = c * (1.0 - (h % 2.0 - 1.0).abs());
    let (r, g, b) = match h as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = lightness - c / 2.0;
    let byte = |v: f64| ((v + m).clamp(0.0, 1.0) * 255.0).round() as u8;
    Rgb(byte(r), byte(g), byte(b))
}

/// The frame and caption of a wrong prediction: the palette's vermillion,
/// told from the blue and green of the rest by colour-blind viewers too
/// (and drawn heavier, so it shows in grey print).
pub const WRONG: Rgb = PALETTE[1];

/// The diverging ramp of weights: blue below zero, white at zero,
/// vermillion above (the palette's two ends that every common colour
/// vision tells apart).
pub const DIVERGING: [Rgb; 5] = [
    Rgb(0, 90, 150),
    Rgb(120, 175, 215),
    Rgb(255, 255, 255),
    Rgb(235, 160, 110),
    Rgb(175, 65, 0),
];

/// Ink on paper: white to near black.
pub const INK_RAMP: [Rgb; 2] = [Rgb(255, 255, 255), Rgb(20, 20, 20)];

impl Tiles {
    /// The colour of a pixel holding `value`, as every renderer draws it.
    pub fn pixel_color(&self, value: f64) -> Rgb {
        if !value.is_finite() {
            return MISSING_CELL;
        }
        let t = if self.max > self.min {
            (value - self.min) / (self.max - self.min)
        } else {
            0.5
        };
        match self.scale {
            TileScale::Ink => ramp(&INK_RAMP, t),
            TileScale::Diverging => ramp(&DIVERGING, t),
        }
    }
}

/// The fill of a heatmap cell with no finite value (a zero gradient).
pub const MISSING_CELL: Rgb = Rgb(0xd0, 0xd0, 0xd0);

impl Heatmap {
    /// The colour of a cell holding `value`, as every renderer draws it:
    /// class regions by `region_color`, magnitudes on the colour scale
    /// from `min` to `max`, missing values grey.
    pub fn cell_color(&self, value: f64) -> Rgb {
        if !self.classes.is_empty() {
            return region_color(&self.classes, value);
        }
        if value.is_nan() {
            return MISSING_CELL;
        }
        let t = if self.max > self.min {
            (value - self.min) / (self.max - self.min)
        } else {
            0.5
        };
        viridis(t)
    }
}

/// Text written on a cell filled with `fill`: dark ink on a light cell,
/// white on a dark one.
pub fn text_on(fill: Rgb) -> Rgb {
    let luma = 0.2126 * f32::from(fill.0) + 0.7152 * f32::from(fill.1) + 0.0722 * f32::from(fill.2);
    if luma > 140.0 {
        Rgb(0x22, 0x22, 0x22)
    } else {
        Rgb(255, 255, 255)
    }
}

/// Text colour for an element drawn in `c`: light colours (yellow) are
/// darkened so the text stays readable on white.
pub fn readable_on_white(c: Rgb) -> Rgb {
    let luma = 0.2126 * c.0 as f32 + 0.7152 * c.1 as f32 + 0.0722 * c.2 as f32;
    if luma < 150.0 {
        return c;
    }
    let k = 150.0 / luma;
    let dim = |v: u8| (v as f32 * k) as u8;
    Rgb(dim(c.0), dim(c.1), dim(c.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colormap_runs_dark_to_light() {
        assert_eq!(viridis(0.0), VIRIDIS[0]);
        assert_eq!(viridis(1.0), VIRIDIS[8]);
        assert_eq!(viridis(2.0), VIRIDIS[8]);
        assert_eq!(viridis(f64::NAN), VIRIDIS[0]);
        let mid = viridis(0.5);
        assert_eq!(mid, VIRIDIS[4]);
    }

    #[test]
    fn the_two_stop_ramp_blends_viridis_ends() {
        assert_eq!(ramp(&VIRIDIS_ENDS, 0.0), VIRIDIS[0]);
        assert_eq!(ramp(&VIRIDIS_ENDS, 1.0), VIRIDIS[8]);
        assert_eq!(ramp(&VIRIDIS_ENDS, 0.5), Rgb(161, 116, 61));
        assert_eq!(ramp(&[], 0.5), MISSING_CELL);
        assert_eq!(ramp(&[PALETTE[0]], 0.5), PALETTE[0]);
    }

    #[test]
    fn a_hundred_classes_get_valid_colours_distinct_from_their_neighbours() {
        assert_eq!(class_color(3), PALETTE[3]);
        for k in 8..100 {
            assert_ne!(class_color(k), class_color(k + 1), "{k}");
            assert_ne!(class_color(k), Rgb(255, 255, 255));
        }
    }
}
