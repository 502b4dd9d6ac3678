//! The desktop window: the trainer runs on its own thread, the window
//! drains its updates once a frame into a bounded history per run, and
//! every plot is drawn from the same figure models the exporters use.
//!
//! Three tabs share the window: live training (`plots_ui`, `settings`,
//! `diagram`, `readout`), backprop step by step (`backprop`) and going
//! deeper (`deeper`); the guided lesson (`guide`) walks them in the
//! slides' order. Keys are in `keys`, exports in `export`, remembered
//! preferences in `prefs`.

mod backprop;
mod deeper;
mod diagram;
mod dialog;
mod export;
mod guide;
mod keys;
mod legend;
pub mod plot;
mod prefs;
mod readout;
mod screenshot;
mod settings;

use std::sync::{Arc, Mutex};

use plot::PlotAction;

use crate::cli::{UsageError, WindowFlags};
use crate::figures::Figure;
use crate::figures::build::{self, activation_range};
use crate::lang::{Explain, Lang, say};
use crate::lessons::{self, Lesson};
use crate::nn::{Config, NonFinite, Phase, StepStats};
use crate::train::{
    Command, EventKind, HistogramRequest, History, Mode, RunUpdate, Speed, State, Trainer, Update,
};

pub struct GradscopeApp {
    trainer: Trainer,
    lessons: Vec<Lesson>,
    lesson: usize,
    lang: Lang,
    state: State,
    epoch: u64,
    /// What the window knows of each run.
    runs: Vec<RunUpdate>,
    message: Option<String>,
    /// Set by `--screenshot`: train, capture, close.
    screenshot: Option<screenshot::Plan>,
    /// The configuration the trainer reports it runs.
    config: Config,
    /// The first NaN or Inf of the current runs.
    diverged: Option<NonFinite>,
    /// The mode the trainer runs.
    mode: Mode,
    /// The settings panel's values, applied at the next reset.
    draft: Config,
    draft_mode: Mode,
    /// Where exports go.
    export_root: std::path::PathBuf,
    /// The hidden layer (0-based) whose inputs the activation plot shows;
    /// `None`: the middle one.
    histogram_choice: Option<usize>,
    /// Steps per second, or as fast as possible.
    speed: Speed,
    /// A plot's screen capture on its way.
    capture: Option<Capture>,
    /// A screen capture waiting for its plot to scroll fully into view.
    capture_after_scroll: Option<ScrollCapture>,
    /// The tab on screen.
    view: View,
    backprop: backprop::BackpropView,
    deeper: deeper::DeeperView,
    /// The guided lesson's step, when it is on.
    guide: Option<usize>,
    /// Zoomed, light, thick lines: for projectors.
    presentation: bool,
    /// The keyboard shortcuts overlay.
    help: bool,
    /// What the gradient bars show.
    measure: build::GradientMeasure,
    /// Whether a depth sweep ran at the last frame.
    sweep_running: bool,
    /// The settings panel (hidden in presentation mode, to give the plots room).
    show_settings: bool,
    /// The session file "Save" and "Open" use, as typed.
    session_path: String,
    /// The last session file saved or opened (remembered between launches).
    session_file: Option<std::path::PathBuf>,
    /// What was last written to the preferences file (`None`: do not write,
    /// as in tests).
    remembered: Option<prefs::Prefs>,
    /// The system's save and open dialog, when one is open.
    dialogs: dialog::Dialogs,
    /// Counts the trainer's updates absorbed: the figures change only then
    /// (or with the language, the bars' measure or the histogram's layer).
    generation: u64,
    /// The live figures and what they were built from.
    figures_cache: Option<(FiguresKey, std::rc::Rc<Vec<Figure>>)>,
    /// Whose decision boundary shows in compare mode (`None`: the
    /// residual twin, the last run).
    boundary_run: Option<usize>,
}

/// Everything the live figures are built from besides the runs (whose
/// changes `generation` counts).
#[derive(Clone, Copy, PartialEq)]
struct FiguresKey {
    generation: u64,
    lang: Lang,
    measure: build::GradientMeasure,
    histogram_layer: usize,
    boundary_run: usize,
}

/// The tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum View {
    /// The trainer and its plots.
    Live,
    /// The 2-2-2 network of the first slide.
    Backprop,
    /// The depth sweep and the identity demonstration.
    Deeper,
}

impl View {
    pub const ALL: [View; 3] = [View::Live, View::Backprop, View::Deeper];

    pub fn code(self) -> &'static str {
        match self {
            View::Live => "live",
            View::Backprop => "backprop",
            View::Deeper => "deeper",
        }
    }

    pub fn title(self, lang: Lang) -> &'static str {
        match self {
            View::Live => lang.pick("Live training", "Addestramento in tempo reale"),
            View::Backprop => lang.pick("Backprop step by step", "Backprop passo per passo"),
            View::Deeper => lang.pick("Going deeper", "Andare più in profondità"),
        }
    }
}

/// A screenshot requested for one plot: where the plot was and what to do
/// with it once the image arrives.
/// The capture that waited for plot `id` to scroll into view. It goes
/// ahead whether or not the plot now fits: one taller than the window is
/// captured as far as it shows.
fn resume_capture(scrolled: &mut Option<ScrollCapture>, id: &str) -> Option<PlotAction> {
    match scrolled {
        Some(capture) if capture.id == id => scrolled.take().map(|c| c.action),
        _ => None,
    }
}

/// A screen capture of a plot that was partly scrolled out of view: the
/// plot is scrolled into view first, and captured a frame later.
#[derive(Clone, Debug, PartialEq)]
struct ScrollCapture {
    id: String,
    action: PlotAction,
}

struct Capture {
    id: String,
    rect: egui::Rect,
    copy: bool,
    image: Arc<Mutex<Option<Arc<egui::ColorImage>>>>,
}

