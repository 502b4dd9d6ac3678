//! Replay: what the live plots showed at earlier steps, in bounded memory.
//!
//! The window records a `Moment` from the updates it absorbs (at most one
//! per update, so at most about 30 a second): for every run (both twins in
//! compare mode) the last step's `StepStats` (per-layer gradients, update
//! ratios, the gradient highway), the activation histogram, the decision
//! grid and the `TestView` then current, and the skips. The loss and the
//! heat map need no moments: `History` already covers the whole run.
//!
//! **Thinning.** At most `slots` ordinary moments are kept, at least
//! `stride` steps apart. When they are full, every other one is dropped
//! (the newest stays) and the stride doubles, so the moments always cover
//! the whole run, more sparsely the longer it runs. A moment recorded with
//! an event (a skip toggled, the skip style changed, a divergence...) is a
//! stop on the time line and is not thinned with the others; at most
//! `stops` of those are kept, the older half thinned when full (as
//! `History` thins its events).
//!
//! **The bound.** A moment's grid and data view are shared (`Arc`) with
//! the moments before it while the trainer sent no new ones, so at most
//! `slots + stops` moments hold, per run, at most:
//!
//! - `StepStats`: 72 + 32 (depth + 1) + 8 blocks bytes,
//! - the histogram: 40 + 4 bins,
//! - the skips: 24 + blocks,
//! - the decision grid (2-D data): 112 + 12 resolution² + 12 points + the
//!   class names (24 + their length each),
//! - the data view: 144 + 8 classes² + 12 samples + 4 samples inputs +
//!   4 · 32 inputs (image networks' first-layer weights) + the class names,
//!
//! plus 64 bytes for the moment itself. `moment_bound` computes it for a
//! configuration; `Replay::bound` multiplies by the slots. With the
//! window's `SLOTS` (256) and `STOPS` (64), a depth-32 spiral network in
//! compare mode is bounded by 31.4 MB however long it trains (the 50×50
//! grid and its 1000 points are most of it: about 46 KB a moment and run);
//! `tests/memory.rs` measured 22.9 MB after 10^6 steps (a depth-16 digits
//! network: bound 10.9 MB, measured 9.7 MB).

use std::sync::Arc;

use crate::nn::{DecisionGrid, Histogram, SkipStyle, StepStats, TestView};

use super::trainer::{GRID_POINTS, GRID_RESOLUTION, RunUpdate, VIEW_SAMPLES};

/// Ordinary moments the window keeps.
pub const SLOTS: usize = 256;
/// Event moments (stops) the window keeps.
pub const STOPS: usize = 64;
/// The histogram's bins the window asks for.
pub const HISTOGRAM_BINS: usize = 60;

/// One run as the live plots showed it at a moment.
#[derive(Clone, Debug, PartialEq)]
pub struct RunMoment {
    pub latest: Option<StepStats>,
    pub histogram: Option<Histogram>,
    /// The hidden layer (0-based) the histogram is of.
    pub histogram_layer: usize,
    pub grid: Option<Arc<DecisionGrid>>,
    pub view: Option<Arc<TestView>>,
    pub skips: Vec<bool>,
    pub style: SkipStyle,
}

/// Every run at one step.
#[derive(Clone, Debug, PartialEq)]
pub struct Moment {
    /// The step the (first) run had last taken.
    pub step: u64,
    /// Recorded with an event: a stop on the time line, never thinned
    /// with the ordinary moments.
    pub event: bool,
    /// One per run, in the order of the live runs.
    pub runs: Vec<RunMoment>,
}

/// The moments of the current runs, thinned to stay bounded.
#[derive(Clone, Debug, PartialEq)]
pub struct Replay {
    slots: usize,
    stops: usize,
    /// Ordinary moments are at least this many steps apart (a power of two).
    stride: u64,
    /// Ascending by step; ordinary moments and stops together.
    moments: Vec<Moment>,
    /// The step of the last ordinary moment kept.
    last_ordinary: Option<u64>,
    /// The step the record begins at when the steps before it were not
    /// recorded (a session saved without replay, or by an older program).
    missing_before: Option<u64>,
    /// Whether grids and data views of restored moments were not kept
    /// (sessions keep the numbers, not the pictures).
    pictures_from: Option<u64>,
}

impl Default for Replay {
    fn default() -> Self {
        Replay::new(SLOTS, STOPS)
    }
}

impl Replay {
    /// `slots` ordinary moments (at least 2) and `stops` event moments (at
    /// least 2).
    pub fn new(slots: usize, stops: usize) -> Replay {
        Replay {
            slots: slots.max(2),
            stops: stops.max(2),
            stride: 1,
            moments: Vec::new(),
            last_ordinary: None,
            missing_before: None,
            pictures_from: None,
        }
    }

