//! The live tab's animated GIF export: one live plot (its export menu's
//! "Animated GIF…") or the whole panel ("Animated GIF…" by Export all),
//! over a chosen range of the steps replay recorded, at a chosen frame
//! count, size and language. The figures of those steps are gathered on
//! the window's thread (`LiveView::figures_at`); drawing and encoding run
//! on a thread of their own (`figures::animation`), with progress and
//! Cancel, into a new export folder, written atomically.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::thread::JoinHandle;

use crate::app::export;
use crate::app::tab::Shared;
use crate::explain::Explain;
use crate::figures::animation::{self, AnimationError, MAX_FRAMES, MIN_FRAMES, Spec, Still};
use crate::figures::png::{MAX_SIDE, MIN_SIDE};
use crate::lang::{Lang, say};

use super::LiveView;

/// Frames a new export proposes (ten seconds), fewer if fewer were
/// recorded.
const PROPOSED_FRAMES: usize = 100;

/// What an animation shows.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// The live plot of this figure id.
    Plot(String),
    /// Every live plot, in a grid.
    Panel,
}

impl Target {
    /// The file's name without ".gif".
    fn stem(&self) -> &str {
        match self {
            Target::Plot(id) => id,
            Target::Panel => "panel",
        }
    }
}

/// The dialog's choices.
#[derive(Clone, Debug)]
struct Choices {
    target: Target,
    from: u64,
    to: u64,
    frames: usize,
    width: u32,
    height: u32,
    lang: Lang,
}

/// The export dialog and its job, if any.
#[derive(Default)]
pub struct GifExport {
    choices: Option<Choices>,
    job: Option<Job>,
    /// What the last export said (saved, cancelled, refused).
    said: Option<String>,
}

impl GifExport {
    /// Whether frames are being drawn.
    pub fn running(&self) -> bool {
        self.job.is_some()
    }
}

/// A GIF being drawn on its own thread.
struct Job {
    done: Arc<AtomicUsize>,
    total: usize,
    cancel: Arc<AtomicBool>,
    result: Receiver<Result<(PathBuf, usize), AnimationError>>,
    thread: Option<JoinHandle<()>>,
    /// The folder made for it (removed again if nothing is written).
    folder: Option<PathBuf>,
}

impl Drop for Job {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            // A frame takes a fraction of a second: the wait is short.
            let _ = thread.join();
        }
    }
}

/// The steps of `recorded` (ascending) from `from` to `to`, thinned
/// evenly to at most `frames` (the first and the last always kept).
pub fn frame_steps(recorded: &[u64], from: u64, to: u64, frames: usize) -> Vec<u64> {
    let inside: Vec<u64> = recorded
        .iter()
        .copied()
        .filter(|s| (from..=to).contains(s))
        .collect();
    let n = inside.len();
    if n <= frames || frames < 2 {
        return inside;
    }
    let mut out: Vec<u64> = (0..frames)
        .map(|i| inside[(i * (n - 1) + (frames - 1) / 2) / (frames - 1)])
        .collect();
    out.dedup();
    out
}

/// Opens the dialog for `target`, over every recorded step.
pub fn open(live: &mut LiveView, target: Target, lang: Lang) {
    let (from, to) = live.replay().range().unwrap_or((0, 0));
    let recorded = live.replay().steps().len();
    live.gif_export.choices = Some(Choices {
        target,
        from,
        to,
        frames: recorded.clamp(MIN_FRAMES, PROPOSED_FRAMES),
        width: export::PNG_SIZE.0,
        height: export::PNG_SIZE.1,
        lang,
    });
    live.gif_export.said = None;
}

