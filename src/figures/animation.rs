//! Animated GIFs of figures, for slides: one frame per captured step, each
//! painted by the PNG exporter's rasteriser from the figure models (one
//! figure, or a panel of several in a grid) with the step counter in a
//! corner, in the language and at the size chosen.
//!
//! - Bounded: frames, a frame's area and all frames' pixels together have
//!   limits (`Spec::check`), every excess refused before any work with an
//!   error that names the limit.
//! - Colours: one palette for all frames (`palette`): exact when the
//!   figures use 255 colours or fewer, otherwise exact for the figures'
//!   own and the most frequent colours, NeuQuant for the rest. A frame
//!   stores only the rectangle that changed (`frames::delta`).
//! - Steady: `steady_axes` fits each figure's axes (and colour scale) to
//!   the data of all its frames, so a line grows across still axes.
//! - Progress is reported after every frame; a set `cancel` flag stops
//!   before the next. `write_gif` writes atomically (`files`).

mod frames;
mod palette;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

pub use frames::step_label;

use super::axis_space::{self, Extent};
use super::layout;
use super::model::{Figure, Scale};
use super::png::{MAX_SIDE, MIN_SIDE, PngError};
use crate::lang::Lang;

/// Frames in one animation.
pub const MIN_FRAMES: usize = 2;
pub const MAX_FRAMES: usize = 600;
/// Pixels in one frame: 1600x1000 (the exports' default) fits, and so do
/// 1920x1200 and 1600x1600.
pub const MAX_FRAME_PIXELS: u64 = 2_560_000;
/// Pixels of all frames together: about half a minute of drawing (300
/// frames of 1600x1000, or 600 of 1000x800).
pub const MAX_TOTAL_PIXELS: u64 = 480_000_000;
/// Figures side by side in a panel (as in the window's live tab).
pub const PANEL_COLUMNS: usize = 3;
/// Figures in one panel.
pub const MAX_PANEL: usize = 12;
/// Hundredths of a second per frame: 10 frames a second.
pub const FRAME_DELAY: u16 = 10;
/// The last frame stays two seconds before the animation starts again.
pub const LAST_FRAME_DELAY: u16 = 200;
/// Frames whose colours make the palette.
const PALETTE_SAMPLES: usize = 5;

/// One frame: what the figures showed at a step (one figure, or the
/// figures of a panel in reading order).
#[derive(Clone, Debug)]
pub struct Still {
    pub step: u64,
    pub figures: Vec<Figure>,
}

/// What to draw: how many frames, how big, how many figures a frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spec {
    pub frames: usize,
    pub width: u32,
    pub height: u32,
    /// 1 for one figure; more makes each frame a panel of that many
    /// figures in a grid of `PANEL_COLUMNS`.
    pub per_frame: usize,
    /// The step counter's language.
    pub lang: Lang,
    /// Hundredths of a second per frame.
    pub delay: u16,
}

