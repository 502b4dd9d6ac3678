//! The teaching views, driven through the real App: the backprop tab's
//! numbers are the core's, the sweep fills in and cancels, the guided
//! lesson walks the slides, shortcuts act, and every visible string exists
//! in both languages.

mod common;
use common::until;

use std::collections::BTreeSet;
use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable, by};
use gradscope::app::{GradscopeApp, View};
use gradscope::lang::Lang;
use gradscope::nn::textbook::Textbook;
use gradscope::train::{Command, Edit, Mode, Playback, State};

fn harness(lesson: &str, lang: Lang) -> Harness<'static, GradscopeApp> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |cc| GradscopeApp::new(&cc.egui_ctx, lang, Some(lesson)).unwrap());
    // Paused at step 0: a reset, so no step taken before the pause counts.
    let start = gradscope::lessons::find(lesson).unwrap();
    harness.state().send(Playback::Pause);
    harness.state().send(Command::Reset {
        config: start.config,
        mode: start.mode,
    });
    harness.run_steps(2);
    harness
}

#[test]
fn the_backprop_tab_shows_the_cores_numbers_and_steps() {
    let mut h = harness("vanishing", Lang::En);
    h.get_by_label("Backprop step by step").click();
    h.run_steps(2);
    assert_eq!(h.state().view(), View::Backprop);
    let textbook = Textbook::default();
    // The slide's total error, from the core.
    let e = format!("E_total = {:.9}", textbook.forward().e_total);
    assert!(e.starts_with("E_total = 0.29837"), "{e}");
    // w1's chain rule: click its edge, read its gradient.
    h.get_by_label("w1 = 0.1500").click();
    h.run_steps(2);
    let chain = textbook.chain(0).unwrap();
    let gradient = format!("{:.9}", chain.gradient);
    assert!(
        h.query_by_label_contains(&gradient).is_some(),
        "no label shows dE/dw1 = {gradient}"
    );
    // One step changes every weight exactly as the core's step does.
    h.get_by_label("Step: update every weight once").click();
    h.run_steps(2);
    let mut expected = Textbook::default();
    expected.step(false);
    assert_eq!(h.state().backprop().params, expected.params);
    // The slide's w5+ = 0.35891648.
    assert!((h.state().backprop().params[4] - 0.358_916_48).abs() < 1e-8);
    // The before/after table shows the slide's w5+.
    assert!(h.query_by_label_contains("0.358916480").is_some());
    h.get_by_label("Reset to the slide's values").click();
    h.run_steps(2);
    assert_eq!(h.state().backprop().params, Textbook::default().params);
}

#[test]
fn the_sweep_fills_in_and_can_be_cancelled() {
    let mut h = harness("vanishing", Lang::En);
    h.get_by_label("Going deeper").click();
    h.run_steps(2);
    // A small sweep, typed in: 2 depths x 2 skips x 1 seed.
    h.get_by_label("depths").set_text_value_accesskit("2, 3");
    h.run_steps(2);
    h.get_by_label("Run sweep").click();
    h.run_steps(1);
    until(&mut h, |app| !app.sweep_progress().2);
    let (done, total, _) = h.state().sweep_progress();
    assert_eq!((done, total), (8, 8), "2 depths x 2 skips x 2 seeds");
    // A bad depth is a message, and nothing starts.
    h.get_by_label("depths").set_text_value_accesskit("4, deep");
    h.run_steps(2);
    h.get_by_label("Run sweep").click();
    h.run_steps(2);
    assert!(
        h.query_by_label_contains("\"deep\" is not a whole number from 1 to")
            .is_some()
    );
    assert_eq!(h.state().sweep_progress(), (8, 8, false));
    // A long sweep, cancelled after its first network.
    h.get_by_label("depths")
        .set_text_value_accesskit("2, 64, 128, 200");
    h.run_steps(2);
    h.get_by_label("Run sweep").click();
    h.run_steps(1);
    until(&mut h, |app| app.sweep_progress().0 >= 1);
    h.get_by_label("Cancel sweep").click();
    until(&mut h, |app| !app.sweep_progress().2);
    let (done, total, _) = h.state().sweep_progress();
    assert!(
        done < total,
        "{done} of {total}: the cancel came too late to matter"
    );
    assert!(h.query_by_label("Stopped before the end.").is_some());
}

