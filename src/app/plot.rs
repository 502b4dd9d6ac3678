//! Draws a figure model with egui_plot: the same `Figure` the exporters
//! write, so the screen and the files agree. Every rule of how it looks
//! comes from `figures`: axis space (egui_plot has no logarithmic axes,
//! so a Log10 axis plots log10 of the values), the axis marks and their
//! labels (`figures::screen`), where marker labels go
//! (`figures::marker_labels`) and the colours (`figures::colour`). This
//! file only turns them into egui_plot's items.

use egui::Color32;
use egui_plot::{
    Bar, BarChart, FilledArea, HLine, Legend, Line, LineStyle, Plot, PlotImage, PlotPoint, Points,
    VLine,
};

use crate::figures::axis_space::{line_runs, series_in_space, to_space};
use crate::figures::geometry::Frame;
use crate::figures::marker_labels::{Choice, LabelRules, Line as MarkerLine};
use crate::figures::screen::{self, MarkRule};
use crate::figures::{Axis, Figure, Marker, Orientation, Rgb, Scale, SeriesKind};
use crate::lang::Lang;

use super::legend;

fn color(c: Rgb) -> Color32 {
    Color32::from_rgb(c.0, c.1, c.2)
}

/// egui_plot's marks for an axis marked by `rule`.
fn grid_marks(rule: MarkRule, input: egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
    rule.marks(input.bounds, input.base_step_size)
        .into_iter()
        .map(|m| egui_plot::GridMark {
            value: m.value,
            step_size: m.step_size,
        })
        .collect()
}

/// Rows of vertical markers' labels at the top of a plot: more would
/// cover the data; a label with no room left in them is not drawn (the
/// line still is, and the exported figure labels every one).
const MARKER_LABEL_ROWS: usize = 3;

/// Room between a label and its neighbour in a row, in points.
const MARKER_LABEL_SPACING: f32 = 4.0;

/// The marker-label rule at the window's sizes (points): vertical lines'
/// labels in the first of a few rows along the top with room, right of
/// the line unless near the right edge; horizontal ones above their line.
fn marker_label_rules(frame: egui::Rect) -> LabelRules {
    LabelRules {
        area: Frame {
            x0: frame.left(),
            y0: frame.top(),
            x1: frame.right(),
            y1: frame.bottom(),
        },
        beside: 3.0,
        above: 2.0,
        top_inset: 2.0,
        side_inset: 4.0,
        rows: MARKER_LABEL_ROWS,
        row_factor: 1.0,
        row_gap: 1.0,
        choice: Choice::Fixed { edge_margin: 2.0 },
    }
}

