//! A rectangle in pixels (or the window's points), y down: the one shape
//! type the image layout and the marker-label rule (shared with the
//! window) measure with.

/// A rectangle, y down.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
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

    pub fn contains(&self, x: f32, y: f32) -> bool {
        x >= self.x0 && x <= self.x1 && y >= self.y0 && y <= self.y1
    }

    pub fn overlap_area(&self, other: &Frame) -> f32 {
        let w = self.x1.min(other.x1) - self.x0.max(other.x0);
        let h = self.y1.min(other.y1) - self.y0.max(other.y0);
        w.max(0.0) * h.max(0.0)
    }

    /// The rectangle grown by `by` on every side.
    pub fn expand(&self, by: f32) -> Frame {
        Frame {
            x0: self.x0 - by,
            y0: self.y0 - by,
            x1: self.x1 + by,
            y1: self.y1 + by,
        }
    }

    pub fn inside(&self, outer: &Frame) -> bool {
        self.x0 >= outer.x0 && self.x1 <= outer.x1 && self.y0 >= outer.y0 && self.y1 <= outer.y1
    }
}

/// How `count` tiles of `image` ([rows, columns] of pixels) fit a `width`
/// x `height` area with `gap` between tiles and `below` under each (its
/// caption): the number of columns that makes the tiles largest (the
/// fewest of equals), and the side of one pixel then. The window and the
/// exporters both lay out image grids by it.
pub fn tile_grid(
    count: usize,
    image: [usize; 2],
    width: f32,
    height: f32,
    gap: f32,
    below: f32,
) -> (usize, f32) {
    let [image_rows, image_columns] = image;
    let (image_rows, image_columns) = (image_rows.max(1) as f32, image_columns.max(1) as f32);
    let mut best = (1, f32::NEG_INFINITY);
    for columns in 1..=count.max(1) {
        let rows = count.max(1).div_ceil(columns) as f32;
        let c = columns as f32;
        let across = (width - gap * (c - 1.0)) / (c * image_columns);
        let down = (height - (gap + below) * rows + gap) / (rows * image_rows);
        let pixel = across.min(down);
        if pixel > best.1 + 1e-4 {
            best = (columns, pixel);
        }
    }
    (best.0, best.1.max(0.5))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_grids_take_the_shape_of_their_area() {
        // 32 square tiles: a wide strip takes them in few rows, a square in
        // about as many rows as columns.
        assert_eq!(tile_grid(32, [8, 8], 1600.0, 200.0, 0.0, 0.0).0, 16);
        assert_eq!(tile_grid(32, [8, 8], 800.0, 800.0, 0.0, 0.0).0, 6);
        assert_eq!(tile_grid(1, [8, 8], 80.0, 80.0, 0.0, 0.0), (1, 10.0));
    }
}
