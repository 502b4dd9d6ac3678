//! `gradscope run --animate FIGURE,...`: the figures captured at evenly
//! spaced steps while the run trains, written as `FIGURE.gif` beside the
//! other files (staged like them), in the run's language and size. A
//! figure is named as `run` names its files (`loss`, `gradients`, ...);
//! `panel` is the live tab's panel in one frame (loss, gradient bars,
//! gradient over time, activation, and the decision boundary for 2-D data
//! or the confusion matrix). Every limit is checked before training.

use std::sync::atomic::AtomicBool;

use super::{BOUNDARY_POINTS, BOUNDARY_RESOLUTION, HeadlessError, OutputFolder, progress_bar};
use crate::figures::animation::{self, MIN_FRAMES, Spec, Still, capture_steps};
use crate::figures::build::{self, GradientMeasure, activation_range};
use crate::figures::{Figure, data_views, flow};
use crate::lang::Lang;
use crate::nn::Run;
use crate::train::History;
use crate::train::trainer::VIEW_SAMPLES;

/// What `--animate` may name, in the order `run` writes the figures.
pub const ANIMATED: [&str; 11] = [
    FIGURES[0], FIGURES[1], FIGURES[2], FIGURES[3], FIGURES[4], FIGURES[5], FIGURES[6], FIGURES[7],
    FIGURES[8], FIGURES[9], "panel",
];

/// The figures a run writes (besides the first step's bars), in the
/// order of its files, each named as its files are.
pub(super) const FIGURES: [&str; 10] = [
    "loss",
    "gradients",
    "gradient_heatmap",
    "update_ratio",
    "gradient_highway",
    "activation",
    "confusion",
    "predictions",
    "first_layer_weights",
    "decision_boundary",
];

/// Frames of each GIF unless `--frames` says otherwise: ten seconds.
pub const DEFAULT_FRAMES: usize = 100;

/// Which figures to animate, and with how many frames.
#[derive(Clone, Debug, PartialEq)]
pub struct Animate {
    /// Names from `ANIMATED`; none: no animation.
    pub figures: Vec<String>,
    pub frames: usize,
}

impl Default for Animate {
    fn default() -> Self {
        Animate {
            figures: Vec::new(),
            frames: DEFAULT_FRAMES,
        }
    }
}

/// The frames of every animated figure, taken as the run goes.
pub(super) struct Capture {
    /// Each name, with its frames so far.
    figures: Vec<(String, Vec<Still>)>,
    /// The steps to capture, in order.
    at: Vec<u64>,
    histogram_layer: usize,
    lang: Lang,
    width: u32,
    height: u32,
}

/// The figures of the panel, for a run on data with `inputs` inputs.
fn panel_names(inputs: usize) -> [&'static str; 5] {
    let last = if inputs == 2 {
        "decision_boundary"
    } else {
        "confusion"
    };
    ["loss", "gradients", "gradient_heatmap", "activation", last]
}

impl Capture {
    /// Checks the request against the run (a name it can draw, the
    /// limits at the run's size) before any training.
    pub(super) fn new(
        animate: &Animate,
        steps: u64,
        run: &Run,
        histogram_layer: usize,
        output: &super::Output,
    ) -> Result<Capture, HeadlessError> {
        let at = capture_steps(steps, animate.frames);
        let mut figures: Vec<(String, Vec<Still>)> = Vec::new();
        for name in &animate.figures {
            if figures.iter().any(|(n, _)| n == name) {
                continue;
            }
            let drawable = match name.as_str() {
                "predictions" | "first_layer_weights" => run.data.image.is_some(),
                "decision_boundary" => run.data.inputs() == 2,
                other => ANIMATED.contains(&other),
            };
            if !drawable {
                return Err(HeadlessError::NotAnimated {
                    name: name.clone(),
                    allowed: drawable_names(run),
                });
            }
            if !animate.figures.is_empty() && at.len() < MIN_FRAMES {
                return Err(HeadlessError::AnimateShortRun { steps });
            }
            let per_frame = if name == "panel" {
                panel_names(run.data.inputs()).len()
            } else {
                1
            };
            Spec {
                per_frame,
                ..Spec::new(at.len(), output.png_width, output.png_height, output.lang)
            }
            .check()?;
            figures.push((name.clone(), Vec::with_capacity(at.len())));
        }
        Ok(Capture {
            figures,
            at,
            histogram_layer,
            lang: output.lang,
            width: output.png_width,
            height: output.png_height,
        })
    }

