//! The command line end to end: the real binary, its output and exit codes.

mod common;
use common::gradscope;

use std::process::{Command, Output};

use gradscope::model_file;
use gradscope::nn::textbook::Textbook;
use gradscope::nn::{Config, Loss, Run, Targets, Workspace};
use serde_json::Value;

fn json_of(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON on stdout")
}

/// A user mistake: exit code 2, one line on stderr mentioning `needle`,
/// nothing that looks like a panic.
fn usage_error(args: &[&str], needle: &str) {
    let out = gradscope(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "{args:?}: not one line: {stderr}"
    );
    assert!(
        stderr.contains(needle),
        "{args:?}: {stderr:?} lacks {needle:?}"
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "{stderr}"
    );
}

#[test]
fn backprop_example_json() {
    let v = json_of(&gradscope(&["backprop-example", "--json"]));
    let f = &v["forward"];
    let tb = Textbook::default();
    let want = tb.forward();
    for (key, value) in [
        ("net_h1", want.net_h1),
        ("out_h1", want.out_h1),
        ("net_h2", want.net_h2),
        ("out_h2", want.out_h2),
        ("net_o1", want.net_o1),
        ("out_o1", want.out_o1),
        ("net_o2", want.net_o2),
        ("out_o2", want.out_o2),
        ("E_total", want.e_total),
    ] {
        // JSON carries shortest round-trip decimals; parsing may differ by an ulp.
        assert!(
            (f[key].as_f64().unwrap() - value).abs() <= 1e-15 * value.abs(),
            "{key}"
        );
    }
    assert!((v["gradients"]["w5"].as_f64().unwrap() - 0.082167041).abs() < 1e-9);
    assert!((v["updated"]["w5"].as_f64().unwrap() - 0.35891648).abs() < 1e-8);
    assert_eq!(v["updated"]["b1"].as_f64(), Some(0.35));
    let mut one = tb.clone();
    one.step(false);
    let close = |a: Option<f64>, b: f64| (a.unwrap() - b).abs() <= 1e-15 * b.abs();
    assert!(close(v["error_after"].as_f64(), one.forward().e_total));

    let v = json_of(&gradscope(&[
        "backprop-example",
        "--json",
        "--steps",
        "10000",
        "--update-biases",
        "--lr",
        "0.5",
    ]));
    let mut many = tb.clone();
    let errors = many.train(10000, true);
    assert!(close(v["error_after"].as_f64(), errors[9999]));
    assert_ne!(v["updated"]["b1"].as_f64(), Some(0.35));
}

#[test]
fn backprop_example_table() {
    let out = gradscope(&["backprop-example"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success());
    assert!(
        text.contains("0.298371109")
            && text.contains("0.082167041")
            && text.contains("0.358916480"),
        "{text}"
    );
    assert!(text.contains("dE/dout_o1 x dout_o1/dnet_o1 x dnet_o1/dw5"));
}

#[test]
fn grads_matches_the_library_for_both_losses() {
    let dir = tempfile::tempdir().unwrap();
    for loss in [Loss::CrossEntropy, Loss::Mse] {
        let config = Config {
            depth: 3,
            width: 5,
            loss,
            ..Config::default()
        };
        let run = Run::new(config.clone()).unwrap();
        let model = dir.path().join(format!("{}.safetensors", loss.name()));
        model_file::save(&model, &run.mlp, &config).unwrap();
        let rows: Vec<(f32, f32, usize)> = vec![(0.1, -0.2, 0), (0.5, 0.3, 2), (-0.7, 0.9, 1)];
        let mut csv = String::from(if loss == Loss::Mse {
            "x,y,t0,t1,t2\n"
        } else {
            "x,y,class\n"
        });
        for (a, b, c) in &rows {
            match loss {
                Loss::CrossEntropy => csv.push_str(&format!("{a},{b},{c}\n")),
                Loss::Mse => {
                    let t: Vec<String> = (0..3)
                        .map(|k| if k == *c { "1" } else { "0" }.to_string())
                        .collect();
                    csv.push_str(&format!("{a},{b},{}\n", t.join(",")));
                }
            }
        }
        let data = dir.path().join("batch.csv");
        std::fs::write(&data, csv).unwrap();
        let v = json_of(&gradscope(&[
            "grads",
            "--model",
            model.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
            "--json",
        ]));

        let x = ndarray::Array2::from_shape_fn(
            (3, 2),
            |(i, j)| if j == 0 { rows[i].0 } else { rows[i].1 },
        );
        let labels: Vec<usize> = rows.iter().map(|r| r.2).collect();
        let mut ws = Workspace::new(&run.mlp.shape(), 3);
        run.mlp.forward(x.view(), &mut ws);
        let want_loss =
            loss.value_and_grad(&ws.output, Targets::Classes(&labels), &mut ws.output_grad);
        let mut grads = run.mlp.zero_grads();
        run.mlp.backward(x.view(), &mut ws, &mut grads);
        assert!((v["loss"].as_f64().unwrap() - want_loss).abs() <= 1e-15 * want_loss.abs());
        let layers = v["layers"].as_array().unwrap();
        assert_eq!(layers.len(), 4);
        for (l, g) in layers.iter().zip(&grads) {
            let w = g.weight.iter().map(|v| f64::from(*v)).collect::<Vec<_>>();
            let got: Vec<f64> = l["weight"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|r| r.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()))
                .collect();
            assert_eq!(got.len(), w.len());
            for (a, b) in got.iter().zip(&w) {
                assert!((a - b).abs() <= 1e-7 * b.abs().max(1e-30), "{a} vs {b}");
            }
            assert!(l["grad_weight_norm"].as_f64().unwrap() >= 0.0);
        }
        let out = gradscope(&[
            "grads",
            "--model",
            model.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
        ]);
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("||dL/dW||") && text.contains("layers.3.weight.grad"),
            "{text}"
        );
    }
}

