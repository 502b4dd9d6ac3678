//! The views of real data, through the real App: on the handwritten
//! digits the live tab shows the confusion matrix, the predicted test
//! images and the first layer's weights (both twins' in compare mode), not
//! a decision boundary; their numbers are the core's; Export all writes
//! them; 2-D data keep the decision boundary.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gradscope::app::GradscopeApp;
use gradscope::figures::Figure;
use gradscope::lang::Lang;
use gradscope::nn::{Activation, Config, Dataset, Init, Run, predict_in_chunks};
use gradscope::train::{Command, Mode, Playback, State};

const STEPS: u64 = 40;

fn digits_config() -> Config {
    Config {
        dataset: Dataset::Digits,
        depth: 2,
        width: 32,
        activation: Activation::Relu,
        init: Init::He,
        learning_rate: 0.003,
        ..gradscope::lessons::find("vanishing").unwrap().config
    }
}

/// The app trained `STEPS` steps on `config`, paused, its last views in.
fn trained(config: Config, mode: Mode, lang: Lang) -> Harness<'static, GradscopeApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |cc| GradscopeApp::new(&cc.egui_ctx, lang, Some("vanishing")).unwrap());
    h.state().send(Playback::Pause);
    h.state().send(Command::Reset { config, mode });
    h.state().send(Playback::Step(STEPS));
    let deadline = Instant::now() + Duration::from_secs(120);
    let done = |app: &GradscopeApp| {
        app.steps() == STEPS
            && *app.training_state() == State::Paused
            && app
                .figures()
                .iter()
                .any(|f| f.id.starts_with("confusion") && f.subtitle.contains(&STEPS.to_string()))
    };
    while !done(h.state()) {
        assert!(Instant::now() < deadline, "the app did not get there");
        std::thread::sleep(Duration::from_millis(10));
        h.run_steps(1);
    }
    h.run_steps(3);
    h
}

fn ids(figures: &[Figure]) -> Vec<&str> {
    figures.iter().map(|f| f.id.as_str()).collect()
}

