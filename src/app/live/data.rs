//! The settings panel's data set: the choice with a word on each (and the
//! digits' credit), and for `csv` the teacher's table: a typed path (which
//! always works) or the system's dialog ("Open CSV…", opened by the window,
//! which owns the dialogs), and the label column. A refused file is said in
//! the status line and changes nothing else; an opened one goes into the
//! draft, for the next reset.

use std::path::Path;
use std::sync::Arc;

use crate::explain::Explain;
use crate::lang::{Lang, say};
use crate::nn::Dataset;
use crate::table_file::{self, LabelColumn};

use super::LiveView;
use super::widgets::{choice, row};

/// The CSV table's typed path and label column, and the window's dialog.
#[derive(Clone, Debug, Default)]
pub struct TableChoice {
    /// As typed (or chosen in the dialog).
    pub path: String,
    /// As typed: a header's name, a column's number from 1, or blank for
    /// the last column.
    pub label: String,
    /// Set by "Open CSV…": the window opens its dialog at the next frame.
    pub wants_dialog: bool,
    /// Whether the window can show a dialog now (it sets this each frame).
    pub dialog_ready: bool,
}

/// What a data set is, in a line (the digits with their creators' credit).
pub fn describe(dataset: Dataset, l: Lang) -> &'static str {
    match dataset {
        Dataset::Spiral => l.pick(
            "Interleaved spiral arms, one per class: 2 inputs.",
            "Bracci di spirale intrecciati, uno per classe: 2 ingressi.",
        ),
        Dataset::Circles => l.pick(
            "A ring around a disc: 2 inputs, 2 classes.",
            "Un anello attorno a un disco: 2 ingressi, 2 classi.",
        ),
        Dataset::Xor => l.pick(
            "Four quadrants, opposite ones alike: 2 inputs, 2 classes.",
            "Quattro quadranti, gli opposti uguali: 2 ingressi, 2 classi.",
        ),
        Dataset::Moons => l.pick(
            "Two interlocking half-moons: 2 inputs, 2 classes.",
            "Due mezzelune incastrate: 2 ingressi, 2 classi.",
        ),
        Dataset::Gaussians => l.pick(
            "A blob of points per class: 2 inputs.",
            "Una nuvola di punti per classe: 2 ingressi.",
        ),
        Dataset::Digits => l.pick(
            "Handwritten digits: 1797 images of 8×8 pixels, 10 classes. UCI \"Optical Recognition of Handwritten Digits\" by E. Alpaydin and C. Kaynak, CC BY 4.0.",
            "Cifre scritte a mano: 1797 immagini di 8×8 pixel, 10 classi. UCI \"Optical Recognition of Handwritten Digits\" di E. Alpaydin e C. Kaynak, CC BY 4.0.",
        ),
        Dataset::Csv => l.pick(
            "Your own table: a CSV file of numeric columns and a label column (numbers or words); each column is standardised.",
            "La vostra tabella: un file CSV di colonne numeriche e una colonna di etichette (numeri o parole); ogni colonna viene standardizzata.",
        ),
    }
}

/// The data set's row, its description, and for `csv` the table's file.
pub fn data_ui(ui: &mut egui::Ui, live: &mut LiveView, l: Lang, message: &mut Option<String>) {
    row(ui, l.pick("data set", "dataset"), |ui| {
        choice(
            ui,
            "dataset",
            &mut live.draft.dataset,
            &Dataset::ALL,
            Dataset::name,
        )
    });
    let dataset = live.draft.dataset;
    ui.label(egui::RichText::new(describe(dataset, l)).small());
    if dataset == Dataset::Csv {
        table_ui(ui, live, l, message);
    }
    let generated = !dataset.is_table();
    row(ui, l.pick("noise", "rumore"), |ui| {
        ui.add_enabled(
            generated,
            egui::DragValue::new(&mut live.draft.noise)
                .range(0.0..=1.0)
                .speed(0.01),
        )
        .on_disabled_hover_text(l.pick(
            "Real data has its own noise: only the generated data sets add it",
            "I dati reali hanno il loro rumore: solo i dataset generati lo aggiungono",
        ))
    });
    if !generated {
        ui.label(
            egui::RichText::new(l.pick(
                "Points, classes and noise come from the table.",
                "Punti, classi e rumore vengono dalla tabella.",
            ))
            .small()
            .weak(),
        );
    }
}