impl GradscopeApp {
    /// A window on `lesson` (default: the first), already training. The
    /// trainer's wake-ups become repaint requests of `ctx`, so an idle
    /// window uses no CPU.
    pub fn new(
        ctx: &egui::Context,
        lang: Lang,
        lesson: Option<&str>,
    ) -> Result<GradscopeApp, UsageError> {
        GradscopeApp::with_start(ctx, lang, lesson, true)
    }

    /// As `new`, training only if `play` (paused at step 0 otherwise).
    pub fn with_start(
        ctx: &egui::Context,
        lang: Lang,
        lesson: Option<&str>,
        play: bool,
    ) -> Result<GradscopeApp, UsageError> {
        install_fonts(ctx);
        let repaint = ctx.clone();
        let wake: Box<dyn Fn() + Send> = Box::new(move || repaint.request_repaint());
        let lessons = lessons::all().map_err(|e| UsageError(e.explain(Lang::En)))?;
        let index = match lesson {
            None => 0,
            Some(id) => lessons
                .iter()
                .position(|l| l.id == id)
                .ok_or_else(|| UsageError(format!("--lesson: there is no lesson \"{id}\"")))?,
        };
        let first = lessons
            .get(index)
            .ok_or_else(|| UsageError("no lessons are embedded".into()))?;
        let config = first.config.clone();
        let measure = first.bars;
        let mode = first.mode;
        let trainer = Trainer::spawn(config.clone(), first.mode, wake)
            .map_err(|e| UsageError(e.to_string()))?;
        let app = GradscopeApp {
            trainer,
            lessons,
            lesson: index,
            lang,
            state: State::Paused,
            epoch: 0,
            runs: Vec::new(),
            message: None,
            screenshot: None,
            draft: config.clone(),
            draft_mode: mode,
            mode,
            export_root: export::default_root(),
            histogram_choice: None,
            speed: Speed::Max,
            capture: None,
            capture_after_scroll: None,
            view: View::Live,
            backprop: backprop::BackpropView::default(),
            deeper: deeper::DeeperView::default(),
            guide: None,
            presentation: false,
            help: false,
            measure,
            show_settings: true,
            sweep_running: false,
            session_path: default_session_path().display().to_string(),
            remembered: None,
            session_file: None,
            dialogs: dialog::Dialogs::default(),
            generation: 0,
            figures_cache: None,
            boundary_run: None,
            config,
            diverged: None,
        };
        app.request_histogram(&app.config);
        if play {
            app.trainer.send(Command::Play);
        }
        Ok(app)
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

    /// Sends a command to the trainer, as the window's controls do.
    pub fn send(&self, command: Command) -> bool {
        self.trainer.send(command)
    }

    /// Exports go into new folders under `root` (default ~/gradscope-exports).
    pub fn set_export_root(&mut self, root: std::path::PathBuf) {
        self.export_root = root;
    }

    /// The last message shown (an export's folder, a rejected command).
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The runs on screen: "" alone, or "plain" and "residual" in compare mode.
    pub fn run_names(&self) -> Vec<String> {
        self.runs.iter().map(|r| r.name.clone()).collect()
    }

    /// The tab on screen.
    pub fn view(&self) -> View {
        self.view
    }

    pub fn set_view(&mut self, view: View) {
        self.view = view;
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The backprop tab's network (for tests: its numbers are the core's).
    pub fn backprop(&self) -> &crate::nn::textbook::Textbook {
        &self.backprop.model
    }

    /// The sweep tab: (networks trained, networks planned, still running).
    pub fn sweep_progress(&self) -> (usize, usize, bool) {
        (
            self.deeper.records.len(),
            self.deeper.total,
            self.deeper.is_running(),
        )
    }

    /// The guided lesson's step, if it is on.
    pub fn guide_step(&self) -> Option<usize> {
        self.guide
    }

    pub fn presentation(&self) -> bool {
        self.presentation
    }

    pub fn training_state(&self) -> &State {
        &self.state
    }

    pub fn lesson_id(&self) -> &str {
        &self.current().id
    }

    /// The configuration the trainer runs.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The first NaN or Inf of the current run, if any.
    pub fn diverged(&self) -> Option<NonFinite> {
        self.diverged
    }

    fn current(&self) -> &Lesson {
        &self.lessons[self.lesson]
    }

    /// Asks the trainer for the histogram of the chosen hidden layer's
    /// inputs, over the range the activation plot shows for `config`.
    fn request_histogram(&self, config: &Config) {
        let (lo, hi) = activation_range(config.activation);
        self.trainer.send(Command::Histogram(Some(HistogramRequest {
            layer: self.histogram_layer_of(config),
            lo: lo as f32,
            hi: hi as f32,
            bins: 60,
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

    fn select_lesson(&mut self, index: usize) {
        self.set_up_lesson(index);
        self.trainer.send(Command::Play);
    }

    /// Resets to lesson `index`'s network, paused.
    fn set_up_lesson(&mut self, index: usize) {
        self.lesson = index.min(self.lessons.len() - 1);
        let lesson = self.current().clone();
        self.measure = lesson.bars;
        self.request_histogram(&lesson.config);
        self.trainer.send(Command::Reset {
            config: lesson.config,
            mode: lesson.mode,
        });
    }

    /// Folds the trainer's news into the window's state (called once a
    /// frame with what the trainer sent since the last one).
    pub fn absorb(&mut self, update: Update) {
        self.generation += 1;
        if update.epoch != self.epoch || update.runs.len() != self.runs.len() {
            self.epoch = update.epoch;
            self.diverged = None;
            self.message = None;
            self.draft = update.config.clone();
            self.mode = update.mode;
            self.draft_mode = update.mode;
            self.runs = update
                .runs
                .iter()
                .map(|r| RunUpdate::named(&r.name))
                .collect();
        }
        self.config = update.config;
        for (view, run) in self.runs.iter_mut().zip(update.runs) {
            for event in run.history.events() {
                if let (EventKind::Diverged(nonfinite), None) = (&event.kind, self.diverged) {
                    self.diverged = Some(*nonfinite);
                }
            }
            view.merge(run);
        }
        self.state = update.state;
        if let Some(rejected) = update.rejected {
            self.message = Some(rejected);
        }
    }

    /// The tabs, the guided lesson, presentation mode, help, language.
    fn tabs_ui(&mut self, ui: &mut egui::Ui) {
        let l = self.lang;
        ui.horizontal_wrapped(|ui| {
            for view in View::ALL {
                if ui
                    .selectable_label(self.view == view, egui::RichText::new(view.title(l)).strong())
                    .clicked()
                {
                    self.view = view;
                }
            }
            ui.separator();
            let guided = self.guide.is_some();
            if ui
                .selectable_label(guided, l.pick("Guided lesson", "Lezione guidata"))
                .on_hover_text(l.pick(
                    "Follow the slides in order: each step sets up its experiment and asks its question first (← → to move)",
                    "Seguite le slide in ordine: ogni passo prepara il suo esperimento e prima pone la sua domanda (← → per spostarsi)",
                ))
                .clicked()
            {
                if guided {
                    self.guide = None;
                } else {
                    self.go_to_guide_step(0);
                }
            }
            if ui
                .selectable_label(self.presentation, l.pick("Presentation", "Presentazione"))
                .on_hover_text(l.pick(
                    "Larger text, light theme and thicker lines for a projector (P)",
                    "Testo più grande, tema chiaro e linee più spesse per il proiettore (P)",
                ))
                .clicked()
            {
                self.set_presentation(ui.ctx(), !self.presentation);
            }
            self.session_ui(ui);
            if ui
                .selectable_label(self.help, l.pick("Shortcuts", "Scorciatoie"))
                .on_hover_text(l.pick("Keyboard shortcuts (H)", "Scorciatoie da tastiera (H)"))
                .clicked()
            {
                self.help = !self.help;
            }
            ui.separator();
            for lang in Lang::ALL {
                if ui
                    .selectable_label(self.lang == lang, lang.code().to_uppercase())
                    .clicked()
                {
                    self.lang = lang;
                }
            }
        });
        if let Some(step) = self.guide {
            self.guide_ui(ui, step);
        }
    }

    /// The preferences as they are now.
    fn prefs(&self) -> prefs::Prefs {
        prefs::Prefs {
            lang: Some(self.lang),
            lesson: Some(self.current().id.clone()),
            view: self.view,
            presentation: self.presentation,
            session_path: self.session_file.clone(),
            // Only a folder chosen in the window: the default follows $HOME.
            export_root: Some(self.export_root.clone())
                .filter(|root| *root != export::default_root()),
        }
    }

    /// Writes the preferences when they changed (only in the real window).
    fn remember(&mut self) {
        if let Some(remembered) = &self.remembered {
            let now = self.prefs();
            if *remembered != now {
                prefs::save(&now);
                self.remembered = Some(now);
            }
        }
    }

    /// Saves config, weights, histories and language to `path`. Training
    /// pauses while the window catches up with the trainer, so the weights
    /// and the history describe the same step; it resumes afterwards.
    pub fn save_session(&mut self, path: &std::path::Path) -> Result<(), String> {
        let l = self.lang;
        let was_playing = self.state == State::Playing;
        self.trainer.send(Command::Pause);
        let (reply, answer) = std::sync::mpsc::channel();
        self.trainer.send(Command::Networks(reply));
        let result = answer
            .recv_timeout(std::time::Duration::from_secs(10))
            .map_err(|_| {
                l.pick(
                    "cannot save the session: the trainer did not answer",
                    "impossibile salvare la sessione: l'addestramento non risponde",
                )
                .to_string()
            })
            .and_then(|(epoch, networks)| self.write_session(path, epoch, networks));
        if was_playing {
            self.trainer.send(Command::Play);
        }
        result
    }

    fn write_session(
        &mut self,
        path: &std::path::Path,
        epoch: u64,
        networks: Vec<crate::session::RunState>,
    ) -> Result<(), String> {
        // Everything the trainer sent before its answer is on its way:
        // take it, so the history ends where the weights are.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        let caught_up = |app: &GradscopeApp| {
            app.epoch == epoch
                && app.runs.len() == networks.len()
                && app
                    .runs
                    .iter()
                    .zip(&networks)
                    .all(|(view, net)| view.history.steps() == net.steps)
        };
        while !caught_up(self) && std::time::Instant::now() < deadline {
            if let Some(update) = self
                .trainer
                .recv_timeout(std::time::Duration::from_millis(50))
            {
                self.absorb(update);
            }
        }
        if !caught_up(self) {
            return Err(self
                .lang
                .pick(
                    "cannot save the session: the network changed while saving; try again",
                    "impossibile salvare la sessione: la rete è cambiata durante il salvataggio; riprovate",
                )
                .to_string());
        }
        let runs: Vec<crate::session::RunState> = networks
            .into_iter()
            .zip(&self.runs)
            .map(|(mut state, view)| {
                state.history = view.history.clone();
                state
            })
            .collect();
        let session = crate::session::Session::new(
            self.lang,
            &self.current().id,
            self.mode,
            &self.config,
            &runs,
        );
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                format!(
                    "{} {}: {}",
                    self.lang.pick("cannot create", "impossibile creare"),
                    dir.display(),
                    crate::lang::describe(&e, self.lang)
                )
            })?;
        }
        crate::session::save(path, &session).map_err(|e| e.explain(self.lang))?;
        self.session_file = Some(path.to_path_buf());
        Ok(())
    }

    /// Replaces the runs, the lesson and the language by a saved session's;
    /// a bad file changes nothing.
    pub fn open_session(&mut self, path: &std::path::Path) -> Result<(), String> {
        let (session, runs) = crate::session::load(path).map_err(|e| e.explain(self.lang))?;
        self.lang = session.lang;
        if let Some(index) = self.lessons.iter().position(|l| l.id == session.lesson) {
            self.lesson = index;
            self.measure = self.lessons[index].bars;
        }
        self.session_file = Some(path.to_path_buf());
        self.request_histogram(&session.config);
        self.trainer.send(Command::Restore {
            config: session.config,
            mode: session.mode,
            runs,
        });
        Ok(())
    }

    /// The session menu: a path, save, open, and the system's dialogs.
    fn session_ui(&mut self, ui: &mut egui::Ui) {
        let l = self.lang;
        ui.menu_button(l.pick("Session", "Sessione"), |ui| {
            ui.label(l.pick(
                "Config, weights, plots and language in one file",
                "Configurazione, pesi, grafici e lingua in un file",
            ));
            let label = ui.label(l.pick("session file", "file di sessione"));
            ui.add(egui::TextEdit::singleline(&mut self.session_path).desired_width(360.0))
                .labelled_by(label.id);
            let path = std::path::PathBuf::from(self.session_path.trim());
            ui.horizontal(|ui| {
                if ui
                    .button(l.pick("Save session", "Salva sessione"))
                    .clicked()
                {
                    self.save_session_and_say(&path);
                    ui.close();
                }
                if ui.button(l.pick("Open session", "Apri sessione")).clicked() {
                    self.open_session_and_say(&path);
                    ui.close();
                }
            });
            ui.horizontal(|ui| {
                for (purpose, text) in [
                    (
                        dialog::Purpose::SaveSession,
                        l.pick("Save as…", "Salva come…"),
                    ),
                    (dialog::Purpose::OpenSession, l.pick("Open…", "Apri…")),
                ] {
                    if self.dialog_button(ui, text).clicked() {
                        self.dialogs.open(ui.ctx(), purpose, l, &path);
                        ui.close();
                    }
                }
            });
        });
    }

    /// A button that opens one of the system's dialogs: disabled, saying
    /// why, where the system has none or while one is open.
    fn dialog_button(&self, ui: &mut egui::Ui, text: &str) -> egui::Response {
        let l = self.lang;
        let enabled = self.dialogs.available() && !self.dialogs.is_open();
        let button = ui.add_enabled(enabled, egui::Button::new(text));
        if !self.dialogs.available() {
            button.on_disabled_hover_text(l.pick(
                "This system shows no file dialog (it needs the desktop portal or zenity): type the path instead",
                "Questo sistema non mostra finestre di dialogo per i file (servono il portale del desktop o zenity): scrivete il percorso",
            ))
        } else {
            button.on_disabled_hover_text(l.pick(
                "A file dialog is already open",
                "Una finestra di dialogo per i file è già aperta",
            ))
        }
    }

    /// Saves the session to `path` and says where, or why not.
    fn save_session_and_say(&mut self, path: &std::path::Path) {
        let l = self.lang;
        self.message = Some(match self.save_session(path) {
            Ok(()) => format!(
                "{} {}",
                l.pick("Session saved to", "Sessione salvata in"),
                path.display()
            ),
            Err(e) => e,
        });
    }

    /// Opens the session at `path` and says from where, or why not.
    fn open_session_and_say(&mut self, path: &std::path::Path) {
        let result = self.open_session(path);
        // The session's language, when it opened.
        let l = self.lang;
        self.message = Some(match result {
            Ok(()) => format!(
                "{} {}",
                l.pick("Session opened from", "Sessione aperta da"),
                path.display()
            ),
            Err(e) => e,
        });
    }

    /// What a closed dialog chose: save, open, or a new export folder.
    fn dialog_answered(&mut self, (purpose, chosen): dialog::Answer) {
        let l = self.lang;
        let Some(path) = chosen else {
            self.message = Some(
                l.pick(
                    "No file chosen: nothing changed",
                    "Nessun file scelto: non è cambiato nulla",
                )
                .to_owned(),
            );
            return;
        };
        match purpose {
            dialog::Purpose::SaveSession => {
                self.session_path = path.display().to_string();
                self.save_session_and_say(&path);
            }
            dialog::Purpose::OpenSession => {
                self.session_path = path.display().to_string();
                self.open_session_and_say(&path);
            }
            dialog::Purpose::ExportFolder => {
                self.message = Some(format!(
                    "{} {}",
                    l.pick("Exports now go to", "Le esportazioni ora vanno in"),
                    path.display()
                ));
                self.export_root = path;
            }
        }
    }

    /// Zoom, theme and line widths for a projector, or back.
    pub fn set_presentation(&mut self, ctx: &egui::Context, on: bool) {
        self.presentation = on;
        self.show_settings = !on;
        ctx.set_zoom_factor(if on { 1.4 } else { 1.0 });
        ctx.set_theme(if on {
            egui::ThemePreference::Light
        } else {
            egui::ThemePreference::System
        });
    }

    fn controls_ui(&mut self, ui: &mut egui::Ui) {
        let l = self.lang;
        ui.horizontal_wrapped(|ui| {
            let mut chosen = self.lesson;
            egui::ComboBox::from_label(l.pick("lesson", "lezione"))
                .selected_text(self.current().title.get(l))
                .show_ui(ui, |ui| {
                    for (i, lesson) in self.lessons.iter().enumerate() {
                        ui.selectable_value(&mut chosen, i, lesson.title.get(l));
                    }
                });
            if chosen != self.lesson {
                self.select_lesson(chosen);
            }
            let playing = self.state == State::Playing;
            if ui
                .button(if playing {
                    l.pick("Pause", "Pausa")
                } else {
                    l.pick("Play", "Avvia")
                })
                .clicked()
            {
                self.trainer.send(if playing {
                    Command::Pause
                } else {
                    Command::Play
                });
            }
            if ui.button(l.pick("Step", "Passo")).clicked() {
                self.trainer.send(Command::Step(1));
            }
            if ui.button(l.pick("Reset", "Ricomincia")).clicked() {
                self.select_lesson(self.lesson);
            }
            let skips_on = self.runs.last().is_some_and(|r| r.skips.iter().any(|&s| s));
            let has_blocks = self.runs.last().is_some_and(|r| !r.skips.is_empty());
            let label = if skips_on {
                l.pick("Remove skips", "Togli le skip")
            } else {
                l.pick("Add skips", "Aggiungi le skip")
            };
            if ui
                .add_enabled(has_blocks, egui::Button::new(label))
                .clicked()
            {
                self.trainer.send(Command::SetAllSkips(!skips_on));
            }
            if ui.button(l.pick("Export all", "Esporta tutto")).clicked() {
                self.export_all();
            }
            ui.toggle_value(&mut self.show_settings, l.pick("Settings", "Impostazioni"))
                .on_hover_text(l.pick(
                    "Show or hide the network's settings",
                    "Mostra o nascondi le impostazioni della rete",
                ));
        });
        ui.label(self.current().summary.get(l));
        let lesson = self.current();
        egui::CollapsingHeader::new(l.pick("Explanation", "Spiegazione"))
            .id_salt(("explanation", &lesson.id))
            .show(ui, |ui| {
                ui.label(lesson.explanation.get(l));
                ui.label(format!(
                    "{} {}",
                    l.pick("Watch:", "Osservate:"),
                    lesson.watch.get(l)
                ));
                ui.label(
                    egui::RichText::new(format!(
                        "{} {}",
                        l.pick("Question:", "Domanda:"),
                        lesson.question.get(l)
                    ))
                    .italics(),
                );
            });
        if let State::Failed(message) = self.state.clone() {
            ui.horizontal(|ui| {
                ui.colored_label(
                    egui::Color32::RED,
                    say!(
                        l,
                        "Training stopped by an internal error ({message}). Restart to go on; the window keeps working.",
                        "L'addestramento si è fermato per un errore interno ({message}). Riavviate per continuare; la finestra continua a funzionare.",
                    ),
                );
                if ui.button(l.pick("Restart", "Riavvia")).clicked() {
                    self.restart(self.config.clone());
                }
            });
        }
        if let Some(event) = self.diverged {
            self.divergence_banner_ui(ui, event);
        }
    }

    /// One line at the bottom, always there so the plots never jump: the
    /// last message (an export's path, an error) at the left, where
    /// exports go at the right.
    fn status_ui(&mut self, ui: &mut egui::Ui) {
        let l = self.lang;
        ui.horizontal(|ui| {
            if let Some(message) = &self.message {
                ui.label(egui::RichText::new(message).strong());
                if ui
                    .small_button("×")
                    .on_hover_text(l.pick("Dismiss", "Chiudi"))
                    .clicked()
                {
                    self.message = None;
                }
            }
            // Where exports go stays in sight, at the right.
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if self
                    .dialog_button(ui, l.pick("Change folder…", "Cambia cartella…"))
                    .clicked()
                {
                    let root = self.export_root.clone();
                    self.dialogs
                        .open(ui.ctx(), dialog::Purpose::ExportFolder, l, &root);
                }
                ui.weak(format!(
                    "{} {}",
                    l.pick("Exports go to", "Le esportazioni vanno in"),
                    self.export_root.display()
                ));
            });
        });
    }

