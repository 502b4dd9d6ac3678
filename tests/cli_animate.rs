//! `gradscope run --animate`: the GIFs it writes beside the other files
//! decode to the frames and size asked for, differ from frame to frame as
//! the run trains, and every mistake ends in one line naming the limit.

mod common;
use common::{gradscope, ok};

use std::path::Path;

fn usage_error(args: &[&str], needles: &[&str]) {
    let out = gradscope(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "{args:?}: {stderr:?} lacks {needle:?}"
        );
    }
    assert!(!stderr.contains("panicked"));
}

/// The frames as a viewer composes them, and the logical size.
fn frames(path: &Path) -> ((usize, usize), Vec<Vec<u8>>) {
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let bytes = std::fs::read(path).unwrap();
    let mut decoder = options.read_info(bytes.as_slice()).unwrap();
    let (w, h) = (usize::from(decoder.width()), usize::from(decoder.height()));
    let mut canvas = vec![0u8; w * h * 4];
    let mut out = Vec::new();
    while let Some(frame) = decoder.read_next_frame().unwrap() {
        let fw = usize::from(frame.width);
        for (i, px) in frame.buffer.chunks_exact(4).enumerate() {
            if px[3] != 0 {
                let x = usize::from(frame.left) + i % fw;
                let y = usize::from(frame.top) + i / fw;
                canvas[(y * w + x) * 4..(y * w + x) * 4 + 4].copy_from_slice(px);
            }
        }
        out.push(canvas.clone());
    }
    ((w, h), out)
}

const TINY: [&str; 8] = [
    "run", "--depth", "3", "--width", "8", "--steps", "40", "--size",
];

#[test]
fn run_writes_the_gifs_asked_for_beside_the_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out_arg = out.to_str().unwrap();
    let mut args = TINY.to_vec();
    args.extend([
        "400x250",
        "--animate",
        "loss,gradients",
        "--frames",
        "5",
        "--out",
        out_arg,
    ]);
    ok(&args);
    for name in ["loss", "gradients"] {
        let ((w, h), frames) = frames(&out.join(format!("{name}.gif")));
        assert_eq!((w, h), (400, 250), "{name}");
        assert_eq!(frames.len(), 5, "{name}");
        for pair in frames.windows(2) {
            assert_ne!(pair[0], pair[1], "{name}: the run changed between frames");
        }
        // The still figures are written as before.
        assert!(out.join(format!("{name}.png")).is_file());
    }
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let files: Vec<&str> = summary["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f.as_str())
        .collect();
    assert!(files.contains(&"loss.gif") && files.contains(&"gradients.gif"));

    // --overwrite without --animate removes the GIFs of the run before,
    // as it does every file of gradscope's own that it does not write.
    let mut again = TINY.to_vec();
    again.extend(["400x250", "--overwrite", "--out", out_arg]);
    ok(&again);
    assert!(!out.join("loss.gif").exists());
    assert!(out.join("loss.png").is_file());
}

#[test]
fn a_panel_and_a_run_shorter_than_the_frames() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    ok(&[
        "run",
        "--depth",
        "2",
        "--width",
        "6",
        "--steps",
        "3",
        "--size",
        "900x500",
        "--animate",
        "panel",
        "--lang",
        "it",
        "--out",
        out.to_str().unwrap(),
    ]);
    let ((w, h), frames) = frames(&out.join("panel.gif"));
    assert_eq!((w, h), (900, 500));
    // Three steps give three frames, not the default hundred.
    assert_eq!(frames.len(), 3);
}

#[test]
fn animate_mistakes_end_in_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    usage_error(
        &["run", "--animate", "los", "--out", out],
        &["los", "loss", "gradients", "panel"],
    );
    usage_error(
        &["run", "--animate", "loss", "--frames", "601", "--out", out],
        &["--frames 601", "from 2 to 600"],
    );
    usage_error(
        &["run", "--animate", "loss", "--frames", "1", "--out", out],
        &["--frames 1", "from 2 to 600"],
    );
    usage_error(
        &["run", "--animate", "predictions", "--out", out],
        &["--animate predictions", "decision_boundary", "panel"],
    );
    usage_error(
        &["run", "--steps", "1", "--animate", "loss", "--out", out],
        &["at least 2 steps"],
    );
    usage_error(
        &[
            "run",
            "--animate",
            "loss",
            "--frames",
            "600",
            "--size",
            "1600x1000",
            "--out",
            out,
        ],
        &["480000000", "fewer frames or a smaller size"],
    );
    usage_error(
        &[
            "run",
            "--animate",
            "panel",
            "--size",
            "500x300",
            "--out",
            out,
        ],
        &["panel of 5 figures", "200"],
    );
    // Refused before any work: no folder was made.
    assert!(!Path::new(out).exists());
}
