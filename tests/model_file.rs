//! Model files: round trips, PyTorch's layout, and hostile files rejected.

use std::collections::HashMap;

use gradscope::explain::Explain;

use gradscope::lang::Lang;
use gradscope::model_file::{self, from_bytes, to_bytes};
use gradscope::nn::{Config, Run, Skip};
use safetensors::tensor::{Dtype, TensorView};

fn trained() -> Run {
    let mut run = Run::new(Config {
        depth: 5,
        width: 7,
        skip: Skip::Slides,
        ..Config::default()
    })
    .unwrap();
    run.set_skip(1, false);
    for _ in 0..5 {
        run.step();
    }
    run
}

#[test]
fn save_then_load_gives_identical_outputs() {
    let run = trained();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.safetensors");
    model_file::save(&path, &run.mlp, &run.current_config()).unwrap();
    let gradscope::model_file::Model { config, mlp, .. } = model_file::load(&path).unwrap();
    assert_eq!(config, run.current_config());
    assert_eq!(mlp, run.mlp);
    let x = run.data.test.x.view();
    assert_eq!(mlp.predict(x), run.mlp.predict(x));
}

#[test]
fn layout_is_torch_nn_linear() {
    let run = trained();
    let bytes = to_bytes(&run.mlp, run.config()).unwrap();
    let tensors = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let mut names = tensors.names();
    names.sort();
    assert_eq!(names.len(), 12);
    let w0 = tensors.tensor("layers.0.weight").unwrap();
    assert_eq!((w0.dtype(), w0.shape()), (Dtype::F32, &[7usize, 2][..]));
    let first = f32::from_le_bytes(w0.data()[4..8].try_into().unwrap());
    assert_eq!(
        first,
        run.mlp.layers[0].weight[[0, 1]],
        "row-major [out, in]"
    );
    let out = tensors.tensor("layers.5.weight").unwrap();
    assert_eq!(out.shape(), &[3, 7]);
    assert_eq!(tensors.tensor("layers.5.bias").unwrap().shape(), &[3]);
}

/// Serialises named tensors with the given metadata (a hand-made file).
type Tensors = Vec<(String, Dtype, Vec<usize>, Vec<u8>)>;