/// Each marker's label beside its line, by the exporters' rule: vertical
/// ones left to right, each where it clears the labels already placed.
fn marker_labels(
    ui: &egui::Ui,
    figure: &Figure,
    transform: &egui_plot::PlotTransform,
    line_scale: f32,
) {
    let frame = *transform.frame();
    let painter = ui.painter_at(frame);
    let font = egui::FontId::proportional(11.0 * line_scale.sqrt());
    let colour = |marker: &Marker| {
        if marker.color == crate::figures::build::GREY {
            ui.visuals().text_color()
        } else {
            color(marker.color)
        }
    };
    let rules = marker_label_rules(frame);
    let mut vertical: Vec<(f32, &Marker)> = figure
        .markers
        .iter()
        .filter(|m| m.orientation == Orientation::Vertical && !m.label.is_empty())
        .filter_map(|m| {
            let x = transform.position_from_point_x(to_space(figure.x.scale, m.value)?);
            frame.x_range().contains(x).then_some((x, m))
        })
        .collect();
    vertical.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut placed: Vec<Frame> = Vec::new();
    for (x, marker) in vertical {
        let galley = painter.layout_no_wrap(marker.label.clone(), font.clone(), colour(marker));
        let size = galley.size();
        let clear = |f: &Frame| {
            let in_row = |p: &&Frame| p.y0 < f.y1 && f.y0 < p.y1;
            let crowded = placed
                .iter()
                .filter(in_row)
                .any(|p| p.x1 + MARKER_LABEL_SPACING > f.x0);
            if crowded { f32::INFINITY } else { 0.0 }
        };
        let Some(place) = rules.place(MarkerLine::Vertical(x), size.x, size.y, clear) else {
            continue;
        };
        placed.push(place);
        let top_left = egui::pos2(place.x0, place.y0);
        let backing = egui::Rect::from_min_size(top_left, size).expand(1.0);
        painter.rect_filled(
            backing,
            2.0,
            ui.visuals().extreme_bg_color.gamma_multiply(0.8),
        );
        painter.galley(top_left, galley, colour(marker));
    }
    for marker in &figure.markers {
        if marker.orientation != Orientation::Horizontal || marker.label.is_empty() {
            continue;
        }
        let Some(y) = to_space(figure.y.scale, marker.value) else {
            continue;
        };
        let y = transform.position_from_point_y(y);
        if !frame.y_range().contains(y) {
            continue;
        }
        let galley = painter.layout_no_wrap(marker.label.clone(), font.clone(), colour(marker));
        let size = galley.size();
        if let Some(place) = rules.place(MarkerLine::Horizontal(y), size.x, size.y, |_| 0.0) {
            painter.galley(egui::pos2(place.x0, place.y0), galley, colour(marker));
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
    /// An animated GIF over a range of steps (live plots only: the live
    /// tab opens its dialog, `live::gif`).
    Gif,
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
    plot_ui(ui, id, figure, height, (lang, line_scale), false)
}

/// `figure_ui` for a live plot, whose export menu also offers an
/// animated GIF over the steps replay recorded.
pub fn live_figure_ui(
    ui: &mut egui::Ui,
    id: &str,
    figure: &Figure,
    height: f32,
    lang: Lang,
    line_scale: f32,
) -> (Option<PlotAction>, egui::Rect) {
    plot_ui(ui, id, figure, height, (lang, line_scale), true)
}

fn plot_ui(
    ui: &mut egui::Ui,
    id: &str,
    figure: &Figure,
    height: f32,
    (lang, line_scale): (Lang, f32),
    animated: bool,
) -> (Option<PlotAction>, egui::Rect) {
    let action = ui
        .horizontal(|ui| {
            ui.label(egui::RichText::new(&figure.title).strong());
            export_menu_ui(ui, lang, animated)
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
    if let Some(tiles) = &figure.tiles {
        let rect = ui
            .scope(|ui| super::tiles::tiles_ui(ui, tiles, height, line_scale))
            .inner;
        return (action, rect);
    }
    let magnitudes = figure.heatmap.as_ref().filter(|h| h.classes.is_empty());
    if let Some(heatmap) = magnitudes {
        colour_scale_ui(ui, heatmap, lang);
    }
    let (xs, ys) = (figure.x.scale, figure.y.scale);
    let plot = Plot::new(id)
        .height(height)
        .legend(Legend::default().position(legend::remembered_corner(
            ui,
            id,
            figure,
            egui::vec2(ui.available_width(), height),
        )))
        .allow_scroll(false);
    let mut plot = with_axes(plot, figure);
    if let (Some(lo), Some(hi)) = (figure.x.min, figure.x.max) {
        plot = plot.include_x(lo).include_x(hi);
    }
    if let (Some(lo), Some(hi)) = (figure.y.min, figure.y.max)
        && let (Some(lo), Some(hi)) = (to_space(ys, lo), to_space(ys, hi))
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
                let points = series_in_space(series, xs, ys);
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
                        // Broken where a point is missing, as in the files.
                        for run in line_runs(series, xs, ys) {
                            // A lone point (a curve's first step) has no length: a dot.
                            if let [point] = run[..] {
                                plot_ui.points(
                                    Points::new(series.name.clone(), vec![point])
                                        .color(color(series.color))
                                        .radius(2.0 * width.max(1.0) * line_scale.sqrt()),
                                );
                            }
                            plot_ui.line(
                                Line::new(series.name.clone(), run)
                                    .color(color(series.color))
                                    .width(width * line_scale)
                                    .style(style),
                            );
                        }
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
                        let base = screen::bar_base(ys, &points);
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
                        if let Some(x) = to_space(xs, marker.value) {
                            plot_ui.vline(
                                // Labelled beside the line (`marker_labels`), not
                                // in the legend, where two grey dashed lines
                                // could not be told apart.
                                VLine::new("", x).color(color(marker.color)).style(style),
                            );
                        }
                    }
                    Orientation::Horizontal => {
                        if let Some(y) = to_space(ys, marker.value) {
                            plot_ui
                                .hline(HLine::new("", y).color(color(marker.color)).style(style));
                        }
                    }
                }
            }
        })
    });
    marker_labels(ui, figure, &shown.inner.transform, line_scale);
    cell_text(ui, figure, &shown.inner.transform, line_scale);
    (action, shown.response.rect)
}

