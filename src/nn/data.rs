//! The data sets: seeded two-dimensional toys, and real tables (the
//! digits, a teacher's CSV; `table`) split the same seeded way; and
//! mini-batches. Same seed and configuration: the same points in the same
//! order, bit for bit.

use ndarray::Array2;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

use std::f32::consts::PI;

use super::table::Table;

/// The data sets. The toys have two input features and balanced classes;
/// `digits` and `csv` are tables of real data.
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
    /// Handwritten digits: 1797 images of 8×8 pixels, ten classes.
    Digits,
    /// The teacher's own table, opened from a CSV file.
    Csv,
}

impl Dataset {
    pub const ALL: [Dataset; 7] = [
        Dataset::Spiral,
        Dataset::Circles,
        Dataset::Xor,
        Dataset::Moons,
        Dataset::Gaussians,
        Dataset::Digits,
        Dataset::Csv,
    ];

    /// The two-dimensional toys, generated from a seed.
    pub const TOYS: [Dataset; 5] = [
        Dataset::Spiral,
        Dataset::Circles,
        Dataset::Xor,
        Dataset::Moons,
        Dataset::Gaussians,
    ];

    /// Whether the points come from a table rather than a generator.
    pub fn is_table(self) -> bool {
        matches!(self, Dataset::Digits | Dataset::Csv)
    }

