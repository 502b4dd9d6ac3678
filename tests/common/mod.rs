//! What the tests share: the real App reset to a lesson and
//! paused, waiting until it gets somewhere, and stepping it; the binary run
//! with arguments.
// Each test crate includes this module and uses its own part of it.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use gradscope::app::GradscopeApp;
use gradscope::lang::Lang;
use gradscope::train::{Command, Mode, Playback, State};

/// The App at 1400×900 in `lang`, reset to `lesson`'s network in `mode`,
/// paused at step 0 and drawn.
pub fn app_on(lesson: &str, mode: Mode, lang: Lang) -> Harness<'static, GradscopeApp> {
    let lesson = lesson.to_owned();
    let start = gradscope::lessons::find(&lesson).unwrap();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |cc| GradscopeApp::new(&cc.egui_ctx, lang, Some(&lesson)).unwrap());
    harness.state().send(Playback::Pause);
    harness.state().send(Command::Reset {
        config: start.config,
        mode,
    });
    // The lesson may have trained and reported a few steps before the
    // pause: wait for the reset's own epoch, or step targets would count
    // from the old run's steps.
    until(&mut harness, |app| {
        app.live().epoch() >= 1 && app.steps() == 0 && *app.training_state() == State::Paused
    });
    harness.run_steps(2);
    harness
}

/// Runs frames until `done` holds (at most 120 s, then fails).
pub fn until(harness: &mut Harness<'static, GradscopeApp>, done: impl Fn(&GradscopeApp) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while !done(harness.state()) {
        assert!(
            Instant::now() < deadline,
            "the app did not get there in 120 s"
        );
        std::thread::sleep(Duration::from_millis(10));
        harness.run_steps(1);
    }
}

/// Takes `n` more steps at once and waits until the window has drawn them.
pub fn step(h: &mut Harness<'static, GradscopeApp>, n: u64) {
    let target = h.state().steps() + n;
    h.state().send(Playback::Step(n));
    until(h, |app| {
        app.steps() == target && *app.training_state() == State::Paused
    });
    h.run_steps(3);
}

/// Takes `n` single steps, each drawn before the next (so replay records
/// every one).
pub fn steps(h: &mut Harness<'static, GradscopeApp>, n: u64) {
    for _ in 0..n {
        let target = h.state().steps() + 1;
        h.state().send(Playback::Step(1));
        until(h, |app| {
            app.steps() == target && *app.training_state() == State::Paused
        });
        h.run_steps(2);
    }
}

/// Runs the gradscope binary with `args`.
pub fn gradscope(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_gradscope"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Runs the gradscope binary, which must succeed; its standard output.
pub fn ok(args: &[&str]) -> String {
    let out = gradscope(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}
