//! Figures: one model per plot (`model`), built from the training history
//! (`build`), drawn by the exporters (`svg`, `png`, `csv`) and by the
//! window's live plots (`app::plot`), which ask this module for every rule
//! of how a figure looks, so the screen and the files agree.
//!
//! - `model`: the data of a figure; depends on nothing that draws.
//! - `build`: figures from the training history, the sweep, the network;
//!   `data_views`: what the network makes of the test split (confusion
//!   matrix, predicted images, first-layer weights as images).
//! - `colour`: the palette, the viridis ramps, cell and text colours.
//! - `axis_space`: axis ranges, log10 space, data to pixels.
//! - `ticks`: an exported axis's ticks; `tick_labels`: how ticks write
//!   numbers, for files and screen alike.
//! - `screen`: the window's axis marks (egui_plot thins them as it zooms),
//!   their labels, where its bars stand.
//! - `marker_labels`: where a marker line's label goes, on both surfaces.
//! - `geometry`: the rectangle type both measure with.
//! - `landscape`: the loss landscape slice with its contour lines.
//! - `flow`: the gradient highway of the residual blocks and the update
//!   ratio per layer over time; `update_guide`: the update ratio's guide
//!   at 1e-3 and the gradient bars' frame when they show it.
//! - `layout`: an exported figure as shapes in pixels, painted alike by
//!   `png` and `svg` (text measured with the embedded `font`); `csv`
//!   writes the data; `write_all` writes all three files of a figure.
//! - `animation`: animated GIFs of figures over a run's steps (one figure
//!   or a panel of several), painted by `png`'s rasteriser.

pub mod animation;
pub mod axis_space;
pub mod build;
pub mod colour;
pub mod csv;
pub mod data_views;
mod export;
pub mod flow;
mod font;
pub mod geometry;
pub mod landscape;
mod layout;
pub mod marker_labels;
pub mod model;
pub mod png;
pub mod screen;
pub mod svg;
pub mod tick_labels;
mod ticks;
pub mod update_guide;

pub use colour::{PALETTE, region_color};
pub use export::write_all;
pub use model::{
    Axis, CellText, Figure, Heatmap, Marker, Orientation, Rgb, Scale, Series, SeriesKind, Tile,
    TileScale, Tiles,
};
