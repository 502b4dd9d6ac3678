//! The desktop window. For now a compact live view: the default network
//! trains a few steps per frame and the per-layer gradient magnitudes and
//! the loss are plotted as they change. The full app (trainer thread,
//! every plot, the skip toggle, export) builds on this.

use egui_plot::{Bar, BarChart, Line, Plot};

use crate::cli::UsageError;
use crate::nn::{Config, Run};

/// Interface language: Italian when the system locale is Italian.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    It,
}

impl Lang {
    pub fn from_env() -> Lang {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
            .unwrap_or_default();
        if locale.starts_with("it") {
            Lang::It
        } else {
            Lang::En
        }
    }

    fn pick(self, en: &'static str, it: &'static str) -> &'static str {
        match self {
            Lang::En => en,
            Lang::It => it,
        }
    }
}

/// Training steps per frame: enough to move, few enough to stay smooth.
const STEPS_PER_FRAME: usize = 4;
/// Loss points kept; older ones are thinned to every other point.
const LOSS_POINTS: usize = 4096;

pub struct GradscopeApp {
    run: Run,
    playing: bool,
    lang: Lang,
    loss: Vec<[f64; 2]>,
}

impl GradscopeApp {
    pub fn new(config: Config, lang: Lang) -> Result<GradscopeApp, UsageError> {
        let run = Run::new(config).map_err(|e| UsageError(e.to_string()))?;
        Ok(GradscopeApp {
            run,
            playing: true,
            lang,
            loss: Vec::new(),
        })
    }

    fn train_some(&mut self) {
        for _ in 0..STEPS_PER_FRAME {
            let stats = self.run.step();
            if stats.loss.is_finite() {
                self.loss.push([stats.step as f64, stats.loss.log10()]);
            }
        }
        if self.loss.len() > LOSS_POINTS {
            let thinned: Vec<[f64; 2]> = self.loss.iter().step_by(2).copied().collect();
            self.loss = thinned;
        }
    }

    fn reset(&mut self) {
        if let Ok(run) = Run::new(self.run.config().clone()) {
            self.run = run;
            self.loss.clear();
        }
    }

    fn controls_ui(&mut self, ui: &mut egui::Ui) {
        let l = self.lang;
        ui.horizontal(|ui| {
            let label = if self.playing {
                l.pick("Pause", "Pausa")
            } else {
                l.pick("Play", "Avvia")
            };
            if ui.button(label).clicked() {
                self.playing = !self.playing;
            }
            if ui.button(l.pick("Step", "Passo")).clicked() {
                self.playing = false;
                self.train_some();
            }
            if ui.button(l.pick("Reset", "Ricomincia")).clicked() {
                self.reset();
            }
            let c = self.run.config();
            ui.label(format!(
                "{} {}: {} × {}, {}  ·  {} {}",
                l.pick("network", "rete"),
                c.activation,
                c.depth,
                c.width,
                c.init,
                l.pick("step", "passo"),
                self.run.steps_done()
            ));
            ui.separator();
            if ui.selectable_label(l == Lang::En, "EN").clicked() {
                self.lang = Lang::En;
            }
            if ui.selectable_label(l == Lang::It, "IT").clicked() {
                self.lang = Lang::It;
            }
        });
    }

    fn gradient_bars_ui(&self, ui: &mut egui::Ui, height: f32) {
        let l = self.lang;
        let bars: Vec<Bar> = self
            .run
            .last_stats()
            .layers
            .iter()
            .enumerate()
            .filter(|(_, s)| s.grad_weight_norm > 0.0 && s.grad_weight_norm.is_finite())
            .map(|(i, s)| Bar::new((i + 1) as f64, f64::from(s.grad_weight_norm).log10()))
            .collect();
        let title = l.pick(
            "||dL/dW|| per layer (log10), input → output",
            "||dL/dW|| per livello (log10), ingresso → uscita",
        );
        Plot::new("gradient_bars")
            .height(height)
            .x_axis_label(l.pick("layer", "livello"))
            .y_axis_label("log10 ||dL/dW||")
            .show(ui, |plot| plot.bar_chart(BarChart::new(title, bars)));
    }

    fn loss_ui(&self, ui: &mut egui::Ui) {
        let l = self.lang;
        Plot::new("loss")
            .x_axis_label(l.pick("step", "passo"))
            .y_axis_label(l.pick("log10 training loss", "log10 perdita di addestramento"))
            .show(ui, |plot| plot.line(Line::new("loss", self.loss.clone())));
    }
}

impl eframe::App for GradscopeApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        if self.playing {
            self.train_some();
            ctx.request_repaint();
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::Panel::top("controls").show(ui, |ui| self.controls_ui(ui));
        egui::CentralPanel::default().show(ui, |ui| {
            let half = ui.available_height() / 2.0;
            self.gradient_bars_ui(ui, half);
            self.loss_ui(ui);
        });
    }
}

/// Opens the window on the default network.
pub fn run_window() -> Result<(), UsageError> {
    let app = GradscopeApp::new(Config::default(), Lang::from_env())?;
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1280.0, 800.0])
            .with_title("gradscope"),
        ..Default::default()
    };
    eframe::run_native("gradscope", options, Box::new(|_cc| Ok(Box::new(app))))
        .map_err(|e| UsageError(format!("cannot open the window: {e}")))
}