    /// Starts the current lesson again with `config`.
    fn restart(&mut self, config: Config) {
        let mode = self.current().mode;
        self.request_histogram(&config);
        self.trainer.send(Command::Reset { config, mode });
        self.trainer.send(Command::Play);
    }

    /// Training stopped on a NaN or Inf: where, why, and three ways on.
    fn divergence_banner_ui(&mut self, ui: &mut egui::Ui, event: NonFinite) {
        let l = self.lang;
        let phase = match event.phase {
            Phase::Forward => l.pick("forward pass", "passo in avanti"),
            Phase::Backward => l.pick("backward pass", "backpropagation"),
        };
        egui::Frame::new()
            .fill(egui::Color32::from_rgb(110, 20, 20))
            .inner_margin(8.0)
            .show(ui, |ui| {
                ui.colored_label(
                    egui::Color32::WHITE,
                    egui::RichText::new(format!(
                        "{} {} {} {} ({phase}).",
                        l.pick("Training stopped: a value became NaN or infinite at step", "Addestramento fermato: un valore è diventato NaN o infinito al passo"),
                        event.step,
                        l.pick("in layer", "nel livello"),
                        event.layer + 1
                    ))
                    .strong(),
                );
                ui.colored_label(
                    egui::Color32::WHITE,
                    l.pick(
                        "Exploding gradients: each layer multiplied the gradient by more than 1, so the updates grew until the weights jumped and the numbers overflowed. Smaller updates keep training finite.",
                        "Exploding gradient: ogni livello ha moltiplicato il gradiente per più di 1, quindi gli aggiornamenti sono cresciuti finché i pesi sono saltati e i numeri sono andati in overflow. Aggiornamenti più piccoli mantengono l'addestramento finito.",
                    ),
                );
                ui.horizontal(|ui| {
                    if ui.button(l.pick("Reset", "Ricomincia")).clicked() {
                        self.restart(self.config.clone());
                    }
                    if ui.button(l.pick("Reset with gradient clipping 1.0", "Ricomincia con gradient clipping 1,0")).clicked() {
                        self.restart(Config { clip: Some(1.0), ..self.config.clone() });
                    }
                    if ui.button(l.pick("Reset with learning rate ÷ 10", "Ricomincia con learning rate ÷ 10")).clicked() {
                        let lr = self.config.learning_rate / 10.0;
                        self.restart(Config { learning_rate: lr, ..self.config.clone() });
                    }
                });
            });
    }