    /// Every moment kept, ascending by step.
    pub fn moments(&self) -> &[Moment] {
        &self.moments
    }

    /// The steps one can go back to, ascending.
    pub fn steps(&self) -> Vec<u64> {
        self.moments.iter().map(|m| m.step).collect()
    }

    /// The stops: steps recorded with an event.
    pub fn stops(&self) -> Vec<u64> {
        self.moments
            .iter()
            .filter(|m| m.event)
            .map(|m| m.step)
            .collect()
    }

    /// The first and last steps recorded, if any.
    pub fn range(&self) -> Option<(u64, u64)> {
        Some((self.moments.first()?.step, self.moments.last()?.step))
    }

    /// Ordinary moments are at least this many steps apart.
    pub fn stride(&self) -> u64 {
        self.stride
    }

    pub fn slots(&self) -> usize {
        self.slots
    }

    pub fn stop_slots(&self) -> usize {
        self.stops
    }

    pub fn is_empty(&self) -> bool {
        self.moments.is_empty()
    }

    /// The step before which nothing was recorded (a session without
    /// replay), if so.
    pub fn missing_before(&self) -> Option<u64> {
        self.missing_before
    }

    /// The step before which moments have no decision grid or data view
    /// (restored from a session, which keeps the numbers only), if so.
    pub fn pictures_from(&self) -> Option<u64> {
        self.pictures_from
    }

    /// The moment shown at `step`: the last one at or before it; `None`
    /// before the first.
    pub fn at(&self, step: u64) -> Option<&Moment> {
        let after = self.moments.partition_point(|m| m.step <= step);
        self.moments.get(after.checked_sub(1)?)
    }

    /// The first moment at or after `step` (where an event at `step` shows).
    pub fn after(&self, step: u64) -> Option<&Moment> {
        let from = self.moments.partition_point(|m| m.step < step);
        self.moments.get(from)
    }

    /// Records the runs as they are after an update (`runs` in the live
    /// tab's order; the first's last step names the moment), with the
    /// hidden layer the histogram is of. `event`: the update carried an
    /// event, so the moment is a stop. Nothing is recorded before the first
    /// step. A moment at the step of the last one replaces it.
    pub fn record(&mut self, runs: &[RunUpdate], histogram_layer: usize, event: bool) {
        let Some(step) = runs.first().and_then(|r| r.latest.as_ref()).map(|s| s.step) else {
            return;
        };
        if let Some(last) = self.moments.last_mut()
            && step <= last.step
        {
            if step == last.step {
                let runs = moment_runs(runs, Some(last), histogram_layer);
                last.runs = runs;
                last.event |= event;
            }
            return;
        }
        let due = self
            .last_ordinary
            .is_none_or(|last| step >= last + self.stride);
        if !event && !due {
            return;
        }
        let runs = moment_runs(runs, self.moments.last(), histogram_layer);
        self.moments.push(Moment { step, event, runs });
        if event {
            self.thin_stops();
        } else {
            self.last_ordinary = Some(step);
            self.thin_ordinary();
        }
    }

    /// Drops every other ordinary moment (the newest stays) and doubles the
    /// stride, once the ordinary moments overflow their slots.
    fn thin_ordinary(&mut self) {
        let ordinary = self.moments.iter().filter(|m| !m.event).count();
        if ordinary <= self.slots {
            return;
        }
        self.stride *= 2;
        // Counted from the newest, so the newest (and every second before
        // it) stays.
        let mut from_newest = ordinary;
        self.moments.retain(|m| {
            if m.event {
                return true;
            }
            from_newest -= 1;
            from_newest % 2 == 0
        });
    }

    /// Drops every other stop of the older half once the stops overflow.
    fn thin_stops(&mut self) {
        let stops = self.moments.iter().filter(|m| m.event).count();
        if stops <= self.stops {
            return;
        }
        let half = stops / 2;
        let mut index = 0;
        self.moments.retain(|m| {
            if !m.event {
                return true;
            }
            let keep = index >= half || index % 2 == 0;
            index += 1;
            keep
        });
    }

