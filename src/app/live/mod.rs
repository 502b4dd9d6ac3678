//! The live-training tab: the trainer on its own thread, what the window
//! knows of its runs (drained once a frame by `absorb`), and the lesson
//! they train. Its top-bar controls are in `controls`, its plots in
//! `plots` (what they show, now or at a replayed step, in `scene`), the
//! time line under them in `timeline`, its settings panel in `settings`
//! (the data set's part in `data`, their widgets in `widgets`), its
//! animated GIF export in `animate`.

pub mod animate;
mod controls;
mod data;
mod plots;
pub mod scene;
mod settings;
mod timeline;
mod widgets;

pub use data::{TableChoice, open_table};

use egui::Key;

use crate::figures::Figure;
use crate::figures::build::{self, activation_range};
use crate::lessons::Lesson;
use crate::nn::{Config, NonFinite};
use crate::train::{
    Command, Edit, EventKind, HistogramRequest, Mode, Playback, Replay, RunUpdate, Speed, State,
    Trainer, Update, Watch, run_code,
};

use super::tab::{PlotRequest, Shared, Tab};
use plots::{FiguresKey, GradientSlot, ScrollCapture};
use scene::Scene;

pub struct LiveView {
    trainer: Trainer,
    lessons: Vec<Lesson>,
    lesson: usize,
    state: State,
    epoch: u64,
    /// What the window knows of each run.
    runs: Vec<RunUpdate>,
    /// The configuration the trainer reports it runs.
    config: Config,
    /// The first NaN or Inf of the current runs.
    diverged: Option<NonFinite>,
    /// The mode the trainer runs.
    mode: Mode,
    /// The settings panel's values, applied at the next reset.
    draft: Config,
    draft_mode: Mode,
    /// The hidden layer (0-based) whose inputs the activation plot shows;
    /// `None`: the middle one.
    histogram_choice: Option<usize>,
    /// Steps per second, or as fast as possible.
    speed: Speed,
    /// What the gradient bars show.
    measure: build::GradientMeasure,
    /// What the first row's third plot shows.
    slot: GradientSlot,
    /// The settings panel (hidden in presentation mode, to give the plots room).
    pub show_settings: bool,
    /// Whose decision boundary shows in compare mode (`None`: the
    /// residual twin, the last run).
    boundary_run: Option<usize>,
    /// Counts the trainer's updates absorbed: the figures change only then
    /// (or with the language, the bars' measure or the histogram's layer).
    generation: u64,
    /// The live figures and what they were built from.
    figures_cache: Option<(FiguresKey, std::rc::Rc<Vec<Figure>>)>,
    /// A screen capture waiting for its plot to scroll fully into view.
    capture_after_scroll: Option<ScrollCapture>,
    /// The settings panel's CSV file and label column.
    pub table_choice: TableChoice,
    /// The last loss landscape of these runs (the landscape tab's), for
    /// Export all; a reset forgets it.
    pub landscape: Option<crate::train::landscape::LandscapeResult>,
    /// The animated GIF dialog and its background job.
    pub gif_export: animate::GifExport,
    /// The moments of the current runs the time line can go back to.
    replay: Replay,
    /// The step the plots show, or `None`: the present.
    replay_at: Option<u64>,
    /// Where to go once the next epoch's first update arrives.
    pending_at: Option<u64>,
    /// A reopened session's moments, taken up when its runs arrive.
    pending_replay: Option<Replay>,
}

impl LiveView {
    /// A paused trainer on lesson `index` of `lessons` (which is not
    /// empty; `index` is in range).
    pub fn new(lessons: Vec<Lesson>, index: usize, trainer: Trainer) -> LiveView {
        let first = &lessons[index];
        let config = first.config.clone();
        let (measure, mode, speed) = (first.bars, first.mode, lesson_speed(first));
        let live = LiveView {
            trainer,
            lesson: index,
            state: State::Paused,
            epoch: 0,
            runs: Vec::new(),
            draft: config.clone(),
            draft_mode: mode,
            mode,
            histogram_choice: None,
            speed,
            measure,
            slot: GradientSlot::default(),
            show_settings: true,
            boundary_run: None,
            generation: 0,
            figures_cache: None,
            capture_after_scroll: None,
            table_choice: TableChoice::default(),
            landscape: None,
            gif_export: animate::GifExport::default(),
            replay: Replay::default(),
            replay_at: None,
            pending_at: None,
            pending_replay: None,
            config,
            diverged: None,
            lessons,
        };
        live.request_histogram(&live.config);
        live.trainer.send(Playback::SetSpeed(speed));
        live
    }

    /// Sends a command to the trainer, as the tab's controls do.
    pub fn send(&self, command: impl Into<Command>) -> bool {
        self.trainer.send(command)
    }

