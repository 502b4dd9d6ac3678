//! Keyboard shortcuts, and the overlay that lists them. Keys act only when
//! no text field has the keyboard, so typing "5" into a field never steps.

use egui::Key;

use crate::lang::Lang;
use crate::train::{Command, State};

use super::{GradscopeApp, View};

/// (key, what it does), in the overlay's order.
fn shortcuts(lang: Lang) -> [(&'static str, &'static str); 10] {
    [
        (
            lang.pick("Space", "Spazio"),
            lang.pick(
                "play / pause (backprop: one step; going deeper: start / cancel the sweep)",
                "avvia / pausa (backprop: un passo; andare più in profondità: avvia / annulla lo sweep)",
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
        ("1 2 3", lang.pick("switch tab", "cambia scheda")),
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

impl GradscopeApp {
    /// Acts on the keys pressed this frame.
    pub(super) fn shortcuts(&mut self, ctx: &egui::Context) {
        if ctx.egui_wants_keyboard_input() {
            return;
        }
        let pressed = |key: Key| ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, key));
        if pressed(Key::H) || pressed(Key::F1) {
            self.help = !self.help;
        }
        if pressed(Key::Escape) {
            self.help = false;
        }
        if pressed(Key::P) {
            self.set_presentation(ctx, !self.presentation);
        }
        for (key, view) in [
            (Key::Num1, View::Live),
            (Key::Num2, View::Backprop),
            (Key::Num3, View::Deeper),
        ] {
            if pressed(key) {
                self.view = view;
            }
        }
        if self.guide.is_some() {
            if pressed(Key::ArrowRight) || pressed(Key::PageDown) {
                self.guide_next(1);
            }
            if pressed(Key::ArrowLeft) || pressed(Key::PageUp) {
                self.guide_next(-1);
            }
        }
        match self.view {
            View::Live => self.live_shortcuts(&pressed),
            View::Backprop => {
                if pressed(Key::S) || pressed(Key::Space) {
                    self.backprop.step();
                }
            }
            View::Deeper => {
                if pressed(Key::Space) {
                    if self.deeper.is_running() {
                        self.deeper.cancel();
                    } else {
                        self.deeper.start(ctx, self.lang);
                    }
                }
            }
        }
    }

    fn live_shortcuts(&mut self, pressed: &dyn Fn(Key) -> bool) {
        if pressed(Key::Space) {
            let playing = self.state == State::Playing;
            self.trainer.send(if playing {
                Command::Pause
            } else {
                Command::Play
            });
        }
        if pressed(Key::S) {
            self.trainer.send(Command::Step(1));
        }
        if pressed(Key::R) {
            self.select_lesson(self.lesson);
        }
        let has_blocks = self.runs.last().is_some_and(|r| !r.skips.is_empty());
        if pressed(Key::K) && has_blocks {
            let on = self.runs.last().is_some_and(|r| r.skips.iter().any(|&s| s));
            self.trainer.send(Command::SetAllSkips(!on));
        }
        if pressed(Key::E) {
            self.export_all();
        }
    }

    /// The list of shortcuts, over everything.
    pub(super) fn help_ui(&mut self, ctx: &egui::Context) {
        let l = self.lang;
        let mut open = true;
        egui::Window::new(l.pick("Keyboard shortcuts", "Scorciatoie da tastiera"))
            .open(&mut open)
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
        if !open {
            self.help = false;
        }
    }
}
