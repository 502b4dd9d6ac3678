//! Draws a figure model with egui_plot: the same `Figure` the exporters
//! write, so the screen and the files agree. egui_plot has no logarithmic
//! axes, so a Log10 axis plots log10 of the values with ticks at powers of
//! ten labelled in real units.

use egui::Color32;
use egui_plot::{
    Bar, BarChart, FilledArea, HLine, Legend, Line, LineStyle, Plot, PlotImage, PlotPoint, Points,
    VLine,
};

use crate::figures::{Figure, Orientation, Rgb, Scale, SeriesKind};
use crate::lang::Lang;

use super::legend;

fn color(c: Rgb) -> Color32 {
    Color32::from_rgb(c.0, c.1, c.2)
}

/// The plotted coordinate of a value on an axis (None: not drawable).
pub(super) fn to_plot(scale: Scale, v: f64) -> Option<f64> {
    match scale {
        Scale::Linear => v.is_finite().then_some(v),
        Scale::Log10 => (v > 0.0 && v.is_finite()).then(|| v.log10()),
    }
}

fn tick_label(scale: Scale, v: f64, categories: &[String]) -> String {
    if !categories.is_empty() {
        let index = v.round();
        if (v - index).abs() < 1e-6 && index >= 1.0 {
            return categories
                .get(index as usize - 1)
                .cloned()
                .unwrap_or_default();
        }
        return String::new();
    }
    match scale {
        Scale::Linear => {
            if v.abs() >= 1e5 {
                format!("{v:.0e}")
            } else {
                format!("{}", (v * 1e6).round() / 1e6)
            }
        }
        Scale::Log10 => log_label(v),
    }
}

/// Rows of vertical markers' labels at the top of a plot: more would
/// cover the data; a label with no room left in them is not drawn (the
/// line still is, and the exported figure labels every one).
const MARKER_LABEL_ROWS: usize = 3;

/// Each marker's label beside its line, as the exporters place them:
/// vertical ones along the top (left to right, in the first row with room,
/// flipped left of a line near the right edge), horizontal ones above
/// their line at the right.
fn marker_labels(
    ui: &egui::Ui,
    figure: &Figure,
    transform: &egui_plot::PlotTransform,
    line_scale: f32,
) {
    let frame = *transform.frame();
    let painter = ui.painter_at(frame);
    let font = egui::FontId::proportional(11.0 * line_scale.sqrt());
    let colour = |marker: &crate::figures::Marker| {
        if marker.color == crate::figures::build::GREY {
            ui.visuals().text_color()
        } else {
            color(marker.color)
        }
    };
    let mut vertical: Vec<(f32, &crate::figures::Marker)> = figure
        .markers
        .iter()
        .filter(|m| m.orientation == Orientation::Vertical && !m.label.is_empty())
        .filter_map(|m| {
            let x = transform.position_from_point_x(to_plot(figure.x.scale, m.value)?);
            frame.x_range().contains(x).then_some((x, m))
        })
        .collect();
    vertical.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Where each row's last label ends.
    let mut row_ends = [f32::NEG_INFINITY; MARKER_LABEL_ROWS];
    for (x, marker) in vertical {
        let galley = painter.layout_no_wrap(marker.label.clone(), font.clone(), colour(marker));
        let size = galley.size();
        let left = if x + 3.0 + size.x <= frame.right() - 2.0 {
            x + 3.0
        } else {
            x - 3.0 - size.x
        };
        let Some(row) = row_ends.iter().position(|&end| end + 4.0 <= left) else {
            continue;
        };
        row_ends[row] = left + size.x;
        let top = frame.top() + 2.0 + row as f32 * (size.y + 1.0);
        let backing = egui::Rect::from_min_size(egui::pos2(left, top), size).expand(1.0);
        painter.rect_filled(
            backing,
            2.0,
            ui.visuals().extreme_bg_color.gamma_multiply(0.8),
        );
        painter.galley(egui::pos2(left, top), galley, colour(marker));
    }
    for marker in &figure.markers {
        if marker.orientation != Orientation::Horizontal || marker.label.is_empty() {
            continue;
        }
        let Some(y) = to_plot(figure.y.scale, marker.value) else {
            continue;
        };
        let y = transform.position_from_point_y(y);
        if frame.y_range().contains(y) {
            painter.text(
                egui::pos2(frame.right() - 4.0, y - 2.0),
                egui::Align2::RIGHT_BOTTOM,
                &marker.label,
                font.clone(),
                colour(marker),
            );
        }
    }
}

