//! Model files: safetensors with torch.nn.Linear's names and layout, so
//! `safetensors.torch.load_file` gives PyTorch the same network:
//! `layers.{i}.weight` [out, in] and `layers.{i}.bias` [out], f32, i from 0
//! at the input side. The metadata holds the full configuration as JSON,
//! the current skip state, and the network's input width and outputs
//! (`inputs`, `outputs`; a model trained on the teacher's CSV table also
//! keeps the table's name and class names, `data` and `classes`, since its
//! configuration's JSON leaves the table out). A CSV model loads with a
//! table of that shape and no rows: enough for `grads`, not for training.
//!
//! Loading trusts nothing: the file's size is bounded before it is read;
//! the header is read here first, so a missing or extra tensor, a dtype or
//! a shape is named as such (the safetensors crate alone would blame the
//! offsets of a neighbour); the data's length is checked against the
//! header, then the crate checks every offset; and every weight must be
//! finite.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use ndarray::{Array1, Array2};
use safetensors::SafeTensorError;
use safetensors::tensor::{Dtype, SafeTensors, TensorView};

use crate::files::{FileKind, NotRegularFile, ReadError, read_limited, write_atomically};
use crate::nn::config::{Config, ConfigJsonError, MAX_DEPTH, MAX_WIDTH};
use crate::nn::data::Standardisation;
use crate::nn::landscape::Directions;
use crate::nn::mlp::{Dense, Mlp, Shape, ShapeError, Skip, SkipStyle, block_count};
use crate::nn::run::data_of;
use crate::nn::table::{MAX_INPUTS, MAX_TABLE_CLASSES};
use crate::nn::{Dataset, Table};

/// The largest model gradscope can make is MAX_DEPTH layers of MAX_WIDTH^2
/// f32 weights; no valid file is larger than that plus a generous header.
pub const MAX_FILE_BYTES: u64 =
    (MAX_DEPTH as u64 + 2) * (MAX_WIDTH as u64 + 1) * MAX_WIDTH as u64 * 4 + (1 << 20);

/// A model file that could not be written or read, and why.
#[derive(Debug, thiserror::Error)]
pub enum ModelFileError {
    #[error("{}: cannot open the model: it is {kind}, not a regular file", path.display())]
    NotAFile { path: PathBuf, kind: FileKind },
    #[error("{}: cannot read the model: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: the file is {bytes} bytes, larger than any gradscope model (at most {MAX_FILE_BYTES})", path.display())]
    TooLarge { path: PathBuf, bytes: u64 },
    #[error("{}: cannot write the model: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {source}", path.display())]
    Encode { path: PathBuf, source: EncodeError },
    #[error("{}: {problem}", path.display())]
    Invalid { path: PathBuf, problem: ModelError },
}

/// A network that could not be serialised (neither should ever happen).
#[derive(Debug, thiserror::Error)]
pub enum EncodeError {
    #[error(transparent)]
    Tensors(#[from] SafeTensorError),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

/// What is wrong with a model file's bytes.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("not a valid safetensors file ({0})")]
    NotSafetensors(SafeTensorError),
    #[error(
        "not a valid safetensors file: it is {bytes} bytes, shorter than the 8-byte header length that starts one"
    )]
    TooShort { bytes: usize },
    #[error(
        "not a valid safetensors file: the file is {bytes} bytes, but its header length says {claimed} bytes of header follow the first 8 (truncated?)"
    )]
    HeaderLength { bytes: usize, claimed: u64 },
    #[error("not a valid safetensors file: the header is not JSON ({0})")]
    Header(serde_json::Error),
    #[error("not a valid safetensors file: header entry {name}: {source}")]
    HeaderEntry {
        name: String,
        source: serde_json::Error,
    },
    #[error(
        "not a valid safetensors file: tensor {name}'s data at bytes {start} to {end} does not follow the previous tensor's, which ends at {previous_end}, or is not its shape's {bytes} bytes"
    )]
    Offsets {
        name: String,
        start: usize,
        end: usize,
        previous_end: usize,
        bytes: usize,
    },
    #[error("{}", data_size(*found, *expected))]
    DataSize { found: usize, expected: usize },
    #[error(
        "tensor {name} holds {value} at {index:?}: a gradscope model's weights are finite numbers"
    )]
    NotFinite {
        name: String,
        index: Vec<usize>,
        value: f32,
    },
    #[error("the file has no metadata: it was not saved by gradscope")]
    NoMetadata,
    #[error("the metadata has no \"config\": the file was not saved by gradscope")]
    NoConfig,
    #[error("the stored configuration is invalid: {0}")]
    Config(ConfigJsonError),
    #[error("tensor {name} is missing (a depth-{depth} model has layers.0 to layers.{depth})")]
    MissingTensor { name: String, depth: usize },
    #[error("unexpected tensor {name} (a depth-{depth} model has layers.0 to layers.{depth})")]
    UnexpectedTensor { name: String, depth: usize },
    #[error("tensor {name}: {source}")]
    Tensor {
        name: String,
        source: SafeTensorError,
    },
    #[error("tensor {name} is {dtype}; gradscope models are F32")]
    Dtype { name: String, dtype: String },
    /// Tensors or skips that do not fit the stored configuration.
    #[error(transparent)]
    Shape(#[from] ShapeError),
    #[error("skip_style \"{style}\" in the metadata: allowed are slides, identity")]
    SkipStyle { style: String },
    #[error("skips in the metadata: {0}")]
    Skips(serde_json::Error),
    /// A model of the `csv` data set whose metadata does not give the
    /// table's input width and classes.
    #[error(
        "the metadata does not give the input width (1 to {MAX_INPUTS}) and the classes (2 to {MAX_TABLE_CLASSES}) of the CSV table the model was trained on"
    )]
    TableShape,
    /// `input_mean` / `input_deviation` are not one finite number per input
    /// (deviations positive).
    #[error(
        "\"input_mean\" and \"input_deviation\" in the metadata must be lists of {inputs} finite numbers (deviations above 0), one per input"
    )]
    Standardisation { inputs: usize },
    /// The metadata's `inputs` or `outputs` disagree with the configuration.
    #[error("\"{name}\" in the metadata is \"{found}\"; the configuration has {expected}")]
    Width {
        name: &'static str,
        found: String,
        expected: usize,
    },
}

