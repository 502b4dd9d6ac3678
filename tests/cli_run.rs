//! `gradscope lessons`, `run` and `sweep` end to end on tiny runs: the
//! files they write decode, and mistakes end in one clear line.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn gradscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gradscope"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn ok(args: &[&str]) -> String {
    let out = gradscope(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

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

#[test]
fn a_diverging_run_reports_step_layer_and_phase() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    ok(&[
        "run",
        "--lesson",
        "exploding",
        "--steps",
        "100",
        "--size",
        "400x300",
        "--out",
        out,
    ]);
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("summary.json")).unwrap())
            .unwrap();
    let diverged = &summary["diverged"];
    assert!(diverged["step"].as_u64().unwrap() < 20);
    assert!(diverged["layer"].as_u64().unwrap() <= 12);
    assert!(["forward", "backward"].contains(&diverged["phase"].as_str().unwrap()));
    assert!(summary["steps_run"].as_u64().unwrap() < 100);
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
