//! Draws a figure model with egui_plot: the same `Figure` the exporters
//! write, so the screen and the files agree. egui_plot has no logarithmic
//! axes, so a Log10 axis plots log10 of the values with ticks at powers of
//! ten labelled in real units.

use egui::Color32;
use egui_plot::{
    Bar, BarChart, FilledArea, HLine, Heatmap, Legend, Line, LineStyle, Plot, PlotPoint, Points,
    VLine,
};

use crate::figures::{Figure, Orientation, Rgb, Scale, SeriesKind};
use crate::lang::Lang;

fn color(c: Rgb) -> Color32 {
    Color32::from_rgb(c.0, c.1, c.2)
}

/// The plotted coordinate of a value on an axis (None: not drawable).
fn to_plot(scale: Scale, v: f64) -> Option<f64> {
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
        Scale::Log10 => {
            if (v - v.round()).abs() < 1e-6 {
                format!("1e{}", v.round() as i64)
            } else {
                String::new()
            }
        }
    }
}

/// Shows `figure` in the available width, `height` points tall, with an
/// export button by its title; true when that button was clicked. `id`
/// keeps the plot's zoom state apart from other plots.
pub fn figure_ui(ui: &mut egui::Ui, id: &str, figure: &Figure, height: f32, lang: Lang) -> bool {
    let export = ui
        .horizontal(|ui| {
            ui.label(egui::RichText::new(&figure.title).strong());
            ui.small_button(lang.pick("Export", "Esporta"))
                .on_hover_text(lang.pick(
                    "Save this plot as PNG, SVG and CSV in the export folder",
                    "Salva questo grafico come PNG, SVG e CSV nella cartella di esportazione",
                ))
                .clicked()
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
        ui.label(egui::RichText::new(line).weak());
    }
    let (xs, ys) = (figure.x.scale, figure.y.scale);
    let x_categories = figure.x.categories.clone();
    let y_categories = figure.y.categories.clone();
    // Category axes (layers) label every integer: allow labels closer
    // together than egui_plot's default 60 points.
    let x_spacing = if x_categories.is_empty() {
        60.0..=80.0
    } else {
        18.0..=24.0
    };
    let y_spacing = if y_categories.is_empty() {
        20.0..=30.0
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
        .legend(Legend::default())
        .custom_x_axes(vec![x_axis])
        .custom_y_axes(vec![y_axis])
        .allow_scroll(false);
    if ys == Scale::Log10 {
        plot = plot.y_grid_spacer(egui_plot::log_grid_spacer(10));
    }
    if !figure.x.categories.is_empty() {
        plot = plot.x_grid_spacer(integer_marks);
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
    plot.show(ui, |plot_ui| {
        if let Some(heatmap) = &figure.heatmap {
            let (values, columns, width) = screen_cells(heatmap);
            if columns > 0 && heatmap.rows() > 0 {
                plot_ui.heatmap(
                    Heatmap::new(values, columns)
                        .at(PlotPoint::new(heatmap.x_edges[0], heatmap.y_edges[0]))
                        .tile_size(width as f32, 1.0)
                        .range(heatmap.min, heatmap.max)
                        .show_labels(false)
                        .name(heatmap.value_label.clone()),
                );
            }
        }
        let bar_series = figure
            .series
            .iter()
            .filter(|s| matches!(s.kind, SeriesKind::Bars { .. }))
            .count();
        let mut bar_index = 0;
        for series in &figure.series {
            let points: Vec<[f64; 2]> = series
                .points
                .iter()
                .filter_map(|p| Some([to_plot(xs, p[0])?, to_plot(ys, p[1])?]))
                .collect();
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
                    plot_ui.line(
                        Line::new(series.name.clone(), points)
                            .color(color(series.color))
                            .width(width)
                            .style(style),
                    );
                }
                SeriesKind::Points { radius } => {
                    plot_ui.points(
                        Points::new(series.name.clone(), points)
                            .color(color(series.color))
                            .radius(radius),
                    );
                }
                SeriesKind::Bars { width } => {
                    // Side by side: offset each series within its slot.
                    let offset = (bar_index as f64 - (bar_series as f64 - 1.0) / 2.0) * width;
                    bar_index += 1;
                    let base = if ys == Scale::Log10 {
                        points
                            .iter()
                            .map(|p| p[1])
                            .fold(f64::INFINITY, f64::min)
                            .floor()
                            - 1.0
                    } else {
                        0.0
                    };
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
                            VLine::new(marker.label.clone(), x)
                                .color(color(marker.color))
                                .style(style),
                        );
                    }
                }
                Orientation::Horizontal => {
                    if let Some(y) = to_plot(ys, marker.value) {
                        plot_ui.hline(
                            HLine::new(marker.label.clone(), y)
                                .color(color(marker.color))
                                .style(style),
                        );
                    }
                }
            }
        }
    });
    export
}

/// Most columns a heatmap shows on screen: more would be finer than the
/// pixels and cost a frame's budget to tessellate (the exports keep all).
const SCREEN_COLUMNS: usize = 240;

/// The heatmap's cells averaged down to at most `SCREEN_COLUMNS` columns:
/// (row-major values, columns, column width in x units). Missing cells
/// take the scale's minimum colour.
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
                heatmap.min
            } else {
                finite.iter().sum::<f64>() / finite.len() as f64
            });
        }
    }
    let width = (heatmap.x_edges[columns] - heatmap.x_edges[0]) / shown as f64;
    (values, shown, width)
}

/// A mark at every integer in view (layers are integers), thinned to at
/// most about 40 so labels never collide.
fn integer_marks(input: egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
    let (lo, hi) = input.bounds;
    let span = (hi - lo).max(1.0);
    let step = (span / 40.0).ceil().max(1.0);
    let mut marks = Vec::new();
    let mut v = (lo / step).ceil() * step;
    while v <= hi {
        marks.push(egui_plot::GridMark {
            value: v,
            step_size: step,
        });
        v += step;
    }
    marks
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
