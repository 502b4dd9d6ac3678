//! The time line under the live plots: drag it (or step with `,` and `.`)
//! to any moment replay recorded, and every plot shows the run as it was
//! then; `[` and `]` jump between the stops (events: skips toggled, the
//! style changed, a divergence), `L` or "Live" returns to the present.
//! Training goes on meanwhile. What was thinned, or not kept by a reopened
//! session, is said under it.

use egui::{Color32, Key, Pos2, Rect, Sense, Stroke, Vec2};

use crate::figures::build::event_label;
use crate::lang::{Lang, say};
use crate::train::EventKind;

use super::LiveView;

/// A button of the time line: its symbol, its hint, what it does.
type TimelineButton = (&'static str, &'static str, fn(&mut LiveView));

/// The strip's height (points).
const STRIP_HEIGHT: f32 = 22.0;
/// A click this close (points) to a stop lands on it.
const STOP_REACH: f32 = 6.0;

/// The time line's keys: `,` and `.` a moment back and forth (forth from
/// the last: the present), `[` and `]` the previous and next stop, `L`
/// the present.
pub fn keys(live: &mut LiveView, pressed: &dyn Fn(Key) -> bool) {
    if pressed(Key::Comma) {
        step_by(live, false);
    }
    if pressed(Key::Period) {
        step_by(live, true);
    }
    if pressed(Key::OpenBracket) {
        jump_to_stop(live, false);
    }
    if pressed(Key::CloseBracket) {
        jump_to_stop(live, true);
    }
    if pressed(Key::L) {
        live.go_to(None);
    }
}

/// One moment back or forth (`forward`); from the present, back is the
/// last moment; forth from the last is the present.
fn step_by(live: &mut LiveView, forward: bool) {
    let steps = live.replay().steps();
    let Some(&last) = steps.last() else {
        return;
    };
    let target = match live.replay_at() {
        None if forward => None,
        None => Some(last),
        Some(at) => {
            let index = steps.partition_point(|&s| s < at);
            if forward {
                steps.get(index + 1).copied()
            } else {
                Some(steps[index.saturating_sub(1).min(steps.len() - 1)])
            }
        }
    };
    live.go_to(target);
}

/// The events of the runs (both twins'), ascending, one per step.
fn events(live: &LiveView) -> Vec<(u64, EventKind)> {
    let mut all: Vec<(u64, EventKind)> = live
        .runs
        .iter()
        .flat_map(|r| r.history.events().iter().map(|e| (e.step, e.kind.clone())))
        .collect();
    all.sort_by_key(|(step, _)| *step);
    all.dedup_by_key(|(step, _)| *step);
    all
}

/// The step of the moment an event at `step` shows in.
fn stop_moment(live: &LiveView, step: u64) -> Option<u64> {
    live.replay().after(step).map(|m| m.step)
}

/// The next (`forward`) or previous stop from where the plots are.
fn jump_to_stop(live: &mut LiveView, forward: bool) {
    let here = live
        .replay_at()
        .or_else(|| live.replay().range().map(|(_, last)| last + 1))
        .unwrap_or(0);
    let stops: Vec<u64> = events(live)
        .iter()
        .filter_map(|(step, _)| stop_moment(live, *step))
        .collect();
    let target = if forward {
        stops.into_iter().find(|&s| s > here)
    } else {
        stops.into_iter().rev().find(|&s| s < here)
    };
    if let Some(step) = target {
        live.go_to(Some(step));
    }
}

/// The step at `x` on a strip spanning `rect` over steps `first..=last`.
pub fn step_at_x(x: f32, rect: Rect, first: u64, last: u64) -> u64 {
    let t = ((x - rect.left()) / rect.width().max(1.0)).clamp(0.0, 1.0);
    first + ((last - first) as f64 * f64::from(t)).round() as u64
}

/// Where `step` is on a strip spanning `rect` over `first..=last`.
fn x_of(step: u64, rect: Rect, first: u64, last: u64) -> f32 {
    if last <= first {
        return rect.right();
    }
    let t = (step.saturating_sub(first)) as f64 / (last - first) as f64;
    rect.left() + rect.width() * t.clamp(0.0, 1.0) as f32
}

