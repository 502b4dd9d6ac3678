//! The window's tabs: which ones there are (`View`), what each must do
//! (`Tab`, as egui's demo app treats its demos), and what the window lends
//! a tab for one frame (`Shared`). A new tab is a type that implements
//! `Tab`, a variant of `View`, and a field of `tabs::Tabs`.

use std::path::Path;

use egui::Key;

use crate::figures::Figure;
use crate::lang::Lang;

use super::plot::PlotAction;

/// The tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum View {
    /// The trainer and its plots.
    Live,
    /// The 2-2-2 network of the first slide.
    Backprop,
    /// The depth sweep and the identity demonstration.
    Deeper,
    /// The loss landscape around the live networks' weights.
    Landscape,
}

impl View {
    pub const ALL: [View; 4] = [View::Live, View::Backprop, View::Deeper, View::Landscape];

    pub fn code(self) -> &'static str {
        match self {
            View::Live => "live",
            View::Backprop => "backprop",
            View::Deeper => "deeper",
            View::Landscape => "landscape",
        }
    }

    pub fn title(self, lang: Lang) -> &'static str {
        match self {
            View::Live => lang.pick("Live training", "Addestramento in tempo reale"),
            View::Backprop => lang.pick("Backprop step by step", "Backprop passo per passo"),
            View::Deeper => lang.pick("Going deeper", "Andare più in profondità"),
            View::Landscape => lang.pick("Loss landscape", "Paesaggio della loss"),
        }
    }
}

/// A plot's export menu choice, for the window to carry out (captures
/// need the whole window's screenshot).
pub struct PlotRequest {
    pub action: PlotAction,
    pub figure: Figure,
    /// Where the plot is on screen, with its axes.
    pub rect: egui::Rect,
}

impl From<(PlotAction, Figure, egui::Rect)> for PlotRequest {
    fn from((action, figure, rect): (PlotAction, Figure, egui::Rect)) -> PlotRequest {
        PlotRequest {
            action,
            figure,
            rect,
        }
    }
}

/// What the window lends a tab for one frame.
pub struct Shared<'a> {
    pub lang: Lang,
    /// Lines in plots are this much thicker (presentation mode).
    pub line_scale: f32,
    /// Where exports go.
    pub export_root: &'a Path,
    /// The status line's message: a tab says what it did, or why not.
    pub message: &'a mut Option<String>,
}

/// One tab of the window.
pub trait Tab {
    /// Acts on this frame's keys (only called when no text field has the
    /// keyboard). `pressed` consumes the key it reports.
    fn keys(&mut self, ctx: &egui::Context, pressed: &dyn Fn(Key) -> bool, shared: &mut Shared);

    /// The tab's own controls, in the window's top bar under the tabs.
    fn top_ui(&mut self, _ui: &mut egui::Ui, _shared: &mut Shared) {}

    /// Whether the top bar has anything of this tab's.
    fn has_top(&self) -> bool {
        false
    }

    /// The tab's area (everything between the top bar and the status
    /// line); a plot's export choice goes back to the window.
    fn ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared) -> Option<PlotRequest>;
}
