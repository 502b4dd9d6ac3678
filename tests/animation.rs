//! Animated GIFs of figures (`figures::animation`), read back with the gif
//! crate's decoder: the frame count and size asked for, frames that differ
//! where the figure changed and are identical where it did not, the step
//! counter drawn, the figures' colours kept exactly, every limit refused
//! before a frame is drawn, cancel and progress.

use std::cell::Cell;
use std::sync::atomic::AtomicBool;

use gradscope::explain::Explain;
use gradscope::figures::animation::{
    self, AnimationError, MAX_FRAMES, Spec, Still, capture_steps, steady_axes,
};
use gradscope::figures::{Axis, Figure, Rgb, Series};
use gradscope::lang::Lang;

const BLUE: Rgb = Rgb(31, 119, 180);

/// A loss curve that has reached `step`.
fn curve(step: u64) -> Figure {
    let mut figure = Figure::new("loss", "Loss", Axis::integer("step"), Axis::log("loss"));
    let points = (0..=step)
        .map(|s| [s as f64, 1.0 / (1.0 + s as f64)])
        .collect();
    figure.series.push(Series::line("train", BLUE, points));
    figure
}

/// The frames as a viewer shows them: each painted over the one before,
/// its transparent pixels leaving what was there.
struct Decoded {
    width: usize,
    height: usize,
    frames: Vec<Vec<u8>>,
    /// Each stored frame's rectangle (left, top, width, height).
    rects: Vec<(u16, u16, u16, u16)>,
    delays: Vec<u16>,
}

fn decode(bytes: &[u8]) -> Decoded {
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut decoder = options.read_info(bytes).expect("a GIF");
    let (width, height) = (usize::from(decoder.width()), usize::from(decoder.height()));
    let mut canvas = vec![0u8; width * height * 4];
    let mut out = Decoded {
        width,
        height,
        frames: Vec::new(),
        rects: Vec::new(),
        delays: Vec::new(),
    };
    while let Some(frame) = decoder.read_next_frame().expect("a frame") {
        let (left, top) = (usize::from(frame.left), usize::from(frame.top));
        let fw = usize::from(frame.width);
        for (i, px) in frame.buffer.chunks_exact(4).enumerate() {
            if px[3] == 0 {
                continue;
            }
            let (x, y) = (left + i % fw, top + i / fw);
            let at = (y * width + x) * 4;
            canvas[at..at + 4].copy_from_slice(px);
        }
        out.frames.push(canvas.clone());
        out.rects
            .push((frame.left, frame.top, frame.width, frame.height));
        out.delays.push(frame.delay);
    }
    out
}

fn encode(spec: &Spec, stills: &[Still]) -> Result<Vec<u8>, AnimationError> {
    let cancel = AtomicBool::new(false);
    animation::encode(spec, &mut |i| stills[i].clone(), &mut |_, _| {}, &cancel)
}

fn still(step: u64, figures: Vec<Figure>) -> Still {
    Still { step, figures }
}

#[test]
fn frames_have_the_count_and_size_asked_and_differ_where_the_run_changed() {
    let mut stills: Vec<Still> = [10, 20, 30, 40, 50]
        .iter()
        .map(|&s| still(s, vec![curve(s)]))
        .collect();
    steady_axes(&mut stills);
    let spec = Spec::new(stills.len(), 400, 250, Lang::En);
    let gif = decode(&encode(&spec, &stills).unwrap());
    assert_eq!((gif.width, gif.height), (400, 250));
    assert_eq!(gif.frames.len(), 5);
    for pair in gif.frames.windows(2) {
        assert_ne!(pair[0], pair[1]);
    }
    // Every composed frame is opaque: the first covers all, the others
    // only change it.
    assert!(gif.frames.iter().all(|f| f.chunks(4).all(|p| p[3] == 255)));
    // Ten a second, the last held two seconds.
    assert_eq!(gif.delays, vec![10, 10, 10, 10, 200]);
}

#[test]
fn nothing_changed_gives_identical_frames_stored_as_one_pixel() {
    let stills: Vec<Still> = (0..3).map(|_| still(7, vec![curve(7)])).collect();
    let gif = decode(&encode(&Spec::new(3, 300, 200, Lang::En), &stills).unwrap());
    assert_eq!(gif.frames.len(), 3);
    assert_eq!(gif.frames[0], gif.frames[1]);
    assert_eq!(gif.frames[1], gif.frames[2]);
    assert_eq!(gif.rects[1], (0, 0, 1, 1));
    assert_eq!(gif.rects[2], (0, 0, 1, 1));
}

#[test]
fn only_the_step_counter_changes_when_only_the_step_does() {
    let stills = vec![still(1_000, vec![curve(5)]), still(1_200, vec![curve(5)])];
    let gif = decode(&encode(&Spec::new(2, 800, 500, Lang::En), &stills).unwrap());
    assert_ne!(gif.frames[0], gif.frames[1]);
    // The counter sits in a corner box, a small part of the frame.
    let (_, _, w, h) = gif.rects[1];
    assert!(
        u32::from(w) * u32::from(h) < 800 * 500 / 20,
        "{:?}",
        gif.rects[1]
    );
}

#[test]
fn the_figures_own_colours_are_kept_exactly() {
    let stills: Vec<Still> = [3, 9].iter().map(|&s| still(s, vec![curve(s)])).collect();
    let gif = decode(&encode(&Spec::new(2, 400, 250, Lang::En), &stills).unwrap());
    let has = |frame: &[u8], c: Rgb| frame.chunks(4).any(|p| p[..3] == [c.0, c.1, c.2]);
    for frame in &gif.frames {
        assert!(has(frame, BLUE));
        assert!(has(frame, Rgb(255, 255, 255)));
    }
}