#[test]
fn bench_reports_steps_per_second() {
    let v = json_of(&gradscope(&[
        "bench",
        "--depth",
        "3",
        "--width",
        "8",
        "--batch",
        "16",
        "--steps",
        "20",
        "--activation",
        "tanh",
        "--json",
    ]));
    assert!(v["steps_per_second"].as_f64().unwrap() > 0.0);
    assert_eq!(v["activation"], "tanh");
    assert_eq!(v["depth"], 3);
}

#[test]
fn user_mistakes_end_in_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.safetensors");
    let missing = missing.to_str().unwrap();
    usage_error(&["bench", "--depth", "0"], "--depth");
    usage_error(&["bench", "--width", "5000"], "1024");
    usage_error(
        &["bench", "--activation", "softmax"],
        "sigmoid, tanh, relu, leaky-relu",
    );
    usage_error(&["bench", "--steps", "0"], "--steps");
    usage_error(&["bench", "--batch", "many"], "--batch");
    usage_error(&["backprop-example", "--lr", "-1"], "--lr");
    usage_error(&["backprop-example", "--lr", "nan"], "--lr");
    usage_error(&["backprop-example", "--steps", "0"], "--steps");
    usage_error(
        &["grads", "--model", missing, "--data", "x.csv"],
        "missing.safetensors",
    );
    usage_error(&["grads", "--data", "x.csv"], "--model");
    usage_error(&["frobnicate"], "frobnicate");

    // A real model with a bad CSV: the line and column are named.
    let run = Run::new(Config::default()).unwrap();
    let model = dir.path().join("m.safetensors");
    model_file::save(&model, &run.mlp, run.config()).unwrap();
    let csv = dir.path().join("bad.csv");
    std::fs::write(&csv, "x,y,class\n0.1,0.2,0\n0.3,abc,1\n").unwrap();
    usage_error(
        &[
            "grads",
            "--model",
            model.to_str().unwrap(),
            "--data",
            csv.to_str().unwrap(),
        ],
        "line 3, column 2",
    );
    std::fs::write(&csv, "x,y,class\n0.1,0.2,7\n").unwrap();
    usage_error(
        &[
            "grads",
            "--model",
            model.to_str().unwrap(),
            "--data",
            csv.to_str().unwrap(),
        ],
        "0 to 2",
    );
    // A file that is not a model.
    usage_error(
        &[
            "grads",
            "--model",
            csv.to_str().unwrap(),
            "--data",
            csv.to_str().unwrap(),
        ],
        "safetensors",
    );
}

#[test]
fn help_exits_zero() {
    let out = gradscope(&["--help"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("backprop-example") && text.contains("grads") && text.contains("bench"));
}

/// Runs gradscope with its standard output going to `stdout`.
#[cfg(target_os = "linux")]
fn gradscope_into(args: &[&str], stdout: std::process::Stdio) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gradscope"))
        .args(args)
        .stdout(stdout)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("the binary runs")
}

/// A reader that went away (`gradscope ... | head -1`) ends the command
/// quietly with exit 0, as Unix tools do; a full disk is one line and
/// exit 2. Never a panic.
#[cfg(target_os = "linux")]
#[test]
fn standard_output_errors_end_in_one_clear_way() {
    let cases: [&[&str]; 4] = [
        &["backprop-example", "--json"],
        &["backprop-example"],
        &["lessons"],
        &["--help"],
    ];
    for args in cases {
        // A pipe whose reading end is closed before gradscope writes.
        let (reader, writer) = std::io::pipe().expect("a pipe");
        drop(reader);
        let out = gradscope_into(args, writer.into());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?} | closed: {stderr}");
        assert!(stderr.is_empty(), "{args:?} | closed: {stderr}");

        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let out = gradscope_into(args, full.into());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?} > /dev/full: {stderr}");
        assert_eq!(
            stderr.trim_end(),
            "gradscope: cannot write to standard output: the disk is full",
            "{args:?}"
        );
    }
}
