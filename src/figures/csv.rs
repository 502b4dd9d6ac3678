//! CSV export: the numbers behind a figure, for a spreadsheet or pandas.
//!
//! A figure with series has one row per point, in long format:
//!
//! ```text
//! series,x,y,y_min,y_max
//! train loss,0,2.31,2.2,2.4
//! marker: skip on,1200,,,
//! ```
//!
//! `y_min` and `y_max` hold the series' range band (empty without one).
//! When the x axis names categories, a column `x_name` follows `x` with the
//! name of each integer position. Each marker is a row named
//! `marker: <label>` with its value under `x` (a vertical line) or `y` (a
//! horizontal one).
//!
//! A heatmap figure has one row per cell instead:
//! `x_start,x_end,y_start,y_end,value`, row by row; series drawn over a
//! heatmap are not exported. A heatmap that writes text in its cells
//! over named rows and columns (a confusion matrix) has one row per cell
//! named by its row and column instead, with the text and the value:
//! `true class,predicted class,count,share of the true class`.
//!
//! A figure of tiles (image grids) has one row per tile: its number, its
//! caption, whether it is marked, its own fields (true and predicted
//! class), then every pixel, row by row: `tile,caption,marked,...,p0_0`.
//!
//! Numbers are written in full (shortest round-trip) precision; a missing
//! value (NaN) is an empty field, infinities are `inf` and `-inf`. Fields
//! with commas, quotes or line breaks are quoted as RFC 4180 says; lines
//! end with CRLF, as it also says.

use super::model::{CellText, Figure, Heatmap, Orientation, Tiles};

/// The data of `figure` as CSV text.
pub fn to_csv(figure: &Figure) -> String {
    if let Some(tiles) = &figure.tiles {
        return tiles_csv(tiles);
    }
    match &figure.heatmap {
        Some(hm) => match &hm.cell_text {
            Some(text)
                if figure.x.categories.len() == hm.columns()
                    && figure.y.categories.len() == hm.rows() =>
            {
                named_cells_csv(figure, hm, text)
            }
            _ => heatmap_csv(hm),
        },
        None => series_csv(figure),
    }
}

/// One row per cell, named by its row's and column's categories, the top
/// row first.
fn named_cells_csv(figure: &Figure, hm: &Heatmap, text: &CellText) -> String {
    let mut out = String::new();
    row(
        &mut out,
        [
            figure.y.label.clone(),
            figure.x.label.clone(),
            text.label.clone(),
            hm.value_label.clone(),
        ],
    );
    for r in (0..hm.rows()).rev() {
        for c in 0..hm.columns() {
            let cell = r * hm.columns() + c;
            let value = hm.values.get(cell).copied().unwrap_or(f64::NAN);
            row(
                &mut out,
                [
                    figure.y.categories[r].clone(),
                    figure.x.categories[c].clone(),
                    text.text.get(cell).cloned().unwrap_or_default(),
                    number(value),
                ],
            );
        }
    }
    out
}

/// One row per tile: number, caption, mark, fields, pixels.
fn tiles_csv(tiles: &Tiles) -> String {
    let mut out = String::new();
    let [rows, columns] = tiles.image;
    let mut header = vec!["tile".to_string(), "caption".into(), "marked".into()];
    header.extend(tiles.fields.iter().cloned());
    header.extend((0..rows * columns).map(|i| format!("p{}_{}", i / columns, i % columns)));
    row(&mut out, header);
    for (i, tile) in tiles.tiles.iter().enumerate() {
        let mut fields = vec![
            (i + 1).to_string(),
            tile.caption.clone(),
            tile.marked.to_string(),
        ];
        fields.extend(
            (0..tiles.fields.len()).map(|f| tile.fields.get(f).cloned().unwrap_or_default()),
        );
        // Pixels and weights are f32s: written as the shortest f32 text.
        fields.extend(tile.pixels.iter().map(|&v| {
            let single = v as f32;
            if f64::from(single) == v && (1e-5..1e16).contains(&single.abs()) {
                format!("{single}")
            } else {
                number(v)
            }
        }));
        row(&mut out, fields);
    }
    out
}