/// A series' points in plot coordinates, leaving out what cannot be drawn.
pub(super) fn plotted(series: &crate::figures::Series, xs: Scale, ys: Scale) -> Vec<[f64; 2]> {
    series
        .points
        .iter()
        .filter_map(|p| Some([to_plot(xs, p[0])?, to_plot(ys, p[1])?]))
        .collect()
}

/// Where bars start, in plot coordinates: zero, or on a log axis a decade
/// below the smallest bar so every bar shows.
pub(super) fn bar_base(scale: Scale, points: &[[f64; 2]]) -> f64 {
    match scale {
        Scale::Linear => 0.0,
        Scale::Log10 => {
            points
                .iter()
                .map(|p| p[1])
                .fold(f64::INFINITY, f64::min)
                .floor()
                - 1.0
        }
    }
}

/// What the user asked of a plot through its export menu.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlotAction {
    /// PNG, SVG and CSV from the figure model, into the export folder.
    Files,
    /// PNG of the plot exactly as on screen (axes and legend included).
    ScreenPng,
    /// PNG at twice the plot's on-screen pixels, drawn from the model.
    SharpPng,
    /// The plot as on screen, to the clipboard.
    Copy,
}

/// Shows `figure` in the available width, `height` points tall, with an
/// export menu by its title. Returns the menu's choice, if any, and the
/// plot's rectangle (axes and legend included) for cropping screenshots.
/// `id` keeps the plot's zoom state apart from other plots.
pub fn figure_ui(
    ui: &mut egui::Ui,
    id: &str,
    figure: &Figure,
    height: f32,
    lang: Lang,
    line_scale: f32,
) -> (Option<PlotAction>, egui::Rect) {
    let action = ui
        .horizontal(|ui| {
            ui.label(egui::RichText::new(&figure.title).strong());
            export_menu_ui(ui, lang)
        })
        .inner;
    if !figure.subtitle.is_empty() || !figure.notes.is_empty() {
        let mut line = figure.subtitle.clone();
        for note in &figure.notes {
            if !line.is_empty() {
                line.push_str("  ·  ");
            }
            line.push_str(note);
        }
        // One line, so the plots of a row line up and the panel's height is
        // known; the whole text shows on hover.
        ui.add(egui::Label::new(egui::RichText::new(line).weak()).truncate());
    }
    let magnitudes = figure.heatmap.as_ref().filter(|h| h.classes.is_empty());
    if let Some(heatmap) = magnitudes {
        colour_scale_ui(ui, heatmap, lang);
    }
    let (xs, ys) = (figure.x.scale, figure.y.scale);
    let x_categories = figure.x.categories.clone();
    let y_categories = figure.y.categories.clone();
    // Category axes (layers) label every integer: allow labels closer
    // together than egui_plot's default 60 points.
    let x_spacing = if x_categories.is_empty() {
        40.0..=60.0
    } else {
        18.0..=24.0
    };
    let y_spacing = if y_categories.is_empty() {
        16.0..=24.0
    } else {
        14.0..=20.0
    };
    let x_axis = egui_plot::AxisHints::new_x()
        .label(figure.x.label.clone())
        .label_spacing(x_spacing)
        .formatter(move |mark, _| tick_label(xs, mark.value, &x_categories));
    let y_axis = egui_plot::AxisHints::new_y()
        .label(figure.y.label.clone())
        .label_spacing(y_spacing)
        .formatter(move |mark, _| tick_label(ys, mark.value, &y_categories));
    let mut plot = Plot::new(id)
        .height(height)
        .legend(Legend::default().position(legend::remembered_corner(
            ui,
            id,
            figure,
            egui::vec2(ui.available_width(), height),
        )))
        .custom_x_axes(vec![x_axis])
        .custom_y_axes(vec![y_axis])
        .allow_scroll(false);
    if ys == Scale::Log10 {
        plot = plot.y_grid_spacer(log_marks);
    }
    if xs == Scale::Log10 {
        plot = plot.x_grid_spacer(log_marks);
    }
    if !figure.x.categories.is_empty() {
        plot = plot.x_grid_spacer(integer_marks);
    } else if figure.x.integers && xs == Scale::Linear {
        plot = plot.x_grid_spacer(whole_number_marks);
    } else if xs == Scale::Linear {
        plot = plot.x_grid_spacer(linear_marks);
    }
    if !figure.y.categories.is_empty() {
        plot = plot.y_grid_spacer(integer_marks);
    }
    if let (Some(lo), Some(hi)) = (figure.x.min, figure.x.max) {
        plot = plot.include_x(lo).include_x(hi);
    }
    if let (Some(lo), Some(hi)) = (figure.y.min, figure.y.max)
        && let (Some(lo), Some(hi)) = (to_plot(ys, lo), to_plot(ys, hi))
    {
        plot = plot.include_y(lo).include_y(hi);
    }
    let mut heatmap = figure.heatmap.as_ref().and_then(|h| {
        let (texture, centre, size) = heatmap_image(ui.ctx(), ui.scope_id().with("heatmap"), h)?;
        // A magnitude scale is read off the colour scale above the plot,
        // not from a legend entry over the newest steps.
        let name = if h.classes.is_empty() {
            String::new()
        } else {
            h.value_label.clone()
        };
        Some(PlotImage::new(name, texture, centre, size))
    });
    // The scope's rectangle holds the axes too (the plot's own is the frame).
    let shown = ui.scope(|ui| {
        plot.show(ui, |plot_ui| {
            if let Some(image) = heatmap.take() {
                plot_ui.image(image);
            }
            let bar_series = figure
                .series
                .iter()
                .filter(|s| matches!(s.kind, SeriesKind::Bars { .. }))
                .count();
            let mut bar_index = 0;
            for series in &figure.series {
                let points = plotted(series, xs, ys);
                match series.kind {
                    SeriesKind::Line { width } => {
                        if !series.range.is_empty() {
                            band(plot_ui, series, xs, ys);
                        }
                        let style = if series.dashed {
                            LineStyle::dashed_loose()
                        } else {
                            LineStyle::Solid
                        };
                        // A lone point (a curve's first step) has no length: a dot.
                        if let [point] = points[..] {
                            plot_ui.points(
                                Points::new(series.name.clone(), vec![point])
                                    .color(color(series.color))
                                    .radius(2.0 * width.max(1.0) * line_scale.sqrt()),
                            );
                        }
                        plot_ui.line(
                            Line::new(series.name.clone(), points)
                                .color(color(series.color))
                                .width(width * line_scale)
                                .style(style),
                        );
                    }
                    SeriesKind::Points { radius } => {
                        plot_ui.points(
                            Points::new(series.name.clone(), points)
                                .color(color(series.color))
                                .radius(radius * line_scale.sqrt()),
                        );
                    }
                    SeriesKind::Bars { width } => {
                        // Side by side: offset each series within its slot.
                        let offset = (bar_index as f64 - (bar_series as f64 - 1.0) / 2.0) * width;
                        bar_index += 1;
                        let base = bar_base(ys, &points);
                        let bars = points
                            .iter()
                            .map(|p| {
                                Bar::new(p[0] + offset, p[1] - base)
                                    .base_offset(base)
                                    .width(width)
                            })
                            .collect();
                        plot_ui.bar_chart(
                            BarChart::new(series.name.clone(), bars).color(color(series.color)),
                        );
                    }
                }
            }
            for marker in &figure.markers {
                let style = if marker.dashed {
                    LineStyle::dashed_loose()
                } else {
                    LineStyle::Solid
                };
                match marker.orientation {
                    Orientation::Vertical => {
                        if let Some(x) = to_plot(xs, marker.value) {
                            plot_ui.vline(
                                // Labelled beside the line (`marker_labels`), not
                                // in the legend, where two grey dashed lines
                                // could not be told apart.
                                VLine::new("", x).color(color(marker.color)).style(style),
                            );
                        }
                    }
                    Orientation::Horizontal => {
                        if let Some(y) = to_plot(ys, marker.value) {
                            plot_ui
                                .hline(HLine::new("", y).color(color(marker.color)).style(style));
                        }
                    }
                }
            }
        })
    });
    marker_labels(ui, figure, &shown.inner.transform, line_scale);
    (action, shown.response.rect)
}

