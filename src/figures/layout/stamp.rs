//! A short label stamped on a laid-out figure: an animation frame's step
//! counter ("step 1 200"). It goes in the first corner of the image where
//! it covers no text (top left, bottom left, top right, bottom right), on
//! an opaque box edged like the legend's, in the size of the subtitle.

use super::scene::{Anchor, INK, Item, Label, PANEL_EDGE, Rgba, Scene, Shape};
use super::sizes::{Sizes, reserve};
use crate::figures::font;
use crate::figures::geometry::Frame;
use crate::figures::model::Rgb;

const WHITE: Rgba = Rgba::solid(Rgb(255, 255, 255));

/// Adds `text` in a free corner of `scene` (a `width` x `height` image).
pub(in crate::figures) fn stamp(scene: &mut Scene, text: &str, width: u32, height: u32) {
    if text.is_empty() {
        return;
    }
    let sz = Sizes::new(width, height);
    let size = sz.subtitle;
    let margin = 0.35 * size;
    let inset = (sz.pad * 0.5).max(2.0);
    let (w, h) = (width as f32, height as f32);
    let box_w = reserve(text, size) + 2.0 * margin;
    let box_h = size * 1.25 + 2.0 * margin;
    let corners = [
        (inset, inset),
        (inset, h - inset - box_h),
        (w - inset - box_w, inset),
        (w - inset - box_w, h - inset - box_h),
    ];
    let texts: Vec<Frame> = scene
        .items
        .iter()
        .filter_map(|item| match &item.shape {
            Shape::Text(label) => Some(text_box(label)),
            _ => None,
        })
        .collect();
    let covered = |frame: &Frame| texts.iter().filter(|t| t.overlap_area(frame) > 0.0).count();
    let frames = corners.map(|(x0, y0)| Frame {
        x0,
        y0,
        x1: x0 + box_w,
        y1: y0 + box_h,
    });
    // The first corner that covers the fewest labels (none, mostly).
    let Some(frame) = frames.iter().min_by_key(|f| covered(f)).copied() else {
        return;
    };
    let push = |scene: &mut Scene, shape| {
        scene.items.push(Item {
            shape,
            clipped: false,
        })
    };
    push(
        scene,
        Shape::Rect {
            frame,
            fill: WHITE,
            crisp: false,
        },
    );
    push(
        scene,
        Shape::Outline {
            frame,
            color: PANEL_EDGE,
            width: sz.line(0.6),
        },
    );
    push(
        scene,
        Shape::Text(Label {
            x: frame.x0 + margin,
            y: frame.y0 + margin + size,
            text: text.to_string(),
            size,
            color: INK,
            anchor: Anchor::Start,
            vertical: false,
            bold: true,
        }),
    );
}

/// Roughly where a label's ink lies (ascent above the baseline, a little
/// descent below).
fn text_box(label: &Label) -> Frame {
    let length = font::width(&label.text, label.size);
    let start = match label.anchor {
        Anchor::Start => 0.0,
        Anchor::Middle => -length / 2.0,
        Anchor::End => -length,
    };
    let (along0, along1) = (start, start + length);
    let (across0, across1) = (-label.size, 0.3 * label.size);
    if label.vertical {
        // Reads upwards, turned about (x, y).
        Frame {
            x0: label.x + across0,
            x1: label.x + across1,
            y0: label.y - along1,
            y1: label.y - along0,
        }
    } else {
        Frame {
            x0: label.x + along0,
            x1: label.x + along1,
            y0: label.y + across0,
            y1: label.y + across1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::layout::layout;
    use crate::figures::model::{Axis, Figure, Series};

    fn figure(title: &str) -> Figure {
        let mut f = Figure::new("loss", title, Axis::integer("step"), Axis::log("loss"));
        f.series.push(Series::line(
            "",
            Rgb(0, 0, 200),
            vec![[0.0, 1.0], [9.0, 0.1]],
        ));
        f
    }

    fn stamped(figure: &Figure) -> (Frame, Vec<Frame>) {
        let mut scene = layout(figure, 800, 500);
        let before: Vec<Frame> = scene
            .items
            .iter()
            .filter_map(|i| match &i.shape {
                Shape::Text(l) => Some(text_box(l)),
                _ => None,
            })
            .collect();
        stamp(&mut scene, "step 1 200", 800, 500);
        let frame = scene
            .items
            .iter()
            .find_map(|i| match i.shape {
                Shape::Rect { frame, fill, .. } if fill == WHITE => Some(frame),
                _ => None,
            })
            .expect("the stamp's box");
        (frame, before)
    }

    #[test]
    fn a_short_title_leaves_the_top_left_corner() {
        let (frame, texts) = stamped(&figure("Loss"));
        assert!(frame.x0 < 50.0 && frame.y0 < 50.0, "{frame:?}");
        assert!(texts.iter().all(|t| t.overlap_area(&frame) == 0.0));
    }

    #[test]
    fn text_across_the_top_sends_it_to_a_free_corner() {
        let mut scene = layout(&figure("Loss"), 800, 500);
        scene.items.push(Item {
            shape: Shape::Text(Label {
                x: 0.0,
                y: 30.0,
                text: "x".repeat(400),
                size: 20.0,
                color: INK,
                anchor: Anchor::Start,
                vertical: false,
                bold: false,
            }),
            clipped: false,
        });
        let texts: Vec<Frame> = scene
            .items
            .iter()
            .filter_map(|i| match &i.shape {
                Shape::Text(l) => Some(text_box(l)),
                _ => None,
            })
            .collect();
        stamp(&mut scene, "step 1 200", 800, 500);
        let Some(Item {
            shape: Shape::Text(label),
            ..
        }) = scene.items.last()
        else {
            panic!("the stamp is the last item");
        };
        let frame = text_box(label);
        assert!(frame.y0 > 250.0, "{frame:?}");
        assert!(texts.iter().all(|t| t.overlap_area(&frame) == 0.0));
    }
}
