//! The degradation slides, live: a depth sweep (plain and residual, a few
//! seeds) trained in the background and plotted as it fills in, and the
//! identity demonstration: zero one block's branch and compare the
//! block's output with its input.

use egui::{Key, Rect};

use crate::explain::Explain;
use crate::figures::{Figure, build};
use crate::lang::Lang;
use crate::lessons;
use crate::nn::{Activation, Config, Run, Skip, config::MAX_DEPTH};
use crate::train::sweep::{BackgroundSweep, SweepNews, SweepPlan, SweepRecord};

use super::plot::{self, PlotAction};
use super::tab::{PlotRequest, Shared, Tab};

/// The identity demonstration's result for one block.
pub struct IdentityCheck {
    pub style: Skip,
    pub activation: Activation,
    /// max |output − input| over a batch, with the block's own branch and
    /// with the branch zeroed.
    pub before: f32,
    pub after: f32,
    /// The first point's first units: (input, output) with the zero branch.
    pub sample: Vec<(f32, f32)>,
}

pub struct DeeperView {
    /// The depths to sweep, as typed ("2, 4, 8, 16, 32").
    pub depths: String,
    pub seeds: u64,
    pub steps: u64,
    running: Option<BackgroundSweep>,
    pub records: Vec<SweepRecord>,
    /// Jobs in the sweep that runs (or ran last).
    pub total: usize,
    pub error: Option<String>,
    pub finished: bool,
    pub style: Skip,
    pub activation: Activation,
    pub identity: Option<IdentityCheck>,
}

impl Default for DeeperView {
    fn default() -> Self {
        DeeperView {
            depths: "2, 4, 8, 16, 32".into(),
            seeds: 2,
            steps: 600,
            running: None,
            records: Vec::new(),
            total: 0,
            error: None,
            finished: false,
            style: Skip::Identity,
            activation: Activation::Relu,
            identity: None,
        }
    }
}

/// "2, 4, 8" as depths, or a message naming the problem and the range.
pub fn parse_depths(text: &str, lang: Lang) -> Result<Vec<usize>, String> {
    let depths: Result<Vec<usize>, String> = text
        .split([',', ' ', ';'])
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.parse::<usize>()
                .ok()
                .filter(|d| (1..=MAX_DEPTH).contains(d))
                .ok_or_else(|| {
                    format!(
                        "{}: \"{t}\" {} {MAX_DEPTH}",
                        lang.pick("depths", "profondità"),
                        lang.pick(
                            "is not a whole number from 1 to",
                            "non è un numero intero da 1 a"
                        ),
                    )
                })
        })
        .collect();
    let depths = depths?;
    if depths.is_empty() {
        return Err(format!(
            "{} {MAX_DEPTH}",
            lang.pick(
                "depths: give one or more whole numbers, separated by commas, from 1 to",
                "profondità: indicate uno o più numeri interi, separati da virgole, da 1 a",
            )
        ));
    }
    Ok(depths)
}

impl DeeperView {
    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// The degradation lesson's network at each depth, plain and with
    /// identity skips, `seeds` seeds each, on every core.
    pub fn start(&mut self, ctx: &egui::Context, lang: Lang) {
        let depths = match parse_depths(&self.depths, lang) {
            Ok(depths) => depths,
            Err(e) => {
                self.error = Some(e);
                return;
            }
        };
        let base = match lessons::find("degradation") {
            Ok(lesson) => lesson.config,
            Err(e) => {
                self.error = Some(e.explain(lang));
                return;
            }
        };
        let plan = SweepPlan {
            base,
            depths,
            skips: vec![Skip::Off, Skip::Identity],
            seeds: (1..=self.seeds.max(1)).collect(),
            steps: self.steps,
        };
        let total = match plan.jobs() {
            Ok(jobs) => jobs.len(),
            Err(e) => {
                self.error = Some(e.explain(lang));
                return;
            }
        };
        self.running = None;
        let repaint = ctx.clone();
        let started = BackgroundSweep::start(plan, Box::new(move || repaint.request_repaint()));
        match started {
            Ok(sweep) => {
                self.records.clear();
                self.total = total;
                self.error = None;
                self.finished = false;
                self.running = Some(sweep);
            }
            Err(e) => {
                self.error = Some(format!(
                    "{}: {e}",
                    lang.pick("cannot start the sweep", "impossibile avviare lo sweep")
                ))
            }
        }
    }

    pub fn cancel(&mut self) {
        if let Some(running) = &self.running {
            running.cancel();
        }
    }

    /// Takes what the sweep finished since the last frame.
    pub fn poll(&mut self, lang: Lang) {
        let Some(running) = &self.running else {
            return;
        };
        let mut ended = None;
        for news in running.news() {
            match news {
                SweepNews::Record(record) => self.records.push(record),
                SweepNews::Finished(result) => ended = Some(result),
            }
        }
        if let Some(result) = ended {
            self.finished = result.is_ok() && self.records.len() == self.total;
            if let Err(e) = result {
                self.error = Some(e.explain(lang));
            }
            self.running = None;
        }
    }