/// The CSV file: what is open, a typed path, the dialog, the label column.
fn table_ui(ui: &mut egui::Ui, live: &mut LiveView, l: Lang, message: &mut Option<String>) {
    match live.draft.table.as_deref() {
        Some(table) => {
            let (name, rows, inputs, classes) =
                (&table.name, table.rows(), table.inputs, table.classes());
            ui.label(say!(
                l,
                "{name}: {rows} rows, {inputs} features, {classes} classes",
                "{name}: {rows} righe, {inputs} caratteristiche, {classes} classi"
            ));
        }
        None => {
            ui.colored_label(
                egui::Color32::from_rgb(230, 160, 0),
                l.pick("No table open yet.", "Nessuna tabella ancora aperta."),
            );
        }
    }
    let choice = &mut live.table_choice;
    let mut open_typed = false;
    row(ui, l.pick("CSV file", "file CSV"), |ui| {
        let field = ui.add(
            egui::TextEdit::singleline(&mut choice.path)
                .hint_text("data.csv")
                .desired_width(160.0),
        );
        open_typed = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        field
    });
    row(ui, l.pick("label column", "colonna etichette"), |ui| {
        ui.add(
            egui::TextEdit::singleline(&mut choice.label)
                .hint_text(l.pick("last", "ultima"))
                .desired_width(80.0),
        )
        .on_hover_text(l.pick(
            "The column of the classes: its header's name, or its number from 1; blank for the last",
            "La colonna delle classi: il nome nell'intestazione, o il suo numero da 1; vuoto per l'ultima",
        ))
    });
    ui.horizontal(|ui| {
        let typed = !choice.path.trim().is_empty();
        if ui
            .add_enabled(typed, egui::Button::new(l.pick("Open", "Apri")))
            .on_disabled_hover_text(l.pick(
                "Type the CSV file's path first",
                "Prima scrivete il percorso del file CSV",
            ))
            .clicked()
        {
            open_typed = typed;
        }
        let dialog = ui
            .add_enabled(
                choice.dialog_ready,
                egui::Button::new(l.pick("Open CSV…", "Apri CSV…")),
            )
            .on_disabled_hover_text(l.pick(
                "No file dialog now (this system has none, or one is open): type the path instead",
                "Nessuna finestra di dialogo ora (il sistema non ne ha, o una è aperta): scrivete il percorso",
            ));
        if dialog.clicked() {
            choice.wants_dialog = true;
        }
    });
    if open_typed {
        let path = live.table_choice.path.trim().to_string();
        *message = Some(open_table(live, Path::new(&path), l));
    }
}

/// Reads the table at `path` into the draft (data set `csv`, for the next
/// reset) and says so; a refused file is said and changes nothing.
pub fn open_table(live: &mut LiveView, path: &Path, l: Lang) -> String {
    let label = LabelColumn::parse(&live.table_choice.label);
    match table_file::load(path, &label) {
        Ok(table) => {
            let (name, rows, inputs, classes) = (
                table.name.clone(),
                table.rows(),
                table.inputs,
                table.classes(),
            );
            live.table_choice.path = path.display().to_string();
            live.draft.dataset = Dataset::Csv;
            live.draft.table = Some(Arc::new(table));
            say!(
                l,
                "Opened {name}: {rows} rows, {inputs} features, {classes} classes. Reset to train on it.",
                "Aperto {name}: {rows} righe, {inputs} caratteristiche, {classes} classi. Ricominciate per addestrare su di esso."
            )
        }
        Err(e) => e.explain(l),
    }
}
