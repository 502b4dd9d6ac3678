//! What a run measured, step by step, in bounded memory.
//!
//! Every step's loss and per-layer gradient norms and update ratios go in. The history keeps at
//! most `capacity` buckets; when it is full, neighbouring buckets merge and
//! each bucket then covers twice as many steps. A bucket keeps the mean, the
//! minimum and the maximum of what it covers, so a spike stays visible
//! however long the run.

use serde::{Deserialize, Serialize};

use crate::nn::{NonFinite, SkipStyle, StepStats};

/// Mean, minimum and maximum of the finite values seen, and how many were
/// not finite.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Agg {
    pub sum: f64,
    pub min: f32,
    pub max: f32,
    pub finite: u32,
    pub nonfinite: u32,
}

impl Default for Agg {
    fn default() -> Self {
        Agg {
            sum: 0.0,
            min: f32::INFINITY,
            max: f32::NEG_INFINITY,
            finite: 0,
            nonfinite: 0,
        }
    }
}

impl Agg {
    pub fn of(value: f32) -> Agg {
        let mut agg = Agg::default();
        agg.add(value);
        agg
    }

    pub fn add(&mut self, value: f32) {
        if value.is_finite() {
            self.sum += f64::from(value);
            self.min = self.min.min(value);
            self.max = self.max.max(value);
            self.finite += 1;
        } else {
            self.nonfinite += 1;
        }
    }

    pub fn merge(&mut self, other: &Agg) {
        self.sum += other.sum;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        self.finite += other.finite;
        self.nonfinite += other.nonfinite;
    }

    /// Mean of the finite values; NaN when there were none.
    pub fn mean(&self) -> f64 {
        if self.finite == 0 {
            f64::NAN
        } else {
            self.sum / f64::from(self.finite)
        }
    }
}

/// The steps `first..=last` of a run, summarised.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    pub first_step: u64,
    pub last_step: u64,
    /// Training loss of the mini-batches.
    pub loss: Agg,
    /// ||dL/dW|| of every weight layer, input side first.
    pub grad_norms: Vec<Agg>,
    /// ||update|| / ||W|| of every weight layer (empty in sessions saved
    /// before it was kept).
    #[serde(default)]
    pub update_ratios: Vec<Agg>,
}

impl Bucket {
    pub fn steps(&self) -> u64 {
        self.last_step - self.first_step + 1
    }

    fn of(stats: &StepStats) -> Bucket {
        Bucket {
            first_step: stats.step,
            last_step: stats.step,
            loss: Agg::of(stats.loss as f32),
            grad_norms: stats
                .layers
                .iter()
                .map(|l| Agg::of(l.grad_weight_norm))
                .collect(),
            update_ratios: stats
                .layers
                .iter()
                .map(|l| Agg::of(l.update_ratio))
                .collect(),
        }
    }

    /// Absorbs the bucket that follows this one.
    fn merge(&mut self, next: &Bucket) {
        self.last_step = next.last_step;
        self.loss.merge(&next.loss);
        for (a, b) in self.grad_norms.iter_mut().zip(&next.grad_norms) {
            a.merge(b);
        }
        for (a, b) in self.update_ratios.iter_mut().zip(&next.update_ratios) {
            a.merge(b);
        }
    }
}

/// A loss and accuracy measured on a whole split.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvalPoint {
    pub step: u64,
    pub train_loss: f64,
    pub test_loss: f64,
    pub test_accuracy: f64,
}

/// Something that changed the run between two steps, for plots to mark.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum EventKind {
    /// One block's skip (`Some(block)`) or all of them (`None`) on or off.
    Skip {
        block: Option<usize>,
        on: bool,
    },
    SkipStyle(SkipStyle),
    /// Block's second layer set to zero.
    ZeroBranch(usize),
    LearningRate(f32),
    Optimizer(String),
    Clip(Option<f32>),
    /// The first NaN or Inf.
    Diverged(NonFinite),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The first step taken with the change in effect.
    pub step: u64,
    pub kind: EventKind,
}

