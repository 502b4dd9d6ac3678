//! Replay, driven through the real App: the time line goes back to an
//! earlier step and every plot then shows that step's numbers (equal to
//! what replay recorded then), training goes on meanwhile, Live returns;
//! the stops jump to an event; the Italian labels; a session keeps the
//! moments, and an older session without them opens and says so.

mod common;
use common::{app_on, steps, until};

use egui_kittest::kittest::Queryable;
use gradscope::figures::{Figure, build};
use gradscope::lang::Lang;
use gradscope::train::{Mode, Playback, State};

fn figure(figures: &[Figure], id: &str) -> Figure {
    let ids: Vec<_> = figures.iter().map(|f| f.id.clone()).collect();
    figures
        .iter()
        .find(|f| f.id == id)
        .cloned()
        .unwrap_or_else(|| panic!("no figure {id} among {ids:?}"))
}

/// The gradient bars (named by what they show: "gradients", "deltas"...),
/// second of the live figures.
fn bars(figures: &[Figure]) -> Figure {
    figures[1].clone()
}

/// The vertical markers of a figure labelled as the replayed step.
fn replay_markers(figure: &Figure) -> Vec<f64> {
    figure
        .markers
        .iter()
        .filter(|m| m.label.starts_with("replay") || m.label.starts_with("riavvolto"))
        .map(|m| m.value)
        .collect()
}

#[test]
fn going_back_shows_that_steps_numbers_while_training_goes_on_and_live_returns() {
    let mut h = app_on("residual-rescue", Mode::Single, Lang::En);
    steps(&mut h, 6);
    let recorded = h.state().live().replay().steps();
    assert_eq!(recorded, vec![0, 1, 2, 3, 4, 5], "a moment a step");
    let live_bars = bars(&h.state().figures());
    assert_eq!(live_bars.subtitle, "step 5");

    // `,` from the present: the last moment; twice more: step 3.
    for _ in 0..3 {
        h.key_press(egui::Key::Comma);
        h.run_steps(1);
    }
    assert_eq!(h.state().replay_at(), Some(3));
    assert!(h.query_by_label_contains("replaying step 3").is_some());
    let shown = h.state().figures();
    let moment = h.state().live().replay().at(3).unwrap().clone();
    let stats = moment.runs[0].latest.as_ref().unwrap();
    assert_eq!(stats.step, 3);
    // The bars are built from step 3's statistics, not the last step's.
    let lesson = gradscope::lessons::find("residual-rescue").unwrap();
    let config = h.state().config().clone();
    let expected = build::gradient_bars(&[(None, stats)], config.activation, lesson.bars, Lang::En);
    let bars = bars(&shown);
    assert_eq!(bars.id, expected.id);
    assert_eq!(bars.series, expected.series);
    assert_eq!(bars.subtitle, "step 3");
    assert_ne!(bars.series, live_bars.series);
    // The decision boundary and the histogram are those of that moment.
    let grid = moment.runs[0].grid.as_ref().expect("a grid by step 3");
    let boundary = figure(&shown, "decision_boundary");
    assert_eq!(
        boundary.heatmap,
        build::decision_boundary(grid, Lang::En).heatmap
    );
    let (lo, hi) = build::activation_range(config.activation);
    let histogram = moment.runs[0].histogram.as_ref().unwrap();
    let expected = build::activation(
        config.activation,
        Some((histogram, moment.runs[0].histogram_layer)),
        lo,
        hi,
        Lang::En,
    );
    assert_eq!(figure(&shown, "activation").series, expected.series);
    // The loss marks the step; the whole curve stays.
    let loss = figure(&shown, "loss");
    assert_eq!(replay_markers(&loss), vec![3.0]);
    assert_eq!(loss.series[0].points.len(), 6);
    // The API the GIF export draws from gives the same figures.
    assert_eq!(h.state().figures_at(3), Some(shown.clone()));

    // Training goes on while the plots show step 3.
    h.state().send(Playback::Play);
    until(&mut h, |app| app.steps() >= 40);
    h.state().send(Playback::Pause);
    until(&mut h, |app| *app.training_state() == State::Paused);
    h.run_steps(2);
    assert_eq!(h.state().replay_at(), Some(3));
    let later = h.state().figures();
    assert_eq!(self::bars(&later).series, bars.series);
    assert!(figure(&later, "loss").series[0].points.len() >= 40);
    assert_eq!(replay_markers(&figure(&later, "loss")), vec![3.0]);

    // `.` steps forward a moment; Live returns to the present.
    h.key_press(egui::Key::Period);
    h.run_steps(1);
    assert_eq!(h.state().replay_at(), Some(4));
    h.get_by_label("Live").click();
    h.run_steps(2);
    assert_eq!(h.state().replay_at(), None);
    let now = h.state().steps() - 1;
    let bars = self::bars(&h.state().figures());
    assert_eq!(bars.subtitle, format!("step {now}"));
    assert!(replay_markers(&figure(&h.state().figures(), "loss")).is_empty());
    // And the L key too.
    h.key_press(egui::Key::Comma);
    h.run_steps(1);
    assert!(h.state().replay_at().is_some());
    h.key_press(egui::Key::L);
    h.run_steps(1);
    assert_eq!(h.state().replay_at(), None);
}

