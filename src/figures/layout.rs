//! The geometry of a figure at a pixel size, as a list of simple shapes in
//! pixels. The PNG and SVG exporters only paint this list, so both files
//! look the same.
//!
//! Sizes are set for a 1600x1000 image seen on a projector (title 34 px,
//! axis labels 24 px, tick labels 20 px) and scale with the image.

use super::font;
use super::model::{Axis, Figure, Heatmap, Orientation, Rgb, Scale, Series, SeriesKind};
use super::scale::{self, AxisMap, Extent, Span, Tick, Ticks, Transform};

/// A colour with opacity.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Rgba {
    pub rgb: Rgb,
    pub alpha: f32,
}

impl Rgba {
    pub const fn new(rgb: Rgb, alpha: f32) -> Rgba {
        Rgba { rgb, alpha }
    }

    pub const fn solid(rgb: Rgb) -> Rgba {
        Rgba::new(rgb, 1.0)
    }

    const fn gray(v: u8) -> Rgba {
        Rgba::solid(Rgb(v, v, v))
    }
}

const INK: Rgba = Rgba::gray(0x22);
const SOFT_INK: Rgba = Rgba::gray(0x55);
const FRAME: Rgba = Rgba::gray(0x66);
const GRID: Rgba = Rgba::gray(0xe2);
/// Boxes behind text drawn over data: opaque enough to read, thin enough
/// to see what is underneath.
const PANEL: Rgba = Rgba::new(Rgb(255, 255, 255), 0.85);
const PANEL_EDGE: Rgba = Rgba::gray(0xbb);
const BAND_ALPHA: f32 = 0.25;

