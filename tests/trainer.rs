//! The trainer thread: commands between steps, twins in lockstep, nothing
//! lost when the watcher is slow, and a clean stop.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use gradscope::nn::{Config, Run, Skip, SkipStyle};
use gradscope::train::sweep::{SweepPlan, run_sweep, train_job};
use gradscope::train::{
    Command, Edit, EventKind, History, Mode, Playback, State, Trainer, Twin, Update,
};

fn config() -> Config {
    Config {
        depth: 5,
        width: 8,
        batch: 16,
        samples: 100,
        ..Config::default()
    }
}

fn spawn(config: Config, mode: Mode) -> Trainer {
    Trainer::spawn(config, mode, Box::new(|| {})).unwrap()
}

/// Collects updates until `done` holds for the merged result.
fn collect_until(
    trainer: &Trainer,
    mut merged: Option<Update>,
    done: impl Fn(&Update) -> bool,
) -> Update {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(m) = &merged
            && done(m)
        {
            return merged.unwrap();
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for the trainer"
        );
        if let Some(update) = trainer.recv_timeout(Duration::from_millis(50)) {
            match merged.as_mut() {
                Some(m) => m.merge(update),
                None => merged = Some(update),
            }
        }
    }
}

fn steps_of(update: &Update, run: usize) -> u64 {
    update.runs[run].history.steps()
}

#[test]
fn step_pause_play_and_reset() {
    let trainer = spawn(config(), Mode::Single);
    let first = collect_until(&trainer, None, |_| true);
    assert_eq!(first.state, State::Paused, "a new trainer waits");
    assert_eq!(steps_of(&first, 0), 0);

    assert!(trainer.send(Playback::Step(7)));
    let after = collect_until(&trainer, Some(first), |u| {
        steps_of(u, 0) == 7 && u.state == State::Paused
    });
    assert_eq!(after.runs[0].latest.as_ref().unwrap().step, 6);

    trainer.send(Playback::Play);
    let playing = collect_until(&trainer, Some(after), |u| steps_of(u, 0) > 50);
    trainer.send(Playback::Pause);
    let paused = collect_until(&trainer, Some(playing), |u| u.state == State::Paused);
    // Paused means no more steps.
    let count = steps_of(&paused, 0);
    std::thread::sleep(Duration::from_millis(200));
    let still = trainer.drain();
    assert!(
        still.is_none_or(|u| u.runs[0].history.steps() == 0),
        "stepped while paused"
    );

    let new = Config {
        depth: 3,
        ..config()
    };
    trainer.send(Command::Reset {
        config: new.clone(),
        mode: Mode::Single,
    });
    let reset = collect_until(&trainer, None, |u| u.epoch == 1);
    assert_eq!(reset.config, new);
    assert_eq!(reset.runs[0].skips.len(), 1);
    assert!(count >= 50);
}

#[test]
fn a_skip_toggle_changes_the_topology_from_the_next_step() {
    let trainer = spawn(config(), Mode::Single);
    trainer.send(Playback::Step(10));
    let before = collect_until(&trainer, None, |u| steps_of(u, 0) == 10);
    assert_eq!(before.runs[0].skips, vec![false, false]);
    trainer.send(Edit::SetSkipStyle(SkipStyle::Slides));
    trainer.send(Edit::SetSkip { block: 1, on: true });
    trainer.send(Edit::SetSkip { block: 9, on: true });
    trainer.send(Playback::Step(5));
    let after = collect_until(&trainer, Some(before), |u| steps_of(u, 0) == 15);
    assert_eq!(after.runs[0].skips, vec![false, true]);
    assert_eq!(after.runs[0].style, SkipStyle::Slides);
    let events = after.runs[0].history.events();
    assert!(
        events.iter().any(|e| e.step == 10
            && e.kind
                == EventKind::Skip {
                    block: Some(1),
                    on: true
                }),
        "{events:?}"
    );
    assert!(
        events
            .iter()
            .any(|e| e.kind == EventKind::SkipStyle(SkipStyle::Slides))
    );

    // The trainer's run equals a run toggled by hand at the same step.
    let mut by_hand = Run::new(config()).unwrap();
    for _ in 0..10 {
        by_hand.step();
    }
    by_hand.set_skip_style(SkipStyle::Slides);
    by_hand.set_skip(1, true);
    let mut last = 0.0;
    for _ in 0..5 {
        last = by_hand.step().loss;
    }
    assert_eq!(after.runs[0].latest.as_ref().unwrap().loss, last);
}

