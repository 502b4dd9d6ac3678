//! `gradscope landscape`: the loss landscape of a saved model (Li et al.,
//! 2018) over the points it was trained on, another data set's training
//! split, or a CSV batch as `grads` takes it.

use std::path::PathBuf;

use crate::batch_file;
use crate::files::StandardOutput;
use crate::headless::landscape::{LandscapeSpec, landscape_to_folder};
use crate::model_file::{self, Model};
use crate::nn::data::Split;
use crate::nn::landscape::{MAX_GRID, MAX_SPAN};
use crate::nn::run::data_of;
use crate::nn::{Allowed, Dataset};

use super::flags::{allowed, integers, number, whole};
use super::output::OutputFlags;
use super::{RESCALED, UsageError, named, said};

#[derive(Debug, clap::Args)]
pub struct LandscapeFlags {
    /// A model saved by gradscope (safetensors).
    #[arg(long)]
    model: PathBuf,
    /// The points to average the loss over: a CSV batch as `grads` takes
    /// it (default: the training split the model was trained on).
    #[arg(long, value_name = "D.csv", conflicts_with_all = ["dataset", "seed"])]
    data: Option<PathBuf>,
    /// The training split of this data set instead of the model's own
    /// (with --seed S, the same split as `run --dataset NAME --seed S`).
    #[arg(long, value_parser = named(&Dataset::ALL, Dataset::name))]
    dataset: Option<Dataset>,
    /// The seed of the split (default: the model's).
    #[arg(long, value_parser = whole::<u64>(allowed("seed")), allow_negative_numbers = true)]
    seed: Option<u64>,
    /// Grid points per side.
    #[arg(long, default_value_t = 41, value_parser = whole::<usize>(integers(2, MAX_GRID as u64)), allow_negative_numbers = true)]
    grid: usize,
    /// a and b run from -SPAN to SPAN.
    #[arg(long, default_value_t = 1.0, value_parser = number(Allowed::PositiveUpTo(MAX_SPAN)), allow_negative_numbers = true)]
    span: f32,
    /// The seed of the two random directions.
    #[arg(long, default_value_t = 1, value_parser = whole::<u64>(allowed("seed")), allow_negative_numbers = true)]
    direction_seed: u64,
    /// Where the files go, and their language and size.
    #[command(flatten)]
    files: OutputFlags,
}

/// The points the loss is averaged over, as the flags ask, and whether
/// `--data`'s rows were rescaled as the model's inputs were in training.
fn points(flags: &LandscapeFlags, model: &Model) -> Result<(Split, bool), UsageError> {
    let config = &model.config;
    // The model's own shape, before any flag changes the data set.
    let shape = (config.inputs(), config.outputs());
    if let Some(path) = &flags.data {
        let names = config
            .table()
            .map(|t| t.class_names.clone())
            .unwrap_or_default();
        let batch =
            batch_file::load_named(path, config.inputs(), config.outputs(), config.loss, &names)
                .map_err(|e| said(Some("--data"), &e))?;
        let Some(labels) = batch.labels else {
            return Err(UsageError(format!(
                "--data {}: the landscape needs a class on each row (a squared-error batch of target values is not supported)",
                path.display()
            )));
        };
        let mut x = batch.x;
        let rescaled = model.prepare(&mut x);
        return Ok((Split { x, y: labels }, rescaled));
    }
    let mut config = config.clone();
    if let Some(dataset) = flags.dataset {
        if dataset == Dataset::Csv {
            return Err(UsageError(
                "--dataset csv: give the table's rows with --data D.csv instead".into(),
            ));
        }
        config.dataset = dataset;
        config.table = None;
    }
    if let Some(seed) = flags.seed {
        config.seed = seed;
    }
    if config.table().is_some_and(|t| t.rows() == 0) {
        return Err(UsageError(format!(
            "--model {}: was trained on a CSV table, which the model file does not carry; give its rows with --data D.csv",
            flags.model.display()
        )));
    }
    let data = data_of(&config);
    if (data.inputs(), data.classes) != shape {
        return Err(UsageError(format!(
            "--dataset {}: has {} inputs and {} classes, and the model takes {} inputs and gives {} classes",
            config.dataset,
            data.inputs(),
            data.classes,
            shape.0,
            shape.1
        )));
    }
    Ok((data.train, false))
}

pub(super) fn landscape(flags: &LandscapeFlags) -> Result<(), UsageError> {
    let mut stdout = StandardOutput::default();
    let model = model_file::load(&flags.model).map_err(|e| said(Some("--model"), &e))?;
    let (points, rescaled) = points(flags, &model)?;
    let Model { config, mlp, .. } = model;
    let spec = LandscapeSpec {
        grid: flags.grid,
        span: flags.span,
        direction_seed: flags.direction_seed,
    };
    let summary = landscape_to_folder(
        &mlp,
        config.loss,
        &points,
        spec,
        &flags.files.out,
        &flags.files.output(),
    )
    .map_err(|e| said(None, &e))?;
    stdout.line(format_args!(
        "{0}x{0} grid over {1} points in {2:.2} s: loss {3:.4} at the model, {4:.4} to {5:.4} around it, {6} local minima; {7} files in {8}",
        summary.grid,
        summary.points,
        summary.seconds,
        summary.loss_at_centre,
        summary.minimum,
        summary.maximum,
        summary.local_minima,
        summary.files.len(),
        flags.files.out.display()
    ))?;
    if rescaled {
        stdout.line(format_args!("{RESCALED}"))?;
    }
    Ok(stdout.finish()?)
}
