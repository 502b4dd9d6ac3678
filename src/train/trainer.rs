//! The trainer thread: owns the runs, takes commands between two steps,
//! and sends what it measured to whoever watches (the window, a test) in
//! batches through a bounded channel. It never waits for the watcher: when
//! the channel is full, new steps merge into the batch it still holds.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::nn::{
    Config, ConfigError, DecisionGrid, Histogram, Run, SkipStyle, StepStats, TestView,
};

use super::command::{
    Command, Edit, HistogramRequest, Mode, Playback, RunState, Speed, Twin, Watch,
};
use super::history::{EvalPoint, Event, EventKind, History};

/// Why a trainer could not start.
#[derive(Debug, thiserror::Error)]
pub enum SpawnError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("cannot start the trainer's thread: {0}")]
    Thread(std::io::Error),
}

/// Whether the trainer is stepping.
#[derive(Clone, Debug, PartialEq)]
pub enum State {
    Playing,
    Paused,
    /// A run panicked; the panic's own message (the window says the rest
    /// in its language). `Reset` starts again.
    Failed(String),
}

/// What one run measured since the previous batch.
#[derive(Clone, Debug, PartialEq)]
pub struct RunUpdate {
    /// Which twin, or `None` for a single run.
    pub twin: Option<Twin>,
    pub history: History,
    /// The statistics of the last step taken.
    pub latest: Option<StepStats>,
    pub histogram: Option<Histogram>,
    /// The class predicted over the input plane, a few times a second.
    pub grid: Option<DecisionGrid>,
    /// The test split's confusion matrix and first predictions (and an
    /// image network's first-layer weights), with the grid.
    pub view: Option<TestView>,
    /// The skip state after the last command.
    pub skips: Vec<bool>,
    pub style: SkipStyle,
}

impl RunUpdate {
    /// An empty record of the run `twin`, to merge updates into.
    pub fn empty(twin: Option<Twin>) -> RunUpdate {
        RunUpdate {
            twin,
            history: History::default(),
            latest: None,
            histogram: None,
            grid: None,
            view: None,
            skips: Vec::new(),
            style: SkipStyle::default(),
        }
    }

    /// Folds a later update of the same run into this one: the history
    /// appends, the latest values replace.
    pub fn merge(&mut self, later: RunUpdate) {
        self.history.append(later.history);
        if later.latest.is_some() {
            self.latest = later.latest;
        }
        if later.histogram.is_some() {
            self.histogram = later.histogram;
        }
        if later.grid.is_some() {
            self.grid = later.grid;
        }
        if later.view.is_some() {
            self.view = later.view;
        }
        self.skips = later.skips;
        self.style = later.style;
    }
}

/// One message from the trainer.
#[derive(Clone, Debug, PartialEq)]
pub struct Update {
    /// Counts resets: updates from before the last reset have a smaller epoch.
    pub epoch: u64,
    pub state: State,
    /// The runs' configuration, with the live settings (learning rate,
    /// optimiser, clipping) as they are now.
    pub config: Config,
    pub mode: Mode,
    pub runs: Vec<RunUpdate>,
    /// A command that could not be carried out, in words.
    pub rejected: Option<String>,
}

impl Update {
    /// Folds a later update into this one: histories append, the rest is
    /// replaced by the later values. Nothing measured is lost.
    pub fn merge(&mut self, later: Update) {
        if later.epoch != self.epoch || later.runs.len() != self.runs.len() {
            *self = later;
            return;
        }
        for (mine, theirs) in self.runs.iter_mut().zip(later.runs) {
            mine.merge(theirs);
        }
        self.state = later.state;
        self.config = later.config;
        self.mode = later.mode;
        self.rejected = later.rejected.or(self.rejected.take());
    }
}