/// A rectangle in pixels, y down.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Frame {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl Frame {
    pub fn width(&self) -> f32 {
        self.x1 - self.x0
    }

    pub fn height(&self) -> f32 {
        self.y1 - self.y0
    }

    fn contains(&self, x: f32, y: f32) -> bool {
        x >= self.x0 && x <= self.x1 && y >= self.y0 && y <= self.y1
    }

    fn overlap_area(&self, other: &Frame) -> f32 {
        let w = self.x1.min(other.x1) - self.x0.max(other.x0);
        let h = self.y1.min(other.y1) - self.y0.max(other.y0);
        w.max(0.0) * h.max(0.0)
    }

    fn inside(&self, outer: &Frame) -> bool {
        self.x0 >= outer.x0 && self.x1 <= outer.x1 && self.y0 >= outer.y0 && self.y1 <= outer.y1
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Anchor {
    Start,
    Middle,
    End,
}

/// One line of text. (x, y) is on the baseline, at the start, middle or
/// end of the text; a vertical label reads upwards, turned about (x, y).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Label {
    pub x: f32,
    pub y: f32,
    pub text: String,
    pub size: f32,
    pub color: Rgba,
    pub anchor: Anchor,
    pub vertical: bool,
    pub bold: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Shape {
    /// A filled rectangle; `crisp` ones (heatmap cells) are drawn without
    /// anti-aliasing so neighbours meet without seams.
    Rect {
        frame: Frame,
        fill: Rgba,
        crisp: bool,
    },
    /// A rectangle's outline.
    Outline {
        frame: Frame,
        color: Rgba,
        width: f32,
    },
    /// An open polyline; `dash` is (on, off) in pixels.
    Line {
        points: Vec<(f32, f32)>,
        color: Rgba,
        width: f32,
        dash: Option<(f32, f32)>,
    },
    /// A filled closed polygon.
    Polygon {
        points: Vec<(f32, f32)>,
        fill: Rgba,
    },
    Dot {
        x: f32,
        y: f32,
        radius: f32,
        fill: Rgba,
    },
    Text(Label),
}

#[derive(Clone, Debug, PartialEq)]
pub(super) struct Item {
    pub shape: Shape,
    /// Clipped to the plot area (data can lie outside fixed axis bounds).
    pub clipped: bool,
}

/// Everything to paint, in order.
#[derive(Clone, Debug)]
pub(super) struct Scene {
    pub plot: Frame,
    pub items: Vec<Item>,
}

/// Pixel sizes, scaled from the 1600x1000 reference.
#[derive(Clone, Copy, Debug)]
struct Sizes {
    s: f32,
    title: f32,
    subtitle: f32,
    axis: f32,
    tick: f32,
    legend: f32,
    note: f32,
    marker: f32,
    pad: f32,
    gap: f32,
    tick_len: f32,
}

impl Sizes {
    fn new(width: u32, height: u32) -> Sizes {
        let s = (width as f32 / 1600.0).min(height as f32 / 1000.0);
        // Below ~9 px text is unreadable anyway; small images get a little
        // more crowded instead.
        let font = |px: f32| (px * s).max(9.0);
        Sizes {
            s,
            title: font(34.0),
            subtitle: font(22.0),
            axis: font(24.0),
            tick: font(20.0),
            legend: font(20.0),
            note: font(19.0),
            marker: font(18.0),
            pad: 20.0 * s,
            gap: 10.0 * s,
            tick_len: 8.0 * s,
        }
    }

    fn line(&self, width: f32) -> f32 {
        (width * 1.5 * self.s).max(1.0)
    }
}

/// The room text takes in the SVG as well: its viewer picks DejaVu Sans
/// or Arial, which run up to ~15% wider than the embedded Ubuntu.
fn reserve(text: &str, size: f32) -> f32 {
    font::width(text, size) * 1.15
}

/// Text that fits `max` pixels: shrunk a little, then shortened.
fn fit_text(text: &str, size: f32, max: f32) -> (String, f32) {
    if reserve(text, size) <= max {
        return (text.to_string(), size);
    }
    let smaller = size * 0.8;
    if reserve(text, smaller) <= max {
        return (text.to_string(), smaller);
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let shortened: String = chars.iter().collect::<String>() + "...";
        if reserve(&shortened, smaller) <= max {
            return (shortened, smaller);
        }
    }
    (String::new(), smaller)
}

/// Text colour for an element drawn in `c`: light colours (yellow) are
/// darkened so the text stays readable on white.
fn readable(c: Rgb) -> Rgba {
    let luma = 0.2126 * c.0 as f32 + 0.7152 * c.1 as f32 + 0.0722 * c.2 as f32;
    if luma < 150.0 {
        return Rgba::solid(c);
    }
    let k = 150.0 / luma;
    let dim = |v: u8| (v as f32 * k) as u8;
    Rgba::solid(Rgb(dim(c.0), dim(c.1), dim(c.2)))
}

struct Builder {
    items: Vec<Item>,
}

impl Builder {
    fn push(&mut self, shape: Shape) {
        self.items.push(Item {
            shape,
            clipped: false,
        });
    }

    fn push_clipped(&mut self, shape: Shape) {
        self.items.push(Item {
            shape,
            clipped: true,
        });
    }

    fn text(&mut self, x: f32, y: f32, text: &str, size: f32, color: Rgba, anchor: Anchor) {
        if text.is_empty() {
            return;
        }
        self.push(Shape::Text(Label {
            x,
            y,
            text: text.to_string(),
            size,
            color,
            anchor,
            vertical: false,
            bold: false,
        }));
    }
}

/// Lays out `figure` on a `width` x `height` image.
pub(super) fn layout(figure: &Figure, width: u32, height: u32) -> Scene {
    let (scene, crowded) = build(figure, width, height, Placement::default());
    // A legend or notes box that would hide data moves above the plot,
    // which then gets a little shorter. Heatmaps are all data: moving
    // would not help.
    if (crowded.legend_above || crowded.notes_above) && figure.heatmap.is_none() {
        return build(figure, width, height, crowded).0;
    }
    scene
}

/// Where the legend and the notes go: inside the plot (in a corner), or
/// in a strip between the subtitle and the plot.
#[derive(Clone, Copy, Debug, Default)]
struct Placement {
    legend_above: bool,
    notes_above: bool,
}

/// The share of a box's area that may cover data before the box moves
/// out of the plot.
const MAX_HIDDEN: f32 = 0.03;

/// Lays out the figure with the legend and notes placed as `placement`
/// says; also returns which of them hid data where they were put.
fn build(figure: &Figure, width: u32, height: u32, placement: Placement) -> (Scene, Placement) {
    let sz = Sizes::new(width, height);
    let (w, h) = (width as f32, height as f32);
    let mut b = Builder { items: Vec::new() };
    let top = header(figure, &sz, w, &mut b, placement);
    let bottom = h - bottom_margin(figure, &sz);
    let x_span = scale::fit(&figure.x, &x_extent(figure));
    let y_span = scale::fit(&figure.y, &y_extent(figure));
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
    let tf = Transform {
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
    };
    let mut ctx = Ctx {
        figure,
        sz,
        height: h,
        plot,
        tf,
        placement,
        crowded: Placement::default(),
        obstacles: Obstacles::default(),
    };
    ctx.grid(&mut b, &x_ticks, &y_ticks);
    if let Some(hm) = &figure.heatmap {
        ctx.heatmap(&mut b, hm);
    }
    ctx.series(&mut b);
    ctx.marker_lines(&mut b);
    ctx.axes(&mut b, &x_ticks, &y_ticks);
    ctx.notes(&mut b);
    ctx.legend(&mut b);
    ctx.marker_labels(&mut b);
    if let (Some(bar), Some(hm)) = (colorbar, &figure.heatmap) {
        bar.draw(&mut b, hm, &ctx.sz, plot);
    }
    let scene = Scene {
        plot,
        items: b.items,
    };
    (scene, ctx.crowded)
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

/// The series that have a legend entry.
fn legend_entries(figure: &Figure) -> Vec<&Series> {
    figure
        .series
        .iter()
        .filter(|s| !s.name.is_empty())
        .collect()
}

/// The notes worth showing.
fn note_lines(figure: &Figure) -> Vec<&String> {
    figure.notes.iter().filter(|n| !n.is_empty()).collect()
}

/// The legend as rows of entries, centred, starting at `y`; returns the
/// y below it.
fn legend_strip(figure: &Figure, sz: &Sizes, w: f32, b: &mut Builder, y: f32) -> f32 {
    let (size, row, swatch_w) = (sz.legend, sz.legend * 1.5, swatch_width(sz));
    let max = w - 2.0 * sz.pad;
    let entries: Vec<(&Series, String, f32)> = legend_entries(figure)
        .into_iter()
        .map(|s| {
            let (name, size) = fit_text(&s.name, size, max - swatch_w - sz.gap);
            let width = swatch_w + sz.gap + reserve(&name, size);
            (s, name, width)
        })
        .collect();
    let spacing = 3.0 * sz.gap;
    // Greedy line filling: entries in order, a new row when one is full.
    let mut rows: Vec<Vec<&(&Series, String, f32)>> = Vec::new();
    let mut used = f32::INFINITY;
    for entry in &entries {
        if used + spacing + entry.2 > max {
            rows.push(Vec::new());
            used = -spacing;
        }
        used += spacing + entry.2;
        if let Some(last) = rows.last_mut() {
            last.push(entry);
        }
    }
    let mut y = y;
    for entries in rows {
        let total: f32 =
            entries.iter().map(|e| e.2).sum::<f32>() + spacing * (entries.len() as f32 - 1.0);
        let mut x = (w - total) / 2.0;
        let cy = y + row / 2.0;
        for (s, name, width) in entries {
            let f = Frame {
                x0: x,
                y0: cy - row * 0.35,
                x1: x + swatch_w,
                y1: cy + row * 0.35,
            };
            swatch(b, sz, s, f);
            b.text(
                x + swatch_w + sz.gap,
                cy + 0.35 * size,
                name,
                size,
                INK,
                Anchor::Start,
            );
            x += width + spacing;
        }
        y += row;
    }
    y
}

/// The notes as centred lines starting at `y`; returns the y below them.
fn notes_strip(figure: &Figure, sz: &Sizes, w: f32, b: &mut Builder, y: f32) -> f32 {
    let row = sz.note * 1.35;
    let mut y = y;
    for note in note_lines(figure) {
        let (text, size) = fit_text(note, sz.note, w - 2.0 * sz.pad);
        b.text(
            w / 2.0,
            y + row / 2.0 + 0.35 * size,
            &text,
            size,
            INK,
            Anchor::Middle,
        );
        y += row;
    }
    y
}

fn swatch_width(sz: &Sizes) -> f32 {
    40.0 * sz.s.max(0.4)
}

/// The legend's sample of a series, within `f`.
fn swatch(b: &mut Builder, sz: &Sizes, s: &Series, f: Frame) {
    let cy = (f.y0 + f.y1) / 2.0;
    match s.kind {
        SeriesKind::Line { width } => {
            if !s.range.is_empty() {
                let fill = Rgba::new(s.color, BAND_ALPHA);
                b.push(Shape::Rect {
                    frame: f,
                    fill,
                    crisp: false,
                });
            }
            let width = sz.line(width);
            let dash = s.dashed.then(|| dash_for(width, sz));
            let points = vec![(f.x0, cy), (f.x1, cy)];
            b.push(Shape::Line {
                points,
                color: Rgba::solid(s.color),
                width,
                dash,
            });
        }
        SeriesKind::Bars { .. } => {
            let half = f.height() * 0.45;
            let (x0, x1) = (f.x0 + f.width() * 0.2, f.x1 - f.width() * 0.2);
            let frame = Frame {
                x0,
                y0: cy - half,
                x1,
                y1: cy + half,
            };
            b.push(Shape::Rect {
                frame,
                fill: Rgba::solid(s.color),
                crisp: false,
            });
        }
        SeriesKind::Points { radius } => {
            let radius = (radius * 1.5 * sz.s).max(1.5);
            let (x, fill) = ((f.x0 + f.x1) / 2.0, Rgba::solid(s.color));
            b.push(Shape::Dot {
                x,
                y: cy,
                radius,
                fill,
            });
        }
    }
}

/// Room under the plot: tick marks, tick labels, the x label.
fn bottom_margin(figure: &Figure, sz: &Sizes) -> f32 {
    let label = if figure.x.label.is_empty() {
        0.0
    } else {
        sz.axis * 1.25 + sz.gap
    };
    sz.pad + label + sz.tick * 1.25 + sz.gap + sz.tick_len
}

/// Room left of the plot: the turned y label, the widest tick label.
fn left_margin(figure: &Figure, ticks: &Ticks, sz: &Sizes) -> f32 {
    let widest = ticks
        .major
        .iter()
        .map(|t| reserve(&t.label, sz.tick))
        .fold(0.0, f32::max);
    let label = if figure.y.label.is_empty() {
        0.0
    } else {
        sz.axis * 1.25 + sz.gap
    };
    sz.pad + label + widest + sz.gap + sz.tick_len
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

/// Ticks whose labels do not collide, as many as comfortably fit.
fn axis_ticks(axis: &Axis, span: Span, length: f32, sz: &Sizes, horizontal: bool) -> Ticks {
    let spacing = if horizontal { 120.0 } else { 80.0 } * sz.s;
    let start = ((length / spacing) as usize).clamp(2, 10);
    if !axis.categories.is_empty() {
        return category_axis_ticks(axis, span, length, sz, horizontal);
    }
    let mut fallback = Ticks::default();
    for target in (2..=start).rev() {
        let ticks = match axis.scale {
            Scale::Linear => {
                let mut major = scale::linear_ticks(span, target);
                if axis.integers {
                    // A step of 0.5 keeps its whole numbers, evenly spaced.
                    major.retain(|t| t.pos.fract() == 0.0);
                }
                Ticks {
                    major,
                    minor: Vec::new(),
                }
            }
            Scale::Log10 => scale::log_ticks(span, target),
        };
        if labels_fit(&ticks.major, span, length, sz, horizontal) {
            return ticks;
        }
        fallback = ticks;
    }
    fallback
}

fn category_axis_ticks(
    axis: &Axis,
    span: Span,
    length: f32,
    sz: &Sizes,
    horizontal: bool,
) -> Ticks {
    let mut major = Vec::new();
    for every in 1..=axis.categories.len().max(1) {
        major = scale::category_ticks(span, &axis.categories, every);
        if labels_fit(&major, span, length, sz, horizontal) {
            break;
        }
    }
    Ticks {
        major,
        minor: Vec::new(),
    }
}

/// Whether neighbouring tick labels keep a gap between them.
fn labels_fit(ticks: &[Tick], span: Span, length: f32, sz: &Sizes, horizontal: bool) -> bool {
    let px = |pos: f64| ((pos - span.lo) / span.len()) as f32 * length;
    let extent = |t: &Tick| {
        if horizontal {
            reserve(&t.label, sz.tick)
        } else {
            sz.tick
        }
    };
    ticks.windows(2).all(|pair| {
        let distance = (px(pair[1].pos) - px(pair[0].pos)).abs();
        distance >= (extent(&pair[0]) + extent(&pair[1])) / 2.0 + 1.5 * sz.gap
    })
}

/// What text boxes should avoid: data drawn in pixels, and other text.
#[derive(Default)]
struct Obstacles {
    points: Vec<(f32, f32)>,
    areas: Vec<Frame>,
    labels: Vec<Frame>,
}

impl Obstacles {
    /// How much a box at `frame` would hide: data covered, and (heavily)
    /// other text covered.
    fn cost(&self, frame: &Frame) -> f32 {
        let points = self
            .points
            .iter()
            .filter(|p| frame.contains(p.0, p.1))
            .count() as f32;
        let areas: f32 = self.areas.iter().map(|a| a.overlap_area(frame)).sum();
        let labels = self
            .labels
            .iter()
            .filter(|l| l.overlap_area(frame) > 0.0)
            .count() as f32;
        points + areas / 64.0 + labels * 1e6
    }

    /// The share of `frame` covered by data: each point stands for the
    /// 6x6 pixels around it.
    fn hidden(&self, frame: &Frame) -> f32 {
        let points = self
            .points
            .iter()
            .filter(|p| frame.contains(p.0, p.1))
            .count() as f32;
        let areas: f32 = self.areas.iter().map(|a| a.overlap_area(frame)).sum();
        (points * 36.0 + areas) / (frame.width() * frame.height()).max(1.0)
    }

    /// Points along a polyline, every few pixels, so long straight
    /// segments count as well as their ends.
    fn add_line(&mut self, points: &[(f32, f32)]) {
        for pair in points.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let steps = ((b.0 - a.0).hypot(b.1 - a.1) / 6.0)
                .ceil()
                .clamp(1.0, 10_000.0) as usize;
            for i in 0..steps {
                let t = i as f32 / steps as f32;
                self.points
                    .push((a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1)));
            }
        }
        self.points.extend(points.last());
    }
}

struct Ctx<'a> {
    figure: &'a Figure,
    sz: Sizes,
    /// The image height.
    height: f32,
    plot: Frame,
    tf: Transform,
    placement: Placement,
    /// What hid data where it was put (filled in while laying out).
    crowded: Placement,
    obstacles: Obstacles,
}