/// The cell under the pointer, named by its row and column ("3 → 5: 2"),
/// beside the pointer: the counts of a matrix too fine to write them in.
fn hovered_cell(
    ui: &egui::Ui,
    figure: &Figure,
    hm: &crate::figures::Heatmap,
    text: &[String],
    transform: &egui_plot::PlotTransform,
) {
    let frame = *transform.frame();
    let Some(pointer) = ui.ctx().pointer_hover_pos().filter(|p| frame.contains(*p)) else {
        return;
    };
    let value = transform.value_from_position(pointer);
    let find = |edges: &[f64], v: f64| edges.windows(2).position(|w| w[0] <= v && v < w[1]);
    let (Some(column), Some(row)) = (find(&hm.x_edges, value.x), find(&hm.y_edges, value.y)) else {
        return;
    };
    let (Some(y_name), Some(x_name), Some(cell)) = (
        figure.y.categories.get(row),
        figure.x.categories.get(column),
        text.get(row * hm.columns() + column),
    ) else {
        return;
    };
    let painter = ui.painter_at(frame);
    let colour = ui.visuals().strong_text_color();
    let galley = painter.layout_no_wrap(
        format!("{y_name} → {x_name}: {cell}"),
        egui::FontId::proportional(12.0),
        colour,
    );
    let mut at = pointer + egui::vec2(12.0, -galley.size().y - 6.0);
    at.x = at.x.min(frame.right() - galley.size().x - 2.0);
    at.y = at.y.max(frame.top() + 2.0);
    let backing = egui::Rect::from_min_size(at, galley.size()).expand(3.0);
    painter.rect_filled(backing, 3.0, ui.visuals().extreme_bg_color);
    painter.galley(at, galley, colour);
}

/// A heatmap's cell text (a confusion matrix's counts), centred in each
/// cell, when the cells are big enough to hold all of it; in ink or white
/// as on the exported figure.
fn cell_text(
    ui: &egui::Ui,
    figure: &Figure,
    transform: &egui_plot::PlotTransform,
    line_scale: f32,
) {
    let Some((hm, cells)) = figure
        .heatmap
        .as_ref()
        .and_then(|hm| Some((hm, hm.cell_text.as_ref()?)))
    else {
        return;
    };
    let (xs, ys) = (figure.x.scale, figure.y.scale);
    let frame = *transform.frame();
    let painter = ui.painter_at(frame);
    let [dx, dy] = transform.dpos_dvalue();
    let cell_w = (hm.x_edges.get(1).zip(hm.x_edges.first()))
        .map_or(0.0, |(b, a)| ((b - a) * dx).abs() as f32);
    let cell_h = (hm.y_edges.get(1).zip(hm.y_edges.first()))
        .map_or(0.0, |(b, a)| ((b - a) * dy).abs() as f32);
    hovered_cell(ui, figure, hm, &cells.text, transform);
    let longest = cells
        .text
        .iter()
        .map(|t| t.chars().count())
        .max()
        .unwrap_or(0);
    let size = (11.0 * line_scale.sqrt())
        .min(0.55 * cell_h)
        .min(0.85 * cell_w / (0.6 * longest.max(1) as f32));
    if size < 8.0 {
        return;
    }
    let font = egui::FontId::proportional(size);
    for row in 0..hm.rows() {
        for column in 0..hm.columns() {
            let cell = row * hm.columns() + column;
            let (Some(text), Some(x), Some(y)) = (
                cells.text.get(cell),
                to_space(xs, (hm.x_edges[column] + hm.x_edges[column + 1]) / 2.0),
                to_space(ys, (hm.y_edges[row] + hm.y_edges[row + 1]) / 2.0),
            ) else {
                continue;
            };
            let at = transform.position_from_point(&PlotPoint::new(x, y));
            if !frame.contains(at) {
                continue;
            }
            let fill = hm.cell_color(hm.values.get(cell).copied().unwrap_or(f64::NAN));
            painter.text(
                at,
                egui::Align2::CENTER_CENTER,
                text,
                font.clone(),
                color(crate::figures::colour::text_on(fill)),
            );
        }
    }
}

