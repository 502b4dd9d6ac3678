//! `gradscope grads`: a saved model (of any input width) and a CSV batch
//! (read by `batch_file`, through the CSV reader tables share): the loss
//! and every gradient.

use serde_json::json;

use crate::batch_file;
use crate::files::StandardOutput;
use crate::model_file::{self, Model};
use crate::nn::{Targets, batch_gradients, memory};

use super::{RESCALED, UsageError, said};

pub(super) fn grads(
    model: &std::path::Path,
    data: &std::path::Path,
    json: bool,
) -> Result<(), UsageError> {
    let mut stdout = StandardOutput::default();
    let model = model_file::load(model).map_err(|e| said(Some("--model"), &e))?;
    let config = &model.config;
    // A model trained on a table also takes its class names as labels.
    let names = config
        .table()
        .map(|t| t.class_names.clone())
        .unwrap_or_default();
    let mut batch =
        batch_file::load_named(data, config.inputs(), config.outputs(), config.loss, &names)
            .map_err(|e| said(Some("--data"), &e))?;
    let rescaled = model.prepare(&mut batch.x);
    let Model { config, mlp, .. } = model;
    let targets = match (&batch.labels, &batch.targets) {
        (Some(labels), _) => Targets::Classes(labels),
        (None, Some(t)) => Targets::Values(t.view()),
        (None, None) => return Err(UsageError("--data: the batch has no targets".into())),
    };
    // In chunks: the workspace is bounded by memory::CHUNK_BYTES, not by
    // the number of rows.
    let chunk = memory::chunk_rows(&mlp.shape());
    let (loss, grads) = batch_gradients(&mlp, config.loss, batch.x.view(), targets, chunk);
    let norm = |a: &[f32]| a.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>().sqrt();

    if json {
        let layers: Vec<_> = grads
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let rows: Vec<Vec<f32>> = g.weight.rows().into_iter().map(|r| r.to_vec()).collect();
                json!({
                    "layer": i,
                    "weight_name": format!("layers.{i}.weight"),
                    "bias_name": format!("layers.{i}.bias"),
                    "grad_weight_norm": norm(g.weight.as_slice().unwrap_or(&[])),
                    "grad_bias_norm": norm(g.bias.as_slice().unwrap_or(&[])),
                    "weight": rows,
                    "bias": g.bias.to_vec(),
                })
            })
            .collect();
        let out = json!({
            "loss_name": config.loss.name(),
            "loss": loss,
            "examples": batch.x.nrows(),
            "inputs_rescaled": rescaled,
            "layers": layers,
        });
        stdout.line(format_args!(
            "{}",
            serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?
        ))?;
        return Ok(stdout.finish()?);
    }
    stdout.line(format_args!(
        "{} examples, mean {} loss {loss:.9}; network: depth {} x width {}, {}, skips {}",
        batch.x.nrows(),
        config.loss,
        config.depth,
        config.width,
        config.activation,
        mlp.skip()
    ))?;
    if rescaled {
        stdout.line(format_args!("{RESCALED}"))?;
    }
    stdout.line(format_args!(
        "\n{:<16} {:>14} {:>14}",
        "layer", "||dL/dW||", "||dL/db||"
    ))?;
    for (i, g) in grads.iter().enumerate() {
        let w = norm(g.weight.as_slice().unwrap_or(&[]));
        let b = norm(g.bias.as_slice().unwrap_or(&[]));
        stdout.line(format_args!(
            "{:<16} {w:>14.6e} {b:>14.6e}",
            format!("layers.{i}")
        ))?;
    }
    for (i, g) in grads.iter().enumerate() {
        stdout.line(format_args!("\nlayers.{i}.weight.grad =\n{:.6e}", g.weight))?;
        stdout.line(format_args!("layers.{i}.bias.grad =\n{:.6e}", g.bias))?;
    }
    Ok(stdout.finish()?)
}
