//! The geometry of an exported figure at a pixel size, as a list of
//! simple shapes in pixels (`scene`). The PNG and SVG exporters only paint
//! this list, so both files look the same.
//!
//! This file puts the parts together: title and subtitle, the room the
//! axes take, the axis ranges, then each part drawn in order by its own
//! file: `axes`, `heatmap`, `series`, `markers`, `legend` (with the
//! notes); a figure of tiles (image grids) is laid out by `tiles`
//! instead; `stamp` adds an animation frame's step counter in a free
//! corner. They share the plot's state (`canvas`), the sizes of text and
//! lines (`sizes`) and what text should avoid (`obstacles`).

mod axes;
mod canvas;
mod heatmap;
mod legend;
mod markers;
mod obstacles;
mod scene;
mod series;
mod sizes;
mod stamp;
mod tiles;

pub(super) use scene::{Anchor, Frame, Item, Label, Rgba, Scene, Shape};
pub(super) use stamp::stamp;

use axes::{axis_ticks, bottom_margin, left_margin};
use canvas::{Canvas, Placement};
use heatmap::ColorBar;
use legend::{legend_strip, notes_strip};
use obstacles::Obstacles;
use scene::{Builder, INK, SOFT_INK};
use sizes::{Sizes, fit_text};

use super::axis_space::{self, AxisMap, Extent, Span, Transform};
use super::model::{Figure, Orientation, Scale, SeriesKind};

/// Lays out `figure` on a `width` x `height` image.
pub(super) fn layout(figure: &Figure, width: u32, height: u32) -> Scene {
    if let Some(t) = &figure.tiles {
        return tiles::layout(figure, t, width, height);
    }
    let (scene, crowded) = build(figure, width, height, Placement::default());
    // A legend or notes box that would hide data moves above the plot,
    // which then gets a little shorter. Heatmaps are all data: moving
    // would not help.
    if (crowded.legend_above || crowded.notes_above) && figure.heatmap.is_none() {
        return build(figure, width, height, crowded).0;
    }
    scene
}

/// Lays out the figure with the legend and notes placed as `placement`
/// says; also returns which of them hid data where they were put.
fn build(figure: &Figure, width: u32, height: u32, placement: Placement) -> (Scene, Placement) {
    let sz = Sizes::new(width, height);
    let (w, h) = (width as f32, height as f32);
    let mut b = Builder { items: Vec::new() };
    let top = header(figure, &sz, w, &mut b, placement);
    let bottom = h - bottom_margin(figure, &sz);
    let x_span = axis_space::fit(&figure.x, &x_extent(figure));
    let y_span = axis_space::fit(&figure.y, &y_extent(figure));
    let y_ticks = axis_ticks(&figure.y, y_span, bottom - top, &sz, false);
    let left = left_margin(figure, &y_ticks, &sz);
    // Class regions explain themselves through the legend of their points.
    let colorbar = figure
        .heatmap
        .as_ref()
        .filter(|hm| hm.classes.is_empty())
        .map(|hm| ColorBar::new(hm, &sz));
    let right = colorbar.as_ref().map_or(sz.pad * 2.0, |c| c.room);
    let plot = plot_frame(left, top, w - right, bottom);
    let x_ticks = axis_ticks(&figure.x, x_span, plot.width(), &sz, true);
    let tf = transform(figure, (x_span, y_span), plot);
    let mut canvas = Canvas {
        figure,
        sz,
        height: h,
        plot,
        tf,
        placement,
        crowded: Placement::default(),
        obstacles: Obstacles::default(),
    };
    canvas.grid(&mut b, &x_ticks, &y_ticks);
    if let Some(hm) = &figure.heatmap {
        canvas.heatmap(&mut b, hm);
    }
    canvas.series(&mut b);
    canvas.marker_lines(&mut b);
    canvas.axes(&mut b, &x_ticks, &y_ticks);
    canvas.notes(&mut b);
    canvas.legend(&mut b);
    canvas.marker_labels(&mut b);
    if let (Some(bar), Some(hm)) = (colorbar, &figure.heatmap) {
        bar.draw(&mut b, hm, &canvas.sz, plot);
    }
    let scene = Scene {
        plot,
        items: b.items,
    };
    (scene, canvas.crowded)
}

