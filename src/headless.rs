//! Training without a window: `gradscope run` and `gradscope sweep` write
//! everything a teacher needs for slides and handouts into a folder.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use serde_json::json;

use crate::figures::png::FigureFilesError;
use crate::figures::{self, Figure, build};
use crate::files::{FileKind, write_atomically};
use crate::lang::Lang;
use crate::model_file::{self, EncodeError};
use crate::nn::{Config, ConfigError, NonFinite, Run, StepStats};
use crate::train::sweep::{SweepPlan, SweepRecord, available_threads, run_sweep};
use crate::train::trainer::evaluate;
use crate::train::{Event, EventKind, History};

mod animate;
mod handout;
pub mod landscape;
mod output_folder;
pub use animate::{ANIMATED, Animate, DEFAULT_FRAMES};
pub use output_folder::OutputFolder;

/// How the files are written.
#[derive(Clone, Debug)]
pub struct Output {
    pub lang: Lang,
    pub png_width: u32,
    pub png_height: u32,
    /// Write into a folder that is not empty, replacing gradscope's own
    /// files there (see `OutputFolder`).
    pub overwrite: bool,
    /// `run` also writes `handout.html` (see `handout`).
    pub handout: Option<HandoutWish>,
}

/// `handout.html` for a run: with this lesson's texts, or for a
/// configuration of one's own (`None`).
#[derive(Clone, Debug)]
pub struct HandoutWish {
    pub lesson: Option<crate::lessons::Lesson>,
}

/// One weight layer in `summary.json`.
#[derive(Clone, Debug, Serialize)]
pub struct LayerSummary {
    /// 0 at the input side; the last is the output layer.
    pub layer: usize,
    /// The tensor's name in the model files.
    pub name: String,
    /// ||dL/dW|| at step 0.
    pub grad_norm_initial: f32,
    /// ||dL/dW|| at the last step.
    pub grad_norm_final: f32,
    /// ||update|| / ||W|| of the last step (about 1e-3 is healthy).
    pub update_ratio_final: f32,
}

/// One residual block in `summary.json`: the gradient highway at the last
/// step, the norms of the two terms of dL/da at the block's input.
#[derive(Clone, Debug, Serialize)]
pub struct BlockSummary {
    /// 0 at the input side.
    pub block: usize,
    /// Through the skip (0 when the skip is off).
    pub skip: f32,
    /// Back through the block's two layers.
    pub branch: f32,
}

/// The table a run trained on, in `summary.json` and `sweep.json` (the
/// configuration's JSON leaves a CSV table out): which file, and its size.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DataSummary {
    /// "digits", or the CSV file's name.
    pub name: String,
    pub rows: usize,
    pub inputs: usize,
    /// The classes in the order of the network's outputs.
    pub classes: Vec<String>,
    /// Whether each feature was standardised with the training split's
    /// mean and deviation.
    pub standardised: bool,
}

impl DataSummary {
    /// The table `config` trains on, if it trains on one.
    pub fn of(config: &Config) -> Option<DataSummary> {
        config.table().map(|table| DataSummary {
            name: table.name.clone(),
            rows: table.rows(),
            inputs: table.inputs,
            classes: table.class_names.clone(),
            standardised: table.standardise,
        })
    }
}

/// What `summary.json` holds.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub config: Config,
    /// The table trained on (null for a generated data set).
    pub data: Option<DataSummary>,
    pub steps_run: u64,
    /// The final losses and accuracy: null for a run that diverged (its
    /// weights are not finite, so a loss from them means nothing, even when
    /// ReLU turns the NaNs into a normal-looking number).
    pub final_train_loss: Option<f64>,
    pub final_test_loss: Option<f64>,
    pub final_test_accuracy: Option<f64>,
    pub diverged: Option<NonFinite>,
    /// The trained model's file, or null when the run diverged and no
    /// model with finite weights exists to save.
    pub final_model: Option<String>,
    /// What a reader must know about the numbers above (a divergence).
    pub note: Option<String>,
    pub steps_per_second: f64,
    pub layers: Vec<LayerSummary>,
    /// Per residual block, the gradient highway at the last step (empty
    /// for a network too shallow for a block).
    pub highway: Vec<BlockSummary>,
    /// The files written, relative to the folder.
    pub files: Vec<String>,
}