/// Default bucket capacity: enough for a smooth curve across a projector.
pub const DEFAULT_CAPACITY: usize = 2048;
/// Evaluation points and events kept; the older half is thinned beyond that.
const SPARSE_CAPACITY: usize = 2048;

/// The bounded record of one run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct History {
    capacity: usize,
    /// Steps per bucket (a power of two).
    stride: u64,
    buckets: Vec<Bucket>,
    evals: Vec<EvalPoint>,
    events: Vec<Event>,
    /// Steps recorded.
    steps: u64,
}

impl Default for History {
    fn default() -> Self {
        History::new(DEFAULT_CAPACITY)
    }
}

impl History {
    /// `capacity` is rounded up to an even number of at least 2.
    pub fn new(capacity: usize) -> History {
        History {
            capacity: capacity.max(2).next_multiple_of(2),
            stride: 1,
            buckets: Vec::new(),
            evals: Vec::new(),
            events: Vec::new(),
            steps: 0,
        }
    }

    pub fn buckets(&self) -> &[Bucket] {
        &self.buckets
    }

    pub fn evals(&self) -> &[EvalPoint] {
        &self.evals
    }

    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Steps recorded so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Steps each bucket covers now.
    pub fn stride(&self) -> u64 {
        self.stride
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    pub fn is_empty(&self) -> bool {
        self.buckets.is_empty()
    }

    /// Records one step.
    pub fn push(&mut self, stats: &StepStats) {
        self.push_bucket(Bucket::of(stats));
    }

    /// Records a bucket of consecutive steps (from another history).
    pub fn push_bucket(&mut self, bucket: Bucket) {
        self.steps += bucket.steps();
        while bucket.steps() > self.stride {
            self.halve();
        }
        if self.merge_into_last(&bucket) {
            return;
        }
        if self.buckets.len() == self.capacity {
            self.halve();
            if self.merge_into_last(&bucket) {
                return;
            }
        }
        self.buckets.push(bucket);
    }

    /// Folds `bucket` into the last one if it follows it and both fit in
    /// one stride.
    fn merge_into_last(&mut self, bucket: &Bucket) -> bool {
        match self.buckets.last_mut() {
            Some(last)
                if last.steps() + bucket.steps() <= self.stride
                    && last.last_step + 1 == bucket.first_step =>
            {
                last.merge(bucket);
                true
            }
            _ => false,
        }
    }

    /// Merges neighbouring buckets pairwise: half the buckets, twice the stride.
    fn halve(&mut self) {
        self.stride *= 2;
        let mut merged: Vec<Bucket> = Vec::with_capacity(self.capacity);
        for bucket in self.buckets.drain(..) {
            match merged.last_mut() {
                Some(last) if last.steps() + bucket.steps() <= self.stride => last.merge(&bucket),
                _ => merged.push(bucket),
            }
        }
        self.buckets = merged;
    }

    pub fn push_eval(&mut self, point: EvalPoint) {
        thin_if_full(&mut self.evals);
        self.evals.push(point);
    }

    pub fn push_event(&mut self, event: Event) {
        thin_if_full(&mut self.events);
        self.events.push(event);
    }

    /// Appends everything another history recorded after this one.
    pub fn append(&mut self, other: History) {
        for bucket in other.buckets {
            self.push_bucket(bucket);
        }
        for point in other.evals {
            self.push_eval(point);
        }
        for event in other.events {
            self.push_event(event);
        }
    }

    /// Takes everything recorded, leaving an empty history of the same capacity.
    pub fn take(&mut self) -> History {
        std::mem::replace(self, History::new(self.capacity))
    }
}

/// Drops every other element of the older half when the list is full.
fn thin_if_full<T>(items: &mut Vec<T>) {
    if items.len() >= SPARSE_CAPACITY {
        let half = items.len() / 2;
        let mut index = 0;
        items.retain(|_| {
            let keep = index >= half || index % 2 == 0;
            index += 1;
            keep
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::LayerStats;

    fn stats(step: u64, loss: f64) -> StepStats {
        StepStats {
            step,
            loss,
            layers: vec![
                LayerStats {
                    grad_weight_norm: step as f32,
                    ..LayerStats::default()
                };
                3
            ],
            ..StepStats::default()
        }
    }

    fn check_invariants(h: &History) {
        assert!(h.buckets().len() <= h.capacity());
        let covered: u64 = h.buckets().iter().map(Bucket::steps).sum();
        assert_eq!(covered, h.steps());
        for pair in h.buckets().windows(2) {
            assert_eq!(pair[0].last_step + 1, pair[1].first_step, "contiguous");
        }
        for b in h.buckets() {
            assert!(b.steps() <= h.stride());
            assert_eq!(u64::from(b.loss.finite + b.loss.nonfinite), b.steps());
            if b.loss.finite > 0 {
                assert!(
                    f64::from(b.loss.min) <= b.loss.mean() + 1e-9
                        && b.loss.mean() <= f64::from(b.loss.max) + 1e-9
                );
            }
        }
    }

    #[test]
    fn a_million_steps_stay_bounded_and_keep_the_spike() {
        let mut h = History::new(256);
        for step in 0..1_000_000u64 {
            let loss = if step == 777_777 {
                1e6
            } else {
                1.0 / (1.0 + step as f64)
            };
            h.push(&stats(step, loss));
            if step % 99_991 == 0 {
                check_invariants(&h);
            }
        }
        check_invariants(&h);
        assert!(
            h.buckets().len() > 128,
            "at least half full: {}",
            h.buckets().len()
        );
        let spike = h
            .buckets()
            .iter()
            .find(|b| (b.first_step..=b.last_step).contains(&777_777))
            .unwrap();
        assert_eq!(spike.loss.max, 1e6);
        assert_eq!(h.buckets()[0].loss.max, 1.0);
        let last = h.buckets().last().unwrap();
        assert_eq!(last.last_step, 999_999);
        assert_eq!(last.grad_norms[2].max, 999_999.0);
    }

    #[test]
    fn appending_histories_equals_pushing_directly() {
        let mut direct = History::new(64);
        let mut combined = History::new(64);
        let mut chunk = History::new(16);
        for step in 0..5_000u64 {
            let s = stats(step, (step % 17) as f64);
            direct.push(&s);
            chunk.push(&s);
            if step % 37 == 0 {
                combined.append(chunk.take());
            }
        }
        combined.append(chunk.take());
        check_invariants(&combined);
        assert_eq!(combined.steps(), direct.steps());
        let total = |h: &History| h.buckets().iter().map(|b| b.loss.sum).sum::<f64>();
        assert_eq!(total(&combined), total(&direct));
        let max = |h: &History| {
            h.buckets()
                .iter()
                .map(|b| b.loss.max)
                .fold(0.0f32, f32::max)
        };
        assert_eq!(max(&combined), max(&direct));
    }

    #[test]
    fn nonfinite_values_are_counted_not_averaged() {
        let mut agg = Agg::default();
        agg.add(1.0);
        agg.add(f32::NAN);
        agg.add(3.0);
        agg.add(f32::INFINITY);
        assert_eq!(
            (agg.mean(), agg.min, agg.max, agg.nonfinite),
            (2.0, 1.0, 3.0, 2)
        );
        assert!(Agg::default().mean().is_nan());
    }

    #[test]
    fn sparse_lists_are_thinned_not_dropped_at_the_end() {
        let mut h = History::new(8);
        for step in 0..10_000u64 {
            h.push_eval(EvalPoint {
                step,
                train_loss: 0.0,
                test_loss: 0.0,
                test_accuracy: 0.0,
            });
        }
        assert!(h.evals().len() <= SPARSE_CAPACITY);
        assert_eq!(h.evals().last().unwrap().step, 9_999);
        assert_eq!(h.evals()[0].step, 0);
    }
}
