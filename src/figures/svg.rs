//! SVG export: a standalone SVG 1.1 document with real `<text>` elements,
//! so titles and labels stay selectable, searchable and editable.

use super::layout::{self, Anchor, Frame, Item, Label, Rgba, Shape};
use super::model::Figure;
use std::fmt::Write;

/// Font stack of the viewer's own fonts, close in width to the embedded
/// font the layout measures with.
const FONT_FAMILY: &str = "DejaVu Sans, Ubuntu, Arial, sans-serif";

/// `figure` as an SVG document of `width` x `height` pixels.
pub fn to_svg(figure: &Figure, width: u32, height: u32) -> String {
    let mut out = String::with_capacity(16 * 1024);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n");
    write_svg(&mut out, figure, width, height, "plot-area");
    out
}

/// `figure` as an `<svg>` element to put inside a page (the handout):
/// no XML declaration, and its clip path named `{id}-plot-area`, so that
/// several figures in one page each clip to their own plot area (a page's
/// ids are shared by all its figures).
pub fn to_inline_svg(figure: &Figure, width: u32, height: u32, id: &str) -> String {
    let mut out = String::with_capacity(16 * 1024);
    write_svg(&mut out, figure, width, height, &format!("{id}-plot-area"));
    out
}

fn write_svg(out: &mut String, figure: &Figure, width: u32, height: u32, clip: &str) {
    let scene = layout::layout(figure, width, height);
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" font-family=\"{FONT_FAMILY}\">"
    );
    let _ = writeln!(out, "<title>{}</title>", escape(&figure.title));
    let p = scene.plot;
    let _ = writeln!(
        out,
        "<defs><clipPath id=\"{clip}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/></clipPath></defs>",
        num(p.x0),
        num(p.y0),
        num(p.width()),
        num(p.height())
    );
    let _ = writeln!(
        out,
        "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>"
    );
    write_items(out, &scene.items, clip);
    out.push_str("</svg>\n");
}

/// Items in order; consecutive clipped items share one group clipped to
/// the clip path `clip`.
fn write_items(out: &mut String, items: &[Item], clip: &str) {
    let mut in_group = false;
    for item in items {
        if item.clipped != in_group {
            if item.clipped {
                let _ = writeln!(out, "<g clip-path=\"url(#{clip})\">");
            } else {
                out.push_str("</g>\n");
            }
            in_group = item.clipped;
        }
        write_shape(out, &item.shape);
        out.push('\n');
    }
    if in_group {
        out.push_str("</g>\n");
    }
}

fn write_shape(out: &mut String, shape: &Shape) {
    match shape {
        Shape::Rect { frame, fill, crisp } => {
            let crisp = if *crisp {
                " shape-rendering=\"crispEdges\""
            } else {
                ""
            };
            let _ = write!(
                out,
                "<rect {}{}{crisp}/>",
                rect_attrs(frame),
                fill_attrs(*fill)
            );
        }
        Shape::Outline {
            frame,
            color,
            width,
        } => {
            let _ = write!(
                out,
                "<rect {} fill=\"none\"{}/>",
                rect_attrs(frame),
                stroke_attrs(*color, *width)
            );
        }
        Shape::Line {
            points,
            color,
            width,
            dash,
        } => {
            let dash = match dash {
                Some((on, off)) => format!(" stroke-dasharray=\"{},{}\"", num(*on), num(*off)),
                None => String::new(),
            };
            let _ = write!(
                out,
                "<polyline points=\"{}\" fill=\"none\"{}{dash} stroke-linejoin=\"round\" stroke-linecap=\"butt\"/>",
                point_list(points),
                stroke_attrs(*color, *width)
            );
        }
        Shape::Polygon { points, fill } => {
            let _ = write!(
                out,
                "<polygon points=\"{}\"{}/>",
                point_list(points),
                fill_attrs(*fill)
            );
        }
        Shape::Dot { x, y, radius, fill } => {
            let _ = write!(
                out,
                "<circle cx=\"{}\" cy=\"{}\" r=\"{}\"{}/>",
                num(*x),
                num(*y),
                num(*radius),
                fill_attrs(*fill)
            );
        }
        Shape::Text(label) => write_text(out, label),
    }
}

fn write_text(out: &mut String, l: &Label) {
    let anchor = match l.anchor {
        Anchor::Start => "start",
        Anchor::Middle => "middle",
        Anchor::End => "end",
    };
    let (x, y) = (num(l.x), num(l.y));
    let rotate = if l.vertical {
        format!(" transform=\"rotate(-90 {x} {y})\"")
    } else {
        String::new()
    };
    let weight = if l.bold { " font-weight=\"bold\"" } else { "" };
    let _ = write!(
        out,
        "<text x=\"{x}\" y=\"{y}\" font-size=\"{}\" text-anchor=\"{anchor}\"{weight}{}{rotate}>{}</text>",
        num(l.size),
        fill_attrs(l.color),
        escape(&l.text)
    );
}

fn rect_attrs(f: &Frame) -> String {
    format!(
        "x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"",
        num(f.x0),
        num(f.y0),
        num(f.width()),
        num(f.height())
    )
}

fn fill_attrs(c: Rgba) -> String {
    let mut s = format!(" fill=\"{}\"", c.rgb.hex());
    if c.alpha < 1.0 {
        let _ = write!(s, " fill-opacity=\"{}\"", num(c.alpha));
    }
    s
}

fn stroke_attrs(c: Rgba, width: f32) -> String {
    let mut s = format!(
        " stroke=\"{}\" stroke-width=\"{}\"",
        c.rgb.hex(),
        num(width)
    );
    if c.alpha < 1.0 {
        let _ = write!(s, " stroke-opacity=\"{}\"", num(c.alpha));
    }
    s
}

fn point_list(points: &[(f32, f32)]) -> String {
    let mut s = String::with_capacity(points.len() * 14);
    for (i, (x, y)) in points.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        let _ = write!(s, "{},{}", num(*x), num(*y));
    }
    s
}

/// A coordinate with two decimals at most (a hundredth of a pixel is
/// plenty), without trailing zeros.
fn num(v: f32) -> String {
    if !v.is_finite() {
        return "0".into();
    }
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// Text made safe for XML (and HTML): markup characters escaped, and
/// characters XML 1.0 forbids (most control characters) dropped.
pub fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&apos;"),
            '\t' | '\n' | '\r' => s.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => s.push(c),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>\u{1}"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;"
        );
        assert_eq!(escape("σ ‖dL/dW‖"), "σ ‖dL/dW‖");
    }

    #[test]
    fn an_inline_figure_clips_to_its_own_plot_area() {
        let figure = crate::figures::build::depth_sweep(&[], 3, crate::lang::Lang::En);
        let inline = to_inline_svg(&figure, 500, 300, "figure-2");
        assert!(
            inline.starts_with("<svg xmlns="),
            "no XML declaration inside a page"
        );
        assert!(inline.contains("<clipPath id=\"figure-2-plot-area\">"));
        assert!(!inline.contains("\"plot-area\"") && !inline.contains("url(#plot-area)"));
        // The file is the same drawing with the standalone names.
        let file = to_svg(&figure, 500, 300);
        assert_eq!(
            file.replace(
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n",
                ""
            )
            .replace("plot-area", "figure-2-plot-area"),
            inline
        );
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.256), "1.26");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(f32::NAN), "0");
    }
}
