//! Opening the window: what the command line asks for (`WindowStart`),
//! what the last launch remembered, the fonts, and `--screenshot`'s plan.

use std::path::PathBuf;

use crate::explain::Explain;
use crate::lang::Lang;
use crate::lessons;
use crate::train::Playback;

use super::tab::View;
use super::{GradscopeApp, dialog, prefs, screenshot};

/// The icon (tools/make_icon.py draws it), for the window and taskbar.
pub const ICON_PNG: &[u8] = include_bytes!("../../assets/icon/gradscope.png");

/// What the command line asks of the window.
#[derive(Clone, Debug, Default)]
pub struct WindowStart {
    pub lesson: Option<String>,
    pub lang: Option<Lang>,
    pub view: Option<View>,
    /// Do not start training.
    pub paused: bool,
    /// Train `steps` steps, save the window as a PNG here, close.
    pub screenshot: Option<PathBuf>,
    pub steps: Option<u64>,
    /// A saved session to open on (its runs, lesson, language and replay).
    pub session: Option<PathBuf>,
    /// The session's replay step to show (the moment at or before it).
    pub at: Option<u64>,
}

/// Why the window could not open (or its screenshot not be saved), in
/// words for the command line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct StartError(pub String);

impl From<screenshot::ScreenshotError> for StartError {
    fn from(e: screenshot::ScreenshotError) -> StartError {
        StartError(e.0)
    }
}

/// egui's fonts, with Hack behind the proportional font:
/// Ubuntu Light lacks arrows and several mathematical symbols (→, ×, ≤, ÷)
/// that the labels and lessons use.
pub fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    let name = "gradscope-hack".to_owned();
    let hack = egui::FontData::from_static(epaint_default_fonts::HACK_REGULAR);
    fonts
        .font_data
        .insert(name.clone(), std::sync::Arc::new(hack));
    fonts
        .families
        .entry(egui::FontFamily::Proportional)
        .or_default()
        .push(name);
    ctx.set_fonts(fonts);
}

/// Opens the window (on `--lesson`, in `--lang`); with `--screenshot`,
/// trains `--steps` steps, saves the window as a PNG and closes. The
/// trainer's wake-ups become repaint requests, so an idle window uses no CPU.
pub fn run_window(start: &WindowStart) -> Result<(), StartError> {
    let size = [1400.0, 900.0];
    let mut viewport = egui::ViewportBuilder::default()
        .with_inner_size(size)
        .with_title("gradscope")
        // Matches the desktop entry (assets/gradscope.desktop) on Wayland.
        .with_app_id("gradscope");
    // The window's and taskbar's icon; a build without it still opens.
    if let Ok(icon) = eframe::icon_data::from_png_bytes(ICON_PNG) {
        viewport = viewport.with_icon(icon);
    }
    let options = eframe::NativeOptions {
        viewport,
        ..Default::default()
    };
    // The command line wins over what the last launch remembered.
    // Screenshots (CI, docs) show the defaults, never a user's last launch.
    let prefs::Loaded {
        prefs: remembered,
        problem: settings_problem,
    } = if start.screenshot.is_some() {
        prefs::Loaded {
            prefs: prefs::Prefs::default(),
            problem: None,
        }
    } else {
        prefs::load()
    };
    let lang = start
        .lang
        .or(remembered.lang)
        .unwrap_or_else(Lang::from_env);
    let lesson = start.lesson.clone().or_else(|| {
        remembered
            .lesson
            .clone()
            .filter(|id| lessons::find(id).is_ok())
    });
    let paused = start.paused;
    let view = start.view.or(Some(remembered.view));
    let presentation = remembered.presentation && start.screenshot.is_none();
    let plan = match (&start.screenshot, start.steps) {
        (Some(path), Some(steps)) => Some(screenshot::Plan::new(path.clone(), steps)?),
        _ => None,
    };
    let outcome = plan.as_ref().map(screenshot::Plan::outcome);
    // Check the lesson and the session before a window opens.
    if let Some(id) = &lesson {
        lessons::find(id).map_err(|e| StartError(format!("--lesson: {e}")))?;
    }
    if let Some(path) = &start.session {
        crate::session::load(path).map_err(|e| session_error(&e.explain(lang)))?;
    }
    let (session, at, lang_flag) = (start.session.clone(), start.at, start.lang);
    eframe::run_native(
        "gradscope",
        options,
        Box::new(move |cc| {
            let play = !paused && plan.is_none();
            let mut app = GradscopeApp::with_start(&cc.egui_ctx, lang, lesson.as_deref(), play)?;
            if let Some(view) = view {
                app.view = view;
            }
            if let Some(path) = remembered.session_path {
                app.sessions.path = path.display().to_string();
                app.sessions.file = Some(path);
            }
            if let Some(root) = remembered.export_root {
                app.export_root = root;
            }
            app.dialogs = dialog::Dialogs::of_the_system();
            if let Some(problem) = &settings_problem {
                app.message = Some(problem.explain(lang));
            }
            if presentation {
                app.set_presentation(&cc.egui_ctx, true);
            }
            if let Some(path) = &session {
                app.open_at_start(path, at, lang_flag)?;
            }
            // Screenshots (CI) leave the preferences alone.
            if app.screenshot.is_none() && plan.is_none() {
                app.remembered = Some(app.prefs());
            }
            if let Some(plan) = plan {
                app.tabs.live.send(Playback::Step(plan.steps));
                // Give the other tabs something to show, computed as a
                // teacher would: a run of the 2-2-2 network, a sweep.
                match app.view {
                    View::Live => {}
                    View::Backprop => app.tabs.backprop.run(plan.steps.min(100_000) as u32),
                    View::Deeper => {
                        app.tabs.deeper.steps = plan.steps.clamp(10, 100_000);
                        app.tabs.deeper.start(&cc.egui_ctx, lang);
                        app.tabs.deeper.check_identity(lang);
                    }
                    // The live run trains first; the frame then asks for
                    // the landscape of what it trained.
                    View::Landscape => {}
                }
                app.screenshot = Some(plan);
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| StartError(format!("cannot open the window: {e}")))?;
    match outcome {
        Some(outcome) => Ok(screenshot::finish(&outcome)?),
        None => Ok(()),
    }
}

/// `--session`'s problem, for the command line.
fn session_error(problem: &str) -> StartError {
    StartError(format!("--session: {problem}"))
}

impl GradscopeApp {
    /// `--session FILE [--at STEP]`: the saved session's runs (paused),
    /// lesson and language (`--lang` wins), showing replay's moment at
    /// `STEP` if given.
    pub fn open_at_start(
        &mut self,
        path: &std::path::Path,
        at: Option<u64>,
        lang: Option<Lang>,
    ) -> Result<(), StartError> {
        self.open_session(path).map_err(|e| session_error(&e))?;
        self.sessions.path = path.display().to_string();
        if let Some(lang) = lang {
            self.lang = lang;
        }
        self.tabs.live.send(Playback::Pause);
        self.tabs.live.go_to_when_restored(at);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_icon_decodes_for_the_window() {
        let icon = eframe::icon_data::from_png_bytes(ICON_PNG).expect("a PNG eframe reads");
        assert_eq!((icon.width, icon.height), (256, 256));
        // Transparent corners, an opaque middle: a shape, not a square.
        assert_eq!(icon.rgba[3], 0);
        let middle = 4 * (128 * 256 + 128);
        assert_eq!(icon.rgba[middle + 3], 255);
    }
}
