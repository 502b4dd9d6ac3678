//! Sessions in the window: the Session menu (a typed path, save, open, the
//! system's dialogs), and saving or opening the live tab's runs. The file
//! format and its checks are `crate::session`'s.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui::PopupCloseBehavior;
use egui::containers::menu::{MenuButton, MenuConfig};

use crate::explain::Explain;

use crate::lang::Lang;
use crate::session::{self, RunState};
use crate::train::{Command, Playback, State};

use super::dialog::{self, Dialogs};
use super::live::LiveView;

/// The session file "Save" and "Open" use.
pub struct SessionFiles {
    /// As typed in the menu.
    pub path: String,
    /// The last session file saved or opened (remembered between launches).
    pub file: Option<PathBuf>,
}

impl Default for SessionFiles {
    fn default() -> Self {
        SessionFiles {
            path: super::places::default_session_path().display().to_string(),
            file: None,
        }
    }
}

/// What the Session menu asks the window to do.
pub enum SessionAction {
    Save(PathBuf),
    Open(PathBuf),
}

/// The Session menu: a path, save, open, and the system's dialogs. It
/// stays open while its path is typed (a menu closes on any click by
/// default, and the keys would then reach the shortcuts); its buttons
/// close it.
pub fn session_menu_ui(
    ui: &mut egui::Ui,
    files: &mut SessionFiles,
    dialogs: &mut Dialogs,
    l: Lang,
) -> Option<SessionAction> {
    let mut action = None;
    let typing = MenuConfig::default().close_behavior(PopupCloseBehavior::CloseOnClickOutside);
    MenuButton::new(l.pick("Session", "Sessione"))
        .config(typing)
        .ui(ui, |ui| {
            ui.label(l.pick(
                "Config, weights, plots and language in one file",
                "Configurazione, pesi, grafici e lingua in un file",
            ));
            let label = ui.label(l.pick("session file", "file di sessione"));
            ui.add(egui::TextEdit::singleline(&mut files.path).desired_width(360.0))
                .labelled_by(label.id);
            let path = PathBuf::from(files.path.trim());
            ui.horizontal(|ui| {
                if ui
                    .button(l.pick("Save session", "Salva sessione"))
                    .clicked()
                {
                    action = Some(SessionAction::Save(path.clone()));
                    ui.close();
                }
                if ui.button(l.pick("Open session", "Apri sessione")).clicked() {
                    action = Some(SessionAction::Open(path.clone()));
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
                    if dialog::dialog_button(ui, dialogs, text, l).clicked() {
                        dialogs.open(ui.ctx(), purpose, l, &path);
                        ui.close();
                    }
                }
            });
        });
    action
}

/// Saves the live runs' config, weights, histories and `lang` to `path`.
/// Training pauses while the window catches up with the trainer, so the
/// weights and the history describe the same step; it resumes afterwards.
pub fn save(
    live: &mut LiveView,
    path: &Path,
    lang: Lang,
    message: &mut Option<String>,
) -> Result<(), String> {
    let was_playing = *live.state() == State::Playing;
    live.send(Playback::Pause);
    let (reply, answer) = std::sync::mpsc::channel();
    live.send(Command::Networks(reply));
    let result = answer
        .recv_timeout(Duration::from_secs(10))
        .map_err(|_| {
            lang.pick(
                "cannot save the session: the trainer did not answer",
                "impossibile salvare la sessione: l'addestramento non risponde",
            )
            .to_string()
        })
        .and_then(|(epoch, networks)| write(live, path, epoch, networks, lang, message));
    if was_playing {
        live.send(Playback::Play);
    }
    result
}

fn write(
    live: &mut LiveView,
    path: &Path,
    epoch: u64,
    networks: Vec<RunState>,
    lang: Lang,
    message: &mut Option<String>,
) -> Result<(), String> {
    // Everything the trainer sent before its answer is on its way:
    // take it, so the history ends where the weights are.
    let deadline = Instant::now() + Duration::from_secs(5);
    let caught_up = |live: &LiveView| {
        live.epoch() == epoch
            && live.runs().len() == networks.len()
            && live
                .runs()
                .iter()
                .zip(&networks)
                .all(|(view, net)| view.history.steps() == net.steps)
    };
    while !caught_up(live) && Instant::now() < deadline {
        if let Some(update) = live.recv_timeout(Duration::from_millis(50)) {
            live.absorb(update, message);
        }
    }
    if !caught_up(live) {
        return Err(lang
            .pick(
                "cannot save the session: the network changed while saving; try again",
                "impossibile salvare la sessione: la rete è cambiata durante il salvataggio; riprovate",
            )
            .to_string());
    }
    let runs: Vec<RunState> = networks
        .into_iter()
        .zip(live.runs())
        .map(|(mut state, view)| {
            state.history = view.history.clone();
            state
        })
        .collect();
    let saved = session::Session::new(lang, &live.current().id, live.mode(), live.config(), &runs)
        .with_replay(live.replay());
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            format!(
                "{} {}: {}",
                lang.pick("cannot create", "impossibile creare"),
                dir.display(),
                crate::explain::describe(&e, lang)
            )
        })?;
    }
    session::save(path, &saved).map_err(|e| e.explain(lang))
}

/// Replaces the live runs and lesson by a saved session's; returns the
/// session's language. A bad file changes nothing.
pub fn open(live: &mut LiveView, path: &Path, lang: Lang) -> Result<Lang, String> {
    let (saved, runs) = session::load(path).map_err(|e| e.explain(lang))?;
    let replay = saved.replay_record().map_err(|e| e.explain(lang))?;
    live.restore(&saved.lesson, saved.config, saved.mode, runs, replay);
    Ok(saved.lang)
}
