//! Where a desktop app keeps things, on each platform, through the
//! `directories` crate (never a hand-built path from `$HOME`): the
//! settings file in the platform's configuration folder (Linux
//! `~/.config/gradscope`, macOS `~/Library/Application Support/gradscope`,
//! Windows `%APPDATA%\gradscope\config`), exports under the user's
//! Pictures folder and sessions under Documents, where a teacher looks.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use directories::{ProjectDirs, UserDirs};

/// The preferences file; `None` where the platform names no home.
pub fn settings_file() -> Option<PathBuf> {
    ProjectDirs::from("", "", "gradscope").map(|dirs| dirs.config_dir().join("settings.json"))
}

/// A user folder (Pictures, Documents) if the platform has one, else the
/// home folder, else the working folder.
fn user_folder(pick: fn(&UserDirs) -> Option<&Path>) -> PathBuf {
    UserDirs::new()
        .and_then(|dirs| {
            pick(&dirs)
                .map(PathBuf::from)
                .or_else(|| Some(dirs.home_dir().to_path_buf()))
        })
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Where exports go until a folder is chosen: Pictures/gradscope-exports.
/// Looked up once: the window compares against it every frame (to remember
/// only a folder the teacher chose), and finding Pictures reads a file on
/// Linux.
pub fn default_export_root() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| user_folder(UserDirs::picture_dir).join("gradscope-exports"))
}

/// The session file the Session menu offers first:
/// Documents/gradscope-sessions/session.json.
pub fn default_session_path() -> PathBuf {
    user_folder(UserDirs::document_dir)
        .join("gradscope-sessions")
        .join("session.json")
}