    /// Every plot, built from what the trainer measured.
    pub fn figures(&self) -> Vec<Figure> {
        let lang = self.lang;
        let activation = self.config.activation;
        let histories: Vec<(&str, &History)> = self
            .runs
            .iter()
            .map(|r| (r.name.as_str(), &r.history))
            .collect();
        let latest: Vec<(&str, &StepStats)> = self
            .runs
            .iter()
            .filter_map(|r| r.latest.as_ref().map(|s| (r.name.as_str(), s)))
            .collect();
        let mut figures = vec![build::loss(&histories, lang)];
        if !latest.is_empty() {
            figures.push(build::gradient_bars(
                &latest,
                activation,
                self.measure,
                lang,
            ));
        } else if !self.runs.is_empty() {
            // Paused before the first step (a guided step, `--paused`, a
            // reopened session): the plot keeps its place and says why.
            figures.push(build::gradient_bars_before_first_step(
                self.config.depth + 1,
                self.measure,
                lang,
            ));
        }
        if let Some(first) = self.runs.first() {
            let mut heatmap = build::gradient_heatmap(&first.history, lang);
            let (lo, hi) = activation_range(activation);
            let histogram = first
                .histogram
                .as_ref()
                .map(|h| (h, self.histogram_layer()));
            let mut inputs = build::activation(activation, histogram, lo, hi, lang);
            // In compare mode these show the first twin: say which.
            if self.runs.len() > 1 {
                for figure in [&mut heatmap, &mut inputs] {
                    let twin = build::twin_label(&first.name, lang);
                    figure.title = format!("{}: {twin}", figure.title);
                }
            }
            figures.extend([heatmap, inputs]);
        }
        let shown = self.runs.get(self.boundary_run());
        if let Some((run, grid)) = shown.and_then(|r| Some((r, r.grid.as_ref()?))) {
            let mut figure = build::decision_boundary(grid, lang);
            if self.runs.len() > 1 {
                figure.title = format!("{}: {}", figure.title, build::twin_label(&run.name, lang));
            }
            figures.push(figure);
        }
        figures
    }

