//! Keyboard shortcuts: the window's own (help, presentation, tabs, the
//! guided lesson) and the overlay that lists every one; each tab's keys
//! are in its `Tab::keys`. Keys act only when no text field has the
//! keyboard, so typing "5" into a field never steps.

use egui::Key;

use crate::lang::Lang;

use super::tab::View;

/// (key, what it does), in the overlay's order.
fn shortcuts(lang: Lang) -> [(&'static str, &'static str); 14] {
    [
        (
            lang.pick("Space", "Spazio"),
            lang.pick(
                "play / pause (backprop: one step; going deeper: start / cancel the sweep; loss landscape: compute / cancel)",
                "avvia / pausa (backprop: un passo; andare più in profondità: avvia / annulla lo sweep; paesaggio della loss: calcola / annulla)",
            ),
        ),
        ("S", lang.pick("one step", "un passo")),
        (
            "R",
            lang.pick("reset the lesson (live training)", "ricomincia la lezione (addestramento)"),
        ),
        (
            "K",
            lang.pick(
                "add / remove all skips (live training)",
                "aggiungi / togli tutte le skip (addestramento)",
            ),
        ),
        (
            "E",
            lang.pick(
                "export all plots (live training)",
                "esporta tutti i grafici (addestramento)",
            ),
        ),
        (
            "G",
            lang.pick(
                "gradient over time / update ratio / gradient highway (live training)",
                "gradiente nel tempo / rapporto di aggiornamento / autostrada del gradiente (addestramento)",
            ),
        ),
        (
            ", .",
            lang.pick(
                "time line: one recorded step back / forward (live training)",
                "linea del tempo: un passo registrato indietro / avanti (addestramento)",
            ),
        ),
        (
            "[ ]",
            lang.pick(
                "time line: previous / next stop (an event)",
                "linea del tempo: tappa (evento) precedente / successiva",
            ),
        ),
        (
            "L",
            lang.pick(
                "time line: back to the present (Live)",
                "linea del tempo: torna al presente (dal vivo)",
            ),
        ),
        ("1 2 3 4", lang.pick("switch tab", "cambia scheda")),
        (
            "← →",
            lang.pick(
                "guided lesson: previous / next step",
                "lezione guidata: passo precedente / successivo",
            ),
        ),
        ("P", lang.pick("presentation mode", "modalità presentazione")),
        ("H", lang.pick("show / hide this list", "mostra / nascondi questo elenco")),
        ("Esc", lang.pick("close this list", "chiudi questo elenco")),
    ]
}

/// The tab a number key switches to.
pub const TAB_KEYS: [(Key, View); 4] = [
    (Key::Num1, View::Live),
    (Key::Num2, View::Backprop),
    (Key::Num3, View::Deeper),
    (Key::Num4, View::Landscape),
];

/// The list of shortcuts, over everything; `open` turns false when it is
/// closed.
pub fn help_ui(ctx: &egui::Context, open: &mut bool, l: Lang) {
    let mut still_open = true;
    egui::Window::new(l.pick("Keyboard shortcuts", "Scorciatoie da tastiera"))
        .open(&mut still_open)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            egui::Grid::new("shortcuts")
                .num_columns(2)
                .spacing([24.0, 8.0])
                .show(ui, |ui| {
                    for (key, action) in shortcuts(l) {
                        ui.label(egui::RichText::new(key).monospace().strong());
                        ui.label(action);
                        ui.end_row();
                    }
                });
        });
    if !still_open {
        *open = false;
    }
}