/// The dialog, while it is open; and the job's news.
pub fn dialog_ui(ctx: &egui::Context, live: &mut LiveView, shared: &mut Shared) {
    poll(live, shared);
    let Some(mut choices) = live.gif_export.choices.clone() else {
        return;
    };
    let l = shared.lang;
    let mut open = true;
    let mut start = false;
    let mut cancel = false;
    let (first, last) = live.replay().range().unwrap_or((0, 0));
    let recorded = live.replay().steps();
    let titles: Vec<(String, String)> = live
        .figures(l)
        .into_iter()
        .map(|f| (f.id, f.title))
        .collect();
    egui::Window::new(l.pick("Animated GIF", "GIF animata"))
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            let enabled = live.gif_export.job.is_none();
            ui.add_enabled_ui(enabled, |ui| {
                egui::Grid::new("gif choices").num_columns(2).show(ui, |ui| {
                    let what = ui.label(l.pick("what", "cosa"));
                    let shown = match &choices.target {
                        Target::Panel => l.pick("the whole panel", "tutto il pannello").to_string(),
                        Target::Plot(id) => titles
                            .iter()
                            .find(|(i, _)| i == id)
                            .map_or(id.clone(), |(_, t)| t.clone()),
                    };
                    egui::ComboBox::from_id_salt("gif target")
                        .selected_text(shown)
                        .show_ui(ui, |ui| {
                            ui.selectable_value(
                                &mut choices.target,
                                Target::Panel,
                                l.pick("the whole panel", "tutto il pannello"),
                            );
                            for (id, title) in &titles {
                                ui.selectable_value(
                                    &mut choices.target,
                                    Target::Plot(id.clone()),
                                    title,
                                );
                            }
                        })
                        .response
                        .labelled_by(what.id);
                    ui.end_row();
                    let from = ui.label(l.pick("from step", "dal passo"));
                    ui.add(egui::DragValue::new(&mut choices.from).range(first..=last))
                        .labelled_by(from.id);
                    ui.end_row();
                    let to = ui.label(l.pick("to step", "al passo"));
                    ui.add(egui::DragValue::new(&mut choices.to).range(first..=last))
                        .labelled_by(to.id);
                    ui.end_row();
                    let frames = ui.label(l.pick("frames", "fotogrammi"));
                    ui.add(egui::DragValue::new(&mut choices.frames).range(MIN_FRAMES..=MAX_FRAMES))
                        .labelled_by(frames.id);
                    ui.end_row();
                    ui.label(l.pick("size (pixels)", "dimensione (pixel)"));
                    ui.horizontal(|ui| {
                        let width = ui.label(l.pick("width", "larghezza"));
                        ui.add(egui::DragValue::new(&mut choices.width).range(MIN_SIDE..=MAX_SIDE))
                            .labelled_by(width.id);
                        let height = ui.label(l.pick("height", "altezza"));
                        ui.add(egui::DragValue::new(&mut choices.height).range(MIN_SIDE..=MAX_SIDE))
                            .labelled_by(height.id);
                    });
                    ui.end_row();
                    ui.label(l.pick("language", "lingua"));
                    ui.horizontal(|ui| {
                        ui.selectable_value(&mut choices.lang, Lang::En, "English");
                        ui.selectable_value(&mut choices.lang, Lang::It, "Italiano");
                    });
                    ui.end_row();
                });
                let steps = frame_steps(&recorded, choices.from, choices.to, choices.frames).len();
                ui.label(
                    egui::RichText::new(say!(
                        l,
                        "{steps} frames from the steps recorded in this range, 10 a second",
                        "{steps} fotogrammi dai passi registrati in questo intervallo, 10 al secondo"
                    ))
                    .weak(),
                );
                if ui.button(l.pick("Export GIF", "Esporta la GIF")).clicked() {
                    start = true;
                }
            });
            if let Some(job) = &live.gif_export.job {
                let done = job.done.load(Ordering::Relaxed);
                ui.add(
                    egui::ProgressBar::new(done as f32 / job.total.max(1) as f32).text(say!(
                        l,
                        "frame {done} of {}",
                        "fotogramma {done} di {}",
                        job.total
                    )),
                );
                if ui.button(l.pick("Cancel", "Annulla")).clicked() {
                    cancel = true;
                }
                ctx.request_repaint_after(std::time::Duration::from_millis(100));
            }
            if let Some(said) = &live.gif_export.said {
                ui.label(said);
            }
        });
    if cancel && let Some(job) = &live.gif_export.job {
        job.cancel.store(true, Ordering::Relaxed);
    }
    if start {
        match begin(live, &choices, shared, ctx) {
            Ok(job) => {
                live.gif_export.job = Some(job);
                live.gif_export.said = None;
            }
            Err(e) => live.gif_export.said = Some(e),
        }
    }
    if open {
        live.gif_export.choices = Some(choices);
    } else {
        // Closing the dialog cancels a job (dropping it waits for the thread).
        live.gif_export.choices = None;
        live.gif_export.job = None;
    }
}