fn series_csv(figure: &Figure) -> String {
    let categories = &figure.x.categories;
    let named = !categories.is_empty();
    let mut out = String::new();
    let header: &[&str] = if named {
        &["series", "x", "x_name", "y", "y_min", "y_max"]
    } else {
        &["series", "x", "y", "y_min", "y_max"]
    };
    row(&mut out, header.iter().map(|s| s.to_string()));
    for s in &figure.series {
        let banded = s.range.len() == s.points.len();
        for (i, p) in s.points.iter().enumerate() {
            let [lo, hi] = if banded {
                s.range[i].map(number)
            } else {
                [String::new(), String::new()]
            };
            let mut fields = vec![s.name.clone(), number(p[0])];
            if named {
                fields.push(category(categories, p[0]));
            }
            fields.extend([number(p[1]), lo, hi]);
            row(&mut out, fields);
        }
    }
    for m in &figure.markers {
        let (x, y) = match m.orientation {
            Orientation::Vertical => (number(m.value), String::new()),
            Orientation::Horizontal => (String::new(), number(m.value)),
        };
        let mut fields = vec![format!("marker: {}", m.label), x];
        if named {
            fields.push(String::new());
        }
        fields.extend([y, String::new(), String::new()]);
        row(&mut out, fields);
    }
    out
}

fn heatmap_csv(hm: &Heatmap) -> String {
    let mut out = String::new();
    row(
        &mut out,
        ["x_start", "x_end", "y_start", "y_end", "value"].map(String::from),
    );
    for r in 0..hm.rows() {
        for c in 0..hm.columns() {
            let value = hm
                .values
                .get(r * hm.columns() + c)
                .copied()
                .unwrap_or(f64::NAN);
            let fields = [
                hm.x_edges[c],
                hm.x_edges[c + 1],
                hm.y_edges[r],
                hm.y_edges[r + 1],
                value,
            ];
            row(&mut out, fields.map(number));
        }
    }
    out
}

/// The category name at integer position `x` (1-based), if any.
fn category(names: &[String], x: f64) -> String {
    if x.fract() != 0.0 || x < 1.0 {
        return String::new();
    }
    names.get(x as usize - 1).cloned().unwrap_or_default()
}

fn row(out: &mut String, fields: impl IntoIterator<Item = String>) {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&quote(&field));
    }
    out.push_str("\r\n");
}

/// A field quoted when it has to be (RFC 4180).
fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// Shortest text that reads back as the same f64; exponent notation where
/// plain digits would run long (1e-30, not 31 zeros).
fn number(v: f64) -> String {
    if v.is_nan() {
        String::new()
    } else if v.is_infinite() {
        if v > 0.0 { "inf".into() } else { "-inf".into() }
    } else if v == 0.0 || (1e-5..1e16).contains(&v.abs()) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip() {
        for v in [
            0.0,
            1.0,
            -2.5,
            0.1,
            1e-30,
            3.0e20,
            123456.789,
            1e-5,
            f64::MIN_POSITIVE,
        ] {
            let s = number(v);
            assert_eq!(s.parse::<f64>().ok(), Some(v), "{s}");
        }
        assert_eq!(number(1.0), "1");
        assert_eq!(number(1e-30), "1e-30");
        assert_eq!(number(f64::NAN), "");
        assert_eq!(number(f64::NEG_INFINITY), "-inf");
    }

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(quote("plain"), "plain");
        assert_eq!(quote("a,b"), "\"a,b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn categories_by_integer_position() {
        let names = vec!["L1".to_string(), "L2".to_string()];
        assert_eq!(category(&names, 2.0), "L2");
        assert_eq!(category(&names, 1.5), "");
        assert_eq!(category(&names, 3.0), "");
        assert_eq!(category(&names, 0.0), "");
    }
}
