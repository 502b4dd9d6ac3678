//! Why skips help, in the live tab: the update ratio (a fourth choice of
//! the bars, and lines over time in the gradient slot) and the gradient
//! highway, driven through the real App. Their numbers are the core's:
//! the bars equal ||W_after − W_before|| / ||W_before|| of two weight
//! snapshots of the live network, and the highway's bars equal
//! `StepStats::blocks` of runs stepped the same way. Both languages, and
//! Export all writes them.

mod common;
use common::{app_on, step, until};

use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gradscope::app::GradscopeApp;
use gradscope::figures::Figure;
use gradscope::lang::Lang;
use gradscope::nn::OptimizerKind;
use gradscope::train::trainer::make_runs;
use gradscope::train::{Command, Edit, Mode, RunState};
use ndarray::Array2;

fn figure(app: &GradscopeApp, id: &str) -> Figure {
    let figures = app.figures();
    let ids: Vec<_> = figures.iter().map(|f| f.id.clone()).collect();
    figures
        .into_iter()
        .find(|f| f.id == id)
        .unwrap_or_else(|| panic!("no figure {id} among {ids:?}"))
}

/// The live networks, as a saved session would get them.
fn networks(app: &GradscopeApp) -> Vec<RunState> {
    let (reply, answer) = std::sync::mpsc::channel();
    app.send(Command::Networks(reply));
    answer.recv_timeout(Duration::from_secs(10)).unwrap().1
}

fn norm(a: &Array2<f32>) -> f64 {
    a.iter()
        .map(|&v| f64::from(v) * f64::from(v))
        .sum::<f64>()
        .sqrt()
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance * a.abs().max(b.abs())
}

#[test]
fn the_update_ratio_bars_are_the_change_between_two_weight_snapshots() {
    let mut h = app_on("residual-rescue", Mode::Single, Lang::En);
    h.get_by_label("||ΔW||/||W||").click();
    step(&mut h, 4);
    let before: Vec<Array2<f32>> = networks(h.state())[0]
        .mlp
        .layers
        .iter()
        .map(|l| l.weight.clone())
        .collect();
    step(&mut h, 1);
    let after = networks(h.state()).remove(0).mlp;
    let bars = figure(h.state(), "update_ratio_bars");
    assert_eq!(bars.title, "Update ratio per layer");
    assert_eq!(bars.y.label, "||ΔW||/||W||");
    assert_eq!(bars.markers[0].value, 1e-3, "the guide");
    assert_eq!(bars.series.len(), 1, "no sigmoid bound on update ratios");
    let plotted = &bars.series[0].points;
    assert_eq!(plotted.len(), before.len());
    for (layer, (w0, l1)) in before.iter().zip(&after.layers).enumerate() {
        let ratio = norm(&(&l1.weight - w0)) / norm(w0);
        // f32 weights: the stored difference rounds at about 1e-7 of W.
        assert!(
            close(plotted[layer][1], ratio, 1e-3),
            "layer {layer}: plotted {} vs snapshots {ratio}",
            plotted[layer][1]
        );
        assert!(ratio > 1e-5, "layer {layer} moved: {ratio}");
    }
}

#[test]
fn the_update_ratio_shows_adam_moving_a_vanished_layer_and_sgd_not() {
    // The vanishing lesson: layer 1's gradient is about 1e-7 of the
    // output layer's. With Adam its update is far larger than that
    // relative to the output layer's; with SGD it follows the gradient.
    let mut h = app_on("vanishing", Mode::Single, Lang::En);
    // The lesson trains with momentum; this is about Adam (at its usual
    // learning rate) against plain SGD.
    h.state().send(Edit::SetOptimizer(OptimizerKind::Adam));
    h.state().send(Edit::SetLearningRate(1e-3));
    h.get_by_label("||ΔW||/||W||").click();
    step(&mut h, 100);
    // Layer 1 over the output layer, in the bars of `measure`.
    let spread = |h: &mut Harness<'static, GradscopeApp>| {
        let first_over_last = |f: Figure| {
            let v = &f.series[0].points;
            v[0][1] / v[v.len() - 1][1]
        };
        let ratios = first_over_last(figure(h.state(), "update_ratio_bars"));
        h.get_by_label("||dL/dW||").click();
        h.run_steps(2);
        let gradients = first_over_last(figure(h.state(), "gradients"));
        h.get_by_label("||ΔW||/||W||").click();
        h.run_steps(2);
        (ratios, gradients)
    };
    let (adam_ratio, adam_gradient) = spread(&mut h);
    assert!(
        adam_gradient < 1e-5,
        "layer 1's gradient vanished: {adam_gradient}"
    );
    assert!(
        adam_ratio > 1e4 * adam_gradient,
        "Adam moves layer 1: update ratio 1/out {adam_ratio}, gradient 1/out {adam_gradient}"
    );
    h.state().send(Edit::SetOptimizer(OptimizerKind::Sgd));
    step(&mut h, 20);
    let (sgd_ratio, sgd_gradient) = spread(&mut h);
    assert!(
        sgd_ratio < 1e-2 * adam_ratio && sgd_ratio < 100.0 * sgd_gradient,
        "SGD follows the gradient: update ratio 1/out {sgd_ratio}, gradient 1/out {sgd_gradient}"
    );
}