    /// Takes a frame of every figure if the run is at a capture step, or
    /// `last` says it ended early (it diverged).
    pub(super) fn observe(&mut self, run: &Run, history: &History, last: bool) {
        let step = run.steps_done();
        let due = self.at.binary_search(&step).is_ok();
        let taken = self
            .figures
            .first()
            .and_then(|(_, stills)| stills.last())
            .is_some_and(|s| s.step == step);
        if self.figures.is_empty() || taken || !(due || last) {
            return;
        }
        let mut views = Views::default();
        for (name, stills) in &mut self.figures {
            let names: Vec<&str> = if name == "panel" {
                panel_names(run.data.inputs()).to_vec()
            } else {
                vec![name.as_str()]
            };
            let figures = names
                .iter()
                .filter_map(|n| views.figure(n, run, history, self.histogram_layer, self.lang))
                .collect();
            stills.push(Still { step, figures });
        }
    }

    /// Writes every GIF into the staging folder.
    pub(super) fn write(
        self,
        folder: &OutputFolder,
        files: &mut Vec<String>,
    ) -> Result<(), HeadlessError> {
        let cancel = AtomicBool::new(false);
        for (name, mut stills) in self.figures {
            // A run that stopped at its first step still gets two frames.
            if stills.len() == 1 {
                stills.extend(stills.first().cloned());
            }
            animation::steady_axes(&mut stills);
            let spec = Spec {
                per_frame: stills.first().map_or(1, |s| s.figures.len()).max(1),
                ..Spec::new(stills.len(), self.width, self.height, self.lang)
            };
            let file = format!("{name}.gif");
            let progress = progress_bar(stills.len() as u64, &file);
            let bytes = animation::encode(
                &spec,
                &mut |i| stills[i].clone(),
                &mut |done, _| progress.set_position(done as u64),
                &cancel,
            )?;
            progress.finish_and_clear();
            super::write(folder, &file, &bytes, files)?;
        }
        Ok(())
    }
}

/// The names `--animate` takes for this run's data.
fn drawable_names(run: &Run) -> String {
    ANIMATED
        .iter()
        .filter(|n| match **n {
            "predictions" | "first_layer_weights" => run.data.image.is_some(),
            "decision_boundary" => run.data.inputs() == 2,
            _ => true,
        })
        .copied()
        .collect::<Vec<_>>()
        .join(", ")
}

/// What several figures of one step share, measured once.
#[derive(Default)]
pub(super) struct Views {
    test: Option<crate::nn::TestView>,
}

impl Views {
    /// The figure named `name` (one of `FIGURES`) of `run` now; None for a
    /// data view these data do not have, or an unknown name.
    pub(super) fn figure(
        &mut self,
        name: &str,
        run: &Run,
        history: &History,
        histogram_layer: usize,
        lang: Lang,
    ) -> Option<Figure> {
        let last = run.last_stats();
        let activation = run.mlp.activation;
        Some(match name {
            "loss" => build::loss(&[(None, history)], lang),
            "gradients" => {
                build::gradient_bars(&[(None, last)], activation, GradientMeasure::Weights, lang)
            }
            "gradient_heatmap" => build::gradient_heatmap(history, lang),
            "update_ratio" => flow::update_ratio(&[(None, history)], lang),
            "gradient_highway" => flow::gradient_highway(&[(None, last)], lang),
            "activation" => {
                let (lo, hi) = activation_range(activation);
                let histogram =
                    run.pre_activation_histogram(histogram_layer, lo as f32, hi as f32, 60);
                build::activation(
                    activation,
                    histogram.as_ref().map(|h| (h, histogram_layer)),
                    lo,
                    hi,
                    lang,
                )
            }
            "confusion" => data_views::confusion_matrix(self.test(run), lang),
            "predictions" => data_views::predictions(self.test(run), lang)?,
            "first_layer_weights" => data_views::first_layer_weights(self.test(run), lang)?,
            "decision_boundary" => build::decision_boundary(
                &run.decision_grid(BOUNDARY_RESOLUTION, BOUNDARY_POINTS)?,
                lang,
            ),
            _ => return None,
        })
    }

    fn test(&mut self, run: &Run) -> &crate::nn::TestView {
        self.test.get_or_insert_with(|| run.test_view(VIEW_SAMPLES))
    }
}
