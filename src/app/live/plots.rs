//! The live tab's plots: the network diagram on top, then every figure in
//! a grid of rows that scroll rather than shrink below readable, with the
//! measured numbers in the last slot. The figures are built from the
//! runs' histories by `figures::build`, again only when something they
//! show changed.

use std::rc::Rc;

use crate::figures::Figure;
use crate::figures::build::{self, activation_range};
use crate::figures::{data_views, flow};
use crate::lang::{Lang, say};
use crate::nn::{StepStats, TestView};
use crate::train::{Edit, History, Twin, run_code};

use super::LiveView;
use super::scene::{self, Scene};
use crate::app::plot::{self, PlotAction};
use crate::app::tab::{PlotRequest, Shared};
use crate::app::{diagram, readout};

/// The least height (points) a live plot gets before the plots scroll.
const MIN_PLOT_HEIGHT: f32 = 190.0;

/// Everything the live figures are built from besides the runs (whose
/// changes `generation` counts).
#[derive(Clone, Copy, PartialEq)]
pub struct FiguresKey {
    generation: u64,
    lang: Lang,
    measure: build::GradientMeasure,
    histogram_layer: usize,
    boundary_run: usize,
    slot: GradientSlot,
    /// The replayed moment's step (`None`: now).
    at: Option<u64>,
}

/// What the first row's third plot shows, chosen under it: the gradient
/// over time (the heatmap), the update ratio over time, or the gradient
/// highway. One slot for the three keeps every other plot in place, in
/// presentation mode too; Export all writes all three.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GradientSlot {
    #[default]
    OverTime,
    UpdateRatio,
    Highway,
}

impl GradientSlot {
    pub const ALL: [GradientSlot; 3] = [
        GradientSlot::OverTime,
        GradientSlot::UpdateRatio,
        GradientSlot::Highway,
    ];

    /// The next choice, round: the G key.
    pub fn next(self) -> GradientSlot {
        let at = GradientSlot::ALL
            .iter()
            .position(|&s| s == self)
            .unwrap_or(0);
        GradientSlot::ALL[(at + 1) % GradientSlot::ALL.len()]
    }

    fn name(self, lang: Lang) -> &'static str {
        match self {
            GradientSlot::OverTime => lang.pick("gradient over time", "gradiente nel tempo"),
            GradientSlot::UpdateRatio => lang.pick("update ratio", "rapporto di aggiornamento"),
            GradientSlot::Highway => lang.pick("gradient highway", "autostrada del gradiente"),
        }
    }

    fn hint(self, lang: Lang) -> &'static str {
        match self {
            GradientSlot::OverTime => lang.pick(
                "||dL/dW|| of every layer over the steps",
                "||dL/dW|| di ogni livello nel corso dei passi",
            ),
            GradientSlot::UpdateRatio => lang.pick(
                "||ΔW||/||W|| of every layer over the steps, with the healthy 1e-3",
                "||ΔW||/||W|| di ogni livello nel corso dei passi, con il valore sano 1e-3",
            ),
            GradientSlot::Highway => lang.pick(
                "Per residual block, the gradient that came through the skip and through the branch",
                "Per blocco residuo, il gradiente arrivato attraverso la skip e attraverso il ramo",
            ),
        }
    }

    /// The ids of the figures the slot can show.
    fn shows(id: &str) -> bool {
        ["gradient_heatmap", "update_ratio", "gradient_highway"].contains(&id)
    }
}

/// The figure `slot` shows. In compare mode the heatmap shows the first
/// twin (its title says which); the other two show both.
fn slot_figure(scene: &Scene, slot: GradientSlot, lang: Lang) -> Option<Figure> {
    match slot {
        GradientSlot::OverTime => {
            let first = scene.runs.first()?;
            let mut heatmap = build::gradient_heatmap(first.history, lang);
            if scene.runs.len() > 1 {
                let twin = build::twin_label(first.twin, lang);
                heatmap.title = format!("{}: {twin}", heatmap.title);
            }
            Some(heatmap)
        }
        GradientSlot::UpdateRatio => {
            let histories: Vec<(Option<Twin>, &History)> =
                scene.runs.iter().map(|r| (r.twin, r.history)).collect();
            Some(flow::update_ratio(&histories, lang))
        }
        GradientSlot::Highway => {
            let latest: Vec<(Option<Twin>, &StepStats)> = scene
                .runs
                .iter()
                .filter_map(|r| r.latest.map(|s| (r.twin, s)))
                .collect();
            Some(flow::gradient_highway(&latest, lang))
        }
    }
}