/// Pixel positions of a band's low and high edge at successive points.
type BandRun = Vec<((f32, f32), (f32, f32))>;

/// Pixel coordinates far outside the image are pulled in to this margin
/// so renderers never see huge or infinite numbers; everything beyond the
/// plot is clipped anyway.
const FAR: f64 = 4000.0;

impl Ctx<'_> {
    fn clamp(&self, (x, y): (f64, f64)) -> (f32, f32) {
        let p = &self.plot;
        (
            x.clamp(p.x0 as f64 - FAR, p.x1 as f64 + FAR) as f32,
            y.clamp(p.y0 as f64 - FAR, p.y1 as f64 + FAR) as f32,
        )
    }

    fn grid(&self, b: &mut Builder, x_ticks: &Ticks, y_ticks: &Ticks) {
        if self.figure.heatmap.is_some() {
            return; // the cells cover the grid
        }
        let width = self.sz.line(0.7);
        let p = self.plot;
        if self.figure.x.categories.is_empty() {
            for t in &x_ticks.major {
                let x = self.tf.x.px_of(t.pos) as f32;
                b.push(Shape::Line {
                    points: vec![(x, p.y0), (x, p.y1)],
                    color: GRID,
                    width,
                    dash: None,
                });
            }
        }
        if self.figure.y.categories.is_empty() {
            for t in &y_ticks.major {
                let y = self.tf.y.px_of(t.pos) as f32;
                b.push(Shape::Line {
                    points: vec![(p.x0, y), (p.x1, y)],
                    color: GRID,
                    width,
                    dash: None,
                });
            }
        }
    }

    fn heatmap(&mut self, b: &mut Builder, hm: &Heatmap) {
        let columns: Vec<Option<f32>> = hm
            .x_edges
            .iter()
            .map(|&v| self.tf.x.px(v).map(|p| p as f32))
            .collect();
        for row in 0..hm.rows() {
            let (Some(ya), Some(yb)) = (
                self.tf.y.px(hm.y_edges[row]),
                self.tf.y.px(hm.y_edges[row + 1]),
            ) else {
                continue;
            };
            let (y0, y1) = (ya.min(yb) as f32, ya.max(yb) as f32);
            self.heatmap_row(b, hm, row, &columns, (y0, y1));
        }
    }

    /// One row of cells; runs of equal colour become one rectangle, which
    /// keeps SVG files small for long runs.
    fn heatmap_row(
        &self,
        b: &mut Builder,
        hm: &Heatmap,
        row: usize,
        columns: &[Option<f32>],
        (y0, y1): (f32, f32),
    ) {
        let mut run: Option<(f32, f32, Rgba)> = None;
        let flush = |run: &mut Option<(f32, f32, Rgba)>, b: &mut Builder| {
            if let Some((x0, x1, fill)) = run.take() {
                let frame = Frame { x0, y0, x1, y1 };
                b.push_clipped(Shape::Rect {
                    frame,
                    fill,
                    crisp: true,
                });
            }
        };
        for column in 0..hm.columns() {
            let value = hm
                .values
                .get(row * hm.columns() + column)
                .copied()
                .unwrap_or(f64::NAN);
            let (Some(xa), Some(xb)) = (columns[column], columns[column + 1]) else {
                flush(&mut run, b);
                continue;
            };
            let (x0, x1) = (self.clamp_x(xa.min(xb)), self.clamp_x(xa.max(xb)));
            let fill = cell_color(hm, value);
            match &mut run {
                Some((_, end, color)) if *color == fill && (*end - x0).abs() < 0.01 => *end = x1,
                _ => {
                    flush(&mut run, b);
                    run = Some((x0, x1, fill));
                }
            }
        }
        flush(&mut run, b);
    }

    fn clamp_x(&self, x: f32) -> f32 {
        x.clamp(self.plot.x0 - 1.0, self.plot.x1 + 1.0)
    }

    fn series(&mut self, b: &mut Builder) {
        let figure = self.figure;
        let bar_count = figure
            .series
            .iter()
            .filter(|s| matches!(s.kind, SeriesKind::Bars { .. }))
            .count();
        // Bands first so no line disappears under another series' band.
        for s in &figure.series {
            self.band(b, s);
        }
        let mut bar_index = 0;
        for s in &figure.series {
            match s.kind {
                SeriesKind::Bars { width } => {
                    self.bars(b, s, width, bar_index, bar_count);
                    bar_index += 1;
                }
                SeriesKind::Line { width } => self.line(b, s, width),
                SeriesKind::Points { radius } => self.points(b, s, radius),
            }
        }
    }

    /// The min..max band of decimated data, as one polygon per unbroken run.
    fn band(&mut self, b: &mut Builder, s: &Series) {
        if s.range.len() != s.points.len() {
            return;
        }
        let mut run: BandRun = Vec::new();
        for (p, r) in s.points.iter().zip(&s.range) {
            match (self.tf.point([p[0], r[0]]), self.tf.point([p[0], r[1]])) {
                (Some(lo), Some(hi)) => run.push((self.clamp(lo), self.clamp(hi))),
                _ => self.flush_band(b, s, &mut run),
            }
        }
        self.flush_band(b, s, &mut run);
    }

    fn flush_band(&mut self, b: &mut Builder, s: &Series, run: &mut BandRun) {
        if run.len() >= 2 {
            let mut points: Vec<(f32, f32)> = run.iter().map(|(_, hi)| *hi).collect();
            points.extend(run.iter().rev().map(|(lo, _)| *lo));
            let fill = Rgba::new(s.color, BAND_ALPHA);
            self.obstacles.add_line(&points);
            b.push_clipped(Shape::Polygon { points, fill });
        }
        run.clear();
    }

    /// A polyline broken wherever a point cannot be shown.
    fn line(&mut self, b: &mut Builder, s: &Series, width: f32) {
        let width = self.sz.line(width);
        let dash = s.dashed.then(|| dash_for(width, &self.sz));
        let color = Rgba::solid(s.color);
        let mut runs: Vec<Vec<(f32, f32)>> = Vec::new();
        let mut current: Vec<(f32, f32)> = Vec::new();
        let mut previous: Option<(f64, f64)> = None;
        for p in &s.points {
            let Some(here) = self.tf.point(*p) else {
                runs.push(std::mem::take(&mut current));
                previous = None;
                continue;
            };
            if let Some(prev) = previous {
                self.add_segment(prev, here, &mut current, &mut runs);
            } else if self.visible(here) {
                current.push((here.0 as f32, here.1 as f32));
            }
            previous = Some(here);
        }
        runs.push(current);
        for points in runs.into_iter().filter(|r| !r.is_empty()) {
            // A lone point (a curve's first step) has no length: a dot.
            if let [(x, y)] = points[..] {
                self.obstacles.points.push((x, y));
                let radius = (width * 1.5).max(2.0);
                b.push_clipped(Shape::Dot {
                    x,
                    y,
                    radius,
                    fill: color,
                });
                continue;
            }
            self.obstacles.add_line(&points);
            b.push_clipped(Shape::Line {
                points,
                color,
                width,
                dash,
            });
        }
    }

    fn visible(&self, (x, y): (f64, f64)) -> bool {
        self.expanded().contains(x as f32, y as f32)
    }

    /// The plot area with a margin, so clipping never cuts a line's width.
    fn expanded(&self) -> Frame {
        let m = 20.0;
        Frame {
            x0: self.plot.x0 - m,
            y0: self.plot.y0 - m,
            x1: self.plot.x1 + m,
            y1: self.plot.y1 + m,
        }
    }

    /// Adds the visible part of segment a-b to the current run, starting a
    /// new run where the segment re-enters the plot.
    fn add_segment(
        &self,
        a: (f64, f64),
        b: (f64, f64),
        current: &mut Vec<(f32, f32)>,
        runs: &mut Vec<Vec<(f32, f32)>>,
    ) {
        let Some((ca, cb)) = clip_segment(a, b, &self.expanded()) else {
            runs.push(std::mem::take(current));
            return;
        };
        let start = (ca.0 as f32, ca.1 as f32);
        if current.last() != Some(&start) {
            runs.push(std::mem::take(current));
            current.push(start);
        }
        current.push((cb.0 as f32, cb.1 as f32));
        if cb != b {
            runs.push(std::mem::take(current));
        }
    }

    fn points(&mut self, b: &mut Builder, s: &Series, radius: f32) {
        let radius = (radius * 1.5 * self.sz.s).max(1.5);
        let fill = Rgba::solid(s.color);
        for p in &s.points {
            if let Some(here) = self.tf.point(*p) {
                let (x, y) = self.clamp(here);
                self.obstacles.points.push((x, y));
                b.push_clipped(Shape::Dot { x, y, radius, fill });
            }
        }
    }

    /// Bars of series `index` of `count`, side by side within each slot.
    fn bars(&mut self, b: &mut Builder, s: &Series, slot: f64, index: usize, count: usize) {
        let bar = slot / count.max(1) as f64;
        let fill = Rgba::solid(s.color);
        for p in &s.points {
            let left = p[0] - slot / 2.0 + index as f64 * bar;
            // A thin gap keeps neighbouring bars apart.
            let inset = bar * 0.04;
            let (Some(xa), Some(xb), Some(top)) = (
                self.tf.x.px(left + inset),
                self.tf.x.px(left + bar - inset),
                self.tf.y.px(p[1]),
            ) else {
                continue;
            };
            let base = self.bar_base();
            let (x0, y0) = self.clamp((xa.min(xb), top.min(base)));
            let (x1, y1) = self.clamp((xa.max(xb), top.max(base)));
            let frame = Frame { x0, y0, x1, y1 };
            self.obstacles.areas.push(frame);
            b.push_clipped(Shape::Rect {
                frame,
                fill,
                crisp: false,
            });
        }
    }

    /// Where bars start: zero on a linear axis, the bottom edge on a log
    /// axis (which has no zero).
    fn bar_base(&self) -> f64 {
        match self.figure.y.scale {
            Scale::Linear => {
                let span = self.tf.y.span;
                self.tf.y.px_of(0.0f64.clamp(span.lo, span.hi))
            }
            Scale::Log10 => self.plot.y1 as f64,
        }
    }

    fn marker_lines(&mut self, b: &mut Builder) {
        let p = self.plot;
        for m in &self.figure.markers {
            let width = self.sz.line(1.5);
            let dash = m.dashed.then(|| dash_for(width, &self.sz));
            let color = Rgba::solid(m.color);
            let points = match m.orientation {
                Orientation::Vertical => match self.tf.x.px(m.value) {
                    Some(x) => vec![(x as f32, p.y0), (x as f32, p.y1)],
                    None => continue,
                },
                Orientation::Horizontal => match self.tf.y.px(m.value) {
                    Some(y) => vec![(p.x0, y as f32), (p.x1, y as f32)],
                    None => continue,
                },
            };
            if points.iter().all(|q| self.expanded().contains(q.0, q.1)) {
                b.push_clipped(Shape::Line {
                    points,
                    color,
                    width,
                    dash,
                });
            }
        }
    }

    fn axes(&self, b: &mut Builder, x_ticks: &Ticks, y_ticks: &Ticks) {
        let p = self.plot;
        let sz = &self.sz;
        let line = sz.line(0.8);
        b.push(Shape::Outline {
            frame: p,
            color: FRAME,
            width: line,
        });
        for t in &x_ticks.major {
            let x = self.tf.x.px_of(t.pos) as f32;
            b.push(Shape::Line {
                points: vec![(x, p.y1), (x, p.y1 + sz.tick_len)],
                color: FRAME,
                width: line,
                dash: None,
            });
            let y = p.y1 + sz.tick_len + sz.gap + 0.8 * sz.tick;
            b.text(x, y, &t.label, sz.tick, INK, Anchor::Middle);
        }
        for &pos in &x_ticks.minor {
            let x = self.tf.x.px_of(pos) as f32;
            b.push(Shape::Line {
                points: vec![(x, p.y1), (x, p.y1 + sz.tick_len * 0.5)],
                color: FRAME,
                width: line,
                dash: None,
            });
        }
        for t in &y_ticks.major {
            let y = self.tf.y.px_of(t.pos) as f32;
            b.push(Shape::Line {
                points: vec![(p.x0 - sz.tick_len, y), (p.x0, y)],
                color: FRAME,
                width: line,
                dash: None,
            });
            b.text(
                p.x0 - sz.tick_len - sz.gap,
                y + 0.35 * sz.tick,
                &t.label,
                sz.tick,
                INK,
                Anchor::End,
            );
        }
        for &pos in &y_ticks.minor {
            let y = self.tf.y.px_of(pos) as f32;
            b.push(Shape::Line {
                points: vec![(p.x0 - sz.tick_len * 0.5, y), (p.x0, y)],
                color: FRAME,
                width: line,
                dash: None,
            });
        }
        self.axis_labels(b);
    }

    fn axis_labels(&self, b: &mut Builder) {
        let (p, sz) = (self.plot, &self.sz);
        let h = self.height;
        if !self.figure.x.label.is_empty() {
            let (text, size) = fit_text(&self.figure.x.label, sz.axis, p.width());
            b.text(
                (p.x0 + p.x1) / 2.0,
                h - sz.pad - 0.25 * size,
                &text,
                size,
                INK,
                Anchor::Middle,
            );
        }
        if !self.figure.y.label.is_empty() {
            let (text, size) = fit_text(&self.figure.y.label, sz.axis, p.height());
            b.push(Shape::Text(Label {
                x: sz.pad + 0.85 * size,
                y: (p.y0 + p.y1) / 2.0,
                text,
                size,
                color: INK,
                anchor: Anchor::Middle,
                vertical: true,
                bold: false,
            }));
        }
    }

    /// Notes in the top-left corner of the plot, on a panel.
    fn notes(&mut self, b: &mut Builder) {
        let notes = note_lines(self.figure);
        if notes.is_empty() || self.placement.notes_above {
            return;
        }
        let (sz, p) = (self.sz, self.plot);
        let row = sz.note * 1.35;
        let lines: Vec<(String, f32)> = notes
            .iter()
            .map(|n| fit_text(n, sz.note, p.width() * 0.6))
            .collect();
        let widest = lines
            .iter()
            .map(|(t, s)| reserve(t, *s))
            .fold(0.0, f32::max);
        let (x0, y0) = (p.x0 + sz.gap, p.y0 + sz.gap);
        let frame = Frame {
            x0,
            y0,
            x1: x0 + widest + 2.0 * sz.gap,
            y1: y0 + row * lines.len() as f32 + sz.gap,
        };
        self.crowded.notes_above = self.obstacles.hidden(&frame) > MAX_HIDDEN;
        panel(b, frame, &sz);
        for (i, (text, size)) in lines.iter().enumerate() {
            let y = y0 + sz.gap * 0.5 + row * (i as f32 + 0.5) + 0.35 * size;
            b.text(x0 + sz.gap, y, text, *size, INK, Anchor::Start);
        }
        self.obstacles.labels.push(frame);
    }

    /// The legend, in whichever corner hides the least data (top right
    /// when nothing is in the way).
    fn legend(&mut self, b: &mut Builder) {
        let entries = legend_entries(self.figure);
        if entries.is_empty() || self.placement.legend_above {
            return;
        }
        let (sz, p) = (self.sz, self.plot);
        let (size, row, swatch_w) = (sz.legend, sz.legend * 1.5, swatch_width(&sz));
        let max_text = (p.width() * 0.5 - swatch_w).max(size * 3.0);
        let names: Vec<(String, f32)> = entries
            .iter()
            .map(|s| fit_text(&s.name, size, max_text))
            .collect();
        let widest = names
            .iter()
            .map(|(t, s)| reserve(t, *s))
            .fold(0.0, f32::max);
        let w = swatch_w + widest + 3.0 * sz.gap;
        let h = row * entries.len() as f32 + sz.gap;
        let frame = self.best_corner(w, h);
        self.crowded.legend_above =
            self.obstacles.hidden(&frame) > MAX_HIDDEN || self.obstacles.cost(&frame) >= 1e6;
        panel(b, frame, &sz);
        for (i, (s, (name, name_size))) in entries.iter().zip(&names).enumerate() {
            let cy = frame.y0 + sz.gap * 0.5 + row * (i as f32 + 0.5);
            let x = frame.x0 + sz.gap;
            let f = Frame {
                x0: x,
                y0: cy - row * 0.35,
                x1: x + swatch_w,
                y1: cy + row * 0.35,
            };
            swatch(b, &sz, s, f);
            let y = cy + 0.35 * name_size;
            b.text(
                x + swatch_w + sz.gap,
                y,
                name,
                *name_size,
                INK,
                Anchor::Start,
            );
        }
        self.obstacles.labels.push(frame);
    }

    fn best_corner(&self, w: f32, h: f32) -> Frame {
        let (p, inset) = (self.plot, self.sz.gap);
        let (left, right) = (p.x0 + inset, p.x1 - inset - w);
        let (top, bottom) = (p.y0 + inset, p.y1 - inset - h);
        let corners = [(right, top), (left, top), (right, bottom), (left, bottom)];
        let frames = corners.map(|(x0, y0)| Frame {
            x0,
            y0,
            x1: x0 + w,
            y1: y0 + h,
        });
        let mut best = frames[0];
        let mut best_cost = self.obstacles.cost(&best);
        for frame in &frames[1..] {
            let cost = self.obstacles.cost(frame);
            // A clear preference for top right: a corner must be clearly
            // emptier to win.
            if cost < best_cost * 0.5 && best_cost - cost > 5.0 {
                best = *frame;
                best_cost = cost;
            }
        }
        best
    }

    /// Each marker's label beside its line, where it covers no other text.
    fn marker_labels(&mut self, b: &mut Builder) {
        for m in &self.figure.markers {
            if m.label.is_empty() {
                continue;
            }
            let size = self.sz.marker;
            let (text, size) = fit_text(&m.label, size, self.plot.width() * 0.5);
            let (w, h) = (reserve(&text, size) + self.sz.gap, size * 1.4);
            let candidates = match m.orientation {
                Orientation::Vertical => self
                    .tf
                    .x
                    .px(m.value)
                    .map(|x| self.beside_vertical(x as f32, w, h)),
                Orientation::Horizontal => self
                    .tf
                    .y
                    .px(m.value)
                    .map(|y| self.beside_horizontal(y as f32, w, h)),
            };
            let Some(candidates) = candidates else {
                continue;
            };
            // The first of the least covering places: candidates come in
            // order of preference.
            let mut best: Option<(Frame, f32)> = None;
            for frame in candidates.into_iter().filter(|f| f.inside(&self.plot)) {
                let cost = self.obstacles.cost(&frame);
                if best.is_none_or(|(_, c)| cost < c) {
                    best = Some((frame, cost));
                }
            }
            let Some((frame, _)) = best else {
                continue;
            };
            b.push(Shape::Rect {
                frame,
                fill: PANEL,
                crisp: false,
            });
            let y = (frame.y0 + frame.y1) / 2.0 + 0.35 * size;
            b.text(
                frame.x0 + self.sz.gap / 2.0,
                y,
                &text,
                size,
                readable(m.color),
                Anchor::Start,
            );
            self.obstacles.labels.push(frame);
        }
    }

    /// Label positions for a vertical line at x: near the top, right of
    /// the line then left of it, moving down row by row.
    fn beside_vertical(&self, x: f32, w: f32, h: f32) -> Vec<Frame> {
        let off = self.sz.gap * 0.6;
        (0..8)
            .flat_map(|row| {
                let y0 = self.plot.y0 + self.sz.gap + row as f32 * h * 1.1;
                [
                    Frame {
                        x0: x + off,
                        y0,
                        x1: x + off + w,
                        y1: y0 + h,
                    },
                    Frame {
                        x0: x - off - w,
                        y0,
                        x1: x - off,
                        y1: y0 + h,
                    },
                ]
            })
            .collect()
    }

    /// Label positions for a horizontal line at y: just above it at the
    /// right end, then the left end, then below it, then in between.
    fn beside_horizontal(&self, y: f32, w: f32, h: f32) -> Vec<Frame> {
        let (p, off, inset) = (self.plot, self.sz.gap * 0.3, self.sz.gap);
        let right = p.x1 - inset - w;
        let left = p.x0 + inset;
        let mut xs = vec![right, left];
        let steps = 8;
        xs.extend((1..steps).map(|i| right - (right - left) * i as f32 / steps as f32));
        let rows = [y - off - h, y + off];
        rows.iter()
            .flat_map(|&y0| {
                xs.iter().map(move |&x0| Frame {
                    x0,
                    y0,
                    x1: x0 + w,
                    y1: y0 + h,
                })
            })
            .collect()
    }
}