#[test]
fn a_skip_toggle_is_a_stop_the_menu_and_the_brackets_jump_to() {
    let mut h = app_on("residual-rescue", Mode::Single, Lang::En);
    steps(&mut h, 4);
    let skips_before = h.state().skips();
    h.key_press(egui::Key::K);
    until(&mut h, |app| app.skips() != skips_before);
    h.run_steps(2);
    steps(&mut h, 4);
    let replay = h.state().live().replay().clone();
    assert_eq!(replay.stops().len(), 1, "{:?}", replay.moments().len());
    let stop = replay.stops()[0];
    // The moment of the stop shows the skips after the toggle; the one
    // before, before it.
    assert_eq!(replay.at(stop).unwrap().runs[0].skips, h.state().skips());
    assert_eq!(replay.at(stop - 1).unwrap().runs[0].skips, skips_before);

    h.get_by_label("Stops (1)").click();
    h.run_steps(2);
    h.get_by_label_contains(&format!("step {stop}: ")).click();
    h.run_steps(2);
    assert_eq!(h.state().replay_at(), Some(stop));
    h.key_press(egui::Key::L);
    h.run_steps(1);
    h.key_press(egui::Key::OpenBracket);
    h.run_steps(1);
    assert_eq!(h.state().replay_at(), Some(stop));
    h.key_press(egui::Key::Comma);
    h.run_steps(1);
    assert_eq!(h.state().replay_at(), Some(stop - 1));
    h.key_press(egui::Key::CloseBracket);
    h.run_steps(1);
    assert_eq!(h.state().replay_at(), Some(stop));
}

#[test]
fn the_time_line_speaks_italian() {
    let mut h = app_on("residual-rescue", Mode::Twins, Lang::It);
    steps(&mut h, 3);
    assert!(h.query_by_label("Dal vivo").is_some());
    assert!(h.query_by_label("Tappe (0)").is_some());
    assert!(h.query_by_label_contains("dal vivo: passo 2").is_some());
    h.key_press(egui::Key::Comma);
    h.key_press(egui::Key::Comma);
    h.run_steps(2);
    assert_eq!(h.state().replay_at(), Some(1));
    assert!(h.query_by_label_contains("rivedi il passo 1").is_some());
    // Both twins' moments; the marker in Italian.
    let moment = h.state().live().replay().at(1).unwrap().clone();
    assert_eq!(moment.runs.len(), 2);
    let loss = figure(&h.state().figures(), "loss");
    assert!(
        loss.markers
            .iter()
            .any(|m| m.label == "riavvolto al passo 1")
    );
}

#[test]
fn a_session_keeps_the_moments_and_an_older_one_opens_without_them() {
    let dir = tempfile::tempdir().unwrap();
    let (path, older) = (dir.path().join("now.json"), dir.path().join("older.json"));
    let mut h = app_on("residual-rescue", Mode::Single, Lang::En);
    steps(&mut h, 5);
    let saved_steps = h.state().live().replay().steps();
    let at_two = h.state().figures_at(2).unwrap();
    h.state_mut().save_session(&path).unwrap();
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let removed = json.as_object_mut().unwrap().remove("replay");
    assert!(removed.is_some(), "the session keeps replay's moments");
    std::fs::write(&older, serde_json::to_string(&json).unwrap()).unwrap();

    steps(&mut h, 3);
    h.state_mut().open_session(&path).unwrap();
    // Reopened, the network is measured before its next step: step 5.
    until(&mut h, |app| {
        app.steps() == 5 && app.live().replay().pictures_from() == Some(5)
    });
    h.run_steps(2);
    let mut reopened_steps = saved_steps.clone();
    reopened_steps.push(5);
    assert_eq!(h.state().live().replay().steps(), reopened_steps);
    let reopened = h.state().figures_at(2).unwrap();
    // The numbers come back to the bit; the decision grid is not kept.
    assert_eq!(bars(&reopened).series, bars(&at_two).series);
    for id in ["activation", "loss"] {
        assert_eq!(
            figure(&reopened, id).series,
            figure(&at_two, id).series,
            "{id}"
        );
    }
    assert!(reopened.iter().all(|f| f.id != "decision_boundary"));
    h.key_press(egui::Key::Comma);
    h.run_steps(2);
    assert!(
        h.query_by_label_contains("not the decision boundary")
            .is_some()
    );
    // It trains on and records again.
    steps(&mut h, 2);
    assert_eq!(h.state().live().replay().range(), Some((0, 6)));

    h.state_mut().open_session(&older).unwrap();
    until(&mut h, |app| {
        app.steps() == 5 && app.live().replay().missing_before() == Some(5)
    });
    h.run_steps(2);
    assert_eq!(h.state().live().replay().steps(), vec![5]);
    assert_eq!(h.state().figures_at(2), None);
    assert!(h.state().figures_at(5).is_some());
    assert!(
        h.query_by_label_contains("saved without replay: the steps before 5 cannot be shown")
            .is_some()
    );
    steps(&mut h, 2);
    assert_eq!(h.state().live().replay().steps(), vec![5, 6]);
}

