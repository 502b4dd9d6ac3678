//! `gradscope lessons`, `run` and `sweep` end to end on tiny runs: the
//! files they write decode, and mistakes end in one clear line.

mod common;
use common::{gradscope, ok};

use std::path::Path;

use serde_json::Value;

fn usage_error(args: &[&str], needle: &str) {
    let out = gradscope(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
    assert!(
        stderr.contains(needle),
        "{args:?}: {stderr:?} lacks {needle:?}"
    );
    assert!(!stderr.contains("panicked"));
}

fn png_size(path: &Path) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let reader = decoder.read_info().unwrap();
    let info = reader.info();
    (info.width, info.height)
}

fn svg_is_well_formed(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap();
    roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn csv_rows(path: &Path) -> usize {
    std::fs::read_to_string(path).unwrap().lines().count()
}

#[test]
fn lessons_are_listed_in_both_languages() {
    let en = ok(&["lessons"]);
    for id in [
        "vanishing",
        "residual-rescue",
        "exploding",
        "relu-init",
        "degradation",
        "identity-blocks",
    ] {
        assert!(en.contains(id), "{en}");
    }
    let it = ok(&["lessons", "--lang", "it"]);
    assert!(it.contains("Le connessioni residuali salvano"), "{it}");
}

#[test]
fn run_writes_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("nested/run");
    let out_s = out.to_str().unwrap();
    ok(&[
        "run",
        "--lesson",
        "vanishing",
        "--depth",
        "4",
        "--steps",
        "30",
        "--size",
        "800x500",
        "--lang",
        "it",
        "--out",
        out_s,
    ]);
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["steps_run"], 30);
    assert_eq!(summary["config"]["depth"], 4);
    assert_eq!(summary["config"]["activation"], "sigmoid");
    assert!(summary["diverged"].is_null());
    for key in [
        "final_train_loss",
        "final_test_loss",
        "final_test_accuracy",
        "steps_per_second",
    ] {
        assert!(summary[key].as_f64().is_some_and(f64::is_finite), "{key}");
    }
    let layers = summary["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 5);
    assert!(layers[0]["grad_norm_initial"].as_f64().unwrap() > 0.0);
    assert!(layers[4]["grad_norm_final"].as_f64().unwrap() > 0.0);
    assert_eq!(
        csv_rows(&out.join("metrics.csv")),
        31,
        "header and one row per step"
    );
    for file in ["model.safetensors", "model_initial.safetensors"] {
        gradscope::model_file::load(&out.join(file)).unwrap();
    }
    for figure in [
        "loss",
        "gradients",
        "gradients_initial",
        "gradient_heatmap",
        "activation",
    ] {
        assert_eq!(
            png_size(&out.join(format!("{figure}.png"))),
            (800, 500),
            "{figure}"
        );
        svg_is_well_formed(&out.join(format!("{figure}.svg")));
        assert!(csv_rows(&out.join(format!("{figure}.csv"))) > 1, "{figure}");
    }
    // Italian labels in the exported figures.
    let svg = std::fs::read_to_string(out.join("gradients.svg")).unwrap();
    assert!(svg.contains("Grandezza del gradiente per livello"));
    // No temporary files left behind.
    assert!(
        std::fs::read_dir(&out).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with(".tmp"))
    );
}

/// `run` writes the update ratio and the gradient highway (figures and
/// summary), and their numbers are those of a run stepped the same way.
#[test]
fn run_writes_the_highway_and_the_update_ratios() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    ok(&[
        "run",
        "--lesson",
        "residual-rescue",
        "--depth",
        "6",
        "--steps",
        "7",
        "--size",
        "640x400",
        "--out",
        out.to_str().unwrap(),
    ]);
    for figure in ["update_ratio", "gradient_highway"] {
        assert_eq!(png_size(&out.join(format!("{figure}.png"))), (640, 400));
        svg_is_well_formed(&out.join(format!("{figure}.svg")));
        assert!(csv_rows(&out.join(format!("{figure}.csv"))) > 1, "{figure}");
    }
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let config: gradscope::nn::Config = serde_json::from_value(summary["config"].clone()).unwrap();
    let mut run = gradscope::nn::Run::new(config).unwrap();
    for _ in 0..7 {
        run.step();
    }
    let last = run.last_stats();
    let highway = summary["highway"].as_array().unwrap();
    assert_eq!(highway.len(), last.blocks.len());
    assert_eq!(highway.len(), 2, "depth 6: two blocks");
    for (saved, block) in highway.iter().zip(&last.blocks) {
        assert_eq!(saved["skip"].as_f64().unwrap() as f32, block.skip);
        assert_eq!(saved["branch"].as_f64().unwrap() as f32, block.branch);
        assert!(block.skip > 0.0 && block.branch > 0.0);
    }
    // metrics.csv: the last row's update ratios are the last step's.
    let metrics = std::fs::read_to_string(out.join("metrics.csv")).unwrap();
    let header: Vec<&str> = metrics.lines().next().unwrap().split(',').collect();
    let last_row: Vec<&str> = metrics.lines().last().unwrap().split(',').collect();
    let column = header
        .iter()
        .position(|&c| c == "update_ratio_layer_0")
        .unwrap();
    let cell: f32 = last_row[column].parse().unwrap();
    assert!((cell - last.layers[0].update_ratio).abs() <= 1e-6 * cell);
    let layers = summary["layers"].as_array().unwrap();
    for (saved, layer) in layers.iter().zip(&last.layers) {
        let ratio = saved["update_ratio_final"].as_f64().unwrap() as f32;
        assert_eq!(ratio, layer.update_ratio);
        assert!(ratio > 0.0);
    }
}

