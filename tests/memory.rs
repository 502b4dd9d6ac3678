//! Issue 15, memory: a configuration is checked against the memory budget
//! before anything is allocated, and what can go in pieces does (evaluation,
//! the decision grid, gradients over a large batch, sweeps' threads).
//!
//! Measured by hand (dev build, `/usr/bin/time -v`, max RSS), against
//! `Config::memory().total()`, for depth 100 at width 1024 (default
//! settings otherwise): estimate 1.73 GiB; `gradscope sweep --depths 100
//! --width 1024 --steps 1 --skip off` (one network: a run, a step,
//! evaluation) peaked at 1.72 GiB, a factor 1.0; on two threads 3.43 GiB.
//! `gradscope run` with the same network peaked at 2.82 GiB (1.6 times:
//! it also holds the initial and final model files' bytes). The estimate
//! is within a factor 2 of the measured peak either way.

use gradscope::cli::bench_config;
use gradscope::explain::Explain;
use gradscope::lang::Lang;
use gradscope::nn::memory::{NETWORK_BUDGET, TOTAL_BUDGET, chunk_rows};
use gradscope::nn::{
    Activation, Allowed, Config, Loss, Run, Skip, Targets, batch_gradients, predict_in_chunks,
};
use gradscope::train::Replay;
use gradscope::train::sweep::threads_for;
use ndarray::Array2;

fn huge() -> Config {
    Config {
        depth: 256,
        width: 1024,
        ..Config::default()
    }
}

#[test]
fn a_configuration_over_the_budget_is_refused_before_allocating() {
    let err = huge().validate().unwrap_err();
    assert_eq!(err.field, "depth");
    let Allowed::Memory { estimate, budget } = err.allowed else {
        panic!("{err}")
    };
    assert_eq!(budget, NETWORK_BUDGET);
    assert!(estimate > 4 << 30, "{estimate}");
    assert!(Run::new(huge()).is_err());
    let en = err.explain(Lang::En);
    let it = err.explain(Lang::It);
    assert!(
        en.contains("GiB") && en.contains("budget") && en.contains("batch"),
        "{en}"
    );
    assert!(
        it.contains("GiB") && it.contains("limite") && it.contains("profondità"),
        "{it}"
    );

    // The largest at width 1024 that fits, and every lesson's size, pass.
    Config {
        depth: 100,
        width: 1024,
        ..Config::default()
    }
    .validate()
    .unwrap();
    Config::default().validate().unwrap();

    // The benchmark's batch: its workspace is the larger part, so the
    // batch is named.
    let bench = bench_config(64, 1024, 8192, Activation::Sigmoid);
    let err = bench.validate().unwrap_err();
    assert_eq!(err.field, "batch", "{err}");
    bench_config(16, 256, 8192, Activation::Sigmoid)
        .validate()
        .unwrap();
}

#[test]
fn the_estimate_counts_weights_moments_and_the_batch() {
    let config = Config {
        depth: 100,
        width: 1024,
        ..Config::default()
    };
    let m = config.memory();
    let params = 3 * 1024 + 99 * 1025 * 1024 + 1025 * 3;
    assert_eq!(m.weights, params * 4);
    assert_eq!(m.gradients, m.weights);
    assert_eq!(m.moments, 2 * m.weights);
    assert!(m.workspace >= 64 * 4 * 100 * 1024 * 4);
    assert!(m.total() <= NETWORK_BUDGET);
}

#[test]
fn a_sweep_of_large_networks_runs_on_fewer_threads() {
    let big = Config {
        depth: 100,
        width: 1024,
        ..Config::default()
    };
    let jobs = vec![big; 6];
    let threads = threads_for(&jobs, 8);
    assert!((1..8).contains(&threads), "{threads}");
    assert!(threads as u64 * jobs[0].memory().total() <= TOTAL_BUDGET);
    let small = vec![Config::default(); 6];
    assert_eq!(threads_for(&small, 8), 6);
    assert_eq!(threads_for(&small, 2), 2);
}

