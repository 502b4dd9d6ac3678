//! The first slide, live: the 2-2-2 network with its values on the nodes,
//! the chain rule of any weight written out with numbers, one step of
//! gradient descent with the weights before and after, and E over N steps.
//! Every number comes from the core's `textbook` module.

use egui::{Color32, Key, Pos2, Rect, Sense, Stroke, Vec2};

use crate::figures::build;
use crate::lang::Lang;
use crate::nn::textbook::{PARAM_NAMES, Textbook};

use super::plot::{self, PlotAction};
use super::tab::{PlotRequest, Shared, Tab};

/// The tab's state.
pub struct BackpropView {
    pub model: Textbook,
    /// Index into `PARAM_NAMES` of the parameter whose chain rule is shown.
    pub selected: usize,
    /// The parameters before the last "Step", to show beside the new ones.
    pub before: Option<[f64; 10]>,
    /// E_total before any step and after each one since the last change.
    pub errors: Vec<f64>,
    /// Steps "Run N steps" takes.
    pub run_steps: u32,
    /// Train b1 and b2 too (the slide keeps them fixed).
    pub update_biases: bool,
}

impl Default for BackpropView {
    fn default() -> Self {
        let model = Textbook::default();
        let errors = vec![model.forward().e_total];
        BackpropView {
            model,
            selected: 4,
            before: None,
            errors,
            run_steps: 1000,
            update_biases: false,
        }
    }
}

impl BackpropView {
    /// One gradient step on every weight; remembers the old values.
    pub fn step(&mut self) {
        self.before = Some(self.model.params);
        self.model.step(self.update_biases);
        self.errors.push(self.model.forward().e_total);
    }

    pub fn run(&mut self, steps: u32) {
        self.before = Some(self.model.params);
        let errors = self.model.train(steps as usize, self.update_biases);
        self.errors.extend(errors);
    }

    /// The values changed by hand: the error curve starts again from here.
    fn edited(&mut self) {
        self.before = None;
        self.errors = vec![self.model.forward().e_total];
    }