#[test]
fn the_identity_demonstration_shows_an_exact_identity() {
    let mut h = harness("vanishing", Lang::En);
    h.get_by_label("Going deeper").click();
    h.run_steps(2);
    h.get_by_label("Zero block 2's branch and compare").click();
    h.run_steps(2);
    assert!(
        h.query_by_label_contains("zero branch: 0 (exactly)")
            .is_some()
    );
    h.get_by_label("sigmoid").click();
    h.run_steps(1);
    h.get_by_label("Zero block 2's branch and compare").click();
    h.run_steps(2);
    assert!(h.query_by_label_contains("g(0) ≠ 0").is_some());
}

#[test]
fn the_guided_lesson_walks_the_slides_with_the_keyboard() {
    let mut h = harness("vanishing", Lang::En);
    h.get_by_label("Guided lesson").click();
    h.run_steps(2);
    assert_eq!(h.state().guide_step(), Some(0));
    assert_eq!(h.state().view(), View::Backprop);
    h.key_press(egui::Key::ArrowRight);
    h.run_steps(2);
    assert_eq!(h.state().guide_step(), Some(1));
    assert_eq!(h.state().view(), View::Live);
    // Set up paused: the question comes before the run.
    until(&mut h, |app| {
        app.lesson_id() == "vanishing" && *app.training_state() == State::Paused
    });
    assert!(h.query_by_label_contains("Ask the class:").is_some());
    h.key_press(egui::Key::ArrowRight);
    h.run_steps(2);
    assert_eq!(h.state().guide_step(), Some(2));
    until(&mut h, |app| {
        app.config().skip != gradscope::nn::Skip::Off || app.lesson_id() != "vanishing"
    });
    h.get_by_label("Run").click();
    until(&mut h, |app| app.steps() > 5);
    h.key_press(egui::Key::ArrowLeft);
    h.run_steps(2);
    assert_eq!(h.state().guide_step(), Some(1));
    h.get_by_label("End the guided lesson").click();
    h.run_steps(2);
    assert_eq!(h.state().guide_step(), None);
}

#[test]
fn shortcuts_play_step_toggle_skips_and_show_their_list() {
    let mut h = harness("vanishing", Lang::En);
    // From a reset, so no step from before the pause can arrive late.
    let lesson = gradscope::lessons::find("vanishing").unwrap();
    h.state().send(Command::Reset {
        config: lesson.config,
        mode: lesson.mode,
    });
    h.key_press(egui::Key::S);
    until(&mut h, |app| {
        app.steps() == 1 && *app.training_state() == State::Paused
    });
    let before = h.state().steps();
    h.key_press(egui::Key::S);
    until(&mut h, |app| app.steps() == before + 1);
    h.key_press(egui::Key::K);
    until(&mut h, |app| {
        !app.skips().is_empty() && app.skips().iter().all(|&on| on)
    });
    h.key_press(egui::Key::Space);
    until(&mut h, |app| *app.training_state() == State::Playing);
    h.key_press(egui::Key::Space);
    until(&mut h, |app| *app.training_state() == State::Paused);
    h.key_press(egui::Key::H);
    h.run_steps(2);
    assert!(h.query_by_label("Keyboard shortcuts").is_some());
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    assert!(h.query_by_label("Keyboard shortcuts").is_none());
    h.key_press(egui::Key::P);
    h.run_steps(2);
    assert!(h.state().presentation());
}

