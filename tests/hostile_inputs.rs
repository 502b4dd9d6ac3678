//! Hostile inputs, one test per class of fault (issue 15): CSV batches,
//! numeric flags, broken model files, and numbers that would otherwise be
//! silently wrong (seed plans, session values, a diverged run's summary).

mod common;
use common::gradscope;

use std::collections::HashMap;

use gradscope::batch_file::parse;
use gradscope::explain::Explain;
use gradscope::lang::Lang;
use gradscope::model_file::{from_bytes, to_bytes};
use gradscope::nn::{Config, Loss, Run};
use safetensors::tensor::{Dtype, TensorView};
use serde_json::Value;

/// Exit code 2 and one line on stderr that holds every needle.
fn refused(args: &[&str], needles: &[&str]) -> String {
    let out = gradscope(args);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "{args:?}: {stderr:?} lacks {needle:?}"
        );
    }
    stderr
}

#[test]
fn csv_batches_detect_the_header_and_name_line_and_column() {
    let rows = |text: &str| {
        parse(text, 2, 3, Loss::CrossEntropy)
            .map(|b| b.x.nrows())
            .map_err(|e| e.explain(Lang::En))
    };
    // No header: every row is an example.
    assert_eq!(rows("0.1,0.2,1\n0.3,0.4,2\n"), Ok(2));
    assert_eq!(rows("\u{feff}0.1,0.2,1\n0.3,0.4,2\n"), Ok(2));
    // A header, with a byte-order mark, CRLF or CR-only line ends, quotes.
    assert_eq!(rows("x,y,class\n0.1,0.2,1\n"), Ok(1));
    assert_eq!(
        rows("\u{feff}x,y,class\r\n0.1,0.2,1\r\n0.3,0.4,2\r\n"),
        Ok(2)
    );
    assert_eq!(rows("x,y,class\r0.1,0.2,1\r0.3,0.4,2\r"), Ok(2));
    assert_eq!(rows("\"x\",\"y\",\"class\"\n\"0.1\",0.2,1\n"), Ok(1));
    // Every defect names its line and column.
    let err = |text: &str| rows(text).unwrap_err();
    let e = err("x,y,class\n0.1,0.2,1\n0.1,0.2\n");
    assert!(e.contains("line 3") && e.contains("2 columns"), "{e}");
    let e = err("x,y,class\r\n0.1,0.2,1\r\n0.1,NaN,1\r\n");
    assert!(e.contains("line 3, column 2") && e.contains("NaN"), "{e}");
    let e = err("0.1,inf,1\n");
    assert!(e.contains("line 1, column 2") && e.contains("inf"), "{e}");
    let e = err("0.1,1e39,1\n");
    assert!(e.contains("line 1, column 2") && e.contains("1e39"), "{e}");
    let e = err("x,y,class\n0.1,0.2,1\n0.1,abc,1\n");
    assert!(
        e.contains("line 3, column 2") && e.contains("\"abc\""),
        "{e}"
    );
    let e = err("x,y,class\n0.1,0.2,7\n");
    assert!(
        e.contains("line 2, column 3") && e.contains("0 to 2"),
        "{e}"
    );
    assert!(err("").contains("empty"));
    assert!(err("\u{feff}\n\n").contains("empty"));
    assert!(err("x,y,class\r\n").contains("no examples after the header"));
    let e = err("x,y,\"class\n0.1,0.2,1\n");
    assert!(e.contains("line 1"), "{e}");
    // The whole chain through the binary.
    let dir = tempfile::tempdir().unwrap();
    let run = Run::new(Config {
        depth: 2,
        width: 4,
        ..Config::default()
    })
    .unwrap();
    let model = dir.path().join("m.safetensors");
    gradscope::model_file::save(&model, &run.mlp, run.config()).unwrap();
    let data = dir.path().join("d.csv");
    std::fs::write(&data, "0.1,0.2,1\r0.3,0.4,2\r").unwrap();
    let out = gradscope(&[
        "grads",
        "--model",
        model.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["examples"], 2);
}

#[test]
fn numeric_flags_name_the_flag_the_value_and_the_range() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    for (flag, value, range) in [
        ("--depth", "-1", "an integer from 1 to 256"),
        ("--width", "-5", "an integer from 1 to 1024"),
        (
            "--batch",
            "99999999999999999999999",
            "an integer from 1 to 8192",
        ),
        ("--steps", "-3", "an integer from 1 to 100000000"),
        ("--seed", "-1", "an integer from 0 to 18446744073709551615"),
        ("--histogram-layer", "-1", "an integer from 1 to 256"),
        ("--lr", "1e300", "a number greater than 0 and at most 10"),
        ("--lr", "1e-300", "a number greater than 0 and at most 10"),
        ("--lr", "-0.5", "a number greater than 0 and at most 10"),
        ("--init-gain", "nan", "a number from 0.001 to 100"),
        ("--noise", "inf", "a number from 0 to 1"),
        ("--clip", "x", "a positive number"),
    ] {
        refused(
            &["run", flag, value, "--out", out],
            &[&format!("{flag} {value} is not allowed: {range}")],
        );
    }
    let long = "1".repeat(301);
    let said = refused(
        &["run", "--lr", &long, "--out", out],
        &["--lr 1111", "301 characters", "at most 10"],
    );
    assert!(said.len() < 200, "{said}");
    refused(
        &["bench", "--depth", "-1"],
        &["--depth -1 is not allowed: an integer from 1 to 256"],
    );
    refused(&["bench", "--steps", "0"], &["--steps 0 is not allowed"]);
    refused(
        &["sweep", "--depths", "2,-4", "--out", out],
        &["--depths -4 is not allowed: an integer from 1 to 256"],
    );
    refused(
        &["sweep", "--depths", "2", "--seeds", "-2", "--out", out],
        &["--seeds -2 is not allowed: an integer from 1 to 100"],
    );
    refused(
        &["backprop-example", "--lr", "1e300"],
        &["--lr 1e300 is not allowed: a number greater than 0 and at most 100"],
    );
    refused(
        &["backprop-example", "--steps", "-1"],
        &["--steps -1 is not allowed"],
    );
    refused(
        &["--steps", "-1", "--screenshot", "x.png"],
        &["--steps -1 is not allowed"],
    );
}