fn dash_for(width: f32, sz: &Sizes) -> (f32, f32) {
    (
        (4.0 * width).max(10.0 * sz.s),
        (2.5 * width).max(7.0 * sz.s),
    )
}

/// A light box behind text drawn over the plot.
fn panel(b: &mut Builder, frame: Frame, sz: &Sizes) {
    b.push(Shape::Rect {
        frame,
        fill: PANEL,
        crisp: false,
    });
    b.push(Shape::Outline {
        frame,
        color: PANEL_EDGE,
        width: sz.line(0.6),
    });
}

/// Segment a-b cut to `r` (Liang-Barsky); `None` when it misses.
fn clip_segment(a: (f64, f64), b: (f64, f64), r: &Frame) -> Option<((f64, f64), (f64, f64))> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    let checks = [
        (-dx, a.0 - r.x0 as f64),
        (dx, r.x1 as f64 - a.0),
        (-dy, a.1 - r.y0 as f64),
        (dy, r.y1 as f64 - a.1),
    ];
    for (p, q) in checks {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    // Unclipped ends are returned exactly, so runs join up.
    let at = |t: f64, end: (f64, f64)| {
        if t == 0.0 {
            a
        } else if t == 1.0 {
            end
        } else {
            (a.0 + t * dx, a.1 + t * dy)
        }
    };
    Some((at(t0, b), at(t1, b)))
}

