//! The loss landscape tab: why residual networks train, seen as the shape
//! of the loss around the live networks' weights. On request it asks the
//! live trainer for its networks (without pausing it), slices the loss on
//! a thread of its own with progress and Cancel, and draws each twin on
//! one shared colour scale.

use std::sync::mpsc::{self, Receiver, TryRecvError};

use egui::Key;

use crate::figures::Figure;
use crate::figures::landscape::landscapes;
use crate::lang::Lang;
use crate::nn::Config;
use crate::nn::landscape::{MAX_GRID, MAX_SPAN};
use crate::train::command::{Command, RunState};
use crate::train::landscape::{BackgroundLandscape, LandscapeJob, LandscapeNews, LandscapeResult};

use super::live::LiveView;
use super::plot;
use super::tab::{PlotRequest, Shared, Tab};

/// The live trainer's answer to `Command::Networks`.
type NetworksAnswer = Receiver<(u64, Vec<RunState>)>;

/// Smallest grid side offered (a coarse but quick look).
const MIN_GRID: usize = 5;

pub struct LandscapeView {
    /// Points per side of the grid.
    pub grid: usize,
    /// a and b run over [−span, span].
    pub span: f32,
    pub direction_seed: u64,
    /// Compute was pressed: the frame asks the live trainer for networks.
    wants_networks: bool,
    /// The trainer's answer, awaited, with the configuration it trains.
    awaiting: Option<(NetworksAnswer, Config)>,
    running: Option<BackgroundLandscape>,
    /// (rows done, rows planned) of the running job.
    progress: (usize, usize),
    pub result: Option<LandscapeResult>,
    /// The result's figures in one language.
    figures: Option<(Lang, Vec<Figure>)>,
    pub error: Option<String>,
    /// The live run's step, as of the last frame.
    live_step: u64,
}

impl Default for LandscapeView {
    fn default() -> Self {
        LandscapeView {
            grid: 41,
            span: 1.0,
            direction_seed: 1,
            wants_networks: false,
            awaiting: None,
            running: None,
            progress: (0, 0),
            result: None,
            figures: None,
            error: None,
            live_step: 0,
        }
    }
}

impl LandscapeView {
    /// Whether a slice is being computed (or its networks awaited).
    pub fn is_busy(&self) -> bool {
        self.wants_networks || self.awaiting.is_some() || self.running.is_some()
    }

    /// Asks for a new slice of the live networks as they are now.
    pub fn request(&mut self) {
        if !self.is_busy() {
            self.wants_networks = true;
            self.error = None;
        }
    }

    pub fn cancel(&mut self) {
        self.wants_networks = false;
        self.awaiting = None;
        // Dropping the job stops its thread after the current row.
        self.running = None;
    }

    /// (rows done, rows planned) of the running job.
    pub fn progress(&self) -> (usize, usize) {
        self.progress
    }

    /// The figures of the last result, in `lang`.
    pub fn figures(&mut self, lang: Lang) -> &[Figure] {
        let stale = self.figures.as_ref().is_none_or(|(l, _)| *l != lang);
        if stale {
            let figures = self
                .result
                .as_ref()
                .map_or_else(Vec::new, |r| build(r, lang));
            self.figures = Some((lang, figures));
        }
        self.figures.as_ref().map_or(&[], |(_, f)| f.as_slice())
    }

    /// Moves the work on: asks `live` for its networks when Compute was
    /// pressed, starts the job when they come, and collects its result.
    /// Called every frame by the window, whichever tab is open.
    pub fn serve(&mut self, ctx: &egui::Context, live: &mut LiveView, lang: Lang) {
        self.live_step = live.steps();
        if std::mem::take(&mut self.wants_networks) {
            let (reply, answer) = mpsc::channel();
            if live.send(Command::Networks(reply)) {
                self.awaiting = Some((answer, live.config().clone()));
            } else {
                self.error = Some(no_trainer(lang).into());
            }
        }
        self.receive_networks(ctx, lang);
        if let Some(finished) = self.poll_job() {
            // Export all writes it with the live tab's plots.
            live.landscape = Some(finished);
        }
    }