#[test]
fn a_diverging_run_reports_step_layer_and_phase() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    ok(&[
        "run",
        "--lesson",
        "exploding",
        "--steps",
        "200",
        "--size",
        "400x300",
        "--out",
        out,
    ]);
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("summary.json")).unwrap())
            .unwrap();
    let diverged = &summary["diverged"];
    assert!(diverged["step"].as_u64().unwrap() < 120);
    assert!(diverged["layer"].as_u64().unwrap() <= 12);
    assert!(["forward", "backward"].contains(&diverged["phase"].as_str().unwrap()));
    assert!(summary["steps_run"].as_u64().unwrap() < 200);
}

#[test]
fn sweep_writes_records_and_the_figure() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let text = ok(&[
        "sweep",
        "--depths",
        "2,4",
        "--skip",
        "off,identity",
        "--seeds",
        "2",
        "--steps",
        "20",
        "--activation",
        "tanh",
        "--size",
        "400x300",
        "--out",
        out,
    ]);
    assert!(text.contains("8 networks"), "{text}");
    let sweep: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("sweep.json")).unwrap())
            .unwrap();
    let records = sweep["records"].as_array().unwrap();
    assert_eq!(records.len(), 8);
    for r in records {
        assert!(r["final_train_loss"].as_f64().is_some() && r.get("diverged").is_some());
    }
    assert_eq!(png_size(&dir.path().join("depth_sweep.png")), (400, 300));
    svg_is_well_formed(&dir.path().join("depth_sweep.svg"));
}

#[test]
fn run_mistakes_end_in_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let under_file = file.join("sub");
    usage_error(&["run", "--lesson", "nope", "--out", out], "vanishing");
    usage_error(&["run", "--out", file.to_str().unwrap()], "a-file");
    usage_error(&["run", "--out", under_file.to_str().unwrap()], "a-file");
    usage_error(&["run", "--depth", "0", "--out", out], "--depth");
    usage_error(&["run", "--lr", "0", "--out", out], "--lr");
    usage_error(&["run", "--clip", "-1", "--out", out], "--clip");
    usage_error(&["run", "--size", "10x10", "--out", out], "200 to 8000");
    usage_error(
        &["run", "--histogram-layer", "99", "--out", out],
        "from 1 to 8",
    );
    usage_error(
        &["run", "--skip", "sideways", "--out", out],
        "off, slides, identity",
    );
    usage_error(&["run", "--steps", "10"], "--out");
    usage_error(&["sweep", "--depths", "2,x", "--out", out], "--depths");
    usage_error(&["sweep", "--out", out], "--depths");
}