/// A heatmap's colour scale in one line: what the colours measure, the
/// strip from its lowest to its highest value (the exporters' colours),
/// and what grey means.
fn colour_scale_ui(ui: &mut egui::Ui, heatmap: &crate::figures::Heatmap, lang: Lang) {
    // A log10 scale reads in real units, as the log axes do.
    let (measure, end): (&str, fn(f64) -> String) = match heatmap.value_label.strip_prefix("log10 ")
    {
        Some(measure) => (measure, log_label),
        None => (&heatmap.value_label, |v| {
            format!("{}", (v * 100.0).round() / 100.0 + 0.0)
        }),
    };
    ui.horizontal(|ui| {
        ui.weak(format!("{measure}:"));
        ui.weak(end(heatmap.min));
        let size = egui::vec2(80.0, ui.text_style_height(&egui::TextStyle::Body) * 0.7);
        let (strip, _) = ui.allocate_exact_size(size, egui::Sense::hover());
        let painter = ui.painter_at(strip);
        let parts = 32;
        for i in 0..parts {
            let t = (f64::from(i) + 0.5) / f64::from(parts);
            let value = heatmap.min + t * (heatmap.max - heatmap.min);
            let x0 = strip.left() + strip.width() * i as f32 / parts as f32;
            let x1 = strip.left() + strip.width() * (i + 1) as f32 / parts as f32;
            let cell = egui::Rect::from_x_y_ranges(x0..=x1 + 0.5, strip.y_range());
            painter.rect_filled(cell, 0.0, color(heatmap.cell_color(value)));
        }
        ui.weak(end(heatmap.max));
        ui.weak(lang.pick("· grey: 0 or NaN", "· grigio: 0 o NaN"));
    });
}