/// The time line: buttons, the strip, and what it cannot show.
pub fn timeline_ui(ui: &mut egui::Ui, live: &mut LiveView, lang: Lang) {
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        let is_live = live.replay_at().is_none();
        if ui
            .selectable_label(is_live, lang.pick("Live", "Dal vivo"))
            .on_hover_text(lang.pick("Show the present (L)", "Mostra il presente (L)"))
            .clicked()
        {
            live.go_to(None);
        }
        let empty = live.replay().is_empty();
        let buttons: [TimelineButton; 4] = [
            (
                "|◀",
                lang.pick("Previous stop ([)", "Tappa precedente ([)"),
                |l| jump_to_stop(l, false),
            ),
            (
                "◀",
                lang.pick("One moment back (,)", "Un momento indietro (,)"),
                |l| step_by(l, false),
            ),
            (
                "▶",
                lang.pick("One moment forward (.)", "Un momento avanti (.)"),
                |l| step_by(l, true),
            ),
            (
                "▶|",
                lang.pick("Next stop (])", "Tappa successiva (])"),
                |l| jump_to_stop(l, true),
            ),
        ];
        for (symbol, hint, act) in buttons {
            if ui
                .add_enabled(!empty, egui::Button::new(symbol))
                .on_hover_text(hint)
                .clicked()
            {
                act(live);
            }
        }
        stops_menu_ui(ui, live, lang);
        ui.label(position_text(live, lang));
        // The strip takes the rest of the row: one row leaves the plots
        // their height on a projector.
        strip_ui(ui, live, lang);
    });
    for note in notes(live, lang) {
        ui.weak(note);
    }
    ui.add_space(2.0);
}

/// "step 1 200 of 3 000" while replaying, "live: step 3 000" otherwise.
fn position_text(live: &LiveView, lang: Lang) -> String {
    let now = live.steps().saturating_sub(1);
    match live.replay_at() {
        Some(step) => say!(
            lang,
            "replaying step {step} (training goes on: step {now})",
            "rivedi il passo {step} (l'addestramento continua: passo {now})"
        ),
        None if live.steps() == 0 => lang
            .pick("live: no step yet", "dal vivo: ancora nessun passo")
            .into(),
        None => say!(lang, "live: step {now}", "dal vivo: passo {now}"),
    }
}

/// The events as a menu: choosing one shows the run when it happened.
fn stops_menu_ui(ui: &mut egui::Ui, live: &mut LiveView, lang: Lang) {
    let events = events(live);
    let title = say!(lang, "Stops ({n})", "Tappe ({n})", n = events.len());
    ui.add_enabled_ui(!events.is_empty() && !live.replay().is_empty(), |ui| {
        ui.menu_button(title, |ui| {
            egui::ScrollArea::vertical()
                .max_height(300.0)
                .show(ui, |ui| {
                    for (step, kind) in &events {
                        let label = say!(
                            lang,
                            "step {step}: {what}",
                            "passo {step}: {what}",
                            what = event_label(kind, lang)
                        );
                        if ui.button(label).clicked() {
                            let target = stop_moment(live, *step);
                            live.go_to(target);
                            ui.close();
                        }
                    }
                });
        });
    });
}

