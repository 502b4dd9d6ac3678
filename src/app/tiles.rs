//! Draws a figure of tiles (image grids) in the window: the tiles as large
//! as the slot allows, each captioned (a marked one framed heavily in the
//! warning colour), and the colour scale under them, with the colours
//! and rules of `figures::colour`, as the exporters draw them. All tiles
//! come from one texture, made again only when the pixels change.

use egui::{Color32, Pos2, Rect, Sense, Stroke, StrokeKind, Vec2};

use crate::figures::colour::{WRONG, readable_on_white};
use crate::figures::geometry::tile_grid;
use crate::figures::{Rgb, TileScale, Tiles};

fn color(c: Rgb) -> Color32 {
    Color32::from_rgb(c.0, c.1, c.2)
}

/// Points between two tiles.
const GAP: f32 = 6.0;

/// Shows `tiles` in the available width, `height` points tall (the
/// colour scale included); returns the rectangle they took.
pub fn tiles_ui(ui: &mut egui::Ui, tiles: &Tiles, height: f32, line_scale: f32) -> Rect {
    let (rect, _) = ui.allocate_exact_size(Vec2::new(ui.available_width(), height), Sense::hover());
    let [image_rows, image_columns] = tiles.image;
    if image_rows == 0 || image_columns == 0 || tiles.tiles.is_empty() {
        return rect;
    }
    let painter = ui.painter_at(rect);
    let font = egui::FontId::proportional(11.0 * line_scale.sqrt());
    let caption = ui.fonts_mut(|f| f.row_height(&font));
    let strip = caption + 6.0;
    let area = Rect::from_min_max(rect.min, Pos2::new(rect.right(), rect.bottom() - strip));
    let below = caption + 2.0;
    let (columns, pixel) = tile_grid(
        tiles.tiles.len(),
        tiles.image,
        area.width(),
        area.height(),
        GAP,
        below,
    );
    let rows = tiles.tiles.len().div_ceil(columns);
    let tile = Vec2::new(pixel * image_columns as f32, pixel * image_rows as f32);
    let grid_w = tile.x * columns as f32 + GAP * (columns - 1) as f32;
    let left = area.left() + (area.width() - grid_w) / 2.0;
    let texture = texture(ui.ctx(), ui.scope_id().with("tiles"), tiles, columns);
    let (sheet_columns, sheet_rows) = (columns as f32, rows as f32);
    let text = ui.visuals().text_color();
    for (i, t) in tiles.tiles.iter().enumerate() {
        let (row, column) = (i / columns, i % columns);
        let min = Pos2::new(
            left + column as f32 * (tile.x + GAP),
            area.top() + row as f32 * (tile.y + below + GAP),
        );
        let frame = Rect::from_min_size(min, tile);
        let uv = Rect::from_min_max(
            Pos2::new(column as f32 / sheet_columns, row as f32 / sheet_rows),
            Pos2::new(
                (column + 1) as f32 / sheet_columns,
                (row + 1) as f32 / sheet_rows,
            ),
        );
        painter.image(texture.id(), frame, uv, Color32::WHITE);
        let (stroke, caption_colour) = if t.marked {
            let heavy = 2.5 * line_scale;
            (
                Stroke::new(heavy, color(WRONG)),
                color(readable_on_white(WRONG)),
            )
        } else {
            (Stroke::new(0.5, Color32::GRAY), text)
        };
        painter.rect_stroke(frame, 0.0, stroke, StrokeKind::Outside);
        let mut font = font.clone();
        if t.marked {
            font.size *= 1.05;
        }
        let galley = painter.layout(t.caption.clone(), font, caption_colour, tile.x + GAP);
        let at = Pos2::new(
            frame.center().x - galley.size().x / 2.0,
            frame.bottom() + 2.0,
        );
        painter.galley(at, galley, caption_colour);
    }
    scale_ui(&painter, tiles, rect, strip, &font, text);
    rect
}