/// A screen capture of a plot that was partly scrolled out of view: the
/// plot is scrolled into view first, and captured a frame later.
#[derive(Clone, Debug, PartialEq)]
pub struct ScrollCapture {
    id: String,
    action: PlotAction,
}

/// The capture that waited for plot `id` to scroll into view. It goes
/// ahead whether or not the plot now fits: one taller than the window is
/// captured as far as it shows.
fn resume_capture(scrolled: &mut Option<ScrollCapture>, id: &str) -> Option<PlotAction> {
    match scrolled {
        Some(capture) if capture.id == id => scrolled.take().map(|c| c.action),
        _ => None,
    }
}

/// Every plot, built from what the trainer measured, as `scene` shows
/// the runs (now, or at a replayed step, which the plots over the steps
/// then mark).
pub fn figures(live: &LiveView, scene: &Scene, lang: Lang) -> Vec<Figure> {
    let mut figures = scene_figures(live, scene, lang);
    if let Some(step) = scene.at {
        scene::mark_step(&mut figures, step, lang);
    }
    figures
}

fn scene_figures(live: &LiveView, scene: &Scene, lang: Lang) -> Vec<Figure> {
    let activation = live.config.activation;
    let histories: Vec<(Option<Twin>, &History)> =
        scene.runs.iter().map(|r| (r.twin, r.history)).collect();
    let latest: Vec<(Option<Twin>, &StepStats)> = scene
        .runs
        .iter()
        .filter_map(|r| r.latest.map(|s| (r.twin, s)))
        .collect();
    let mut figures = vec![build::loss(&histories, lang)];
    if !latest.is_empty() {
        figures.push(build::gradient_bars(
            &latest,
            activation,
            live.measure,
            lang,
        ));
    } else if !scene.runs.is_empty() {
        // Paused before the first step (a guided step, `--paused`, a
        // reopened session): the plot keeps its place and says why.
        figures.push(build::gradient_bars_before_first_step(
            live.config.depth + 1,
            live.measure,
            lang,
        ));
    }
    if let Some(first) = scene.runs.first() {
        let (lo, hi) = activation_range(activation);
        let histogram = first.histogram.map(|h| (h, scene.histogram_layer));
        let mut inputs = build::activation(activation, histogram, lo, hi, lang);
        // In compare mode it shows the first twin: say which.
        if scene.runs.len() > 1 {
            let twin = build::twin_label(first.twin, lang);
            inputs.title = format!("{}: {twin}", inputs.title);
        }
        figures.extend(slot_figure(scene, live.slot, lang));
        figures.push(inputs);
    }
    if live.config.inputs() != 2 {
        // A plane shows two inputs only: real data get views of their own.
        figures.extend(data_figures(scene, lang));
        return figures;
    }
    let shown = scene.runs.get(boundary_run(live));
    if let Some((run, grid)) = shown.and_then(|r| Some((r, r.grid?))) {
        let mut figure = build::decision_boundary(grid, lang);
        if scene.runs.len() > 1 {
            figure.title = format!("{}: {}", figure.title, build::twin_label(run.twin, lang));
        }
        figures.push(figure);
    }
    figures
}

/// What Export all writes: every plot on screen, the gradient slot's
/// other two figures, and for 2-D data (whose
/// decision boundary takes the confusion matrix's slot) the confusion
/// matrix too, which every data set has.
pub fn export_figures(live: &LiveView, lang: Lang) -> Vec<Figure> {
    let scene = live.scene(live.replay_at);
    let mut figures = figures(live, &scene, lang);
    // The gradient slot's other two figures.
    let mut others = Vec::new();
    for slot in GradientSlot::ALL {
        if slot != live.slot {
            others.extend(slot_figure(&scene, slot, lang));
        }
    }
    if live.config.inputs() == 2 {
        others.extend(data_figures(&scene, lang));
    }
    if let Some(step) = scene.at {
        scene::mark_step(&mut others, step, lang);
    }
    figures.extend(others);
    if let Some(result) = &live.landscape {
        figures.extend(crate::figures::landscape::landscapes(
            &result.slices,
            result.step,
            lang,
        ));
    }
    figures
}

