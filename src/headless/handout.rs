//! `handout.html` of `gradscope run --handout`: the handout (see
//! `crate::handout`) with the key numbers the run's `Summary` holds and the
//! figures the run wrote.

use crate::figures::Figure;
use crate::handout::{GradientEnds, Handout, RunNumbers, to_html};
use crate::lang::Lang;
use crate::nn::{Skip, SkipStyle};
use crate::train::EvalPoint;

use super::{HandoutWish, Summary};

/// The handout of a finished run, in `lang`.
pub(super) fn html(
    summary: &Summary,
    wish: &HandoutWish,
    figures: &[Figure],
    lang: Lang,
) -> String {
    let numbers = RunNumbers {
        twin: None,
        steps: summary.steps_run,
        start: GradientEnds::of(
            summary
                .layers
                .iter()
                .map(|l| f64::from(l.grad_norm_initial)),
        ),
        start_steps: (0, 0),
        end: GradientEnds::of(summary.layers.iter().map(|l| f64::from(l.grad_norm_final))),
        // The summary's final losses are null for a run that diverged.
        eval: match (
            summary.final_train_loss,
            summary.final_test_loss,
            summary.final_test_accuracy,
        ) {
            (Some(train_loss), Some(test_loss), Some(test_accuracy)) => Some(EvalPoint {
                step: summary.steps_run,
                train_loss,
                test_loss,
                test_accuracy,
            }),
            _ => None,
        },
        diverged: summary.diverged,
        // Every block's skip in the configuration's style, as it trained.
        skips: match summary.config.skip {
            Skip::Off => None,
            Skip::Slides => Some(SkipStyle::Slides),
            Skip::Identity => Some(SkipStyle::Identity),
        }
        .filter(|_| !summary.highway.is_empty())
        .map(|style| (style, summary.highway.len(), summary.highway.len())),
    };
    let handout = Handout {
        lesson: wish.lesson.as_ref(),
        config: &summary.config,
        runs: std::slice::from_ref(&numbers),
        figures,
    };
    to_html(&handout, lang)
}
