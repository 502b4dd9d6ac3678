//! The figures of what the network makes of real data, built from a
//! `TestView`: the confusion matrix of the test split (any data), a grid
//! of test images captioned with the predicted class, wrong ones framed
//! (images only), and the first layer's weights drawn as images (images
//! only). Labels in the chosen language; numbers exactly as counted.

use crate::lang::Lang;
use crate::nn::TestView;

use super::model::{Axis, CellText, Figure, Heatmap, Tile, TileScale, Tiles};

/// "step 120 · test accuracy 93.1% (335 of 360)".
fn step_and_accuracy(view: &TestView, lang: Lang) -> String {
    let total = view.total();
    let right: u64 = (0..view.classes).map(|k| view.count(k, k)).sum();
    let mut line = format!("{} {}", lang.pick("step", "passo"), view.step);
    if total > 0 {
        line.push_str(&format!(
            " · {} {:.1}% ({right} {} {total})",
            lang.pick("test accuracy", "accuratezza sul test"),
            100.0 * right as f64 / total as f64,
            lang.pick("of", "su"),
        ));
    }
    line
}

/// True classes in rows (the first at the top), predicted classes in
/// columns, the count in each cell; a cell's colour is its share of the
/// true class (so a rare class's mistakes show as much as a common
/// one's). The diagonal is what the network gets right.
pub fn confusion_matrix(view: &TestView, lang: Lang) -> Figure {
    let n = view.classes;
    let name = |k: usize| {
        view.class_names
            .get(k)
            .cloned()
            .unwrap_or_else(|| k.to_string())
    };
    let mut x = Axis::linear(lang.pick("predicted class", "classe prevista"));
    x.categories = (0..n).map(name).collect();
    // Category positions count up from the bottom: the first class's row
    // is the top one, as confusion matrices are read.
    let mut y = Axis::linear(lang.pick("true class", "classe vera"));
    y.categories = (0..n).rev().map(name).collect();
    let mut figure = Figure::new(
        "confusion",
        lang.pick(
            "Confusion matrix (test set)",
            "Matrice di confusione (test)",
        ),
        x,
        y,
    );
    figure.subtitle = step_and_accuracy(view, lang);
    let edges: Vec<f64> = (0..=n).map(|i| i as f64 + 0.5).collect();
    let mut values = Vec::with_capacity(n * n);
    let mut text = Vec::with_capacity(n * n);
    for row in 0..n {
        let truth = n - 1 - row;
        let total: u64 = (0..n).map(|p| view.count(truth, p)).sum();
        for predicted in 0..n {
            let count = view.count(truth, predicted);
            values.push(if total > 0 {
                count as f64 / total as f64
            } else {
                f64::NAN
            });
            text.push(count.to_string());
        }
    }
    figure.heatmap = Some(Heatmap {
        x_edges: edges.clone(),
        y_edges: edges,
        values,
        value_label: lang
            .pick("share of the true class", "quota della classe vera")
            .into(),
        min: 0.0,
        max: 1.0,
        classes: Vec::new(),
        cell_text: Some(CellText {
            label: lang.pick("count", "conteggio").into(),
            text,
        }),
    });
    figure
}

