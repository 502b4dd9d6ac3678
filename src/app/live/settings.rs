//! The settings panel: every parameter of the run. Learning rate,
//! optimiser, clipping and skips apply live, between two steps; the rest
//! define a new network and say that they need a reset. The data set's
//! part (and the teacher's CSV table) is in `data`.

use crate::explain::Explain;
use crate::figures::build::GradientMeasure;

use crate::lang::Lang;
use crate::nn::{Activation, BranchInit, Init, OptimizerKind, Skip, SkipStyle};
use crate::train::{Command, Edit, Mode, Playback, Speed};

use super::LiveView;
use super::plots::boundary_run;
use super::widgets::{choice, row};
use crate::app::tab::Shared;

pub fn settings_ui(ui: &mut egui::Ui, live: &mut LiveView, shared: &mut Shared) {
    let l = shared.lang;
    ui.heading(l.pick("Network", "Rete"));
    live_settings_ui(ui, live, l);
    ui.separator();
    ui.label(egui::RichText::new(l.pick("Needs a reset", "Richiede di ricominciare")).strong());
    reset_settings_ui(ui, live, l, shared.message);
    let changed = live.draft != live.config || live.draft_mode != live.mode;
    let text = l.pick(
        "Reset with these settings",
        "Ricomincia con queste impostazioni",
    );
    if ui.add_enabled(changed, egui::Button::new(text)).clicked() {
        match live.draft.validate() {
            Ok(()) => {
                let config = live.draft.clone();
                let mode = live.draft_mode;
                live.request_histogram(&config);
                live.trainer.send(Command::Reset { config, mode });
                live.trainer.send(Playback::Play);
            }
            Err(e) => *shared.message = Some(e.explain(l)),
        }
    }
    if changed {
        ui.colored_label(
            egui::Color32::from_rgb(230, 160, 0),
            l.pick(
                "Changed: takes effect after the reset.",
                "Modificato: vale dopo aver ricominciato.",
            ),
        );
    }
}

/// Learning rate, optimiser, clipping, skips: sent to the trainer now.
fn live_settings_ui(ui: &mut egui::Ui, live: &mut LiveView, l: Lang) {
    // Four choices under their label: they wrap rather than widen the panel.
    ui.label(l.pick("bars show", "le barre mostrano"));
    ui.horizontal_wrapped(|ui| {
        for measure in GradientMeasure::ALL {
            ui.radio_value(&mut live.measure, measure, measure.symbol())
                .on_hover_text(match measure {
                    GradientMeasure::Weights => l.pick(
                        "The gradient of each layer's weights: what the optimiser gets",
                        "Il gradiente dei pesi di ogni livello: ciò che riceve l'ottimizzatore",
                    ),
                    GradientMeasure::Biases => l.pick(
                        "The gradient of each layer's biases: how fast the layer learns",
                        "Il gradiente dei bias di ogni livello: quanto velocemente impara il livello",
                    ),
                    GradientMeasure::Deltas => l.pick(
                        "The error signal dL/dz the backward pass carries through each layer",
                        "Il segnale d'errore dL/dz che la backpropagation porta attraverso ogni livello",
                    ),
                    GradientMeasure::UpdateRatio => l.pick(
                        "How far this step moved each layer's weights, relative to their size (about 1e-3 is healthy). SGD's follows the gradient; Adam moves even a layer whose gradient has vanished",
                        "Di quanto questo passo ha spostato i pesi di ogni livello, rispetto alla loro grandezza (circa 1e-3 è sano). Quello di SGD segue il gradiente; Adam sposta anche un livello il cui gradiente è svanito",
                    ),
                });
        }
    });
    if live.runs.len() > 1 {
        ui.horizontal(|ui| {
            ui.label(l.pick("boundary of", "frontiera di"));
            let mut shown = boundary_run(live);
            for (index, run) in live.runs.iter().enumerate() {
                let name = crate::figures::build::twin_label(run.twin, l);
                ui.radio_value(&mut shown, index, name)
                    .on_hover_text(l.pick(
                        "Whose decision boundary the plot shows",
                        "Di quale gemello il grafico mostra la frontiera di decisione",
                    ));
            }
            live.boundary_run = Some(shown);
        });
    }
    let mut lr = live.draft.learning_rate;
    let r = row(ui, l.pick("learning rate", "learning rate"), |ui| {
        ui.add(
            egui::DragValue::new(&mut lr)
                .range(1e-5..=10.0)
                .speed(0.0005)
                .max_decimals(5),
        )
    });
    if r.changed() && lr != live.config.learning_rate {
        live.draft.learning_rate = lr;
        live.trainer.send(Edit::SetLearningRate(lr));
    }
    let mut optimizer = live.draft.optimizer;
    row(ui, l.pick("optimiser", "ottimizzatore"), |ui| {
        choice(
            ui,
            "optimizer",
            &mut optimizer,
            &OptimizerKind::ALL,
            OptimizerKind::name,
        )
    });
    if optimizer != live.draft.optimizer {
        live.draft.optimizer = optimizer;
        live.trainer.send(Edit::SetOptimizer(optimizer));
    }
    let mut clipping = live.draft.clip.is_some();
    let mut clip = live.draft.clip.unwrap_or(1.0);
    ui.horizontal(|ui| {
        let label = l.pick("clip gradient norm at", "limita la norma del gradiente a");
        let check = ui.checkbox(&mut clipping, label);
        ui.add_enabled(
            clipping,
            egui::DragValue::new(&mut clip)
                .range(1e-3..=1e3)
                .speed(0.01),
        )
        .labelled_by(check.id);
    });
    let new_clip = clipping.then_some(clip);
    if new_clip != live.draft.clip {
        live.draft.clip = new_clip;
        live.trainer.send(Edit::SetClip(new_clip));
    }
    let mut style = live.runs.last().map_or(SkipStyle::Identity, |r| r.style);
    ui.horizontal(|ui| {
        ui.label(l.pick("skip style", "stile della skip"));
        for option in [SkipStyle::Slides, SkipStyle::Identity] {
            ui.radio_value(&mut style, option, option.name())
                .on_hover_text(option.formula());
        }
    });
    if live.runs.last().is_some_and(|r| r.style != style) {
        live.trainer.send(Edit::SetSkipStyle(style));
    }
    // Formulas on one line: they set the panel's width.
    ui.add(egui::Label::new(egui::RichText::new(style.formula()).monospace()).extend());
    view_settings_ui(ui, live, l);
}

