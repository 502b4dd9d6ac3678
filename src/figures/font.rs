//! The typeface embedded in the binary, so that exports look the same on a
//! machine with no system fonts. The layout measures text with it and the
//! PNG exporter draws its outlines; the SVG names common system fonts of
//! similar width instead, since a viewer draws SVG text itself.

use ab_glyph::{Font, FontRef, GlyphId, OutlineCurve};
use std::sync::OnceLock;

/// Ubuntu Light reads cleanly at projector sizes; Hack (a DejaVu
/// derivative) fills in the symbols Ubuntu lacks (arrows, maths).
struct Faces {
    primary: FontRef<'static>,
    fallback: Option<FontRef<'static>>,
}

fn faces() -> Option<&'static Faces> {
    static FACES: OnceLock<Option<Faces>> = OnceLock::new();
    FACES
        .get_or_init(|| {
            let primary = FontRef::try_from_slice(epaint_default_fonts::UBUNTU_LIGHT).ok()?;
            let fallback = FontRef::try_from_slice(epaint_default_fonts::HACK_REGULAR).ok();
            Some(Faces { primary, fallback })
        })
        .as_ref()
}

/// Whether the embedded fonts could be read (they are constant, but a
/// broken build should give an error, not a panic).
pub(super) fn available() -> bool {
    faces().is_some()
}

/// One positioned glyph outline, in pixels, relative to the start of the
/// baseline, y pointing down.
pub(super) struct GlyphCurves {
    pub curves: Vec<OutlineCurve>,
}

/// The face that has a glyph for `c`, preferring the primary one.
fn face_for(faces: &Faces, c: char) -> (&FontRef<'static>, GlyphId) {
    let id = faces.primary.glyph_id(c);
    if id.0 != 0 {
        return (&faces.primary, id);
    }
    if let Some(fallback) = &faces.fallback {
        let id = fallback.glyph_id(c);
        if id.0 != 0 {
            return (fallback, id);
        }
    }
    (&faces.primary, id)
}

/// Pixels per font unit at a font size of `size` pixels per em, the same
/// meaning as SVG's font-size.
fn px_per_unit(font: &FontRef<'static>, size: f32) -> f32 {
    size / font.units_per_em().unwrap_or(1000.0)
}

/// Walks the glyphs of `text`, calling `visit(face, id, pen_x, scale)`;
/// returns the advance width in pixels.
fn walk(text: &str, size: f32, mut visit: impl FnMut(&FontRef<'static>, GlyphId, f32, f32)) -> f32 {
    let Some(faces) = faces() else {
        // Without a font, an estimate keeps the layout sensible.
        return text.chars().count() as f32 * size * 0.55;
    };
    let mut pen = 0.0;
    let mut previous: Option<(&FontRef<'static>, GlyphId)> = None;
    for c in text.chars() {
        let (face, id) = face_for(faces, c);
        let scale = px_per_unit(face, size);
        if let Some((prev_face, prev_id)) = previous {
            // Kerning pairs only exist within one face.
            if std::ptr::eq(prev_face, face) {
                pen += face.kern_unscaled(prev_id, id) * scale;
            }
        }
        visit(face, id, pen, scale);
        pen += face.h_advance_unscaled(id) * scale;
        previous = Some((face, id));
    }
    pen
}

/// The width of `text` in pixels at `size` pixels per em.
pub(super) fn width(text: &str, size: f32) -> f32 {
    walk(text, size, |_, _, _, _| {})
}

/// The outlines of `text`, in pixels from the start of the baseline, y down.
pub(super) fn outlines(text: &str, size: f32) -> Vec<GlyphCurves> {
    let mut glyphs = Vec::new();
    walk(text, size, |face, id, pen, scale| {
        let Some(outline) = face.outline(id) else {
            return; // a space
        };
        let place = |p: ab_glyph::Point| ab_glyph::point(pen + p.x * scale, -p.y * scale);
        let curves = outline
            .curves
            .iter()
            .map(|curve| match *curve {
                OutlineCurve::Line(a, b) => OutlineCurve::Line(place(a), place(b)),
                OutlineCurve::Quad(a, b, c) => OutlineCurve::Quad(place(a), place(b), place(c)),
                OutlineCurve::Cubic(a, b, c, d) => {
                    OutlineCurve::Cubic(place(a), place(b), place(c), place(d))
                }
            })
            .collect();
        glyphs.push(GlyphCurves { curves });
    });
    glyphs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fonts_load_and_measure() {
        assert!(available());
        let w = width("Loss", 20.0);
        assert!(w > 20.0 && w < 60.0, "{w}");
        assert!(width("Loss", 40.0) > 1.9 * w);
        assert_eq!(width("", 20.0), 0.0);
    }

    #[test]
    fn symbols_have_glyphs() {
        let faces = faces().expect("fonts");
        for c in "0123456789-.e σ‖∂→×≈≤≥αβγ²⁻·–—…%".chars() {
            let (face, id) = face_for(faces, c);
            assert!(id.0 != 0 || c == ' ', "no glyph for {c:?}");
            let _ = face;
        }
    }
}
