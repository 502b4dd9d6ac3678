//! What the window remembers between launches: language, lesson, tab,
//! presentation mode, the session file's path and the export folder, in
//! the platform's configuration folder (`places::settings_file`). Written
//! whenever one of them changes, so a crash loses nothing.
//!
//! Preferences are a convenience, never an obstacle: the file is read
//! through `files::read_limited` (a folder, a named pipe or a device in its
//! place is refused before it is opened, a huge file unread), field by
//! field, so one bad value costs that field only; an empty path counts as
//! unset. What was ignored comes back as a `SettingsProblem`, which the
//! window shows on its status line in its language. Unknown fields (a
//! newer gradscope's) are skipped without a word.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::explain::Explain;
use crate::files::{ReadError, read_limited, write_atomically};
use crate::lang::{Lang, say};

use super::tab::View;

/// No settings file is anywhere near this large.
pub const MAX_SETTINGS_BYTES: u64 = 1 << 20;

#[derive(Clone, Debug, PartialEq, Serialize)]
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

/// The preferences read, and what of the file was not used.
#[derive(Debug)]
pub struct Loaded {
    pub prefs: Prefs,
    pub problem: Option<SettingsProblem>,
}

/// Why some or all of the settings file was not used.
#[derive(Debug)]
pub enum SettingsProblem {
    /// Nothing could be read: the defaults apply.
    Unreadable { path: PathBuf, why: ReadError },
    /// The file is not a JSON object: the defaults apply.
    NotSettings { path: PathBuf },
    /// These fields had values this gradscope cannot use; the rest apply.
    Ignored {
        path: PathBuf,
        fields: Vec<&'static str>,
    },
}

impl Explain for SettingsProblem {
    fn explain(&self, lang: Lang) -> String {
        match self {
            SettingsProblem::Unreadable { path, why } => {
                let (path, why) = (path.display(), why.explain(lang));
                say!(
                    lang,
                    "settings not read from {path}: {why}; using the defaults",
                    "impostazioni non lette da {path}: {why}; uso quelle predefinite"
                )
            }
            SettingsProblem::NotSettings { path } => {
                let path = path.display();
                say!(
                    lang,
                    "settings not read: {path} is not a gradscope settings file; using the defaults",
                    "impostazioni non lette: {path} non è un file di impostazioni di gradscope; uso quelle predefinite"
                )
            }
            SettingsProblem::Ignored { path, fields } => {
                let (path, fields) = (path.display(), fields.join(", "));
                say!(
                    lang,
                    "settings in {path}: ignored {fields} (a value this gradscope cannot use); the rest was kept",
                    "impostazioni in {path}: ignorati {fields} (un valore che questo gradscope non può usare); il resto è stato mantenuto"
                )
            }
        }
    }
}

/// The saved preferences (the defaults where there are none), and what
/// was ignored.
pub fn load() -> Loaded {
    match path() {
        Some(path) => load_from(&path),
        None => Loaded {
            prefs: Prefs::default(),
            problem: None,
        },
    }
}

/// The preferences in the settings file at `path`, field by field.
pub fn load_from(path: &Path) -> Loaded {
    let defaults = |problem| Loaded {
        prefs: Prefs::default(),
        problem,
    };
    let bytes = match read_limited(path, MAX_SETTINGS_BYTES) {
        Ok(bytes) => bytes,
        // The first launch.
        Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            return defaults(None);
        }
        Err(why) => {
            return defaults(Some(SettingsProblem::Unreadable {
                path: path.to_path_buf(),
                why,
            }));
        }
    };
    let Ok(object) = serde_json::from_slice::<Map<String, Value>>(&bytes) else {
        return defaults(Some(SettingsProblem::NotSettings {
            path: path.to_path_buf(),
        }));
    };
    let mut fields = Fields {
        object: &object,
        ignored: Vec::new(),
    };
    let fallback = Prefs::default();
    let prefs = Prefs {
        lang: fields.get::<Option<Lang>>("lang").flatten(),
        lesson: fields.get::<Option<String>>("lesson").flatten(),
        view: fields.get("view").unwrap_or(fallback.view),
        presentation: fields.get("presentation").unwrap_or(fallback.presentation),
        session_path: fields.path("session_path"),
        export_root: fields.path("export_root"),
    };
    let problem = (!fields.ignored.is_empty()).then(|| SettingsProblem::Ignored {
        path: path.to_path_buf(),
        fields: fields.ignored,
    });
    Loaded { prefs, problem }
}

/// The settings file's fields, read one at a time.
struct Fields<'a> {
    object: &'a Map<String, Value>,
    /// The fields present whose values could not be used.
    ignored: Vec<&'static str>,
}

impl Fields<'_> {
    /// The field's value, `None` if it is missing or unusable (noted).
    fn get<T: DeserializeOwned>(&mut self, name: &'static str) -> Option<T> {
        let value = self.object.get(name)?;
        match T::deserialize(value) {
            Ok(v) => Some(v),
            Err(_) => {
                self.ignored.push(name);
                None
            }
        }
    }

    /// A path field; empty counts as unset.
    fn path(&mut self, name: &'static str) -> Option<PathBuf> {
        self.get::<Option<PathBuf>>(name)
            .flatten()
            .filter(|p| !p.as_os_str().is_empty())
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// One bad field costs that field only, and is reported; an empty
    /// path means no path.
    #[test]
    fn a_bad_field_keeps_the_others_and_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(
            &path,
            r#"{"lang": "it", "view": "sideways", "presentation": true, "export_root": "", "session_path": 7}"#,
        )
        .unwrap();
        let loaded = load_from(&path);
        assert_eq!(loaded.prefs.lang, Some(Lang::It));
        assert!(loaded.prefs.presentation);
        assert_eq!(loaded.prefs.view, View::Live);
        assert_eq!(loaded.prefs.export_root, None);
        match loaded.problem {
            Some(SettingsProblem::Ignored { fields, .. }) => {
                assert_eq!(fields, ["view", "session_path"]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_missing_file_is_the_first_launch() {
        let dir = tempfile::tempdir().unwrap();
        let loaded = load_from(&dir.path().join("none.json"));
        assert_eq!(loaded.prefs, Prefs::default());
        assert!(loaded.problem.is_none());
    }

    /// A settings file that is a link to /dev/zero, a folder or not JSON:
    /// the defaults at once, and one line in each language.
    #[test]
    fn an_unreadable_file_means_the_defaults_and_a_line() {
        let dir = tempfile::tempdir().unwrap();
        let mut cases = vec![dir.path().to_path_buf()];
        let garbage = dir.path().join("garbage.json");
        std::fs::write(&garbage, [0xff, 0x00, 0x7b]).unwrap();
        cases.push(garbage);
        #[cfg(unix)]
        {
            let link = dir.path().join("zero.json");
            std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
            cases.push(link);
        }
        for path in cases {
            let loaded = load_from(&path);
            assert_eq!(loaded.prefs, Prefs::default());
            let problem = loaded.problem.expect("a problem to show");
            let (en, it) = (problem.explain(Lang::En), problem.explain(Lang::It));
            assert!(en.contains(&path.display().to_string()), "{en}");
            assert_ne!(en, it);
        }
    }
}