    /// Zeroes block 2's branch (block 1 if the network has one block) of a
    /// fresh 8-layer network and measures |output − input| of the block.
    pub fn check_identity(&mut self, lang: Lang) {
        let config = Config {
            depth: 8,
            width: 16,
            activation: self.activation,
            skip: self.style,
            ..Config::default()
        };
        let mut run = match Run::new(config) {
            Ok(run) => run,
            Err(e) => {
                self.error = Some(e.explain(lang));
                return;
            }
        };
        let block = 1;
        let inputs = run.data.train.x.clone();
        let difference = |run: &Run| {
            run.mlp
                .block_input_output(block, inputs.view())
                .map(|(input, output)| {
                    let diff = input
                        .iter()
                        .zip(&output)
                        .map(|(a, b)| (a - b).abs())
                        .fold(0.0f32, f32::max);
                    let sample: Vec<(f32, f32)> = input
                        .row(0)
                        .iter()
                        .zip(output.row(0))
                        .take(6)
                        .map(|(&a, &b)| (a, b))
                        .collect();
                    (diff, sample)
                })
        };
        let Some((before, _)) = difference(&run) else {
            return;
        };
        run.zero_branch(block);
        let Some((after, sample)) = difference(&run) else {
            return;
        };
        self.identity = Some(IdentityCheck {
            style: self.style,
            activation: self.activation,
            before,
            after,
            sample,
        });
    }

