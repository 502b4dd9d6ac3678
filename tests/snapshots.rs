//! Each view in each language, rendered on the CPU (wgpu on Mesa's
//! llvmpipe) and compared with the images in tests/snapshots/. The
//! trainer is deterministic, so a fixed number of steps from a reset draws
//! the same pixels every time. After a deliberate change to the look, run
//! `UPDATE_SNAPSHOTS=1 cargo test --test snapshots` and look at the new
//! images before committing them.

mod common;
use common::until;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gradscope::app::{GradscopeApp, View};
use gradscope::lang::Lang;
use gradscope::lessons;
use gradscope::train::{Command, Playback, State};

/// The app on `view`, in a state that depends on nothing but the code.
fn settled(view: View, lang: Lang) -> Harness<'static, GradscopeApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |cc| {
            GradscopeApp::new(&cc.egui_ctx, lang, Some("residual-rescue")).unwrap()
        });
    h.state_mut().set_export_root("/exports".into());
    let lesson = lessons::find("residual-rescue").unwrap();
    h.state().send(Playback::Pause);
    h.state().send(Command::Reset {
        config: lesson.config,
        mode: lesson.mode,
    });
    h.state().send(Playback::Step(60));
    until(&mut h, |app| {
        app.steps() == 60 && *app.training_state() == State::Paused
    });
    h.state_mut().set_view(view);
    h.run_steps(2);
    match view {
        View::Live => {}
        View::Backprop => {
            let run = if lang == Lang::En {
                "Run N steps"
            } else {
                "Esegui N passi"
            };
            h.get_by_label(run).click();
        }
        View::Deeper => {
            let depths = if lang == Lang::En {
                "depths"
            } else {
                "profondità"
            };
            h.get_by_label(depths).set_text_value_accesskit("2, 3, 4");
            h.run_steps(1);
            let run = if lang == Lang::En {
                "Run sweep"
            } else {
                "Avvia sweep"
            };
            h.get_by_label(run).click();
            h.run_steps(1);
            until(&mut h, |app| !app.sweep_progress().2);
            let check = if lang == Lang::En {
                "Zero block 2's branch and compare"
            } else {
                "Azzera il ramo del blocco 2 e confronta"
            };
            h.get_by_label(check).click();
        }
        View::Landscape => {
            let compute = if lang == Lang::En {
                "Compute the landscape (live run at step 60)"
            } else {
                "Calcola il paesaggio (addestramento al passo 60)"
            };
            h.get_by_label(compute).click();
            until(&mut h, |app| app.landscape_result().is_some());
        }
    }
    // The last update's plots, then a quiet frame.
    h.run_steps(4);
    h
}

fn looks_as_recorded(view: View, lang: Lang) {
    let mut h = settled(view, lang);
    h.snapshot(format!("{}_{}", view.code(), lang.code()));
}

#[test]
fn live_en() {
    looks_as_recorded(View::Live, Lang::En);
}

#[test]
fn live_it() {
    looks_as_recorded(View::Live, Lang::It);
}

#[test]
fn backprop_en() {
    looks_as_recorded(View::Backprop, Lang::En);
}

#[test]
fn backprop_it() {
    looks_as_recorded(View::Backprop, Lang::It);
}

#[test]
fn deeper_en() {
    looks_as_recorded(View::Deeper, Lang::En);
}

#[test]
fn deeper_it() {
    looks_as_recorded(View::Deeper, Lang::It);
}

#[test]
fn landscape_en() {
    looks_as_recorded(View::Landscape, Lang::En);
}

#[test]
fn landscape_it() {
    looks_as_recorded(View::Landscape, Lang::It);
}

/// The live tab training on the handwritten digits: the confusion matrix,
/// the predicted test images and the first layer's weights in place of
/// the decision boundary.
fn digits_look_as_recorded(mode: gradscope::train::Mode, lang: Lang, name: &str) {
    use gradscope::nn::{Activation, Config, Dataset, Init};
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 1000.0))
        .build_eframe(move |cc| {
            GradscopeApp::new(&cc.egui_ctx, lang, Some("residual-rescue")).unwrap()
        });
    h.state_mut().set_export_root("/exports".into());
    let config = Config {
        dataset: Dataset::Digits,
        // One residual block, so the twins differ.
        depth: 3,
        width: 32,
        activation: Activation::Relu,
        init: Init::He,
        learning_rate: 0.003,
        ..lessons::find("residual-rescue").unwrap().config
    };
    h.state().send(Playback::Pause);
    h.state().send(Command::Reset { config, mode });
    h.state().send(Playback::Step(60));
    until(&mut h, |app| {
        app.steps() == 60
            && *app.training_state() == State::Paused
            && app
                .figures()
                .iter()
                .any(|f| f.id.starts_with("confusion") && f.subtitle.contains("60"))
    });
    h.state_mut().set_view(View::Live);
    h.run_steps(4);
    h.snapshot(name);
}

