//! The file formats' errors (sessions, models, CSV batches, lessons), in
//! both languages.

use crate::batch_file::{BatchError, BatchFileError, Columns};
use crate::lang::{Lang, say};
use crate::lessons::LessonError;
use crate::model_file::{EncodeError, ModelError, ModelFileError};
use crate::nn::ShapeError;
use crate::session::{
    MAX_SESSION_BYTES, OpenProblem, RestoreError, SessionError, VERSION, ValueRange,
};

use super::{Explain, not_a_regular_file, shown};

// ---- session files ----------------------------------------------------

impl Explain for SessionError {
    fn explain(&self, lang: Lang) -> String {
        match self {
            SessionError::TooManyNumbers { numbers } => {
                let millions = MAX_SESSION_BYTES / 20 / 1_000_000;
                say!(
                    lang,
                    "cannot save the session: {numbers} numbers (weights and optimiser state) would make a file too large to open again (at most about {millions} million)",
                    "impossibile salvare la sessione: {numbers} numeri (pesi e stato dell'ottimizzatore) darebbero un file troppo grande per riaprirlo (al massimo circa {millions} milioni)"
                )
            }
            SessionError::Encode(e) => say!(
                lang,
                "cannot save the session: {e}",
                "impossibile salvare la sessione: {e}"
            ),
            SessionError::Save { path, source } => {
                let (path, why) = (shown(path), source.explain(lang));
                say!(
                    lang,
                    "cannot save the session to {path}: {why}",
                    "impossibile salvare la sessione in {path}: {why}"
                )
            }
            SessionError::Open { path, problem } => {
                let (path, why) = (shown(path), problem.explain(lang));
                say!(
                    lang,
                    "cannot open the session {path}: {why}",
                    "impossibile aprire la sessione {path}: {why}"
                )
            }
        }
    }
}

impl Explain for OpenProblem {
    fn explain(&self, lang: Lang) -> String {
        match self {
            OpenProblem::Io(e) => e.explain(lang),
            OpenProblem::NotAFile { kind } => not_a_regular_file(*kind, lang),
            OpenProblem::TooLarge { bytes } => say!(
                lang,
                "the file is {bytes} bytes, more than a session can be ({MAX_SESSION_BYTES})",
                "il file è di {bytes} byte, più di quanto possa essere una sessione ({MAX_SESSION_BYTES})"
            ),
            OpenProblem::NotText => say!(lang, "not a text file", "non è un file di testo"),
            // serde_json's own words stay English: they point at line and column.
            OpenProblem::NotSession(e) => say!(
                lang,
                "not a gradscope session file ({e})",
                "non è un file di sessione di gradscope ({e})"
            ),
            OpenProblem::Invalid(e) => e.explain(lang),
            OpenProblem::TooManyNumbers { found, limit } => say!(
                lang,
                "it holds about {found} numbers; its configuration needs at most {limit}",
                "contiene circa {found} numeri; la sua configurazione ne richiede al massimo {limit}"
            ),
        }
    }
}

