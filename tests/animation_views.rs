//! The window's animated GIF export, driven through the real App: the
//! panel (or one live plot, from its export menu) over the steps replay
//! recorded, drawn in the background into the export folder, one frame
//! per recorded step, with Cancel; in English and Italian.

mod common;
use common::{app_on, steps, until};

use std::path::PathBuf;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gradscope::app::GradscopeApp;
use gradscope::lang::Lang;
use gradscope::train::Mode;

/// Waits for the export's last word in the status line (one that holds
/// `part`).
fn said(h: &mut Harness<'static, GradscopeApp>, part: &str) -> String {
    until(h, |app| app.message().is_some_and(|m| m.contains(part)));
    h.state().message().unwrap_or_default().to_string()
}

fn frames(path: &std::path::Path) -> ((u16, u16), Vec<Vec<u8>>) {
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let bytes = std::fs::read(path).unwrap();
    let mut decoder = options.read_info(bytes.as_slice()).unwrap();
    let size = (decoder.width(), decoder.height());
    let w = usize::from(size.0);
    let mut canvas = vec![0u8; w * usize::from(size.1) * 4];
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
    (size, out)
}

#[test]
fn the_panel_and_a_plot_export_as_gifs_of_the_recorded_steps() {
    let mut h = app_on("vanishing", Mode::Single, Lang::En);
    steps(&mut h, 6);
    let recorded = h.state().live().replay().steps();
    assert!(recorded.len() >= 6, "{recorded:?}");
    let root = tempfile::tempdir().unwrap();
    h.state_mut().set_export_root(root.path().to_path_buf());

    // One plot, from its export menu.
    h.get_all_by_label("Export").next().unwrap().click();
    h.run_steps(2);
    h.get_by_label("Animated GIF…").click();
    // The dialog opens after the plots are drawn: it shows a frame later.
    h.run_steps(3);
    h.get_by_label("Export GIF").click();
    h.run_steps(1);
    let message = said(&mut h, "loss.gif");
    assert!(message.starts_with("Saved "), "{message}");

    // The whole panel, from the top bar.
    h.get_by_label("Panel as GIF…").click();
    h.run_steps(2);
    h.get_by_label("Export GIF").click();
    h.run_steps(1);
    let message = said(&mut h, "panel.gif");
    let path = PathBuf::from(
        message
            .trim_start_matches("Saved ")
            .rsplit_once(" (")
            .unwrap()
            .0,
    );
    assert!(path.starts_with(root.path()), "{}", path.display());
    assert_eq!(path.file_name().unwrap(), "panel.gif");
    let (size, panel) = frames(&path);
    assert_eq!(size, (1600, 1000));
    // One frame per recorded step, each different: the run trained.
    assert_eq!(panel.len(), recorded.len());
    for pair in panel.windows(2) {
        assert_ne!(pair[0], pair[1]);
    }
}

#[test]
fn cancel_stops_the_export_and_leaves_nothing() {
    let mut h = app_on("vanishing", Mode::Single, Lang::It);
    steps(&mut h, 4);
    let root = tempfile::tempdir().unwrap();
    h.state_mut().set_export_root(root.path().to_path_buf());
    h.get_by_label("Pannello come GIF…").click();
    h.run_steps(2);
    for label in ["cosa", "dal passo", "al passo", "fotogrammi", "lingua"] {
        assert!(h.query_by_label(label).is_some(), "{label}");
    }
    h.get_by_label("Esporta la GIF").click();
    h.run_steps(2);
    h.get_by_label("Annulla").click();
    h.run_steps(1);
    let message = said(&mut h, "Esportazione");
    assert_eq!(message, "Esportazione della GIF annullata.");
    let left: Vec<_> = std::fs::read_dir(root.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}