    /// `figures`, built again only when something they show changed: a
    /// paused window draws a 1e5-step history without rebuilding it.
    fn live_figures(&mut self) -> std::rc::Rc<Vec<Figure>> {
        let key = FiguresKey {
            generation: self.generation,
            lang: self.lang,
            measure: self.measure,
            histogram_layer: self.histogram_layer(),
            boundary_run: self.boundary_run(),
        };
        match &self.figures_cache {
            Some((built, figures)) if *built == key => figures.clone(),
            _ => {
                let figures = std::rc::Rc::new(self.figures());
                self.figures_cache = Some((key, figures.clone()));
                figures
            }
        }
    }

    /// The run whose decision boundary shows (the last unless chosen).
    fn boundary_run(&self) -> usize {
        let last = self.runs.len().saturating_sub(1);
        self.boundary_run.filter(|&i| i < last).unwrap_or(last)
    }

    /// Lines in plots are this much thicker in presentation mode.
    fn line_scale(&self) -> f32 {
        if self.presentation { 1.8 } else { 1.0 }
    }

    /// The hidden layer whose inputs the activation plot shows.
    fn histogram_layer(&self) -> usize {
        self.histogram_layer_of(&self.config)
    }

    fn plots_ui(&mut self, ui: &mut egui::Ui) {
        if let Some(run) = self.runs.last() {
            let norms: Option<Vec<f32>> = run
                .latest
                .as_ref()
                .map(|s| s.layers.iter().map(|l| l.grad_weight_norm).collect());
            let layers = norms.as_ref().map_or(self.config.depth + 1, Vec::len);
            let skips = run.skips.clone();
            if self.runs.len() > 1 {
                // Compare mode: the diagram is the twin whose skips switch.
                let l = self.lang;
                ui.weak(format!(
                    "{}: {}",
                    l.pick("the network drawn below", "la rete disegnata sotto"),
                    build::twin_label(&run.name, l)
                ));
            }
            if let Some(block) =
                diagram::diagram_ui(ui, layers, norms.as_deref(), &skips, self.lang)
            {
                let on = !skips[block];
                self.trainer.send(Command::SetSkip { block, on });
            }
        }
        // Three plots a row (two in a narrow or zoomed window); the
        // readout takes the last slot. Plots share the window's height but
        // never shrink below readable: then the rows scroll (a projector's
        // 1280×800 in presentation mode), so no plot is ever out of reach.
        let per_row = if ui.available_width() >= 1000.0 { 3 } else { 2 };
        let rows = 6usize.div_ceil(per_row);
        let height = (ui.available_height() / rows as f32 - 50.0).max(MIN_PLOT_HEIGHT);
        let figures = self.live_figures();
        let mut action = None;
        let mut slots: Vec<Option<&Figure>> = figures.iter().map(Some).collect();
        slots.resize(rows * per_row, None);
        let readout_slot = slots.len() - 1;
        // A capture asked for last frame resumes now; one not picked up
        // (its plot no longer drawn) is dropped.
        let mut scrolled = self.capture_after_scroll.take();
        let mut waiting = None;
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for (row, group) in slots.chunks(per_row).enumerate() {
                    ui.columns(per_row, |columns| {
                        for (index, (column, slot)) in columns.iter_mut().zip(group).enumerate() {
                            match slot {
                                Some(figure) => {
                                    // Each plot's widgets (its export menu) get ids of their own.
                                    let (chosen, rect) = column
                                        .push_id(&figure.id, |ui| {
                                            plot::figure_ui(
                                                ui,
                                                &figure.id,
                                                figure,
                                                height,
                                                self.lang,
                                                self.line_scale(),
                                            )
                                        })
                                        .inner;
                                    let visible = column.clip_rect().contains_rect(rect);
                                    if let Some(resumed) = resume_capture(&mut scrolled, &figure.id)
                                    {
                                        action = Some((resumed, (*figure).clone(), rect));
                                    } else if let Some(chosen) = chosen {
                                        let on_screen = matches!(
                                            chosen,
                                            PlotAction::ScreenPng | PlotAction::Copy
                                        );
                                        if on_screen && !visible {
                                            column.scroll_to_rect_animation(
                                                rect,
                                                None,
                                                egui::style::ScrollAnimation::none(),
                                            );
                                            waiting = Some(ScrollCapture {
                                                id: figure.id.clone(),
                                                action: chosen,
                                            });
                                            column.ctx().request_repaint();
                                        } else {
                                            action = Some((chosen, (*figure).clone(), rect));
                                        }
                                    }
                                }
                                None if row * per_row + index == readout_slot => {
                                    readout::readout_ui(column, &self.runs, self.lang)
                                }
                                None => {}
                            }
                        }
                    });
                }
            });
        self.capture_after_scroll = waiting;
        if let Some((chosen, figure, rect)) = action {
            self.plot_action(ui.ctx(), chosen, figure, rect);
        }
    }

    /// Carries out a plot's export menu choice. Screen captures arrive a
    /// frame later (see `finish_capture`).
    fn plot_action(
        &mut self,
        ctx: &egui::Context,
        action: PlotAction,
        figure: Figure,
        rect: egui::Rect,
    ) {
        let l = self.lang;
        self.message = Some(match action {
            PlotAction::Files => match export::export_figure(&self.export_root, &figure, l) {
                Ok(dir) => format!("{} {}", l.pick("Saved in", "Salvato in"), dir.display()),
                Err(e) => e,
            },
            PlotAction::SharpPng => {
                let ppp = ctx.pixels_per_point();
                let size = |points: f32| ((points * ppp * 2.0).round() as u32).clamp(200, 8000);
                let written =
                    crate::figures::png::to_png(&figure, size(rect.width()), size(rect.height()))
                        .map_err(|e| e.explain(l))
                        .and_then(|bytes| {
                            export::export_png(&self.export_root, &figure.id, &bytes, l)
                        });
                match written {
                    Ok(path) => format!("{} {}", l.pick("Saved", "Salvato"), path.display()),
                    Err(e) => e,
                }
            }
            PlotAction::ScreenPng | PlotAction::Copy => {
                let image = Arc::new(Mutex::new(None));
                let slot = image.clone();
                let repaint = ctx.clone();
                ctx.request_screenshot(move |shot| {
                    if let Ok(mut slot) = slot.lock() {
                        *slot = Some(shot);
                    }
                    repaint.request_repaint();
                });
                self.capture = Some(Capture {
                    id: figure.id,
                    rect,
                    copy: action == PlotAction::Copy,
                    image,
                });
                l.pick("Capturing the plot…", "Cattura del grafico…")
                    .to_string()
            }
        });
    }

    /// Crops a requested screenshot to its plot, then saves or copies it.
    fn finish_capture(&mut self, ctx: &egui::Context) {
        let Some(capture) = &self.capture else {
            return;
        };
        let Some(shot) = capture.image.lock().ok().and_then(|mut slot| slot.take()) else {
            return;
        };
        let l = self.lang;
        let cropped = export::crop(&shot, capture.rect, ctx.pixels_per_point());
        self.message = Some(match cropped {
            None => l
                .pick(
                    "The plot is not on screen: nothing captured.",
                    "Il grafico non è sullo schermo: non è stato catturato nulla.",
                )
                .to_string(),
            Some(image) if capture.copy => {
                let [w, h] = image.size;
                ctx.copy_image(image);
                format!(
                    "{} ({w}×{h} px)",
                    l.pick(
                        "Image copied to the clipboard",
                        "Immagine copiata negli appunti"
                    )
                )
            }
            Some(image) => match screenshot::encode(&image)
                .and_then(|bytes| export::export_png(&self.export_root, &capture.id, &bytes, l))
            {
                Ok(path) => format!("{} {}", l.pick("Saved", "Salvato"), path.display()),
                Err(e) => e,
            },
        });
        self.capture = None;
    }

    /// Every plot, the configuration and a summary, into a new folder.
    fn export_all(&mut self) {
        let figures = self.figures();
        let summary = serde_json::json!({
            "lesson": self.current().id,
            "mode": self.mode,
            "steps": self.steps(),
            "runs": self.runs.iter().map(|r| serde_json::json!({
                "name": r.name,
                "steps": r.history.steps(),
                "last_loss": r.latest.as_ref().map(|s| s.loss),
                "skips": r.skips,
                "grad_norms": r.latest.as_ref().map(|s| s.layers.iter().map(|l| l.grad_weight_norm).collect::<Vec<_>>()),
            })).collect::<Vec<_>>(),
            "diverged": self.diverged,
        });
        self.message = Some(
            match export::export_all(
                &self.export_root,
                &figures,
                &self.config,
                &summary,
                self.lang,
            ) {
                Ok(dir) => format!(
                    "{} {}",
                    self.lang.pick("Exported to", "Esportato in"),
                    dir.display()
                ),
                Err(e) => e,
            },
        );
    }
}