/// The export menu of one plot.
fn export_menu_ui(ui: &mut egui::Ui, lang: Lang) -> Option<PlotAction> {
    let mut action = None;
    ui.menu_button(lang.pick("Export", "Esporta"), |ui| {
        let items = [
            (
                PlotAction::ScreenPng,
                lang.pick("PNG as on screen", "PNG come sullo schermo"),
                lang.pick(
                    "The plot exactly as shown, axes and legend included",
                    "Il grafico esattamente come mostrato, assi e legenda compresi",
                ),
            ),
            (
                PlotAction::SharpPng,
                lang.pick("PNG at 2× resolution", "PNG a risoluzione 2×"),
                lang.pick(
                    "Twice the on-screen pixels, drawn from the plot's data: sharp on slides",
                    "Il doppio dei pixel dello schermo, disegnato dai dati del grafico: nitido nelle slide",
                ),
            ),
            (
                PlotAction::Copy,
                lang.pick("Copy image", "Copia immagine"),
                lang.pick(
                    "The plot as on screen, to the clipboard",
                    "Il grafico come sullo schermo, negli appunti",
                ),
            ),
            (
                PlotAction::Files,
                lang.pick("PNG, SVG and CSV files", "File PNG, SVG e CSV"),
                lang.pick(
                    "Vector image and data table for handouts, in the export folder",
                    "Immagine vettoriale e tabella dei dati per le dispense, nella cartella di esportazione",
                ),
            ),
        ];
        for (choice, label, hover) in items {
            if ui.button(label).on_hover_text(hover).clicked() {
                action = Some(choice);
                ui.close();
            }
        }
    });
    action
}

/// Most columns a heatmap shows on screen: more would be finer than the
/// pixels and cost a frame's budget to tessellate (the exports keep all).
const SCREEN_COLUMNS: usize = 240;