    /// Draws the tab; returns an export request for the sweep plot.
    fn content_ui(
        &mut self,
        ui: &mut egui::Ui,
        lang: Lang,
        line_scale: f32,
    ) -> Option<(PlotAction, Figure, Rect)> {
        self.poll(lang);
        let mut export = None;
        egui::Panel::left("deeper_controls")
            .resizable(false)
            .default_size(320.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    self.sweep_controls_ui(ui, lang);
                    ui.separator();
                    self.identity_ui(ui, lang);
                });
            });
        egui::CentralPanel::default().show(ui, |ui| {
            if let Ok(lesson) = lessons::find("degradation") {
                ui.label(egui::RichText::new(lesson.title.get(lang)).strong());
                ui.label(lesson.explanation.get(lang));
            }
            let classes = lessons::find("degradation").map_or(3, |l| l.config.outputs());
            let mut figure = build::depth_sweep(&self.records, classes, lang);
            if self.records.is_empty() {
                // Before the first result: the axis already spans the
                // depths to sweep, and says what fills it.
                if let Ok(depths) = parse_depths(&self.depths, lang) {
                    let (lo, hi) = depths.iter().fold((usize::MAX, 0), |(lo, hi), &d| {
                        (lo.min(d), hi.max(d))
                    });
                    figure.x.min = Some(lo as f64);
                    figure.x.max = Some(hi as f64);
                }
                // Where final losses land: from well trained to chance.
                figure.y.min = Some(0.01);
                figure.y.max = Some(2.0);
                figure.notes.push(
                    lang.pick(
                        "no network trained yet: Run sweep fills the plot depth by depth",
                        "nessuna rete ancora addestrata: Avvia sweep riempie il grafico profondità per profondità",
                    )
                    .into(),
                );
            }
            let height = (ui.available_height() - 40.0).max(200.0);
            let (action, rect) = plot::figure_ui(ui, &figure.id, &figure, height, lang, line_scale);
            if let Some(action) = action {
                export = Some((action, figure, rect));
            }
        });
        export
    }

    fn sweep_controls_ui(&mut self, ui: &mut egui::Ui, lang: Lang) {
        ui.heading(lang.pick("Depth sweep", "Sweep sulla profondità"));
        ui.label(lang.pick(
            "The degradation lesson's tanh network at each depth, plain and with identity skips, trained for the same number of steps.",
            "La rete tanh della lezione sulla degradation a ogni profondità, plain e con skip identità, addestrata per lo stesso numero di passi.",
        ));
        let running = self.is_running();
        ui.add_enabled_ui(!running, |ui| {
            egui::Grid::new("sweep_fields")
                .num_columns(2)
                .show(ui, |ui| {
                    let label = ui.label(lang.pick("depths", "profondità"));
                    ui.add(egui::TextEdit::singleline(&mut self.depths).desired_width(140.0))
                        .labelled_by(label.id)
                        .on_hover_text(format!(
                            "{} {MAX_DEPTH}",
                            lang.pick(
                                "Hidden layers, separated by commas, each from 1 to",
                                "Livelli nascosti, separati da virgole, ciascuno da 1 a",
                            )
                        ));
                    ui.end_row();
                    let label = ui.label(lang.pick("seeds", "seed"));
                    ui.add(egui::DragValue::new(&mut self.seeds).range(1..=10))
                        .labelled_by(label.id);
                    ui.end_row();
                    let label = ui.label(lang.pick("steps per network", "passi per rete"));
                    ui.add(egui::DragValue::new(&mut self.steps).range(10..=100_000))
                        .labelled_by(label.id);
                    ui.end_row();
                });
        });
        ui.horizontal(|ui| {
            if running {
                if ui
                    .button(lang.pick("Cancel sweep", "Annulla sweep"))
                    .clicked()
                {
                    self.cancel();
                }
            } else if ui.button(lang.pick("Run sweep", "Avvia sweep")).clicked() {
                self.start(ui.ctx(), lang);
            }
        });
        if self.total > 0 {
            let done = self.records.len();
            let fraction = done as f32 / self.total as f32;
            ui.add(egui::ProgressBar::new(fraction).text(format!(
                "{done} / {} {}",
                self.total,
                lang.pick("networks trained", "reti addestrate")
            )));
            if !running && !self.finished {
                ui.label(lang.pick("Stopped before the end.", "Fermato prima della fine."));
            }
        }
        if let Some(error) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
    }

    fn identity_ui(&mut self, ui: &mut egui::Ui, lang: Lang) {
        ui.heading(lang.pick(
            "A block can be the identity",
            "Un blocco può essere l'identità",
        ));
        ui.label(lang.pick(
            "Zero the weights and biases of a block's second layer and compare what leaves the block with what entered it.",
            "Azzerate pesi e bias del secondo livello di un blocco e confrontate ciò che esce dal blocco con ciò che vi è entrato.",
        ));
        ui.horizontal(|ui| {
            ui.label(lang.pick("style", "stile"));
            ui.radio_value(&mut self.style, Skip::Identity, "identity: g(z) + a");
            ui.radio_value(&mut self.style, Skip::Slides, "slides: g(z + a)");
        });
        ui.horizontal(|ui| {
            ui.label(lang.pick("activation", "attivazione"));
            for activation in Activation::ALL {
                ui.radio_value(&mut self.activation, activation, activation.name());
            }
        });
        if ui
            .button(lang.pick(
                "Zero block 2's branch and compare",
                "Azzera il ramo del blocco 2 e confronta",
            ))
            .clicked()
        {
            self.check_identity(lang);
        }
        let Some(check) = &self.identity else {
            return;
        };
        let mono = |t: String| egui::RichText::new(t).monospace();
        ui.label(mono(format!(
            "{} {}",
            lang.pick(
                "max |out − in|, freshly initialised branch:",
                "max |out − in|, ramo appena inizializzato:"
            ),
            super::readout::number(f64::from(check.before))
        )));
        ui.label(mono(format!(
            "{} {}",
            lang.pick(
                "max |out − in|, zero branch:",
                "max |out − in|, ramo a zero:"
            ),
            if check.after == 0.0 {
                lang.pick("0 (exactly)", "0 (esattamente)").to_string()
            } else {
                super::readout::number(f64::from(check.after))
            }
        )));
        egui::Grid::new("identity_sample")
            .striped(true)
            .show(ui, |ui| {
                ui.label(lang.pick("unit", "unità"));
                ui.label(lang.pick("in", "ingresso"));
                ui.label(lang.pick("out", "uscita"));
                ui.end_row();
                for (k, (input, output)) in check.sample.iter().enumerate() {
                    ui.label((k + 1).to_string());
                    ui.monospace(format!("{input:.6}"));
                    ui.monospace(format!("{output:.6}"));
                    ui.end_row();
                }
            });
        let verdict = match (check.after == 0.0, check.style, check.activation) {
            (true, Skip::Identity, _) => lang.pick(
                "The block passes its input through unchanged: g(0) = 0, so the output is exactly a.",
                "Il blocco lascia passare l'ingresso invariato: g(0) = 0, quindi l'uscita è esattamente a.",
            ),
            (true, _, _) => lang.pick(
                "With ReLU and inputs ≥ 0, g(0 + a) = a: the slides' block is the identity too.",
                "Con ReLU e ingressi ≥ 0, g(0 + a) = a: anche il blocco delle slide è l'identità.",
            ),
            (false, Skip::Identity, _) => lang.pick(
                "Not the identity: this activation has g(0) ≠ 0 (sigmoid's is 0.5), which is added to a.",
                "Non è l'identità: questa attivazione ha g(0) ≠ 0 (per la sigmoide 0,5), che si somma ad a.",
            ),
            (false, _, _) => lang.pick(
                "Not the identity: the slides' block applies g to a, and g(a) = a only for ReLU with a ≥ 0.",
                "Non è l'identità: il blocco delle slide applica g ad a, e g(a) = a solo per ReLU con a ≥ 0.",
            ),
        };
        ui.label(verdict);
    }
}

impl Tab for DeeperView {
    fn keys(&mut self, ctx: &egui::Context, pressed: &dyn Fn(Key) -> bool, shared: &mut Shared) {
        if pressed(Key::Space) {
            if self.is_running() {
                self.cancel();
            } else {
                self.start(ctx, shared.lang);
            }
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared) -> Option<PlotRequest> {
        let (lang, line_scale) = (shared.lang, shared.line_scale);
        egui::CentralPanel::default()
            .show(ui, |ui| self.content_ui(ui, lang, line_scale))
            .inner
            .map(PlotRequest::from)
    }
}
