//! The live tab's top bar: the lesson, playback, the skips, exports, the
//! lesson's explanation, and the banners that say training stopped.

use crate::app::export;
use crate::app::tab::Shared;
use crate::handout::{Handout, RunNumbers};
use crate::lang::{Lang, say};
use crate::nn::{Config, NonFinite, Phase};
use crate::train::{Edit, Playback, State, run_code};

use super::LiveView;

/// The lesson, playback, skips, export and settings buttons; the
/// lesson's summary and explanation; an error or divergence banner.
pub fn controls_ui(ui: &mut egui::Ui, live: &mut LiveView, shared: &mut Shared) {
    let l = shared.lang;
    ui.horizontal_wrapped(|ui| {
        let mut chosen = live.lesson;
        egui::ComboBox::from_label(l.pick("lesson", "lezione"))
            .selected_text(live.current().title.get(l))
            .show_ui(ui, |ui| {
                for (i, lesson) in live.lessons.iter().enumerate() {
                    ui.selectable_value(&mut chosen, i, lesson.title.get(l));
                }
            });
        if chosen != live.lesson {
            live.select_lesson(chosen);
        }
        let playing = live.state == State::Playing;
        if ui
            .button(if playing {
                l.pick("Pause", "Pausa")
            } else {
                l.pick("Play", "Avvia")
            })
            .clicked()
        {
            live.trainer.send(if playing {
                Playback::Pause
            } else {
                Playback::Play
            });
        }
        if ui.button(l.pick("Step", "Passo")).clicked() {
            live.trainer.send(Playback::Step(1));
        }
        if ui.button(l.pick("Reset", "Ricomincia")).clicked() {
            live.select_lesson(live.lesson);
        }
        let skips_on = live.runs.last().is_some_and(|r| r.skips.iter().any(|&s| s));
        let has_blocks = live.runs.last().is_some_and(|r| !r.skips.is_empty());
        let label = if skips_on {
            l.pick("Remove skips", "Togli le skip")
        } else {
            l.pick("Add skips", "Aggiungi le skip")
        };
        if ui
            .add_enabled(has_blocks, egui::Button::new(label))
            .clicked()
        {
            live.trainer.send(Edit::ToggleAllSkips);
        }
        if ui.button(l.pick("Export all", "Esporta tutto")).clicked() {
            export_all(live, shared);
        }
        if ui
            .button(l.pick("Export handout…", "Esporta dispensa…"))
            .on_hover_text(l.pick(
                "One page to print or read at home: the lesson, the configuration, the numbers measured and every plot",
                "Una pagina da stampare o leggere a casa: la lezione, la configurazione, i numeri misurati e ogni grafico",
            ))
            .clicked()
        {
            export_handout(live, shared);
        }
        if ui
            .button(l.pick("Panel as GIF…", "Pannello come GIF…"))
            .on_hover_text(l.pick(
                "The whole panel (or one plot) as an animated GIF over a range of steps: for slides",
                "Tutto il pannello (o un grafico) come GIF animata su un intervallo di passi: per le slide",
            ))
            .clicked()
        {
            super::animate::open(live, super::animate::Target::Panel, l);
        }
        ui.toggle_value(&mut live.show_settings, l.pick("Settings", "Impostazioni"))
            .on_hover_text(l.pick(
                "Show or hide the network's settings",
                "Mostra o nascondi le impostazioni della rete",
            ));
    });
    ui.label(live.current().summary.get(l));
    let lesson = live.current();
    egui::CollapsingHeader::new(l.pick("Explanation", "Spiegazione"))
        .id_salt(("explanation", &lesson.id))
        .show(ui, |ui| {
            ui.label(lesson.explanation.get(l));
            ui.label(format!(
                "{} {}",
                l.pick("Watch:", "Osservate:"),
                lesson.watch.get(l)
            ));
            ui.label(
                egui::RichText::new(format!(
                    "{} {}",
                    l.pick("Question:", "Domanda:"),
                    lesson.question.get(l)
                ))
                .italics(),
            );
        });
    if let State::Failed(message) = live.state.clone() {
        ui.horizontal(|ui| {
            ui.colored_label(
                egui::Color32::RED,
                say!(
                    l,
                    "Training stopped by an internal error ({message}). Restart to go on; the window keeps working.",
                    "L'addestramento si è fermato per un errore interno ({message}). Riavviate per continuare; la finestra continua a funzionare.",
                ),
            );
            if ui.button(l.pick("Restart", "Riavvia")).clicked() {
                live.restart(live.config.clone());
            }
        });
    }
    if let Some(event) = live.diverged {
        divergence_banner_ui(ui, live, event, l);
    }
}

