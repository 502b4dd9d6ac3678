//! PNG export: the layout painted with tiny-skia (anti-aliased) on white,
//! text drawn from the embedded font's outlines, so the result does not
//! depend on the fonts installed.

use super::font;
use super::layout::{self, Anchor, Frame, Item, Label, Rgba, Shape};
use super::model::Figure;
use ab_glyph::OutlineCurve;
use std::io::Write;
use tiny_skia::{
    Color, FillRule, LineCap, LineJoin, Mask, Paint, Path, PathBuilder, Pixmap, Rect, Stroke,
    StrokeDash, Transform,
};

/// The sizes accepted, in pixels per side: below 200 nothing is readable,
/// above 8000 the image would take hundreds of megabytes to draw.
pub const MIN_SIDE: u32 = 200;
pub const MAX_SIDE: u32 = 8000;

/// A side of an image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Width,
    Height,
}

/// A figure that could not be drawn as a PNG.
#[derive(Debug, thiserror::Error)]
pub enum PngError {
    #[error("image {} {pixels} is outside the allowed range {MIN_SIDE}..={MAX_SIDE} pixels", if *side == Side::Width { "width" } else { "height" })]
    Size { side: Side, pixels: u32 },
    #[error("the embedded font could not be read")]
    Font,
    #[error("cannot allocate the image")]
    Allocate,
    #[error("cannot encode the PNG: {0}")]
    Encode(#[from] png::EncodingError),
}

/// A figure whose files (PNG, SVG, CSV) could not be written; see
/// `figures::write_all`.
#[derive(Debug, thiserror::Error)]
pub enum FigureFilesError {
    #[error("figure id {id:?} cannot be used as a file name")]
    Id { id: String },
    #[error("cannot draw figure {id:?}: {source}")]
    Draw { id: String, source: PngError },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

/// `figure` as a PNG image (8-bit RGB) of `width` x `height` pixels.
pub fn to_png(figure: &Figure, width: u32, height: u32) -> Result<Vec<u8>, PngError> {
    for (side, pixels) in [(Side::Width, width), (Side::Height, height)] {
        if !(MIN_SIDE..=MAX_SIDE).contains(&pixels) {
            return Err(PngError::Size { side, pixels });
        }
    }
    if !font::available() {
        return Err(PngError::Font);
    }
    let pixmap = render(figure, width, height)?;
    encode(&pixmap)
}

fn render(figure: &Figure, width: u32, height: u32) -> Result<Pixmap, PngError> {
    paint_scene(&layout::layout(figure, width, height), width, height)
}

/// `figure` painted as `to_png` paints it, with `stamp` (an animation
/// frame's step counter) in a free corner: the pixels of one frame of an
/// animated GIF (`figures::animation`), which checks the size first.
pub(super) fn frame_pixels(
    figure: &Figure,
    width: u32,
    height: u32,
    stamp: Option<&str>,
) -> Result<Pixmap, PngError> {
    if !font::available() {
        return Err(PngError::Font);
    }
    let mut scene = layout::layout(figure, width, height);
    if let Some(text) = stamp {
        layout::stamp(&mut scene, text, width, height);
    }
    paint_scene(&scene, width, height)
}

fn paint_scene(scene: &layout::Scene, width: u32, height: u32) -> Result<Pixmap, PngError> {
    let mut pixmap = Pixmap::new(width, height).ok_or(PngError::Allocate)?;
    pixmap.fill(Color::WHITE);
    let clip = plot_mask(scene.plot, width, height);
    for item in &scene.items {
        let mask = if item.clipped { clip.as_ref() } else { None };
        draw(&mut pixmap, item, mask);
    }
    Ok(pixmap)
}

fn plot_mask(plot: Frame, width: u32, height: u32) -> Option<Mask> {
    let mut mask = Mask::new(width, height)?;
    let path = PathBuilder::from_rect(rect(plot)?);
    mask.fill_path(&path, FillRule::Winding, false, Transform::identity());
    Some(mask)
}

fn draw(pixmap: &mut Pixmap, item: &Item, mask: Option<&Mask>) {
    match &item.shape {
        Shape::Rect { frame, fill, crisp } => {
            let frame = if *crisp { snap(*frame) } else { *frame };
            if let Some(r) = rect(frame) {
                let mut paint = paint(*fill);
                paint.anti_alias = !*crisp;
                // As a path: tiny-skia's anti-aliased `fill_rect` trips an
                // internal assertion on rects 1 to 2 pixels wide.
                let path = PathBuilder::from_rect(r);
                pixmap.fill_path(
                    &path,
                    &paint,
                    FillRule::Winding,
                    Transform::identity(),
                    mask,
                );
            }
        }
        Shape::Outline {
            frame,
            color,
            width,
        } => {
            if let Some(r) = rect(*frame) {
                let path = PathBuilder::from_rect(r);
                pixmap.stroke_path(
                    &path,
                    &paint(*color),
                    &stroke(*width, None),
                    Transform::identity(),
                    mask,
                );
            }
        }
        Shape::Line {
            points,
            color,
            width,
            dash,
        } => {
            if let Some(path) = polyline(points, false) {
                pixmap.stroke_path(
                    &path,
                    &paint(*color),
                    &stroke(*width, *dash),
                    Transform::identity(),
                    mask,
                );
            }
        }
        Shape::Polygon { points, fill } => {
            if let Some(path) = polyline(points, true) {
                pixmap.fill_path(
                    &path,
                    &paint(*fill),
                    FillRule::Winding,
                    Transform::identity(),
                    mask,
                );
            }
        }
        Shape::Dot { x, y, radius, fill } => {
            if let Some(path) = PathBuilder::from_circle(*x, *y, *radius) {
                pixmap.fill_path(
                    &path,
                    &paint(*fill),
                    FillRule::Winding,
                    Transform::identity(),
                    mask,
                );
            }
        }
        Shape::Text(label) => draw_text(pixmap, label, mask),
    }
}

/// Edges on whole pixels, so neighbouring cells drawn without
/// anti-aliasing neither overlap nor leave gaps.
fn snap(f: Frame) -> Frame {
    Frame {
        x0: f.x0.round(),
        y0: f.y0.round(),
        x1: f.x1.round(),
        y1: f.y1.round(),
    }
}

fn rect(f: Frame) -> Option<Rect> {
    Rect::from_ltrb(f.x0, f.y0, f.x1, f.y1)
}

fn paint(c: Rgba) -> Paint<'static> {
    let mut paint = Paint::default();
    let alpha = (c.alpha.clamp(0.0, 1.0) * 255.0).round() as u8;
    paint.set_color_rgba8(c.rgb.0, c.rgb.1, c.rgb.2, alpha);
    paint.anti_alias = true;
    paint
}

fn stroke(width: f32, dash: Option<(f32, f32)>) -> Stroke {
    Stroke {
        width,
        line_cap: LineCap::Butt,
        line_join: LineJoin::Round,
        dash: dash.and_then(|(on, off)| StrokeDash::new(vec![on, off], 0.0)),
        ..Stroke::default()
    }
}

fn polyline(points: &[(f32, f32)], close: bool) -> Option<Path> {
    let (first, rest) = points.split_first()?;
    let mut pb = PathBuilder::new();
    pb.move_to(first.0, first.1);
    for p in rest {
        pb.line_to(p.0, p.1);
    }
    if close {
        pb.close();
    }
    pb.finish()
}

/// Text as filled glyph outlines. The embedded Ubuntu Light is thin for a
/// projector, so its outlines are also stroked a little to read like a
/// regular weight (more for bold).
fn draw_text(pixmap: &mut Pixmap, l: &Label, mask: Option<&Mask>) {
    let Some(path) = text_path(&l.text, l.size) else {
        return;
    };
    let width = font::width(&l.text, l.size);
    let shift = match l.anchor {
        Anchor::Start => 0.0,
        Anchor::Middle => -width / 2.0,
        Anchor::End => -width,
    };
    let mut transform = Transform::from_translate(shift, 0.0);
    if l.vertical {
        transform = transform.post_concat(Transform::from_rotate(-90.0));
    }
    transform = transform.post_concat(Transform::from_translate(l.x, l.y));
    let paint = paint(l.color);
    pixmap.fill_path(&path, &paint, FillRule::Winding, transform, mask);
    let embolden = if l.bold { 0.07 } else { 0.035 } * l.size;
    let stroke = Stroke {
        width: embolden,
        line_join: LineJoin::Round,
        ..Stroke::default()
    };
    pixmap.stroke_path(&path, &paint, &stroke, transform, mask);
}

/// The outlines of `text` as one path, from the start of the baseline.
fn text_path(text: &str, size: f32) -> Option<Path> {
    let mut pb = PathBuilder::new();
    for glyph in font::outlines(text, size) {
        let mut last: Option<ab_glyph::Point> = None;
        for curve in &glyph.curves {
            let (start, end) = match *curve {
                OutlineCurve::Line(a, b) => (a, b),
                OutlineCurve::Quad(a, _, c) => (a, c),
                OutlineCurve::Cubic(a, _, _, d) => (a, d),
            };
            // A curve that does not continue the previous one starts a
            // new contour.
            if last != Some(start) {
                if last.is_some() {
                    pb.close();
                }
                pb.move_to(start.x, start.y);
            }
            match *curve {
                OutlineCurve::Line(_, b) => pb.line_to(b.x, b.y),
                OutlineCurve::Quad(_, b, c) => pb.quad_to(b.x, b.y, c.x, c.y),
                OutlineCurve::Cubic(_, b, c, d) => pb.cubic_to(b.x, b.y, c.x, c.y, d.x, d.y),
            }
            last = Some(end);
        }
        if last.is_some() {
            pb.close();
        }
    }
    pb.finish()
}

/// 8-bit RGB: the background is opaque white, so alpha carries nothing.
fn encode(pixmap: &Pixmap) -> Result<Vec<u8>, PngError> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, pixmap.width(), pixmap.height());
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header()?;
    let mut stream = writer.stream_writer()?;
    // Row by row, so a large image is not held twice in memory.
    let mut row = Vec::with_capacity(pixmap.width() as usize * 3);
    for pixels in pixmap.data().chunks_exact(pixmap.width() as usize * 4) {
        row.clear();
        row.extend(pixels.chunks_exact(4).flat_map(|px| [px[0], px[1], px[2]]));
        stream.write_all(&row).map_err(png::EncodingError::from)?;
    }
    stream.finish()?;
    writer.finish()?;
    Ok(bytes)
}