/// The heatmap as one image: its texture (made again only when the cells
/// change), centre and size in plot coordinates. (egui_plot's own Heatmap formats and lays
/// out a label for every tile, every frame, shown or not: with 16 000
/// tiles, a third of the frame.) Colours are the exporters'.
fn heatmap_image(
    ctx: &egui::Context,
    id: egui::Id,
    heatmap: &crate::figures::Heatmap,
) -> Option<(egui::TextureId, PlotPoint, egui::Vec2)> {
    let (values, columns, width) = screen_cells(heatmap);
    let rows = heatmap.rows();
    if columns == 0 || rows == 0 {
        return None;
    }
    let key = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (rows, columns, heatmap.min.to_bits(), heatmap.max.to_bits()).hash(&mut h);
        values.iter().for_each(|v| v.to_bits().hash(&mut h));
        heatmap
            .classes
            .iter()
            .for_each(|c| (c.0, c.1, c.2).hash(&mut h));
        h.finish()
    };
    let cached = ctx.data(|d| d.get_temp::<(u64, egui::TextureHandle)>(id));
    let texture = match cached {
        Some((cached_key, texture)) if cached_key == key => texture,
        _ => {
            // Image rows run top down, heatmap rows bottom up.
            let pixels = (0..rows)
                .rev()
                .flat_map(|row| &values[row * columns..(row + 1) * columns])
                .map(|&v| color(heatmap.cell_color(v)))
                .collect();
            let image = egui::ColorImage::new([columns, rows], pixels);
            let texture = ctx.load_texture("heatmap", image, egui::TextureOptions::NEAREST);
            ctx.data_mut(|d| d.insert_temp(id, (key, texture.clone())));
            texture
        }
    };
    let (x0, y0) = (heatmap.x_edges[0], heatmap.y_edges[0]);
    let size = egui::vec2(
        (width * columns as f64) as f32,
        (heatmap.y_edges[rows] - y0) as f32,
    );
    let centre = PlotPoint::new(x0 + f64::from(size.x) / 2.0, y0 + f64::from(size.y) / 2.0);
    Some((texture.id(), centre, size))
}

/// The heatmap's cells averaged down to at most `SCREEN_COLUMNS` columns:
/// (row-major values, columns, column width in x units). Cells with no
/// finite value stay NaN (drawn grey, as the exporters do).
fn screen_cells(heatmap: &crate::figures::Heatmap) -> (Vec<f64>, usize, f64) {
    let (rows, columns) = (heatmap.rows(), heatmap.columns());
    if columns == 0 || rows == 0 || heatmap.values.len() < rows * columns {
        return (Vec::new(), 0, 1.0);
    }
    let group = columns.div_ceil(SCREEN_COLUMNS);
    let shown = columns.div_ceil(group);
    let mut values = Vec::with_capacity(rows * shown);
    for row in 0..rows {
        let cells = &heatmap.values[row * columns..(row + 1) * columns];
        for chunk in cells.chunks(group) {
            let finite: Vec<f64> = chunk.iter().copied().filter(|v| v.is_finite()).collect();
            values.push(if finite.is_empty() {
                f64::NAN
            } else {
                finite.iter().sum::<f64>() / finite.len() as f64
            });
        }
    }
    let width = (heatmap.x_edges[columns] - heatmap.x_edges[0]) / shown as f64;
    (values, shown, width)
}

/// A mark at every integer in view (layers are integers). Each mark's
/// step size is the coarsest of 1, 5, 10, 50, 100 that divides it, so
/// egui_plot labels every integer when there is room and every 5th, 10th,
/// ... when there is not: evenly spaced, never colliding. (The chain is
/// nested on purpose: with 2 in it, 4, 5 and 6 would all be labelled.)
fn integer_marks(input: egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
    let (lo, hi) = input.bounds;
    if !(lo.is_finite() && hi.is_finite()) || hi - lo > 100_000.0 {
        return Vec::new();
    }
    let mut marks = Vec::new();
    let mut v = lo.ceil();
    while v <= hi {
        let step = [100.0, 50.0, 10.0, 5.0]
            .into_iter()
            .find(|&s| v % s == 0.0)
            .unwrap_or(1.0);
        marks.push(egui_plot::GridMark {
            value: v,
            step_size: step,
        });
        v += 1.0;
    }
    marks
}

