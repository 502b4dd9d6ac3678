//! The desktop window: a frame around three tabs. The window owns what
//! every tab shares (the language, presentation mode, the status line,
//! where exports go, sessions, the system's dialogs, the guided lesson);
//! each tab (`tab::Tab`) owns its own state and draws itself: live
//! training (`live`), backprop step by step (`backprop`), going deeper
//! (`deeper`).
//!
//! Beside them: `startup` opens the window, `sessions` saves and opens
//! sessions, `capture` carries out a plot's export menu, `export` writes
//! the files, `keys` lists the shortcuts, `guide` walks the slides,
//! `prefs` remembers the last launch; `plot`, `legend`, `diagram` and
//! `readout` draw.

mod backprop;
mod capture;
mod deeper;
mod diagram;
mod dialog;
mod export;
mod guide;
mod keys;
mod landscape;
mod legend;
mod live;
mod places;
pub mod plot;
mod prefs;
mod readout;
mod screenshot;
mod sessions;
mod startup;
mod tab;
mod tabs;
mod tiles;

use std::path::{Path, PathBuf};

pub use startup::{StartError, WindowStart, install_fonts, run_window};
pub use tab::View;

use crate::explain::Explain;
use crate::figures::Figure;
use crate::lang::Lang;
use crate::lessons;
use crate::nn::{Config, NonFinite};
use crate::train::{Command, State, Trainer, Update};

use guide::Walk;
pub use live::LiveView;
use sessions::{SessionAction, SessionFiles};
use tab::Shared;
use tabs::Tabs;

pub struct GradscopeApp {
    tabs: Tabs,
    /// The tab on screen.
    view: View,
    lang: Lang,
    /// The status line's message (an export's folder, a refused command).
    message: Option<String>,
    /// Where exports go.
    export_root: PathBuf,
    /// The guided lesson's step, when it is on.
    guide: Option<usize>,
    /// Zoomed, light, thick lines: for projectors.
    presentation: bool,
    /// The keyboard shortcuts overlay.
    help: bool,
    /// Whether a depth sweep ran at the last frame.
    sweep_running: bool,
    sessions: SessionFiles,
    /// What was last written to the preferences file (`None`: do not write,
    /// as in tests).
    remembered: Option<prefs::Prefs>,
    /// The system's save and open dialogs.
    dialogs: dialog::Dialogs,
    /// A plot's screen capture on its way.
    capture: Option<capture::Capture>,
    /// Set by `--screenshot`: train, capture, close.
    screenshot: Option<screenshot::Plan>,
}

impl GradscopeApp {
    /// A window on `lesson` (default: the first), already training. The
    /// trainer's wake-ups become repaint requests of `ctx`, so an idle
    /// window uses no CPU.
    pub fn new(
        ctx: &egui::Context,
        lang: Lang,
        lesson: Option<&str>,
    ) -> Result<GradscopeApp, StartError> {
        GradscopeApp::with_start(ctx, lang, lesson, true)
    }

    /// As `new`, training only if `play` (paused at step 0 otherwise).
    pub fn with_start(
        ctx: &egui::Context,
        lang: Lang,
        lesson: Option<&str>,
        play: bool,
    ) -> Result<GradscopeApp, StartError> {
        install_fonts(ctx);
        let repaint = ctx.clone();
        let wake: Box<dyn Fn() + Send> = Box::new(move || repaint.request_repaint());
        let lessons = lessons::all().map_err(|e| StartError(e.explain(Lang::En)))?;
        let index = match lesson {
            None => 0,
            Some(id) => lessons
                .iter()
                .position(|l| l.id == id)
                .ok_or_else(|| StartError(format!("--lesson: there is no lesson \"{id}\"")))?,
        };
        let first = lessons
            .get(index)
            .ok_or_else(|| StartError("no lessons are embedded".into()))?;
        let trainer = Trainer::spawn(first.config.clone(), first.mode, wake)
            .map_err(|e| StartError(e.explain(lang)))?;
        let live = LiveView::new(lessons, index, trainer);
        if play {
            live.send(crate::train::Playback::Play);
        }
        Ok(GradscopeApp {
            tabs: Tabs {
                live,
                backprop: backprop::BackpropView::default(),
                deeper: deeper::DeeperView::default(),
                landscape: landscape::LandscapeView::default(),
            },
            view: View::Live,
            lang,
            message: None,
            export_root: export::default_root().to_path_buf(),
            guide: None,
            presentation: false,
            help: false,
            sweep_running: false,
            sessions: SessionFiles::default(),
            remembered: None,
            dialogs: dialog::Dialogs::default(),
            capture: None,
            screenshot: None,
        })
    }