/// The colour scale along the bottom of `rect`: what it measures, the
/// strip with its ends, and what a frame means if any tile is marked.
fn scale_ui(
    painter: &egui::Painter,
    tiles: &Tiles,
    rect: Rect,
    strip: f32,
    font: &egui::FontId,
    text: Color32,
) {
    let y = rect.bottom() - strip / 2.0;
    let mut x = rect.left();
    let write = |x: f32, s: &str, colour: Color32| {
        painter
            .text(
                Pos2::new(x, y),
                egui::Align2::LEFT_CENTER,
                s,
                font.clone(),
                colour,
            )
            .right()
    };
    let number = |v: f64| {
        if v == 0.0 {
            "0".to_string()
        } else {
            format!("{v:.2}")
        }
    };
    x = write(x, &format!("{}:", tiles.value_label), text) + 4.0;
    x = write(x, &number(tiles.min), text) + 4.0;
    let bar = Rect::from_min_size(Pos2::new(x, y - strip * 0.25), Vec2::new(80.0, strip * 0.5));
    let parts = 32;
    for i in 0..parts {
        let t = (f64::from(i) + 0.5) / f64::from(parts);
        let value = tiles.min + t * (tiles.max - tiles.min);
        let x0 = bar.left() + bar.width() * i as f32 / parts as f32;
        let x1 = bar.left() + bar.width() * (i + 1) as f32 / parts as f32;
        let cell = Rect::from_x_y_ranges(x0..=x1 + 0.5, bar.y_range());
        painter.rect_filled(cell, 0.0, color(tiles.pixel_color(value)));
    }
    painter.rect_stroke(
        bar,
        0.0,
        Stroke::new(0.5, Color32::GRAY),
        StrokeKind::Outside,
    );
    x = bar.right() + 4.0;
    x = write(x, &number(tiles.max), text);
    if tiles.marked_label.is_empty() || !tiles.tiles.iter().any(|t| t.marked) {
        return;
    }
    x += 16.0;
    let swatch = Rect::from_center_size(Pos2::new(x + 5.0, y), Vec2::splat(10.0));
    painter.rect_stroke(
        swatch,
        0.0,
        Stroke::new(2.0, color(WRONG)),
        StrokeKind::Outside,
    );
    write(swatch.right() + 6.0, &tiles.marked_label, text);
}

/// Every tile's pixels as one texture (tiles side by side as in the grid,
/// no gaps), made again only when they change.
fn texture(
    ctx: &egui::Context,
    id: egui::Id,
    tiles: &Tiles,
    columns: usize,
) -> egui::TextureHandle {
    let [image_rows, image_columns] = tiles.image;
    let rows = tiles.tiles.len().div_ceil(columns.max(1)).max(1);
    let key = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (
            image_rows,
            image_columns,
            columns,
            tiles.min.to_bits(),
            tiles.max.to_bits(),
        )
            .hash(&mut h);
        (tiles.scale == TileScale::Ink).hash(&mut h);
        for t in &tiles.tiles {
            t.pixels.iter().for_each(|v| v.to_bits().hash(&mut h));
        }
        h.finish()
    };
    if let Some((cached, texture)) = ctx.data(|d| d.get_temp::<(u64, egui::TextureHandle)>(id))
        && cached == key
    {
        return texture;
    }
    let (width, height) = (columns * image_columns, rows * image_rows);
    let mut pixels = vec![Color32::TRANSPARENT; width * height];
    for (i, t) in tiles.tiles.iter().enumerate() {
        let (row, column) = (i / columns, i % columns);
        for (p, &v) in t.pixels.iter().enumerate().take(image_rows * image_columns) {
            let (r, c) = (p / image_columns, p % image_columns);
            let (y, x) = (row * image_rows + r, column * image_columns + c);
            pixels[y * width + x] = color(tiles.pixel_color(v));
        }
    }
    let image = egui::ColorImage::new([width, height], pixels);
    let texture = ctx.load_texture("tiles", image, egui::TextureOptions::NEAREST);
    ctx.data_mut(|d| d.insert_temp(id, (key, texture.clone())));
    texture
}