/// What the window shows and how fast it trains: both live.
fn view_settings_ui(ui: &mut egui::Ui, live: &mut LiveView, l: Lang) {
    let depth = live.config.depth;
    let mut layer = live.histogram_layer() + 1;
    let r = row(
        ui,
        l.pick("histogram of layer", "istogramma del livello"),
        |ui| ui.add(egui::DragValue::new(&mut layer).range(1..=depth)),
    );
    if r.changed() && layer - 1 != live.histogram_layer() {
        live.histogram_choice = Some(layer - 1);
        let config = live.config.clone();
        live.request_histogram(&config);
    }
    let mut limited = matches!(live.speed, Speed::PerSecond(_));
    let mut rate = match live.speed {
        Speed::PerSecond(r) => r,
        Speed::Max => 50.0,
    };
    ui.horizontal(|ui| {
        let check = ui.checkbox(
            &mut limited,
            l.pick("slow down to steps/s", "rallenta a passi/s"),
        );
        ui.add_enabled(
            limited,
            egui::DragValue::new(&mut rate)
                .range(0.5..=10_000.0)
                .speed(1.0),
        )
        .labelled_by(check.id);
    });
    let speed = if limited {
        Speed::PerSecond(rate)
    } else {
        Speed::Max
    };
    if speed != live.speed {
        live.speed = speed;
        live.trainer.send(Playback::SetSpeed(speed));
    }
}

/// The parameters that define a new network.
fn reset_settings_ui(
    ui: &mut egui::Ui,
    live: &mut LiveView,
    l: Lang,
    message: &mut Option<String>,
) {
    let d = &mut live.draft;
    row(
        ui,
        l.pick("depth (hidden layers)", "profondità (livelli nascosti)"),
        |ui| ui.add(egui::DragValue::new(&mut d.depth).range(1..=crate::nn::config::MAX_DEPTH)),
    );
    row(ui, l.pick("width (units)", "larghezza (unità)"), |ui| {
        ui.add(egui::DragValue::new(&mut d.width).range(1..=crate::nn::config::MAX_WIDTH))
    });
    row(ui, l.pick("activation", "attivazione"), |ui| {
        choice(
            ui,
            "activation",
            &mut d.activation,
            &Activation::ALL,
            Activation::name,
        )
    });
    row(ui, l.pick("initialisation", "inizializzazione"), |ui| {
        choice(ui, "init", &mut d.init, &Init::ALL, Init::name)
    });
    row(ui, l.pick("init gain", "guadagno iniziale"), |ui| {
        ui.add(
            egui::DragValue::new(&mut d.init_gain)
                .range(1e-3..=100.0)
                .speed(0.05),
        )
    });
    // The formula's "gain" is the setting above it, named in the window's language.
    let formula = d.init.formula().replace("gain", l.pick("gain", "guadagno"));
    ui.add(egui::Label::new(egui::RichText::new(formula).monospace()).extend());
    row(ui, l.pick("skips at start", "skip all'inizio"), |ui| {
        choice(ui, "skip", &mut d.skip, &Skip::ALL, Skip::name)
    });
    row(ui, l.pick("branch init", "init dei rami"), |ui| {
        choice(
            ui,
            "branch",
            &mut d.branch_init,
            &[BranchInit::Normal, BranchInit::Zero],
            |b| match b {
                BranchInit::Normal => "normal",
                BranchInit::Zero => "zero",
            },
        )
    });
    row(ui, l.pick("batch", "batch"), |ui| {
        ui.add(egui::DragValue::new(&mut d.batch).range(1..=crate::nn::config::MAX_BATCH))
    });
    super::data::data_ui(ui, live, l, message);
    row(ui, l.pick("seed", "seed"), |ui| {
        ui.add(egui::DragValue::new(&mut live.draft.seed))
    });
    let mut twins = live.draft_mode == Mode::Twins;
    ui.checkbox(&mut twins, l.pick("compare: plain and residual twins", "confronto: gemelli plain e residuale"))
        .on_hover_text(l.pick(
            "Two copies of the network from the same initial weights and the same mini-batches, one without skips.",
            "Due copie della rete con gli stessi pesi iniziali e gli stessi mini-batch, una senza skip.",
        ));
    live.draft_mode = if twins { Mode::Twins } else { Mode::Single };
}