    /// Steps the (first) run has taken, as far as the window knows.
    pub fn steps(&self) -> u64 {
        self.tabs.live.steps()
    }

    /// The skip of every block of the (last, residual) run.
    pub fn skips(&self) -> Vec<bool> {
        self.tabs.live.skips()
    }

    /// Sends a command to the trainer, as the window's controls do.
    pub fn send(&self, command: impl Into<Command>) -> bool {
        self.tabs.live.send(command)
    }

    /// Exports go into new folders under `root` (default
    /// Pictures/gradscope-exports).
    pub fn set_export_root(&mut self, root: PathBuf) {
        self.export_root = root;
    }

    /// The last message shown (an export's folder, a rejected command).
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The runs on screen: "" alone, or "plain" and "residual" in compare mode.
    pub fn run_names(&self) -> Vec<String> {
        self.tabs.live.run_names()
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

    /// The backprop tab's network.
    pub fn backprop(&self) -> &crate::nn::textbook::Textbook {
        &self.tabs.backprop.model
    }

    /// (busy, rows done, rows planned) of the loss landscape.
    pub fn landscape_progress(&self) -> (bool, usize, usize) {
        let landscape = &self.tabs.landscape;
        let (done, total) = landscape.progress();
        (landscape.is_busy(), done, total)
    }

    /// The last loss landscape computed, one slice per live network.
    pub fn landscape_result(&self) -> Option<&crate::train::landscape::LandscapeResult> {
        self.tabs.landscape.result.as_ref()
    }

    /// (networks trained, networks planned, running) of the depth sweep.
    pub fn sweep_progress(&self) -> (usize, usize, bool) {
        let deeper = &self.tabs.deeper;
        (deeper.records.len(), deeper.total, deeper.is_running())
    }

    /// The guided lesson's step, when it is on.
    pub fn guide_step(&self) -> Option<usize> {
        self.guide
    }

    pub fn presentation(&self) -> bool {
        self.presentation
    }

    pub fn training_state(&self) -> &State {
        self.tabs.live.state()
    }

    pub fn lesson_id(&self) -> &str {
        &self.tabs.live.current().id
    }

    /// The configuration the trainer reports it runs.
    pub fn config(&self) -> &Config {
        self.tabs.live.config()
    }

    /// The first NaN or Inf of the current run, if any.
    pub fn diverged(&self) -> Option<NonFinite> {
        self.tabs.live.diverged()
    }

    /// Every live plot, built from what the trainer measured.
    pub fn figures(&self) -> Vec<Figure> {
        self.tabs.live.figures(self.lang)
    }

    /// Every live plot as it was at `step` (the last moment replay
    /// recorded at or before it), in the window's language: see
    /// `LiveView::figures_at`.
    pub fn figures_at(&self, step: u64) -> Option<Vec<Figure>> {
        self.tabs.live.figures_at(self.lang, step)
    }

    /// The live tab, for what replay recorded (`live().replay()`) and the
    /// figures of the past in any language (`live().figures_at`).
    pub fn live(&self) -> &LiveView {
        &self.tabs.live
    }

    /// The step the live plots show (`None`: the present).
    pub fn replay_at(&self) -> Option<u64> {
        self.tabs.live.replay_at()
    }

    /// Shows the live plots at `step`'s moment, or (`None`) the present.
    pub fn go_to(&mut self, step: Option<u64>) {
        self.tabs.live.go_to(step);
    }

    /// Folds the trainer's news into the live tab (what `logic` does once
    /// a frame with what the trainer sent since the last one).
    pub fn absorb(&mut self, update: Update) {
        self.tabs.live.absorb(update, &mut self.message);
    }

    /// Lines in plots are this much thicker in presentation mode.
    fn line_scale(&self) -> f32 {
        if self.presentation { 1.8 } else { 1.0 }
    }

    /// Zoom, theme and line widths for a projector, or back.
    pub fn set_presentation(&mut self, ctx: &egui::Context, on: bool) {
        self.presentation = on;
        self.tabs.live.show_settings = !on;
        ctx.set_zoom_factor(if on { 1.4 } else { 1.0 });
        ctx.set_theme(if on {
            egui::ThemePreference::Light
        } else {
            egui::ThemePreference::System
        });
    }

    /// The guided lesson's hold on the window.
    fn walk(&mut self) -> Walk<'_> {
        Walk {
            step: &mut self.guide,
            view: &mut self.view,
            tabs: &mut self.tabs,
        }
    }

