//! `gradscope landscape` end to end: its centre is the model's training
//! loss as `run` measured it, a grid point recomputed from the written
//! directions equals the CSV's, the directions have the model's shapes,
//! and mistakes end in one line.

mod common;
use common::{gradscope, ok};

use std::path::Path;

use gradscope::model_file;
use gradscope::nn::landscape::{Directions, loss_at_point};
use gradscope::nn::run::data_of;
use gradscope::nn::{Dense, Mlp};
use ndarray::{Array1, Array2};
use safetensors::SafeTensors;
use serde_json::Value;

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The directions file's tensors as layers shaped like `mlp`'s.
fn read_directions(path: &Path, mlp: &Mlp) -> Directions {
    let bytes = std::fs::read(path).unwrap();
    let tensors = SafeTensors::deserialize(&bytes).unwrap();
    let floats = |name: &str| -> Vec<f32> {
        let view = tensors.tensor(name).unwrap();
        view.data()
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect()
    };
    let direction = |prefix: &str| -> Vec<Dense> {
        mlp.layers
            .iter()
            .enumerate()
            .map(|(i, layer)| {
                let weight = tensors
                    .tensor(&format!("{prefix}.layers.{i}.weight"))
                    .unwrap();
                assert_eq!(weight.shape(), [layer.fan_out(), layer.fan_in()]);
                Dense {
                    weight: Array2::from_shape_vec(
                        layer.weight.dim(),
                        floats(&format!("{prefix}.layers.{i}.weight")),
                    )
                    .unwrap(),
                    bias: Array1::from(floats(&format!("{prefix}.layers.{i}.bias"))),
                }
            })
            .collect()
    };
    Directions {
        d1: direction("d1"),
        d2: direction("d2"),
    }
}

#[test]
fn the_landscape_of_a_trained_model_is_centred_on_its_loss() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    let out = dir.path().join("landscape");
    ok(&[
        "run",
        "--depth",
        "5",
        "--width",
        "8",
        "--steps",
        "40",
        "--size",
        "400x300",
        "--skip",
        "identity",
        "--out",
        run.to_str().unwrap(),
    ]);
    let said = ok(&[
        "landscape",
        "--model",
        run.join("model.safetensors").to_str().unwrap(),
        "--grid",
        "9",
        "--span",
        "0.5",
        "--size",
        "400x300",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(said.contains("9x9 grid"), "{said}");
    let summary = json(&out.join("landscape.json"));
    let trained = json(&run.join("summary.json"));
    // The centre is the model's own training loss, to the bit.
    assert_eq!(summary["loss_at_centre"], trained["final_train_loss"]);
    assert_eq!(summary["grid"], 9);
    assert!(summary["minimum"].as_f64() <= summary["loss_at_centre"].as_f64());
    for name in [
        "landscape.csv",
        "landscape.json",
        "landscape.png",
        "landscape.svg",
        "directions.safetensors",
    ] {
        assert!(out.join(name).is_file(), "{name}");
    }
    let csv = std::fs::read_to_string(out.join("landscape.csv")).unwrap();
    let rows: Vec<Vec<f64>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(|v| v.parse().unwrap()).collect())
        .collect();
    assert_eq!(rows.len(), 81);
    // A corner and an inner point, recomputed from the written directions.
    let gradscope::model_file::Model { config, mlp, .. } =
        model_file::load(&run.join("model.safetensors")).unwrap();
    let directions = read_directions(&out.join("directions.safetensors"), &mlp);
    let train = data_of(&config).train;
    for row in [&rows[0], &rows[30]] {
        let direct = loss_at_point(
            &mlp,
            &directions,
            &train,
            config.loss,
            row[0] as f32,
            row[1] as f32,
        );
        assert_eq!(direct, row[2], "at a = {}, b = {}", row[0], row[1]);
    }
    // The biases do not move.
    assert!(
        directions
            .d1
            .iter()
            .all(|d| d.bias.iter().all(|&v| v == 0.0))
    );
}