#[test]
fn a_panel_puts_several_figures_in_one_frame() {
    let mut histogram = Figure::new("bars", "Bars", Axis::linear("x"), Axis::linear("y"));
    histogram
        .series
        .push(Series::bars("b", Rgb(214, 39, 40), 0.8, vec![[1.0, 2.0]]));
    let stills: Vec<Still> = [4, 8, 12]
        .iter()
        .map(|&s| still(s, vec![curve(s), histogram.clone(), curve(s / 2)]))
        .collect();
    let spec = Spec {
        per_frame: 3,
        ..Spec::new(3, 900, 300, Lang::It)
    };
    assert_eq!(spec.grid(), (3, 1));
    let gif = decode(&encode(&spec, &stills).unwrap());
    assert_eq!((gif.width, gif.height, gif.frames.len()), (900, 300, 3));
    // The bars' red is in the middle cell of every frame.
    for frame in &gif.frames {
        let red_at: Vec<usize> = frame
            .chunks(4)
            .enumerate()
            .filter(|(_, p)| p[..3] == [214, 39, 40])
            .map(|(i, _)| i % 900)
            .collect();
        assert!(!red_at.is_empty());
        assert!(red_at.iter().all(|&x| (300..600).contains(&x)));
    }
}

#[test]
fn every_limit_is_refused_before_a_frame_is_drawn() {
    let cases = [
        (Spec::new(MAX_FRAMES + 1, 400, 300, Lang::En), "600"),
        (Spec::new(1, 400, 300, Lang::En), "2..=600"),
        (Spec::new(10, 100, 300, Lang::En), "200"),
        (Spec::new(10, 4000, 4000, Lang::En), "2560000"),
        (Spec::new(600, 1600, 1000, Lang::En), "480000000"),
        (
            Spec {
                per_frame: 6,
                ..Spec::new(10, 500, 300, Lang::En)
            },
            "166x150",
        ),
        (
            Spec {
                per_frame: 13,
                ..Spec::new(10, 1600, 1000, Lang::En)
            },
            "1..=12",
        ),
    ];
    for (spec, limit) in cases {
        let drawn = Cell::new(0);
        let cancel = AtomicBool::new(false);
        let error = animation::encode(
            &spec,
            &mut |_| {
                drawn.set(drawn.get() + 1);
                still(1, vec![curve(1)])
            },
            &mut |_, _| {},
            &cancel,
        )
        .unwrap_err();
        assert_eq!(drawn.get(), 0, "{spec:?}");
        for lang in [Lang::En, Lang::It] {
            let message = error.explain(lang);
            assert!(message.contains(limit), "{message}");
        }
    }
}

#[test]
fn progress_is_reported_and_cancel_stops_before_the_next_frame() {
    let stills: Vec<Still> = (1..=6).map(|s| still(s, vec![curve(s)])).collect();
    let cancel = AtomicBool::new(false);
    let mut seen = Vec::new();
    let error = animation::encode(
        &Spec::new(6, 300, 200, Lang::En),
        &mut |i| stills[i].clone(),
        &mut |done, total| {
            seen.push((done, total));
            if done == 2 {
                cancel.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        },
        &cancel,
    )
    .unwrap_err();
    assert!(matches!(error, AnimationError::Cancelled));
    assert_eq!(seen, vec![(1, 6), (2, 6)]);

    let mut seen = Vec::new();
    let cancel = AtomicBool::new(false);
    animation::encode(
        &Spec::new(6, 300, 200, Lang::En),
        &mut |i| stills[i].clone(),
        &mut |done, total| seen.push((done, total)),
        &cancel,
    )
    .unwrap();
    assert_eq!(seen.last(), Some(&(6, 6)));
}

#[test]
fn write_gif_writes_the_file_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("loss.gif");
    let stills: Vec<Still> = [2, 4].iter().map(|&s| still(s, vec![curve(s)])).collect();
    let cancel = AtomicBool::new(false);
    let size = animation::write_gif(
        &path,
        &Spec::new(2, 300, 200, Lang::En),
        &mut |i| stills[i].clone(),
        &mut |_, _| {},
        &cancel,
    )
    .unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(bytes.len(), size);
    assert_eq!(decode(&bytes).frames.len(), 2);
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "no temporary file is left");
}

#[test]
fn steady_axes_are_the_same_in_every_frame_and_hold_all_data() {
    let mut stills: Vec<Still> = [5, 50, 500]
        .iter()
        .map(|&s| still(s, vec![curve(s)]))
        .collect();
    steady_axes(&mut stills);
    let first = &stills[0].figures[0];
    let (lo, hi) = (first.x.min.unwrap(), first.x.max.unwrap());
    assert!(lo <= 0.0 && hi >= 500.0, "{lo} {hi}");
    let (ylo, yhi) = (first.y.min.unwrap(), first.y.max.unwrap());
    assert!(ylo <= 1.0 / 501.0 && yhi >= 1.0, "{ylo} {yhi}");
    for s in &stills {
        assert_eq!(s.figures[0].x, first.x);
        assert_eq!(s.figures[0].y, first.y);
    }
}

#[test]
fn capture_steps_are_evenly_spread_from_the_first_to_the_last() {
    assert_eq!(capture_steps(1000, 5), vec![1, 251, 501, 750, 1000]);
    assert_eq!(capture_steps(3, 10), vec![1, 2, 3]);
    assert_eq!(capture_steps(1000, 2), vec![1, 1000]);
    let steps = capture_steps(1_000_000, 600);
    assert_eq!(steps.len(), 600);
    assert_eq!((steps[0], steps[599]), (1, 1_000_000));
}