impl eframe::App for GradscopeApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        if let Some(update) = self.trainer.drain() {
            self.absorb(update);
        }
        self.finish_capture(ctx);
        self.remember();
        // The sweep reports to whichever tab is open; it takes every core,
        // so the live trainer pauses when one starts.
        let was_running = self.sweep_running;
        self.deeper.poll();
        self.sweep_running = self.deeper.is_running();
        if self.sweep_running && !was_running && self.state == State::Playing {
            self.trainer.send(Command::Pause);
        }
        if let Some(plan) = self.screenshot.as_mut() {
            let steps = self.runs.first().map_or(0, |r| r.history.steps());
            let done = (steps >= plan.steps || (steps > 0 && self.state != State::Playing))
                && !self.deeper.is_running();
            plan.advance(ctx, done);
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        if let Some(answer) = self.dialogs.poll() {
            self.dialog_answered(answer);
        }
        self.shortcuts(ui.ctx());
        egui::Panel::top("controls").show(ui, |ui| {
            self.tabs_ui(ui);
            if self.view == View::Live {
                ui.separator();
                self.controls_ui(ui);
            }
        });
        egui::Panel::bottom("status").show(ui, |ui| self.status_ui(ui));
        let lang = self.lang;
        let line_scale = self.line_scale();
        let export = match self.view {
            View::Live => {
                if self.show_settings {
                    egui::Panel::left("settings")
                        .resizable(false)
                        .show(ui, |ui| {
                            egui::ScrollArea::vertical().show(ui, |ui| self.settings_ui(ui));
                        });
                }
                egui::CentralPanel::default().show(ui, |ui| self.plots_ui(ui));
                None
            }
            View::Backprop => {
                egui::CentralPanel::default()
                    .show(ui, |ui| self.backprop.ui(ui, lang, line_scale))
                    .inner
            }
            View::Deeper => {
                egui::CentralPanel::default()
                    .show(ui, |ui| self.deeper.ui(ui, lang, line_scale))
                    .inner
            }
        };
        if let Some((action, figure, rect)) = export {
            self.plot_action(ui.ctx(), action, figure, rect);
        }
        if self.help {
            self.help_ui(ui.ctx());
        }
    }
}

