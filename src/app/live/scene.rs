//! What the live plots show: the runs now, or as they were at a replayed
//! step. A `Scene` borrows, per run, the whole history (the loss and the
//! heat map cover the run and mark the replayed step) and the rest (the
//! last step's statistics, the histogram, the decision grid, the data
//! views, the skips) either from the runs now or from the replay's moment.

use crate::figures::Figure;
use crate::figures::model::{Marker, Orientation, Rgb};
use crate::lang::{Lang, say};
use crate::nn::{DecisionGrid, Histogram, StepStats, TestView};
use crate::train::{EvalPoint, History, Moment, RunUpdate, Twin};

/// One run as the plots show it.
pub struct Shown<'a> {
    pub twin: Option<Twin>,
    /// The whole history.
    pub history: &'a History,
    /// The evaluations up to the step shown.
    pub evals: &'a [EvalPoint],
    pub latest: Option<&'a StepStats>,
    pub histogram: Option<&'a Histogram>,
    pub grid: Option<&'a DecisionGrid>,
    pub view: Option<&'a TestView>,
    pub skips: &'a [bool],
}

/// Every run, and the step replayed (`None`: now).
pub struct Scene<'a> {
    pub runs: Vec<Shown<'a>>,
    /// The hidden layer (0-based) the histogram is of.
    pub histogram_layer: usize,
    /// The replayed moment's step, or `None` live.
    pub at: Option<u64>,
}

/// The colour of the replayed step's marker.
const REPLAY_BLUE: Rgb = Rgb(0x1f, 0x6f, 0xd0);

/// The runs now, the histogram being of hidden layer `histogram_layer`.
pub fn now(runs: &[RunUpdate], histogram_layer: usize) -> Scene<'_> {
    Scene {
        runs: runs
            .iter()
            .map(|r| Shown {
                twin: r.twin,
                history: &r.history,
                evals: r.history.evals(),
                latest: r.latest.as_ref(),
                histogram: r.histogram.as_ref(),
                grid: r.grid.as_ref(),
                view: r.view.as_ref(),
                skips: &r.skips,
            })
            .collect(),
        histogram_layer,
        at: None,
    }
}

/// The runs as they were at `moment`: the histories of `runs` (the runs
/// now), the rest of the moment.
pub fn at<'a>(runs: &'a [RunUpdate], moment: &'a Moment) -> Scene<'a> {
    let step = moment.step;
    Scene {
        runs: runs
            .iter()
            .zip(&moment.runs)
            .map(|(r, m)| {
                let evals = r.history.evals();
                let until = evals.partition_point(|e| e.step <= step);
                Shown {
                    twin: r.twin,
                    history: &r.history,
                    evals: &evals[..until],
                    latest: m.latest.as_ref(),
                    histogram: m.histogram.as_ref(),
                    grid: m.grid.as_deref(),
                    view: m.view.as_deref(),
                    skips: &m.skips,
                }
            })
            .collect(),
        histogram_layer: moment.runs.first().map_or(0, |m| m.histogram_layer),
        at: Some(step),
    }
}

/// Marks the replayed step on the figures whose x axis is the step (the
/// loss, the gradient over time, the update ratio over time).
pub fn mark_step(figures: &mut [Figure], step: u64, lang: Lang) {
    for figure in figures
        .iter_mut()
        .filter(|f| ["loss", "gradient_heatmap", "update_ratio"].contains(&f.id.as_str()))
    {
        figure.markers.push(Marker {
            label: say!(lang, "replay: step {step}", "riavvolto al passo {step}"),
            color: REPLAY_BLUE,
            orientation: Orientation::Vertical,
            value: step as f64,
            dashed: false,
        });
    }
}