/// Why `run` or `sweep` stopped before writing everything.
#[derive(Debug, thiserror::Error)]
pub enum HeadlessError {
    #[error("--out {}: is {}, not a folder; give a folder", dir.display(), kind.map_or("a file", FileKind::name))]
    OutNotFolder {
        dir: PathBuf,
        /// `None`: a regular file.
        kind: Option<FileKind>,
    },
    #[error("--out {}: cannot write there: {source}", dir.display())]
    CreateOut {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("--out {}: the folder is not empty (it holds {}{}); give a new or empty folder, or add --overwrite to replace gradscope's own files in it", dir.display(), found.join(", "), more_text(*more))]
    NotEmpty {
        dir: PathBuf,
        /// The first few names found, sorted.
        found: Vec<String>,
        /// How many more there are.
        more: usize,
    },
    #[error("{}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Model(#[from] EncodeError),
    #[error(transparent)]
    Figure(#[from] FigureFilesError),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error("--animate {name}: this run has no such figure; its data give {allowed}")]
    NotAnimated { name: String, allowed: String },
    #[error("--animate needs a run of at least 2 steps to make frames of; this one has {steps}")]
    AnimateShortRun { steps: u64 },
    #[error(transparent)]
    Animation(#[from] crate::figures::animation::AnimationError),
}

fn more_text(more: usize) -> String {
    if more == 0 {
        String::new()
    } else {
        format!(" and {more} more")
    }
}

fn write(
    folder: &OutputFolder,
    name: &str,
    bytes: &[u8],
    files: &mut Vec<String>,
) -> Result<(), HeadlessError> {
    let path = folder.staging().join(name);
    if let Err(source) = write_atomically(&path, bytes) {
        return Err(HeadlessError::Write {
            path: folder.dir().join(name),
            source,
        });
    }
    files.push(name.to_string());
    Ok(())
}

fn write_figure(
    folder: &OutputFolder,
    figure: &Figure,
    output: &Output,
    files: &mut Vec<String>,
) -> Result<(), HeadlessError> {
    let staging = folder.staging();
    for path in figures::write_all(figure, staging, output.png_width, output.png_height)? {
        if let Some(name) = path.file_name() {
            files.push(name.to_string_lossy().into_owned());
        }
    }
    Ok(())
}

/// Evaluations spread over the run: about 200, at least every step for
/// short runs.
fn eval_every(steps: u64) -> u64 {
    (steps / 200).max(1)
}

/// Trains `steps` steps (stopping at the first NaN) and writes the summary,
/// the metrics, both models and every figure into `dir`: all of them, or
/// none (see `OutputFolder`).
pub fn run_to_folder(
    config: &Config,
    steps: u64,
    dir: &Path,
    histogram_layer: usize,
    output: &Output,
) -> Result<Summary, HeadlessError> {
    let animate = Animate::default();
    run_to_folder_animated(config, steps, dir, histogram_layer, output, &animate)
}

/// `run_to_folder`, also writing the animated GIFs `animate` asks for.
pub fn run_to_folder_animated(
    config: &Config,
    steps: u64,
    dir: &Path,
    histogram_layer: usize,
    output: &Output,
    animate: &Animate,
) -> Result<Summary, HeadlessError> {
    let folder = OutputFolder::prepare(dir, output.overwrite)?;
    let mut run = Run::new(config.clone())?;
    let mut capture = animate::Capture::new(animate, steps, &run, histogram_layer, output)?;
    let mut files = Vec::new();
    let initial = model_file::to_bytes(&run.mlp, config)?;
    write(&folder, "model_initial.safetensors", &initial, &mut files)?;

    let mut history = History::default();
    let every = eval_every(steps);
    history.push_eval(evaluate(&run));
    let progress = progress_bar(steps, "training");
    let mut first_stats: Option<StepStats> = None;
    let mut training_seconds = 0.0;
    for _ in 0..steps {
        let started = Instant::now();
        let stats = run.step();
        training_seconds += started.elapsed().as_secs_f64();
        history.push(stats);
        if first_stats.is_none() {
            first_stats = Some(stats.clone());
        }
        if let Some(event) = run.first_nonfinite() {
            history.push_event(Event {
                step: event.step,
                kind: EventKind::Diverged(event),
            });
            capture.observe(&run, &history, true);
            break;
        }
        if run.steps_done() % every == 0 {
            history.push_eval(evaluate(&run));
        }
        capture.observe(&run, &history, false);
        progress.inc(1);
    }
    progress.finish_and_clear();
    let last = run.last_stats().clone();
    let end = evaluate(&run);
    if history.evals().last().is_none_or(|e| e.step != end.step) {
        history.push_eval(end);
    }

    let diverged = run.first_nonfinite();
    // A diverged network's weights hold NaN or infinity: no file of them
    // (the loader refuses such weights); model_initial.safetensors remains.
    let final_model = if diverged.is_none() {
        let name = "model.safetensors";
        let bytes = model_file::to_bytes(&run.mlp, &run.current_config())?;
        write(&folder, name, &bytes, &mut files)?;
        Some(name.to_string())
    } else {
        None
    };
    write(
        &folder,
        "metrics.csv",
        metrics_csv(&history).as_bytes(),
        &mut files,
    )?;
    let first = first_stats.unwrap_or_else(|| last.clone());
    let figures = run_figures(&run, &history, &first, histogram_layer, output.lang);
    for figure in &figures {
        write_figure(&folder, figure, output, &mut files)?;
    }
    capture.write(&folder, &mut files)?;

    let layers = first
        .layers
        .iter()
        .zip(&last.layers)
        .enumerate()
        .map(|(i, (a, b))| LayerSummary {
            layer: i,
            name: format!("layers.{i}"),
            grad_norm_initial: a.grad_weight_norm,
            grad_norm_final: b.grad_weight_norm,
            update_ratio_final: b.update_ratio,
        })
        .collect();
    let highway = last
        .blocks
        .iter()
        .enumerate()
        .map(|(block, flow)| BlockSummary {
            block,
            skip: flow.skip,
            branch: flow.branch,
        })
        .collect();
    if output.handout.is_some() {
        files.push(crate::handout::FILE_NAME.into());
    }
    files.push("summary.json".into());
    let summary = Summary {
        config: run.current_config(),
        data: DataSummary::of(config),
        steps_run: run.steps_done(),
        final_train_loss: diverged.is_none().then_some(end.train_loss),
        final_test_loss: diverged.is_none().then_some(end.test_loss),
        final_test_accuracy: diverged.is_none().then_some(end.test_accuracy),
        diverged,
        final_model,
        note: diverged.map(|d| {
            format!(
                "diverged at step {} in weight layer {} ({:?} pass): the weights are not finite, so the final losses and accuracy are null and model.safetensors was not written (model_initial.safetensors holds the starting weights)",
                d.step, d.layer, d.phase
            )
            .to_lowercase()
        }),
        steps_per_second: if training_seconds > 0.0 {
            run.steps_done() as f64 / training_seconds
        } else {
            0.0
        },
        layers,
        highway,
        files,
    };
    if let Some(wish) = &output.handout {
        let html = handout::html(&summary, wish, &figures, output.lang);
        write(
            &folder,
            crate::handout::FILE_NAME,
            html.as_bytes(),
            &mut Vec::new(),
        )?;
    }
    let text = serde_json::to_string_pretty(&summary)?;
    write(&folder, "summary.json", text.as_bytes(), &mut Vec::new())?;
    folder.commit()?;
    Ok(summary)
}

/// Every figure of a finished run, built by the one mapping from figure
/// names to figures that `--animate` uses too (a data view only where the
/// data have it), with the first step's gradient bars after the loss.
fn run_figures(
    run: &Run,
    history: &History,
    first: &StepStats,
    histogram_layer: usize,
    lang: Lang,
) -> Vec<Figure> {
    let mut initial = build::gradient_bars(
        &[(None, first)],
        run.mlp.activation,
        build::GradientMeasure::Weights,
        lang,
    );
    initial.id = "gradients_initial".into();
    let mut views = animate::Views::default();
    let mut figures: Vec<Figure> = animate::FIGURES
        .iter()
        .filter_map(|name| views.figure(name, run, history, histogram_layer, lang))
        .collect();
    figures.insert(1, initial);
    figures
}

/// Cells per side of an exported decision boundary, and the training
/// points drawn on it.
const BOUNDARY_RESOLUTION: usize = 200;
const BOUNDARY_POINTS: usize = 1000;

/// One row per bucket of the history: what `metrics.csv` holds.
pub fn metrics_csv(history: &History) -> String {
    let layers = history.buckets().first().map_or(0, |b| b.grad_norms.len());
    let mut out = String::from(
        "step_first,step_last,train_loss_mean,train_loss_min,train_loss_max,nonfinite_steps,test_loss,test_accuracy",
    );
    for i in 0..layers {
        out.push_str(&format!(",grad_norm_layer_{i}"));
    }
    for i in 0..layers {
        out.push_str(&format!(",update_ratio_layer_{i}"));
    }
    out.push('\n');
    let evals = history.evals();
    for bucket in history.buckets() {
        // The evaluation taken after the bucket's last step, if any.
        let eval = evals
            .iter()
            .rev()
            .find(|e| e.step > bucket.first_step && e.step <= bucket.last_step + 1);
        let cell = |v: Option<f64>| v.filter(|v| v.is_finite()).map(number).unwrap_or_default();
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{}",
            bucket.first_step,
            bucket.last_step,
            cell(Some(bucket.loss.mean())),
            cell(Some(f64::from(bucket.loss.min))),
            cell(Some(f64::from(bucket.loss.max))),
            bucket.loss.nonfinite,
            cell(eval.map(|e| e.test_loss)),
            cell(eval.map(|e| e.test_accuracy)),
        ));
        for agg in &bucket.grad_norms {
            out.push(',');
            out.push_str(&cell(Some(agg.mean())));
        }
        // A history without update ratios (none kept) leaves them empty.
        for i in 0..layers {
            out.push(',');
            out.push_str(&cell(bucket.update_ratios.get(i).map(|a| a.mean())));
        }
        out.push('\n');
    }
    out
}

