//! What the window remembers between launches: language, lesson, tab,
//! presentation mode, the session file's path and the export folder, in
//! the platform's configuration folder (`places::settings_file`). Written
//! whenever one of them changes, so a crash loses nothing; a missing or
//! unreadable file just means the defaults.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::files::write_atomically;
use crate::lang::Lang;

use super::tab::View;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    pub lang: Option<Lang>,
    pub lesson: Option<String>,
    pub view: View,
    pub presentation: bool,
    pub session_path: Option<PathBuf>,
    /// Where exports go, when chosen in the window.
    pub export_root: Option<PathBuf>,
}

impl Default for Prefs {
    fn default() -> Self {
        Prefs {
            lang: None,
            lesson: None,
            view: View::Live,
            presentation: false,
            session_path: None,
            export_root: None,
        }
    }
}

/// Where the preferences live; `None` without a home folder.
pub fn path() -> Option<PathBuf> {
    super::places::settings_file()
}

/// The saved preferences, or the defaults if there are none (or they are
/// unreadable: preferences are a convenience, never an obstacle).
pub fn load() -> Prefs {
    path()
        .and_then(|p| std::fs::read_to_string(p).ok())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// Saves the preferences; failures are ignored for the same reason.
pub fn save(prefs: &Prefs) {
    let Some(path) = path() else { return };
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Ok(text) = serde_json::to_string_pretty(prefs) {
        let _ = write_atomically(&path, text.as_bytes());
    }
}