/// The data section's length against what the header's tensors need, in
/// English (`explain` has both languages).
fn data_size(found: usize, expected: usize) -> String {
    if found < expected {
        let short = expected - found;
        format!(
            "not a valid safetensors file: the data is {found} bytes, {short} bytes short of the {expected} its tensors need (truncated?)"
        )
    } else {
        let extra = found - expected;
        format!(
            "not a valid safetensors file: the data is {found} bytes, {extra} bytes more than the {expected} its tensors need"
        )
    }
}

/// One tensor as the header describes it.
#[derive(Debug, serde::Deserialize)]
struct Entry {
    dtype: String,
    shape: Vec<usize>,
    data_offsets: (usize, usize),
}

/// The header, read before the crate sees the file: the tensors by name,
/// the metadata, and the length of the data section.
struct Header {
    tensors: std::collections::BTreeMap<String, Entry>,
    metadata: Option<HashMap<String, String>>,
    data_bytes: usize,
}

fn read_header(bytes: &[u8]) -> Result<Header, ModelError> {
    let length: [u8; 8] = bytes
        .get(..8)
        .and_then(|b| b.try_into().ok())
        .ok_or(ModelError::TooShort { bytes: bytes.len() })?;
    let claimed = u64::from_le_bytes(length);
    let rest = &bytes[8..];
    let header_bytes = usize::try_from(claimed)
        .ok()
        .and_then(|n| rest.get(..n))
        .ok_or(ModelError::HeaderLength {
            bytes: bytes.len(),
            claimed,
        })?;
    let mut entries: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(header_bytes).map_err(ModelError::Header)?;
    let metadata = entries
        .remove("__metadata__")
        .map(serde_json::from_value)
        .transpose()
        .map_err(|source| ModelError::HeaderEntry {
            name: "__metadata__".into(),
            source,
        })?;
    let tensors = entries
        .into_iter()
        .map(|(name, value)| match serde_json::from_value(value) {
            Ok(entry) => Ok((name, entry)),
            Err(source) => Err(ModelError::HeaderEntry { name, source }),
        })
        .collect::<Result<_, _>>()?;
    Ok(Header {
        tensors,
        metadata,
        data_bytes: rest.len() - header_bytes.len(),
    })
}