    fn receive_networks(&mut self, ctx: &egui::Context, lang: Lang) {
        let Some((answer, config)) = self.awaiting.as_ref() else {
            return;
        };
        let (_, runs) = match answer.try_recv() {
            Ok(networks) => networks,
            Err(TryRecvError::Empty) => {
                ctx.request_repaint();
                return;
            }
            Err(TryRecvError::Disconnected) => {
                self.awaiting = None;
                self.error = Some(no_trainer(lang).into());
                return;
            }
        };
        let step = runs.first().map_or(0, |run| run.steps);
        let job = LandscapeJob {
            config: config.clone(),
            networks: runs.into_iter().map(|run| (run.twin, run.mlp)).collect(),
            step,
            grid: self.grid.clamp(MIN_GRID, MAX_GRID),
            span: self.span.clamp(0.01, MAX_SPAN),
            direction_seed: self.direction_seed,
        };
        self.awaiting = None;
        let repaint = ctx.clone();
        match BackgroundLandscape::start(job, move || repaint.request_repaint()) {
            Ok(job) => self.running = Some(job),
            Err(error) => {
                self.error = Some(format!(
                    "{}: {}",
                    lang.pick(
                        "cannot start the landscape's thread",
                        "impossibile avviare il thread del paesaggio"
                    ),
                    crate::explain::describe(&error, lang)
                ))
            }
        }
    }

    /// Collects the job's news; returns a result that just finished.
    fn poll_job(&mut self) -> Option<LandscapeResult> {
        let job = self.running.as_mut()?;
        match job.poll() {
            LandscapeNews::Running { done, total } => self.progress = (done, total),
            LandscapeNews::Finished(result) => {
                self.result = Some(result.clone());
                self.figures = None;
                self.running = None;
                return Some(result);
            }
            LandscapeNews::Stopped => self.running = None,
        }
        None
    }

    fn controls_ui(&mut self, ui: &mut egui::Ui, live_step: u64, lang: Lang) {
        ui.horizontal_wrapped(|ui| {
            ui.add_enabled_ui(!self.is_busy(), |ui| {
                let label = ui.label(lang.pick("grid", "griglia"));
                ui.add(egui::DragValue::new(&mut self.grid).range(MIN_GRID..=MAX_GRID))
                    .labelled_by(label.id)
                    .on_hover_text(lang.pick(
                        "Points per side: 41 × 41 is the paper's; odd sizes put a point exactly on the weights",
                        "Punti per lato: 41 × 41 come nell'articolo; le dimensioni dispari mettono un punto esattamente sui pesi",
                    ));
                let label = ui.label(lang.pick("span ±", "ampiezza ±"));
                ui.add(
                    egui::DragValue::new(&mut self.span)
                        .range(0.01..=MAX_SPAN)
                        .speed(0.01),
                )
                .labelled_by(label.id);
                let label = ui.label(lang.pick("direction seed", "seme delle direzioni"));
                ui.add(egui::DragValue::new(&mut self.direction_seed))
                    .labelled_by(label.id);
            });
            ui.separator();
            if self.is_busy() {
                let (done, total) = self.progress;
                let fraction = if total > 0 { done as f32 / total as f32 } else { 0.0 };
                ui.add(
                    egui::ProgressBar::new(fraction)
                        .desired_width(200.0)
                        .text(format!("{done} / {total} {}", lang.pick("rows", "righe"))),
                );
                if ui.button(lang.pick("Cancel", "Annulla")).clicked() {
                    self.cancel();
                }
            } else {
                let label = format!(
                    "{} ({} {live_step})",
                    lang.pick("Compute the landscape", "Calcola il paesaggio"),
                    lang.pick("live run at step", "addestramento al passo"),
                );
                if ui.button(label).clicked() {
                    self.request();
                }
            }
        });
        if let Some(result) = &self.result
            && live_step > result.step
            && !self.is_busy()
        {
            let seconds = format!("{:.1}", result.seconds);
            let seconds = match lang {
                Lang::En => seconds,
                Lang::It => seconds.replace('.', ","),
            };
            ui.label(format!(
                "{} {} in {seconds} s; {} {live_step}: {}",
                lang.pick("Computed at step", "Calcolato al passo"),
                result.step,
                lang.pick("the live run is at step", "l'addestramento è al passo"),
                lang.pick(
                    "compute again to see the landscape now",
                    "calcolate di nuovo per vedere il paesaggio di adesso"
                ),
            ));
        }
        if let Some(error) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
    }
}