/// At most this many wake-ups of the watcher per second.
const SENDS_PER_SECOND: f64 = 30.0;
/// Cells per side of the decision grid, and the least time between two
/// grids while training.
pub const GRID_RESOLUTION: usize = 50;
const GRID_INTERVAL: Duration = Duration::from_millis(250);
/// Training points sent with a grid (the plot draws at most this many).
pub const GRID_POINTS: usize = 1000;
/// Test points whose predictions are sent with a grid (the image grid).
pub const VIEW_SAMPLES: usize = 24;

/// (epoch, steps, changes): the network a decision grid was computed from.
type GridKey = (u64, u64, u64);

/// Updates waiting in the channel before the trainer starts merging.
const CHANNEL_SLOTS: usize = 4;
/// Buckets of history a pending update holds before it decimates.
const PENDING_CAPACITY: usize = 4096;

/// The owner's side: send commands, receive updates. Dropping it stops the
/// thread and waits for it.
pub struct Trainer {
    commands: Option<mpsc::Sender<Command>>,
    updates: Receiver<Update>,
    thread: Option<JoinHandle<()>>,
}

impl Trainer {
    /// Starts a paused trainer. `wake` is called after each update is sent
    /// (at most about 30 times a second): the window passes a closure that
    /// requests a repaint, so the core knows nothing of the UI.
    pub fn spawn(
        config: Config,
        mode: Mode,
        wake: Box<dyn Fn() + Send>,
    ) -> Result<Trainer, SpawnError> {
        let runs = make_runs(&config, mode)?;
        let (command_tx, command_rx) = mpsc::channel();
        let (update_tx, update_rx) = mpsc::sync_channel(CHANNEL_SLOTS);
        let worker = Worker::new(config, mode, runs, update_tx, wake);
        let thread = std::thread::Builder::new()
            .name("gradscope-trainer".into())
            .spawn(move || worker.run(command_rx))
            .map_err(SpawnError::Thread)?;
        Ok(Trainer {
            commands: Some(command_tx),
            updates: update_rx,
            thread: Some(thread),
        })
    }

    /// Sends a command (a `Playback`, an `Edit`, a `Watch` or a
    /// `Command`); false if the thread has ended.
    pub fn send(&self, command: impl Into<Command>) -> bool {
        self.commands
            .as_ref()
            .is_some_and(|tx| tx.send(command.into()).is_ok())
    }

    /// Every update waiting, merged into one (none if nothing is new).
    pub fn drain(&self) -> Option<Update> {
        let mut merged: Option<Update> = None;
        while let Ok(update) = self.updates.try_recv() {
            match merged.as_mut() {
                Some(m) => m.merge(update),
                None => merged = Some(update),
            }
        }
        merged
    }

    /// Waits up to `timeout` for the next update (tests, headless use).
    pub fn recv_timeout(&self, timeout: Duration) -> Option<Update> {
        self.updates.recv_timeout(timeout).ok()
    }
}