#[test]
fn live_digits_en() {
    digits_look_as_recorded(gradscope::train::Mode::Single, Lang::En, "live_digits_en");
}

#[test]
fn live_digits_twins_it() {
    digits_look_as_recorded(
        gradscope::train::Mode::Twins,
        Lang::It,
        "live_digits_twins_it",
    );
}

/// The live tab with the update ratio as bars and the gradient slot on
/// `slot` (its label in `lang`), the residual-rescue lesson in `mode`.
fn flow_looks_as_recorded(mode: gradscope::train::Mode, lang: Lang, slot: &str, name: &str) {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |cc| {
            GradscopeApp::new(&cc.egui_ctx, lang, Some("residual-rescue")).unwrap()
        });
    h.state_mut().set_export_root("/exports".into());
    let lesson = lessons::find("residual-rescue").unwrap();
    h.state().send(Playback::Pause);
    h.state().send(Command::Reset {
        config: lesson.config,
        mode,
    });
    h.state().send(Playback::Step(60));
    until(&mut h, |app| {
        app.steps() == 60 && *app.training_state() == State::Paused
    });
    h.run_steps(2);
    h.get_by_label("||ΔW||/||W||").click();
    h.run_steps(1);
    h.get_by_label(slot).click();
    h.run_steps(4);
    h.snapshot(name);
}

#[test]
fn live_highway_twins_en() {
    flow_looks_as_recorded(
        gradscope::train::Mode::Twins,
        Lang::En,
        "gradient highway",
        "live_highway_twins_en",
    );
}

#[test]
fn live_update_ratio_it() {
    flow_looks_as_recorded(
        gradscope::train::Mode::Single,
        Lang::It,
        "rapporto di aggiornamento",
        "live_update_ratio_it",
    );
}

/// The live tab replaying step 12 of a run whose skips went on at step
/// 16, in Italian: every plot as it was then, the loss and the heat map
/// marking step 12, the time line with its stop, the readout at step 12.
#[test]
fn live_replay_it() {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |cc| {
            GradscopeApp::new(&cc.egui_ctx, Lang::It, Some("residual-rescue")).unwrap()
        });
    h.state_mut().set_export_root("/exports".into());
    let lesson = lessons::find("residual-rescue").unwrap();
    h.state().send(Playback::Pause);
    h.state().send(Command::Reset {
        config: lesson.config,
        mode: lesson.mode,
    });
    until(&mut h, |app| {
        app.live().epoch() >= 1 && app.steps() == 0 && *app.training_state() == State::Paused
    });
    // One step at a time, each drawn: replay keeps every one.
    for target in 1..=30 {
        if target == 17 {
            h.key_press(egui::Key::K);
            until(&mut h, |app| app.skips().iter().all(|&on| on));
            h.run_steps(2);
        }
        h.state().send(Playback::Step(1));
        until(&mut h, |app| {
            app.steps() == target && *app.training_state() == State::Paused
        });
        h.run_steps(2);
    }
    assert_eq!(
        h.state().live().replay().steps(),
        (0..30).collect::<Vec<u64>>()
    );
    h.state_mut().go_to(Some(12));
    h.run_steps(4);
    h.snapshot("live_replay_it");
}

/// The live tab's animated GIF dialog over the panel, in Italian, after
/// five steps taken one at a time (replay records each of them).
#[test]
fn live_gif_dialog_it() {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(|cc| GradscopeApp::new(&cc.egui_ctx, Lang::It, Some("vanishing")).unwrap());
    h.state_mut().set_export_root("/exports".into());
    let lesson = lessons::find("vanishing").unwrap();
    h.state().send(Playback::Pause);
    h.state().send(Command::Reset {
        config: lesson.config,
        mode: lesson.mode,
    });
    until(&mut h, |app| {
        app.live().epoch() >= 1 && app.steps() == 0 && *app.training_state() == State::Paused
    });
    for step in 1..=5 {
        h.state().send(Playback::Step(1));
        until(&mut h, |app| {
            app.steps() == step && *app.training_state() == State::Paused
        });
        h.run_steps(2);
    }
    h.get_by_label("Pannello come GIF…").click();
    h.run_steps(4);
    h.snapshot("live_gif_dialog_it");
}