#[test]
fn the_digits_show_their_views_and_the_numbers_are_the_cores() {
    let mut h = trained(digits_config(), Mode::Single, Lang::En);
    let figures = h.state().figures();
    let ids = ids(&figures);
    for id in ["confusion", "predictions", "first_layer_weights"] {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
    assert!(!ids.contains(&"decision_boundary"), "{ids:?}");
    for title in [
        "Confusion matrix (test set)",
        "Test images and the predicted class",
        "First layer's weights as images",
    ] {
        h.get_by_label(title);
    }

    // The same run, trained by the core alone: the trainer is deterministic.
    let mut run = Run::new(digits_config()).unwrap();
    for _ in 0..STEPS {
        run.step();
    }
    let output = predict_in_chunks(&run.mlp, run.data.test.x.view(), 10_000);
    let classes = run.data.classes;
    let mut counts = vec![0u64; classes * classes];
    let mut predicted = Vec::new();
    for (row, &truth) in output.rows().into_iter().zip(&run.data.test.y) {
        let best = (0..classes).fold(0, |b, i| if row[i] > row[b] { i } else { b });
        counts[truth * classes + best] += 1;
        predicted.push(best);
    }

    let confusion = figures.iter().find(|f| f.id == "confusion").unwrap();
    let heatmap = confusion.heatmap.as_ref().unwrap();
    let text = &heatmap.cell_text.as_ref().unwrap().text;
    let shown: Vec<u64> = text.iter().map(|t| t.parse().unwrap()).collect();
    assert_eq!(shown.iter().sum::<u64>() as usize, run.data.test.len());
    // Rows run bottom up on the plot: the first class is the top row.
    for truth in 0..classes {
        for p in 0..classes {
            let row = classes - 1 - truth;
            assert_eq!(
                shown[row * classes + p],
                counts[truth * classes + p],
                "true {truth}, predicted {p}"
            );
        }
    }

    let grid = figures.iter().find(|f| f.id == "predictions").unwrap();
    let tiles = &grid.tiles.as_ref().unwrap().tiles;
    assert_eq!(tiles.len(), 24);
    for (i, tile) in tiles.iter().enumerate() {
        let wrong = run.data.test.y[i] != predicted[i];
        assert_eq!(tile.marked, wrong, "tile {i}");
        assert_eq!(tile.fields[1], predicted[i].to_string());
        let pixels: Vec<f64> = run
            .data
            .test
            .x
            .row(i)
            .iter()
            .map(|&v| f64::from(v))
            .collect();
        assert_eq!(tile.pixels, pixels);
    }

    let weights = figures
        .iter()
        .find(|f| f.id == "first_layer_weights")
        .unwrap();
    let tiles = &weights.tiles.as_ref().unwrap().tiles;
    assert_eq!(tiles.len(), 32);
    for (unit, tile) in tiles.iter().enumerate() {
        let row: Vec<f64> = run.mlp.layers[0]
            .weight
            .row(unit)
            .iter()
            .map(|&v| f64::from(v))
            .collect();
        assert_eq!(tile.pixels, row, "unit {unit}");
    }

    // Export all writes them too.
    let root = tempfile::tempdir().unwrap();
    h.state_mut().set_export_root(root.path().to_path_buf());
    h.get_by_label("Export all").click();
    h.run_steps(2);
    let folder = std::fs::read_dir(root.path())
        .unwrap()
        .next()
        .expect("an export folder")
        .unwrap()
        .path();
    for id in ["confusion", "predictions", "first_layer_weights"] {
        for extension in ["png", "svg", "csv"] {
            let file = folder.join(format!("{id}.{extension}"));
            assert!(file.is_file(), "{}", file.display());
        }
    }
}

#[test]
fn compare_mode_shows_both_twins_views_in_italian() {
    let config = Config {
        depth: 4,
        ..digits_config()
    };
    let h = trained(config, Mode::Twins, Lang::It);
    let figures = h.state().figures();
    let ids = ids(&figures);
    for id in [
        "confusion_plain",
        "confusion_residual",
        "predictions_plain",
        "predictions_residual",
        "first_layer_weights_plain",
        "first_layer_weights_residual",
    ] {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
    h.get_by_label("Matrice di confusione (test): plain");
    h.get_by_label("Matrice di confusione (test): residuale");
    h.get_by_label("Pesi del primo livello come immagini: residuale");
    h.get_by_label("ingresso: 64 valori (immagine 8×8) · uscita: 10 classi");
    // No English title left in the Italian window.
    for english in [
        "Confusion matrix (test set): plain",
        "Test images and the predicted class: plain",
        "First layer's weights as images: plain",
    ] {
        assert!(h.query_by_label(english).is_none(), "{english}");
    }
}

#[test]
fn two_dimensional_data_keep_the_decision_boundary() {
    let config = gradscope::lessons::find("vanishing").unwrap().config;
    assert_eq!(config.inputs(), 2);
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |cc| {
            GradscopeApp::new(&cc.egui_ctx, Lang::En, Some("vanishing")).unwrap()
        });
    h.state().send(Playback::Pause);
    h.state().send(Command::Reset {
        config,
        mode: Mode::Single,
    });
    h.state().send(Playback::Step(5));
    let deadline = Instant::now() + Duration::from_secs(60);
    // The reset's five steps, not the lesson's own run before the reset
    // (also 2-D): its boundary would be gone when the reset arrives.
    while !(h.state().steps() == 5
        && *h.state().training_state() == State::Paused
        && h.state()
            .figures()
            .iter()
            .any(|f| f.id == "decision_boundary"))
    {
        assert!(Instant::now() < deadline, "no decision boundary");
        std::thread::sleep(Duration::from_millis(10));
        h.run_steps(1);
    }
    let figures = h.state().figures();
    let ids = ids(&figures);
    assert!(!ids.contains(&"confusion"), "{ids:?}");
    assert!(!ids.contains(&"predictions"), "{ids:?}");
    // Off screen, the confusion matrix still goes out with Export all.
    let root = tempfile::tempdir().unwrap();
    h.state_mut().set_export_root(root.path().to_path_buf());
    h.get_by_label("Export all").click();
    h.run_steps(2);
    let folder = std::fs::read_dir(root.path())
        .unwrap()
        .next()
        .expect("an export folder")
        .unwrap()
        .path();
    for id in ["decision_boundary", "confusion"] {
        assert!(folder.join(format!("{id}.csv")).is_file(), "{id}");
    }
    assert!(!folder.join("predictions.csv").exists());
}
