//! An exported figure of tiles (image grids): the title, the tiles in
//! rows with their captions under them (a marked one framed heavily in
//! the warning colour, its caption bold), and a strip at the bottom with
//! the colour scale and what a frame means. No axes.

use super::scene::{Anchor, Builder, FRAME, Frame, INK, Label, Rgba, Scene, Shape};
use super::sizes::{Sizes, fit_text, reserve};
use super::{Placement, header};
use crate::figures::colour::{WRONG, readable_on_white};
use crate::figures::geometry::tile_grid;
use crate::figures::model::{Figure, TileScale, Tiles};
use crate::figures::tick_labels::format_number;

/// Lays out `figure`'s tiles on a `width` x `height` image.
pub(super) fn layout(figure: &Figure, tiles: &Tiles, width: u32, height: u32) -> Scene {
    let sz = Sizes::new(width, height);
    let (w, h) = (width as f32, height as f32);
    let mut b = Builder { items: Vec::new() };
    let top = header(figure, &sz, w, &mut b, Placement::default());
    let strip = 2.2 * sz.legend + 2.0 * sz.gap;
    let area = Frame {
        x0: sz.pad,
        y0: top,
        x1: w - sz.pad,
        y1: (h - sz.pad - strip).max(top + 10.0),
    };
    grid(&mut b, tiles, &sz, area);
    scale_strip(
        &mut b,
        tiles,
        &sz,
        Frame {
            x0: sz.pad,
            y0: area.y1 + sz.gap,
            x1: w - sz.pad,
            y1: h - sz.pad,
        },
    );
    Scene {
        plot: Frame {
            x0: 0.0,
            y0: 0.0,
            x1: w,
            y1: h,
        },
        items: b.items,
    }
}

/// The tiles in rows, as large as `area` allows, centred.
fn grid(b: &mut Builder, tiles: &Tiles, sz: &Sizes, area: Frame) {
    let [image_rows, image_columns] = tiles.image;
    if image_rows == 0 || image_columns == 0 || tiles.tiles.is_empty() {
        return;
    }
    let caption = sz.tick;
    let gap = 2.0 * sz.gap;
    let below = 1.5 * caption;
    let (columns, mut pixel) = tile_grid(
        tiles.tiles.len(),
        tiles.image,
        area.width(),
        area.height(),
        gap,
        below,
    );
    let rows = tiles.tiles.len().div_ceil(columns);
    // Whole pixels where there is room, so every tile's cells are equal.
    if pixel >= 2.0 {
        pixel = pixel.floor();
    }
    let (tile_w, tile_h) = (pixel * image_columns as f32, pixel * image_rows as f32);
    let grid_w = tile_w * columns as f32 + gap * (columns - 1) as f32;
    let grid_h = (tile_h + below) * rows as f32 + gap * (rows - 1) as f32;
    let x0 = area.x0 + (area.width() - grid_w) / 2.0;
    let y0 = area.y0 + ((area.height() - grid_h) / 2.0).max(0.0);
    for (i, tile) in tiles.tiles.iter().enumerate() {
        let (row, column) = (i / columns, i % columns);
        let tx = x0 + column as f32 * (tile_w + gap);
        let ty = y0 + row as f32 * (tile_h + below + gap);
        for (p, &value) in tile
            .pixels
            .iter()
            .enumerate()
            .take(image_rows * image_columns)
        {
            let (r, c) = (p / image_columns, p % image_columns);
            b.push(Shape::Rect {
                frame: Frame {
                    x0: tx + c as f32 * pixel,
                    y0: ty + r as f32 * pixel,
                    x1: tx + (c + 1) as f32 * pixel,
                    y1: ty + (r + 1) as f32 * pixel,
                },
                fill: Rgba::solid(tiles.pixel_color(value)),
                crisp: true,
            });
        }
        let frame = Frame {
            x0: tx,
            y0: ty,
            x1: tx + tile_w,
            y1: ty + tile_h,
        };
        if tile.marked {
            let heavy = sz.line(3.0).max(3.0);
            b.push(Shape::Outline {
                frame: frame.expand(heavy / 2.0),
                color: Rgba::solid(WRONG),
                width: heavy,
            });
        } else {
            b.push(Shape::Outline {
                frame,
                color: FRAME,
                width: sz.line(0.6),
            });
        }
        let (text, size) = fit_text(&tile.caption, caption, tile_w + gap * 0.8);
        b.push(Shape::Text(Label {
            x: tx + tile_w / 2.0,
            y: ty + tile_h + 1.2 * size,
            text,
            size,
            color: if tile.marked {
                Rgba::solid(readable_on_white(WRONG))
            } else {
                INK
            },
            anchor: Anchor::Middle,
            vertical: false,
            bold: tile.marked,
        }));
    }
}