/// The strip: while replaying every moment kept as a faint tick; the stops as triangles
/// (red for a divergence), the step shown as a blue handle. A click or a
/// drag goes to the moment there (a stop within reach wins).
fn strip_ui(ui: &mut egui::Ui, live: &mut LiveView, lang: Lang) {
    let width = ui.available_width().max(120.0);
    let (rect, response) =
        ui.allocate_exact_size(Vec2::new(width, STRIP_HEIGHT), Sense::click_and_drag());
    let Some((first, last)) = live.replay().range() else {
        response.widget_info(|| {
            egui::WidgetInfo::labeled(
                egui::Role::Slider,
                false,
                lang.pick("time line", "linea del tempo"),
            )
        });
        return;
    };
    let shown = live.replay_at().unwrap_or(last);
    response.widget_info(|| {
        egui::WidgetInfo::slider(
            true,
            shown as f64,
            lang.pick("time line", "linea del tempo"),
        )
    });
    let rail = rect.shrink2(Vec2::new(8.0, 0.0));
    let visuals = ui.visuals().clone();
    let painter = ui.painter_at(rect);
    let middle = rail.center().y;
    painter.line_segment(
        [
            Pos2::new(rail.left(), middle),
            Pos2::new(rail.right(), middle),
        ],
        Stroke::new(2.0, visuals.widgets.inactive.bg_fill),
    );
    if live.replay_at().is_some() {
        // Where one can go: the moments kept (drawn while replaying only,
        // as how many updates a run took is a matter of timing).
        let tick = Stroke::new(1.0, visuals.weak_text_color().gamma_multiply(0.5));
        for step in live.replay().steps() {
            let x = x_of(step, rail, first, last);
            let ends = [Pos2::new(x, middle - 4.0), Pos2::new(x, middle + 4.0)];
            painter.line_segment(ends, tick);
        }
    }
    let stops: Vec<(f32, u64, bool)> = events(live)
        .iter()
        .filter_map(|(step, kind)| {
            let moment = stop_moment(live, *step)?;
            let diverged = matches!(kind, EventKind::Diverged(_));
            Some((x_of(moment, rail, first, last), moment, diverged))
        })
        .collect();
    for &(x, _, diverged) in &stops {
        let colour = if diverged {
            Color32::from_rgb(0xd0, 0x30, 0x30)
        } else {
            visuals.strong_text_color()
        };
        let top = rect.top();
        painter.add(egui::Shape::convex_polygon(
            vec![
                Pos2::new(x - 5.0, top),
                Pos2::new(x + 5.0, top),
                Pos2::new(x, top + 7.0),
            ],
            colour,
            Stroke::NONE,
        ));
    }
    let handle = x_of(shown, rail, first, last);
    let blue = Color32::from_rgb(0x1f, 0x6f, 0xd0);
    if live.replay_at().is_some() {
        painter.line_segment(
            [
                Pos2::new(handle, rect.top()),
                Pos2::new(handle, rect.bottom()),
            ],
            Stroke::new(2.0, blue),
        );
    }
    painter.circle_filled(Pos2::new(handle, middle), 6.0, blue);
    if let Some(pointer) = response.interact_pointer_pos()
        && (response.clicked() || response.dragged())
    {
        let near_stop = stops
            .iter()
            .filter(|(x, _, _)| (x - pointer.x).abs() <= STOP_REACH)
            .min_by(|a, b| (a.0 - pointer.x).abs().total_cmp(&(b.0 - pointer.x).abs()));
        let target = match near_stop {
            Some(&(_, step, _)) => step,
            None => step_at_x(pointer.x, rail, first, last),
        };
        live.go_to(Some(target));
    }
    response.on_hover_text(lang.pick(
        "Drag or click: the plots show the run at that step; a triangle marks an event (a stop)",
        "Trascina o fai clic: i grafici mostrano la rete a quel passo; un triangolo segna un evento (una tappa)",
    ));
}

/// What the time line cannot show, and what it thinned.
fn notes(live: &LiveView, lang: Lang) -> Vec<String> {
    let replay = live.replay();
    let mut notes = Vec::new();
    if let Some(step) = replay.missing_before() {
        notes.push(say!(
            lang,
            "This session was saved without replay: the steps before {step} cannot be shown again.",
            "Questa sessione è stata salvata senza replay: i passi prima del {step} non si possono rivedere."
        ));
    }
    if let Some(step) = replay.pictures_from() {
        notes.push(say!(
            lang,
            "Reopened session: before step {step} the gradients, histogram and skips are replayed, but not the decision boundary or the data views (a session does not keep them).",
            "Sessione riaperta: prima del passo {step} si rivedono gradienti, istogramma e skip, ma non il confine di decisione né le viste dei dati (una sessione non li conserva)."
        ));
    }
    let stride = replay.stride();
    if stride > 1 {
        let (kept, stops) = (replay.moments().len(), replay.stops().len());
        notes.push(say!(
            lang,
            "To keep memory bounded, {kept} moments are kept: one every {stride} steps or more; the {stops} stops are kept apart.",
            "Per limitare la memoria si conservano {kept} momenti: uno ogni {stride} passi o più; le {stops} tappe a parte."
        ));
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_on_the_strip_is_a_step_in_its_range() {
        let rect = Rect::from_min_size(Pos2::new(10.0, 0.0), Vec2::new(100.0, 20.0));
        assert_eq!(step_at_x(10.0, rect, 100, 300), 100);
        assert_eq!(step_at_x(60.0, rect, 100, 300), 200);
        assert_eq!(step_at_x(500.0, rect, 100, 300), 300);
        assert_eq!(step_at_x(-5.0, rect, 100, 300), 100);
        assert_eq!(x_of(200, rect, 100, 300), 60.0);
        assert_eq!(x_of(5, rect, 5, 5), 110.0);
    }
}
