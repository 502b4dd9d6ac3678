//! The figures of real data, built from the core's `TestView`: the
//! confusion matrix counts every test point once and reads like the core's
//! own count, for 2 to 100 classes (counts written only where they fit);
//! the image grid marks exactly the wrong predictions; the weight images
//! are the first layer's rows; all three export as PNG, SVG and CSV, and
//! `gradscope run` writes the ones that fit its data.

use gradscope::figures::data_views::{confusion_matrix, first_layer_weights, predictions};
use gradscope::figures::{csv::to_csv, png::to_png, svg::to_svg};
use gradscope::headless::{Output, run_to_folder};
use gradscope::lang::Lang;
use gradscope::nn::data::Split;
use gradscope::nn::{Activation, Config, Dataset, Init, Run, TestView, predicted_classes};

fn digits_run(steps: usize) -> Run {
    let mut run = Run::new(Config {
        dataset: Dataset::Digits,
        depth: 1,
        width: 20,
        activation: Activation::Relu,
        init: Init::He,
        learning_rate: 0.003,
        ..Config::default()
    })
    .unwrap();
    for _ in 0..steps {
        run.step();
    }
    run
}

/// A view of `classes` classes where class k's points are split between
/// k and k + 1 (mod classes).
fn synthetic(classes: usize) -> TestView {
    let mut confusion = vec![0u64; classes * classes];
    for k in 0..classes {
        confusion[k * classes + k] = 7 + k as u64 % 5;
        confusion[k * classes + (k + 1) % classes] += 2;
    }
    TestView {
        step: 3,
        classes,
        class_names: (0..classes).map(|k| format!("c{k}")).collect(),
        confusion,
        samples: Split {
            x: ndarray::Array2::zeros((0, 4)),
            y: Vec::new(),
        },
        predicted: Vec::new(),
        image: None,
        first_layer: None,
    }
}

fn texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").to_string())
        .collect()
}

#[test]
fn the_confusion_matrix_counts_the_test_split_as_the_core_does() {
    let run = digits_run(30);
    let view = run.test_view(24);
    assert_eq!(view.total() as usize, run.data.test.len());
    let predicted = predicted_classes(&run.mlp, run.data.test.x.view(), 50);
    let figure = confusion_matrix(&view, Lang::En);
    let csv = to_csv(&figure);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("true class,predicted class,count,share of the true class")
    );
    let mut total = 0;
    for line in lines {
        let fields: Vec<&str> = line.split(',').collect();
        let (truth, guess): (usize, usize) =
            (fields[0].parse().unwrap(), fields[1].parse().unwrap());
        let count: usize = fields[2].parse().unwrap();
        let independent = run
            .data
            .test
            .y
            .iter()
            .zip(&predicted)
            .filter(|&(&t, &p)| t == truth && p == guess)
            .count();
        assert_eq!(count, independent, "true {truth}, predicted {guess}");
        total += count;
    }
    assert_eq!(total, run.data.test.len());
    // The exported picture writes the counts in the cells (10 classes fit).
    let svg = to_svg(&figure, 1600, 1000);
    let written = texts(&svg);
    let diagonal = view.count(3, 3).to_string();
    assert!(written.contains(&diagonal), "{written:?}");
    assert!(to_png(&figure, 1600, 1000).is_ok());
}

#[test]
fn two_to_a_hundred_classes_draw_and_counts_show_only_where_they_fit() {
    for classes in [2, 3, 10, 37, 100] {
        let view = synthetic(classes);
        let figure = confusion_matrix(&view, Lang::It);
        assert_eq!(figure.title, "Matrice di confusione (test)");
        let hm = figure.heatmap.as_ref().unwrap();
        assert_eq!((hm.rows(), hm.columns()), (classes, classes));
        assert!(hm.values.iter().all(|v| (0.0..=1.0).contains(v)));
        let svg = to_svg(&figure, 1600, 1000);
        let written = texts(&svg);
        let cells = written.iter().filter(|t| *t == "2").count();
        if classes <= 10 {
            assert!(cells >= classes, "{classes} classes: counts written");
        } else if classes == 100 {
            assert!(written.len() < 300, "100 classes: no counts, thinned names");
        }
        assert!(to_png(&figure, 1600, 1000).is_ok(), "{classes}");
        assert!(to_png(&figure, 400, 300).is_ok(), "{classes}");
        assert_eq!(to_csv(&figure).lines().count(), classes * classes + 1);
    }
}