fn deep_run() -> Run {
    let mut run = Run::new(Config {
        depth: 6,
        width: 16,
        skip: Skip::Identity,
        samples: 1000,
        ..Config::default()
    })
    .unwrap();
    for _ in 0..20 {
        run.step();
    }
    run
}

fn close(a: f32, b: f32) -> bool {
    (a - b).abs() <= 1e-5 * (1.0 + a.abs().max(b.abs()))
}

#[test]
fn chunked_evaluation_equals_one_pass() {
    let run = deep_run();
    let x = run.data.train.x.view();
    let whole = run.mlp.predict(x);
    for chunk in [1, 7, 64, 799, 800, 10_000] {
        let parts = predict_in_chunks(&run.mlp, x, chunk);
        assert_eq!(parts.dim(), whole.dim());
        for (a, b) in parts.iter().zip(&whole) {
            assert!(close(*a, *b), "chunk {chunk}: {a} vs {b}");
        }
    }
    // Evaluation goes through the chunks and gives the one-pass loss.
    let eval = run.evaluate(&run.data.train);
    let loss = Loss::CrossEntropy.value(&whole, Targets::Classes(&run.data.train.y));
    assert!(
        (eval.loss - loss).abs() < 1e-6 * (1.0 + loss.abs()),
        "{eval:?} {loss}"
    );
    // The grid too, at any resolution asked, bounded.
    let grid = run.decision_grid(10_000, 10).unwrap();
    assert_eq!(grid.resolution, gradscope::nn::memory::MAX_GRID_RESOLUTION);
    assert!(chunk_rows(&huge().shape()) >= 1);
}

#[test]
fn chunked_gradients_equal_one_pass() {
    let run = deep_run();
    let x = run.data.train.x.view();
    let labels = &run.data.train.y;
    let rows = x.nrows();
    let targets: Array2<f32> = Array2::from_shape_fn((rows, run.mlp.shape().outputs), |(i, j)| {
        (i * 7 + j) as f32 * 0.01
    });
    for (loss, t) in [
        (Loss::CrossEntropy, Targets::Classes(labels)),
        (Loss::Mse, Targets::Classes(labels)),
        (Loss::Mse, Targets::Values(targets.view())),
    ] {
        let (whole_loss, whole) = batch_gradients(&run.mlp, loss, x, t, rows);
        for chunk in [1, 13, 256, rows - 1] {
            let (part_loss, parts) = batch_gradients(&run.mlp, loss, x, t, chunk);
            assert!(
                (part_loss - whole_loss).abs() < 1e-6 * (1.0 + whole_loss.abs()),
                "{loss:?} chunk {chunk}: {part_loss} vs {whole_loss}"
            );
            for (a, b) in parts.iter().zip(&whole) {
                let scale = b.weight.iter().fold(0.0f32, |m, v| m.max(v.abs()));
                for (u, v) in a
                    .weight
                    .iter()
                    .chain(&a.bias)
                    .zip(b.weight.iter().chain(&b.bias))
                {
                    assert!(
                        (u - v).abs() <= 1e-4 * scale.max(1e-6),
                        "{loss:?} chunk {chunk}: {u} vs {v}"
                    );
                }
            }
        }
    }
}

/// A session under the file cap whose one weight array is huge is refused
/// by counting, before its arrays are parsed.
#[test]
fn a_session_with_a_huge_array_is_refused_unread() {
    use gradscope::session::{self, RunState, Session};
    use gradscope::train::{History, Mode};
    let config = Config {
        depth: 3,
        width: 4,
        ..Config::default()
    };
    let mut run = Run::new(config.clone()).unwrap();
    run.step();
    let state = RunState {
        twin: None,
        mlp: run.mlp.clone(),
        steps: 1,
        history: History::default(),
        moments: Some(run.moments()),
    };
    let saved = Session::new(Lang::En, "vanishing", Mode::Single, &config, &[state]);
    let text = serde_json::to_string(&saved).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.json");
    std::fs::write(&good, &text).unwrap();
    session::load(&good).unwrap();

    // 20 million numbers (40 MB of text; 160 MB once parsed, and growing
    // with the file up to its cap) in the first layer's weight.
    let huge = format!("\"weight\":[{}", "0,".repeat(20_000_000));
    let bad_text = text.replacen("\"weight\":[", &huge, 1);
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, &bad_text).unwrap();
    let err = session::load(&bad).unwrap_err();
    let en = err.explain(Lang::En);
    assert!(en.contains("numbers") && en.contains("at most"), "{en}");
    let it = err.explain(Lang::It);
    assert!(it.contains("numeri"), "{it}");
    assert!(session::max_numbers(&config, Mode::Single) < 20_000_000);
}

