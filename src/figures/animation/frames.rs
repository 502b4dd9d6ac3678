//! One frame of an animation: its figures painted by the PNG exporter's
//! rasteriser (one figure filling the frame, or a panel of several in a
//! grid), the step counter in a corner; then stored as only what changed
//! since the frame before.

use std::borrow::Cow;

use tiny_skia::{Color, Pixmap, PixmapPaint, Transform};

use super::palette::TRANSPARENT;
use super::{Spec, Still};
use crate::figures::png::{PngError, frame_pixels};
use crate::lang::{Lang, say};

/// "step 1 200" ("passo 1 200"): digits grouped by threes with a space,
/// which reads the same in English and Italian.
pub fn step_label(step: u64, lang: Lang) -> String {
    let digits = step.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(' ');
        }
        grouped.push(c);
    }
    say!(lang, "step {grouped}", "passo {grouped}")
}

/// The pixels of `still` at the spec's size: a panel in the spec's grid
/// when it holds more than one figure per frame. The counter goes on the
/// first figure (the top-left cell).
pub(super) fn draw(still: &Still, spec: &Spec) -> Result<Pixmap, PngError> {
    let label = step_label(still.step, spec.lang);
    if let (true, Some(figure)) = (spec.per_frame <= 1, still.figures.first()) {
        return frame_pixels(figure, spec.width, spec.height, Some(&label));
    }
    let mut pixmap = Pixmap::new(spec.width, spec.height).ok_or(PngError::Allocate)?;
    pixmap.fill(Color::WHITE);
    let (columns, _) = spec.grid();
    let (cell_w, cell_h) = spec.cell();
    for (k, figure) in still.figures.iter().take(spec.per_frame).enumerate() {
        let stamp = (k == 0).then_some(label.as_str());
        let cell = frame_pixels(figure, cell_w, cell_h, stamp)?;
        let x = (k % columns) as u32 * cell_w;
        let y = (k / columns) as u32 * cell_h;
        pixmap.draw_pixmap(
            i32::try_from(x).unwrap_or(i32::MAX),
            i32::try_from(y).unwrap_or(i32::MAX),
            cell.as_ref(),
            &PixmapPaint::default(),
            Transform::identity(),
            None,
        );
    }
    Ok(pixmap)
}

/// A GIF frame of `current` (palette indices, `width` x `height`) that
/// keeps what the frame before (`previous`) already shows: only the
/// rectangle that changed is stored, its unchanged pixels transparent. A
/// frame where nothing changed is one transparent pixel.
pub(super) fn delta(
    previous: Option<&[u8]>,
    current: &[u8],
    width: u16,
    height: u16,
    delay: u16,
) -> gif::Frame<'static> {
    let full = gif::Frame {
        delay,
        dispose: gif::DisposalMethod::Keep,
        transparent: Some(TRANSPARENT),
        width,
        height,
        buffer: Cow::Owned(current.to_vec()),
        ..gif::Frame::default()
    };
    let Some(previous) = previous.filter(|p| p.len() == current.len()) else {
        return full;
    };
    let w = usize::from(width);
    let mut changed: Option<(usize, usize, usize, usize)> = None;
    for (y, (was, now)) in previous
        .chunks_exact(w)
        .zip(current.chunks_exact(w))
        .enumerate()
    {
        let Some(x0) = was.iter().zip(now).position(|(a, b)| a != b) else {
            continue;
        };
        let x1 = w - was
            .iter()
            .zip(now)
            .rev()
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        changed = Some(match changed {
            None => (x0, y, x1, y + 1),
            Some((a, b, c, _)) => (a.min(x0), b, c.max(x1), y + 1),
        });
    }
    let Some((x0, y0, x1, y1)) = changed else {
        return gif::Frame {
            width: 1,
            height: 1,
            buffer: Cow::Owned(vec![TRANSPARENT]),
            ..full
        };
    };
    let mut buffer = Vec::with_capacity((x1 - x0) * (y1 - y0));
    for y in y0..y1 {
        let row = y * w;
        for x in x0..x1 {
            let now = current[row + x];
            buffer.push(if previous[row + x] == now {
                TRANSPARENT
            } else {
                now
            });
        }
    }
    // The rectangle lies inside a frame whose sides fit u16.
    let side = |v: usize| u16::try_from(v).unwrap_or(u16::MAX);
    gif::Frame {
        left: side(x0),
        top: side(y0),
        width: side(x1 - x0),
        height: side(y1 - y0),
        buffer: Cow::Owned(buffer),
        ..full
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_grouped_by_threes() {
        assert_eq!(step_label(0, Lang::En), "step 0");
        assert_eq!(step_label(999, Lang::En), "step 999");
        assert_eq!(step_label(1200, Lang::En), "step 1 200");
        assert_eq!(step_label(1_000_000, Lang::It), "passo 1 000 000");
    }

    #[test]
    fn a_delta_holds_only_the_changed_rectangle() {
        let previous = vec![1u8; 6 * 4];
        let mut current = previous.clone();
        current[6 + 2] = 7; // (2, 1)
        current[2 * 6 + 4] = 9; // (4, 2)
        let frame = delta(Some(&previous), &current, 6, 4, 10);
        assert_eq!(
            (frame.left, frame.top, frame.width, frame.height),
            (2, 1, 3, 2)
        );
        assert_eq!(
            frame.buffer.as_ref(),
            &[7, TRANSPARENT, TRANSPARENT, TRANSPARENT, TRANSPARENT, 9]
        );
        let same = delta(Some(&previous), &previous, 6, 4, 10);
        assert_eq!((same.width, same.height), (1, 1));
        assert_eq!(same.buffer.as_ref(), &[TRANSPARENT]);
        let first = delta(None, &current, 6, 4, 10);
        assert_eq!((first.width, first.height), (6, 4));
    }
}
