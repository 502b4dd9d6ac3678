//! Every error message of the library, in English and Italian: one
//! `Explain` implementation per error type. The library's errors carry the
//! data a message needs (paths, lines, limits, the underlying I/O error);
//! the words live only here. Every message is written with `say!`, whose
//! two templates take the same arguments, so neither language can miss one.
//! The English texts are the ones the command line has always printed.
//!
//! This is the edge of the library: it imports every room's error types,
//! and only the window and the command line import it, so no room of the
//! library depends back on it. `core` explains the network's and the
//! trainer's errors, `files` those of sessions, models, CSV batches and
//! lessons, `table_file` those of the teacher's CSV tables, `output`
//! those of figures and headless runs, `animation` those of animated GIFs.

use std::io;
use std::path::Path;

use crate::files::{FileKind, NotRegularFile, ReadError, StdoutError};
use crate::lang::{Lang, say};

mod animation;
mod core;
mod files;
mod output;
mod table_file;

/// A message for the person using gradscope, in their language.
pub trait Explain {
    fn explain(&self, lang: Lang) -> String;
}

/// A short, human description of an I/O error in `lang`, without Rust's
/// debug noise (rarer errors keep the system's own words).
pub fn describe(err: &io::Error, lang: Lang) -> String {
    use io::ErrorKind::*;
    if let Some(special) = crate::files::not_regular_inside(err) {
        return not_a_regular_file(special.kind, lang);
    }
    let (en, it) = match err.kind() {
        NotFound => ("no such file or folder", "file o cartella inesistente"),
        PermissionDenied => ("permission denied", "permesso negato"),
        StorageFull => ("the disk is full", "il disco è pieno"),
        ReadOnlyFilesystem => (
            "the file system is read-only",
            "il file system è in sola lettura",
        ),
        IsADirectory => ("it is a folder, not a file", "è una cartella, non un file"),
        NotADirectory => (
            "a part of the path is a file, not a folder",
            "una parte del percorso è un file, non una cartella",
        ),
        _ => return err.to_string(),
    };
    lang.pick(en, it).to_string()
}

/// What a path that should be a regular file is, as a clause after the
/// path: "it is a named pipe, not a regular file".
pub fn not_a_regular_file(kind: FileKind, lang: Lang) -> String {
    let what = kind.explain(lang);
    say!(
        lang,
        "it is {what}, not a regular file",
        "è {what}, non un file normale"
    )
}

impl Explain for FileKind {
    fn explain(&self, lang: Lang) -> String {
        let (en, it) = match self {
            FileKind::Folder => ("a folder", "una cartella"),
            FileKind::NamedPipe => ("a named pipe", "una pipe con nome"),
            FileKind::Device => ("a device", "un dispositivo"),
            FileKind::Socket => ("a socket", "un socket"),
            FileKind::Other => ("a special file", "un file speciale"),
        };
        lang.pick(en, it).to_string()
    }
}

impl Explain for NotRegularFile {
    fn explain(&self, lang: Lang) -> String {
        let (path, what) = (shown(&self.path), self.kind.explain(lang));
        say!(
            lang,
            "{path} is {what}, not a regular file",
            "{path} è {what}, non un file normale"
        )
    }
}

impl Explain for ReadError {
    fn explain(&self, lang: Lang) -> String {
        match self {
            ReadError::NotRegular(e) => not_a_regular_file(e.kind, lang),
            ReadError::TooLarge { bytes, max } => say!(
                lang,
                "the file is {bytes} bytes, more than {max}",
                "il file è di {bytes} byte, più di {max}"
            ),
            ReadError::Io(e) => e.explain(lang),
        }
    }
}

impl Explain for StdoutError {
    fn explain(&self, lang: Lang) -> String {
        let why = self.0.explain(lang);
        say!(
            lang,
            "cannot write to standard output: {why}",
            "impossibile scrivere sullo standard output: {why}"
        )
    }
}

impl Explain for io::Error {
    fn explain(&self, lang: Lang) -> String {
        describe(self, lang)
    }
}

/// A decimal number as `lang` writes it (Italian uses a decimal comma).
pub(crate) fn decimal(value: f32, lang: Lang) -> String {
    match lang {
        Lang::En => value.to_string(),
        Lang::It => value.to_string().replace('.', ","),
    }
}

pub(crate) fn shown(path: &Path) -> std::path::Display<'_> {
    path.display()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::png::{PngError, Side};
    use crate::model_file::ModelError;
    use crate::nn::{Allowed, Config};

    /// `Display` (for logs) and the English explanation say the same, and
    /// the Italian says something else.
    fn check(e: impl Explain + std::fmt::Display) {
        let english = e.explain(Lang::En);
        assert_eq!(e.to_string(), english);
        assert_ne!(e.explain(Lang::It), english, "{english} has no Italian");
    }

    /// Errors whose English message has no system words in it.
    #[test]
    fn english_explanations_match_display() {
        let config = Config {
            depth: 0,
            ..Config::default()
        };
        check(config.validate().unwrap_err());
        check(Config::from_json("{\"width\": 0}").unwrap_err());
        let cross_entropy = crate::nn::Loss::CrossEntropy;
        check(crate::batch_file::parse("h\n1,2,9\n", 2, 3, cross_entropy).unwrap_err());
        check(crate::batch_file::parse("h\n1\n", 2, 3, cross_entropy).unwrap_err());
        check(crate::lessons::find("nope").unwrap_err());
        check(ModelError::NoConfig);
        check(PngError::Size {
            side: Side::Height,
            pixels: 9,
        });
    }

    #[test]
    fn italian_numbers_have_a_decimal_comma() {
        let allowed = Allowed::Numbers { lo: 0.0, hi: 0.5 };
        assert_eq!(allowed.explain(Lang::En), "a number from 0 to 0.5");
        assert_eq!(allowed.explain(Lang::It), "un numero da 0 a 0,5");
    }
}