fn craft(tensors: &Tensors, metadata: Option<HashMap<String, String>>) -> Vec<u8> {
    let views: Vec<(String, TensorView<'_>)> = tensors
        .iter()
        .map(|(n, d, s, b)| (n.clone(), TensorView::new(*d, s.clone(), b).unwrap()))
        .collect();
    safetensors::serialize(views, metadata).unwrap()
}

fn rejected(bytes: &[u8], needle: &str) {
    match from_bytes(bytes) {
        Ok(_) => panic!("accepted a bad file (expected an error about {needle})"),
        Err(e) => assert!(
            e.explain(Lang::En).contains(needle),
            "error {e:?} does not mention {needle:?}"
        ),
    }
}

#[test]
fn bad_files_are_rejected_with_a_reason() {
    let run = trained();
    let good = to_bytes(&run.mlp, run.config()).unwrap();
    let config = serde_json::to_string(run.config()).unwrap();
    let meta = |config: &str| Some(HashMap::from([("config".to_string(), config.to_string())]));

    // Truncated anywhere: in the length, the header or the data.
    for cut in [0, 4, 8, 20, good.len() / 2, good.len() - 1] {
        rejected(&good[..cut], "safetensors");
    }
    // Extra bytes after the data.
    let mut long = good.clone();
    long.extend_from_slice(&[0; 16]);
    rejected(&long, "safetensors");
    // A header length far beyond the file (an allocation bomb).
    let mut bomb = good.clone();
    bomb[..8].copy_from_slice(&u64::MAX.to_le_bytes());
    rejected(&bomb, "safetensors");
    bomb[..8].copy_from_slice(&(1u64 << 40).to_le_bytes());
    rejected(&bomb, "safetensors");
    // Not a model at all.
    rejected(b"PK\x03\x04 this is a zip file", "safetensors");

    // Valid safetensors, wrong content.
    let f32s = |n: usize| vec![0u8; 4 * n];
    let tensors_for = |depth: usize| {
        let mut t: Tensors = Vec::new();
        for i in 0..=depth {
            let fan_in = if i == 0 { 2 } else { 7 };
            let fan_out = if i == depth { 3 } else { 7 };
            t.push((
                format!("layers.{i}.weight"),
                Dtype::F32,
                vec![fan_out, fan_in],
                f32s(fan_in * fan_out),
            ));
            t.push((
                format!("layers.{i}.bias"),
                Dtype::F32,
                vec![fan_out],
                f32s(fan_out),
            ));
        }
        t
    };
    let good_tensors = tensors_for(5);
    assert!(from_bytes(&craft(&good_tensors, meta(&config))).is_ok());

    rejected(&craft(&good_tensors, None), "metadata");
    rejected(
        &craft(
            &good_tensors,
            Some(HashMap::from([("format".into(), "pt".into())])),
        ),
        "config",
    );
    // Mislabelled: a renamed tensor.
    let mut renamed = good_tensors.clone();
    renamed[3].0 = "layers.1.beta".into();
    rejected(&craft(&renamed, meta(&config)), "layers.1.bias");
    // An extra tensor.
    let mut extra = good_tensors.clone();
    extra.push(("layers.9.weight".into(), Dtype::F32, vec![1, 1], f32s(1)));
    rejected(&craft(&extra, meta(&config)), "layers.9.weight");
    // Wrong dtype.
    let mut doubles = good_tensors.clone();
    doubles[0] = (
        "layers.0.weight".into(),
        Dtype::F64,
        vec![7, 2],
        vec![0u8; 8 * 14],
    );
    rejected(&craft(&doubles, meta(&config)), "F32");
    // Wrong shape (transposed, as a framework with [in, out] would save it).
    let mut transposed = good_tensors.clone();
    transposed[0].2 = vec![2, 7];
    rejected(&craft(&transposed, meta(&config)), "shape");
    // A configuration that claims a huge network is refused before any
    // allocation by its validation.
    let huge = config.replace("\"depth\":5", "\"depth\":1000000000");
    assert_ne!(huge, config);
    rejected(&craft(&good_tensors, meta(&huge)), "depth");
    // A configuration that disagrees with the tensors.
    let deeper = config.replace("\"depth\":5", "\"depth\":6");
    rejected(&craft(&good_tensors, meta(&deeper)), "missing");
}

#[test]
fn load_reports_missing_and_oversized_files() {
    let dir = tempfile::tempdir().unwrap();
    let err = model_file::load(&dir.path().join("nope.safetensors"))
        .unwrap_err()
        .explain(Lang::En);
    assert!(err.contains("nope.safetensors") && err.contains("no such file"));
    let err = model_file::load(dir.path()).unwrap_err().explain(Lang::En);
    assert!(err.contains("cannot"), "{err}");
    // A sparse file larger than any model is refused without being read.
    let big = dir.path().join("big.safetensors");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(model_file::MAX_FILE_BYTES + 1).unwrap();
    let err = model_file::load(&big).unwrap_err().explain(Lang::En);
    assert!(err.contains("larger than any gradscope model"), "{err}");
}

/// A model on the digits has 64 inputs and 10 outputs, and says so in its
/// metadata; it loads back to the same network.
#[test]
fn a_digits_model_of_64_inputs_round_trips() {
    let mut run = Run::new(Config {
        depth: 2,
        width: 16,
        dataset: gradscope::nn::Dataset::Digits,
        ..Config::default()
    })
    .unwrap();
    run.step();
    let bytes = to_bytes(&run.mlp, &run.current_config()).unwrap();
    let gradscope::model_file::Model { config, mlp, .. } = from_bytes(&bytes).unwrap();
    assert_eq!((config.inputs(), config.outputs()), (64, 10));
    assert_eq!(mlp, run.mlp);
    assert_eq!(mlp.layers[0].weight.dim(), (16, 64));
    let (_, metadata) = safetensors::SafeTensors::read_metadata(&bytes).unwrap();
    let metadata = metadata.metadata().clone().unwrap();
    assert_eq!(metadata["inputs"], "64");
    assert_eq!(metadata["outputs"], "10");
    let x = run.data.test.x.view();
    assert_eq!(mlp.predict(x), run.mlp.predict(x));
}

/// A model on a CSV table carries the table's width and classes (not its
/// rows): it loads without the file, and a metadata that disagrees with
/// the weights is refused.
#[test]
fn a_csv_model_carries_its_width_and_classes() {
    use gradscope::table_file::{LabelColumn, parse};
    let text: String = (0..40)
        .map(|i| format!("{},{},{},{}\n", i, i % 7, i % 3, ["ant", "bee"][i % 2]))
        .collect();
    let table = parse(&text, "bugs.csv", &LabelColumn::Last).unwrap();
    let run = Run::new(Config {
        depth: 2,
        width: 6,
        dataset: gradscope::nn::Dataset::Csv,
        table: Some(std::sync::Arc::new(table)),
        ..Config::default()
    })
    .unwrap();
    let bytes = to_bytes(&run.mlp, run.config()).unwrap();
    let gradscope::model_file::Model { config, mlp, .. } = from_bytes(&bytes).unwrap();
    assert_eq!(mlp, run.mlp);
    assert_eq!((config.inputs(), config.outputs()), (3, 2));
    let shape = config.table().unwrap();
    assert_eq!(shape.class_names, ["ant", "bee"]);
    assert_eq!(shape.name, "bugs.csv");
    assert_eq!(shape.rows(), 0, "the shape, not the rows");
    // The training split's rescaling, as `run` made it.
    let fitted = from_bytes(&bytes).unwrap().standardisation.unwrap();
    let data = gradscope::nn::run::data_of(run.config());
    assert_eq!(data.standardisation.as_ref(), Some(&fitted));
    assert_eq!(fitted.features(), 3);

    // The metadata's width against the weights'.
    let (_, header) = safetensors::SafeTensors::read_metadata(&bytes).unwrap();
    let mut metadata = header.metadata().clone().unwrap();
    let tensors = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let views: Vec<(String, TensorView<'_>)> = tensors.tensors();
    for (key, value, needle) in [
        ("inputs", "5", "shape"),
        ("inputs", "many", "input width"),
        ("classes", "[\"one\"]", "classes"),
        ("input_mean", "[1.0, 2.0]", "input_mean"),
        ("input_deviation", "[1.0, 0.0, 2.0]", "input_deviation"),
        ("input_deviation", "nope", "input_deviation"),
    ] {
        let kept = metadata.insert(key.into(), value.into()).unwrap();
        let spoiled = safetensors::serialize(views.clone(), Some(metadata.clone())).unwrap();
        let err = from_bytes(&spoiled).unwrap_err();
        let en = err.explain(Lang::En);
        assert!(en.contains(needle), "{key}={value}: {en}");
        metadata.insert(key.into(), kept);
    }
    metadata.remove("classes");
    let spoiled = safetensors::serialize(views, Some(metadata)).unwrap();
    let err = from_bytes(&spoiled).unwrap_err();
    assert!(err.explain(Lang::It).contains("tabella CSV"));
}
