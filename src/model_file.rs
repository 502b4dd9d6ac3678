//! Model files: safetensors with torch.nn.Linear's names and layout, so
//! `safetensors.torch.load_file` gives PyTorch the same network:
//! `layers.{i}.weight` [out, in] and `layers.{i}.bias` [out], f32, i from 0
//! at the input side. The metadata holds the full configuration as JSON and
//! the current skip state.
//!
//! Loading trusts nothing: the file's size is bounded before it is read,
//! the header is parsed by the safetensors crate (which checks every offset),
//! and every name, dtype and shape is checked against the configuration
//! before a single weight is copied.

use std::collections::{BTreeSet, HashMap};
use std::io::Read;
use std::path::Path;

use ndarray::{Array1, Array2};
use safetensors::tensor::{Dtype, SafeTensors, TensorView};

use crate::files::{describe, write_atomically};
use crate::nn::config::{Config, MAX_DEPTH, MAX_WIDTH};
use crate::nn::mlp::{Dense, Mlp, SkipStyle, block_count};

/// The largest model gradscope can make is MAX_DEPTH layers of MAX_WIDTH^2
/// f32 weights; no valid file is larger than that plus a generous header.
pub const MAX_FILE_BYTES: u64 =
    (MAX_DEPTH as u64 + 2) * (MAX_WIDTH as u64 + 1) * MAX_WIDTH as u64 * 4 + (1 << 20);

/// A model file that could not be written or read, and why.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {problem}")]
pub struct ModelFileError {
    pub path: String,
    pub problem: String,
}

fn error(path: &Path, problem: impl Into<String>) -> ModelFileError {
    ModelFileError {
        path: path.display().to_string(),
        problem: problem.into(),
    }
}

fn weight_name(i: usize) -> String {
    format!("layers.{i}.weight")
}

fn bias_name(i: usize) -> String {
    format!("layers.{i}.bias")
}

fn bytes_of(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// The file's bytes for `mlp` trained under `config`.
pub fn to_bytes(mlp: &Mlp, config: &Config) -> Result<Vec<u8>, String> {
    let mut buffers: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::new();
    for (i, layer) in mlp.layers.iter().enumerate() {
        let weight = layer.weight.as_standard_layout();
        let weight = weight.as_slice().expect("standard layout");
        buffers.push((
            weight_name(i),
            vec![layer.fan_out(), layer.fan_in()],
            bytes_of(weight),
        ));
        let bias = layer.bias.to_vec();
        buffers.push((bias_name(i), vec![layer.fan_out()], bytes_of(&bias)));
    }
    let views = buffers
        .iter()
        .map(|(name, shape, data)| {
            TensorView::new(Dtype::F32, shape.clone(), data)
                .map(|view| (name.clone(), view))
                .map_err(|e| e.to_string())
        })
        .collect::<Result<Vec<_>, _>>()?;
    let skips = serde_json::to_string(mlp.skips()).map_err(|e| e.to_string())?;
    let metadata = HashMap::from([
        ("format".to_string(), "gradscope".to_string()),
        (
            "config".to_string(),
            serde_json::to_string(config).map_err(|e| e.to_string())?,
        ),
        ("skip_style".to_string(), mlp.style().name().to_string()),
        ("skips".to_string(), skips),
    ]);
    safetensors::serialize(views, Some(metadata)).map_err(|e| e.to_string())
}

/// Saves `mlp` and its configuration, atomically.
pub fn save(path: &Path, mlp: &Mlp, config: &Config) -> Result<(), ModelFileError> {
    let bytes = to_bytes(mlp, config).map_err(|e| error(path, e))?;
    write_atomically(path, &bytes).map_err(|e| {
        error(
            path,
            format!(
                "cannot write the model: {}",
                describe(&e, crate::lang::Lang::En)
            ),
        )
    })
}

/// Loads a model saved by `save` (or any file with the same names, shapes
/// and metadata).
pub fn load(path: &Path) -> Result<(Config, Mlp), ModelFileError> {
    let file = std::fs::File::open(path).map_err(|e| {
        error(
            path,
            format!(
                "cannot open the model: {}",
                describe(&e, crate::lang::Lang::En)
            ),
        )
    })?;
    let len = file
        .metadata()
        .map_err(|e| {
            error(
                path,
                format!(
                    "cannot read the model: {}",
                    describe(&e, crate::lang::Lang::En)
                ),
            )
        })?
        .len();
    if len > MAX_FILE_BYTES {
        return Err(error(
            path,
            format!(
                "the file is {len} bytes, larger than any gradscope model (at most {MAX_FILE_BYTES})"
            ),
        ));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            error(
                path,
                format!(
                    "cannot read the model: {}",
                    describe(&e, crate::lang::Lang::En)
                ),
            )
        })?;
    from_bytes(&bytes).map_err(|problem| error(path, problem))
}