/// `run --data` trains on the teacher's CSV file (words for labels, the
/// label column by name) and records the file in the summary; `grads`
/// then reads a batch for the model it saved; the data flags' mistakes end
/// in one line.
#[test]
fn run_trains_on_a_csv_file_and_grads_reads_its_model() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("iris.csv");
    let species = ["setosa", "versicolor", "virginica"];
    let mut text = String::from("species,sepal_length,petal_length\r\n");
    for i in 0..60 {
        let s = i % 3;
        text.push_str(&format!(
            "{},{:.1},{:.1}\r\n",
            species[s],
            5.0 + s as f32 + 0.1 * (i % 4) as f32,
            1.5 + 2.0 * s as f32
        ));
    }
    std::fs::write(&csv, &text).unwrap();
    let (csv_s, out) = (csv.to_str().unwrap(), dir.path().join("run"));
    let said = ok(&[
        "run",
        "--data",
        csv_s,
        "--label-column",
        "species",
        "--depth",
        "2",
        "--width",
        "8",
        "--lr",
        "0.01",
        "--steps",
        "200",
        "--size",
        "400x300",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(said.contains("200 steps"), "{said}");
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["config"]["dataset"], "csv");
    assert_eq!(summary["data"]["name"], "iris.csv");
    assert_eq!(summary["data"]["rows"], 60);
    assert_eq!(summary["data"]["inputs"], 2);
    assert_eq!(summary["data"]["classes"][1], "versicolor");
    assert!(summary["final_test_accuracy"].as_f64().unwrap() > 0.5);

    // grads on the model it wrote: two features, then the class's index
    // or its name; no header this time (a name is not a header).
    let batch = dir.path().join("batch.csv");
    std::fs::write(&batch, "5.0,1.5,setosa\n7.1,5.5,2\n").unwrap();
    let model = out.join("model.safetensors");
    let grads = ok(&[
        "grads",
        "--model",
        model.to_str().unwrap(),
        "--data",
        batch.to_str().unwrap(),
    ]);
    assert!(grads.contains("2 examples"), "{grads}");

    let out_s = dir.path().join("other");
    let out_s = out_s.to_str().unwrap();
    usage_error(
        &["run", "--dataset", "csv", "--out", out_s],
        "--dataset csv needs --data",
    );
    usage_error(
        &["run", "--label-column", "2", "--out", out_s],
        "--label-column 2",
    );
    usage_error(
        &["run", "--data", csv_s, "--dataset", "moons", "--out", out_s],
        "--dataset moons and --data",
    );
    usage_error(
        &[
            "run",
            "--data",
            csv_s,
            "--label-column",
            "kind",
            "--out",
            out_s,
        ],
        "no label column \"kind\"",
    );
    usage_error(
        &[
            "sweep",
            "--data",
            csv_s,
            "--label-column",
            "9",
            "--depths",
            "1",
            "--out",
            out_s,
        ],
        "no column 9",
    );
    let missing = dir.path().join("missing.csv");
    usage_error(
        &["run", "--data", missing.to_str().unwrap(), "--out", out_s],
        "--data",
    );
}

/// `sweep --data` trains every depth on the table.
#[test]
fn sweep_trains_on_a_csv_file() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("t.csv");
    let text: String = (0..40)
        .map(|i| format!("{},{},{}\n", i, i % 5, i % 2))
        .collect();
    std::fs::write(&csv, text).unwrap();
    let out = dir.path().join("sweep");
    ok(&[
        "sweep",
        "--data",
        csv.to_str().unwrap(),
        "--depths",
        "1,2",
        "--width",
        "4",
        "--steps",
        "20",
        "--size",
        "400x300",
        "--out",
        out.to_str().unwrap(),
    ]);
    let sweep: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("sweep.json")).unwrap()).unwrap();
    assert_eq!(sweep["data"]["name"], "t.csv");
    assert_eq!(sweep["records"].as_array().unwrap().len(), 4);
}

/// `grads` reads a batch of 64 pixels for a model trained on the digits.
#[test]
fn grads_reads_a_batch_for_a_digits_model() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    ok(&[
        "run",
        "--dataset",
        "digits",
        "--depth",
        "2",
        "--width",
        "16",
        "--steps",
        "5",
        "--size",
        "400x300",
        "--out",
        out.to_str().unwrap(),
    ]);
    let batch = dir.path().join("digits.csv");
    let row = |class: usize| {
        let pixels: Vec<String> = (0..64)
            .map(|p| ((p * class) % 17 % 2).to_string())
            .collect();
        format!("{},{class}\n", pixels.join(","))
    };
    std::fs::write(&batch, format!("{}{}{}", row(3), row(7), row(9))).unwrap();
    let model = out.join("model.safetensors");
    let (model_s, batch_s) = (model.to_str().unwrap(), batch.to_str().unwrap());
    let said = ok(&["grads", "--model", model_s, "--data", batch_s]);
    assert!(said.contains("3 examples"), "{said}");
    assert!(said.contains("layers.0.weight.grad"), "{said}");
    // Two inputs are not 64.
    std::fs::write(&batch, "0.5,0.5,1\n").unwrap();
    usage_error(
        &["grads", "--model", model_s, "--data", batch_s],
        "expected 65: 64 feature columns",
    );
}