/// `plot` with `figure`'s axes: titles, the marks `figures::screen` picks
/// for each axis, and their labels.
fn with_axes<'a>(mut plot: Plot<'a>, figure: &Figure) -> Plot<'a> {
    let x_axis = egui_plot::AxisHints::new_x()
        .label(figure.x.label.clone())
        .label_spacing(label_spacing(&figure.x, 40.0..=60.0, 18.0..=24.0));
    let y_axis = egui_plot::AxisHints::new_y()
        .label(figure.y.label.clone())
        .label_spacing(label_spacing(&figure.y, 16.0..=24.0, 14.0..=20.0));
    let (x_model, y_model) = (figure.x.clone(), figure.y.clone());
    plot = plot
        .custom_x_axes(vec![
            x_axis.formatter(move |mark, _| screen::label(&x_model, mark.value)),
        ])
        .custom_y_axes(vec![
            y_axis.formatter(move |mark, _| screen::label(&y_model, mark.value)),
        ]);
    if let Some(rule) = MarkRule::for_axis(&figure.x, true) {
        plot = plot.x_grid_spacer(move |input| grid_marks(rule, input));
    }
    if let Some(rule) = MarkRule::for_axis(&figure.y, false) {
        plot = plot.y_grid_spacer(move |input| grid_marks(rule, input));
    }
    plot
}

/// Room between tick labels, in points: category axes (layers) label
/// every integer, so their labels may be closer together than others'.
fn label_spacing(
    axis: &Axis,
    plain: std::ops::RangeInclusive<f32>,
    categories: std::ops::RangeInclusive<f32>,
) -> std::ops::RangeInclusive<f32> {
    if axis.categories.is_empty() {
        plain
    } else {
        categories
    }
}

/// A heatmap's colour scale in one line: what the colours measure, the
/// strip from its lowest to its highest value (the exporters' colours),
/// and what grey means.
fn colour_scale_ui(ui: &mut egui::Ui, heatmap: &crate::figures::Heatmap, lang: Lang) {
    let (measure, low, high) =
        screen::colour_scale_ends(&heatmap.value_label, heatmap.min, heatmap.max);
    ui.horizontal(|ui| {
        ui.weak(format!("{measure}:"));
        ui.weak(low);
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
        ui.weak(high);
        ui.weak(lang.pick("· grey: 0 or NaN", "· grigio: 0 o NaN"));
    });
}

/// The export menu of one plot.
fn export_menu_ui(ui: &mut egui::Ui, lang: Lang, animated: bool) -> Option<PlotAction> {
    let mut action = None;
    ui.menu_button(lang.pick("Export", "Esporta"), |ui| {
        let gif = (
            PlotAction::Gif,
            lang.pick("Animated GIF…", "GIF animata…"),
            lang.pick(
                "The plot over a range of steps, one frame per step, for slides",
                "Il grafico su un intervallo di passi, un fotogramma per passo, per le slide",
            ),
        );
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
        for (choice, label, hover) in items.into_iter().chain(animated.then_some(gif)) {
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
            (to_space(xs, p[0]), to_space(ys, r[0]), to_space(ys, r[1]))
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
            cell_text: None,
        };
        let texture = |h: &crate::figures::Heatmap| heatmap_image(&ctx, id, h).expect("cells");
        let (first, centre, size) = texture(&heatmap);
        assert_eq!((centre.x, centre.y), (15.0, 1.5));
        assert_eq!(size, egui::vec2(30.0, 2.0));
        assert_eq!(texture(&heatmap).0, first, "unchanged cells, same texture");
        heatmap.values[0] = -2.9;
        assert_ne!(texture(&heatmap).0, first, "a changed cell, a new texture");
    }
}