    /// What the trainer sent since the last call, merged.
    pub fn drain(&self) -> Option<Update> {
        self.trainer.drain()
    }

    /// Waits up to `timeout` for the trainer's next update.
    pub fn recv_timeout(&self, timeout: std::time::Duration) -> Option<Update> {
        self.trainer.recv_timeout(timeout)
    }

    /// Steps the (first) run has taken, as far as the window knows.
    pub fn steps(&self) -> u64 {
        self.runs.first().map_or(0, |r| r.history.steps())
    }

    /// The skip of every block of the (last, residual) run.
    pub fn skips(&self) -> Vec<bool> {
        self.runs
            .last()
            .map(|r| r.skips.clone())
            .unwrap_or_default()
    }

    /// The runs on screen, as files name them: "" alone, or "plain" and
    /// "residual" in compare mode.
    pub fn run_names(&self) -> Vec<String> {
        self.runs
            .iter()
            .map(|r| run_code(r.twin).to_string())
            .collect()
    }

    pub fn runs(&self) -> &[RunUpdate] {
        &self.runs
    }

    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    pub fn diverged(&self) -> Option<NonFinite> {
        self.diverged
    }

    pub fn lessons(&self) -> &[Lesson] {
        &self.lessons
    }

    pub fn current(&self) -> &Lesson {
        &self.lessons[self.lesson]
    }

    /// Pauses training (a depth sweep wants every core).
    pub fn pause(&self) {
        if self.state == State::Playing {
            self.trainer.send(Playback::Pause);
        }
    }

    /// Asks the trainer for the histogram of the chosen hidden layer's
    /// inputs, over the range the activation plot shows for `config`.
    fn request_histogram(&self, config: &Config) {
        let (lo, hi) = activation_range(config.activation);
        self.trainer.send(Watch::Histogram(Some(HistogramRequest {
            layer: self.histogram_layer_of(config),
            lo: lo as f32,
            hi: hi as f32,
            bins: crate::train::replay::HISTOGRAM_BINS,
        })));
    }

    /// The hidden layer (0-based) the activation plot shows: the chosen
    /// one if the network has it, else the middle one.
    fn histogram_layer_of(&self, config: &Config) -> usize {
        match self.histogram_choice {
            Some(layer) if layer < config.depth => layer,
            _ => config.depth / 2,
        }
    }

    /// The hidden layer whose inputs the activation plot shows.
    fn histogram_layer(&self) -> usize {
        self.histogram_layer_of(&self.config)
    }

    /// Starts lesson `index` from scratch, training.
    pub fn select_lesson(&mut self, index: usize) {
        self.set_up_lesson(index);
        self.trainer.send(Playback::Play);
    }

    /// Resets to lesson `index`'s network, paused.
    pub fn set_up_lesson(&mut self, index: usize) {
        self.lesson = index.min(self.lessons.len() - 1);
        let lesson = self.current().clone();
        self.measure = lesson.bars;
        self.speed = lesson_speed(&lesson);
        self.trainer.send(Playback::SetSpeed(self.speed));
        self.request_histogram(&lesson.config);
        self.trainer.send(Command::Reset {
            config: lesson.config,
            mode: lesson.mode,
        });
    }

    /// Shows a reopened session's lesson (if this program has it) and
    /// trains its networks on, paused.
    pub fn restore(
        &mut self,
        lesson: &str,
        config: Config,
        mode: Mode,
        runs: Vec<crate::train::RunState>,
        replay: Replay,
    ) {
        self.pending_replay = Some(replay);
        if let Some(index) = self.lessons.iter().position(|l| l.id == lesson) {
            self.lesson = index;
            self.measure = self.lessons[index].bars;
        }
        self.request_histogram(&config);
        self.trainer.send(Command::Restore { config, mode, runs });
    }

    /// Starts the current lesson again with `config`.
    fn restart(&mut self, config: Config) {
        let mode = self.current().mode;
        self.request_histogram(&config);
        self.trainer.send(Command::Reset { config, mode });
        self.trainer.send(Playback::Play);
    }

    /// Folds the trainer's news into the tab's state (called once a frame
    /// with what the trainer sent since the last one). A reset clears the
    /// status line; a refused command is said there.
    pub fn absorb(&mut self, update: Update, message: &mut Option<String>) {
        self.generation += 1;
        if update.epoch != self.epoch || update.runs.len() != self.runs.len() {
            self.epoch = update.epoch;
            self.diverged = None;
            self.landscape = None;
            *message = None;
            self.draft = update.config.clone();
            self.mode = update.mode;
            self.draft_mode = update.mode;
            self.runs = update
                .runs
                .iter()
                .map(|r| RunUpdate::empty(r.twin))
                .collect();
            self.replay = self.pending_replay.take().unwrap_or_default();
            self.replay_at = None;
            if let Some(step) = self.pending_at.take() {
                self.go_to(Some(step));
            }
        }
        self.config = update.config;
        let mut event = false;
        for (view, run) in self.runs.iter_mut().zip(update.runs) {
            for happened in run.history.events() {
                event = true;
                if let (EventKind::Diverged(nonfinite), None) = (&happened.kind, self.diverged) {
                    self.diverged = Some(*nonfinite);
                }
            }
            view.merge(run);
        }
        self.replay
            .record(&self.runs, self.histogram_layer(), event);
        self.state = update.state;
        if let Some(rejected) = update.rejected {
            *message = Some(rejected);
        }
    }

