//! Depth sweeps: the same configuration at several depths, plain and
//! residual, over several seeds, each trained for a fixed number of steps;
//! the final training loss shows the degradation problem and its cure.
//! Jobs are spread over the machine's cores; `BackgroundSweep` runs one
//! on its own thread for the window. The networks trained at once (one
//! per thread) together fit `nn::memory::TOTAL_BUDGET`: a sweep of large
//! networks runs on fewer threads.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use serde::Serialize;

use crate::nn::{Allowed, Config, ConfigError, NonFinite, Run, Skip, memory};

/// One trained network of a sweep.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SweepRecord {
    pub depth: usize,
    pub skip: Skip,
    pub seed: u64,
    /// Loss on the whole training set after the last step (NaN if diverged).
    pub final_train_loss: f64,
    pub final_test_accuracy: f64,
    pub diverged: Option<NonFinite>,
}

/// What to sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepPlan {
    pub base: Config,
    pub depths: Vec<usize>,
    pub skips: Vec<Skip>,
    pub seeds: Vec<u64>,
    pub steps: u64,
}

impl SweepPlan {
    /// Every (depth, skip, seed) configuration, validated up front so a bad
    /// depth is reported before any training starts.
    pub fn jobs(&self) -> Result<Vec<Config>, ConfigError> {
        if self.seeds.is_empty() {
            // A plan of no networks would finish "successfully" with nothing.
            return Err(ConfigError::new(
                "seeds",
                0,
                Allowed::Integers {
                    lo: 1,
                    hi: u64::MAX,
                },
            ));
        }
        let mut jobs = Vec::new();
        for &depth in &self.depths {
            for &skip in &self.skips {
                for &seed in &self.seeds {
                    let config = Config {
                        depth,
                        skip,
                        seed,
                        ..self.base.clone()
                    };
                    config.validate()?;
                    jobs.push(config);
                }
            }
        }
        Ok(jobs)
    }
}

/// How many of `wanted` threads can train `jobs` at once: each thread
/// holds one network, the largest counted for all, and together they fit
/// `memory::TOTAL_BUDGET` (at least one thread; each network alone fits
/// `memory::NETWORK_BUDGET`, checked by `Config::validate`).
pub fn threads_for(jobs: &[Config], wanted: usize) -> usize {
    let largest = jobs.iter().map(|c| c.memory().total()).max().unwrap_or(0);
    memory::threads_within_budget(wanted.min(jobs.len().max(1)), largest)
}

/// Seeds `first`, `first + 1`, ... (`count` of them), or the error that
/// names the largest first seed for which they all fit in a u64 (rather
/// than a plan that wraps round or holds no seed at all).
pub fn seed_range(first: u64, count: u64) -> Result<Vec<u64>, ConfigError> {
    if count == 0 {
        return Err(ConfigError::new(
            "seeds",
            count,
            Allowed::Integers {
                lo: 1,
                hi: u64::MAX,
            },
        ));
    }
    match first.checked_add(count - 1) {
        Some(last) => Ok((first..=last).collect()),
        None => Err(ConfigError::new(
            "seed",
            first,
            Allowed::Integers {
                lo: 0,
                hi: u64::MAX - (count - 1),
            },
        )),
    }
}

/// Trains one job to the end (or to its first NaN).
pub fn train_job(
    config: &Config,
    steps: u64,
    cancel: &AtomicBool,
) -> Result<Option<SweepRecord>, ConfigError> {
    let mut run = Run::new(config.clone())?;
    for _ in 0..steps {
        if cancel.load(Ordering::Relaxed) {
            return Ok(None);
        }
        run.step();
        if run.first_nonfinite().is_some() {
            break;
        }
    }
    let diverged = run.first_nonfinite();
    let train = run.evaluate(&run.data.train);
    let test = run.evaluate(&run.data.test);
    Ok(Some(SweepRecord {
        depth: config.depth,
        skip: config.skip,
        seed: config.seed,
        final_train_loss: if diverged.is_some() {
            f64::NAN
        } else {
            train.loss
        },
        // A diverged network's accuracy (ReLU turns NaN into 0) means nothing.
        final_test_accuracy: if diverged.is_some() {
            f64::NAN
        } else {
            test.accuracy
        },
        diverged,
    }))
}

/// Runs the plan on `threads` threads. `progress(done, total, record)` is
/// called from the worker threads as each job ends; `cancel` stops every
/// job at its next step. Records come back in the plan's order; cancelled
/// jobs are missing.
pub fn run_sweep(
    plan: &SweepPlan,
    threads: usize,
    cancel: &AtomicBool,
    progress: &(dyn Fn(usize, usize, &SweepRecord) + Sync),
) -> Result<Vec<SweepRecord>, ConfigError> {
    let jobs = plan.jobs()?;
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<SweepRecord>>> = Mutex::new(vec![None; jobs.len()]);
    let first_error: Mutex<Option<ConfigError>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..threads_for(&jobs, threads) {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(index) else { break };
                    match train_job(job, plan.steps, cancel) {
                        Ok(Some(record)) => {
                            let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                            progress(finished, jobs.len(), &record);
                            if let Ok(mut results) = results.lock() {
                                results[index] = Some(record);
                            }
                        }
                        Ok(None) => break,
                        Err(e) => {
                            if let Ok(mut slot) = first_error.lock() {
                                slot.get_or_insert(e);
                            }
                            cancel.store(true, Ordering::Relaxed);
                            break;
                        }
                    }
                }
            });
        }
    });
    if let Some(e) = first_error.into_inner().ok().flatten() {
        return Err(e);
    }
    Ok(results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect())
}

/// The machine's cores (1 if unknown).
pub fn available_threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// What a sweep in the background reports.
pub enum SweepNews {
    /// One network finished.
    Record(SweepRecord),
    /// The sweep ended: all done, cancelled (`Ok` with fewer records), or
    /// refused.
    Finished(Result<(), ConfigError>),
}

/// A sweep on its own thread (which fans out over every core). Dropping it
/// cancels the sweep and waits for its threads.
pub struct BackgroundSweep {
    cancel: Arc<AtomicBool>,
    news: Receiver<SweepNews>,
    thread: Option<JoinHandle<()>>,
}

impl BackgroundSweep {
    /// Starts `plan`; `wake` is called after each report (the window passes
    /// a closure that requests a repaint, so the sweep knows nothing of
    /// the UI).
    pub fn start(
        plan: SweepPlan,
        wake: Box<dyn Fn() + Send + Sync>,
    ) -> std::io::Result<BackgroundSweep> {
        let (sender, news) = mpsc::channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let stop = cancel.clone();
        let thread = std::thread::Builder::new()
            .name("gradscope-sweep".into())
            .spawn(move || {
                let report = |_: usize, _: usize, record: &SweepRecord| {
                    let _ = sender.send(SweepNews::Record(record.clone()));
                    wake();
                };
                let result = run_sweep(&plan, available_threads(), &stop, &report);
                let _ = sender.send(SweepNews::Finished(result.map(|_| ())));
                wake();
            })?;
        Ok(BackgroundSweep {
            cancel,
            news,
            thread: Some(thread),
        })
    }

    /// Asks the sweep to stop after the networks training now.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Every report waiting, oldest first; never blocks.
    pub fn news(&self) -> Vec<SweepNews> {
        self.news.try_iter().collect()
    }
}

impl Drop for BackgroundSweep {
    fn drop(&mut self) {
        self.cancel();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