#[test]
fn the_gradient_highway_shows_both_twins_live_in_italian() {
    let lesson = gradscope::lessons::find("residual-rescue").unwrap();
    let mut h = app_on("residual-rescue", Mode::Twins, Lang::It);
    step(&mut h, 3);
    h.get_by_label("autostrada del gradiente").click();
    h.run_steps(2);
    let ids: Vec<_> = h.state().figures().into_iter().map(|f| f.id).collect();
    assert!(!ids.contains(&"gradient_heatmap".to_string()), "{ids:?}");
    assert!(h.query_by_label("L'autostrada del gradiente").is_some());
    // The same runs, stepped by hand.
    let mut runs = make_runs(&lesson.config, Mode::Twins).unwrap();
    let mut check = |h: &Harness<'static, GradscopeApp>, steps: usize| {
        for (_, run) in runs.iter_mut() {
            for _ in 0..steps {
                run.step();
            }
        }
        let highway = figure(h.state(), "gradient_highway");
        assert!(
            highway
                .subtitle
                .starts_with(&format!("passo {}", h.state().steps() - 1))
        );
        assert_eq!(highway.series.len(), 4, "skip and branch of each twin");
        for (index, (twin, run)) in runs.iter().enumerate() {
            let blocks = &run.last_stats().blocks;
            let (skip, branch) = (&highway.series[2 * index], &highway.series[2 * index + 1]);
            assert!(
                skip.name
                    .contains(gradscope::figures::build::twin_label(*twin, Lang::It))
            );
            // Bars of zero (the plain twin's skips) are left out of a log axis.
            let positive = |v: f32| (v > 0.0).then_some(f64::from(v));
            let want_skip: Vec<f64> = blocks.iter().filter_map(|b| positive(b.skip)).collect();
            let got_skip: Vec<f64> = skip
                .points
                .iter()
                .map(|p| p[1])
                .filter(|&v| v > 0.0)
                .collect();
            assert_eq!(got_skip, want_skip, "{twin:?} skip");
            let want: Vec<f64> = blocks.iter().map(|b| f64::from(b.branch)).collect();
            let got: Vec<f64> = branch.points.iter().map(|p| p[1]).collect();
            assert_eq!(got, want, "{twin:?} branch");
        }
        let plain = &runs[0].1.last_stats().blocks;
        assert!(
            plain.iter().all(|b| b.skip == 0.0),
            "the plain twin's one path"
        );
    };
    check(&h, 3);
    // It follows training, like the bars.
    step(&mut h, 2);
    check(&h, 2);
}