/// Data to pixels within `plot` (the y axis runs upwards).
fn transform(figure: &Figure, (x_span, y_span): (Span, Span), plot: Frame) -> Transform {
    Transform {
        x: AxisMap {
            scale: figure.x.scale,
            span: x_span,
            p0: plot.x0 as f64,
            p1: plot.x1 as f64,
        },
        y: AxisMap {
            scale: figure.y.scale,
            span: y_span,
            p0: plot.y1 as f64,
            p1: plot.y0 as f64,
        },
    }
}

/// Title, subtitle, and the legend and notes when they go above the
/// plot; returns the top of the plot area.
fn header(figure: &Figure, sz: &Sizes, w: f32, b: &mut Builder, placement: Placement) -> f32 {
    let max = w - 2.0 * sz.pad;
    let mut y = sz.pad;
    if !figure.title.is_empty() {
        let (text, size) = fit_text(&figure.title, sz.title, max);
        y += size;
        b.push(Shape::Text(Label {
            x: w / 2.0,
            y: y - 0.2 * size,
            text,
            size,
            color: INK,
            anchor: Anchor::Middle,
            vertical: false,
            bold: true,
        }));
        y += 0.25 * size;
    }
    if !figure.subtitle.is_empty() {
        let (text, size) = fit_text(&figure.subtitle, sz.subtitle, max);
        y += size;
        b.text(
            w / 2.0,
            y - 0.2 * size,
            &text,
            size,
            SOFT_INK,
            Anchor::Middle,
        );
        y += 0.25 * size;
    }
    if placement.legend_above {
        y = legend_strip(figure, sz, w, b, y + sz.gap);
    }
    if placement.notes_above {
        y = notes_strip(figure, sz, w, b, y + sz.gap * 0.5);
    }
    y + 2.0 * sz.gap
}

/// The plot area, kept at least a few pixels wide on absurd inputs.
fn plot_frame(x0: f32, y0: f32, x1: f32, y1: f32) -> Frame {
    Frame {
        x0,
        y0,
        x1: x1.max(x0 + 10.0),
        y1: y1.max(y0 + 10.0),
    }
}

/// The data values that decide the x and y ranges of `figure` (an
/// animation fits every frame's axes to all of its frames' data).
pub(super) fn extents(figure: &Figure) -> (Extent, Extent) {
    (x_extent(figure), y_extent(figure))
}

fn x_extent(figure: &Figure) -> Extent {
    let mut e = Extent::default();
    for s in &figure.series {
        for p in &s.points {
            if let SeriesKind::Bars { width } = s.kind {
                e.padded.extend([p[0] - width / 2.0, p[0] + width / 2.0]);
            } else {
                e.padded.push(p[0]);
            }
        }
    }
    for m in &figure.markers {
        if m.orientation == Orientation::Vertical {
            e.padded.push(m.value);
        }
    }
    if let Some(hm) = &figure.heatmap {
        e.tight.extend(&hm.x_edges);
    }
    category_slots(&figure.x.categories, &mut e);
    e
}

fn y_extent(figure: &Figure) -> Extent {
    let mut e = Extent::default();
    for s in &figure.series {
        e.padded.extend(s.points.iter().map(|p| p[1]));
        e.padded.extend(s.range.iter().flatten());
        if matches!(s.kind, SeriesKind::Bars { .. }) && figure.y.scale == Scale::Linear {
            // Bars stand on zero, which should be the bottom (or top) edge.
            e.tight.push(0.0);
            e.base = Some(0.0);
        }
    }
    for m in &figure.markers {
        if m.orientation == Orientation::Horizontal {
            e.padded.push(m.value);
        }
    }
    if let Some(hm) = &figure.heatmap {
        e.tight.extend(&hm.y_edges);
    }
    category_slots(&figure.y.categories, &mut e);
    e
}

/// Categories sit at 1..=n, each in a slot one unit wide.
fn category_slots(categories: &[String], e: &mut Extent) {
    if !categories.is_empty() {
        e.tight.extend([0.5, categories.len() as f64 + 0.5]);
    }
}