#[test]
fn a_bad_block_is_rejected_with_a_message() {
    let trainer = spawn(config(), Mode::Single);
    trainer.send(Edit::SetSkip { block: 9, on: true });
    let update = collect_until(&trainer, None, |u| u.rejected.is_some());
    let message = update.rejected.unwrap();
    assert!(
        message.contains("block 9") && message.contains("2 residual blocks"),
        "{message}"
    );
}

#[test]
fn twins_stay_identical_while_the_skips_are_off() {
    let trainer = spawn(
        Config {
            skip: Skip::Identity,
            ..config()
        },
        Mode::Twins,
    );
    trainer.send(Edit::SetAllSkips(false));
    trainer.send(Playback::Step(40));
    let update = collect_until(&trainer, None, |u| {
        steps_of(u, 0) == 40 && steps_of(u, 1) == 40
    });
    assert_eq!(update.runs[0].twin, Some(Twin::Plain));
    assert_eq!(update.runs[1].twin, Some(Twin::Residual));
    assert_eq!(
        update.runs[0].history.buckets(),
        update.runs[1].history.buckets()
    );
    // With the skips on, they part ways; the plain twin keeps its skips off.
    trainer.send(Edit::SetAllSkips(true));
    trainer.send(Playback::Step(10));
    let update = collect_until(&trainer, Some(update), |u| {
        steps_of(u, 0) == 50 && steps_of(u, 1) == 50
    });
    assert_eq!(update.runs[0].skips, vec![false, false]);
    assert_eq!(update.runs[1].skips, vec![true, true]);
    assert_ne!(update.runs[0].latest, update.runs[1].latest);
}

#[test]
fn a_slow_watcher_loses_no_step() {
    let wakes = Arc::new(AtomicUsize::new(0));
    let counter = wakes.clone();
    let trainer = Trainer::spawn(
        config(),
        Mode::Single,
        Box::new(move || {
            counter.fetch_add(1, Ordering::Relaxed);
        }),
    )
    .unwrap();
    trainer.send(Playback::Step(3000));
    // Read nothing for a while: the channel fills and batches merge.
    std::thread::sleep(Duration::from_millis(600));
    let mut history = History::default();
    let mut last_step = None;
    let deadline = Instant::now() + Duration::from_secs(30);
    while history.steps() < 3000 {
        assert!(
            Instant::now() < deadline,
            "only {} steps arrived",
            history.steps()
        );
        if let Some(update) = trainer.recv_timeout(Duration::from_millis(50)) {
            for run in update.runs {
                history.append(run.history);
                last_step = run.latest.map(|s| s.step);
            }
            std::thread::sleep(Duration::from_millis(30));
        }
    }
    assert_eq!(history.steps(), 3000);
    assert_eq!(last_step, Some(2999));
    let covered: u64 = history.buckets().iter().map(|b| b.steps()).sum();
    assert_eq!(covered, 3000);
    // Woken at most about 30 times a second, and at least once.
    let woken = wakes.load(Ordering::Relaxed);
    assert!(woken >= 1);
}

#[test]
fn divergence_pauses_the_trainer() {
    let exploding = gradscope::lessons::find("exploding").unwrap().config;
    let trainer = spawn(exploding, Mode::Single);
    trainer.send(Playback::Play);
    let update = collect_until(&trainer, None, |u| {
        u.state == State::Paused
            && u.runs[0]
                .history
                .events()
                .iter()
                .any(|e| matches!(e.kind, EventKind::Diverged(_)))
    });
    assert!(steps_of(&update, 0) < 120);
}

