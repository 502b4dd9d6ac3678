//! The network drawn as columns, one per weight layer, coloured by the
//! size of its gradient, with the residual blocks' skip arcs above them.
//! Clicking an arc's handle toggles that block's skip.

use egui::{Color32, Pos2, Rect, Sense, Shape, Stroke, Vec2};

use crate::figures::colour::{VIRIDIS_ENDS, ramp as colour_ramp};
use crate::lang::Lang;
use crate::nn::mlp::block_layers;

/// The colour of `t` in 0..=1 for log10 ||dL/dW||: the figures' two-stop
/// viridis ramp (its purple and yellow ends).
fn ramp(t: f32) -> Color32 {
    let c = colour_ramp(&VIRIDIS_ENDS, f64::from(t));
    Color32::from_rgb(c.0, c.1, c.2)
}

/// Draws the diagram of `layers` layers, coloured by `grad_norms` (the
/// last step's; `None` before the first step: outlines only); returns the
/// block whose handle was clicked.
pub fn diagram_ui(
    ui: &mut egui::Ui,
    layers: usize,
    grad_norms: Option<&[f32]>,
    skips: &[bool],
    lang: Lang,
) -> Option<usize> {
    if layers == 0 {
        return None;
    }
    let unmeasured = vec![f32::NAN; layers];
    let measured = grad_norms.is_some();
    let grad_norms = grad_norms.unwrap_or(&unmeasured);
    let width = ui.available_width();
    let (rect, _) = ui.allocate_exact_size(Vec2::new(width, 110.0), Sense::hover());
    let logs: Vec<f32> = grad_norms
        .iter()
        .map(|g| {
            if *g > 0.0 && g.is_finite() {
                g.log10()
            } else {
                f32::NAN
            }
        })
        .collect();
    let finite = logs.iter().copied().filter(|v| v.is_finite());
    let (lo, hi) = finite.fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    let span = if hi > lo { hi - lo } else { 1.0 };
    let step = rect.width() / layers as f32;
    let column_top = rect.top() + 50.0;
    let centre = |i: usize| rect.left() + step * (i as f32 + 0.5);
    let painter = ui.painter_at(rect);
    for (i, log) in logs.iter().enumerate() {
        let column = Rect::from_min_max(
            Pos2::new(centre(i) - step * 0.35, column_top),
            Pos2::new(centre(i) + step * 0.35, rect.bottom() - 16.0),
        );
        let fill = if !measured {
            let outline = ui.visuals().widgets.noninteractive.fg_stroke;
            painter.rect_stroke(column, 2.0, outline, egui::StrokeKind::Inside);
            Color32::TRANSPARENT
        } else if log.is_finite() {
            ramp((log - lo) / span)
        } else if grad_norms[i] == 0.0 {
            // Exactly zero: a dead layer (or no step yet), not an overflow.
            Color32::GRAY
        } else {
            Color32::from_rgb(200, 30, 30)
        };
        painter.rect_filled(column, 2.0, fill);
        let label = if i + 1 == layers {
            lang.pick("out", "usc").to_string()
        } else {
            (i + 1).to_string()
        };
        painter.text(
            Pos2::new(centre(i), rect.bottom() - 8.0),
            egui::Align2::CENTER_CENTER,
            label,
            egui::FontId::proportional(11.0),
            ui.visuals().text_color(),
        );
    }
    // The handles go in a child Ui over the diagram, so placing them does
    // not move the parent's cursor back up.
    let mut handles = ui.new_child(egui::UiBuilder::new().max_rect(rect));
    let mut clicked = None;
    for (block, &on) in skips.iter().enumerate() {
        // The skip leaves the block's input (layer 2k, 0-based) and joins
        // its second layer (2k + 2).
        let (_, second) = block_layers(block);
        let (from, to) = (second - 2, second);
        let start = Pos2::new(centre(from), column_top);
        let end = Pos2::new(centre(to), column_top);
        let apex = Pos2::new((start.x + end.x) / 2.0, rect.top() + 14.0);
        let colour = if on {
            Color32::from_rgb(0, 158, 115)
        } else {
            Color32::GRAY
        };
        let points: Vec<Pos2> = (0..=16)
            .map(|s| {
                let t = s as f32 / 16.0;
                let a = start.lerp(apex, t);
                let b = apex.lerp(end, t);
                a.lerp(b, t)
            })
            .collect();
        let stroke = Stroke::new(if on { 3.0 } else { 1.5 }, colour);
        if on {
            painter.add(Shape::line(points, stroke));
        } else {
            painter.extend(Shape::dashed_line(&points, stroke, 4.0, 4.0));
        }
        let handle =
            Rect::from_center_size(Pos2::new(apex.x, rect.top() + 22.0), Vec2::new(26.0, 18.0));
        let text = format!("{} {}", lang.pick("skip", "skip"), block + 1);
        let button =
            egui::Button::new(egui::RichText::new((block + 1).to_string()).small()).fill(colour);
        let response = handles.put(handle, button).on_hover_text(lang.pick(
            "Click to turn this block's skip on or off",
            "Clic per attivare o disattivare la skip di questo blocco",
        ));
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &text));
        if response.clicked() {
            clicked = Some(block);
        }
    }
    legend_ui(ui, measured.then_some((lo, hi)), !skips.is_empty(), lang);
    clicked
}

/// What the colours and arcs mean, with this step's range of log10
/// ||dL/dW|| (`None` before the first step).
fn legend_ui(ui: &mut egui::Ui, range: Option<(f32, f32)>, has_blocks: bool, lang: Lang) {
    // Wrapped: on a zoomed projector the line is wider than the window.
    ui.horizontal_wrapped(|ui| {
        ui.weak(lang.pick(
            "colour: ||dL/dW|| of the layer",
            "colore: ||dL/dW|| del livello",
        ));
        let Some((lo, hi)) = range else {
            ui.weak(lang.pick("(after the first step)", "(dopo il primo passo)"));
            arcs_legend(ui, has_blocks, lang);
            return;
        };
        if lo.is_finite() {
            ui.weak(format!("{:.0e}", 10f32.powf(lo)));
        }
        let (strip, _) = ui.allocate_exact_size(Vec2::new(90.0, 10.0), Sense::hover());
        let painter = ui.painter_at(strip);
        let parts = 30;
        for i in 0..parts {
            let x0 = strip.left() + strip.width() * i as f32 / parts as f32;
            let x1 = strip.left() + strip.width() * (i + 1) as f32 / parts as f32;
            let cell = Rect::from_min_max(
                Pos2::new(x0, strip.top()),
                Pos2::new(x1 + 0.5, strip.bottom()),
            );
            painter.rect_filled(cell, 0.0, ramp((i as f32 + 0.5) / parts as f32));
        }
        if hi.is_finite() {
            ui.weak(format!("{:.0e}", 10f32.powf(hi)));
        }
        ui.weak(lang.pick(
            "(this step; grey: zero; red: not finite)",
            "(questo passo; grigio: zero; rosso: non finito)",
        ));
        arcs_legend(ui, has_blocks, lang);
    });
}

fn arcs_legend(ui: &mut egui::Ui, has_blocks: bool, lang: Lang) {
    if has_blocks {
        ui.separator();
        ui.weak(lang.pick(
            "green arc: skip on, dashed: off; click a number to switch it",
            "arco verde: skip attiva, tratteggiato: spenta; clic su un numero per cambiarla",
        ));
    }
}
