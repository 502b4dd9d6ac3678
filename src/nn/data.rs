//! Seeded two-dimensional toy data sets, train/test split and mini-batches.
//! Same seed and configuration: the same points in the same order, bit for bit.

use ndarray::Array2;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

use std::f32::consts::PI;

/// The data sets. All have two input features and balanced classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Dataset {
    /// k interleaved spiral arms (CS231n's spiral), k = `classes`.
    Spiral,
    /// Two concentric rings, radii 0.5 and 1.
    Circles,
    /// Four quadrants of the unit square; the label is sign(x) xor sign(y).
    Xor,
    /// Two interleaved half circles.
    Moons,
    /// k Gaussian blobs evenly spaced on the unit circle, k = `classes`.
    Gaussians,
}

impl Dataset {
    pub const ALL: [Dataset; 5] = [
        Dataset::Spiral,
        Dataset::Circles,
        Dataset::Xor,
        Dataset::Moons,
        Dataset::Gaussians,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Dataset::Spiral => "spiral",
            Dataset::Circles => "circles",
            Dataset::Xor => "xor",
            Dataset::Moons => "moons",
            Dataset::Gaussians => "gaussians",
        }
    }

    /// Number of classes, given the configuration's `classes`.
    pub fn classes(self, requested: usize) -> usize {
        match self {
            Dataset::Spiral | Dataset::Gaussians => requested,
            Dataset::Circles | Dataset::Xor | Dataset::Moons => 2,
        }
    }

    /// One point of class `class`; `t` in [0, 1) places it along the class's
    /// shape and `rng` adds the noise.
    fn point(self, class: usize, classes: usize, t: f32, noise: f32, rng: &mut StdRng) -> [f32; 2] {
        match self {
            Dataset::Spiral => {
                let angle = 4.0 * (class as f32 + t) + 2.0 * noise * gauss(rng);
                [t * angle.sin(), t * angle.cos()]
            }
            Dataset::Circles => {
                let radius = if class == 0 { 1.0 } else { 0.5 };
                let angle = 2.0 * PI * t;
                [
                    radius * angle.cos() + noise * gauss(rng),
                    radius * angle.sin() + noise * gauss(rng),
                ]
            }
            Dataset::Xor => {
                // t picks the point; the class picks the pair of quadrants.
                let (u, v) = (
                    rng.random_range(0.05f32..1.0),
                    rng.random_range(0.05f32..1.0),
                );
                let flip = if t < 0.5 { 1.0 } else { -1.0 };
                let (x, y) = if class == 0 { (u, v) } else { (u, -v) };
                [flip * x + noise * gauss(rng), flip * y + noise * gauss(rng)]
            }
            Dataset::Moons => {
                let angle = PI * t;
                let (x, y) = if class == 0 {
                    (angle.cos(), angle.sin())
                } else {
                    (1.0 - angle.cos(), 0.5 - angle.sin())
                };
                [x - 0.5 + noise * gauss(rng), y - 0.25 + noise * gauss(rng)]
            }
            Dataset::Gaussians => {
                let angle = 2.0 * PI * class as f32 / classes as f32;
                let spread = 0.15 + noise;
                [
                    angle.cos() + spread * gauss(rng),
                    angle.sin() + spread * gauss(rng),
                ]
            }
        }
    }
}

fn gauss(rng: &mut StdRng) -> f32 {
    StandardNormal.sample(rng)
}

impl std::fmt::Display for Dataset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Points and labels of one split.
#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    /// [n, 2] features.
    pub x: Array2<f32>,
    /// Class index of each point.
    pub y: Vec<usize>,
}

impl Split {
    pub fn len(&self) -> usize {
        self.y.len()
    }

    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }
}

/// A generated data set, already split.
#[derive(Clone, Debug, PartialEq)]
pub struct Data {
    pub dataset: Dataset,
    pub classes: usize,
    pub train: Split,
    pub test: Split,
}