impl Drop for Trainer {
    fn drop(&mut self) {
        // Closing the command channel ends the thread's loop at its next check.
        self.commands.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The runs of a mode, from one configuration.
pub fn make_runs(config: &Config, mode: Mode) -> Result<Vec<(Option<Twin>, Run)>, ConfigError> {
    match mode {
        Mode::Single => Ok(vec![(None, Run::new(config.clone())?)]),
        Mode::Twins => {
            let mut plain = Run::new(config.clone())?;
            plain.set_all_skips(false);
            let mut residual = Run::new(config.clone())?;
            residual.set_all_skips(true);
            Ok(vec![
                (Some(Twin::Plain), plain),
                (Some(Twin::Residual), residual),
            ])
        }
    }
}

/// The thread's side.
struct Worker {
    config: Config,
    mode: Mode,
    runs: Vec<(Option<Twin>, Run)>,
    pending: Vec<History>,
    state: State,
    epoch: u64,
    steps_left: Option<u64>,
    speed: Speed,
    histogram: Option<HistogramRequest>,
    eval_every: u64,
    rejected: Option<String>,
    updates: SyncSender<Update>,
    held: Option<Update>,
    last_send: Instant,
    /// What the last decision grid showed and when.
    last_grid: Option<(GridKey, Instant)>,
    /// What the last grids and test views took to compute: the next wait
    /// at least four times as long, so a large test split costs the
    /// training at most a fifth of its time.
    grid_cost: Duration,
    /// Counts the commands that changed a network between steps (skips,
    /// style, a zeroed branch): a decision grid is stale after one.
    changes: u64,
    dirty: bool,
    wake: Box<dyn Fn() + Send>,
    #[cfg(test)]
    panic_next: bool,
}

impl Worker {
    fn new(
        config: Config,
        mode: Mode,
        runs: Vec<(Option<Twin>, Run)>,
        updates: SyncSender<Update>,
        wake: Box<dyn Fn() + Send>,
    ) -> Worker {
        let pending = runs
            .iter()
            .map(|_| History::new(PENDING_CAPACITY))
            .collect();
        Worker {
            config,
            mode,
            runs,
            pending,
            state: State::Paused,
            epoch: 0,
            steps_left: None,
            speed: Speed::Max,
            histogram: None,
            eval_every: 25,
            rejected: None,
            updates,
            held: None,
            last_send: Instant::now(),
            last_grid: None,
            grid_cost: Duration::ZERO,
            changes: 0,
            dirty: true,
            wake,
            #[cfg(test)]
            panic_next: false,
        }
    }

    fn run(mut self, commands: Receiver<Command>) {
        self.measure_all();
        let mut next_step = Instant::now();
        loop {
            // Commands first: while stepping only those already waiting,
            // while paused block until one arrives (0% CPU when idle).
            let stepping = self.state == State::Playing;
            let first = if stepping {
                match commands.try_recv() {
                    Ok(c) => Some(c),
                    Err(mpsc::TryRecvError::Empty) => None,
                    Err(mpsc::TryRecvError::Disconnected) => return,
                }
            } else {
                self.flush();
                let wait = if self.held.is_some() {
                    Duration::from_millis(30)
                } else {
                    Duration::from_secs(3600)
                };
                match commands.recv_timeout(wait) {
                    Ok(c) => Some(c),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            };
            if let Some(command) = first {
                self.apply(command);
                while let Ok(command) = commands.try_recv() {
                    self.apply(command);
                }
            }
            if self.state == State::Playing {
                if let Speed::PerSecond(rate) = self.speed {
                    let now = Instant::now();
                    if next_step > now {
                        std::thread::sleep((next_step - now).min(Duration::from_millis(50)));
                        continue;
                    }
                    next_step = now.max(next_step) + Duration::from_secs_f64(1.0 / rate.max(0.1));
                }
                self.step_all();
            }
            if self.last_send.elapsed().as_secs_f64() >= 1.0 / SENDS_PER_SECOND {
                self.flush();
            }
        }
    }

    fn apply(&mut self, command: Command) {
        self.dirty = true;
        match command {
            Command::Playback(playback) => self.play(playback),
            Command::Edit(edit) => self.edit(edit),
            Command::Watch(Watch::Histogram(request)) => self.histogram = request,
            Command::Watch(Watch::EvalEvery(n)) => self.eval_every = n.max(1),
            Command::Reset { config, mode } => self.reset(config, mode),
            Command::Networks(reply) => {
                let networks = self
                    .runs
                    .iter()
                    .map(|(twin, run)| RunState {
                        twin: *twin,
                        mlp: run.mlp.clone(),
                        steps: run.steps_done(),
                        history: History::default(),
                        moments: Some(run.moments()),
                    })
                    .collect();
                // The window may have given up waiting; nothing to do then.
                let _ = reply.send((self.epoch, networks));
            }
            Command::Restore { config, mode, runs } => self.restore(config, mode, runs),
            #[cfg(test)]
            Command::Panic => self.panic_next = true,
        }
    }

    /// Play, pause, step and speed; a failed trainer waits for a reset.
    fn play(&mut self, playback: Playback) {
        let failed = matches!(self.state, State::Failed(_));
        match playback {
            Playback::Play | Playback::Pause | Playback::Step(_) if failed => {}
            Playback::Play => {
                self.steps_left = None;
                self.state = State::Playing;
            }
            Playback::Pause => self.state = State::Paused,
            Playback::Step(0) => {}
            Playback::Step(n) => {
                self.steps_left = Some(n);
                self.state = State::Playing;
            }
            Playback::SetSpeed(speed) => self.speed = speed,
        }
    }

    fn reset(&mut self, config: Config, mode: Mode) {
        if let Err(e) = config.validate() {
            self.rejected = Some(e.to_string());
            return;
        }
        // The old networks go before the new are made, so the two never
        // hold memory together (each fits the budget, both might not).
        self.runs.clear();
        match make_runs(&config, mode) {
            Ok(runs) => {
                let pending = runs
                    .iter()
                    .map(|_| History::new(PENDING_CAPACITY))
                    .collect();
                self.install(config, mode, runs, pending);
            }
            Err(e) => self.rejected = Some(e.to_string()),
        }
    }

    /// New runs (and what they measured before, for the next update) in
    /// place of the old: a new epoch, paused, measured at once.
    fn install(
        &mut self,
        config: Config,
        mode: Mode,
        runs: Vec<(Option<Twin>, Run)>,
        pending: Vec<History>,
    ) {
        self.runs = runs;
        self.pending = pending;
        self.config = config;
        self.mode = mode;
        self.epoch += 1;
        self.held = None;
        self.state = State::Paused;
        self.dirty = true;
        self.measure_all();
    }

    /// Replaces the runs by saved ones; their histories go out with the
    /// next update.
    fn restore(&mut self, config: Config, mode: Mode, saved: Vec<RunState>) {
        let mut runs = Vec::with_capacity(saved.len());
        let mut pending = Vec::with_capacity(saved.len());
        for state in saved {
            let mut run = Run::with_network(config.clone(), state.mlp);
            run.continue_from(state.steps);
            if let Some(moments) = state.moments {
                // Checked against the configuration when the file was read.
                run.restore_moments(moments);
            }
            let mut history = History::new(PENDING_CAPACITY);
            history.append(state.history);
            runs.push((state.twin, run));
            pending.push(history);
        }
        self.install(config, mode, runs, pending);
    }

    /// Measures what the next step will see, without taking it, so a
    /// paused window shows the gradients of the network as it is now: at
    /// step 0, after a reset or a reopened session, right after a skip is
    /// switched. A panic becomes `State::Failed`, as in `step_all`.
    fn measure_all(&mut self) {
        let result = catch_unwind(AssertUnwindSafe(|| {
            for (_, run) in &mut self.runs {
                run.measure();
            }
        }));
        if result.is_err() {
            self.state = State::Failed("measuring the gradients panicked".into());
        }
        self.dirty = true;
    }

    /// Changes to the runs themselves, recorded as events.
    fn edit(&mut self, edit: Edit) {
        let topology = edit.changes_network();
        self.changes += 1;
        // The configuration follows the live settings, so a session saved
        // now reopens with the learning rate, optimiser and clipping in use.
        match edit {
            Edit::SetLearningRate(lr) => self.config.learning_rate = lr,
            Edit::SetOptimizer(kind) => self.config.optimizer = kind,
            Edit::SetClip(clip) => self.config.clip = clip,
            Edit::SetSkipStyle(_)
            | Edit::SetAllSkips(_)
            | Edit::SetSkip { .. }
            | Edit::ToggleAllSkips
            | Edit::ToggleSkip(_)
            | Edit::ZeroBranch(_) => {}
        }
        for (index, (twin, run)) in self.runs.iter_mut().enumerate() {
            // In twin mode the plain twin keeps its skips off.
            if topology && *twin == Some(Twin::Plain) {
                continue;
            }
            match edit_run(run, edit) {
                Ok(kind) => self.pending[index].push_event(Event {
                    step: run.steps_done(),
                    kind,
                }),
                Err(message) => self.rejected = Some(message),
            }
        }
        // While playing, the next step measures soon enough.
        if topology && self.state != State::Playing {
            self.measure_all();
        }
    }

    /// One step of every run, in lockstep; a panic becomes `State::Failed`.
    fn step_all(&mut self) {
        let eval_every = self.eval_every;
        #[cfg(test)]
        let panic_next = std::mem::take(&mut self.panic_next);
        let result = catch_unwind(AssertUnwindSafe(|| {
            #[cfg(test)]
            if panic_next {
                panic!("injected by the test");
            }
            let mut diverged = false;
            for ((_, run), pending) in self.runs.iter_mut().zip(&mut self.pending) {
                let had_nonfinite = run.first_nonfinite().is_some();
                let stats = run.step();
                pending.push(stats);
                if let (false, Some(event)) = (had_nonfinite, run.first_nonfinite()) {
                    pending.push_event(Event {
                        step: event.step,
                        kind: EventKind::Diverged(event),
                    });
                    diverged = true;
                }
                if run.steps_done() % eval_every == 0 {
                    pending.push_eval(evaluate(run));
                }
            }
            diverged
        }));
        self.dirty = true;
        match result {
            Ok(diverged) => {
                if diverged {
                    // Training on NaN teaches nothing more: stop and show it.
                    self.state = State::Paused;
                    self.steps_left = None;
                }
                if let Some(left) = self.steps_left.as_mut() {
                    *left -= 1;
                    if *left == 0 {
                        self.steps_left = None;
                        self.state = State::Paused;
                    }
                }
            }
            Err(panic) => {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into());
                self.state = State::Failed(message);
            }
        }
    }

    /// Sends what was measured, or folds it into the update the channel
    /// had no room for.
    fn flush(&mut self) {
        if !self.dirty && self.held.is_none() {
            return;
        }
        self.last_send = Instant::now();
        if self.dirty {
            let update = self.snapshot();
            match self.held.as_mut() {
                Some(held) => held.merge(update),
                None => self.held = Some(update),
            }
            self.dirty = false;
        }
        if let Some(update) = self.held.take() {
            match self.updates.try_send(update) {
                Ok(()) => (self.wake)(),
                Err(TrySendError::Full(update)) => self.held = Some(update),
                Err(TrySendError::Disconnected(_)) => {}
            }
        }
    }

    /// Whether the decision grids (and test views) are due: the network changed since the
    /// last ones, and they are at least `GRID_INTERVAL` old while playing
    /// (a grid costs about a forward pass over 2 500 points).
    fn grid_due(&mut self) -> bool {
        let Some((_, run)) = self.runs.last() else {
            return false;
        };
        let key = (self.epoch, run.steps_done(), self.changes);
        let due = match &self.last_grid {
            None => true,
            Some((last, at)) => {
                *last != key
                    && (self.state != State::Playing
                        || at.elapsed() >= GRID_INTERVAL.max(self.grid_cost * 4))
            }
        };
        if due {
            self.last_grid = Some((key, Instant::now()));
        }
        due
    }

    fn snapshot(&mut self) -> Update {
        let histogram = self.histogram;
        let grid_due = self.grid_due();
        let started = Instant::now();
        let runs: Vec<RunUpdate> = self
            .runs
            .iter()
            .zip(&mut self.pending)
            .map(|((twin, run), pending)| RunUpdate {
                twin: *twin,
                history: pending.take(),
                latest: run.has_stepped().then(|| run.last_stats().clone()),
                histogram: histogram
                    .and_then(|h| run.pre_activation_histogram(h.layer, h.lo, h.hi, h.bins)),
                // Every run's: the window shows either twin's.
                grid: grid_due
                    .then(|| run.decision_grid(GRID_RESOLUTION, GRID_POINTS))
                    .flatten(),
                view: grid_due.then(|| run.test_view(VIEW_SAMPLES)),
                skips: run.mlp.skips().to_vec(),
                style: run.mlp.style(),
            })
            .collect();
        if grid_due {
            self.grid_cost = started.elapsed();
        }
        Update {
            epoch: self.epoch,
            state: self.state.clone(),
            config: self.config.clone(),
            mode: self.mode,
            runs,
            rejected: self.rejected.take(),
        }
    }
}

/// Applies one edit to one run: the event to record, or why it could not.
fn edit_run(run: &mut Run, edit: Edit) -> Result<EventKind, String> {
    let missing = |run: &Run, block: usize| {
        format!(
            "block {block} does not exist: this network has {} residual blocks",
            run.mlp.skips().len()
        )
    };
    Ok(match edit {
        Edit::SetLearningRate(lr) => {
            run.learning_rate = lr;
            EventKind::LearningRate(lr)
        }
        Edit::SetOptimizer(kind) => {
            run.set_optimizer(kind);
            EventKind::Optimizer(kind.name().into())
        }
        Edit::SetClip(clip) => {
            run.clip = clip;
            EventKind::Clip(clip)
        }
        Edit::SetSkipStyle(style) => {
            run.set_skip_style(style);
            EventKind::SkipStyle(style)
        }
        Edit::SetAllSkips(on) => {
            run.set_all_skips(on);
            EventKind::Skip { block: None, on }
        }
        Edit::ToggleAllSkips => EventKind::Skip {
            block: None,
            on: run.mlp.toggle_all_skips(),
        },
        Edit::SetSkip { block, on } => {
            if !run.set_skip(block, on) {
                return Err(missing(run, block));
            }
            EventKind::Skip {
                block: Some(block),
                on,
            }
        }
        Edit::ToggleSkip(block) => match run.mlp.toggle_skip(block) {
            Some(on) => EventKind::Skip {
                block: Some(block),
                on,
            },
            None => return Err(missing(run, block)),
        },
        Edit::ZeroBranch(block) => {
            if !run.zero_branch(block) {
                return Err(missing(run, block));
            }
            EventKind::ZeroBranch(block)
        }
    })
}

/// Loss on the training and test sets, now.
pub fn evaluate(run: &Run) -> EvalPoint {
    let train = run.evaluate(&run.data.train);
    let test = run.evaluate(&run.data.test);
    EvalPoint {
        step: run.steps_done(),
        train_loss: train.loss,
        test_loss: test.loss,
        test_accuracy: test.accuracy,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wait_for(trainer: &Trainer, what: impl Fn(&Update) -> bool) -> Update {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Some(update) = trainer.recv_timeout(Duration::from_millis(100))
                && what(&update)
            {
                return update;
            }
        }
        panic!("the trainer did not reach the expected state in 20 s");
    }

    #[test]
    fn a_panic_becomes_an_error_state_and_reset_recovers() {
        let config = Config {
            depth: 3,
            width: 8,
            ..Config::default()
        };
        let trainer = Trainer::spawn(config.clone(), Mode::Single, Box::new(|| {})).unwrap();
        trainer.send(Command::Panic);
        trainer.send(Playback::Step(1));
        let failed = wait_for(&trainer, |u| matches!(u.state, State::Failed(_)));
        let State::Failed(message) = failed.state else {
            unreachable!()
        };
        assert!(message.contains("injected by the test"), "{message}");
        // Play is refused while failed; reset recovers.
        trainer.send(Playback::Play);
        trainer.send(Command::Reset {
            config,
            mode: Mode::Single,
        });
        trainer.send(Playback::Step(3));
        let update = wait_for(&trainer, |u| {
            u.runs[0].latest.as_ref().is_some_and(|s| s.step == 2)
        });
        assert_eq!(update.epoch, 1);
    }
}