impl Explain for RestoreError {
    fn explain(&self, lang: Lang) -> String {
        match self {
            RestoreError::Format { format } => say!(
                lang,
                "not a gradscope session (format \"{format}\")",
                "non è una sessione di gradscope (formato \"{format}\")"
            ),
            RestoreError::Version { version } => say!(
                lang,
                "session version {version} is not supported (this gradscope reads version {VERSION})",
                "la versione {version} delle sessioni non è supportata (questo gradscope legge la versione {VERSION})"
            ),
            RestoreError::Config(e) => {
                let why = e.explain(lang);
                say!(
                    lang,
                    "its configuration is invalid: {why}",
                    "la sua configurazione non è valida: {why}"
                )
            }
            RestoreError::Table(e) => {
                let why = e.explain(lang);
                say!(
                    lang,
                    "its data table is invalid: {why}",
                    "la sua tabella di dati non è valida: {why}"
                )
            }
            RestoreError::NoTable => say!(
                lang,
                "it trained on a CSV table (data set csv) but does not carry the table",
                "è stata addestrata su una tabella CSV (data set csv) ma non contiene la tabella"
            ),
            RestoreError::RunCount {
                mode,
                expected,
                found,
            } => {
                let mode = serde_json::to_string(mode).unwrap_or_default();
                say!(
                    lang,
                    "a {mode} session has {expected} run(s), this one {found}",
                    "una sessione {mode} ha {expected} run, questa {found}"
                )
            }
            RestoreError::RunName { run } => say!(
                lang,
                "run \"{run}\" is not a run this program makes (allowed: \"\", \"plain\", \"residual\")",
                "il run \"{run}\" non è un run che questo programma crea (ammessi: \"\", \"plain\", \"residual\")"
            ),
            RestoreError::TooManySteps { run, steps } => say!(
                lang,
                "run \"{run}\" claims {steps} steps, more than any session can hold",
                "il run \"{run}\" dichiara {steps} passi, più di quanti una sessione ne possa contenere"
            ),
            RestoreError::Shape {
                run,
                problem,
                expected,
            } => explain_run_shape(run, problem, *expected, lang),
            RestoreError::HistoryOrder { run } => say!(
                lang,
                "run \"{run}\": its history's steps are out of order",
                "run \"{run}\": i passi della sua cronologia non sono in ordine"
            ),
            RestoreError::HistoryLayers { run } => say!(
                lang,
                "run \"{run}\": its history does not match its layers",
                "run \"{run}\": la sua cronologia non corrisponde ai suoi livelli"
            ),
            RestoreError::BucketSteps => say!(
                lang,
                "a history bucket does not count its steps",
                "un tratto della cronologia non conta i suoi passi"
            ),
            RestoreError::MissingValue => say!(
                lang,
                "a history value is missing",
                "manca un valore della cronologia"
            ),
            RestoreError::Event { run } => say!(
                lang,
                "run \"{run}\": an event names a step, block or layer it does not have",
                "run \"{run}\": un evento nomina un passo, un blocco o un livello che non ha"
            ),
            RestoreError::Evaluation { run } => say!(
                lang,
                "run \"{run}\": an evaluation is after its last step",
                "run \"{run}\": una valutazione viene dopo il suo ultimo passo"
            ),
            RestoreError::OptimizerKind {
                run,
                saved,
                configured,
            } => say!(
                lang,
                "run \"{run}\": its optimiser state is for {saved}, its configuration uses {configured}",
                "run \"{run}\": lo stato dell'ottimizzatore è per {saved}, la sua configurazione usa {configured}"
            ),
            RestoreError::Replay { step } => say!(
                lang,
                "its replay moment at step {step} does not match its runs (a damaged file?)",
                "il suo momento di replay al passo {step} non corrisponde alle sue run (un file danneggiato?)"
            ),
            RestoreError::OptimizerState { run } => say!(
                lang,
                "run \"{run}\": its optimiser state does not match its network",
                "run \"{run}\": lo stato dell'ottimizzatore non corrisponde alla sua rete"
            ),
            RestoreError::Value {
                run,
                step,
                field,
                value,
                range,
            } => {
                let allowed = match range {
                    ValueRange::NonNegative => lang.pick(
                        "a finite number from 0 up, or null",
                        "un numero finito da 0 in su, o null",
                    ),
                    ValueRange::Fraction => {
                        lang.pick("a number from 0 to 1, or null", "un numero da 0 a 1, o null")
                    }
                    ValueRange::MeanWithinMinMax => lang.pick(
                        "a mean between the minimum and the maximum, the minimum at most the maximum",
                        "una media tra il minimo e il massimo, il minimo non oltre il massimo",
                    ),
                };
                say!(
                    lang,
                    "run \"{run}\", step {step}: {field} {value} is not allowed: {allowed}",
                    "run \"{run}\", passo {step}: {field} {value} non è ammesso: {allowed}"
                )
            }
        }
    }
}

/// A saved run's layers or skips that do not fit its configuration.
fn explain_run_shape(
    run: &str,
    problem: &ShapeError,
    expected: Option<crate::nn::LayerShape>,
    lang: Lang,
) -> String {
    match (problem, expected) {
        (ShapeError::LayerCount { found, expected }, _) => say!(
            lang,
            "run \"{run}\" has {found} layers, its configuration {expected}",
            "il run \"{run}\" ha {found} livelli, la sua configurazione {expected}"
        ),
        (ShapeError::SkipCount { found, blocks, .. }, _) => say!(
            lang,
            "run \"{run}\" has {found} skips, its network {blocks} blocks",
            "il run \"{run}\" ha {found} skip, la sua rete {blocks} blocchi"
        ),
        (ShapeError::Weight { layer, .. } | ShapeError::Bias { layer, .. }, Some(shape)) => {
            let (number, fan_out, fan_in) = (layer + 1, shape.fan_out, shape.fan_in);
            say!(
                lang,
                "run \"{run}\", layer {number}: the weights do not have the configuration's shape {fan_out}×{fan_in}",
                "run \"{run}\", livello {number}: i pesi non hanno la forma {fan_out}×{fan_in} della configurazione"
            )
        }
        (problem, None) => {
            let why = problem.explain(lang);
            say!(lang, "run \"{run}\": {why}", "run \"{run}\": {why}")
        }
    }
}