    /// Draws the tab; returns an export request for the error plot.
    fn content_ui(
        &mut self,
        ui: &mut egui::Ui,
        lang: Lang,
        line_scale: f32,
    ) -> Option<(PlotAction, crate::figures::Figure, Rect)> {
        let mut export = None;
        egui::Panel::left("backprop_values")
            .resizable(false)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| self.values_ui(ui, lang));
            });
        egui::CentralPanel::default().show(ui, |ui| {
            ui.label(lang.pick(
                "The network of the slide: two inputs, two hidden sigmoid units, two sigmoid outputs, E = Σ ½(target − out)². Click a weight to see its gradient by the chain rule.",
                "La rete della slide: due ingressi, due unità nascoste sigmoide, due uscite sigmoide, E = Σ ½(target − out)². Cliccate un peso per vedere il suo gradiente con la regola della catena.",
            ));
            // On a zoomed projector the tab is taller than the window: it
            // scrolls, and the error plot keeps a readable height.
            let window = ui.available_height();
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    self.network_ui(ui, lang);
                    ui.separator();
                    let used = ui.min_rect().height();
                    ui.columns(2, |columns| {
                        self.chain_ui(&mut columns[0], lang);
                        self.update_table_ui(&mut columns[0], lang);
                        let figure = build::textbook_error(&self.errors, lang);
                        let height = (window - used - 60.0).max(200.0);
                        let (action, rect) = plot::figure_ui(&mut columns[1], &figure.id, &figure, height, lang, line_scale);
                        if let Some(action) = action {
                            export = Some((action, figure, rect));
                        }
                    });
                });
        });
        export
    }

    fn values_ui(&mut self, ui: &mut egui::Ui, lang: Lang) {
        ui.heading(lang.pick("Values", "Valori"));
        let mut changed = false;
        egui::Grid::new("backprop_inputs")
            .num_columns(2)
            .show(ui, |ui| {
                let mut field = |ui: &mut egui::Ui, name: &str, value: &mut f64, speed: f64| {
                    let label = ui.label(name);
                    changed |= ui
                        .add(egui::DragValue::new(value).speed(speed).max_decimals(6))
                        .labelled_by(label.id)
                        .changed();
                    ui.end_row();
                };
                field(ui, "i1", &mut self.model.i1, 0.01);
                field(ui, "i2", &mut self.model.i2, 0.01);
                field(
                    ui,
                    lang.pick("target t1", "target t1"),
                    &mut self.model.t1,
                    0.01,
                );
                field(
                    ui,
                    lang.pick("target t2", "target t2"),
                    &mut self.model.t2,
                    0.01,
                );
                for (i, name) in PARAM_NAMES.iter().enumerate() {
                    field(ui, name, &mut self.model.params[i], 0.01);
                }
                let label = ui.label(lang.pick("learning rate η", "learning rate η"));
                changed |= ui
                    .add(
                        egui::DragValue::new(&mut self.model.learning_rate)
                            .speed(0.01)
                            .range(0.0..=100.0)
                            .max_decimals(6),
                    )
                    .labelled_by(label.id)
                    .changed();
                ui.end_row();
            });
        // Targets of a sigmoid output outside [0, 1] can never be met.
        self.model.t1 = self.model.t1.clamp(0.0, 1.0);
        self.model.t2 = self.model.t2.clamp(0.0, 1.0);
        ui.checkbox(
            &mut self.update_biases,
            lang.pick("also update b1 and b2", "aggiorna anche b1 e b2"),
        )
        .on_hover_text(lang.pick(
            "The slide keeps the biases fixed",
            "La slide tiene fissi i bias",
        ));
        if changed {
            self.edited();
        }
        ui.separator();
        if ui
            .button(lang.pick(
                "Step: update every weight once",
                "Passo: aggiorna ogni peso una volta",
            ))
            .clicked()
        {
            self.step();
        }
        ui.horizontal(|ui| {
            if ui
                .button(lang.pick("Run N steps", "Esegui N passi"))
                .clicked()
            {
                self.run(self.run_steps);
            }
            let label = ui.label("N");
            ui.add(egui::DragValue::new(&mut self.run_steps).range(1..=100_000))
                .labelled_by(label.id);
        });
        if ui
            .button(lang.pick(
                "Reset to the slide's values",
                "Ripristina i valori della slide",
            ))
            .clicked()
        {
            *self = BackpropView {
                selected: self.selected,
                run_steps: self.run_steps,
                ..BackpropView::default()
            };
        }
        ui.label(format!(
            "{}: {}",
            lang.pick("steps taken", "passi eseguiti"),
            self.errors.len() - 1
        ));
    }

    /// The network as on the slide, values on the nodes, weights on the
    /// edges as buttons that select their chain rule.
    fn network_ui(&mut self, ui: &mut egui::Ui, lang: Lang) {
        let f = self.model.forward();
        let width = ui.available_width().min(900.0);
        let (rect, _) = ui.allocate_exact_size(Vec2::new(width, 310.0), Sense::hover());
        let at = |x: f32, y: f32| {
            Pos2::new(
                rect.left() + x * rect.width(),
                rect.top() + y * rect.height(),
            )
        };
        let (i1, i2) = (at(0.08, 0.3), at(0.08, 0.7));
        let (h1, h2) = (at(0.45, 0.3), at(0.45, 0.7));
        let (o1, o2) = (at(0.82, 0.3), at(0.82, 0.7));
        let (b1, b2) = (at(0.27, 0.07), at(0.64, 0.07));
        let painter = ui.painter_at(rect.expand(4.0));
        let text_color = ui.visuals().text_color();
        let edge = Stroke::new(1.5, ui.visuals().weak_text_color());
        // (parameter index, from, to)
        let edges = [
            (0, i1, h1),
            (1, i2, h1),
            (2, i1, h2),
            (3, i2, h2),
            (4, h1, o1),
            (5, h2, o1),
            (6, h1, o2),
            (7, h2, o2),
            (8, b1, h1),
            (8, b1, h2),
            (9, b2, o1),
            (9, b2, o2),
        ];
        for &(index, from, to) in &edges {
            let stroke = if index == self.selected {
                Stroke::new(3.5, Color32::from_rgb(230, 159, 0))
            } else {
                edge
            };
            painter.line_segment([from, to], stroke);
        }
        let node = |centre: Pos2, name: &str, lines: &[String], fill: Color32| {
            painter.circle(centre, 20.0, fill, Stroke::new(1.0, text_color));
            painter.text(
                centre,
                egui::Align2::CENTER_CENTER,
                name,
                egui::FontId::proportional(15.0),
                Color32::BLACK,
            );
            for (k, line) in lines.iter().enumerate() {
                painter.text(
                    centre + Vec2::new(0.0, 26.0 + 14.0 * k as f32),
                    egui::Align2::CENTER_TOP,
                    line,
                    egui::FontId::monospace(11.0),
                    text_color,
                );
            }
        };
        let input = Color32::from_rgb(86, 180, 233);
        let hidden = Color32::from_rgb(0, 158, 115);
        let output = Color32::from_rgb(204, 121, 167);
        let bias = Color32::from_rgb(240, 228, 66);
        let p = self.model.params;
        node(i1, "i1", &[format!("{:.4}", self.model.i1)], input);
        node(i2, "i2", &[format!("{:.4}", self.model.i2)], input);
        node(
            h1,
            "h1",
            &[
                format!("net {:.6}", f.net_h1),
                format!("out {:.6}", f.out_h1),
            ],
            hidden,
        );
        node(
            h2,
            "h2",
            &[
                format!("net {:.6}", f.net_h2),
                format!("out {:.6}", f.out_h2),
            ],
            hidden,
        );
        let t = lang.pick("target", "target");
        node(
            o1,
            "o1",
            &[
                format!("net {:.6}", f.net_o1),
                format!("out {:.6}", f.out_o1),
                format!("{t} {:.4}", self.model.t1),
            ],
            output,
        );
        node(
            o2,
            "o2",
            &[
                format!("net {:.6}", f.net_o2),
                format!("out {:.6}", f.out_o2),
                format!("{t} {:.4}", self.model.t2),
            ],
            output,
        );
        node(b1, "b1", &[], bias);
        node(b2, "b2", &[], bias);
        // E_total at top right, as on the slide, unless the window is too
        // narrow to keep it clear of b2: then under the hidden layer.
        let total = painter.layout_no_wrap(
            format!("E_total = {:.9}", f.e_total),
            egui::FontId::monospace(16.0),
            text_color,
        );
        let top_right = at(0.97, 0.05) - Vec2::new(total.size().x, 0.0);
        let spot = if top_right.x > b2.x + 28.0 {
            top_right
        } else {
            at(0.45, 1.0) - Vec2::new(total.size().x / 2.0, total.size().y)
        };
        painter.galley(spot, total, text_color);
        // The weight buttons, a third of the way along their edge so
        // crossing edges keep their labels apart.
        let mut handles = ui.new_child(egui::UiBuilder::new().max_rect(rect));
        let mut labelled = [false; 10];
        for &(index, from, to) in &edges {
            if std::mem::replace(&mut labelled[index], true) {
                continue;
            }
            // Crossing edges (w2, w3, w6, w7) a little further along: clear
            // of the node's values printed under it in a narrow window.
            let along = match index {
                8 | 9 => 0.45,
                1 | 2 | 5 | 6 => 0.4,
                _ => 0.3,
            };
            let spot = from.lerp(to, along);
            let text = format!("{} = {:.4}", PARAM_NAMES[index], p[index]);
            let selected = index == self.selected;
            let button = egui::Button::selectable(
                selected,
                egui::RichText::new(&text).monospace().size(12.0),
            );
            let size = Vec2::new(8.0 * text.chars().count() as f32 + 16.0, 20.0);
            if handles
                .put(Rect::from_center_size(spot, size), button)
                .clicked()
            {
                self.selected = index;
            }
        }
    }

    /// The chain rule of the selected parameter, term by term.
    fn chain_ui(&self, ui: &mut egui::Ui, lang: Lang) {
        let Some(chain) = self.model.chain(self.selected) else {
            return;
        };
        let name = chain.param;
        ui.label(
            egui::RichText::new(format!(
                "{} dE/d{name}",
                lang.pick("Chain rule for", "Regola della catena per")
            ))
            .strong(),
        );
        let symbols: Vec<String> = chain
            .terms
            .iter()
            .map(|product| {
                product
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(" × ")
            })
            .collect();
        let numbers: Vec<String> = chain
            .terms
            .iter()
            .map(|product| {
                product
                    .iter()
                    .map(|(_, v)| format!("{v:.6}"))
                    .collect::<Vec<_>>()
                    .join(" × ")
            })
            .collect();
        let mono = |text: String| egui::RichText::new(text).monospace().size(13.0);
        ui.label(mono(format!("dE/d{name} = {}", symbols.join("  +  "))));
        ui.label(mono(format!(
            "{:width$} = {}",
            "",
            numbers.join("  +  "),
            width = name.len() + 4
        )));
        ui.label(mono(format!(
            "{:width$} = {:.9}",
            "",
            chain.gradient,
            width = name.len() + 4
        )));
        let index = self.selected;
        let old = self.model.params[index];
        if index >= 8 && !self.update_biases {
            ui.label(lang.pick(
                "The slide keeps the biases fixed: tick \"also update b1 and b2\" to train them.",
                "La slide tiene fissi i bias: spuntate \"aggiorna anche b1 e b2\" per addestrarli.",
            ));
        } else {
            let eta = self.model.learning_rate;
            ui.label(mono(format!(
                "{name}⁺ = {name} − η × dE/d{name} = {old:.6} − {eta} × {:.6} = {:.9}",
                chain.gradient,
                old - eta * chain.gradient
            )));
        }
    }

    /// After "Step": every parameter before and after.
    fn update_table_ui(&self, ui: &mut egui::Ui, lang: Lang) {
        let Some(before) = self.before else {
            return;
        };
        ui.add_space(8.0);
        ui.label(egui::RichText::new(lang.pick("Last update", "Ultimo aggiornamento")).strong());
        egui::Grid::new("backprop_update")
            .striped(true)
            .show(ui, |ui| {
                ui.label("");
                ui.label(lang.pick("before", "prima"));
                ui.label(lang.pick("after", "dopo"));
                ui.label(lang.pick("change", "variazione"));
                ui.end_row();
                for (i, name) in PARAM_NAMES.iter().enumerate() {
                    let (old, new) = (before[i], self.model.params[i]);
                    ui.label(*name);
                    ui.monospace(format!("{old:.9}"));
                    ui.monospace(format!("{new:.9}"));
                    ui.monospace(format!("{:+.3e}", new - old));
                    ui.end_row();
                }
            });
    }
}

impl Tab for BackpropView {
    fn keys(&mut self, _ctx: &egui::Context, pressed: &dyn Fn(Key) -> bool, _shared: &mut Shared) {
        if pressed(Key::S) || pressed(Key::Space) {
            self.step();
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared) -> Option<PlotRequest> {
        let (lang, line_scale) = (shared.lang, shared.line_scale);
        egui::CentralPanel::default()
            .show(ui, |ui| self.content_ui(ui, lang, line_scale))
            .inner
            .map(PlotRequest::from)
    }
}
