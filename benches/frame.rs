//! One frame of the window, headless (egui_kittest, no GPU): the CPU time
//! the UI takes with a 64-layer network and a 100,000-step history. The
//! trainer is paused, so the frame measures drawing alone (all six
//! panels, the decision boundary's 2 500 cells and 480 points included):
//! once with nothing new (figures reused), once with an update each frame
//! (figures built again from the whole history, as while training).

use criterion::{Criterion, criterion_group, criterion_main};
use egui_kittest::Harness;
use gradscope::app::GradscopeApp;
use gradscope::lang::Lang;
use gradscope::nn::{Config, Histogram, Run};
use gradscope::train::{History, Mode, Playback, RunUpdate, State, Update};

/// A 100,000-step history of a real 64-layer network: the statistics of
/// 500 real steps, replayed in order.
fn big_update(config: &Config) -> Update {
    let mut run = Run::new(config.clone()).expect("valid configuration");
    let stats: Vec<_> = (0..500).map(|_| run.step().clone()).collect();
    let mut history = History::default();
    for step in 0..100_000u64 {
        let mut s = stats[(step % 500) as usize].clone();
        s.step = step;
        history.push(&s);
    }
    let histogram: Histogram = run
        .pre_activation_histogram(32, -10.0, 10.0, 60)
        .expect("layer 32 exists");
    Update {
        epoch: 0,
        state: State::Paused,
        config: config.clone(),
        mode: Mode::Single,
        runs: vec![RunUpdate {
            twin: None,
            history,
            latest: Some(run.last_stats().clone()),
            histogram: Some(histogram),
            grid: run.decision_grid(50, 1000),
            view: Some(run.test_view(24)),
            skips: run.mlp.skips().to_vec(),
            style: run.mlp.style(),
        }],
        rejected: None,
    }
}

fn frame(c: &mut Criterion) {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .build_eframe(|cc| {
            GradscopeApp::new(&cc.egui_ctx, Lang::En, Some("vanishing")).expect("the app starts")
        });
    harness.state().send(Playback::Pause);
    harness.run_steps(2);
    std::thread::sleep(std::time::Duration::from_millis(200));
    harness.run_steps(2);
    let config = Config {
        depth: 64,
        ..harness.state().config().clone()
    };
    let big = big_update(&config);
    // The same runs with nothing new, for the second benchmark.
    let mut news = big.clone();
    harness.state_mut().absorb(big);
    harness.run_steps(2);
    // Nothing new (a repaint, a hover): the figures are reused.
    c.bench_function("frame_64_layers_100k_steps", |b| b.iter(|| harness.step()));
    // While training every frame brings an update: the figures are built
    // again from the whole history. (An empty update of the same runs.)
    news.runs.iter_mut().for_each(|r| {
        r.history = History::default();
        r.latest = None;
        r.histogram = None;
        r.grid = None;
    });
    c.bench_function("frame_64_layers_100k_steps_with_update", |b| {
        b.iter(|| {
            harness.state_mut().absorb(news.clone());
            harness.step()
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(5));
    targets = frame
}
criterion_main!(benches);