// ---- model files ------------------------------------------------------

impl Explain for ModelFileError {
    fn explain(&self, lang: Lang) -> String {
        match self {
            ModelFileError::NotAFile { path, kind } => {
                let (path, why) = (shown(path), not_a_regular_file(*kind, lang));
                say!(
                    lang,
                    "{path}: cannot open the model: {why}",
                    "{path}: impossibile aprire il modello: {why}"
                )
            }
            ModelFileError::Read { path, source } => {
                let (path, why) = (shown(path), source.explain(lang));
                say!(
                    lang,
                    "{path}: cannot read the model: {why}",
                    "{path}: impossibile leggere il modello: {why}"
                )
            }
            ModelFileError::TooLarge { path, bytes } => {
                let (path, most) = (shown(path), crate::model_file::MAX_FILE_BYTES);
                say!(
                    lang,
                    "{path}: the file is {bytes} bytes, larger than any gradscope model (at most {most})",
                    "{path}: il file è di {bytes} byte, più grande di qualunque modello di gradscope (al massimo {most})"
                )
            }
            ModelFileError::Write { path, source } => {
                let (path, why) = (shown(path), source.explain(lang));
                say!(
                    lang,
                    "{path}: cannot write the model: {why}",
                    "{path}: impossibile scrivere il modello: {why}"
                )
            }
            ModelFileError::Encode { path, source } => {
                let (path, why) = (shown(path), source.explain(lang));
                say!(lang, "{path}: {why}", "{path}: {why}")
            }
            ModelFileError::Invalid { path, problem } => {
                let (path, why) = (shown(path), problem.explain(lang));
                say!(lang, "{path}: {why}", "{path}: {why}")
            }
        }
    }
}

impl Explain for EncodeError {
    fn explain(&self, lang: Lang) -> String {
        // The libraries' own words: these errors mean a defect, not a file.
        let why = self.to_string();
        say!(
            lang,
            "cannot encode the model: {why}",
            "impossibile codificare il modello: {why}"
        )
    }
}