/// Marks at multiples of the finest power of ten egui_plot draws, each
/// with the coarsest step of a nested chain (1, 2, 10, 20, 100, ... times
/// it) that it sits on: egui_plot labels those whose step has room, so
/// labels stay evenly spaced, and a tanh's −4.9..4.9 reads −4, −2, 0, 2,
/// 4 rather than a lone 0 (its own spacer jumps from 1 to 10 at once).
fn linear_marks(input: egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
    let (lo, hi) = input.bounds;
    if !(lo.is_finite() && hi.is_finite() && hi > lo && input.base_step_size > 0.0) {
        return Vec::new();
    }
    let mut unit = 10f64.powf(input.base_step_size.log10().floor());
    while (hi - lo) / unit > 2000.0 {
        unit *= 10.0;
    }
    let (first, last) = ((lo / unit).ceil() as i64, (hi / unit).floor() as i64);
    (first..=last)
        .map(|k| {
            let multiple = [100_000, 20_000, 10_000, 2_000, 1_000, 200, 100, 20, 10, 2]
                .into_iter()
                .find(|m| k % m == 0)
                .unwrap_or(1);
            egui_plot::GridMark {
                value: k as f64 * unit,
                step_size: multiple as f64 * unit,
            }
        })
        .collect()
}

/// `linear_marks` on whole numbers only: an axis of steps or depths never
/// reads 2.5.
fn whole_number_marks(input: egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
    let mut marks = linear_marks(input);
    marks.retain(|m| m.step_size >= 1.0);
    marks
}

/// Marks on a log10 axis. Over a decade or more: every power of ten (every
/// 2nd, 5th, ... when there are many), and inside a decade 2 and 5 times
/// it, then every integer multiple. Inside less than a decade (a loss
/// between 1.09 and 1.3): round values a linear axis would pick. Each
/// mark's step size is its distance to the next, so egui_plot labels only
/// those with room.
fn log_marks(input: egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
    let (lo, hi) = input.bounds;
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo || hi - lo > 1000.0 {
        return Vec::new();
    }
    if hi - lo < 1.0 {
        return fine_log_marks(lo, hi);
    }
    let mut marks = Vec::new();
    for decade in (lo.floor() as i64)..=(hi.ceil() as i64) {
        // A nested chain (every 20th decade is also every 10th and 2nd):
        // egui_plot labels the marks whose step is wide enough on screen,
        // so the labels it keeps are evenly spaced. (2 and 5 are not
        // nested: -4, -5 and -6 would all be labelled at once.)
        let step = [100, 20, 10, 2]
            .into_iter()
            .find(|&s| decade % s == 0)
            .unwrap_or(1);
        // egui_plot draws a mark's label even outside the plot: keep to the view.
        if (lo..=hi).contains(&(decade as f64)) {
            marks.push(egui_plot::GridMark {
                value: decade as f64,
                step_size: step as f64,
            });
        }
        for multiple in 2..=9 {
            let value = decade as f64 + f64::from(multiple).log10();
            if value < lo || value > hi {
                continue;
            }
            let step_size = if multiple == 2 || multiple == 5 {
                0.3
            } else {
                0.05
            };
            marks.push(egui_plot::GridMark { value, step_size });
        }
    }
    marks
}

/// Round values (steps of 1, 2 or 5 times a power of ten, about ten in
/// view) between 10^lo and 10^hi, at their log10 positions.
fn fine_log_marks(lo: f64, hi: f64) -> Vec<egui_plot::GridMark> {
    let (a, b) = (10f64.powf(lo), 10f64.powf(hi));
    let rough = (b - a) / 10.0;
    let power = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&s| s >= rough)
        .unwrap_or(10.0 * power);
    let mut marks = Vec::new();
    let mut k = (a / step).ceil();
    while k * step <= b && marks.len() < 100 {
        let value = k * step;
        marks.push(egui_plot::GridMark {
            value: value.log10(),
            step_size: ((value + step) / value).log10(),
        });
        k += 1.0;
    }
    marks
}