/// Replay after 10^6 steps: updates of 50 steps each (as the trainer
/// sends them at full speed), a new decision grid and data view every
/// 8th update, an event every 2000 steps; compare mode (two runs). What
/// it holds stays under `Replay::bound`, and the number is printed for
/// the notes.
fn replay_after_a_million_steps(config: Config) -> (usize, usize, Replay) {
    use gradscope::train::trainer::{GRID_POINTS, GRID_RESOLUTION, VIEW_SAMPLES};
    use gradscope::train::{RunUpdate, Twin};
    let mut run = Run::new(config.clone()).unwrap();
    let stats = run.step().clone();
    let grid = run.decision_grid(GRID_RESOLUTION, GRID_POINTS);
    let view = run.test_view(VIEW_SAMPLES);
    let histogram = gradscope::nn::Histogram::of(
        (0..200).map(|i| i as f32 / 40.0 - 2.5),
        -5.0,
        5.0,
        gradscope::train::replay::HISTOGRAM_BINS,
    );
    let mut runs: Vec<RunUpdate> = [Twin::Plain, Twin::Residual]
        .into_iter()
        .map(|twin| {
            let mut update = RunUpdate::empty(Some(twin));
            update.latest = Some(stats.clone());
            update.histogram = Some(histogram.clone());
            update.grid = grid.clone();
            update.view = Some(view.clone());
            update.skips = vec![true; gradscope::nn::mlp::block_count(config.depth)];
            update
        })
        .collect();
    let mut replay = Replay::default();
    let mut record = 0u64;
    let mut step = 0u64;
    let mut most = 0;
    while step < 1_000_000 {
        step += 50;
        record += 1;
        for run in &mut runs {
            if let Some(latest) = &mut run.latest {
                latest.step = step;
            }
            if record.is_multiple_of(8) {
                if let Some(grid) = &mut run.grid {
                    grid.step = step;
                }
                if let Some(view) = &mut run.view {
                    view.step = step;
                }
            }
        }
        replay.record(&runs, 0, step.is_multiple_of(2000));
        if record.is_multiple_of(1000) {
            most = most.max(replay.bytes());
        }
    }
    (most.max(replay.bytes()), replay.bound(&config, 2), replay)
}

#[test]
fn replay_stays_within_its_bound_after_a_million_steps() {
    use gradscope::nn::Dataset;
    use gradscope::train::replay::{SLOTS, STOPS};
    let spiral = Config {
        depth: 32,
        width: 32,
        ..Config::default()
    };
    let digits = Config {
        depth: 16,
        width: 32,
        dataset: Dataset::Digits,
        ..Config::default()
    };
    for (name, config) in [("spiral depth 32", spiral), ("digits depth 16", digits)] {
        let (most, bound, replay) = replay_after_a_million_steps(config);
        println!(
            "replay, {name}, two runs, 10^6 steps: at most {most} bytes held, bound {bound}; \
             {} moments, {} stops, stride {}",
            replay.moments().len(),
            replay.stops().len(),
            replay.stride()
        );
        assert!(most <= bound, "{name}: {most} > {bound}");
        // The bound is not loose by more than a factor 2.
        assert!(most * 2 > bound, "{name}: {most} far below {bound}");
        assert!(replay.moments().len() <= SLOTS + STOPS);
        assert!(replay.stops().len() <= STOPS);
        let (first, last) = replay.range().unwrap();
        assert!(first < 10_000 && last == 1_000_000, "{first}..{last}");
        assert!(replay.stride() >= 2048, "{}", replay.stride());
    }
}