#[test]
fn a_damaged_replay_in_a_session_is_refused_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let (path, damaged) = (dir.path().join("now.json"), dir.path().join("damaged.json"));
    let mut h = app_on("residual-rescue", Mode::Single, Lang::En);
    steps(&mut h, 3);
    h.state_mut().save_session(&path).unwrap();
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    // A moment whose skips do not fit the network.
    json["replay"]["moments"][1]["runs"][0]["skips"] = serde_json::json!([true]);
    std::fs::write(&damaged, serde_json::to_string(&json).unwrap()).unwrap();
    let message = h.state_mut().open_session(&damaged).unwrap_err();
    assert!(
        message.contains("replay moment at step 1 does not match its runs"),
        "{message}"
    );
    // Nothing changed: the runs and their moments are those before.
    assert_eq!(h.state().steps(), 3);
    assert_eq!(h.state().live().replay().steps(), vec![0, 1, 2]);
    // Moments out of order, too.
    json["replay"]["moments"][1]["runs"][0]["skips"] =
        json["replay"]["moments"][0]["runs"][0]["skips"].clone();
    json["replay"]["moments"][2]["step"] = serde_json::json!(0);
    std::fs::write(&damaged, serde_json::to_string(&json).unwrap()).unwrap();
    let message = h.state_mut().open_session(&damaged).unwrap_err();
    assert!(message.contains("replay moment at step 0"), "{message}");
}

#[test]
fn a_long_run_is_thinned_and_the_time_line_says_so() {
    let mut h = app_on("residual-rescue", Mode::Single, Lang::En);
    h.state()
        .send(Playback::SetSpeed(gradscope::train::Speed::Max));
    h.state().send(Playback::Play);
    until(&mut h, |app| app.live().replay().stride() > 1);
    h.state().send(Playback::Pause);
    until(&mut h, |app| *app.training_state() == State::Paused);
    h.run_steps(2);
    let replay = h.state().live().replay().clone();
    let (first, last) = replay.range().unwrap();
    // The moments still span the run, from near its start.
    assert!(first * 20 < last, "{first}..{last}");
    assert!(last + 1 >= h.state().steps() - 1, "{last}");
    assert!(replay.moments().len() <= gradscope::train::replay::SLOTS);
    let said = format!(
        "To keep memory bounded, {} moments are kept: one every {} steps or more",
        replay.moments().len(),
        replay.stride()
    );
    assert!(h.query_by_label_contains(&said).is_some(), "{said}");
}

/// `gradscope --session FILE --at STEP` (the command line's replay): the
/// window opens on the saved runs, paused, showing the moment at STEP, in
/// `--lang` if given; a bad file is one line naming the flag.
#[test]
fn the_command_line_opens_a_session_at_a_step() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("class.json");
    let mut h = app_on("residual-rescue", Mode::Single, Lang::En);
    steps(&mut h, 6);
    let at_three = h.state().figures_at(3).unwrap();
    h.state_mut().save_session(&path).unwrap();

    let mut fresh = app_on("vanishing", Mode::Single, Lang::En);
    fresh
        .state_mut()
        .open_at_start(&path, Some(3), Some(Lang::It))
        .unwrap();
    until(&mut fresh, |app| {
        app.steps() == 6 && *app.training_state() == State::Paused
    });
    fresh.run_steps(2);
    assert_eq!(fresh.state().lesson_id(), "residual-rescue");
    assert_eq!(fresh.state().replay_at(), Some(3));
    assert_eq!(
        bars(&fresh.state().live().figures_at(Lang::En, 3).unwrap()).series,
        bars(&at_three).series
    );
    // In Italian, as --lang asked, and the time line says where it is.
    assert!(fresh.query_by_label_contains("rivedi il passo 3").is_some());

    let missing = dir.path().join("nope.json");
    let said = fresh
        .state_mut()
        .open_at_start(&missing, None, None)
        .unwrap_err()
        .to_string();
    assert!(
        said.starts_with("--session: ") && said.contains("nope.json"),
        "{said}"
    );
    assert_eq!(
        fresh.state().lesson_id(),
        "residual-rescue",
        "a bad file changes nothing"
    );
}