/// The label of a mark at log10 value `v`: the real value, plainly
/// between 0.001 and 10 000 ("0.5", "1.15", "300"), else as "2e-5".
fn log_label(v: f64) -> String {
    let real = 10f64.powf(v);
    if !real.is_finite() || real <= 0.0 {
        return String::new();
    }
    if (1e-3..1e4).contains(&real) {
        // Four significant digits, trailing zeros dropped.
        let decimals = (3 - real.log10().floor() as i32).max(0) as usize;
        let text = format!("{real:.decimals$}");
        if text.contains('.') {
            text.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            text
        }
    } else {
        let decade = real.log10().floor();
        let mantissa = real / 10f64.powf(decade);
        let rounded = (mantissa * 100.0).round() / 100.0;
        if rounded >= 10.0 {
            format!("1e{}", decade as i64 + 1)
        } else {
            format!("{rounded}e{}", decade as i64)
        }
    }
}

/// The min..max band behind a decimated line.
fn band(
    plot_ui: &mut egui_plot::PlotUi<'_>,
    series: &crate::figures::Series,
    xs: Scale,
    ys: Scale,
) {
    let mut x = Vec::new();
    let mut lo = Vec::new();
    let mut hi = Vec::new();
    for (p, r) in series.points.iter().zip(&series.range) {
        if let (Some(px), Some(l), Some(h)) =
            (to_plot(xs, p[0]), to_plot(ys, r[0]), to_plot(ys, r[1]))
        {
            x.push(px);
            lo.push(l);
            hi.push(h);
        }
    }
    if x.len() > 1 {
        let c = series.color;
        plot_ui.add(
            FilledArea::new(format!("{} (min-max)", series.name), &x, &lo, &hi)
                .fill_color(Color32::from_rgba_unmultiplied(c.0, c.1, c.2, 50)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_labels_read_as_plain_numbers_near_one() {
        assert_eq!(log_label(0.0), "1");
        assert_eq!(log_label(-3.0), "0.001");
        assert_eq!(log_label(-4.0), "1e-4");
        assert_eq!(log_label(2f64.log10() - 1.0), "0.2");
        assert_eq!(log_label(5f64.log10() + 4.0), "5e4");
        assert_eq!(log_label(1.15f64.log10()), "1.15");
        assert_eq!(log_label(2.5f64.log10() - 7.0), "2.5e-7");
    }

    #[test]
    fn a_narrow_range_gets_round_values() {
        let marks = log_marks(egui_plot::GridInput {
            bounds: (1.09f64.log10(), 1.3f64.log10()),
            base_step_size: 0.001,
        });
        let labels: Vec<String> = marks.iter().map(|m| log_label(m.value)).collect();
        assert_eq!(labels, ["1.1", "1.15", "1.2", "1.25", "1.3"]);
    }

    #[test]
    fn decade_labels_thin_out_evenly_over_many_decades() {
        let marks = log_marks(egui_plot::GridInput {
            bounds: (-17.5, 8.5),
            base_step_size: 0.1,
        });
        let decades: Vec<&egui_plot::GridMark> =
            marks.iter().filter(|m| m.value.fract() == 0.0).collect();
        // egui_plot keeps the labels of marks whose step is at least some
        // threshold: whatever it is, what stays is evenly spaced.
        for threshold in [1.0, 2.0, 10.0, 20.0] {
            let kept: Vec<f64> = decades
                .iter()
                .filter(|m| m.step_size >= threshold)
                .map(|m| m.value)
                .collect();
            let gaps: Vec<f64> = kept.windows(2).map(|w| w[1] - w[0]).collect();
            assert!(
                gaps.windows(2).all(|g| g[0] == g[1]),
                "uneven labels at threshold {threshold}: {kept:?}"
            );
        }
    }

    #[test]
    fn a_heatmap_becomes_one_texture_made_again_only_when_it_changes() {
        let ctx = egui::Context::default();
        let id = egui::Id::unique("test heatmap");
        let mut heatmap = crate::figures::Heatmap {
            x_edges: vec![0.0, 10.0, 20.0, 30.0],
            y_edges: vec![0.5, 1.5, 2.5],
            values: vec![-3.0, -2.0, f64::NAN, -1.0, 0.0, -2.5],
            value_label: "log10".into(),
            min: -3.0,
            max: 0.0,
            classes: Vec::new(),
        };
        let texture = |h: &crate::figures::Heatmap| heatmap_image(&ctx, id, h).expect("cells");
        let (first, centre, size) = texture(&heatmap);
        assert_eq!((centre.x, centre.y), (15.0, 1.5));
        assert_eq!(size, egui::vec2(30.0, 2.0));
        assert_eq!(texture(&heatmap).0, first, "unchanged cells, same texture");
        heatmap.values[0] = -2.9;
        assert_ne!(texture(&heatmap).0, first, "a changed cell, a new texture");
    }

    #[test]
    fn linear_labels_are_evenly_spaced_at_every_density() {
        let marks = linear_marks(egui_plot::GridInput {
            bounds: (-4.9, 4.9),
            base_step_size: 0.3,
        });
        let at = |threshold: f64| -> Vec<f64> {
            marks
                .iter()
                .filter(|m| m.step_size >= threshold)
                .map(|m| m.value)
                .collect()
        };
        assert_eq!(at(2.0), [-4.0, -2.0, 0.0, 2.0, 4.0]);
        for threshold in [0.1, 0.2, 1.0, 2.0, 10.0] {
            let kept = at(threshold);
            let gaps: Vec<f64> = kept.windows(2).map(|w| w[1] - w[0]).collect();
            assert!(
                gaps.windows(2).all(|g| (g[0] - g[1]).abs() < 1e-9),
                "uneven at {threshold}: {kept:?}"
            );
        }
    }

    #[test]
    fn whole_number_axes_mark_only_integers() {
        let marks = whole_number_marks(egui_plot::GridInput {
            bounds: (1.9, 4.1),
            base_step_size: 0.01,
        });
        let values: Vec<f64> = marks.iter().map(|m| m.value).collect();
        assert!(values.contains(&2.0) && values.contains(&4.0), "{values:?}");
        assert!(values.iter().all(|v| v.fract() == 0.0), "{values:?}");
    }

    #[test]
    fn a_decade_gets_marks_at_its_multiples() {
        let marks = log_marks(egui_plot::GridInput {
            bounds: (-0.6, 0.05),
            base_step_size: 0.01,
        });
        let labels: Vec<String> = marks.iter().map(|m| log_label(m.value)).collect();
        for expected in ["0.3", "0.5", "0.9", "1"] {
            assert!(labels.iter().any(|l| l == expected), "{labels:?}");
        }
        assert!(
            marks
                .iter()
                .all(|m| (-0.6..=0.05).contains(&m.value) || m.value.fract() == 0.0)
        );
    }

    #[test]
    fn integer_marks_are_coarser_on_round_numbers() {
        let marks = integer_marks(egui_plot::GridInput {
            bounds: (0.5, 20.5),
            base_step_size: 0.1,
        });
        assert_eq!(marks.len(), 20);
        let step = |v: f64| marks.iter().find(|m| m.value == v).map(|m| m.step_size);
        assert_eq!(step(1.0), Some(1.0));
        assert_eq!(step(4.0), Some(1.0));
        assert_eq!(step(15.0), Some(5.0));
        assert_eq!(step(20.0), Some(10.0));
        for threshold in [1.0, 2.0, 5.0, 10.0] {
            let kept: Vec<f64> = marks
                .iter()
                .filter(|m| m.step_size >= threshold)
                .map(|m| m.value)
                .collect();
            let gaps: Vec<f64> = kept.windows(2).map(|w| w[1] - w[0]).collect();
            assert!(
                gaps.windows(2).all(|g| g[0] == g[1]),
                "uneven labels at threshold {threshold}: {kept:?}"
            );
        }
    }
}