/// Names, dtypes, shapes and the data's length, from the header alone.
fn check_header(header: &Header, shape: &Shape, depth: usize) -> Result<(), ModelError> {
    check_names(header.tensors.keys(), depth)?;
    for (name, entry) in &header.tensors {
        if entry.dtype != "F32" {
            return Err(ModelError::Dtype {
                name: name.clone(),
                dtype: entry.dtype.clone(),
            });
        }
    }
    let entry = |name: String| header.tensors.get(&name).map(|e| e.shape.clone());
    for i in 0..=depth {
        if let (Some(w), Some(b)) = (entry(weight_name(i)), entry(bias_name(i))) {
            shape.check_layer_fits(i, &w, &b)?;
        }
    }
    // Every tensor's bytes right after the previous one's, no overlap, no
    // gap (the names and shapes are checked, so the sizes are small).
    let mut by_offset: Vec<(&String, &Entry)> = header.tensors.iter().collect();
    by_offset.sort_by_key(|(_, e)| e.data_offsets);
    let mut expected = 0;
    for (name, entry) in by_offset {
        let (start, end) = entry.data_offsets;
        let bytes = entry.shape.iter().product::<usize>() * 4;
        if start != expected || end.checked_sub(start) != Some(bytes) {
            return Err(ModelError::Offsets {
                name: name.clone(),
                start,
                end,
                previous_end: expected,
                bytes,
            });
        }
        expected = end;
    }
    if header.data_bytes != expected {
        return Err(ModelError::DataSize {
            found: header.data_bytes,
            expected,
        });
    }
    Ok(())
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

/// A tensor to write: name, shape, little-endian f32 bytes.
type Buffer = (String, Vec<usize>, Vec<u8>);

/// Every layer's weight and bias, named `{prefix}layers.{i}.weight` and
/// `{prefix}layers.{i}.bias`, shaped [out, in] and [out].
fn layer_buffers(prefix: &str, layers: &[Dense]) -> Vec<Buffer> {
    let mut buffers = Vec::with_capacity(2 * layers.len());
    for (i, layer) in layers.iter().enumerate() {
        let weight = layer.weight.as_standard_layout();
        let weight: Vec<f32> = weight.iter().copied().collect();
        buffers.push((
            format!("{prefix}{}", weight_name(i)),
            vec![layer.fan_out(), layer.fan_in()],
            bytes_of(&weight),
        ));
        let bias = layer.bias.to_vec();
        buffers.push((
            format!("{prefix}{}", bias_name(i)),
            vec![layer.fan_out()],
            bytes_of(&bias),
        ));
    }
    buffers
}

fn serialize(
    buffers: &[Buffer],
    metadata: HashMap<String, String>,
) -> Result<Vec<u8>, EncodeError> {
    let views = buffers
        .iter()
        .map(|(name, shape, data)| {
            TensorView::new(Dtype::F32, shape.clone(), data).map(|view| (name.clone(), view))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(safetensors::serialize(views, Some(metadata))?)
}

/// A landscape's two directions, in the layout of the model's tensors:
/// `d1.layers.{i}.weight`, `d1.layers.{i}.bias`, `d2...`, so that another
/// framework can recompute the same slice.
pub fn directions_to_bytes(directions: &Directions) -> Result<Vec<u8>, EncodeError> {
    let mut buffers = layer_buffers("d1.", &directions.d1);
    buffers.extend(layer_buffers("d2.", &directions.d2));
    let metadata = HashMap::from([
        (
            "format".to_string(),
            "gradscope landscape directions".to_string(),
        ),
        (
            "normalisation".to_string(),
            "filter: each weight row scaled to the norm of the model's row; biases zero"
                .to_string(),
        ),
    ]);
    serialize(&buffers, metadata)
}

/// The file's bytes for `mlp` trained under `config`.
pub fn to_bytes(mlp: &Mlp, config: &Config) -> Result<Vec<u8>, EncodeError> {
    let buffers = layer_buffers("", &mlp.layers);
    let mut metadata = HashMap::from([
        ("format".to_string(), "gradscope".to_string()),
        ("config".to_string(), serde_json::to_string(config)?),
        ("skip_style".to_string(), mlp.style().name().to_string()),
        ("skips".to_string(), serde_json::to_string(mlp.skips())?),
        ("inputs".to_string(), config.inputs().to_string()),
        ("outputs".to_string(), config.outputs().to_string()),
    ]);
    if let (Dataset::Csv, Some(table)) = (config.dataset, config.table()) {
        metadata.insert("data".into(), table.name.clone());
        metadata.insert("classes".into(), serde_json::to_string(&table.class_names)?);
    }
    // The rescaling the network's inputs had in training (the same split
    // `run` makes from the configuration), so rows given later get it too.
    if let Some(fitted) = config
        .table()
        .filter(|t| t.rows() > 0)
        .and_then(|_| data_of(config).standardisation)
    {
        metadata.insert("input_mean".into(), serde_json::to_string(&fitted.mean)?);
        metadata.insert(
            "input_deviation".into(),
            serde_json::to_string(&fitted.deviation)?,
        );
    }
    serialize(&buffers, metadata)
}

/// A model file's contents.
#[derive(Clone, Debug)]
pub struct Model {
    /// The configuration it was trained under (a CSV model's with a table
    /// of the stored shape and no rows).
    pub config: Config,
    pub mlp: Mlp,
    /// How a table's features were rescaled in training; rows given to the
    /// model must be rescaled alike (`Model::prepare`).
    pub standardisation: Option<Standardisation>,
}

impl Model {
    /// Rescales rows in the data's own units as the network's inputs were
    /// in training (nothing for data sets that were not rescaled). True if
    /// it rescaled them.
    pub fn prepare(&self, x: &mut Array2<f32>) -> bool {
        match &self.standardisation {
            Some(fitted) if fitted.features() == x.ncols() => {
                fitted.apply(x);
                true
            }
            _ => false,
        }
    }
}

/// Saves `mlp` and its configuration, atomically.
pub fn save(path: &Path, mlp: &Mlp, config: &Config) -> Result<(), ModelFileError> {
    let path_buf = || path.to_path_buf();
    let bytes = to_bytes(mlp, config).map_err(|source| ModelFileError::Encode {
        path: path_buf(),
        source,
    })?;
    write_atomically(path, &bytes).map_err(|source| ModelFileError::Write {
        path: path_buf(),
        source,
    })
}

/// Loads a model saved by `save` (or any file with the same names, shapes
/// and metadata).
pub fn load(path: &Path) -> Result<Model, ModelFileError> {
    let path_buf = || path.to_path_buf();
    let content = read_limited(path, MAX_FILE_BYTES).map_err(|e| match e {
        ReadError::NotRegular(NotRegularFile { kind, .. }) => ModelFileError::NotAFile {
            path: path_buf(),
            kind,
        },
        ReadError::TooLarge { bytes, .. } => ModelFileError::TooLarge {
            path: path_buf(),
            bytes,
        },
        ReadError::Io(source) => ModelFileError::Read {
            path: path_buf(),
            source,
        },
    })?;
    from_bytes(&content).map_err(|problem| ModelFileError::Invalid {
        path: path_buf(),
        problem,
    })
}

/// Parses a model file's bytes.
pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
    let header = read_header(bytes)?;
    let metadata = header.metadata.as_ref().ok_or(ModelError::NoMetadata)?;
    let config = stored_config(metadata)?;
    let shape = config.shape();
    check_header(&header, &shape, config.depth)?;
    let tensors = SafeTensors::deserialize(bytes).map_err(ModelError::NotSafetensors)?;

    let layers = (0..=config.depth)
        .map(|i| read_layer(&tensors, i, &shape))
        .collect::<Result<Vec<_>, _>>()?;

    let style = match metadata.get("skip_style").map(String::as_str) {
        None | Some("identity") => SkipStyle::Identity,
        Some("slides") => SkipStyle::Slides,
        Some(other) => {
            return Err(ModelError::SkipStyle {
                style: other.to_string(),
            });
        }
    };
    let skips: Vec<bool> = match metadata.get("skips") {
        Some(text) => serde_json::from_str(text).map_err(ModelError::Skips)?,
        None => vec![config.skip != Skip::Off; block_count(config.depth)],
    };
    shape.check_skips_fit(&skips)?;
    let mlp = Mlp::from_parts(layers, config.activation, style, skips);
    let standardisation = stored_standardisation(metadata, config.inputs())?;
    Ok(Model {
        config,
        mlp,
        standardisation,
    })
}

/// The training split's rescaling of the inputs, if the file has one.
fn stored_standardisation(
    metadata: &HashMap<String, String>,
    inputs: usize,
) -> Result<Option<Standardisation>, ModelError> {
    let list = |name: &str| {
        metadata
            .get(name)
            .map(|text| serde_json::from_str::<Vec<f64>>(text).ok())
    };
    match (list("input_mean"), list("input_deviation")) {
        (None, None) => Ok(None),
        (Some(Some(mean)), Some(Some(deviation)))
            if mean.len() == inputs
                && deviation.len() == inputs
                && mean.iter().all(|m| m.is_finite())
                && deviation.iter().all(|d| d.is_finite() && *d > 0.0) =>
        {
            Ok(Some(Standardisation { mean, deviation }))
        }
        _ => Err(ModelError::Standardisation { inputs }),
    }
}

/// The configuration in the metadata, validated; a CSV model's with a
/// table of the stored shape (no rows); the stored widths checked.
fn stored_config(metadata: &HashMap<String, String>) -> Result<Config, ModelError> {
    let config_json = metadata.get("config").ok_or(ModelError::NoConfig)?;
    let mut config: Config = serde_json::from_str(config_json)
        .map_err(|e| ModelError::Config(ConfigJsonError::Json(e)))?;
    if config.dataset == Dataset::Csv {
        config.table = Some(std::sync::Arc::new(table_shape(metadata)?));
    }
    config
        .validate()
        .map_err(|e| ModelError::Config(ConfigJsonError::Invalid(e)))?;
    for (name, expected) in [("inputs", config.inputs()), ("outputs", config.outputs())] {
        if let Some(found) = metadata.get(name)
            && found.parse::<usize>().ok() != Some(expected)
        {
            return Err(ModelError::Width {
                name,
                found: found.clone(),
                expected,
            });
        }
    }
    Ok(config)
}

/// The shape of the CSV table a model was trained on: its input width,
/// name and classes, without rows.
fn table_shape(metadata: &HashMap<String, String>) -> Result<Table, ModelError> {
    let inputs = metadata
        .get("inputs")
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|n| (1..=MAX_INPUTS).contains(n))
        .ok_or(ModelError::TableShape)?;
    let class_names: Vec<String> = metadata
        .get("classes")
        .and_then(|text| serde_json::from_str(text).ok())
        .filter(|c: &Vec<String>| (2..=MAX_TABLE_CLASSES).contains(&c.len()))
        .ok_or(ModelError::TableShape)?;
    Ok(Table {
        name: metadata
            .get("data")
            .cloned()
            .unwrap_or_else(|| "csv".into()),
        inputs,
        feature_names: (1..=inputs).map(|i| format!("x{i}")).collect(),
        class_names,
        features: Vec::new(),
        labels: Vec::new(),
        image: None,
        standardise: true,
    })
}

/// Exactly the tensors of a depth-`depth` model, no more, no fewer.
fn check_names<'a>(
    names: impl Iterator<Item = &'a String>,
    depth: usize,
) -> Result<(), ModelError> {
    let expected: BTreeSet<String> = (0..=depth)
        .flat_map(|i| [weight_name(i), bias_name(i)])
        .collect();
    let found: BTreeSet<String> = names.cloned().collect();
    if let Some(missing) = expected.difference(&found).next() {
        return Err(ModelError::MissingTensor {
            name: missing.clone(),
            depth,
        });
    }
    if let Some(extra) = found.difference(&expected).next() {
        return Err(ModelError::UnexpectedTensor {
            name: extra.clone(),
            depth,
        });
    }
    Ok(())
}