type Tensors = Vec<(String, Dtype, Vec<usize>, Vec<u8>)>;

fn craft(tensors: &Tensors, config: &str) -> Vec<u8> {
    let views: Vec<(String, TensorView<'_>)> = tensors
        .iter()
        .map(|(n, d, s, b)| (n.clone(), TensorView::new(*d, s.clone(), b).unwrap()))
        .collect();
    let meta = HashMap::from([("config".to_string(), config.to_string())]);
    safetensors::serialize(views, Some(meta)).unwrap()
}

/// A file's header, edited as JSON, with the data left as it was.
fn edit_header(bytes: &[u8], edit: impl Fn(&mut serde_json::Map<String, Value>)) -> Vec<u8> {
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let mut header: serde_json::Map<String, Value> =
        serde_json::from_slice(&bytes[8..8 + n]).unwrap();
    edit(&mut header);
    let text = serde_json::to_vec(&header).unwrap();
    let mut out = (text.len() as u64).to_le_bytes().to_vec();
    out.extend(text);
    out.extend_from_slice(&bytes[8 + n..]);
    out
}

#[test]
fn broken_model_files_are_named_exactly() {
    let config = Config {
        depth: 4,
        width: 3,
        ..Config::default()
    };
    let run = Run::new(config.clone()).unwrap();
    let good = to_bytes(&run.mlp, &config).unwrap();
    let problem = |bytes: &[u8]| match from_bytes(bytes) {
        Ok(_) => panic!("a broken file was accepted"),
        Err(e) => e.explain(Lang::En),
    };
    // A tensor removed from the header (its bytes left in place).
    let e = problem(&edit_header(&good, |h| {
        h.remove("layers.3.bias");
    }));
    assert!(e.contains("tensor layers.3.bias is missing"), "{e}");
    assert!(!e.contains("layers.3.weight"), "{e}");
    // A truncated header, and a header length past the end.
    let e = problem(&good[..20]);
    assert!(e.contains("header") && e.contains("20"), "{e}");
    let e = problem(&good[..5]);
    assert!(e.contains("5 bytes"), "{e}");
    // Data cut short, or too long.
    let e = problem(&good[..good.len() - 4]);
    assert!(e.contains("data") && e.contains("4 bytes"), "{e}");
    // A dtype gradscope does not write, named from the header.
    let e = problem(&edit_header(&good, |h| {
        h["layers.2.weight"]["dtype"] = "I32".into();
    }));
    assert!(
        e.contains("layers.2.weight") && e.contains("I32") && e.contains("F32"),
        "{e}"
    );
    // An extra tensor.
    let config_json = serde_json::to_string(&config).unwrap();
    let mut tensors: Tensors = Vec::new();
    for (i, layer) in run.mlp.layers.iter().enumerate() {
        let bytes = |v: Vec<f32>| v.iter().flat_map(|f| f.to_le_bytes()).collect::<Vec<u8>>();
        let w = layer.weight.as_standard_layout().iter().copied().collect();
        tensors.push((
            format!("layers.{i}.weight"),
            Dtype::F32,
            vec![layer.weight.nrows(), layer.weight.ncols()],
            bytes(w),
        ));
        tensors.push((
            format!("layers.{i}.bias"),
            Dtype::F32,
            vec![layer.bias.len()],
            bytes(layer.bias.to_vec()),
        ));
    }
    assert!(from_bytes(&craft(&tensors, &config_json)).is_ok());
    let mut extra = tensors.clone();
    extra.push(("optimizer.state".into(), Dtype::F32, vec![1], vec![0; 4]));
    let e = problem(&craft(&extra, &config_json));
    assert!(e.contains("unexpected tensor optimizer.state"), "{e}");
    // NaN and infinite weights: named with their position.
    let mut nan = tensors.clone();
    nan[4].3[4..8].copy_from_slice(&f32::NAN.to_le_bytes());
    let e = problem(&craft(&nan, &config_json));
    assert!(
        e.contains("layers.2.weight") && e.contains("NaN") && e.contains("[0, 1]"),
        "{e}"
    );
    let mut inf = tensors.clone();
    inf[1].3[..4].copy_from_slice(&f32::INFINITY.to_le_bytes());
    let e = problem(&craft(&inf, &config_json));
    assert!(
        e.contains("layers.0.bias") && e.contains("inf") && e.contains("[0]"),
        "{e}"
    );
}

#[test]
fn numbers_that_would_be_silently_wrong_are_refused_or_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let out = out.to_str().unwrap();
    // A seed plan that would wrap round (or plan nothing).
    refused(
        &[
            "sweep",
            "--depths",
            "2",
            "--seed",
            "18446744073709551615",
            "--seeds",
            "3",
            "--out",
            out,
        ],
        &[
            "--seed 18446744073709551615",
            "from 0 to 18446744073709551613",
        ],
    );

    // A diverged ReLU run: no normal-looking final numbers.
    let run_dir = dir.path().join("relu");
    let done = gradscope(&[
        "run",
        "--activation",
        "relu",
        "--init-gain",
        "8",
        "--lr",
        "5",
        "--optimizer",
        "sgd",
        "--steps",
        "300",
        "--size",
        "400x300",
        "--out",
        run_dir.to_str().unwrap(),
    ]);
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let line = String::from_utf8_lossy(&done.stdout).to_string();
    assert!(
        line.contains("diverged at step") && line.contains("in layer"),
        "{line}"
    );
    assert!(
        !line.contains("final training loss 1") && !line.contains("accuracy 3"),
        "{line}"
    );
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(run_dir.join("summary.json")).unwrap())
            .unwrap();
    assert!(summary["diverged"]["step"].is_u64(), "{summary}");
    assert!(summary["final_train_loss"].is_null(), "{summary}");
    assert!(summary["final_test_accuracy"].is_null(), "{summary}");
    assert!(
        summary["note"].as_str().unwrap().contains("diverged"),
        "{summary}"
    );
    assert!(!run_dir.join("model.safetensors").exists());
    assert!(summary["final_model"].is_null(), "{summary}");
}