/// Every text the accessibility tree has on screen.
fn visible_texts(h: &Harness<'static, GradscopeApp>) -> BTreeSet<String> {
    // A button's text is its node's label; a plain label's is its value.
    h.query_all(by().include_labels())
        .flat_map(|node| {
            let node = node.accesskit_node();
            [node.label(), node.value()]
        })
        .flatten()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The texts on screen once the first widget labelled `opener` is
/// clicked (a menu, a panel, an overlay).
fn opened_texts(mut h: Harness<'static, GradscopeApp>, opener: &str) -> BTreeSet<String> {
    // Paused, so that only what opens changes the texts on screen.
    h.state().send(Playback::Pause);
    until(&mut h, |app| *app.training_state() == State::Paused);
    h.run_steps(2);
    let before = visible_texts(&h);
    h.get_all_by_label(opener).next().unwrap().click();
    h.run_steps(3);
    // A loaded machine may need a few more frames (a tab switch, the
    // trainer's first update) before what opened is all on screen. New
    // texts, not more: the guided lesson opens on the backprop tab, which
    // has fewer texts than the live tab it replaces.
    let mut opened = visible_texts(&h);
    // Something new: a menu adds texts, a tab switch (the guided lesson)
    // replaces them, perhaps with fewer.
    let shows_more = |opened: &BTreeSet<String>| !opened.is_subset(&before);
    for _ in 0..50 {
        if shows_more(&opened) {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
        h.run_steps(1);
        opened = visible_texts(&h);
    }
    assert!(
        shows_more(&opened),
        "clicking {opener:?} showed nothing new"
    );
    opened
}

/// Texts that read the same in both languages: formulas, names, numbers,
/// and the English terms Italian courses use as they are.
fn language_neutral(text: &str) -> bool {
    const SAME: [&str; 39] = [
        "EN",
        "Esc",
        "IT",
        "Loss",
        "loss",
        "batch",
        "dataset",
        "seed",
        "learning",
        "rate",
        "skip",
        "target",
        "slides",
        "identity",
        "sigmoid",
        "tanh",
        "relu",
        "leaky",
        "adam",
        "sgd",
        "momentum",
        "lecun",
        "he",
        "xavier",
        "uniform",
        "normal",
        "zero",
        "off",
        "spiral",
        "circles",
        "xor",
        "moons",
        "gaussians",
        "E_total",
        "test",
        "plain",
        "max",
        "log10",
        "RMS",
    ];
    // egui's own accessibility name for a window's × button.
    const EGUI_OWN: [&str; 1] = ["Close window"];
    if text.starts_with('/') || EGUI_OWN.contains(&text) {
        return true; // a path
    }
    // Every word is a shared term or a symbol's name ("w1", "dL", "g",
    // "dout_o1").
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|word| word.chars().any(char::is_alphabetic))
        .all(|word| {
            word.chars().count() <= 2
                || word.contains(|c: char| c.is_ascii_digit() || c == '_')
                || SAME.contains(&word)
        })
}

#[test]
fn every_visible_string_exists_in_both_languages() {
    let mut untranslated = BTreeSet::new();
    // Every tab, and the live tab in compare mode (the twins' names).
    let cases = View::ALL
        .map(|view| (view, Mode::Single))
        .into_iter()
        .chain([(View::Live, Mode::Twins)]);
    for (view, mode) in cases {
        let mut texts = Vec::new();
        for lang in Lang::ALL {
            let mut h = harness("residual-rescue", lang);
            if mode == Mode::Twins {
                let lesson = gradscope::lessons::find("residual-rescue").unwrap();
                h.state().send(Command::Reset {
                    config: lesson.config,
                    mode,
                });
            }
            h.state_mut().set_view(view);
            h.state().send(Playback::Step(3));
            until(&mut h, |app| app.steps() >= 3);
            h.run_steps(3);
            texts.push(visible_texts(&h));
            // What menus, panels and overlays show once opened.
            if (view, mode) == (View::Live, Mode::Single) {
                for (en, it) in [
                    ("Session", "Sessione"),
                    ("Export", "Esporta"),
                    ("Explanation", "Spiegazione"),
                    ("Guided lesson", "Lezione guidata"),
                    ("Shortcuts", "Scorciatoie"),
                ] {
                    let opener = if lang == Lang::En { en } else { it };
                    let opened = opened_texts(harness("residual-rescue", lang), opener);
                    texts.last_mut().unwrap().extend(opened);
                }
            }
            // Plot texts are painted, not in the tree: check the models.
            for figure in h.state().figures() {
                let shown = texts.last_mut().unwrap();
                shown.extend([figure.title, figure.x.label, figure.y.label]);
                shown.extend(figure.series.into_iter().map(|s| s.name));
                shown.extend(figure.markers.into_iter().map(|m| m.label));
                shown.extend(figure.notes);
            }
        }
        assert!(
            texts[0].len() > 20,
            "{view:?}: only {} texts",
            texts[0].len()
        );
        for text in texts[0].intersection(&texts[1]) {
            if !language_neutral(text) {
                untranslated.insert(format!("{view:?} ({mode:?}): {text}"));
            }
        }
    }
    assert!(
        untranslated.is_empty(),
        "the same in English and Italian: {untranslated:#?}"
    );
}

/// Opens the session menu, types `path`, clicks `button`; the message.
fn session_action(
    h: &mut Harness<'static, GradscopeApp>,
    path: &std::path::Path,
    button: &str,
) -> String {
    let italian = h.state().lang() == Lang::It;
    h.get_by_label(if italian { "Sessione" } else { "Session" })
        .click();
    h.run_steps(2);
    h.get_by_label(if italian {
        "file di sessione"
    } else {
        "session file"
    })
    .set_text_value_accesskit(&path.display().to_string());
    h.run_steps(2);
    h.get_by_label(button).click();
    h.run_steps(2);
    h.state().message().unwrap_or_default().to_string()
}

#[test]
fn a_session_saves_and_reopens_to_the_same_state() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("class").join("monday.json");
    let mut h = harness("residual-rescue", Lang::It);
    h.state().send(Playback::Step(30));
    until(&mut h, |app| {
        app.steps() >= 30 && *app.training_state() == State::Paused
    });
    h.state().send(Edit::SetSkip {
        block: 2,
        on: false,
    });
    until(&mut h, |app| app.skips().get(2) == Some(&false));
    let saved_skips = h.state().skips();
    let saved_figures = h.state().figures();
    let message = session_action(&mut h, &path, "Salva sessione");
    assert!(message.starts_with("Sessione salvata in"), "{message}");
    assert!(path.is_file());

    // Change everything: language, lesson, steps.
    h.get_by_label("EN").click();
    h.run_steps(1);
    h.state().send(Playback::Step(20));
    until(&mut h, |app| {
        app.steps() >= 50 && *app.training_state() == State::Paused
    });

    // A damaged file and a foreign one change nothing.
    let damaged = dir.path().join("damaged.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&damaged, &text[..text.len() / 2]).unwrap();
    let message = session_action(&mut h, &damaged, "Open session");
    assert!(
        message.contains("not a gradscope session file"),
        "{message}"
    );
    let foreign = dir.path().join("foreign.json");
    std::fs::write(&foreign, text.replace("\"gradscope-session\"", "\"notes\"")).unwrap();
    let message = session_action(&mut h, &foreign, "Open session");
    assert!(
        message.contains("not a gradscope session (format \"notes\")"),
        "{message}"
    );
    let missing = dir.path().join("missing.json");
    let message = session_action(&mut h, &missing, "Open session");
    assert!(message.starts_with("cannot open the session"), "{message}");
    h.run_steps(3);
    assert_eq!(h.state().steps(), 50);
    assert_eq!(h.state().lang(), Lang::En);

    // The saved one restores language, steps, skips and every plot.
    let message = session_action(&mut h, &path, "Open session");
    assert!(message.starts_with("Sessione aperta da"), "{message}");
    until(&mut h, |app| app.steps() == 30);
    h.run_steps(3);
    assert_eq!(h.state().lang(), Lang::It);
    assert_eq!(h.state().skips(), saved_skips);
    let reopened = h.state().figures();
    for id in ["loss", "gradient_heatmap"] {
        let find = |figures: &[gradscope::figures::Figure]| {
            figures.iter().find(|f| f.id == id).cloned().unwrap()
        };
        let (saved, now) = (find(&saved_figures), find(&reopened));
        assert_eq!(saved.series, now.series, "{id}");
        assert_eq!(saved.heatmap, now.heatmap, "{id}");
    }
    // And it trains on from step 30.
    h.state().send(Playback::Step(5));
    until(&mut h, |app| app.steps() == 35);

    // Problems are told in the window's language (Italian now), down to
    // the system's reason.
    let message = session_action(&mut h, &missing, "Apri sessione");
    assert!(
        message.starts_with("impossibile aprire la sessione")
            && message.ends_with("file o cartella inesistente"),
        "{message}"
    );
    let message = session_action(&mut h, &foreign, "Apri sessione");
    assert!(
        message.contains("non è una sessione di gradscope (formato \"notes\")"),
        "{message}"
    );
}

#[test]
fn the_relu_init_lesson_shows_the_error_signal_and_the_bars_can_switch() {
    let mut h = harness("relu-init", Lang::En);
    h.state().send(Playback::Step(2));
    until(&mut h, |app| app.steps() >= 2);
    let ids = |app: &GradscopeApp| app.figures().into_iter().map(|f| f.id).collect::<Vec<_>>();
    assert!(
        ids(h.state()).contains(&"deltas".to_string()),
        "{:?}",
        ids(h.state())
    );
    h.get_by_label("||dL/dW||").click();
    h.run_steps(2);
    assert!(
        ids(h.state()).contains(&"gradients".to_string()),
        "{:?}",
        ids(h.state())
    );
}

#[test]
fn the_landscape_tab_slices_the_live_networks_around_their_weights() {
    let mut h = harness("residual-rescue", Lang::En);
    let lesson = gradscope::lessons::find("residual-rescue").unwrap();
    h.state().send(Command::Reset {
        config: lesson.config.clone(),
        mode: Mode::Twins,
    });
    h.state().send(Playback::Step(20));
    until(&mut h, |app| app.steps() >= 20);
    h.get_by_label("Loss landscape").click();
    h.run_steps(2);
    assert_eq!(h.state().view(), View::Landscape);
    h.get_by_label("Compute the landscape (live run at step 20)")
        .click();
    until(&mut h, |app| app.landscape_result().is_some());
    let result = h.state().landscape_result().unwrap().clone();
    assert_eq!(result.step, 20);
    assert_eq!(result.slices.len(), 2, "one slice per twin");
    h.run_steps(3);
    assert!(h.query_by_label_contains("Loss landscape: plain").is_some());
    assert!(
        h.query_by_label_contains("Loss landscape: residual")
            .is_some()
    );
    // The centre of each slice is its network's training loss, to the bit.
    let (reply, answer) = std::sync::mpsc::channel();
    h.state().send(Command::Networks(reply));
    let (_, runs) = answer.recv_timeout(Duration::from_secs(10)).unwrap();
    for ((twin, slice), run) in result.slices.iter().zip(runs) {
        assert_eq!(*twin, run.twin);
        let mut config = h.state().config().clone();
        if run.twin == Some(gradscope::train::Twin::Plain) {
            config.skip = gradscope::nn::Skip::Off;
        }
        let trained = gradscope::nn::Run::with_network(config, run.mlp);
        assert_eq!(slice.centre(), trained.evaluate(&trained.data.train).loss);
    }
    // Export all (on the live tab) writes both twins' landscapes.
    let root = tempfile::tempdir().unwrap();
    h.state_mut().set_export_root(root.path().to_path_buf());
    h.get_by_label("Live training").click();
    h.run_steps(2);
    h.get_by_label("Export all").click();
    h.run_steps(2);
    let message = h.state().message().unwrap().to_string();
    assert!(message.starts_with("Exported to "), "{message}");
    let dir = std::path::PathBuf::from(message.trim_start_matches("Exported to "));
    for id in ["landscape_plain", "landscape_residual"] {
        for extension in ["png", "svg", "csv"] {
            let file = dir.join(format!("{id}.{extension}"));
            assert!(file.is_file(), "{}", file.display());
        }
    }
    h.get_by_label("Loss landscape").click();
    h.run_steps(2);
    // Computing again can be cancelled.
    h.get_by_label_contains("Compute the landscape").click();
    until(&mut h, |app| app.landscape_progress().0);
    h.run_steps(1);
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert!(!h.state().landscape_progress().0);
}