/// A number for a CSV cell: plain decimals for ordinary magnitudes,
/// scientific notation for tiny or huge ones (a vanished gradient of
/// 1.4e-11 would otherwise print as 0.0000000000138...).
fn number(v: f64) -> String {
    let a = v.abs();
    if a != 0.0 && !(1e-4..1e7).contains(&a) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

fn progress_bar(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    if let Ok(style) =
        ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} ({per_sec}, {eta} left)")
    {
        bar.set_style(style);
    }
    bar.set_message(what.to_string());
    bar
}

/// Runs a sweep on every core and writes `sweep.json` and its figure (both
/// or neither, see `OutputFolder`).
pub fn sweep_to_folder(
    plan: &SweepPlan,
    dir: &Path,
    output: &Output,
) -> Result<Vec<SweepRecord>, HeadlessError> {
    let folder = OutputFolder::prepare(dir, output.overwrite)?;
    let jobs = plan.jobs()?.len() as u64;
    let progress = progress_bar(jobs, "sweep");
    let cancel = AtomicBool::new(false);
    let records = run_sweep(plan, available_threads(), &cancel, &|_, _, _| {
        progress.inc(1)
    })?;
    progress.finish_and_clear();
    let mut files = Vec::new();
    let json = json!({
        "config": plan.base,
        "data": DataSummary::of(&plan.base),
        "steps": plan.steps,
        "records": records,
    });
    let text = serde_json::to_string_pretty(&json)?;
    write(&folder, "sweep.json", text.as_bytes(), &mut files)?;
    let figure = build::depth_sweep(&records, plan.base.outputs(), output.lang);
    write_figure(&folder, &figure, output, &mut files)?;
    folder.commit()?;
    Ok(records)
}