fn session() -> gradscope::session::Session {
    use gradscope::session::{RunState, Session};
    use gradscope::train::{History, Mode};
    let config = Config {
        depth: 3,
        width: 4,
        ..Config::default()
    };
    let mut run = Run::new(config.clone()).unwrap();
    let mut history = History::default();
    for _ in 0..5 {
        history.push(&run.step().clone());
    }
    history.push_eval(gradscope::train::trainer::evaluate(&run));
    let state = RunState {
        twin: None,
        mlp: run.mlp.clone(),
        steps: 5,
        history,
        moments: Some(run.moments()),
    };
    Session::new(Lang::En, "vanishing", Mode::Single, &config, &[state])
}

#[test]
fn session_values_out_of_range_are_refused_naming_run_and_field() {
    let good = session();
    good.restore().unwrap();
    type Spoil = fn(&mut gradscope::session::Session);
    let cases: [(Spoil, &str); 7] = [
        (
            |s| s.runs[0].evals[0].test_accuracy = Some(1e300),
            "test_accuracy",
        ),
        (
            |s| s.runs[0].evals[0].test_accuracy = Some(-0.1),
            "test_accuracy",
        ),
        (|s| s.runs[0].evals[0].train_loss = Some(-5.0), "train_loss"),
        (|s| s.runs[0].evals[0].test_loss = Some(-1e-3), "test_loss"),
        (
            |s| {
                s.runs[0].buckets[0].loss =
                    serde_json::from_str("[-5.0, -5.0, -5.0, 1, 0]").unwrap()
            },
            "loss",
        ),
        (
            |s| {
                s.runs[0].buckets[0].grad_norms[1] =
                    serde_json::from_str("[1.0, -1.0, 2.0, 1, 0]").unwrap()
            },
            "gradient norm",
        ),
        (
            |s| {
                s.runs[0].buckets[0].loss = serde_json::from_str("[100.0, 1.0, 2.0, 1, 0]").unwrap()
            },
            "loss",
        ),
    ];
    for (spoil, field) in cases {
        let mut s = session();
        spoil(&mut s);
        let e = s.restore().unwrap_err().explain(Lang::En);
        assert!(
            e.contains("run \"\"") && e.contains(field),
            "{e} (expected {field})"
        );
        assert!(s.restore().unwrap_err().explain(Lang::It) != e);
    }
}

#[test]
fn model_tensors_that_share_bytes_are_refused() {
    let config = Config {
        depth: 2,
        width: 3,
        ..Config::default()
    };
    let run = Run::new(config.clone()).unwrap();
    let good = to_bytes(&run.mlp, &config).unwrap();
    // The bias read from the weight's first bytes.
    let overlapping = edit_header(&good, |h| {
        let start = h["layers.0.weight"]["data_offsets"][0].clone();
        let end = start.as_u64().unwrap() + 12;
        h["layers.0.bias"]["data_offsets"] = serde_json::json!([start, end]);
    });
    match from_bytes(&overlapping) {
        Ok(_) => panic!("overlapping tensors were accepted"),
        Err(e) => assert!(e.explain(Lang::En).contains("does not follow"), "{e}"),
    }
}
