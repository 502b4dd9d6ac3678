//! The loss landscape of the live networks, computed on a thread of its
//! own so that training and drawing go on: progress in rows, cancellable,
//! one slice per twin with directions from the same seed.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::thread::JoinHandle;

use crate::nn::landscape::{self, Directions, Landscape};
use crate::nn::run::data_of;
use crate::nn::{Config, Mlp};

use super::command::Twin;

/// What to slice: the networks (with their twin, if any) at one step.
#[derive(Clone, Debug)]
pub struct LandscapeJob {
    pub config: Config,
    pub networks: Vec<(Option<Twin>, Mlp)>,
    pub step: u64,
    pub grid: usize,
    pub span: f32,
    pub direction_seed: u64,
}

/// A finished job: one slice per network, in the job's order.
#[derive(Clone, Debug)]
pub struct LandscapeResult {
    pub slices: Vec<(Option<Twin>, Landscape)>,
    pub step: u64,
    pub seconds: f64,
}

/// A job on its thread.
pub struct BackgroundLandscape {
    rows_done: Arc<AtomicUsize>,
    rows_total: usize,
    cancel: Arc<AtomicBool>,
    result: Receiver<LandscapeResult>,
    thread: Option<JoinHandle<()>>,
}

/// How a background job stands.
#[derive(Debug)]
pub enum LandscapeNews {
    /// Rows done of rows planned.
    Running {
        done: usize,
        total: usize,
    },
    Finished(LandscapeResult),
    /// Cancelled, or the thread ended without a result.
    Stopped,
}

impl BackgroundLandscape {
    /// Starts `job` on a new thread; `wake` is called after every row (to
    /// redraw the progress). Fails only if the system refuses a thread.
    pub fn start(
        job: LandscapeJob,
        wake: impl Fn() + Send + 'static,
    ) -> std::io::Result<BackgroundLandscape> {
        let grid = job.grid.clamp(2, landscape::MAX_GRID);
        let rows_total = grid * job.networks.len();
        let rows_done = Arc::new(AtomicUsize::new(0));
        let cancel = Arc::new(AtomicBool::new(false));
        let (send, result) = mpsc::channel();
        let (done, stop) = (rows_done.clone(), cancel.clone());
        let thread = std::thread::Builder::new()
            .name("landscape".into())
            .spawn(move || {
                if let Some(finished) = run(&job, &done, &stop, &wake) {
                    // The window may have dropped the job: nobody to tell.
                    let _ = send.send(finished);
                }
                wake();
            })?;
        Ok(BackgroundLandscape {
            rows_done,
            rows_total,
            cancel,
            result,
            thread: Some(thread),
        })
    }

    /// The job's state now (a finished result is handed out once).
    pub fn poll(&mut self) -> LandscapeNews {
        match self.result.try_recv() {
            Ok(result) => LandscapeNews::Finished(result),
            Err(TryRecvError::Disconnected) => LandscapeNews::Stopped,
            Err(TryRecvError::Empty) => LandscapeNews::Running {
                done: self.rows_done.load(Ordering::Relaxed),
                total: self.rows_total,
            },
        }
    }

    /// Asks the thread to stop after its current row.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

impl Drop for BackgroundLandscape {
    fn drop(&mut self) {
        self.cancel();
        if let Some(thread) = self.thread.take() {
            // A row takes milliseconds: the wait is short.
            let _ = thread.join();
        }
    }
}

/// The job itself, on the calling thread: None if cancelled.
pub fn run(
    job: &LandscapeJob,
    rows_done: &AtomicUsize,
    cancel: &AtomicBool,
    wake: &dyn Fn(),
) -> Option<LandscapeResult> {
    let started = std::time::Instant::now();
    let data = data_of(&job.config);
    let mut slices = Vec::with_capacity(job.networks.len());
    for (twin, mlp) in &job.networks {
        let directions = Directions::filter_normalised(mlp, job.direction_seed);
        let slice = landscape::compute(
            mlp,
            &directions,
            &data.train,
            job.config.loss,
            job.grid,
            job.span,
            |_| {
                rows_done.fetch_add(1, Ordering::Relaxed);
                wake();
                !cancel.load(Ordering::Relaxed)
            },
        )?;
        slices.push((*twin, slice));
    }
    Some(LandscapeResult {
        slices,
        step: job.step,
        seconds: started.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::Run;

    fn job(grid: usize) -> LandscapeJob {
        let config = Config {
            depth: 3,
            width: 6,
            samples: 60,
            ..Config::default()
        };
        let run = Run::new(config.clone()).unwrap();
        LandscapeJob {
            config,
            networks: vec![
                (Some(Twin::Plain), run.mlp.clone()),
                (Some(Twin::Residual), run.mlp),
            ],
            step: 0,
            grid,
            span: 1.0,
            direction_seed: 1,
        }
    }

    #[test]
    fn a_background_job_finishes_with_one_slice_per_network() {
        let mut background = BackgroundLandscape::start(job(7), || {}).unwrap();
        let result = loop {
            match background.poll() {
                LandscapeNews::Finished(result) => break result,
                LandscapeNews::Stopped => panic!("stopped"),
                LandscapeNews::Running { done, total } => {
                    assert!(done <= total && total == 14);
                    std::thread::yield_now();
                }
            }
        };
        assert_eq!(result.slices.len(), 2);
        assert_eq!(result.slices[0].1.losses.len(), 49);
        // The same network and directions: the same slice.
        assert_eq!(result.slices[0].1, result.slices[1].1);
    }

    #[test]
    fn a_cancelled_job_stops() {
        let cancel = AtomicBool::new(true);
        let done = AtomicUsize::new(0);
        assert!(run(&job(9), &done, &cancel, &|| {}).is_none());
        assert_eq!(done.load(Ordering::Relaxed), 1);
    }
}
