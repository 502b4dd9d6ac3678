//! The errors of writing figures and headless runs, in both languages.

use crate::figures::png::{FigureFilesError, PngError, Side};
use crate::headless::HeadlessError;
use crate::lang::{Lang, say};

use super::{Explain, shown};

// ---- figures ----------------------------------------------------------

impl Explain for PngError {
    fn explain(&self, lang: Lang) -> String {
        use crate::figures::png::{MAX_SIDE, MIN_SIDE};
        match self {
            PngError::Size { side, pixels } => {
                let side = match side {
                    Side::Width => lang.pick("width", "larghezza"),
                    Side::Height => lang.pick("height", "altezza"),
                };
                say!(
                    lang,
                    "image {side} {pixels} is outside the allowed range {MIN_SIDE}..={MAX_SIDE} pixels",
                    "la {side} dell'immagine ({pixels}) è fuori dall'intervallo ammesso {MIN_SIDE}..={MAX_SIDE} pixel"
                )
            }
            PngError::Font => say!(
                lang,
                "the embedded font could not be read",
                "impossibile leggere il carattere incorporato"
            ),
            PngError::Allocate => say!(
                lang,
                "cannot allocate the image",
                "impossibile allocare l'immagine"
            ),
            PngError::Encode(e) => say!(
                lang,
                "cannot encode the PNG: {e}",
                "impossibile codificare il PNG: {e}"
            ),
        }
    }
}

impl Explain for FigureFilesError {
    fn explain(&self, lang: Lang) -> String {
        match self {
            FigureFilesError::Id { id } => say!(
                lang,
                "figure id {id:?} cannot be used as a file name",
                "l'id di figura {id:?} non può essere un nome di file"
            ),
            FigureFilesError::Draw { id, source } => {
                let why = source.explain(lang);
                say!(
                    lang,
                    "cannot draw figure {id:?}: {why}",
                    "impossibile disegnare la figura {id:?}: {why}"
                )
            }
            FigureFilesError::Write { path, source } => {
                let (path, why) = (shown(path), source.explain(lang));
                say!(
                    lang,
                    "cannot write {path}: {why}",
                    "impossibile scrivere {path}: {why}"
                )
            }
        }
    }
}

// ---- headless runs ----------------------------------------------------

impl Explain for HeadlessError {
    fn explain(&self, lang: Lang) -> String {
        match self {
            HeadlessError::OutNotFolder { dir, kind } => {
                let dir = shown(dir);
                let what = match kind {
                    Some(kind) => kind.explain(lang),
                    None => lang.pick("a file", "un file").to_string(),
                };
                say!(
                    lang,
                    "--out {dir}: is {what}, not a folder; give a folder",
                    "--out {dir}: è {what}, non una cartella; indicate una cartella"
                )
            }
            HeadlessError::NotEmpty { dir, found, more } => {
                let (dir, found) = (shown(dir), found.join(", "));
                let more = match more {
                    0 => String::new(),
                    n => say!(lang, " and {n} more", " e altri {n}"),
                };
                say!(
                    lang,
                    "--out {dir}: the folder is not empty (it holds {found}{more}); give a new or empty folder, or add --overwrite to replace gradscope's own files in it",
                    "--out {dir}: la cartella non è vuota (contiene {found}{more}); indicate una cartella nuova o vuota, oppure aggiungete --overwrite per sostituire i file di gradscope che contiene"
                )
            }
            HeadlessError::CreateOut { dir, source } => {
                let (dir, why) = (shown(dir), source.explain(lang));
                say!(
                    lang,
                    "--out {dir}: cannot write there: {why}",
                    "--out {dir}: impossibile scrivere lì: {why}"
                )
            }
            HeadlessError::Write { path, source } => {
                let (path, why) = (shown(path), source.explain(lang));
                say!(lang, "{path}: {why}", "{path}: {why}")
            }
            HeadlessError::Config(e) => e.explain(lang),
            HeadlessError::Model(e) => e.explain(lang),
            HeadlessError::Figure(e) => e.explain(lang),
            HeadlessError::Json(e) => say!(
                lang,
                "cannot write the JSON: {e}",
                "impossibile scrivere il JSON: {e}"
            ),
            HeadlessError::NotAnimated { name, allowed } => say!(
                lang,
                "--animate {name}: this run has no such figure; its data give {allowed}",
                "--animate {name}: questa esecuzione non ha questa figura; i suoi dati danno {allowed}"
            ),
            HeadlessError::AnimateShortRun { steps } => say!(
                lang,
                "--animate needs a run of at least 2 steps to make frames of; this one has {steps}",
                "--animate richiede un'esecuzione di almeno 2 passi da cui trarre i fotogrammi; questa ne ha {steps}"
            ),
            HeadlessError::Animation(e) => e.explain(lang),
        }
    }
}