/// An animation that was refused or could not be made.
#[derive(Debug, thiserror::Error)]
pub enum AnimationError {
    #[error("{frames} frames is outside the allowed range {MIN_FRAMES}..={MAX_FRAMES}")]
    Frames { frames: usize },
    #[error("frame size {width}x{height}: each side must be from {MIN_SIDE} to {MAX_SIDE} pixels")]
    Side { width: u32, height: u32 },
    #[error("a frame of {width}x{height} is {} pixels, more than the {MAX_FRAME_PIXELS} allowed; give a smaller size (1600x1000 fits)", u64::from(*width) * u64::from(*height))]
    Area { width: u32, height: u32 },
    #[error("{frames} frames of {width}x{height} are {} pixels in all, more than the {MAX_TOTAL_PIXELS} allowed; give fewer frames or a smaller size", *frames as u64 * u64::from(*width) * u64::from(*height))]
    Total {
        frames: usize,
        width: u32,
        height: u32,
    },
    #[error("a panel of {figures} figures is outside the allowed range 1..={MAX_PANEL}")]
    PanelCount { figures: usize },
    #[error(
        "a panel of {figures} figures in {width}x{height} leaves each a {cell_width}x{cell_height} cell, less than {MIN_SIDE} pixels a side; give a larger size"
    )]
    Cell {
        figures: usize,
        width: u32,
        height: u32,
        cell_width: u32,
        cell_height: u32,
    },
    #[error("the animation was cancelled")]
    Cancelled,
    #[error("cannot draw a frame: {0}")]
    Draw(#[from] PngError),
    #[error("cannot encode the GIF: {0}")]
    Encode(#[from] gif::EncodingError),
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl Spec {
    /// `frames` frames of one figure, 10 a second.
    pub fn new(frames: usize, width: u32, height: u32, lang: Lang) -> Spec {
        Spec {
            frames,
            width,
            height,
            per_frame: 1,
            lang,
            delay: FRAME_DELAY,
        }
    }

    /// Every limit, checked before any work.
    pub fn check(&self) -> Result<(), AnimationError> {
        let (width, height) = (self.width, self.height);
        if !(MIN_FRAMES..=MAX_FRAMES).contains(&self.frames) {
            return Err(AnimationError::Frames {
                frames: self.frames,
            });
        }
        if ![width, height]
            .iter()
            .all(|s| (MIN_SIDE..=MAX_SIDE).contains(s))
        {
            return Err(AnimationError::Side { width, height });
        }
        let area = u64::from(width) * u64::from(height);
        if area > MAX_FRAME_PIXELS {
            return Err(AnimationError::Area { width, height });
        }
        if self.frames as u64 * area > MAX_TOTAL_PIXELS {
            return Err(AnimationError::Total {
                frames: self.frames,
                width,
                height,
            });
        }
        if !(1..=MAX_PANEL).contains(&self.per_frame) {
            return Err(AnimationError::PanelCount {
                figures: self.per_frame,
            });
        }
        let (cell_width, cell_height) = self.cell();
        if self.per_frame > 1 && (cell_width < MIN_SIDE || cell_height < MIN_SIDE) {
            return Err(AnimationError::Cell {
                figures: self.per_frame,
                width,
                height,
                cell_width,
                cell_height,
            });
        }
        Ok(())
    }

    /// Columns and rows of a panel.
    pub fn grid(&self) -> (usize, usize) {
        let columns = self.per_frame.clamp(1, PANEL_COLUMNS);
        (columns, self.per_frame.max(1).div_ceil(columns))
    }

    /// The size of one figure of a panel (the whole frame for one).
    pub fn cell(&self) -> (u32, u32) {
        let (columns, rows) = self.grid();
        (
            self.width / columns as u32,
            self.height / rows.max(1) as u32,
        )
    }
}

/// The frames to capture from a run of `steps` steps: `frames` steps
/// evenly spaced from the first (1) to the last, without repeats (fewer
/// when the run is shorter than `frames`).
pub fn capture_steps(steps: u64, frames: usize) -> Vec<u64> {
    let frames = frames as u64;
    if steps == 0 || frames == 0 {
        return Vec::new();
    }
    if frames == 1 {
        return vec![steps];
    }
    let mut out: Vec<u64> = (0..frames)
        .map(|i| 1 + (i * (steps - 1) + (frames - 1) / 2) / (frames - 1))
        .collect();
    out.dedup();
    out
}

/// The GIF of `spec.frames` frames, frame `i` showing `still(i)`.
/// `progress(done, total)` is called after every frame; `cancel` set
/// stops before the next frame with `AnimationError::Cancelled`.
pub fn encode(
    spec: &Spec,
    still: &mut dyn FnMut(usize) -> Still,
    progress: &mut dyn FnMut(usize, usize),
    cancel: &AtomicBool,
) -> Result<Vec<u8>, AnimationError> {
    spec.check()?;
    let stop = || {
        if cancel.load(Ordering::Relaxed) {
            Err(AnimationError::Cancelled)
        } else {
            Ok(())
        }
    };
    let mut census = palette::Census::default();
    for index in sample_indices(spec.frames) {
        stop()?;
        let sample = still(index);
        sample.figures.iter().for_each(|f| census.name_colours(f));
        census.count(frames::draw(&sample, spec)?.data());
    }
    let mut palette = palette::Palette::new(census);
    // Sides were checked against MAX_SIDE, far below u16::MAX.
    let (w, h) = (side(spec.width), side(spec.height));
    let mut encoder = gif::Encoder::new(Vec::new(), w, h, &palette.table())?;
    encoder.set_repeat(gif::Repeat::Infinite)?;
    let mut previous: Vec<u8> = Vec::new();
    let mut current: Vec<u8> = Vec::new();
    for index in 0..spec.frames {
        stop()?;
        let pixmap = frames::draw(&still(index), spec)?;
        palette.index(pixmap.data(), &mut current);
        let delay = if index + 1 == spec.frames {
            spec.delay.max(LAST_FRAME_DELAY)
        } else {
            spec.delay
        };
        let before = (index > 0).then_some(previous.as_slice());
        encoder.write_frame(&frames::delta(before, &current, w, h, delay))?;
        std::mem::swap(&mut previous, &mut current);
        progress(index + 1, spec.frames);
    }
    Ok(encoder.into_inner()?)
}

/// `encode`, written atomically to `path` (a `.gif`).
pub fn write_gif(
    path: &Path,
    spec: &Spec,
    still: &mut dyn FnMut(usize) -> Still,
    progress: &mut dyn FnMut(usize, usize),
    cancel: &AtomicBool,
) -> Result<usize, AnimationError> {
    let bytes = encode(spec, still, progress, cancel)?;
    crate::files::write_atomically(path, &bytes).map_err(|source| AnimationError::Write {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(bytes.len())
}

fn side(pixels: u32) -> u16 {
    u16::try_from(pixels).unwrap_or(u16::MAX)
}

/// Up to `PALETTE_SAMPLES` frames spread from the first to the last.
fn sample_indices(frames: usize) -> Vec<usize> {
    let n = PALETTE_SAMPLES.min(frames);
    let mut out: Vec<usize> = (0..n)
        .map(|i| {
            if n == 1 {
                0
            } else {
                i * (frames - 1) / (n - 1)
            }
        })
        .collect();
    out.dedup();
    out
}

/// Fits every figure's free axes, and its colour scale, to the data of
/// all frames that show a figure of its id: a loss line then grows across
/// still axes, and a colour means the same value in every frame. Fixed
/// bounds, category axes and figures of tiles are left as they are.
pub fn steady_axes(stills: &mut [Still]) {
    let mut ids: Vec<String> = Vec::new();
    for still in stills.iter() {
        for figure in &still.figures {
            if !ids.contains(&figure.id) {
                ids.push(figure.id.clone());
            }
        }
    }
    for id in ids {
        let mut all: Vec<&mut Figure> = stills
            .iter_mut()
            .flat_map(|s| s.figures.iter_mut())
            .filter(|f| f.id == id && f.tiles.is_none())
            .collect();
        let Some(first) = all.first() else {
            continue;
        };
        let (x_axis, y_axis) = (first.x.clone(), first.y.clone());
        let (mut x, mut y) = (Extent::default(), Extent::default());
        let mut colour: Option<(f64, f64)> = None;
        for figure in &all {
            let (fx, fy) = layout::extents(figure);
            merge(&mut x, fx);
            merge(&mut y, fy);
            if let Some(hm) = figure.heatmap.as_ref().filter(|h| h.classes.is_empty()) {
                colour = Some(match colour {
                    None => (hm.min, hm.max),
                    Some((lo, hi)) => (lo.min(hm.min), hi.max(hm.max)),
                });
            }
        }
        let fixed = |axis: &super::model::Axis, extent: &Extent| {
            let free = axis.min.is_none() && axis.max.is_none() && axis.categories.is_empty();
            free.then(|| {
                let span = axis_space::fit(axis, extent);
                (
                    from_space(axis.scale, span.lo),
                    from_space(axis.scale, span.hi),
                )
            })
        };
        let (x_range, y_range) = (fixed(&x_axis, &x), fixed(&y_axis, &y));
        for figure in &mut all {
            if let Some((lo, hi)) = x_range {
                figure.x.min = Some(lo);
                figure.x.max = Some(hi);
            }
            if let Some((lo, hi)) = y_range {
                figure.y.min = Some(lo);
                figure.y.max = Some(hi);
            }
            if let (Some(hm), Some((lo, hi))) = (figure.heatmap.as_mut(), colour)
                && hm.classes.is_empty()
                && lo.is_finite()
                && hi.is_finite()
                && lo < hi
            {
                hm.min = lo;
                hm.max = hi;
            }
        }
    }
}

fn merge(into: &mut Extent, from: Extent) {
    into.padded.extend(from.padded);
    into.tight.extend(from.tight);
    into.base = into.base.or(from.base);
}

fn from_space(scale: Scale, v: f64) -> f64 {
    match scale {
        Scale::Linear => v,
        Scale::Log10 => 10f64.powf(v),
    }
}