    /// A record rebuilt from saved moments (ascending; a session's), with
    /// the stride they were thinned to. Their grids and views are absent:
    /// `pictures_from` says from which step on they are.
    pub fn restored(moments: Vec<Moment>, stride: u64, next_step: u64) -> Replay {
        let mut replay = Replay {
            stride: stride.max(1).next_power_of_two(),
            last_ordinary: moments.iter().rev().find(|m| !m.event).map(|m| m.step),
            moments,
            ..Replay::default()
        };
        replay.moments.sort_by_key(|m| m.step);
        replay.moments.dedup_by_key(|m| m.step);
        replay.pictures_from = Some(next_step);
        while replay.moments.iter().filter(|m| !m.event).count() > replay.slots {
            replay.thin_ordinary();
        }
        while replay.moments.iter().filter(|m| m.event).count() > replay.stops {
            replay.thin_stops();
        }
        replay
    }

    /// An empty record of runs reopened at `next_step` from a session that
    /// kept no moments: the steps before it cannot be shown.
    pub fn missing(next_step: u64) -> Replay {
        Replay {
            missing_before: Some(next_step),
            ..Replay::default()
        }
    }

    /// Bytes the moments hold now, counting each shared grid and view
    /// once: what `bound` bounds.
    pub fn bytes(&self) -> usize {
        let mut total = std::mem::size_of::<Replay>();
        let mut seen: Vec<*const ()> = Vec::new();
        for moment in &self.moments {
            total += std::mem::size_of::<Moment>();
            for run in &moment.runs {
                total += run_bytes(run, &mut seen);
            }
        }
        total
    }

    /// The most bytes `bytes` can reach for `runs` runs of `config`,
    /// however long they train.
    pub fn bound(&self, config: &crate::nn::Config, runs: usize) -> usize {
        std::mem::size_of::<Replay>() + (self.slots + self.stops) * runs * moment_bound(config)
    }
}

/// The runs as a moment keeps them, sharing the grids and views of
/// `previous` that are unchanged.
fn moment_runs(
    runs: &[RunUpdate],
    previous: Option<&Moment>,
    histogram_layer: usize,
) -> Vec<RunMoment> {
    runs.iter()
        .enumerate()
        .map(|(index, run)| {
            let before = previous.and_then(|m| m.runs.get(index));
            RunMoment {
                latest: run.latest.clone(),
                histogram: run.histogram.clone(),
                histogram_layer,
                grid: shared(
                    run.grid.as_ref(),
                    before.and_then(|b| b.grid.as_ref()),
                    |a, b| a.step == b.step && a == b,
                ),
                view: shared(
                    run.view.as_ref(),
                    before.and_then(|b| b.view.as_ref()),
                    |a, b| a.step == b.step && a == b,
                ),
                skips: run.skips.clone(),
                style: run.style,
            }
        })
        .collect()
}

/// `now` as an `Arc`: the one `before` holds if `same` (which compares
/// the step first, the cheap test).
fn shared<T: Clone>(
    now: Option<&T>,
    before: Option<&Arc<T>>,
    same: impl Fn(&T, &T) -> bool,
) -> Option<Arc<T>> {
    match (now, before) {
        (Some(now), Some(before)) if same(before, now) => Some(before.clone()),
        (Some(now), _) => Some(Arc::new(now.clone())),
        (None, _) => None,
    }
}

/// One run's share of a moment in bytes; a grid or view already `seen`
/// counts nothing.
fn run_bytes(run: &RunMoment, seen: &mut Vec<*const ()>) -> usize {
    use std::mem::size_of;
    let mut total = size_of::<RunMoment>() + run.skips.capacity();
    if let Some(stats) = &run.latest {
        total += stats.layers.capacity() * size_of::<crate::nn::LayerStats>()
            + stats.blocks.capacity() * size_of::<crate::nn::BlockFlow>();
    }
    if let Some(histogram) = &run.histogram {
        total += histogram.counts.capacity() * 4;
    }
    if let Some(grid) = &run.grid {
        let at = Arc::as_ptr(grid).cast::<()>();
        if !seen.contains(&at) {
            seen.push(at);
            total += size_of::<DecisionGrid>()
                + grid.class.capacity() * size_of::<usize>()
                + grid.confidence.capacity() * 4
                + grid.points.x.len() * 4
                + grid.points.y.capacity() * size_of::<usize>()
                + names_bytes(&grid.class_names);
        }
    }
    if let Some(view) = &run.view {
        let at = Arc::as_ptr(view).cast::<()>();
        if !seen.contains(&at) {
            seen.push(at);
            total += size_of::<TestView>()
                + view.confusion.capacity() * 8
                + view.samples.x.len() * 4
                + view.samples.y.capacity() * size_of::<usize>()
                + view.predicted.capacity() * size_of::<usize>()
                + view.first_layer.as_ref().map_or(0, |w| w.len() * 4)
                + names_bytes(&view.class_names);
        }
    }
    total
}