/// For data that are not two points on a plane: each run's confusion
/// matrix, and for images its predicted test images and first-layer
/// weights; in compare mode both twins' of each, side by side.
fn data_figures(scene: &Scene, lang: Lang) -> Vec<Figure> {
    let twins = scene.runs.len() > 1;
    let builders: [fn(&TestView, Lang) -> Option<Figure>; 3] = [
        |view, lang| Some(data_views::confusion_matrix(view, lang)),
        data_views::predictions,
        data_views::first_layer_weights,
    ];
    let mut figures = Vec::new();
    for build_one in builders {
        for run in &scene.runs {
            let Some(mut figure) = run.view.and_then(|v| build_one(v, lang)) else {
                continue;
            };
            if twins {
                figure.title = format!("{}: {}", figure.title, build::twin_label(run.twin, lang));
                figure.id = format!("{}_{}", figure.id, run_code(run.twin));
            }
            figures.push(figure);
        }
    }
    figures
}

/// `figures`, built again only when something they show changed: a
/// paused window draws a 1e5-step history without rebuilding it.
fn live_figures(live: &mut LiveView, lang: Lang) -> Rc<Vec<Figure>> {
    let key = FiguresKey {
        generation: live.generation,
        lang,
        measure: live.measure,
        histogram_layer: live.histogram_layer(),
        boundary_run: boundary_run(live),
        slot: live.slot,
        at: live.replay_at,
    };
    match &live.figures_cache {
        Some((built, figures)) if *built == key => figures.clone(),
        _ => {
            let scene = live.scene(live.replay_at);
            let figures = Rc::new(self::figures(live, &scene, lang));
            live.figures_cache = Some((key, figures.clone()));
            figures
        }
    }
}

/// The run whose decision boundary shows (the last unless chosen).
pub fn boundary_run(live: &LiveView) -> usize {
    let last = live.runs.len().saturating_sub(1);
    live.boundary_run.filter(|&i| i < last).unwrap_or(last)
}

/// The network diagram of the residual (last) run; a click on a skip arc
/// toggles that block's skip.
fn diagram_ui(ui: &mut egui::Ui, live: &LiveView, scene: &Scene, lang: Lang) {
    let Some(run) = scene.runs.last() else {
        return;
    };
    let norms: Option<Vec<f32>> = run
        .latest
        .map(|s| s.layers.iter().map(|l| l.grad_weight_norm).collect());
    let layers = norms.as_ref().map_or(live.config.depth + 1, Vec::len);
    if scene.runs.len() > 1 {
        // Compare mode: the diagram is the twin whose skips switch.
        ui.weak(format!(
            "{}: {}",
            lang.pick("the network drawn below", "la rete disegnata sotto"),
            build::twin_label(run.twin, lang)
        ));
    }
    if live.config.inputs() != 2 {
        // The diagram draws weight layers; many inputs are said, not drawn.
        ui.weak(inputs_line(live, lang));
    }
    if let Some(block) = diagram::diagram_ui(ui, layers, norms.as_deref(), run.skips, lang) {
        live.trainer.send(Edit::ToggleSkip(block));
    }
}

/// "input: 64 values (8×8 image) · output: 10 classes".
fn inputs_line(live: &LiveView, lang: Lang) -> String {
    let (inputs, classes) = (live.config.inputs(), live.config.outputs());
    let image = live.runs.iter().find_map(|r| r.view.as_ref()?.image);
    match image {
        Some([rows, columns]) => say!(
            lang,
            "input: {inputs} values ({rows}×{columns} image) · output: {classes} classes",
            "ingresso: {inputs} valori (immagine {rows}×{columns}) · uscita: {classes} classi"
        ),
        None => say!(
            lang,
            "input: {inputs} values · output: {classes} classes",
            "ingresso: {inputs} valori · uscita: {classes} classi"
        ),
    }
}