/// The colour scale as a horizontal bar with its ends (and 0 on a
/// diverging scale) and what it measures; then, if any tile is marked,
/// a framed swatch and what the frame means.
fn scale_strip(b: &mut Builder, tiles: &Tiles, sz: &Sizes, strip: Frame) {
    let bar_h = 0.8 * sz.legend;
    let bar_w = (260.0 * sz.s).max(60.0);
    let label_w = reserve(&tiles.value_label, sz.legend);
    let y_mid = strip.y0 + bar_h / 2.0 + sz.gap * 0.5;
    let mut x = strip.x0;
    b.text(
        x,
        y_mid + 0.35 * sz.legend,
        &tiles.value_label,
        sz.legend,
        INK,
        Anchor::Start,
    );
    x += label_w + sz.gap;
    let bar = Frame {
        x0: x,
        y0: y_mid - bar_h / 2.0,
        x1: x + bar_w,
        y1: y_mid + bar_h / 2.0,
    };
    let steps = 64;
    for i in 0..steps {
        let t = (i as f64 + 0.5) / steps as f64;
        let value = tiles.min + t * (tiles.max - tiles.min);
        b.push(Shape::Rect {
            frame: Frame {
                x0: bar.x0 + bar_w * i as f32 / steps as f32,
                x1: bar.x0 + bar_w * (i + 1) as f32 / steps as f32,
                ..bar
            },
            fill: Rgba::solid(tiles.pixel_color(value)),
            crisp: true,
        });
    }
    b.push(Shape::Outline {
        frame: bar,
        color: FRAME,
        width: sz.line(0.6),
    });
    let magnitude = tiles.min.abs().max(tiles.max.abs());
    let step = magnitude / 100.0;
    let mut ends = vec![(0.0f32, tiles.min), (1.0, tiles.max)];
    if tiles.scale == TileScale::Diverging {
        ends.push((0.5, 0.0));
    }
    for (at, value) in ends {
        b.text(
            bar.x0 + at * bar_w,
            bar.y1 + 1.1 * sz.tick,
            &format_number(value, step.max(1e-12), magnitude),
            sz.tick,
            INK,
            Anchor::Middle,
        );
    }
    if tiles.marked_label.is_empty() || !tiles.tiles.iter().any(|t| t.marked) {
        return;
    }
    let x = bar.x1 + 4.0 * sz.gap;
    let swatch = Frame {
        x0: x,
        y0: bar.y0,
        x1: x + bar_h,
        y1: bar.y1,
    };
    b.push(Shape::Outline {
        frame: swatch,
        color: Rgba::solid(WRONG),
        width: sz.line(3.0).max(3.0),
    });
    let room = strip.x1 - swatch.x1 - sz.gap;
    let (text, size) = fit_text(&tiles.marked_label, sz.legend, room);
    b.text(
        swatch.x1 + sz.gap,
        y_mid + 0.35 * size,
        &text,
        size,
        INK,
        Anchor::Start,
    );
}