/// A model trained on a CSV table saw its features rescaled by the training
/// split's mean and deviation; `landscape --data` and `grads` rescale the
/// same rows alike (the model file stores the statistics), so the centre is
/// the loss of the rows as the network saw them, not of the raw numbers.
#[test]
fn a_table_models_rows_are_rescaled_as_in_training() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("far.csv");
    // Features far from 0 and on different scales: raw, they saturate tanh.
    let mut text = String::from("length,weight,class\n");
    for i in 0..90 {
        let class = i % 3;
        let wobble = ((i * 37) % 11) as f32 / 11.0;
        let length = 1000.0 + class as f32 * 4.0 + wobble * 3.0;
        let weight = -50.0 + (2 - class) as f32 * 0.2 + wobble * 0.3;
        text.push_str(&format!("{length},{weight},{class}\n"));
    }
    std::fs::write(&table, text).unwrap();
    let run = dir.path().join("run");
    ok(&[
        "run",
        "--data",
        table.to_str().unwrap(),
        "--depth",
        "2",
        "--width",
        "8",
        "--activation",
        "tanh",
        "--steps",
        "200",
        "--size",
        "400x300",
        "--out",
        run.to_str().unwrap(),
    ]);
    let model = model_file::load(&run.join("model.safetensors")).unwrap();
    let fitted = model
        .standardisation
        .clone()
        .expect("a table model stores its rescaling");
    assert_eq!(fitted.features(), 2);
    assert!(
        (999.0..1012.0).contains(&fitted.mean[0]),
        "{:?}",
        fitted.mean
    );

    let out = dir.path().join("out");
    let said = ok(&[
        "landscape",
        "--model",
        run.join("model.safetensors").to_str().unwrap(),
        "--data",
        table.to_str().unwrap(),
        "--grid",
        "3",
        "--span",
        "0.1",
        "--size",
        "400x300",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(said.contains("rescaled"), "{said}");
    let centre = json(&out.join("landscape.json"))["loss_at_centre"]
        .as_f64()
        .unwrap();

    // The same loss, computed here from the rows rescaled by hand.
    let rows: Vec<Vec<f32>> = std::fs::read_to_string(&table)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(|v| v.parse().unwrap()).collect())
        .collect();
    let raw = Array2::from_shape_fn((rows.len(), 2), |(i, j)| rows[i][j]);
    let split = |x: Array2<f32>| gradscope::nn::data::Split {
        x,
        y: rows.iter().map(|r| r[2] as usize).collect(),
    };
    let mut rescaled = raw.clone();
    fitted.apply(&mut rescaled);
    let directions = Directions::filter_normalised(&model.mlp, 1);
    let loss = |points| {
        loss_at_point(
            &model.mlp,
            &directions,
            &points,
            model.config.loss,
            0.0,
            0.0,
        )
    };
    assert_eq!(loss(split(rescaled)), centre);
    // Raw, the rows give another loss: the rescaling is what matters.
    assert!((loss(split(raw)) - centre).abs() > 1e-3 * centre);

    let grads: Value = serde_json::from_str(&ok(&[
        "grads",
        "--model",
        run.join("model.safetensors").to_str().unwrap(),
        "--data",
        table.to_str().unwrap(),
        "--json",
    ]))
    .unwrap();
    assert_eq!(grads["inputs_rescaled"], true);
    let grads_loss = grads["loss"].as_f64().unwrap();
    assert!(
        (grads_loss - centre).abs() <= 1e-6 * centre,
        "{grads_loss} vs {centre}"
    );
}

#[test]
fn landscape_mistakes_end_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    ok(&[
        "run",
        "--depth",
        "2",
        "--width",
        "4",
        "--steps",
        "2",
        "--size",
        "400x300",
        "--out",
        run.to_str().unwrap(),
    ]);
    let model = run.join("model.safetensors");
    let out = dir.path().join("out");
    for (args, needle) in [
        (vec!["--dataset", "digits"], "64 inputs and 10 classes"),
        (vec!["--grid", "1"], "--grid 1"),
        (vec!["--span", "-1"], "--span"),
        (vec!["--dataset", "csv"], "--data"),
    ] {
        let mut all = vec!["landscape", "--model", model.to_str().unwrap()];
        all.extend(&args);
        all.extend(["--out", out.to_str().unwrap()]);
        let result = gradscope(&all);
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert_eq!(result.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(!out.exists(), "{args:?} wrote files");
    }
    let missing = gradscope(&[
        "landscape",
        "--model",
        dir.path().join("none.safetensors").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(missing.status.code(), Some(2));
}
