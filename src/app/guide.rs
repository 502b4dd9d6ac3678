//! The guided lesson: the slides in order. Each step names its claim, sets
//! up its experiment paused, says what to watch and asks the class its
//! question before anything runs; "Run" then shows the answer.

use crate::lang::Lang;
use crate::lessons::Lesson;
use crate::train::Playback;

use super::tab::View;
use super::tabs::Tabs;

/// What the guided lesson moves: its step, the tab on screen, and the
/// tabs it sets up.
pub struct Walk<'a> {
    /// The step on screen; `None` when the guided lesson is off.
    pub step: &'a mut Option<usize>,
    pub view: &'a mut View,
    pub tabs: &'a mut Tabs,
}

/// One step of the guided lesson.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GuideStep {
    /// The first slide: backpropagation on the 2-2-2 network.
    Backprop,
    /// One of the embedded lessons, by index.
    Lesson(usize),
    /// The depth sweep (after the degradation lesson).
    Sweep,
}

/// The steps: backprop, every lesson in slide order, the sweep.
fn guide_steps(tabs: &Tabs) -> Vec<GuideStep> {
    let mut steps = vec![GuideStep::Backprop];
    steps.extend((0..tabs.live.lessons().len()).map(GuideStep::Lesson));
    steps.push(GuideStep::Sweep);
    steps
}

/// Moves `by` steps (clamped to the first and the last) and sets it up.
pub fn guide_next(walk: &mut Walk, by: isize) {
    let last = guide_steps(walk.tabs).len().saturating_sub(1);
    let current = walk.step.unwrap_or(0);
    go_to_guide_step(walk, current.saturating_add_signed(by).min(last));
}

/// Shows step `index`'s view with its experiment ready and paused.
pub fn go_to_guide_step(walk: &mut Walk, index: usize) {
    let steps = guide_steps(walk.tabs);
    let index = index.min(steps.len() - 1);
    *walk.step = Some(index);
    match steps[index] {
        GuideStep::Backprop => {
            *walk.view = View::Backprop;
            walk.tabs.backprop = super::backprop::BackpropView::default();
        }
        GuideStep::Lesson(lesson) => {
            *walk.view = View::Live;
            walk.tabs.live.set_up_lesson(lesson);
        }
        GuideStep::Sweep => *walk.view = View::Deeper,
    }
}

/// Runs the current step's experiment.
fn guide_run(walk: &mut Walk, ctx: &egui::Context, lang: Lang) {
    let Some(index) = *walk.step else { return };
    let tabs = &mut *walk.tabs;
    match guide_steps(tabs)[index] {
        GuideStep::Backprop => {
            let steps = tabs.backprop.run_steps;
            tabs.backprop.run(steps);
        }
        GuideStep::Lesson(_) => {
            tabs.live.send(Playback::Play);
        }
        GuideStep::Sweep => {
            if !tabs.deeper.is_running() {
                tabs.deeper.start(ctx, lang);
            }
        }
    }
}

/// (claim, what to watch, question) of a step, in `lang`.
fn guide_texts(step: GuideStep, lessons: &[Lesson], lang: Lang) -> (String, String, String) {
    match step {
        GuideStep::Backprop => (
            lang.pick(
                "Backpropagation is the chain rule: each weight's gradient is a product of local derivatives.",
                "La backpropagation è la regola della catena: il gradiente di ogni peso è un prodotto di derivate locali.",
            )
            .into(),
            lang.pick(
                "Click w5, then w1: w1's chain is longer and passes through a sigmoid derivative twice.",
                "Cliccate w5, poi w1: la catena di w1 è più lunga e passa due volte per una derivata della sigmoide.",
            )
            .into(),
            lang.pick(
                "Every sigmoid derivative is at most 0.25. What happens to the product with 20 layers?",
                "Ogni derivata della sigmoide vale al massimo 0,25. Cosa succede al prodotto con 20 livelli?",
            )
            .into(),
        ),
        GuideStep::Lesson(index) => {
            let lesson = &lessons[index];
            (
                format!("{}: {}", lesson.title.get(lang), lesson.summary.get(lang)),
                lesson.watch.get(lang).to_string(),
                lesson.question.get(lang).to_string(),
            )
        }
        GuideStep::Sweep => (
            lang.pick(
                "Going deeper: without skips, more layers end with a higher training loss; with identity skips they do not.",
                "Andare più in profondità: senza skip, più livelli finiscono con una loss di addestramento più alta; con le skip identità no.",
            )
            .into(),
            lang.pick(
                "The two curves of final training loss against depth, as the sweep fills them in.",
                "Le due curve della loss di addestramento finale rispetto alla profondità, mentre lo sweep le riempie.",
            )
            .into(),
            lang.pick(
                "Which depth will train worst without skips: 2, 8 or 32 layers?",
                "Quale profondità si addestrerà peggio senza skip: 2, 8 o 32 livelli?",
            )
            .into(),
        ),
    }
}

/// The guided lesson's card: claim, what to watch, the question, and
/// the buttons to move on.
pub fn guide_ui(ui: &mut egui::Ui, walk: &mut Walk, index: usize, l: Lang) {
    let steps = guide_steps(walk.tabs);
    let Some(&step) = steps.get(index) else {
        *walk.step = None;
        return;
    };
    let (claim, watch, question) = guide_texts(step, walk.tabs.live.lessons(), l);
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.label(
            egui::RichText::new(format!(
                "{} {} / {}:  {claim}",
                l.pick("Step", "Passo"),
                index + 1,
                steps.len()
            ))
            .strong(),
        );
        ui.label(
            egui::RichText::new(format!(
                "{} {question}",
                l.pick("Ask the class:", "Chiedete alla classe:")
            ))
            .italics(),
        );
        ui.label(format!(
            "{} {watch}",
            l.pick("Then watch:", "Poi osservate:")
        ));
        ui.horizontal(|ui| {
            if ui
                .add_enabled(
                    index > 0,
                    egui::Button::new(l.pick("◀ Previous", "◀ Precedente")),
                )
                .clicked()
            {
                guide_next(walk, -1);
            }
            if ui.button(l.pick("Run", "Esegui")).clicked() {
                guide_run(walk, ui.ctx(), l);
            }
            if ui
                .button(l.pick("Set up again", "Prepara di nuovo"))
                .clicked()
            {
                go_to_guide_step(walk, index);
            }
            if ui
                .add_enabled(
                    index + 1 < steps.len(),
                    egui::Button::new(l.pick("Next ▶", "Successivo ▶")),
                )
                .clicked()
            {
                guide_next(walk, 1);
            }
            if ui
                .button(l.pick("End the guided lesson", "Termina la lezione guidata"))
                .clicked()
            {
                *walk.step = None;
            }
        });
    });
}