#[test]
fn the_update_ratio_over_time_and_export_all() {
    let mut h = app_on("vanishing", Mode::Single, Lang::En);
    step(&mut h, 12);
    h.get_by_label("update ratio").click();
    h.run_steps(2);
    let lines = figure(h.state(), "update_ratio");
    assert_eq!(lines.title, "Update ratio over time");
    assert_eq!(lines.markers[0].value, 1e-3);
    // 17 layers: five lines, the input layer's first and the output's last.
    assert_eq!(lines.series.len(), 5);
    assert_eq!(lines.series[0].name, "layer 1");
    assert_eq!(lines.series[4].name, "layer out");
    // The last point of each line is the ratio of the last step of a run
    // stepped the same way.
    let mut run = gradscope::nn::Run::new(h.state().config().clone()).unwrap();
    for _ in 0..12 {
        run.step();
    }
    let layers = &run.last_stats().layers;
    for (series, layer) in lines
        .series
        .iter()
        .zip([0, 4, 8, 12, 16].map(|l| &layers[l]))
    {
        let plotted = series.points.last().unwrap();
        assert_eq!(plotted[0], 11.0);
        assert!(close(plotted[1], f64::from(layer.update_ratio), 1e-9));
    }
    assert!(h.query_by_label("Update ratio over time").is_some());
    // Export all writes the slot's three figures, whichever shows.
    let root = tempfile::tempdir().unwrap();
    h.state_mut().set_export_root(root.path().to_path_buf());
    h.get_by_label("Export all").click();
    h.run_steps(2);
    let message = h.state().message().unwrap().to_string();
    assert!(message.starts_with("Exported to "), "{message}");
    let dir = std::path::PathBuf::from(message.trim_start_matches("Exported to "));
    for id in ["update_ratio", "gradient_highway", "gradient_heatmap"] {
        for extension in ["png", "svg", "csv"] {
            let file = dir.join(format!("{id}.{extension}"));
            assert!(file.is_file(), "{}", file.display());
        }
    }
    // Back to the heatmap.
    h.get_by_label("gradient over time").click();
    h.run_steps(2);
    figure(h.state(), "gradient_heatmap");
}

#[test]
fn a_session_keeps_the_update_ratios_and_older_ones_open_without() {
    let dir = tempfile::tempdir().unwrap();
    let (path, older) = (dir.path().join("now.json"), dir.path().join("older.json"));
    let mut h = app_on("residual-rescue", Mode::Single, Lang::En);
    step(&mut h, 15);
    h.get_by_label("update ratio").click();
    h.run_steps(2);
    let saved = figure(h.state(), "update_ratio");
    assert!(saved.notes.is_empty() && !saved.series[0].points.is_empty());
    h.state_mut().save_session(&path).unwrap();
    // A session from before update ratios were kept: the same without them.
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let mut removed = 0;
    for run in json["runs"].as_array_mut().unwrap() {
        for bucket in run["buckets"].as_array_mut().unwrap() {
            removed += usize::from(
                bucket
                    .as_object_mut()
                    .unwrap()
                    .remove("update_ratios")
                    .is_some(),
            );
        }
    }
    assert_eq!(removed, 15, "a bucket a step, each with its ratios");
    std::fs::write(&older, serde_json::to_string(&json).unwrap()).unwrap();

    step(&mut h, 5);
    h.state_mut().open_session(&path).unwrap();
    until(&mut h, |app| app.steps() == 15);
    h.run_steps(3);
    let reopened = figure(h.state(), "update_ratio");
    assert_eq!(reopened.series, saved.series, "the same lines, to the bit");

    step(&mut h, 5);
    h.state_mut().open_session(&older).unwrap();
    until(&mut h, |app| app.steps() == 15);
    h.run_steps(3);
    let older = figure(h.state(), "update_ratio");
    assert!(older.series.iter().all(|s| s.points.is_empty()));
    assert_eq!(older.notes.len(), 1, "{:?}", older.notes);
    // It trains on, and measures again.
    step(&mut h, 3);
    let on = figure(h.state(), "update_ratio");
    assert_eq!(on.series[0].points.len(), 3);
}

#[test]
fn the_slot_choice_works_in_presentation_mode() {
    let mut h = app_on("residual-rescue", Mode::Twins, Lang::En);
    step(&mut h, 2);
    h.get_by_label("Presentation").click();
    h.run_steps(3);
    assert!(h.state().presentation());
    assert!(h.query_by_label("bars show").is_none(), "the settings hide");
    // Its choice is under the plot, scrolled out of view at this zoom:
    // the G key switches it from anywhere.
    h.key_press(egui::Key::G);
    h.run_steps(3);
    figure(h.state(), "update_ratio");
    h.key_press(egui::Key::G);
    h.run_steps(3);
    figure(h.state(), "gradient_highway");
    h.key_press(egui::Key::G);
    h.run_steps(3);
    figure(h.state(), "gradient_heatmap");
}