impl Explain for ModelError {
    fn explain(&self, lang: Lang) -> String {
        match self {
            ModelError::NotSafetensors(e) => say!(
                lang,
                "not a valid safetensors file ({e})",
                "non è un file safetensors valido ({e})"
            ),
            ModelError::TooShort { bytes } => say!(
                lang,
                "not a valid safetensors file: it is {bytes} bytes, shorter than the 8-byte header length that starts one",
                "non è un file safetensors valido: è di {bytes} byte, meno degli 8 byte della lunghezza dell'intestazione con cui inizia"
            ),
            ModelError::HeaderLength { bytes, claimed } => say!(
                lang,
                "not a valid safetensors file: the file is {bytes} bytes, but its header length says {claimed} bytes of header follow the first 8 (truncated?)",
                "non è un file safetensors valido: il file è di {bytes} byte, ma la lunghezza dell'intestazione dice che dopo i primi 8 seguono {claimed} byte di intestazione (troncato?)"
            ),
            ModelError::Header(e) => say!(
                lang,
                "not a valid safetensors file: the header is not JSON ({e})",
                "non è un file safetensors valido: l'intestazione non è JSON ({e})"
            ),
            ModelError::HeaderEntry { name, source } => say!(
                lang,
                "not a valid safetensors file: header entry {name}: {source}",
                "non è un file safetensors valido: voce {name} dell'intestazione: {source}"
            ),
            ModelError::Offsets {
                name,
                start,
                end,
                previous_end,
                bytes,
            } => say!(
                lang,
                "not a valid safetensors file: tensor {name}'s data at bytes {start} to {end} does not follow the previous tensor's, which ends at {previous_end}, or is not its shape's {bytes} bytes",
                "non è un file safetensors valido: i dati del tensore {name} ai byte da {start} a {end} non seguono quelli del tensore precedente, che finiscono a {previous_end}, o non sono i {bytes} byte della sua forma"
            ),
            ModelError::DataSize { found, expected } if found < expected => {
                let short = expected - found;
                say!(
                    lang,
                    "not a valid safetensors file: the data is {found} bytes, {short} bytes short of the {expected} its tensors need (truncated?)",
                    "non è un file safetensors valido: i dati sono {found} byte, {short} byte meno dei {expected} che servono ai suoi tensori (troncato?)"
                )
            }
            ModelError::DataSize { found, expected } => {
                let extra = found - expected;
                say!(
                    lang,
                    "not a valid safetensors file: the data is {found} bytes, {extra} bytes more than the {expected} its tensors need",
                    "non è un file safetensors valido: i dati sono {found} byte, {extra} byte più dei {expected} che servono ai suoi tensori"
                )
            }
            ModelError::NotFinite { name, index, value } => say!(
                lang,
                "tensor {name} holds {value} at {index:?}: a gradscope model's weights are finite numbers",
                "il tensore {name} contiene {value} in {index:?}: i pesi di un modello di gradscope sono numeri finiti"
            ),
            ModelError::NoMetadata => say!(
                lang,
                "the file has no metadata: it was not saved by gradscope",
                "il file non ha metadati: non è stato salvato da gradscope"
            ),
            ModelError::NoConfig => say!(
                lang,
                "the metadata has no \"config\": the file was not saved by gradscope",
                "i metadati non hanno \"config\": il file non è stato salvato da gradscope"
            ),
            ModelError::Config(e) => {
                let why = e.explain(lang);
                say!(
                    lang,
                    "the stored configuration is invalid: {why}",
                    "la configurazione salvata non è valida: {why}"
                )
            }
            ModelError::MissingTensor { name, depth } => say!(
                lang,
                "tensor {name} is missing (a depth-{depth} model has layers.0 to layers.{depth})",
                "manca il tensore {name} (un modello di profondità {depth} ha da layers.0 a layers.{depth})"
            ),
            ModelError::UnexpectedTensor { name, depth } => say!(
                lang,
                "unexpected tensor {name} (a depth-{depth} model has layers.0 to layers.{depth})",
                "tensore inatteso {name} (un modello di profondità {depth} ha da layers.0 a layers.{depth})"
            ),
            ModelError::Tensor { name, source } => {
                say!(lang, "tensor {name}: {source}", "tensore {name}: {source}")
            }
            ModelError::Dtype { name, dtype } => say!(
                lang,
                "tensor {name} is {dtype}; gradscope models are F32",
                "il tensore {name} è {dtype}; i modelli di gradscope sono F32"
            ),
            ModelError::Shape(problem) => explain_tensor_shape(problem, lang),
            ModelError::SkipStyle { style } => say!(
                lang,
                "skip_style \"{style}\" in the metadata: allowed are slides, identity",
                "skip_style \"{style}\" nei metadati: sono ammessi slides, identity"
            ),
            ModelError::Skips(e) => say!(
                lang,
                "skips in the metadata: {e}",
                "skips nei metadati: {e}"
            ),
            ModelError::TableShape => {
                use crate::nn::table::{MAX_INPUTS, MAX_TABLE_CLASSES};
                say!(
                    lang,
                    "the metadata does not give the input width (1 to {MAX_INPUTS}) and the classes (2 to {MAX_TABLE_CLASSES}) of the CSV table the model was trained on",
                    "i metadati non danno la larghezza d'ingresso (da 1 a {MAX_INPUTS}) e le classi (da 2 a {MAX_TABLE_CLASSES}) della tabella CSV su cui il modello è stato addestrato"
                )
            }
            ModelError::Width {
                name,
                found,
                expected,
            } => say!(
                lang,
                "\"{name}\" in the metadata is \"{found}\"; the configuration has {expected}",
                "\"{name}\" nei metadati è \"{found}\"; la configurazione ha {expected}"
            ),
        }
    }
}

/// Tensors or skips of a model file that do not fit its configuration.
fn explain_tensor_shape(problem: &ShapeError, lang: Lang) -> String {
    match problem {
        ShapeError::Weight {
            layer,
            found,
            expected,
        } => say!(
            lang,
            "tensor layers.{layer}.weight has shape {found:?}; the configuration needs {expected:?}",
            "il tensore layers.{layer}.weight ha forma {found:?}; la configurazione richiede {expected:?}"
        ),
        ShapeError::Bias {
            layer,
            found,
            expected,
        } => say!(
            lang,
            "tensor layers.{layer}.bias has shape {found:?}; the configuration needs [{expected}]",
            "il tensore layers.{layer}.bias ha forma {found:?}; la configurazione richiede [{expected}]"
        ),
        ShapeError::SkipCount {
            found,
            blocks,
            depth,
        } => say!(
            lang,
            "skips in the metadata lists {found} blocks; a depth-{depth} model has {blocks}",
            "skips nei metadati elenca {found} blocchi; un modello di profondità {depth} ne ha {blocks}"
        ),
        ShapeError::LayerCount { .. } => problem.explain(lang),
    }
}

// ---- CSV batches ------------------------------------------------------