fn names_bytes(names: &[String]) -> usize {
    names
        .iter()
        .map(|n| std::mem::size_of::<String>() + n.capacity())
        .sum()
}

/// The most bytes one run's share of a moment can take for `config`
/// (the sum in the module's doc comment).
pub fn moment_bound(config: &crate::nn::Config) -> usize {
    use std::mem::size_of;
    let layers = config.depth + 1;
    let blocks = crate::nn::mlp::block_count(config.depth);
    let (inputs, classes) = (config.inputs(), config.outputs());
    let names: usize = match &config.table {
        Some(table) => table
            .class_names
            .iter()
            .map(|n| size_of::<String>() + n.len())
            .sum(),
        // "0", "1", ...: at most 3 digits each.
        None => classes * (size_of::<String>() + 3),
    };
    let usize_bytes = size_of::<usize>();
    let stats =
        size_of::<crate::nn::LayerStats>() * layers + size_of::<crate::nn::BlockFlow>() * blocks;
    let histogram = 4 * HISTOGRAM_BINS;
    let skips = blocks;
    let grid = if inputs == 2 {
        size_of::<DecisionGrid>()
            + (usize_bytes + 4) * GRID_RESOLUTION * GRID_RESOLUTION
            + (2 * 4 + usize_bytes) * GRID_POINTS
            + names
    } else {
        0
    };
    let view = size_of::<TestView>()
        + 8 * classes * classes
        + (inputs * 4 + 2 * usize_bytes) * VIEW_SAMPLES
        + 4 * crate::nn::test_view::MAX_WEIGHT_UNITS * inputs
        + names;
    size_of::<Moment>() + size_of::<RunMoment>() + stats + histogram + skips + grid + view
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::LayerStats;

    fn update(step: u64, layers: usize) -> RunUpdate {
        let mut run = RunUpdate::empty(None);
        run.latest = Some(StepStats {
            step,
            loss: step as f64,
            layers: vec![LayerStats::default(); layers],
            ..StepStats::default()
        });
        run
    }

    #[test]
    fn a_long_run_keeps_at_most_its_slots_and_every_recent_stop() {
        let mut replay = Replay::new(8, 4);
        for step in 0..1000 {
            replay.record(&[update(step, 3)], 0, step % 100 == 50);
        }
        let ordinary = replay.moments().iter().filter(|m| !m.event).count();
        assert!(ordinary <= 8, "{ordinary}");
        assert!(replay.stops().len() <= 4, "{:?}", replay.stops());
        // The newest stop is kept, and the moments still span the run.
        assert_eq!(replay.stops().last(), Some(&950));
        let (first, last) = replay.range().unwrap();
        assert!(first < 200, "{first}");
        assert!(last >= 999 - replay.stride(), "{last}");
        assert!(replay.stride() >= 64, "{}", replay.stride());
        // Ordinary moments are at least a stride apart (after the first).
        let steps: Vec<u64> = replay
            .moments()
            .iter()
            .filter(|m| !m.event)
            .map(|m| m.step)
            .collect();
        assert!(steps.windows(2).all(|w| w[1] > w[0]), "{steps:?}");
    }

    #[test]
    fn the_moment_at_a_step_is_the_last_one_at_or_before_it() {
        let mut replay = Replay::new(64, 8);
        for step in [3, 5, 9] {
            replay.record(&[update(step, 2)], 0, false);
        }
        assert_eq!(replay.at(4).unwrap().step, 3);
        assert_eq!(replay.at(5).unwrap().step, 5);
        assert_eq!(replay.at(100).unwrap().step, 9);
        assert_eq!(replay.at(2), None);
        assert_eq!(replay.after(4).unwrap().step, 5);
        assert_eq!(Replay::default().at(3), None);
    }

    #[test]
    fn an_event_at_the_same_step_makes_the_last_moment_a_stop() {
        let mut replay = Replay::new(64, 8);
        replay.record(&[update(7, 2)], 0, false);
        let mut toggled = update(7, 2);
        toggled.skips = vec![true];
        replay.record(&[toggled], 0, true);
        assert_eq!(replay.moments().len(), 1);
        assert!(replay.moments()[0].event);
        assert_eq!(replay.moments()[0].runs[0].skips, vec![true]);
        assert_eq!(replay.stops(), vec![7]);
    }

    #[test]
    fn nothing_is_recorded_before_the_first_step() {
        let mut replay = Replay::default();
        replay.record(&[RunUpdate::empty(None)], 0, true);
        assert!(replay.is_empty());
        assert_eq!(replay.range(), None);
    }
}
