//! `gradscope landscape`: the loss landscape of a saved model into a
//! folder: `landscape.csv` (a, b, loss), `landscape.json` (the grid, the
//! span, the loss at the centre, the range, the time taken),
//! `directions.safetensors` (so another framework can recompute the same
//! slice) and the figure as PNG and SVG. All of them or none, like `run`.

use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use crate::figures::landscape::{LogScale, landscape};
use crate::figures::{png, svg};
use crate::model_file;
use crate::nn::Mlp;
use crate::nn::data::Split;
use crate::nn::landscape::{self, Directions, Landscape};
use crate::nn::loss::Loss;

use super::{HeadlessError, Output, OutputFolder, write};

/// What to slice and how finely.
#[derive(Clone, Copy, Debug)]
pub struct LandscapeSpec {
    pub grid: usize,
    pub span: f32,
    pub direction_seed: u64,
}

/// `landscape.json`.
#[derive(Clone, Debug, Serialize)]
pub struct LandscapeSummary {
    pub grid: usize,
    pub span: f32,
    pub direction_seed: u64,
    /// The points the loss was averaged over.
    pub points: usize,
    /// The loss at a = b = 0: the model's own training loss.
    pub loss_at_centre: f64,
    pub minimum: f64,
    pub maximum: f64,
    /// Grid points lower than all their neighbours (one basin: 1).
    pub local_minima: usize,
    /// Computing the grid alone (one thread), without writing the files.
    pub seconds: f64,
    pub files: Vec<String>,
}

/// Computes the slice of `mlp` over `points` and writes every file into
/// `dir` (see `OutputFolder`).
pub fn landscape_to_folder(
    mlp: &Mlp,
    loss: Loss,
    points: &Split,
    spec: LandscapeSpec,
    dir: &Path,
    output: &Output,
) -> Result<LandscapeSummary, HeadlessError> {
    let folder = OutputFolder::prepare(dir, output.overwrite)?;
    let directions = Directions::filter_normalised(mlp, spec.direction_seed);
    let progress = super::progress_bar(spec.grid as u64, "landscape");
    let started = Instant::now();
    let slice = landscape::compute(mlp, &directions, points, loss, spec.grid, spec.span, |_| {
        progress.inc(1);
        true
    })
    // The callback never cancels.
    .unwrap_or_else(|| Landscape {
        grid: 0,
        span: spec.span,
        losses: Vec::new(),
    });
    let seconds = started.elapsed().as_secs_f64();
    progress.finish_and_clear();

    let mut files = Vec::new();
    write(
        &folder,
        "landscape.csv",
        slice_csv(&slice).as_bytes(),
        &mut files,
    )?;
    let bytes = model_file::directions_to_bytes(&directions)?;
    write(&folder, "directions.safetensors", &bytes, &mut files)?;
    let figure = landscape(&slice, LogScale::covering([&slice]), "", None, output.lang);
    let png = png::to_png(&figure, output.png_width, output.png_height).map_err(|source| {
        crate::figures::png::FigureFilesError::Draw {
            id: figure.id.clone(),
            source,
        }
    })?;
    write(&folder, "landscape.png", &png, &mut files)?;
    let svg = svg::to_svg(&figure, output.png_width, output.png_height);
    write(&folder, "landscape.svg", svg.as_bytes(), &mut files)?;
    let (minimum, maximum) = slice.range();
    let mut summary = LandscapeSummary {
        grid: slice.grid,
        span: slice.span,
        direction_seed: spec.direction_seed,
        points: points.len(),
        loss_at_centre: slice.centre(),
        minimum,
        maximum,
        local_minima: slice.local_minima(),
        seconds,
        files: files.clone(),
    };
    summary.files.push("landscape.json".into());
    let json = serde_json::to_string_pretty(&summary).map_err(std::io::Error::other);
    let json = json.map_err(|source| HeadlessError::Write {
        path: folder.dir().join("landscape.json"),
        source,
    })?;
    write(&folder, "landscape.json", json.as_bytes(), &mut files)?;
    folder.commit()?;
    Ok(summary)
}

/// One row per grid point: a, b, loss (b outer, a inner, as computed).
fn slice_csv(slice: &Landscape) -> String {
    let mut text = String::from("a,b,loss\n");
    for row in 0..slice.grid {
        for column in 0..slice.grid {
            let loss = slice.losses[row * slice.grid + column];
            text.push_str(&format!(
                "{},{},{loss}\n",
                slice.coordinate(column),
                slice.coordinate(row)
            ));
        }
    }
    text
}