impl Data {
    /// `samples` points, balanced over the classes, shuffled, the last
    /// `test_samples` of them held out.
    pub fn generate(
        dataset: Dataset,
        classes: usize,
        samples: usize,
        test_samples: usize,
        noise: f32,
        seed: u64,
    ) -> Data {
        let classes = dataset.classes(classes);
        let mut rng = StdRng::seed_from_u64(seed);
        let per_class = samples.div_ceil(classes);
        let mut points: Vec<([f32; 2], usize)> = (0..samples)
            .map(|i| {
                let class = i % classes;
                let t = (i / classes) as f32 / per_class as f32;
                (dataset.point(class, classes, t, noise, &mut rng), class)
            })
            .collect();
        points.shuffle(&mut rng);
        let test_samples = test_samples.min(samples.saturating_sub(1));
        let (train, test) = points.split_at(samples - test_samples);
        Data {
            dataset,
            classes,
            train: to_split(train),
            test: to_split(test),
        }
    }
}

fn to_split(points: &[([f32; 2], usize)]) -> Split {
    let x = Array2::from_shape_fn((points.len(), 2), |(i, j)| points[i].0[j]);
    let y = points.iter().map(|p| p.1).collect();
    Split { x, y }
}

/// Draws mini-batches: a fresh seeded permutation every epoch, and the
/// whole training set in a fixed order when the batch covers it.
#[derive(Debug)]
pub struct Batcher {
    order: Vec<usize>,
    cursor: usize,
    batch: usize,
    rng: StdRng,
}

impl Batcher {
    pub fn new(train_len: usize, batch: usize, seed: u64) -> Batcher {
        let mut batcher = Batcher {
            order: (0..train_len).collect(),
            // Start past the end so the first batch shuffles.
            cursor: train_len,
            batch: batch.clamp(1, train_len.max(1)),
            rng: StdRng::seed_from_u64(seed),
        };
        batcher.ready_next();
        batcher
    }

    /// The size of every batch this batcher hands out.
    pub fn batch_size(&self) -> usize {
        self.batch
    }

    /// Copies the next batch into `x` ([batch, 2]) and `y` (no allocation).
    pub fn next_batch(&mut self, split: &Split, x: &mut Array2<f32>, y: &mut Vec<usize>) {
        self.peek_batch(split, x, y);
        self.cursor += self.batch;
        self.ready_next();
    }

    /// Starts a new epoch (a new permutation) when the next batch would run
    /// past the end. Done right after a batch rather than before the next,
    /// so `peek_batch` sees the next batch without drawing: the sequence
    /// of permutations is the same either way.
    fn ready_next(&mut self) {
        if self.batch >= self.order.len() {
            self.cursor = 0;
        } else if self.cursor + self.batch > self.order.len() {
            self.order.shuffle(&mut self.rng);
            self.cursor = 0;
        }
    }

    /// Copies the batch `next_batch` will hand out, leaving the order as it is.
    pub fn peek_batch(&self, split: &Split, x: &mut Array2<f32>, y: &mut Vec<usize>) {
        y.clear();
        for (row, &index) in self.order[self.cursor..self.cursor + self.batch]
            .iter()
            .enumerate()
        {
            x.row_mut(row).assign(&split.x.row(index));
            y.push(split.y[index]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_points_other_seed_other_points() {
        for dataset in Dataset::ALL {
            let a = Data::generate(dataset, 3, 120, 20, 0.1, 5);
            let b = Data::generate(dataset, 3, 120, 20, 0.1, 5);
            let c = Data::generate(dataset, 3, 120, 20, 0.1, 6);
            assert_eq!(a, b, "{dataset}");
            assert_ne!(a.train.x, c.train.x, "{dataset}");
            assert_eq!((a.train.len(), a.test.len()), (100, 20));
            assert!(a.train.x.iter().all(|v| v.is_finite() && v.abs() < 5.0));
            let mut counts = vec![0; a.classes];
            for &y in a.train.y.iter().chain(&a.test.y) {
                counts[y] += 1;
            }
            assert!(
                counts.iter().all(|&c| c == 120 / a.classes),
                "{dataset}: {counts:?}"
            );
        }
    }

    #[test]
    fn batches_cover_the_epoch_without_repeats() {
        let data = Data::generate(Dataset::Spiral, 3, 60, 0, 0.0, 1);
        let mut batcher = Batcher::new(60, 20, 9);
        let mut x = Array2::zeros((20, 2));
        let mut y = Vec::new();
        let mut seen = Vec::new();
        for _ in 0..3 {
            batcher.next_batch(&data.train, &mut x, &mut y);
            for row in x.rows() {
                seen.push((row[0].to_bits(), row[1].to_bits()));
            }
        }
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 60);
    }
}