/// The least height (points) a live plot gets before the plots scroll.
const MIN_PLOT_HEIGHT: f32 = 190.0;

/// ~/gradscope-sessions/session.json, or ./session.json without a home.
fn default_session_path() -> std::path::PathBuf {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|h| std::path::PathBuf::from(h).join("gradscope-sessions"))
        .unwrap_or_default()
        .join("session.json")
}

/// egui's fonts, with Hack behind the proportional font:
/// Ubuntu Light lacks arrows and several mathematical symbols (→, ×, ≤, ÷)
/// that the labels and lessons use.
pub fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    let name = "gradscope-hack".to_owned();
    let hack = egui::FontData::from_static(epaint_default_fonts::HACK_REGULAR);
    fonts
        .font_data
        .insert(name.clone(), std::sync::Arc::new(hack));
    fonts
        .families
        .entry(egui::FontFamily::Proportional)
        .or_default()
        .push(name);
    ctx.set_fonts(fonts);
}

/// Opens the window (on `--lesson`, in `--lang`); with `--screenshot`,
/// trains `--steps` steps, saves the window as a PNG and closes. The
/// trainer's wake-ups become repaint requests, so an idle window uses no CPU.
pub fn run_window(flags: &WindowFlags) -> Result<(), UsageError> {
    let size = [1400.0, 900.0];
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size(size)
            .with_title("gradscope"),
        ..Default::default()
    };
    // The command line wins over what the last launch remembered.
    // Screenshots (CI, docs) show the defaults, never a user's last launch.
    let remembered = if flags.screenshot.is_some() {
        prefs::Prefs::default()
    } else {
        prefs::load()
    };
    let lang = flags
        .lang
        .or(remembered.lang)
        .unwrap_or_else(Lang::from_env);
    let lesson = flags.lesson.clone().or_else(|| {
        remembered
            .lesson
            .clone()
            .filter(|id| lessons::find(id).is_ok())
    });
    let paused = flags.paused;
    let view = flags.view.or(Some(remembered.view));
    let presentation = remembered.presentation && flags.screenshot.is_none();
    let session_path = remembered.session_path.clone();
    let export_root = remembered.export_root.clone();
    let plan = match (&flags.screenshot, flags.steps) {
        (Some(path), Some(steps)) => Some(screenshot::Plan::new(path.clone(), steps)?),
        _ => None,
    };
    let outcome = plan.as_ref().map(screenshot::Plan::outcome);
    // Check the lesson before a window opens.
    if let Some(id) = &lesson {
        lessons::find(id).map_err(|e| UsageError(format!("--lesson: {e}")))?;
    }
    eframe::run_native(
        "gradscope",
        options,
        Box::new(move |cc| {
            let play = !paused && plan.is_none();
            let mut app = GradscopeApp::with_start(&cc.egui_ctx, lang, lesson.as_deref(), play)
                .map_err(|e| e.0)?;
            if let Some(view) = view {
                app.view = view;
            }
            if let Some(path) = session_path {
                app.session_path = path.display().to_string();
                app.session_file = Some(path);
            }
            if let Some(root) = export_root {
                app.export_root = root;
            }
            app.dialogs = dialog::Dialogs::of_the_system();
            if presentation {
                app.set_presentation(&cc.egui_ctx, true);
            }
            // Screenshots (CI) leave the preferences alone.
            if app.screenshot.is_none() && plan.is_none() {
                app.remembered = Some(app.prefs());
            }
            if let Some(plan) = plan {
                app.trainer.send(Command::Step(plan.steps));
                // Give the other tabs something to show, computed as a
                // teacher would: a run of the 2-2-2 network, a sweep.
                match app.view {
                    View::Live => {}
                    View::Backprop => app.backprop.run(plan.steps.min(100_000) as u32),
                    View::Deeper => {
                        app.deeper.steps = plan.steps.clamp(10, 100_000);
                        app.deeper.start(&cc.egui_ctx, lang);
                        app.deeper.check_identity();
                    }
                }
                app.screenshot = Some(plan);
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| UsageError(format!("cannot open the window: {e}")))?;
    match outcome {
        Some(outcome) => screenshot::finish(&outcome),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dialog::Purpose;

    #[test]
    fn a_dialog_answer_saves_opens_or_moves_the_exports() {
        let dir = tempfile::tempdir().expect("temp dir");
        let ctx = egui::Context::default();
        let mut app = GradscopeApp::with_start(&ctx, Lang::En, Some("residual-rescue"), false)
            .expect("the lesson exists");

        let slides = dir.path().join("slides");
        app.dialog_answered((Purpose::ExportFolder, Some(slides.clone())));
        assert_eq!(app.export_root, slides);
        assert!(app.prefs().export_root == Some(slides));

        let file = dir.path().join("monday.json");
        app.dialog_answered((Purpose::SaveSession, Some(file.clone())));
        assert!(file.is_file(), "{:?}", app.message);
        assert_eq!(app.session_path, file.display().to_string());
        assert_eq!(app.session_file.as_ref(), Some(&file));

        // Cancelled (or no dialog at all): a message, nothing else.
        app.dialog_answered((Purpose::OpenSession, None));
        assert_eq!(app.message(), Some("No file chosen: nothing changed"));
        assert_eq!(app.session_path, file.display().to_string());

        app.dialog_answered((Purpose::OpenSession, Some(file.clone())));
        let message = app.message().unwrap_or_default();
        assert!(message.starts_with("Session opened from"), "{message}");
    }
}
