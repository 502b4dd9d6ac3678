//! One model per plot: everything a figure shows, as plain data. The live
//! plots of the window and the exporters (PNG, SVG, CSV) all draw from a
//! `Figure`, so a file looks like the screen.
//!
//! Data is stored in real units; an axis with `Scale::Log10` is drawn on a
//! logarithmic scale by whoever draws it (points with y <= 0 are skipped).
//!
//! Plain data only: this file imports nothing that draws or decides how
//! things look (colours: `colour`; axes and ticks: `axis_space`, `ticks`).

use serde::Serialize;

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// "#rrggbb".
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Scale {
    Linear,
    /// Drawn as log10 of the value, with ticks at powers of ten.
    Log10,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Axis {
    /// The label, with units where there are any ("step", "||dL/dW||").
    pub label: String,
    pub scale: Scale,
    /// Fixed bounds; `None` fits the data.
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Category names for integer positions 1, 2, ... (layers), if any.
    pub categories: Vec<String>,
    /// Whole numbers only (steps, depths): no tick between two integers.
    pub integers: bool,
}

impl Axis {
    pub fn linear(label: impl Into<String>) -> Axis {
        Axis {
            label: label.into(),
            scale: Scale::Linear,
            min: None,
            max: None,
            categories: Vec::new(),
            integers: false,
        }
    }

    /// A linear axis of whole numbers (steps, depths).
    pub fn integer(label: impl Into<String>) -> Axis {
        Axis {
            integers: true,
            ..Axis::linear(label)
        }
    }

    pub fn log(label: impl Into<String>) -> Axis {
        Axis {
            scale: Scale::Log10,
            ..Axis::linear(label)
        }
    }

    pub fn with_range(mut self, min: f64, max: f64) -> Axis {
        self.min = Some(min);
        self.max = Some(max);
        self
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub enum SeriesKind {
    /// A polyline through the points, in x order.
    Line { width: f32 },
    /// One bar per point from the axis (or 1e-30 on a log axis) up to y,
    /// `width` in x units; several bar series share a slot side by side.
    Bars { width: f64 },
    /// Dots.
    Points { radius: f32 },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Series {
    /// The legend entry, and the CSV column name.
    pub name: String,
    pub color: Rgb,
    pub kind: SeriesKind,
    pub points: Vec<[f64; 2]>,
    /// For decimated data: the smallest and largest value behind each point
    /// ([lo, hi], same length as `points`), drawn as a light band so spikes
    /// stay visible. Empty when every point is one measurement.
    pub range: Vec<[f64; 2]>,
    /// Dashed line (a reference, a derivative).
    pub dashed: bool,
}

impl Series {
    pub fn line(name: impl Into<String>, color: Rgb, points: Vec<[f64; 2]>) -> Series {
        Series {
            name: name.into(),
            color,
            kind: SeriesKind::Line { width: 2.0 },
            points,
            range: Vec::new(),
            dashed: false,
        }
    }

    pub fn bars(name: impl Into<String>, color: Rgb, width: f64, points: Vec<[f64; 2]>) -> Series {
        Series {
            kind: SeriesKind::Bars { width },
            ..Series::line(name, color, points)
        }
    }

    pub fn points(
        name: impl Into<String>,
        color: Rgb,
        radius: f32,
        points: Vec<[f64; 2]>,
    ) -> Series {
        Series {
            kind: SeriesKind::Points { radius },
            ..Series::line(name, color, points)
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub enum Orientation {
    /// y = value.
    Horizontal,
    /// x = value.
    Vertical,
}

/// A labelled straight line: a theoretical reference (sigmoid's 0.25 bound)
/// or an event (a skip toggled at step 1200).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Marker {
    pub label: String,
    pub color: Rgb,
    pub orientation: Orientation,
    pub value: f64,
    pub dashed: bool,
}

/// A grid of values coloured on a scale: gradient magnitude per layer
/// (rows) over time (columns). The colour of a cell is
/// `Heatmap::cell_color`, defined with the other colour rules in `colour`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Heatmap {
    /// Column boundaries in x units (columns + 1 values, increasing).
    pub x_edges: Vec<f64>,
    /// Row boundaries in y units (rows + 1 values, increasing).
    pub y_edges: Vec<f64>,
    /// Row-major [rows][columns]; NaN for a missing cell.
    pub values: Vec<f64>,
    /// The colour scale's label ("log10 ||dL/dW||").
    pub value_label: String,
    /// Colour scale bounds; values outside are clamped.
    pub min: f64,
    pub max: f64,
    /// Empty: a sequential colour scale from `min` to `max`. Otherwise the
    /// cells are class regions: a value `k + p` (p in 0..1) is class k,
    /// shaded by p from pale (p = 0, a toss-up) to the class colour's
    /// strongest tint (p near 1, certain); see `colour::region_color`.
    pub classes: Vec<Rgb>,
    /// Text written in each cell where the cells are big enough to hold
    /// it (the counts of a confusion matrix).
    pub cell_text: Option<CellText>,
}

/// What a heatmap writes in its cells.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CellText {
    /// What the text is ("count"): the CSV's column.
    pub label: String,
    /// Row-major, like `Heatmap::values`.
    pub text: Vec<String>,
}

impl Heatmap {
    pub fn rows(&self) -> usize {
        self.y_edges.len().saturating_sub(1)
    }

    pub fn columns(&self) -> usize {
        self.x_edges.len().saturating_sub(1)
    }

    pub fn value(&self, row: usize, column: usize) -> f64 {
        self.values[row * self.columns() + column]
    }
}

/// How the pixels of tiles are coloured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum TileScale {
    /// Ink on paper: `min` white, `max` black (a handwritten digit).
    Ink,
    /// Diverging around 0, symmetric: `-max` one hue, 0 white, `max` the
    /// other (a weight that inhibits or excites).
    Diverging,
}

/// One small picture of a tile grid, with its caption.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tile {
    /// Row-major pixels, the top row first (`Tiles::image` gives the size).
    pub pixels: Vec<f64>,
    /// Written under the picture ("7").
    pub caption: String,
    /// Drawn with a heavy frame in the warning colour and its caption
    /// in bold (a wrong prediction): visible in grey print too.
    pub marked: bool,
    /// The values of `Tiles::fields` for this tile, as the CSV writes them.
    pub fields: Vec<String>,
}

/// Small pictures in a grid, each captioned: test images with the class
/// the network predicts, or a layer's weights drawn as images. A figure
/// with tiles has no axes; its exports draw the tiles and a colour scale.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tiles {
    /// [rows, columns] of pixels of every tile.
    pub image: [usize; 2],
    /// In reading order; whoever draws them picks how many go in a row
    /// (`geometry::tile_grid`).
    pub tiles: Vec<Tile>,
    pub scale: TileScale,
    /// Colour scale bounds (`Diverging`: `min` = -`max`); values outside
    /// are clamped.
    pub min: f64,
    pub max: f64,
    /// What a pixel's colour measures ("pixel", "weight").
    pub value_label: String,
    /// Names of the extra CSV columns every tile's `fields` fill.
    pub fields: Vec<String>,
    /// What a marked tile means, for the legend ("framed: wrong").
    pub marked_label: String,
}

/// Everything one plot shows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Figure {
    /// A short machine name: the file stem of its exports ("loss").
    pub id: String,
    pub title: String,
    /// A line under the title (the configuration, the step).
    pub subtitle: String,
    pub x: Axis,
    pub y: Axis,
    pub series: Vec<Series>,
    pub markers: Vec<Marker>,
    pub heatmap: Option<Heatmap>,
    /// Small pictures instead of axes (image grids).
    pub tiles: Option<Tiles>,
    /// Short notes drawn in a corner ("23% saturated").
    pub notes: Vec<String>,
}

impl Figure {
    pub fn new(id: impl Into<String>, title: impl Into<String>, x: Axis, y: Axis) -> Figure {
        Figure {
            id: id.into(),
            title: title.into(),
            subtitle: String::new(),
            x,
            y,
            series: Vec::new(),
            markers: Vec::new(),
            heatmap: None,
            tiles: None,
            notes: Vec::new(),
        }
    }
}