/// Viridis, sampled at nine points: perceptually even and readable in
/// grey and for colour-blind viewers.
const VIRIDIS: [Rgb; 9] = [
    Rgb(68, 1, 84),
    Rgb(71, 44, 122),
    Rgb(59, 81, 139),
    Rgb(44, 113, 142),
    Rgb(33, 144, 141),
    Rgb(39, 173, 129),
    Rgb(92, 200, 99),
    Rgb(170, 220, 50),
    Rgb(253, 231, 37),
];

/// The colour of `t` in 0..=1 on the colour scale.
pub(super) fn colormap(t: f64) -> Rgb {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let x = t * (VIRIDIS.len() - 1) as f64;
    let i = (x.floor() as usize).min(VIRIDIS.len() - 2);
    let f = x - i as f64;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let mix = |p: u8, q: u8| (p as f64 + (q as f64 - p as f64) * f).round() as u8;
    Rgb(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

fn cell_color(hm: &Heatmap, value: f64) -> Rgba {
    Rgba::solid(hm.cell_color(value))
}

/// The colour scale right of a heatmap.
struct ColorBar {
    ticks: Vec<Tick>,
    widest: f32,
    /// Room from the plot's right edge to the image's.
    room: f32,
}

impl ColorBar {
    fn new(hm: &Heatmap, sz: &Sizes) -> ColorBar {
        let ticks = colorbar_ticks(hm);
        let widest = ticks
            .iter()
            .map(|t| reserve(&t.label, sz.tick))
            .fold(0.0, f32::max);
        let label = if hm.value_label.is_empty() {
            0.0
        } else {
            sz.axis * 1.25 + sz.gap
        };
        let room =
            3.0 * sz.gap + 26.0 * sz.s + sz.tick_len + sz.gap + widest + sz.gap + label + sz.pad;
        ColorBar {
            ticks,
            widest,
            room,
        }
    }

    fn draw(&self, b: &mut Builder, hm: &Heatmap, sz: &Sizes, plot: Frame) {
        let x0 = plot.x1 + 3.0 * sz.gap;
        let bar = Frame {
            x0,
            y0: plot.y0,
            x1: x0 + 26.0 * sz.s,
            y1: plot.y1,
        };
        let steps = 128;
        for i in 0..steps {
            let (t0, t1) = (i as f32 / steps as f32, (i + 1) as f32 / steps as f32);
            let frame = Frame {
                x0: bar.x0,
                x1: bar.x1,
                y0: bar.y1 - t1 * bar.height(),
                y1: bar.y1 - t0 * bar.height(),
            };
            let fill = Rgba::solid(colormap((t0 as f64 + t1 as f64) / 2.0));
            b.push(Shape::Rect {
                frame,
                fill,
                crisp: true,
            });
        }
        b.push(Shape::Outline {
            frame: bar,
            color: FRAME,
            width: sz.line(0.8),
        });
        let span = (hm.max - hm.min) as f32;
        for t in &self.ticks {
            let frac = if span > 0.0 {
                ((t.pos - hm.min) as f32 / span).clamp(0.0, 1.0)
            } else {
                0.5
            };
            let y = bar.y1 - frac * bar.height();
            b.push(Shape::Line {
                points: vec![(bar.x1, y), (bar.x1 + sz.tick_len, y)],
                color: FRAME,
                width: sz.line(0.8),
                dash: None,
            });
            b.text(
                bar.x1 + sz.tick_len + sz.gap,
                y + 0.35 * sz.tick,
                &t.label,
                sz.tick,
                INK,
                Anchor::Start,
            );
        }
        if !hm.value_label.is_empty() {
            let (text, size) = fit_text(&hm.value_label, sz.axis, bar.height());
            b.push(Shape::Text(Label {
                x: bar.x1 + sz.tick_len + 2.0 * sz.gap + self.widest + 0.85 * size,
                y: (bar.y0 + bar.y1) / 2.0,
                text,
                size,
                color: INK,
                anchor: Anchor::Middle,
                vertical: true,
                bold: false,
            }));
        }
    }
}

/// The scale's ends, and nice values between them that keep clear of
/// the ends' labels.
fn colorbar_ticks(hm: &Heatmap) -> Vec<Tick> {
    let (lo, hi) = (hm.min, hm.max);
    if !(lo.is_finite() && hi.is_finite()) {
        return Vec::new();
    }
    if hi <= lo {
        let label = scale::format_number(lo, lo.abs().max(1e-12) / 100.0, lo.abs());
        return vec![Tick { pos: lo, label }];
    }
    let span = Span { lo, hi };
    let step = scale::nice_step(span.len() / 5.0);
    let magnitude = lo.abs().max(hi.abs());
    // The ends are rarely round numbers: they get the digits they need,
    // up to two more than the step's.
    let end = |v: f64| {
        let label = [step, step / 10.0, step / 100.0]
            .iter()
            .map(|&s| scale::format_number(v, s, magnitude))
            .find(|l| l.parse::<f64>().is_ok_and(|r| (r - v).abs() <= step * 1e-6))
            .unwrap_or_else(|| scale::format_number(v, step / 100.0, magnitude));
        Tick { pos: v, label }
    };
    let mut ticks = vec![end(lo)];
    ticks.extend(scale::linear_ticks(span, 5).into_iter().filter(|t| {
        let clear = 0.08 * span.len();
        t.pos - lo > clear && hi - t.pos > clear
    }));
    ticks.push(end(hi));
    ticks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::model::{Marker, PALETTE};

    #[test]
    fn colormap_runs_dark_to_light() {
        assert_eq!(colormap(0.0), VIRIDIS[0]);
        assert_eq!(colormap(1.0), VIRIDIS[8]);
        assert_eq!(colormap(2.0), VIRIDIS[8]);
        assert_eq!(colormap(f64::NAN), VIRIDIS[0]);
        let mid = colormap(0.5);
        assert_eq!(mid, VIRIDIS[4]);
    }

    #[test]
    fn clipping_keeps_inside_ends_exactly() {
        let r = Frame {
            x0: 0.0,
            y0: 0.0,
            x1: 10.0,
            y1: 10.0,
        };
        assert_eq!(
            clip_segment((1.0, 1.0), (2.0, 2.0), &r),
            Some(((1.0, 1.0), (2.0, 2.0)))
        );
        assert_eq!(
            clip_segment((5.0, 5.0), (15.0, 5.0), &r),
            Some(((5.0, 5.0), (10.0, 5.0)))
        );
        assert_eq!(clip_segment((-5.0, -5.0), (-1.0, 20.0), &r), None);
    }

    #[test]
    fn integer_axes_have_no_ticks_between_whole_numbers() {
        let sz = Sizes::new(1600, 1000);
        for (lo, hi) in [(0.0, 2.0), (1.9, 4.1), (0.0, 7.0)] {
            let span = scale::Span { lo, hi };
            let ticks = axis_ticks(&Axis::integer("step"), span, 1200.0, &sz, true);
            assert!(ticks.major.len() >= 2, "{lo}..{hi}: {:?}", ticks.major);
            assert!(
                ticks.major.iter().all(|t| t.pos.fract() == 0.0),
                "{lo}..{hi}: {:?}",
                ticks.major
            );
            // The same span on a plain axis gets fractions: the test bites.
            let plain = axis_ticks(&Axis::linear("x"), span, 1200.0, &sz, true);
            assert!(plain.major.iter().any(|t| t.pos.fract() != 0.0));
        }
    }

    #[test]
    fn a_line_of_one_point_is_drawn_as_a_dot() {
        let mut f = Figure::new("t", "T", Axis::integer("step"), Axis::log("E"));
        f.series
            .push(Series::line("E", PALETTE[0], vec![[0.0, 0.298]]));
        let scene = layout(&f, 800, 500);
        let dots = scene
            .items
            .iter()
            .filter(|i| matches!(&i.shape, Shape::Dot { fill, .. } if fill.rgb == PALETTE[0]))
            .count();
        assert_eq!(dots, 1);
    }

    #[test]
    fn lines_break_at_non_finite_points() {
        let mut f = Figure::new("t", "T", Axis::linear("x"), Axis::linear("y"));
        let pts = vec![
            [0.0, 1.0],
            [1.0, 2.0],
            [2.0, f64::NAN],
            [3.0, 1.0],
            [4.0, 2.0],
        ];
        f.series.push(Series::line("", PALETTE[0], pts));
        let scene = layout(&f, 800, 500);
        let lines = scene
            .items
            .iter()
            .filter(|i| {
                i.clipped
                    && matches!(&i.shape, Shape::Line { color, .. } if color.rgb == PALETTE[0])
            })
            .count();
        assert_eq!(lines, 2);
    }

    #[test]
    fn marker_labels_stay_inside_the_plot() {
        let mut f = Figure::new("t", "T", Axis::linear("x"), Axis::linear("y"));
        f.series
            .push(Series::line("a", PALETTE[0], vec![[0.0, 0.0], [10.0, 1.0]]));
        for value in [0.0, 9.9] {
            f.markers.push(Marker {
                label: "a long marker label".into(),
                color: PALETTE[1],
                orientation: Orientation::Vertical,
                value,
                dashed: true,
            });
        }
        let scene = layout(&f, 1600, 1000);
        for item in &scene.items {
            if let Shape::Text(l) = &item.shape
                && l.text == "a long marker label"
            {
                assert!(
                    l.x >= scene.plot.x0 && l.x + font::width(&l.text, l.size) <= scene.plot.x1
                );
            }
        }
    }

    fn texts(scene: &Scene) -> Vec<&Label> {
        scene
            .items
            .iter()
            .filter_map(|i| match &i.shape {
                Shape::Text(l) => Some(l),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn legend_moves_above_the_plot_when_data_fill_the_corners() {
        let mut f = Figure::new("t", "T", Axis::linear("x"), Axis::linear("y"));
        let grid = (0..80 * 80)
            .map(|i| [(i % 80) as f64, (i / 80) as f64])
            .collect();
        f.series
            .push(Series::points("everywhere", PALETTE[0], 3.0, grid));
        f.notes.push("a note long enough to cover data".into());
        let scene = layout(&f, 1600, 1000);
        for name in ["everywhere", "a note long enough to cover data"] {
            let label = texts(&scene).into_iter().find(|l| l.text == name);
            assert!(
                label.is_some_and(|l| l.y < scene.plot.y0),
                "{name} not above"
            );
        }
        // With room in the top-right corner, the legend stays inside.
        f.series[0].points.retain(|p| p[0] < 40.0 || p[1] < 40.0);
        f.notes.clear();
        let scene = layout(&f, 1600, 1000);
        let label = texts(&scene).into_iter().find(|l| l.text == "everywhere");
        assert!(
            label.is_some_and(
                |l| l.y > scene.plot.y0 && l.x > scene.plot.x0 + scene.plot.width() / 2.0
            )
        );
    }

    #[test]
    fn missing_heatmap_cells_are_grey() {
        let mut f = Figure::new("t", "T", Axis::linear("x"), Axis::linear("y"));
        f.heatmap = Some(Heatmap {
            x_edges: vec![0.0, 1.0, 2.0],
            y_edges: vec![0.0, 1.0],
            values: vec![f64::NAN, 5.0],
            value_label: "v".into(),
            min: 0.0,
            max: 10.0,
            classes: Vec::new(),
        });
        let scene = layout(&f, 800, 500);
        let cells: Vec<Rgba> = scene
            .items
            .iter()
            .filter(|i| i.clipped)
            .filter_map(|i| match &i.shape {
                Shape::Rect {
                    fill, crisp: true, ..
                } => Some(*fill),
                _ => None,
            })
            .collect();
        assert_eq!(
            cells,
            [
                Rgba::solid(super::super::model::MISSING_CELL),
                Rgba::solid(colormap(0.5))
            ]
        );
        let labels: Vec<&str> = texts(&scene).iter().map(|l| l.text.as_str()).collect();
        assert!(labels.contains(&"0") && labels.contains(&"10") && labels.contains(&"v"));
    }
}
