//! `--screenshot FILE --steps N`: train N steps in the real window, save
//! what the window shows as a PNG, close. This is how CI looks at the app.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::explain::describe;
use crate::files::write_atomically;

/// Why `--screenshot` failed, in words for the command line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct ScreenshotError(pub String);

/// What happened to the screenshot: nothing yet, saved, or an error.
pub type Outcome = Arc<Mutex<Option<Result<(), String>>>>;

pub struct Plan {
    pub path: PathBuf,
    pub steps: u64,
    requested: bool,
    /// Frames drawn since training ended (the plots settle in one).
    settled: u32,
    outcome: Outcome,
}

impl Plan {
    pub fn new(path: PathBuf, steps: u64) -> Result<Plan, ScreenshotError> {
        // Fail before a window opens if the folder is not there.
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
            && !dir.is_dir()
        {
            return Err(ScreenshotError(format!(
                "--screenshot {}: the folder {} does not exist",
                path.display(),
                dir.display()
            )));
        }
        Ok(Plan {
            path,
            steps,
            requested: false,
            settled: 0,
            outcome: Arc::new(Mutex::new(None)),
        })
    }

    pub fn outcome(&self) -> Outcome {
        self.outcome.clone()
    }

    /// Called once a frame; `trained` once the steps are done.
    pub fn advance(&mut self, ctx: &egui::Context, trained: bool) {
        if self.outcome.lock().map(|o| o.is_some()).unwrap_or(true) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            return;
        }
        if !trained {
            return;
        }
        // Two frames after the last update, so every plot shows it.
        self.settled += 1;
        ctx.request_repaint();
        if self.settled < 3 || self.requested {
            return;
        }
        self.requested = true;
        let path = self.path.clone();
        let outcome = self.outcome.clone();
        let repaint = ctx.clone();
        ctx.request_screenshot(move |image| {
            let result = encode(&image).and_then(|bytes| {
                write_atomically(&path, &bytes).map_err(|e| {
                    format!(
                        "--screenshot {}: {}",
                        path.display(),
                        describe(&e, crate::lang::Lang::En)
                    )
                })
            });
            if let Ok(mut slot) = outcome.lock() {
                *slot = Some(result);
            }
            repaint.request_repaint();
        });
    }
}

/// RGBA PNG of an egui image.
pub(super) fn encode(image: &egui::ColorImage) -> Result<Vec<u8>, String> {
    let [width, height] = image.size;
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, width as u32, height as u32);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
        let pixels: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
        writer
            .write_image_data(&pixels)
            .map_err(|e| e.to_string())?;
    }
    Ok(bytes)
}

/// After the window closed: the screenshot's error, if any.
pub fn finish(outcome: &Outcome) -> Result<(), ScreenshotError> {
    match outcome.lock().ok().and_then(|mut o| o.take()) {
        Some(Ok(())) => Ok(()),
        Some(Err(e)) => Err(ScreenshotError(e)),
        None => Err(ScreenshotError(
            "--screenshot: the window closed before the screenshot was taken".into(),
        )),
    }
}
