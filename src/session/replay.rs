//! What a session keeps of replay: every moment's numbers (the last
//! step's statistics, the histogram, the skips and style) and the stride
//! they were thinned to. The decision grids and data views are not kept
//! (they would make a session a hundred times larger); a reopened
//! session's time line says so. A session from before replay has no
//! `replay` field and opens with an empty record that says what it lacks.

use serde::{Deserialize, Serialize};

use super::{MAX_SESSION_STEPS, RestoreError, finite32, finite64};
use crate::nn::mlp::block_count;
use crate::nn::{BlockFlow, Config, Histogram, LayerStats, NonFinite, SkipStyle, StepStats};
use crate::train::replay::{SLOTS, STOPS};
use crate::train::{Moment, Replay, RunMoment};

/// Most bins a saved histogram may have (the window asks for 60).
pub const MAX_SAVED_BINS: usize = 256;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedReplay {
    /// Ordinary moments were at least this many steps apart.
    pub stride: u64,
    pub moments: Vec<SavedMoment>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedMoment {
    pub step: u64,
    pub event: bool,
    /// One per run, in the session's order.
    pub runs: Vec<SavedRunMoment>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedRunMoment {
    pub latest: Option<SavedStats>,
    pub histogram: Option<Histogram>,
    pub histogram_layer: usize,
    pub skips: Vec<bool>,
    pub style: SkipStyle,
}

/// A step's statistics; JSON has no NaN or infinity, so those are null.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedStats {
    pub step: u64,
    pub loss: Option<f64>,
    pub grad_norm: Option<f32>,
    pub clipped: bool,
    /// Per layer: ||dL/dW||, ||dL/db||, delta rms, update ratio,
    /// activation mean and std, saturated or dead share.
    pub layers: Vec<[Option<f32>; 7]>,
    /// Per residual block: the skip's and the branch's gradient norms.
    pub blocks: Vec<[Option<f32>; 2]>,
    pub nonfinite: Option<NonFinite>,
}

/// Numbers (commas) one saved moment of one run can hold for `config`.
pub fn numbers_per_run_moment(config: &Config) -> u64 {
    let layers = config.depth as u64 + 1;
    let blocks = block_count(config.depth) as u64;
    8 * layers + 3 * blocks + MAX_SAVED_BINS as u64 + 32
}

/// Most moments a session keeps.
pub const MAX_SAVED_MOMENTS: usize = SLOTS + STOPS;

/// The record's moments as a session keeps them.
pub fn save(replay: &Replay) -> SavedReplay {
    SavedReplay {
        stride: replay.stride(),
        moments: replay
            .moments()
            .iter()
            .map(|m| SavedMoment {
                step: m.step,
                event: m.event,
                runs: m.runs.iter().map(save_run).collect(),
            })
            .collect(),
    }
}

fn save_run(run: &RunMoment) -> SavedRunMoment {
    SavedRunMoment {
        latest: run.latest.as_ref().map(|s| SavedStats {
            step: s.step,
            loss: finite64(s.loss),
            grad_norm: finite32(s.grad_norm),
            clipped: s.clipped,
            layers: s
                .layers
                .iter()
                .map(|l| {
                    [
                        l.grad_weight_norm,
                        l.grad_bias_norm,
                        l.delta_rms,
                        l.update_ratio,
                        l.activation_mean,
                        l.activation_std,
                        l.saturated_or_dead,
                    ]
                    .map(finite32)
                })
                .collect(),
            blocks: s
                .blocks
                .iter()
                .map(|b| [finite32(b.skip), finite32(b.branch)])
                .collect(),
            nonfinite: s.nonfinite,
        }),
        histogram: run.histogram.clone(),
        histogram_layer: run.histogram_layer,
        skips: run.skips.clone(),
        style: run.style,
    }
}

/// The record a session kept, checked against its configuration and its
/// `runs` runs, the first of which took `steps` steps. `None` (a session
/// from before replay): an empty record that says the steps before
/// `steps` cannot be shown.
pub fn restore(
    saved: Option<&SavedReplay>,
    config: &Config,
    runs: usize,
    steps: u64,
) -> Result<Replay, RestoreError> {
    let Some(saved) = saved else {
        return Ok(Replay::missing(steps));
    };
    if saved.moments.len() > MAX_SAVED_MOMENTS || saved.stride > MAX_SESSION_STEPS {
        return Err(RestoreError::Replay { step: 0 });
    }
    let mut moments = Vec::with_capacity(saved.moments.len());
    let mut previous = None;
    for moment in &saved.moments {
        let bad = || RestoreError::Replay { step: moment.step };
        let in_order = previous.is_none_or(|p| moment.step > p);
        // The last moment may be of the step to come (the network measured
        // before it, paused).
        if !in_order || moment.step > steps || moment.runs.len() != runs {
            return Err(bad());
        }
        previous = Some(moment.step);
        let runs = moment
            .runs
            .iter()
            .map(|r| restore_run(r, config, moment.step).ok_or_else(bad))
            .collect::<Result<Vec<_>, _>>()?;
        moments.push(Moment {
            step: moment.step,
            event: moment.event,
            runs,
        });
    }
    Ok(Replay::restored(moments, saved.stride, steps))
}

/// One run's saved moment, if it fits the configuration.
fn restore_run(saved: &SavedRunMoment, config: &Config, step: u64) -> Option<RunMoment> {
    let blocks = block_count(config.depth);
    if saved.skips.len() != blocks || saved.histogram_layer >= config.depth.max(1) {
        return None;
    }
    if let Some(h) = &saved.histogram {
        let sane = h.counts.len() <= MAX_SAVED_BINS && h.lo.is_finite() && h.hi > h.lo;
        if !sane {
            return None;
        }
    }
    let latest = match &saved.latest {
        None => None,
        Some(s) => {
            let fits = s.step == step
                && s.layers.len() == config.depth + 1
                && (s.blocks.is_empty() || s.blocks.len() == blocks);
            if !fits {
                return None;
            }
            let value = |v: Option<f32>| v.unwrap_or(f32::NAN);
            Some(StepStats {
                step: s.step,
                loss: s.loss.unwrap_or(f64::NAN),
                grad_norm: value(s.grad_norm),
                clipped: s.clipped,
                layers: s
                    .layers
                    .iter()
                    .map(|l| LayerStats {
                        grad_weight_norm: value(l[0]),
                        grad_bias_norm: value(l[1]),
                        delta_rms: value(l[2]),
                        update_ratio: value(l[3]),
                        activation_mean: value(l[4]),
                        activation_std: value(l[5]),
                        saturated_or_dead: value(l[6]),
                    })
                    .collect(),
                blocks: s
                    .blocks
                    .iter()
                    .map(|b| BlockFlow {
                        skip: value(b[0]),
                        branch: value(b[1]),
                    })
                    .collect(),
                nonfinite: s.nonfinite,
            })
        }
    };
    Some(RunMoment {
        latest,
        histogram: saved.histogram.clone(),
        histogram_layer: saved.histogram_layer,
        grid: None,
        view: None,
        skips: saved.skips.clone(),
        style: saved.style,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::RunUpdate;

    fn config() -> Config {
        Config {
            depth: 4,
            width: 4,
            ..Config::default()
        }
    }

    /// A replay of `steps` steps of one run of `config()`, the last one
    /// diverged (NaN and infinity in its numbers).
    fn replay(steps: u64) -> Replay {
        let mut replay = Replay::default();
        for step in 0..steps {
            let mut run = RunUpdate::empty(None);
            let mut stats = StepStats {
                step,
                loss: 1.0 / (step + 1) as f64,
                layers: vec![LayerStats::default(); 5],
                blocks: vec![BlockFlow::default(); block_count(4)],
                ..StepStats::default()
            };
            if step + 1 == steps {
                stats.loss = f64::NAN;
                stats.layers[0].grad_weight_norm = f32::INFINITY;
            }
            run.latest = Some(stats);
            run.histogram = Some(Histogram::of([0.5, 1.5], 0.0, 2.0, 4));
            run.skips = vec![step % 2 == 0; block_count(4)];
            replay.record(&[run], 1, step == 3);
        }
        replay
    }

    #[test]
    fn the_numbers_come_back_through_json_non_finite_ones_too() {
        let before = replay(6);
        let json = serde_json::to_string(&save(&before)).unwrap();
        let saved: SavedReplay = serde_json::from_str(&json).unwrap();
        let after = restore(Some(&saved), &config(), 1, 6).unwrap();
        assert_eq!(after.steps(), before.steps());
        assert_eq!(after.stops(), vec![3]);
        assert_eq!(after.pictures_from(), Some(6));
        for (a, b) in after.moments().iter().zip(before.moments()) {
            let (a, b) = (&a.runs[0], &b.runs[0]);
            assert_eq!(a.skips, b.skips);
            assert_eq!(a.histogram, b.histogram);
            let (a, b) = (a.latest.as_ref().unwrap(), b.latest.as_ref().unwrap());
            assert_eq!(a.layers[1..], b.layers[1..]);
            assert_eq!(a.loss.is_nan(), b.loss.is_nan());
        }
        let last = after.moments()[5].runs[0].latest.as_ref().unwrap();
        // JSON has no infinity: a non-finite number comes back as NaN.
        assert!(last.loss.is_nan() && last.layers[0].grad_weight_norm.is_nan());
    }

    #[test]
    fn moments_that_do_not_fit_are_refused() {
        let good = save(&replay(4));
        let refused = |saved: &SavedReplay, runs: usize, steps: u64| {
            restore(Some(saved), &config(), runs, steps).is_err()
        };
        assert!(!refused(&good, 1, 4));
        // More moments than the steps taken, or of two runs.
        assert!(refused(&good, 1, 2));
        assert!(refused(&good, 2, 4));
        let mut layers = good.clone();
        if let Some(stats) = &mut layers.moments[1].runs[0].latest {
            stats.layers.pop();
        }
        assert!(refused(&layers, 1, 4));
        let mut layer = good.clone();
        layer.moments[0].runs[0].histogram_layer = 4;
        assert!(refused(&layer, 1, 4));
        let mut bins = good.clone();
        if let Some(h) = &mut bins.moments[0].runs[0].histogram {
            h.counts = vec![0; MAX_SAVED_BINS + 1];
        }
        assert!(refused(&bins, 1, 4));
        // None kept: an empty record that says from which step.
        let missing = restore(None, &config(), 1, 4).unwrap();
        assert!(missing.is_empty() && missing.missing_before() == Some(4));
    }
}