#[test]
fn dropping_the_trainer_stops_it() {
    let trainer = spawn(
        Config {
            depth: 2,
            width: 4,
            ..config()
        },
        Mode::Single,
    );
    trainer.send(Playback::Play);
    std::thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    drop(trainer);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn sweeps_use_every_job_and_can_be_cancelled() {
    let plan = SweepPlan {
        base: Config {
            activation: gradscope::nn::Activation::Tanh,
            ..config()
        },
        depths: vec![2, 4, 6],
        skips: vec![Skip::Off, Skip::Identity],
        seeds: vec![1, 2],
        steps: 30,
    };
    let progress = AtomicUsize::new(0);
    let cancel = AtomicBool::new(false);
    let records = run_sweep(&plan, 2, &cancel, &|done, total, _| {
        assert!(done <= total);
        progress.fetch_add(1, Ordering::Relaxed);
    })
    .unwrap();
    assert_eq!(records.len(), 12);
    assert_eq!(progress.load(Ordering::Relaxed), 12);
    // Order and values do not depend on the thread count.
    let one_thread = run_sweep(&plan, 1, &cancel, &|_, _, _| {}).unwrap();
    assert_eq!(records, one_thread);
    let direct = train_job(
        &Config {
            depth: 4,
            skip: Skip::Identity,
            seed: 2,
            ..plan.base.clone()
        },
        30,
        &cancel,
    )
    .unwrap()
    .unwrap();
    assert!(records.contains(&direct));

    cancel.store(true, Ordering::Relaxed);
    assert!(
        run_sweep(&plan, 2, &cancel, &|_, _, _| {})
            .unwrap()
            .is_empty()
    );
    // A bad depth is reported before anything trains.
    let bad = SweepPlan {
        depths: vec![0],
        ..plan
    };
    let err = run_sweep(&bad, 2, &AtomicBool::new(false), &|_, _, _| {}).unwrap_err();
    assert_eq!(err.field, "depth");
}

#[test]
fn a_speed_cap_bounds_the_steps() {
    use gradscope::train::Speed;
    let trainer = spawn(config(), Mode::Single);
    trainer.send(Playback::SetSpeed(Speed::PerSecond(20.0)));
    trainer.send(Playback::Play);
    let started = Instant::now();
    std::thread::sleep(Duration::from_millis(500));
    trainer.send(Playback::Pause);
    let update = collect_until(&trainer, None, |u| {
        u.state == State::Paused && steps_of(u, 0) > 0
    });
    // At 20 steps/s the trainer cannot have taken more than 20 per second
    // elapsed (plus the first): a one-sided bound a busy machine only helps.
    let bound = 1 + (20.0 * started.elapsed().as_secs_f64()).ceil() as u64;
    assert!(
        steps_of(&update, 0) <= bound,
        "{} steps > {bound}",
        steps_of(&update, 0)
    );
    assert!(steps_of(&update, 0) >= 1);
}

/// Every run's network, step count and optimiser state, as a save gets them.
fn networks(trainer: &Trainer) -> Vec<gradscope::session::RunState> {
    let (reply, answer) = std::sync::mpsc::channel();
    assert!(trainer.send(Command::Networks(reply)));
    answer.recv_timeout(Duration::from_secs(30)).unwrap().1
}

#[test]
fn a_reopened_session_trains_to_the_same_bits_as_one_never_saved() {
    use gradscope::lang::Lang;
    use gradscope::nn::OptimizerKind;
    use gradscope::session::Session;
    // Adam (two moments) and momentum (one), each chosen live as the
    // window does, with a new learning rate; batches of 16 from 100
    // points, so the saved step falls inside an epoch.
    for optimizer in [OptimizerKind::Adam, OptimizerKind::Momentum] {
        let first = spawn(
            Config {
                optimizer: OptimizerKind::Sgd,
                ..config()
            },
            Mode::Twins,
        );
        first.send(Edit::SetOptimizer(optimizer));
        first.send(Edit::SetLearningRate(0.003));
        first.send(Playback::Step(23));
        let update = collect_until(&first, None, |u| {
            steps_of(u, 0) == 23 && u.state == State::Paused
        });
        // What the window saves: the configuration the trainer reports.
        let config = update.config;
        assert_eq!((config.optimizer, config.learning_rate), (optimizer, 0.003));
        let saved = Session::new(
            Lang::En,
            "vanishing",
            Mode::Twins,
            &config,
            &networks(&first),
        );
        let text = serde_json::to_string(&saved).unwrap();
        let read: Session = serde_json::from_str(&text).unwrap();
        let runs = read.restore().unwrap();

        let second = spawn(self::config(), Mode::Twins);
        second.send(Command::Restore {
            config: config.clone(),
            mode: Mode::Twins,
            runs,
        });
        collect_until(&second, None, |u| u.state == State::Paused);
        for trainer in [&first, &second] {
            trainer.send(Playback::Step(17));
        }
        let bits = |trainer: &Trainer| -> Vec<Vec<u32>> {
            let deadline = Instant::now() + Duration::from_secs(30);
            loop {
                let runs = networks(trainer);
                if runs.iter().all(|r| r.steps == 40) {
                    return runs
                        .iter()
                        .flat_map(|r| &r.mlp.layers)
                        .map(|l| {
                            l.weight
                                .iter()
                                .chain(&l.bias)
                                .map(|v| v.to_bits())
                                .collect()
                        })
                        .collect();
                }
                assert!(
                    Instant::now() < deadline,
                    "the trainer did not reach step 40"
                );
                std::thread::sleep(Duration::from_millis(10));
            }
        };
        assert_eq!(bits(&first), bits(&second), "{optimizer}");
    }
}