/// Gathers the frames' figures and starts the job; every limit is
/// checked before any figure is gathered.
fn begin(
    live: &LiveView,
    choices: &Choices,
    shared: &Shared,
    ctx: &egui::Context,
) -> Result<Job, String> {
    let l = shared.lang;
    let steps = frame_steps(
        &live.replay().steps(),
        choices.from.min(choices.to),
        choices.from.max(choices.to),
        choices.frames,
    );
    if steps.len() < MIN_FRAMES {
        let n = steps.len();
        return Err(say!(
            l,
            "The range holds {n} recorded step(s); an animation needs at least {MIN_FRAMES}: widen the range or train longer.",
            "L'intervallo contiene {n} passi registrati; un'animazione ne richiede almeno {MIN_FRAMES}: allargate l'intervallo o addestrate più a lungo."
        ));
    }
    let mut spec = Spec::new(steps.len(), choices.width, choices.height, choices.lang);
    spec.check().map_err(|e| e.explain(l))?;
    let mut stills: Vec<Still> = Vec::with_capacity(steps.len());
    for step in steps {
        let figures = live.figures_at(choices.lang, step).unwrap_or_default();
        let figures: Vec<_> = match &choices.target {
            Target::Panel => figures,
            Target::Plot(id) => figures.into_iter().filter(|f| &f.id == id).collect(),
        };
        if !figures.is_empty() {
            stills.push(Still { step, figures });
        }
    }
    if stills.len() < MIN_FRAMES {
        return Err(l
            .pick(
                "This plot was not recorded at enough of these steps to animate.",
                "Questo grafico non è stato registrato in abbastanza di questi passi per animarlo.",
            )
            .to_string());
    }
    spec.frames = stills.len();
    if choices.target == Target::Panel {
        spec.per_frame = stills.iter().map(|s| s.figures.len()).max().unwrap_or(1);
    }
    spec.check().map_err(|e| e.explain(l))?;
    let name = format!("{}.gif", choices.target.stem());
    let path = export::new_file_path(shared.export_root, &name, l)?;
    let folder = path.parent().map(PathBuf::from);
    let done = Arc::new(AtomicUsize::new(0));
    let cancel = Arc::new(AtomicBool::new(false));
    let (send, result) = mpsc::channel();
    let (progress, stop, wake) = (done.clone(), cancel.clone(), ctx.clone());
    let thread = std::thread::Builder::new()
        .name("gif".into())
        .spawn(move || {
            animation::steady_axes(&mut stills);
            let written = animation::write_gif(
                &path,
                &spec,
                &mut |i| stills[i].clone(),
                &mut |n, _| {
                    progress.store(n, Ordering::Relaxed);
                    wake.request_repaint();
                },
                &stop,
            );
            // The window may have dropped the job: nobody to tell.
            let _ = send.send(written.map(|bytes| (path, bytes)));
            wake.request_repaint();
        })
        .map_err(|e| {
            say!(
                l,
                "cannot start the export: {}",
                "impossibile avviare l'esportazione: {}",
                crate::explain::describe(&e, l)
            )
        })?;
    Ok(Job {
        done,
        total: spec.frames,
        cancel,
        result,
        thread: Some(thread),
        folder,
    })
}

/// Hands out a finished job's news, to the dialog and the status line.
fn poll(live: &mut LiveView, shared: &mut Shared) {
    let l = shared.lang;
    let Some(job) = &live.gif_export.job else {
        return;
    };
    let news = match job.result.try_recv() {
        Ok(news) => news,
        Err(TryRecvError::Empty) => return,
        Err(TryRecvError::Disconnected) => Err(AnimationError::Cancelled),
    };
    let said = match news {
        Ok((path, bytes)) => {
            let kb = bytes.div_ceil(1024);
            say!(
                l,
                "Saved {} ({kb} KB)",
                "Salvata {} ({kb} KB)",
                path.display()
            )
        }
        Err(e) => {
            // Nothing was written: the new folder goes again (if empty).
            if let Some(folder) = &job.folder {
                let _ = std::fs::remove_dir(folder);
            }
            match e {
                AnimationError::Cancelled => l
                    .pick("GIF export cancelled.", "Esportazione della GIF annullata.")
                    .to_string(),
                e => e.explain(l),
            }
        }
    };
    *shared.message = Some(said.clone());
    live.gif_export.said = Some(said);
    live.gif_export.job = None;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_steps_thin_evenly_and_keep_the_ends() {
        let recorded: Vec<u64> = (0..=100).map(|s| s * 10).collect();
        assert_eq!(frame_steps(&recorded, 0, 1000, 3), vec![0, 500, 1000]);
        assert_eq!(frame_steps(&recorded, 95, 125, 100), vec![100, 110, 120]);
        let many = frame_steps(&recorded, 0, 1000, 50);
        assert_eq!(many.len(), 50);
        assert_eq!((many[0], many[49]), (0, 1000));
        assert!(many.windows(2).all(|w| w[0] < w[1]));
    }
}
