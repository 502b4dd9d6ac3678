//! Figures: one model per plot (`model`), built from the training history
//! (`build`), drawn by the exporters (`svg`, `png`, `csv`) and by the
//! window's live plots.
//!
//! The PNG and SVG exporters paint the same layout (`layout`), so the two
//! files look alike; `write_all` writes all three files of a figure.

pub mod build;
pub mod csv;
mod export;
mod font;
mod layout;
pub mod model;
pub mod png;
mod scale;
pub mod svg;

pub use export::write_all;
pub use model::{
    Axis, Figure, Heatmap, Marker, Orientation, PALETTE, Rgb, Scale, Series, SeriesKind,
    region_color,
};