/// Layer `i`, its names, dtypes and shapes checked before a single weight
/// is copied.
fn read_layer(tensors: &SafeTensors<'_>, i: usize, shape: &Shape) -> Result<Dense, ModelError> {
    let weight = f32_tensor(tensors, &weight_name(i))?;
    let bias = f32_tensor(tensors, &bias_name(i))?;
    shape.check_layer_fits(i, weight.shape(), bias.shape())?;
    let [rows, columns] = shape.layer(i).weight_dims();
    let weight = Array2::from_shape_vec((rows, columns), values(&weight, &weight_name(i))?)
        .map_err(|_| ShapeError::Weight {
            layer: i,
            found: weight.shape().to_vec(),
            expected: [rows, columns],
        })?;
    Ok(Dense {
        weight,
        bias: Array1::from(values(&bias, &bias_name(i))?),
    })
}

/// The tensor `name`, if it holds f32 values.
fn f32_tensor<'a>(tensors: &'a SafeTensors<'_>, name: &str) -> Result<TensorView<'a>, ModelError> {
    let view = tensors.tensor(name).map_err(|source| ModelError::Tensor {
        name: name.to_string(),
        source,
    })?;
    if view.dtype() == Dtype::F32 {
        Ok(view)
    } else {
        Err(ModelError::Dtype {
            name: name.to_string(),
            dtype: format!("{:?}", view.dtype()),
        })
    }
}

/// A tensor's values, all finite; the crate checked that its data is
/// exactly its shape's element count x 4 bytes.
fn values(view: &TensorView<'_>, name: &str) -> Result<Vec<f32>, ModelError> {
    let values: Vec<f32> = view
        .data()
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    match values.iter().position(|v| !v.is_finite()) {
        None => Ok(values),
        Some(at) => {
            // Row-major: the position's index along each dimension.
            let mut index = vec![0; view.shape().len()];
            let mut rest = at;
            for (slot, &dim) in index.iter_mut().zip(view.shape()).rev() {
                *slot = rest % dim.max(1);
                rest /= dim.max(1);
            }
            Err(ModelError::NotFinite {
                name: name.to_string(),
                index,
                value: values[at],
            })
        }
    }
}