fn no_trainer(lang: Lang) -> &'static str {
    lang.pick(
        "the live trainer is not running: reset the run in the Live training tab",
        "l'addestramento non è attivo: ricominciate nella scheda Addestramento in tempo reale",
    )
}

/// One figure per slice, on a colour scale they share.
fn build(result: &LandscapeResult, lang: Lang) -> Vec<Figure> {
    landscapes(&result.slices, result.step, lang)
}

/// What the tab says before anything is computed.
fn explanation(lang: Lang) -> &'static str {
    lang.pick(
        "The loss around the network's current weights θ, along two random directions d1 and d2: L(θ + a·d1 + b·d2) for a and b in [−span, span] (Li et al., 2018). Each row of a direction's weight matrix is scaled to the norm of the same row of θ, so the picture does not depend on the weights' scale; the biases are not moved. A deep plain network sits on a flat, ragged plateau; the same network with identity skips sits in one smooth basin. Train in the Live training tab (compare mode shows both twins here), then compute.",
        "La loss attorno ai pesi attuali θ della rete, lungo due direzioni casuali d1 e d2: L(θ + a·d1 + b·d2) per a e b in [−ampiezza, ampiezza] (Li et al., 2018). Ogni riga della matrice dei pesi di una direzione è scalata alla norma della stessa riga di θ, così l'immagine non dipende dalla scala dei pesi; i bias non si muovono. Una rete semplice profonda sta su un altopiano piatto e frastagliato; la stessa rete con skip identità sta in un'unica valle liscia. Addestrate nella scheda Addestramento in tempo reale (la modalità confronto mostra qui entrambe le gemelle), poi calcolate.",
    )
}

impl Tab for LandscapeView {
    fn keys(&mut self, _ctx: &egui::Context, pressed: &dyn Fn(Key) -> bool, _shared: &mut Shared) {
        if pressed(Key::Space) {
            if self.is_busy() {
                self.cancel();
            } else {
                self.request();
            }
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared) -> Option<PlotRequest> {
        let (lang, line_scale) = (shared.lang, shared.line_scale);
        egui::CentralPanel::default()
            .show(ui, |ui| {
                ui.label(explanation(lang));
                self.controls_ui(ui, self.live_step, lang);
                ui.separator();
                let figures = self.figures(lang).to_vec();
                if figures.is_empty() {
                    if !self.is_busy() {
                        ui.label(lang.pick(
                            "Nothing computed yet: press Compute the landscape (or Space).",
                            "Niente ancora calcolato: premete Calcola il paesaggio (o Spazio).",
                        ));
                    }
                    return None;
                }
                let height = (ui.available_height() - 70.0).max(240.0);
                let mut request = None;
                ui.columns(figures.len(), |columns| {
                    for (column, figure) in columns.iter_mut().zip(figures) {
                        let (action, rect) =
                            plot::figure_ui(column, &figure.id, &figure, height, lang, line_scale);
                        if let Some(action) = action {
                            request = Some(PlotRequest::from((action, figure, rect)));
                        }
                    }
                });
                request
            })
            .inner
    }
}