/// Parses a model file's bytes; the error says what is wrong, in words.
pub fn from_bytes(bytes: &[u8]) -> Result<(Config, Mlp), String> {
    let (_, header) = SafeTensors::read_metadata(bytes)
        .map_err(|e| format!("not a valid safetensors file ({e})"))?;
    let tensors = SafeTensors::deserialize(bytes)
        .map_err(|e| format!("not a valid safetensors file ({e})"))?;
    let metadata = header
        .metadata()
        .as_ref()
        .ok_or("the file has no metadata: it was not saved by gradscope")?;
    let config_json = metadata
        .get("config")
        .ok_or("the metadata has no \"config\": the file was not saved by gradscope")?;
    let config = Config::from_json(config_json)
        .map_err(|e| format!("the stored configuration is invalid: {e}"))?;

    let depth = config.depth;
    let expected: BTreeSet<String> = (0..=depth)
        .flat_map(|i| [weight_name(i), bias_name(i)])
        .collect();
    let found: BTreeSet<String> = tensors.names().into_iter().map(str::to_string).collect();
    if let Some(missing) = expected.difference(&found).next() {
        return Err(format!(
            "tensor {missing} is missing (a depth-{depth} model has layers.0 to layers.{depth})"
        ));
    }
    if let Some(extra) = found.difference(&expected).next() {
        return Err(format!(
            "unexpected tensor {extra} (a depth-{depth} model has layers.0 to layers.{depth})"
        ));
    }

    let dims = crate::nn::mlp::Shape {
        inputs: Config::INPUTS,
        depth,
        width: config.width,
        outputs: config.outputs(),
    }
    .layer_dims();
    let mut layers = Vec::with_capacity(depth + 1);
    for (i, (fan_in, fan_out)) in dims.into_iter().enumerate() {
        let weight = read_tensor(&tensors, &weight_name(i), &[fan_out, fan_in])?;
        let bias = read_tensor(&tensors, &bias_name(i), &[fan_out])?;
        layers.push(Dense {
            weight: Array2::from_shape_vec((fan_out, fan_in), weight).map_err(|e| e.to_string())?,
            bias: Array1::from(bias),
        });
    }

    let style = match metadata.get("skip_style").map(String::as_str) {
        None | Some("identity") => SkipStyle::Identity,
        Some("slides") => SkipStyle::Slides,
        Some(other) => {
            return Err(format!(
                "skip_style \"{other}\" in the metadata: allowed are slides, identity"
            ));
        }
    };
    let blocks = block_count(depth);
    let skips: Vec<bool> = match metadata.get("skips") {
        Some(text) => {
            serde_json::from_str(text).map_err(|e| format!("skips in the metadata: {e}"))?
        }
        None => vec![config.skip != crate::nn::mlp::Skip::Off; blocks],
    };
    if skips.len() != blocks {
        return Err(format!(
            "skips in the metadata lists {} blocks; a depth-{depth} model has {blocks}",
            skips.len()
        ));
    }
    let mlp = Mlp::from_parts(layers, config.activation, style, skips);
    Ok((config, mlp))
}

fn read_tensor(tensors: &SafeTensors<'_>, name: &str, shape: &[usize]) -> Result<Vec<f32>, String> {
    let view = tensors
        .tensor(name)
        .map_err(|e| format!("tensor {name}: {e}"))?;
    if view.dtype() != Dtype::F32 {
        return Err(format!(
            "tensor {name} is {:?}; gradscope models are F32",
            view.dtype()
        ));
    }
    if view.shape() != shape {
        return Err(format!(
            "tensor {name} has shape {:?}; the configuration needs {shape:?}",
            view.shape()
        ));
    }
    // The crate checked that the data is exactly shape x 4 bytes.
    Ok(view
        .data()
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect())
}
