//! The teacher's table files' errors (`table_file`), in both languages.

use crate::lang::{Lang, say};
use crate::nn::table::{MAX_CELLS, MAX_INPUTS, MAX_ROWS, MAX_TABLE_CLASSES, MIN_ROWS};
use crate::table_file::{LabelColumn, MAX_FILE_BYTES, TableFileError, TableProblem};

use super::{Explain, not_a_regular_file, shown};

impl Explain for LabelColumn {
    fn explain(&self, lang: Lang) -> String {
        match self {
            LabelColumn::Last => lang.pick("the last column", "l'ultima colonna").to_string(),
            LabelColumn::Name(name) => say!(lang, "column \"{name}\"", "colonna \"{name}\""),
            LabelColumn::Index(index) => say!(lang, "column {index}", "colonna {index}"),
        }
    }
}

impl Explain for TableFileError {
    fn explain(&self, lang: Lang) -> String {
        match self {
            TableFileError::Read { path, source } => {
                let (path, why) = (shown(path), source.explain(lang));
                say!(
                    lang,
                    "{path}: cannot read the table: {why}",
                    "{path}: impossibile leggere la tabella: {why}"
                )
            }
            TableFileError::NotAFile { path, kind } => {
                let (path, why) = (shown(path), not_a_regular_file(*kind, lang));
                say!(
                    lang,
                    "{path}: cannot read the table: {why}",
                    "{path}: impossibile leggere la tabella: {why}"
                )
            }
            TableFileError::TooLarge { path, bytes } => {
                let path = shown(path);
                say!(
                    lang,
                    "{path}: the file is {bytes} bytes; a table's file is at most {MAX_FILE_BYTES}",
                    "{path}: il file è di {bytes} byte; il file di una tabella è al massimo di {MAX_FILE_BYTES}"
                )
            }
            TableFileError::NotText { path } => {
                let path = shown(path);
                say!(
                    lang,
                    "{path}: not a text file (UTF-8)",
                    "{path}: non è un file di testo (UTF-8)"
                )
            }
            TableFileError::Invalid { path, problem } => {
                let (path, why) = (shown(path), problem.explain(lang));
                say!(lang, "{path}: {why}", "{path}: {why}")
            }
        }
    }
}

impl Explain for TableProblem {
    fn explain(&self, lang: Lang) -> String {
        match self {
            TableProblem::Empty => say!(
                lang,
                "the file is empty: expected rows of numbers, then a label",
                "il file è vuoto: servono righe di numeri, poi un'etichetta"
            ),
            TableProblem::NoRows => say!(
                lang,
                "no rows after the header: expected rows of numbers, then a label",
                "nessuna riga dopo l'intestazione: servono righe di numeri, poi un'etichetta"
            ),
            TableProblem::OpenQuote { line, column } => say!(
                lang,
                "line {line}, column {column}: a quoted cell runs over several lines (a \" not closed?)",
                "riga {line}, colonna {column}: una cella tra virgolette continua su più righe (una \" non chiusa?)"
            ),
            TableProblem::OneColumn { line } => say!(
                lang,
                "line {line}: one column; a table needs feature columns and a label column",
                "riga {line}: una sola colonna; una tabella ha bisogno di colonne di caratteristiche e di una colonna di etichette"
            ),
            TableProblem::TooManyColumns { line, found } => say!(
                lang,
                "line {line}: {found} feature columns; at most {MAX_INPUTS}",
                "riga {line}: {found} colonne di caratteristiche; al massimo {MAX_INPUTS}"
            ),
            TableProblem::ColumnCount {
                line,
                found,
                expected,
                first,
            } => say!(
                lang,
                "line {line}: {found} columns; expected {expected}, as on line {first}",
                "riga {line}: {found} colonne; ne servono {expected}, come alla riga {first}"
            ),
            TableProblem::NotANumber { line, column, cell } => say!(
                lang,
                "line {line}, column {column}: \"{cell}\" is not a number",
                "riga {line}, colonna {column}: \"{cell}\" non è un numero"
            ),
            TableProblem::NotFinite { line, column, cell } => say!(
                lang,
                "line {line}, column {column}: \"{cell}\" is not a finite number",
                "riga {line}, colonna {column}: \"{cell}\" non è un numero finito"
            ),
            TableProblem::EmptyLabel { line, column } => say!(
                lang,
                "line {line}, column {column}: the label is empty",
                "riga {line}, colonna {column}: l'etichetta è vuota"
            ),
            TableProblem::SingleClass { column, label } => say!(
                lang,
                "column {column}: every row has the label \"{label}\"; a table needs at least 2 classes",
                "colonna {column}: ogni riga ha l'etichetta \"{label}\"; una tabella ha bisogno di almeno 2 classi"
            ),
            TableProblem::TooManyClasses {
                line,
                column,
                label,
            } => {
                let class = MAX_TABLE_CLASSES + 1;
                say!(
                    lang,
                    "line {line}, column {column}: label \"{label}\" is class {class}; at most {MAX_TABLE_CLASSES} classes",
                    "riga {line}, colonna {column}: l'etichetta \"{label}\" è la classe {class}; al massimo {MAX_TABLE_CLASSES} classi"
                )
            }
            TableProblem::TooFewRows { rows } => say!(
                lang,
                "{rows} rows; a table needs at least {MIN_ROWS}",
                "{rows} righe; una tabella ne richiede almeno {MIN_ROWS}"
            ),
            TableProblem::TooManyRows { line } => say!(
                lang,
                "line {line}: more than {MAX_ROWS} rows",
                "riga {line}: più di {MAX_ROWS} righe"
            ),
            TableProblem::TooManyCells { line } => say!(
                lang,
                "line {line}: more than {MAX_CELLS} numbers (fewer rows or columns)",
                "riga {line}: più di {MAX_CELLS} numeri (meno righe o colonne)"
            ),
            TableProblem::UnknownLabelName { name, line, names } => {
                let names = names.join(", ");
                say!(
                    lang,
                    "there is no label column \"{name}\": the header (line {line}) names {names}",
                    "non c'è nessuna colonna di etichette \"{name}\": l'intestazione (riga {line}) nomina {names}"
                )
            }
            TableProblem::NoHeader { name } => say!(
                lang,
                "there is no label column \"{name}\": the file has no header row to name it",
                "non c'è nessuna colonna di etichette \"{name}\": il file non ha una riga d'intestazione che la nomini"
            ),
            TableProblem::LabelIndex { index, columns } => say!(
                lang,
                "there is no column {index}: the file has columns 1 to {columns}",
                "non c'è nessuna colonna {index}: il file ha le colonne da 1 a {columns}"
            ),
            TableProblem::Table(e) => e.explain(lang),
        }
    }
}