#[test]
fn the_image_grid_marks_exactly_the_wrong_predictions() {
    let run = digits_run(5);
    let view = run.test_view(24);
    let figure = predictions(&view, Lang::En).expect("digits are images");
    let tiles = figure.tiles.as_ref().unwrap();
    assert_eq!(tiles.tiles.len(), 24);
    assert_eq!(tiles.image, [8, 8]);
    let predicted = predicted_classes(&run.mlp, run.data.test.x.view(), 1000);
    let mut wrong = 0;
    for (i, tile) in tiles.tiles.iter().enumerate() {
        let truth = run.data.test.y[i];
        assert_eq!(tile.marked, truth != predicted[i], "tile {i}");
        assert!(tile.caption.starts_with(&predicted[i].to_string()));
        wrong += usize::from(tile.marked);
    }
    assert!(wrong > 0, "five steps in, some are wrong");
    let csv = to_csv(&figure);
    assert!(csv.starts_with("tile,caption,marked,true class,predicted class,correct,p0_0,"));
    assert_eq!(csv.lines().count(), 25);
    assert_eq!(csv.lines().nth(1).unwrap().split(',').count(), 6 + 64);
    let svg = to_svg(&figure, 1600, 1000);
    assert!(texts(&svg).iter().any(|t| t.contains("framed: wrong")));
    assert!(to_png(&figure, 1600, 1000).is_ok());
    // 2-D data have no images.
    let toy = Run::new(Config::default()).unwrap().test_view(24);
    assert!(predictions(&toy, Lang::En).is_none());
    assert!(first_layer_weights(&toy, Lang::En).is_none());
}

#[test]
fn the_weight_images_are_the_first_layers_rows_on_a_symmetric_scale() {
    let run = digits_run(3);
    let view = run.test_view(24);
    let figure = first_layer_weights(&view, Lang::En).expect("digits are images");
    let tiles = figure.tiles.as_ref().unwrap();
    assert_eq!(tiles.tiles.len(), 20, "every unit of a 20-wide layer");
    assert_eq!(tiles.min, -tiles.max);
    for (unit, tile) in tiles.tiles.iter().enumerate() {
        let row: Vec<f64> = run.mlp.layers[0]
            .weight
            .row(unit)
            .iter()
            .map(|&w| f64::from(w))
            .collect();
        assert_eq!(tile.pixels, row, "unit {unit}");
    }
    // The CSV holds the same weights, as f32 text.
    let csv = to_csv(&figure);
    let first: Vec<f32> = csv
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .skip(4)
        .map(|v| v.parse().unwrap())
        .collect();
    assert_eq!(first, run.mlp.layers[0].weight.row(0).to_vec());
    assert!(to_png(&figure, 800, 500).is_ok());
}

#[test]
fn gradscope_run_writes_the_views_that_fit_its_data() {
    let output = Output {
        lang: Lang::En,
        png_width: 800,
        png_height: 500,
        overwrite: false,
        handout: None,
    };
    let digits = tempfile::tempdir().unwrap();
    let dir = digits.path().join("digits");
    let config = Config {
        dataset: Dataset::Digits,
        depth: 1,
        width: 16,
        ..Config::default()
    };
    run_to_folder(&config, 5, &dir, 0, &output).unwrap();
    for id in ["confusion", "predictions", "first_layer_weights"] {
        for extension in ["png", "svg", "csv"] {
            assert!(
                dir.join(format!("{id}.{extension}")).is_file(),
                "{id}.{extension}"
            );
        }
    }
    assert!(!dir.join("decision_boundary.png").exists());

    let toy = tempfile::tempdir().unwrap();
    let dir = toy.path().join("toy");
    run_to_folder(&Config::default(), 5, &dir, 0, &output).unwrap();
    for id in ["confusion", "decision_boundary"] {
        assert!(dir.join(format!("{id}.png")).is_file(), "{id}");
    }
    assert!(!dir.join("predictions.png").exists());
    assert!(!dir.join("first_layer_weights.png").exists());
}
