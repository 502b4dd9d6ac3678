//! The system's file dialogs (on Linux the desktop portal, or zenity; the
//! native ones on Windows and macOS), each on its own thread so the window
//! keeps drawing and training while one is open. They are a convenience
//! beside the typed path fields, which always work: a machine without a
//! dialog (a bare X server, CI) loses nothing.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, TryRecvError};

use crate::lang::Lang;

/// What a dialog was opened for, so its answer goes to the right place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    SaveSession,
    OpenSession,
    ExportFolder,
    /// The teacher's CSV table, for the settings panel's data set.
    OpenTable,
}

/// The answer of a dialog: a path, or `None` when it was closed without
/// one (cancelled, or the system could not show it: rfd does not say which).
pub type Answer = (Purpose, Option<PathBuf>);

/// At most one dialog at a time, as on every desktop. The default has
/// none (headless tests draw the same pixels on every machine); the real
/// window uses `of_the_system`.
#[derive(Default)]
pub struct Dialogs {
    available: bool,
    pending: Option<(Purpose, Receiver<Option<PathBuf>>)>,
}

impl Dialogs {
    /// The system's dialogs, if it has any.
    pub fn of_the_system() -> Dialogs {
        Dialogs {
            available: system_has_dialogs(),
            pending: None,
        }
    }

    /// Whether a dialog can be shown at all.
    pub fn available(&self) -> bool {
        self.available
    }

    /// Whether a dialog is open now.
    pub fn is_open(&self) -> bool {
        self.pending.is_some()
    }

    /// Opens the dialog for `purpose`, starting at `start` (a file for
    /// sessions, a folder for exports). Does nothing while another is open.
    pub fn open(&mut self, ctx: &egui::Context, purpose: Purpose, lang: Lang, start: &Path) {
        if self.is_open() || !self.available {
            return;
        }
        let dialog = build(purpose, lang, start);
        let (send, receive) = mpsc::channel();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("gradscope-dialog".into())
            .spawn(move || {
                let chosen = pollster::block_on(async {
                    let handle = match purpose {
                        Purpose::SaveSession => dialog.save_file().await,
                        Purpose::OpenSession | Purpose::OpenTable => dialog.pick_file().await,
                        Purpose::ExportFolder => dialog.pick_folder().await,
                    };
                    handle.map(|h| h.path().to_path_buf())
                });
                // The window may have closed meanwhile: nobody to tell.
                let _ = send.send(chosen);
                ctx.request_repaint();
            });
        if spawned.is_ok() {
            self.pending = Some((purpose, receive));
        }
    }

    /// The answer, once the dialog has closed.
    pub fn poll(&mut self) -> Option<Answer> {
        let (purpose, receive) = self.pending.as_ref()?;
        let answer = match receive.try_recv() {
            Ok(chosen) => (*purpose, chosen),
            Err(TryRecvError::Empty) => return None,
            // The thread died (a panic in the system's dialog code).
            Err(TryRecvError::Disconnected) => (*purpose, None),
        };
        self.pending = None;
        Some(answer)
    }
}

/// The dialog's title, filter and starting place.
fn build(purpose: Purpose, lang: Lang, start: &Path) -> rfd::AsyncFileDialog {
    let dialog = rfd::AsyncFileDialog::new().set_can_create_directories(true);
    match purpose {
        Purpose::OpenTable => dialog
            .set_title(lang.pick("Open a CSV table", "Apri una tabella CSV"))
            .add_filter(lang.pick("CSV table", "tabella CSV"), &["csv", "txt"])
            .set_directory(existing_ancestor(start.parent().unwrap_or(start))),
        Purpose::ExportFolder => dialog
            .set_title(lang.pick("Folder for exports", "Cartella per le esportazioni"))
            .set_directory(existing_ancestor(start)),
        Purpose::SaveSession | Purpose::OpenSession => {
            let title = if purpose == Purpose::SaveSession {
                lang.pick("Save the session", "Salva la sessione")
            } else {
                lang.pick("Open a session", "Apri una sessione")
            };
            let folder = start.parent().unwrap_or(start);
            let mut dialog = dialog
                .set_title(title)
                .add_filter(
                    lang.pick("gradscope session", "sessione gradscope"),
                    &["json"],
                )
                .set_directory(existing_ancestor(folder));
            if purpose == Purpose::SaveSession
                && let Some(name) = start.file_name()
            {
                dialog = dialog.set_file_name(name.to_string_lossy());
            }
            dialog
        }
    }
}

/// `path` or its nearest parent that exists (a dialog cannot start in a
/// folder that is not there yet, such as a first launch's export folder).
fn existing_ancestor(path: &Path) -> PathBuf {
    path.ancestors()
        .find(|p| p.is_dir())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// On Linux the dialog comes from the desktop portal over the session's
/// D-Bus, or from zenity; a bare X server (CI, Xvfb) has neither, and a
/// button that silently does nothing would puzzle a teacher.
#[cfg(all(unix, not(target_os = "macos")))]
fn system_has_dialogs() -> bool {
    let session_bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|a| !a.is_empty())
        || std::env::var_os("XDG_RUNTIME_DIR")
            .is_some_and(|dir| Path::new(&dir).join("bus").exists());
    let zenity = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|p| p.join("zenity").is_file()));
    session_bus || zenity
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
fn system_has_dialogs() -> bool {
    true
}

/// A button that opens one of the system's dialogs: disabled, saying why,
/// where the system has none or while one is open.
pub fn dialog_button(ui: &mut egui::Ui, dialogs: &Dialogs, text: &str, l: Lang) -> egui::Response {
    let enabled = dialogs.available() && !dialogs.is_open();
    let button = ui.add_enabled(enabled, egui::Button::new(text));
    if !dialogs.available() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dialog_starts_in_the_nearest_existing_folder() {
        let dir = tempfile::tempdir().expect("temp dir");
        let missing = dir.path().join("not").join("yet");
        assert_eq!(existing_ancestor(&missing), dir.path());
        assert_eq!(existing_ancestor(dir.path()), dir.path());
    }

    #[test]
    fn without_dialogs_nothing_opens() {
        let mut dialogs = Dialogs::default();
        assert!(!dialogs.available());
        let ctx = egui::Context::default();
        dialogs.open(&ctx, Purpose::OpenSession, Lang::En, Path::new("."));
        assert!(!dialogs.is_open());
        assert_eq!(dialogs.poll(), None);
    }
}
