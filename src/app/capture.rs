//! Carrying out a plot's export menu: files drawn from the figure model
//! (PNG at 2×, SVG, CSV) at once, and images of the screen, which arrive a
//! frame later as a screenshot of the whole window cropped to the plot.

use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::explain::Explain;

use crate::lang::Lang;

use super::export;
use super::plot::PlotAction;
use super::screenshot;
use super::tab::PlotRequest;

/// A plot's screen capture on its way: where the plot was and what to do
/// with the image once it arrives.
pub struct Capture {
    id: String,
    rect: egui::Rect,
    copy: bool,
    image: Arc<Mutex<Option<Arc<egui::ColorImage>>>>,
}

/// Carries out `request`; returns what to say in the status line. A
/// screen capture is left in `pending` for `finish`.
pub fn carry_out(
    ctx: &egui::Context,
    request: PlotRequest,
    root: &Path,
    lang: Lang,
    pending: &mut Option<Capture>,
) -> String {
    let l = lang;
    let PlotRequest {
        action,
        figure,
        rect,
    } = request;
    match action {
        PlotAction::Files => match export::export_figure(root, &figure, l) {
            Ok(dir) => format!("{} {}", l.pick("Saved in", "Salvato in"), dir.display()),
            Err(e) => e,
        },
        PlotAction::SharpPng => {
            let ppp = ctx.pixels_per_point();
            let size = |points: f32| ((points * ppp * 2.0).round() as u32).clamp(200, 8000);
            let written =
                crate::figures::png::to_png(&figure, size(rect.width()), size(rect.height()))
                    .map_err(|e| e.explain(l))
                    .and_then(|bytes| export::export_png(root, &figure.id, &bytes, l));
            match written {
                Ok(path) => format!("{} {}", l.pick("Saved", "Salvato"), path.display()),
                Err(e) => e,
            }
        }
        // The live tab answers this one itself (its GIF dialog).
        PlotAction::Gif => l
            .pick(
                "Animated GIFs are made from the live tab's plots.",
                "Le GIF animate si fanno dai grafici della scheda in tempo reale.",
            )
            .to_string(),
        PlotAction::ScreenPng | PlotAction::Copy => {
            let image = Arc::new(Mutex::new(None));
            let slot = image.clone();
            let repaint = ctx.clone();
            ctx.request_screenshot(move |shot| {
                if let Ok(mut slot) = slot.lock() {
                    *slot = Some(shot);
                }
                repaint.request_repaint();
            });
            *pending = Some(Capture {
                id: figure.id,
                rect,
                copy: action == PlotAction::Copy,
                image,
            });
            l.pick("Capturing the plot…", "Cattura del grafico…")
                .to_string()
        }
    }
}

/// Crops a requested screenshot to its plot, then saves or copies it;
/// returns what to say, once the screenshot has arrived.
pub fn finish(
    ctx: &egui::Context,
    pending: &mut Option<Capture>,
    root: &Path,
    lang: Lang,
) -> Option<String> {
    let capture = pending.as_ref()?;
    let shot = capture.image.lock().ok().and_then(|mut slot| slot.take())?;
    let l = lang;
    let cropped = export::crop(&shot, capture.rect, ctx.pixels_per_point());
    let said = match cropped {
        None => l
            .pick(
                "The plot is not on screen: nothing captured.",
                "Il grafico non è sullo schermo: non è stato catturato nulla.",
            )
            .to_string(),
        Some(image) if capture.copy => {
            let [w, h] = image.size;
            ctx.copy_image(image);
            format!(
                "{} ({w}×{h} px)",
                l.pick(
                    "Image copied to the clipboard",
                    "Immagine copiata negli appunti"
                )
            )
        }
        Some(image) => match screenshot::encode(&image)
            .and_then(|bytes| export::export_png(root, &capture.id, &bytes, l))
        {
            Ok(path) => format!("{} {}", l.pick("Saved", "Salvato"), path.display()),
            Err(e) => e,
        },
    };
    *pending = None;
    Some(said)
}