/// The first test images, each captioned with the class the network
/// predicts; a wrong one is framed and captioned "predicted (true)".
/// None unless the data are images.
pub fn predictions(view: &TestView, lang: Lang) -> Option<Figure> {
    let [rows, columns] = view.image?;
    let name = |k: usize| {
        view.class_names
            .get(k)
            .cloned()
            .unwrap_or_else(|| k.to_string())
    };
    let samples = &view.samples;
    let pixels = samples.x.iter().copied().filter(|v| v.is_finite());
    let (lo, hi) = pixels.fold((0.0f64, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(f64::from(v)), hi.max(f64::from(v)))
    });
    let hi = if hi > lo { hi } else { lo + 1.0 };
    let (yes, no) = (lang.pick("yes", "sì"), lang.pick("no", "no"));
    let tiles = samples
        .x
        .rows()
        .into_iter()
        .zip(&samples.y)
        .zip(&view.predicted)
        .map(|((row, &truth), &predicted)| {
            let wrong = truth != predicted;
            Tile {
                pixels: row.iter().map(|&v| f64::from(v)).collect(),
                caption: if wrong {
                    format!("{} ({})", name(predicted), name(truth))
                } else {
                    name(predicted)
                },
                marked: wrong,
                fields: vec![
                    name(truth),
                    name(predicted),
                    if wrong { no } else { yes }.to_string(),
                ],
            }
        })
        .collect::<Vec<_>>();
    let wrong = tiles.iter().filter(|t| t.marked).count();
    let mut figure = Figure::new(
        "predictions",
        lang.pick(
            "Test images and the predicted class",
            "Immagini di test e classe prevista",
        ),
        Axis::linear(""),
        Axis::linear(""),
    );
    figure.subtitle = format!(
        "{} · {wrong} {} {}",
        step_and_accuracy(view, lang),
        lang.pick("wrong of these", "sbagliate di queste"),
        tiles.len()
    );
    figure.tiles = Some(Tiles {
        image: [rows, columns],
        tiles,
        scale: TileScale::Ink,
        min: lo,
        max: hi,
        value_label: lang.pick("pixel", "pixel").into(),
        fields: vec![
            lang.pick("true class", "classe vera").into(),
            lang.pick("predicted class", "classe prevista").into(),
            lang.pick("correct", "corretta").into(),
        ],
        marked_label: lang
            .pick(
                "framed: wrong, the true class in brackets",
                "riquadrate: sbagliate, la classe vera tra parentesi",
            )
            .into(),
    });
    Some(figure)
}

/// The weights from the inputs to each of the first layer's first units,
/// drawn as an image on a scale symmetric around 0: what each unit looks
/// for. None unless the data are images.
pub fn first_layer_weights(view: &TestView, lang: Lang) -> Option<Figure> {
    let [rows, columns] = view.image?;
    let weights = view.first_layer.as_ref()?;
    // The scale reaches the 98th percentile of |w|: one outlier would
    // otherwise wash every other weight out to white (beyond is clamped).
    let mut magnitudes: Vec<f64> = weights
        .iter()
        .map(|w| f64::from(w.abs()))
        .filter(|w| w.is_finite())
        .collect();
    magnitudes.sort_by(f64::total_cmp);
    let high = magnitudes
        .get((magnitudes.len() * 98 / 100).min(magnitudes.len().saturating_sub(1)))
        .copied()
        .unwrap_or(0.0);
    let max = if high > 0.0 { high } else { 1.0 };
    let tiles = weights
        .rows()
        .into_iter()
        .enumerate()
        .map(|(unit, row)| Tile {
            pixels: row.iter().map(|&v| f64::from(v)).collect(),
            caption: format!("{}", unit + 1),
            marked: false,
            fields: vec![(unit + 1).to_string()],
        })
        .collect::<Vec<_>>();
    let mut figure = Figure::new(
        "first_layer_weights",
        lang.pick(
            "First layer's weights as images",
            "Pesi del primo livello come immagini",
        ),
        Axis::linear(""),
        Axis::linear(""),
    );
    figure.subtitle = format!(
        "{} {} · {} {} · {}",
        lang.pick("step", "passo"),
        view.step,
        tiles.len(),
        lang.pick("units", "unità"),
        lang.pick("blue < 0 < vermillion", "blu < 0 < vermiglio"),
    );
    figure.tiles = Some(Tiles {
        image: [rows, columns],
        tiles,
        scale: TileScale::Diverging,
        min: -max,
        max,
        value_label: lang.pick("weight", "peso").into(),
        fields: vec![lang.pick("unit", "unità").into()],
        marked_label: String::new(),
    });
    Some(figure)
}
