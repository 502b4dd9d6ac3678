//! The network's and the trainer's errors, in both languages.

use crate::lang::{Lang, say};
use crate::nn::{Allowed, ConfigError, ConfigJsonError, ShapeError, TableError};
use crate::train::SpawnError;

use super::{Explain, decimal, describe};

/// Bytes as GiB with one decimal, as `lang` writes numbers.
fn gib(bytes: u64, lang: Lang) -> String {
    let text = format!("{:.1}", crate::nn::memory::gib(bytes));
    match lang {
        Lang::En => text,
        Lang::It => text.replace('.', ","),
    }
}

// ---- the network core -------------------------------------------------

impl Explain for Allowed {
    fn explain(&self, lang: Lang) -> String {
        match self {
            Allowed::Integers { lo, hi } => {
                say!(
                    lang,
                    "an integer from {lo} to {hi}",
                    "un intero da {lo} a {hi}"
                )
            }
            Allowed::Numbers { lo, hi } => {
                let (lo, hi) = (decimal(*lo, lang), decimal(*hi, lang));
                say!(
                    lang,
                    "a number from {lo} to {hi}",
                    "un numero da {lo} a {hi}"
                )
            }
            Allowed::PositiveUpTo(hi) => {
                let hi = decimal(*hi, lang);
                say!(
                    lang,
                    "a number greater than 0 and at most {hi}",
                    "un numero maggiore di 0 e al massimo {hi}"
                )
            }
            Allowed::BelowOne => say!(
                lang,
                "a number from 0 to below 1",
                "un numero da 0 a meno di 1"
            ),
            Allowed::PositiveOrNull => say!(
                lang,
                "a positive number, or null for no clipping",
                "un numero positivo, o null per non limitare"
            ),
            Allowed::TableNeeded => say!(
                lang,
                "a CSV file to train on, opened with --data FILE.csv or with Open CSV in the window",
                "un file CSV su cui addestrare, aperto con --data FILE.csv o con Apri CSV nella finestra"
            ),
            Allowed::Memory { estimate, budget } => {
                let estimate = gib(*estimate, lang);
                let budget = gib(*budget, lang);
                say!(
                    lang,
                    "the network would need about {estimate} GiB of memory, more than the {budget} GiB budget of one network; lower the depth, width or batch",
                    "la rete richiederebbe circa {estimate} GiB di memoria, più del limite di {budget} GiB per una rete; riduci la profondità, la larghezza o il batch"
                )
            }
        }
    }
}

impl Explain for TableError {
    fn explain(&self, lang: Lang) -> String {
        use crate::nn::table::{MAX_CELLS, MAX_INPUTS, MAX_ROWS, MAX_TABLE_CLASSES, MIN_ROWS};
        match *self {
            TableError::Rows { rows } => say!(
                lang,
                "the data has {rows} rows; it needs from {MIN_ROWS} to {MAX_ROWS}",
                "i dati hanno {rows} righe; ne servono da {MIN_ROWS} a {MAX_ROWS}"
            ),
            TableError::Inputs { inputs } => say!(
                lang,
                "the data has {inputs} feature columns; it needs from 1 to {MAX_INPUTS}",
                "i dati hanno {inputs} colonne di caratteristiche; ne servono da 1 a {MAX_INPUTS}"
            ),
            TableError::Cells { cells } => say!(
                lang,
                "the data holds {cells} numbers; at most {MAX_CELLS} fit (fewer rows or columns)",
                "i dati contengono {cells} numeri; al massimo {MAX_CELLS} (meno righe o colonne)"
            ),
            TableError::Classes { classes } => say!(
                lang,
                "the data has {classes} classes; it needs from 2 to {MAX_TABLE_CLASSES}",
                "i dati hanno {classes} classi; ne servono da 2 a {MAX_TABLE_CLASSES}"
            ),
            TableError::Inconsistent => say!(
                lang,
                "the data's arrays do not match its shape (the file is damaged)",
                "gli array dei dati non corrispondono alla loro forma (il file è danneggiato)"
            ),
            TableError::NotFinite { row, column } => {
                let (row, column) = (row + 1, column + 1);
                say!(
                    lang,
                    "row {row}, feature {column} is not a finite number",
                    "riga {row}, caratteristica {column} non è un numero finito"
                )
            }
        }
    }
}

impl Explain for ConfigError {
    fn explain(&self, lang: Lang) -> String {
        let ConfigError { field, value, .. } = self;
        let allowed = self.allowed.explain(lang);
        say!(
            lang,
            "{field} = {value} is not allowed: {allowed}",
            "{field} = {value} non è ammesso: {allowed}"
        )
    }
}

impl Explain for ConfigJsonError {
    fn explain(&self, lang: Lang) -> String {
        match self {
            // serde_json's words stay English: they name the field and the
            // line and column.
            ConfigJsonError::Json(e) => say!(
                lang,
                "configuration JSON: {e}",
                "JSON della configurazione: {e}"
            ),
            ConfigJsonError::Invalid(e) => e.explain(lang),
        }
    }
}

impl Explain for ShapeError {
    fn explain(&self, lang: Lang) -> String {
        match self {
            ShapeError::LayerCount { found, expected } => say!(
                lang,
                "{found} weight layers; the network has {expected}",
                "{found} livelli di pesi; la rete ne ha {expected}"
            ),
            ShapeError::Weight {
                layer,
                found,
                expected,
            } => say!(
                lang,
                "layer {layer}: weight of shape {found:?}; the network needs {expected:?}",
                "livello {layer}: pesi di forma {found:?}; la rete richiede {expected:?}"
            ),
            ShapeError::Bias {
                layer,
                found,
                expected,
            } => say!(
                lang,
                "layer {layer}: bias of shape {found:?}; the network needs [{expected}]",
                "livello {layer}: bias di forma {found:?}; la rete richiede [{expected}]"
            ),
            ShapeError::SkipCount {
                found,
                blocks,
                depth,
            } => say!(
                lang,
                "{found} skips; a depth-{depth} network has {blocks} blocks",
                "{found} skip; una rete di profondità {depth} ha {blocks} blocchi"
            ),
        }
    }
}

impl Explain for SpawnError {
    fn explain(&self, lang: Lang) -> String {
        match self {
            SpawnError::Config(e) => e.explain(lang),
            SpawnError::Thread(e) => {
                let reason = describe(e, lang);
                say!(
                    lang,
                    "cannot start the trainer's thread: {reason}",
                    "impossibile avviare il thread dell'addestramento: {reason}"
                )
            }
        }
    }
}