impl Explain for Columns {
    fn explain(&self, lang: Lang) -> String {
        let Columns {
            inputs, outputs, ..
        } = *self;
        match self.loss {
            crate::nn::Loss::CrossEntropy => {
                let last = outputs - 1;
                say!(
                    lang,
                    "{inputs} feature columns then the class index (0 to {last})",
                    "{inputs} colonne di caratteristiche poi l'indice della classe (da 0 a {last})"
                )
            }
            crate::nn::Loss::Mse => say!(
                lang,
                "{inputs} feature columns then {outputs} target columns",
                "{inputs} colonne di caratteristiche poi {outputs} colonne di obiettivi"
            ),
        }
    }
}

impl Explain for BatchFileError {
    fn explain(&self, lang: Lang) -> String {
        match self {
            BatchFileError::Read { path, source } => {
                let (path, why) = (shown(path), source.explain(lang));
                say!(
                    lang,
                    "{path}: cannot read the data: {why}",
                    "{path}: impossibile leggere i dati: {why}"
                )
            }
            BatchFileError::NotAFile { path, kind } => {
                let (path, why) = (shown(path), not_a_regular_file(*kind, lang));
                say!(
                    lang,
                    "{path}: cannot read the data: {why}",
                    "{path}: impossibile leggere i dati: {why}"
                )
            }
            BatchFileError::TooLarge { path, bytes } => {
                let (path, most) = (shown(path), crate::batch_file::MAX_FILE_BYTES);
                say!(
                    lang,
                    "{path}: the file is {bytes} bytes; batches for grads are at most {most}",
                    "{path}: il file è di {bytes} byte; i batch per grads sono al massimo di {most}"
                )
            }
            BatchFileError::Invalid { path, problem } => {
                let (path, why) = (shown(path), problem.explain(lang));
                say!(lang, "{path}: {why}", "{path}: {why}")
            }
        }
    }
}

impl Explain for BatchError {
    fn explain(&self, lang: Lang) -> String {
        match self {
            BatchError::Empty => say!(
                lang,
                "the file is empty: expected a header row, then one example per row",
                "il file è vuoto: servono una riga d'intestazione, poi un esempio per riga"
            ),
            BatchError::OpenQuote { line, column } => say!(
                lang,
                "line {line}, column {column}: a quoted cell runs over several lines (a \" not closed?)",
                "riga {line}, colonna {column}: una cella tra virgolette continua su più righe (una \" non chiusa?)"
            ),
            BatchError::ColumnCount {
                line,
                found,
                columns,
            } => {
                let (count, what) = (columns.count(), columns.explain(lang));
                say!(
                    lang,
                    "line {line}: {found} columns; expected {count}: {what}",
                    "riga {line}: {found} colonne; ne servono {count}: {what}"
                )
            }
            BatchError::NotANumber { line, column, cell } => say!(
                lang,
                "line {line}, column {column}: \"{cell}\" is not a finite number",
                "riga {line}, colonna {column}: \"{cell}\" non è un numero finito"
            ),
            BatchError::BadClass {
                line,
                column,
                cell,
                classes,
                names,
            } => {
                let last = classes - 1;
                let named = if names.is_empty() {
                    String::new()
                } else {
                    let names = names.join(", ");
                    say!(
                        lang,
                        ", or a class name: {names}",
                        ", o il nome di una classe: {names}"
                    )
                };
                say!(
                    lang,
                    "line {line}, column {column}: class \"{cell}\" is not allowed: the class index is an integer from 0 to {last}{named}",
                    "riga {line}, colonna {column}: la classe \"{cell}\" non è ammessa: l'indice della classe è un intero da 0 a {last}{named}"
                )
            }
            BatchError::NoExamples { columns } => {
                let what = columns.explain(lang);
                say!(
                    lang,
                    "no examples after the header: expected rows of {what}",
                    "nessun esempio dopo l'intestazione: servono righe di {what}"
                )
            }
        }
    }
}

// ---- lessons ----------------------------------------------------------

impl Explain for LessonError {
    fn explain(&self, lang: Lang) -> String {
        match self {
            LessonError::Parse { file, source } => say!(
                lang,
                "assets/lessons/{file}: {source}",
                "assets/lessons/{file}: {source}"
            ),
            LessonError::Invalid { file, source } => {
                let why = source.explain(lang);
                say!(
                    lang,
                    "assets/lessons/{file}: {why}",
                    "assets/lessons/{file}: {why}"
                )
            }
            LessonError::Unknown { id, names } => {
                let names = names.join(", ");
                say!(
                    lang,
                    "there is no lesson \"{id}\": the lessons are {names}",
                    "non c'è nessuna lezione \"{id}\": le lezioni sono {names}"
                )
            }
        }
    }
}