/// The diagram, then the plots; returns a plot's export choice.
pub fn plots_ui(ui: &mut egui::Ui, live: &mut LiveView, shared: &Shared) -> Option<PlotRequest> {
    let lang = shared.lang;
    diagram_ui(ui, live, &live.scene(live.replay_at), lang);
    // Three plots a row (two in a narrow or zoomed window); the
    // readout takes the last slot. Plots share the window's height but
    // never shrink below readable: then the rows scroll (a projector's
    // 1280×800 in presentation mode), so no plot is ever out of reach.
    let per_row = if ui.available_width() >= 1000.0 { 3 } else { 2 };
    let figures = live_figures(live, lang);
    // The plots and the readout; the views of real data add rows.
    let rows = (figures.len() + 1).max(6).div_ceil(per_row);
    let height = (ui.available_height() / rows as f32 - 50.0).max(MIN_PLOT_HEIGHT);
    let mut request = None;
    let mut slots: Vec<Option<&Figure>> = figures.iter().map(Some).collect();
    slots.resize(rows * per_row, None);
    let readout_slot = slots.len() - 1;
    // A capture asked for last frame resumes now; one not picked up
    // (its plot no longer drawn) is dropped.
    let mut scrolled = live.capture_after_scroll.take();
    let mut waiting = None;
    let mut animate = None;
    let mut chosen_slot = live.slot;
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for (row, group) in slots.chunks(per_row).enumerate() {
                ui.columns(per_row, |columns| {
                    for (index, (column, slot)) in columns.iter_mut().zip(group).enumerate() {
                        match slot {
                            Some(figure) => {
                                // The gradient slot's choice goes under its plot (the
                                // titles and Export buttons of a row stay level).
                                let slot_here = GradientSlot::shows(&figure.id);
                                let mut plot_height = height;
                                if slot_here {
                                    let spacing = column.spacing();
                                    plot_height -= spacing.interact_size.y + spacing.item_spacing.y;
                                }
                                // Each plot's widgets (its export menu) get ids of their own.
                                let (chosen, rect) = column
                                    .push_id(&figure.id, |ui| {
                                        plot::live_figure_ui(
                                            ui,
                                            &figure.id,
                                            figure,
                                            plot_height.max(MIN_PLOT_HEIGHT),
                                            lang,
                                            shared.line_scale,
                                        )
                                    })
                                    .inner;
                                if slot_here {
                                    slot_choice_ui(column, &mut chosen_slot, lang);
                                }
                                let visible = column.clip_rect().contains_rect(rect);
                                let plot_request = |action| PlotRequest {
                                    action,
                                    figure: (*figure).clone(),
                                    rect,
                                };
                                if let Some(resumed) = resume_capture(&mut scrolled, &figure.id) {
                                    request = Some(plot_request(resumed));
                                } else if chosen == Some(PlotAction::Gif) {
                                    animate = Some(figure.id.clone());
                                } else if let Some(chosen) = chosen {
                                    let on_screen =
                                        matches!(chosen, PlotAction::ScreenPng | PlotAction::Copy);
                                    if on_screen && !visible {
                                        column.scroll_to_rect_animation(
                                            rect,
                                            None,
                                            egui::style::ScrollAnimation::none(),
                                        );
                                        waiting = Some(ScrollCapture {
                                            id: figure.id.clone(),
                                            action: chosen,
                                        });
                                        column.ctx().request_repaint();
                                    } else {
                                        request = Some(plot_request(chosen));
                                    }
                                }
                            }
                            None if row * per_row + index == readout_slot => {
                                let scene = live.scene(live.replay_at);
                                readout::readout_ui(column, &scene.runs, scene.at, lang)
                            }
                            None => {}
                        }
                    }
                });
            }
        });
    live.capture_after_scroll = waiting;
    if let Some(id) = animate {
        super::animate::open(live, super::animate::Target::Plot(id), lang);
    }
    if chosen_slot != live.slot {
        live.slot = chosen_slot;
        ui.ctx().request_repaint();
    }
    request
}

/// The gradient slot's three choices in a row.
fn slot_choice_ui(ui: &mut egui::Ui, slot: &mut GradientSlot, lang: Lang) {
    ui.horizontal_wrapped(|ui| {
        for choice in GradientSlot::ALL {
            ui.selectable_value(slot, choice, choice.name(lang))
                .on_hover_text(choice.hint(lang));
        }
    });
}
