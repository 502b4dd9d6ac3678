//! The handout's frame: the page's head with its one style sheet (screen
//! and print), and the small element helpers every section writes with.
//!
//! The page is polyglot XHTML5: an HTML5 document that is also well-formed
//! XML (every element closed, attributes quoted, only XML's five entities),
//! so a browser reads it as HTML and a test can check it with an XML parser.
//! Every text goes through `text`; nothing a user typed or named is ever
//! written as markup. A Content-Security-Policy in the page forbids scripts
//! and any fetch, should a browser ever meet markup it was not meant to.

use crate::figures::svg::escape;
use crate::lang::Lang;

/// Text as the page's text: markup escaped (names of CSV files and
/// classes come from users).
pub(super) fn text(s: &str) -> String {
    escape(s)
}

/// `<tag>text</tag>`.
pub(super) fn element(tag: &str, content: &str) -> String {
    format!("<{tag}>{}</{tag}>\n", text(content))
}

/// A row of a two-column table: a label and its value (both text).
pub(super) fn row(label: &str, value: &str) -> String {
    format!(
        "<tr><th scope=\"row\">{}</th><td>{}</td></tr>\n",
        text(label),
        text(value)
    )
}

/// The whole page around `body` (markup already made safe).
pub(super) fn page(lang: Lang, title: &str, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 4096);
    out.push_str("<!DOCTYPE html>\n");
    out.push_str(&format!(
        "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"{0}\" xml:lang=\"{0}\">\n<head>\n",
        lang.code()
    ));
    out.push_str("<meta charset=\"utf-8\"/>\n");
    out.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"/>\n",
    );
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
    out.push_str("<meta name=\"color-scheme\" content=\"light\"/>\n");
    out.push_str(&format!(
        "<meta name=\"generator\" content=\"gradscope {}\"/>\n",
        env!("CARGO_PKG_VERSION")
    ));
    out.push_str(&element("title", title));
    out.push_str("<style>\n");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n");
    out.push_str(body);
    out.push_str("</body>\n</html>\n");
    out
}

/// One style sheet for screen and paper: dark text on white, tables and
/// figures never split across pages, the figures from a new page on.
const STYLE: &str = "\
:root { color-scheme: light; }
html { background: #ffffff; color: #111111; }
body { font-family: 'DejaVu Sans', Ubuntu, Arial, sans-serif; line-height: 1.5;
  max-width: 60rem; margin: 2rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.8rem; line-height: 1.25; margin: 0 0 0.3rem 0; }
h2 { font-size: 1.3rem; border-bottom: 1px solid #bbbbbb; padding-bottom: 0.15rem;
  margin-top: 2rem; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 0.3rem 0; break-after: avoid; page-break-after: avoid; }
p { margin: 0.4rem 0 0.8rem 0; }
.lead { font-size: 1.12rem; }
.meta { color: #555555; font-size: 0.92rem; }
.question { border-left: 4px solid #2b6cb0; background: #eef4fb; padding: 0.5rem 1rem;
  font-style: italic; break-inside: avoid; page-break-inside: avoid;
  print-color-adjust: exact; -webkit-print-color-adjust: exact; }
.note { border-left: 4px solid #b03a2b; padding: 0.3rem 1rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem 0; break-inside: avoid;
  page-break-inside: avoid; }
th, td { border: 1px solid #c8c8c8; padding: 0.2rem 0.6rem; text-align: left; vertical-align: top; }
thead th { background: #f2f2f2; print-color-adjust: exact; -webkit-print-color-adjust: exact; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.formula { margin: 0.5rem 0 0.9rem 0; break-inside: avoid; page-break-inside: avoid; }
.formula p { margin: 0.1rem 0; }
math { font-size: 1.25em; }
math[display=block] { margin: 0.3rem 0 0.3rem 1.5rem; }
section.figures { break-before: page; page-break-before: always; }
figure { margin: 1.2rem 0 1.6rem 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; border: 1px solid #dddddd; }
figcaption { color: #444444; font-size: 0.9rem; margin-top: 0.3rem; }
footer { margin-top: 2.5rem; color: #555555; font-size: 0.85rem; }
@page { size: A4; margin: 14mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10.5pt; }
  table { font-size: 0.95em; }
  th, td { padding: 0.05rem 0.5rem; line-height: 1.3; }
  h2 { margin-top: 1.2rem; }
  figure { margin: 0 0 1rem 0; }
}
";