    pub fn name(self) -> &'static str {
        match self {
            Dataset::Spiral => "spiral",
            Dataset::Circles => "circles",
            Dataset::Xor => "xor",
            Dataset::Moons => "moons",
            Dataset::Gaussians => "gaussians",
            Dataset::Digits => "digits",
            Dataset::Csv => "csv",
        }
    }

    /// Number of classes of a generated set, given the configuration's
    /// `classes` (a table's are its own).
    pub fn classes(self, requested: usize) -> usize {
        match self {
            Dataset::Spiral | Dataset::Gaussians => requested,
            Dataset::Circles | Dataset::Xor | Dataset::Moons => 2,
            Dataset::Digits => 10,
            Dataset::Csv => requested,
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
            // Tables never come here (`Config::data` splits them); they
            // share the blobs' arm to keep the match total.
            Dataset::Gaussians | Dataset::Digits | Dataset::Csv => {
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
    /// [n, inputs] features.
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

/// A data set, already split.
#[derive(Clone, Debug, PartialEq)]
pub struct Data {
    pub dataset: Dataset,
    pub classes: usize,
    /// One name per class ("0", "1", ... for the toys and the digits).
    pub class_names: Vec<String>,
    /// Rows and columns of the image each point is, if it is one.
    pub image: Option<[usize; 2]>,
    pub train: Split,
    pub test: Split,
    /// How a table's features were rescaled before the network saw them
    /// (None: as read). Saved with a model, so rows given to it later
    /// (`grads`, `landscape --data`) get the same rescaling.
    pub standardisation: Option<Standardisation>,
}

/// Each feature's mean and deviation over a training split: the network
/// sees (x - mean) / deviation. A constant column has deviation 1.
#[derive(Clone, Debug, PartialEq)]
pub struct Standardisation {
    pub mean: Vec<f64>,
    pub deviation: Vec<f64>,
}

impl Standardisation {
    /// The training split's statistics, per column, in f64 (a column of
    /// large values keeps its digits).
    pub fn fit(x: &Array2<f32>) -> Standardisation {
        let (mut mean, mut deviation) = (Vec::new(), Vec::new());
        for column in x.columns() {
            let n = column.len().max(1) as f64;
            let m = column.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
            let variance = column
                .iter()
                .map(|&v| (f64::from(v) - m).powi(2))
                .sum::<f64>()
                / n;
            mean.push(m);
            deviation.push(if variance > 0.0 { variance.sqrt() } else { 1.0 });
        }
        Standardisation { mean, deviation }
    }

    /// Rescales the columns of `x` in place. `x` must have one column per
    /// feature the statistics were fitted on.
    pub fn apply(&self, x: &mut Array2<f32>) {
        for ((mut column, &mean), &deviation) in x
            .columns_mut()
            .into_iter()
            .zip(&self.mean)
            .zip(&self.deviation)
        {
            column.mapv_inplace(|v| ((f64::from(v) - mean) / deviation) as f32);
        }
    }

    /// Features the statistics cover.
    pub fn features(&self) -> usize {
        self.mean.len()
    }
}

impl Data {
    /// Input features per point.
    pub fn inputs(&self) -> usize {
        self.train.x.ncols()
    }

    /// A table's rows, shuffled by `seed`, the last `test_samples` held
    /// out; a table that asks for it is standardised with the training
    /// split's mean and deviation (a constant column is only centred).
    pub fn from_table(dataset: Dataset, table: &Table, test_samples: usize, seed: u64) -> Data {
        let mut order: Vec<usize> = (0..table.rows()).collect();
        order.shuffle(&mut StdRng::seed_from_u64(seed));
        let test_samples = test_samples.min(table.rows().saturating_sub(1));
        let (train, test) = order.split_at(table.rows() - test_samples);
        let split = |rows: &[usize]| Split {
            x: Array2::from_shape_fn((rows.len(), table.inputs), |(i, j)| table.row(rows[i])[j]),
            y: rows.iter().map(|&r| table.labels[r]).collect(),
        };
        let (mut train, mut test) = (split(train), split(test));
        let standardisation = table.standardise.then(|| {
            let fitted = Standardisation::fit(&train.x);
            fitted.apply(&mut train.x);
            fitted.apply(&mut test.x);
            fitted
        });
        Data {
            dataset,
            classes: table.classes(),
            class_names: table.class_names.clone(),
            image: table.image,
            train,
            test,
            standardisation,
        }
    }

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
            class_names: (0..classes).map(|c| c.to_string()).collect(),
            image: None,
            train: to_split(train),
            test: to_split(test),
            standardisation: None,
        }
    }
}

fn to_split(points: &[([f32; 2], usize)]) -> Split {
    let x = Array2::from_shape_fn((points.len(), 2), |(i, j)| points[i].0[j]);
    let y = points.iter().map(|p| p.1).collect();
    Split { x, y }
}

/// Draws mini-batches: a fresh seeded permutation every epoch, and the
/// whole training set in a fixed order when the batch covers it. Each
/// epoch's permutation comes from the seed and the epoch's number alone,
/// so the batcher of a run reopened at step N jumps straight to the
/// batches the saved run would have drawn next (`skip`).
#[derive(Debug)]
pub struct Batcher {
    order: Vec<usize>,
    cursor: usize,
    batch: usize,
    seed: u64,
    /// The epoch `order` belongs to.
    epoch: u64,
}

impl Batcher {
    pub fn new(train_len: usize, batch: usize, seed: u64) -> Batcher {
        let mut batcher = Batcher {
            order: (0..train_len).collect(),
            cursor: 0,
            batch: batch.clamp(1, train_len.max(1)),
            seed,
            epoch: 0,
        };
        batcher.start_epoch(0);
        batcher
    }

    /// The size of every batch this batcher hands out.
    pub fn batch_size(&self) -> usize {
        self.batch
    }

    /// Copies the next batch into `x` ([batch, inputs]) and `y` (no allocation).
    pub fn next_batch(&mut self, split: &Split, x: &mut Array2<f32>, y: &mut Vec<usize>) {
        self.peek_batch(split, x, y);
        self.cursor += self.batch;
        // The next epoch starts right after a batch rather than before the
        // next, so `peek_batch` sees the next batch without drawing.
        if self.cursor + self.batch > self.order.len() {
            self.start_epoch(self.epoch + 1);
        }
    }

    /// Moves on as if `batches` more batches had been drawn.
    pub fn skip(&mut self, batches: u64) {
        let per_epoch = self.batches_per_epoch();
        let done = (self.epoch.saturating_mul(per_epoch) + (self.cursor / self.batch) as u64)
            .saturating_add(batches);
        self.start_epoch(done / per_epoch);
        self.cursor = (done % per_epoch) as usize * self.batch;
    }

    /// Whole batches an epoch hands out (the rest of a permutation is
    /// left for the next epoch's reshuffle).
    fn batches_per_epoch(&self) -> u64 {
        (self.order.len() / self.batch).max(1) as u64
    }

    /// The permutation of `epoch`, from a generator seeded by the seed and
    /// the epoch's number; a batch that covers the set keeps its order.
    fn start_epoch(&mut self, epoch: u64) {
        self.epoch = epoch;
        self.cursor = 0;
        if self.batch >= self.order.len() {
            return;
        }
        self.order.iter_mut().enumerate().for_each(|(i, v)| *v = i);
        let mixed = self.seed ^ epoch.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.order.shuffle(&mut StdRng::seed_from_u64(mixed));
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
        for dataset in Dataset::TOYS {
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

    /// The rows of the next `n` batches, as bits.
    fn draw(batcher: &mut Batcher, split: &Split, n: usize) -> Vec<Vec<u32>> {
        let mut x = Array2::zeros((batcher.batch_size(), 2));
        let mut y = Vec::new();
        (0..n)
            .map(|_| {
                batcher.next_batch(split, &mut x, &mut y);
                x.iter().map(|v| v.to_bits()).collect()
            })
            .collect()
    }

    #[test]
    fn skipping_batches_lands_where_drawing_them_does() {
        let data = Data::generate(Dataset::Spiral, 3, 60, 0, 0.1, 1);
        // Several batches an epoch, one with a remainder, one, the whole set.
        for batch in [7, 20, 40, 60, 100] {
            for (drawn, skipped) in [(0, 1), (0, 9), (3, 5), (1, 30)] {
                let mut walked = Batcher::new(60, batch, 4);
                draw(&mut walked, &data.train, drawn + skipped);
                let mut jumped = Batcher::new(60, batch, 4);
                draw(&mut jumped, &data.train, drawn);
                jumped.skip(skipped as u64);
                assert_eq!(
                    draw(&mut walked, &data.train, 12),
                    draw(&mut jumped, &data.train, 12),
                    "batch {batch}, {drawn} drawn then {skipped} skipped"
                );
            }
        }
    }

    #[test]
    fn each_epoch_has_its_own_order() {
        let data = Data::generate(Dataset::Spiral, 3, 60, 0, 0.1, 1);
        let mut batcher = Batcher::new(60, 30, 4);
        let epochs = draw(&mut batcher, &data.train, 6);
        assert_ne!(epochs[0..2], epochs[2..4]);
        assert_ne!(epochs[2..4], epochs[4..6]);
        // A huge skip costs one shuffle, not one per epoch.
        batcher.skip(1 << 40);
        assert_eq!(draw(&mut batcher, &data.train, 1).len(), 1);
    }
}
