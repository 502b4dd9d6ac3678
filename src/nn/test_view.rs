//! What the network makes of the test split, for the views that fit real
//! data: the confusion matrix (counts, true class by predicted class), the
//! first test points with the class predicted for each, and, for images,
//! the first layer's weights (each unit's row is a picture of what it
//! looks for). Computed a few times a second, outside the step loop; the
//! test split goes through the network in chunks (`memory::chunk_rows`),
//! so the workspace is bounded whatever the split's size.

use ndarray::{Array2, ArrayView2, s};

use super::data::Split;
use super::memory;
use super::mlp::{Mlp, Workspace};
use super::run::Run;

/// Most first-layer units whose weights a `TestView` carries.
pub const MAX_WEIGHT_UNITS: usize = 32;

/// The network's verdict on the test split at one step.
#[derive(Clone, Debug, PartialEq)]
pub struct TestView {
    /// Steps the network had taken.
    pub step: u64,
    pub classes: usize,
    /// One name per class.
    pub class_names: Vec<String>,
    /// Row-major [true class][predicted class]: how many test points of
    /// each true class the network put in each class. Sums to the test
    /// split's size.
    pub confusion: Vec<u64>,
    /// The first test points (the split is shuffled: a random sample).
    pub samples: Split,
    /// The class predicted for each of `samples`.
    pub predicted: Vec<usize>,
    /// Rows and columns of the image each point is, if it is one.
    pub image: Option<[usize; 2]>,
    /// For images: the first layer's weights of its first units, [units,
    /// inputs] (rows of `mlp.layers[0].weight`).
    pub first_layer: Option<Array2<f32>>,
}

impl TestView {
    /// The count of test points of class `truth` predicted as `predicted`.
    pub fn count(&self, truth: usize, predicted: usize) -> u64 {
        self.confusion[truth * self.classes + predicted]
    }

    /// Test points in all.
    pub fn total(&self) -> u64 {
        self.confusion.iter().sum()
    }

    /// Share of the test points classified right (NaN with none).
    pub fn accuracy(&self) -> f64 {
        let right: u64 = (0..self.classes).map(|k| self.count(k, k)).sum();
        right as f64 / self.total() as f64
    }
}

impl Run {
    /// The confusion matrix of the test split, the predictions for its
    /// first `samples` points, and for images the first layer's weights
    /// (allocates; a few times a second at most).
    pub fn test_view(&self, samples: usize) -> TestView {
        let test = &self.data.test;
        let classes = self.data.classes;
        let chunk = memory::chunk_rows(&self.mlp.shape());
        let predicted_all = predicted_classes(&self.mlp, test.x.view(), chunk);
        let mut confusion = vec![0u64; classes * classes];
        for (&truth, &predicted) in test.y.iter().zip(&predicted_all) {
            if truth < classes && predicted < classes {
                confusion[truth * classes + predicted] += 1;
            }
        }
        let n = samples.min(test.len());
        let first_layer = self.data.image.map(|_| {
            let weight = &self.mlp.layers[0].weight;
            let units = weight.nrows().min(MAX_WEIGHT_UNITS);
            weight.slice(s![..units, ..]).to_owned()
        });
        TestView {
            step: self.steps_done(),
            classes,
            class_names: self.data.class_names.clone(),
            confusion,
            samples: Split {
                x: test.x.slice(s![..n, ..]).to_owned(),
                y: test.y[..n].to_vec(),
            },
            predicted: predicted_all[..n].to_vec(),
            image: self.data.image,
            first_layer,
        }
    }
}

/// The class with the largest output for each row of `x`, computed
/// `chunk` rows at a time through one workspace (ties and NaN: the
/// first class).
pub fn predicted_classes(mlp: &Mlp, x: ArrayView2<'_, f32>, chunk: usize) -> Vec<usize> {
    let rows = x.nrows();
    let chunk = chunk.clamp(1, rows.max(1));
    let shape = mlp.shape();
    let mut ws = Workspace::new(&shape, chunk);
    let mut classes = Vec::with_capacity(rows);
    for start in (0..rows).step_by(chunk) {
        let end = (start + chunk).min(rows);
        if end - start != ws.batch {
            ws = Workspace::new(&shape, end - start);
        }
        mlp.forward(x.slice(s![start..end, ..]), &mut ws);
        classes.extend(ws.output.rows().into_iter().map(|row| {
            let mut best = 0;
            for (i, &v) in row.iter().enumerate() {
                if v > row[best] {
                    best = i;
                }
            }
            best
        }));
    }
    classes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::{Config, Dataset, predict_in_chunks};

    #[test]
    fn the_confusion_matrix_counts_every_test_point_once() {
        let config = Config {
            dataset: Dataset::Digits,
            depth: 1,
            width: 16,
            ..Config::default()
        };
        let mut run = Run::new(config).unwrap();
        for _ in 0..20 {
            run.step();
        }
        let view = run.test_view(24);
        assert_eq!(view.total() as usize, run.data.test.len());
        // An independent count from the full outputs.
        let output = predict_in_chunks(&run.mlp, run.data.test.x.view(), 1000);
        let mut counts = vec![0u64; view.classes * view.classes];
        for (row, &truth) in output.rows().into_iter().zip(&run.data.test.y) {
            let best = (0..row.len()).fold(0, |best, i| if row[i] > row[best] { i } else { best });
            counts[truth * view.classes + best] += 1;
        }
        assert_eq!(view.confusion, counts);
        assert_eq!(view.predicted.len(), 24);
        let weights = view.first_layer.as_ref().unwrap();
        assert_eq!(weights.dim(), (16, 64));
        assert_eq!(weights.row(3), run.mlp.layers[0].weight.row(3));
        // Chunks of 7 rows give the same classes as one pass.
        assert_eq!(
            predicted_classes(&run.mlp, run.data.test.x.view(), 7),
            predicted_classes(&run.mlp, run.data.test.x.view(), 10_000)
        );
    }
}
