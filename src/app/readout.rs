//! The numbers behind the plots, large enough to read from the back of
//! the room: step, losses, accuracy, and how much of the output layer's
//! gradient reaches the first layer.

use super::live::scene::Shown;
use crate::figures::build::twin_label;
use crate::lang::{Lang, say};

/// One column per run: what it measured last.
/// `at`: the step replayed, if the plots show the past.
pub fn readout_ui(ui: &mut egui::Ui, runs: &[Shown], at: Option<u64>, lang: Lang) {
    let title = match at {
        Some(step) => say!(lang, "Measured at step {step}", "Misurato al passo {step}"),
        None => lang.pick("Measured now", "Misurato ora").into(),
    };
    ui.label(egui::RichText::new(title).strong());
    egui::Grid::new("readout")
        .num_columns(runs.len() + 1)
        .striped(true)
        .spacing([16.0, 6.0])
        .show(ui, |ui| {
            if runs.len() > 1 {
                ui.label("");
                for run in runs {
                    ui.label(egui::RichText::new(twin_label(run.twin, lang)).strong());
                }
                ui.end_row();
            }
            row(ui, lang.pick("step", "passo"), runs, |r| {
                r.latest.map(|s| s.step.to_string())
            });
            row(
                ui,
                lang.pick("training loss (batch)", "loss di addestramento (batch)"),
                runs,
                |r| r.latest.map(|s| number(s.loss)),
            );
            row(ui, lang.pick("test loss", "loss di test"), runs, |r| {
                r.evals.last().map(|e| number(e.test_loss))
            });
            row(
                ui,
                lang.pick("test accuracy", "accuratezza di test"),
                runs,
                |r| {
                    r.evals
                        .last()
                        .filter(|e| e.test_accuracy.is_finite())
                        .map(|e| format!("{:.1}%", e.test_accuracy * 100.0))
                },
            );
            row(
                ui,
                lang.pick("||dL/dW|| layer 1", "||dL/dW|| livello 1"),
                runs,
                |r| first_and_last(r).map(|(first, _)| number(first)),
            );
            row(
                ui,
                lang.pick("||dL/dW|| output layer", "||dL/dW|| livello di uscita"),
                runs,
                |r| first_and_last(r).map(|(_, last)| number(last)),
            );
            row(
                ui,
                lang.pick("layer 1 ÷ output layer", "livello 1 ÷ livello di uscita"),
                runs,
                |r| {
                    first_and_last(r)
                        .filter(|&(_, last)| last > 0.0)
                        .map(|(first, last)| number(first / last))
                },
            );
            row(ui, lang.pick("skips on", "skip attive"), runs, |r| {
                (!r.skips.is_empty()).then(|| {
                    format!(
                        "{} / {}",
                        r.skips.iter().filter(|&&on| on).count(),
                        r.skips.len()
                    )
                })
            });
        });
}

fn row(ui: &mut egui::Ui, label: &str, runs: &[Shown], value: impl Fn(&Shown) -> Option<String>) {
    ui.label(label);
    for run in runs {
        ui.monospace(value(run).unwrap_or_else(|| "–".into()));
    }
    ui.end_row();
}

/// ||dL/dW|| of the first and of the output layer at the last step.
fn first_and_last(run: &Shown) -> Option<(f64, f64)> {
    let layers = &run.latest?.layers;
    Some((
        f64::from(layers.first()?.grad_weight_norm),
        f64::from(layers.last()?.grad_weight_norm),
    ))
}

/// Four significant digits, in scientific notation when very small or large.
pub fn number(v: f64) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    let magnitude = v.abs();
    if magnitude != 0.0 && !(1e-3..1e5).contains(&magnitude) {
        format!("{v:.3e}")
    } else {
        format!("{v:.4}")
    }
}