    /// Every plot, built from what the trainer measured, as the screen
    /// shows them: now, or at the step the time line went back to.
    pub fn figures(&self, lang: crate::lang::Lang) -> Vec<Figure> {
        plots::figures(self, &self.scene(self.replay_at), lang)
    }

    /// Every plot of the live tab as it was at `step`: the last moment
    /// replay recorded at or before it, the loss and the plots over the
    /// steps marking that moment's step. `None` before the first moment
    /// recorded (nothing trained yet, or the steps before a reopened
    /// session that kept no moments).
    /// The same `Figure`s the screen draws at that step.
    pub fn figures_at(&self, lang: crate::lang::Lang, step: u64) -> Option<Vec<Figure>> {
        let moment = self.replay.at(step)?;
        if moment.runs.len() != self.runs.len() {
            return None;
        }
        let scene = scene::at(&self.runs, moment);
        Some(plots::figures(self, &scene, lang))
    }

    /// What replay recorded of the current runs: its steps (`steps()`),
    /// `range()`, stops (`stops()`), thinning (`stride()`).
    pub fn replay(&self) -> &Replay {
        &self.replay
    }

    /// The step the plots show, or `None` when they show the present.
    pub fn replay_at(&self) -> Option<u64> {
        self.replay_at
    }

    /// Shows the runs as they were at `step` (the last moment recorded at
    /// or before it); `None` returns to the present. Training goes on.
    pub fn go_to(&mut self, step: Option<u64>) {
        self.replay_at = step.and_then(|s| self.replay.at(s)).map(|m| m.step);
    }

    /// `go_to(step)` once the restore or reset on its way has arrived (its
    /// first update brings the replay it installs).
    pub fn go_to_when_restored(&mut self, step: Option<u64>) {
        self.pending_at = step;
    }

    /// What the plots show: the runs at `step`'s moment, or now.
    fn scene(&self, step: Option<u64>) -> Scene<'_> {
        match step.and_then(|s| self.replay.at(s)) {
            Some(moment) if moment.runs.len() == self.runs.len() => scene::at(&self.runs, moment),
            _ => scene::now(&self.runs, self.histogram_layer()),
        }
    }
}

/// The pace a lesson trains at in the window.
fn lesson_speed(lesson: &Lesson) -> Speed {
    lesson.pace.map_or(Speed::Max, Speed::PerSecond)
}

impl Tab for LiveView {
    fn keys(&mut self, _ctx: &egui::Context, pressed: &dyn Fn(Key) -> bool, shared: &mut Shared) {
        if pressed(Key::Space) {
            let playing = self.state == State::Playing;
            self.trainer.send(if playing {
                Playback::Pause
            } else {
                Playback::Play
            });
        }
        if pressed(Key::S) {
            self.trainer.send(Playback::Step(1));
        }
        if pressed(Key::R) {
            self.select_lesson(self.lesson);
        }
        let has_blocks = self.runs.last().is_some_and(|r| !r.skips.is_empty());
        if pressed(Key::K) && has_blocks {
            self.trainer.send(Edit::ToggleAllSkips);
        }
        if pressed(Key::E) {
            controls::export_all(self, shared);
        }
        if pressed(Key::G) {
            self.slot = self.slot.next();
        }
        timeline::keys(self, pressed);
    }

    fn has_top(&self) -> bool {
        true
    }

    fn top_ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared) {
        controls::controls_ui(ui, self, shared);
    }

    fn ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared) -> Option<PlotRequest> {
        if self.show_settings {
            egui::Panel::left("settings")
                .resizable(false)
                .show(ui, |ui| {
                    egui::ScrollArea::vertical()
                        .show(ui, |ui| settings::settings_ui(ui, self, shared));
                });
        }
        animate::dialog_ui(ui.ctx(), self, shared);
        egui::Panel::bottom("timeline")
            .resizable(false)
            .show(ui, |ui| timeline::timeline_ui(ui, self, shared.lang));
        egui::CentralPanel::default()
            .show(ui, |ui| plots::plots_ui(ui, self, shared))
            .inner
    }
}