    /// The preferences as they are now.
    fn prefs(&self) -> prefs::Prefs {
        prefs::Prefs {
            lang: Some(self.lang),
            lesson: Some(self.lesson_id().to_string()),
            view: self.view,
            presentation: self.presentation,
            session_path: self.sessions.file.clone(),
            // Only a folder chosen in the window: the default follows the
            // platform's Pictures folder.
            export_root: Some(self.export_root.clone())
                .filter(|root| root.as_path() != export::default_root()),
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

    /// Saves the live runs, the lesson and the language to `path`.
    pub fn save_session(&mut self, path: &Path) -> Result<(), String> {
        sessions::save(&mut self.tabs.live, path, self.lang, &mut self.message)?;
        self.sessions.file = Some(path.to_path_buf());
        Ok(())
    }

    /// Replaces the runs, the lesson and the language by a saved session's;
    /// a bad file changes nothing.
    pub fn open_session(&mut self, path: &Path) -> Result<(), String> {
        self.lang = sessions::open(&mut self.tabs.live, path, self.lang)?;
        self.sessions.file = Some(path.to_path_buf());
        Ok(())
    }

    /// Saves the session to `path` and says where, or why not.
    fn save_session_and_say(&mut self, path: &Path) {
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
    fn open_session_and_say(&mut self, path: &Path) {
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
                self.sessions.path = path.display().to_string();
                self.save_session_and_say(&path);
            }
            dialog::Purpose::OpenSession => {
                self.sessions.path = path.display().to_string();
                self.open_session_and_say(&path);
            }
            dialog::Purpose::OpenTable => {
                self.message = Some(live::open_table(&mut self.tabs.live, &path, l));
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

    /// The window's own keys, then the tab's.
    fn shortcuts(&mut self, ctx: &egui::Context) {
        if ctx.egui_wants_keyboard_input() {
            return;
        }
        let pressed = |key: egui::Key| ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, key));
        if pressed(egui::Key::H) || pressed(egui::Key::F1) {
            self.help = !self.help;
        }
        if pressed(egui::Key::Escape) {
            self.help = false;
        }
        if pressed(egui::Key::P) {
            self.set_presentation(ctx, !self.presentation);
        }
        for (key, view) in keys::TAB_KEYS {
            if pressed(key) {
                self.view = view;
            }
        }
        if self.guide.is_some() {
            if pressed(egui::Key::ArrowRight) || pressed(egui::Key::PageDown) {
                guide::guide_next(&mut self.walk(), 1);
            }
            if pressed(egui::Key::ArrowLeft) || pressed(egui::Key::PageUp) {
                guide::guide_next(&mut self.walk(), -1);
            }
        }
        let mut shared = Shared {
            lang: self.lang,
            line_scale: self.line_scale(),
            export_root: &self.export_root,
            message: &mut self.message,
        };
        self.tabs.get(self.view).keys(ctx, &pressed, &mut shared);
    }

    /// The tabs, the guided lesson, presentation mode, sessions, help,
    /// language.
    fn tabs_ui(&mut self, ui: &mut egui::Ui) {
        let l = self.lang;
        let mut session = None;
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
                    guide::go_to_guide_step(&mut self.walk(), 0);
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
            session = sessions::session_menu_ui(ui, &mut self.sessions, &mut self.dialogs, l);
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
        match session {
            Some(SessionAction::Save(path)) => self.save_session_and_say(&path),
            Some(SessionAction::Open(path)) => self.open_session_and_say(&path),
            None => {}
        }
        if let Some(step) = self.guide {
            guide::guide_ui(ui, &mut self.walk(), step, l);
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
                let change = l.pick("Change folder…", "Cambia cartella…");
                if dialog::dialog_button(ui, &self.dialogs, change, l).clicked() {
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
}

impl eframe::App for GradscopeApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        if let Some(update) = self.tabs.live.drain() {
            self.absorb(update);
        }
        if let Some(said) = capture::finish(ctx, &mut self.capture, &self.export_root, self.lang) {
            self.message = Some(said);
        }
        self.remember();
        // The sweep reports to whichever tab is open; it takes every core,
        // so the live trainer pauses when one starts.
        let was_running = self.sweep_running;
        self.tabs.deeper.poll(self.lang);
        self.tabs
            .landscape
            .serve(ctx, &mut self.tabs.live, self.lang);
        self.sweep_running = self.tabs.deeper.is_running();
        if self.sweep_running && !was_running {
            self.tabs.live.pause();
        }
        if let Some(plan) = self.screenshot.as_mut() {
            let live = &self.tabs.live;
            let steps = live.steps();
            let trained = steps >= plan.steps || (steps > 0 && *live.state() != State::Playing);
            let landscape = &mut self.tabs.landscape;
            let landscape_shown = self.view != View::Landscape
                || landscape.result.is_some()
                || landscape.error.is_some();
            if !landscape_shown && trained && !landscape.is_busy() {
                landscape.request();
            }
            let done = trained && !self.tabs.deeper.is_running() && landscape_shown;
            plan.advance(ctx, done);
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        if let Some(answer) = self.dialogs.poll() {
            self.dialog_answered(answer);
        }
        let table = &mut self.tabs.live.table_choice;
        table.dialog_ready = self.dialogs.available() && !self.dialogs.is_open();
        if std::mem::take(&mut table.wants_dialog) {
            let start = PathBuf::from(table.path.trim());
            self.dialogs
                .open(ui.ctx(), dialog::Purpose::OpenTable, self.lang, &start);
        }
        self.shortcuts(ui.ctx());
        let lang = self.lang;
        let line_scale = self.line_scale();
        egui::Panel::top("controls").show(ui, |ui| {
            self.tabs_ui(ui);
            let tab = self.tabs.get(self.view);
            if tab.has_top() {
                ui.separator();
                let mut shared = Shared {
                    lang,
                    line_scale,
                    export_root: &self.export_root,
                    message: &mut self.message,
                };
                tab.top_ui(ui, &mut shared);
            }
        });
        egui::Panel::bottom("status").show(ui, |ui| self.status_ui(ui));
        let mut shared = Shared {
            lang,
            line_scale,
            export_root: &self.export_root,
            message: &mut self.message,
        };
        let request = self.tabs.get(self.view).ui(ui, &mut shared);
        if let Some(request) = request {
            let said = capture::carry_out(
                ui.ctx(),
                request,
                &self.export_root,
                lang,
                &mut self.capture,
            );
            self.message = Some(said);
        }
        if self.help {
            keys::help_ui(ui.ctx(), &mut self.help, lang);
        }
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
        assert_eq!(app.sessions.path, file.display().to_string());
        assert_eq!(app.sessions.file.as_ref(), Some(&file));

        // Cancelled (or no dialog at all): a message, nothing else.
        app.dialog_answered((Purpose::OpenSession, None));
        assert_eq!(app.message(), Some("No file chosen: nothing changed"));
        assert_eq!(app.sessions.path, file.display().to_string());

        app.dialog_answered((Purpose::OpenSession, Some(file.clone())));
        let message = app.message().unwrap_or_default();
        assert!(message.starts_with("Session opened from"), "{message}");
    }
}