/// Training stopped on a NaN or Inf: where, why, and three ways on.
fn divergence_banner_ui(ui: &mut egui::Ui, live: &mut LiveView, event: NonFinite, l: Lang) {
    let phase = match event.phase {
        Phase::Forward => l.pick("forward pass", "passo in avanti"),
        Phase::Backward => l.pick("backward pass", "backpropagation"),
    };
    egui::Frame::new()
        .fill(egui::Color32::from_rgb(110, 20, 20))
        .inner_margin(8.0)
        .show(ui, |ui| {
            ui.colored_label(
                egui::Color32::WHITE,
                egui::RichText::new(format!(
                    "{} {} {} {} ({phase}).",
                    l.pick("Training stopped: a value became NaN or infinite at step", "Addestramento fermato: un valore è diventato NaN o infinito al passo"),
                    event.step,
                    l.pick("in layer", "nel livello"),
                    event.layer + 1
                ))
                .strong(),
            );
            ui.colored_label(
                egui::Color32::WHITE,
                l.pick(
                    "Exploding gradients: each layer multiplied the gradient by more than 1, so the updates grew until the weights jumped and the numbers overflowed. Smaller updates keep training finite.",
                    "Exploding gradient: ogni livello ha moltiplicato il gradiente per più di 1, quindi gli aggiornamenti sono cresciuti finché i pesi sono saltati e i numeri sono andati in overflow. Aggiornamenti più piccoli mantengono l'addestramento finito.",
                ),
            );
            ui.horizontal(|ui| {
                if ui.button(l.pick("Reset", "Ricomincia")).clicked() {
                    live.restart(live.config.clone());
                }
                if ui.button(l.pick("Reset with gradient clipping 1.0", "Ricomincia con gradient clipping 1,0")).clicked() {
                    live.restart(Config { clip: Some(1.0), ..live.config.clone() });
                }
                if ui.button(l.pick("Reset with learning rate ÷ 10", "Ricomincia con learning rate ÷ 10")).clicked() {
                    let lr = live.config.learning_rate / 10.0;
                    live.restart(Config { learning_rate: lr, ..live.config.clone() });
                }
            });
        });
}

/// Every plot (and the confusion matrix, which 2-D data have off
/// screen), the configuration and a summary, into a new folder.
pub fn export_all(live: &LiveView, shared: &mut Shared) {
    let figures = super::plots::export_figures(live, shared.lang);
    let summary = serde_json::json!({
        "lesson": live.current().id,
        "mode": live.mode,
        "steps": live.steps(),
        "runs": live.runs.iter().map(|r| serde_json::json!({
            "name": run_code(r.twin),
            "steps": r.history.steps(),
            "last_loss": r.latest.as_ref().map(|s| s.loss),
            "skips": r.skips,
            "grad_norms": r.latest.as_ref().map(|s| s.layers.iter().map(|l| l.grad_weight_norm).collect::<Vec<_>>()),
        })).collect::<Vec<_>>(),
        "diverged": live.diverged,
        // The table trained on (its file's name): config.json leaves it out.
        "data": crate::headless::DataSummary::of(&live.config),
    });
    *shared.message = Some(
        match export::export_all(
            shared.export_root,
            &figures,
            &live.config,
            &summary,
            shared.lang,
        ) {
            Ok(dir) => format!(
                "{} {}",
                shared.lang.pick("Exported to", "Esportato in"),
                dir.display()
            ),
            Err(e) => e,
        },
    );
}

/// The handout of the current lesson and runs (`crate::handout`): every
/// figure Export all writes, into a new folder.
pub fn export_handout(live: &LiveView, shared: &mut Shared) {
    let l = shared.lang;
    let figures = super::plots::export_figures(live, l);
    let runs: Vec<RunNumbers> = live.runs.iter().map(RunNumbers::of_live).collect();
    let handout = Handout {
        lesson: Some(live.current()),
        config: &live.config,
        runs: &runs,
        figures: &figures,
    };
    let html = crate::handout::to_html(&handout, l);
    *shared.message = Some(match export::export_handout(shared.export_root, &html, l) {
        Ok(path) => format!(
            "{} {}",
            l.pick("Handout written to", "Dispensa scritta in"),
            path.display()
        ),
        Err(e) => e,
    });
}
