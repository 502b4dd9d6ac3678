//! The lesson handout: one self-contained HTML page for the current lesson
//! or run, to print or to read at home. It holds the lesson's texts, the
//! configuration with its formulas, the key numbers measured and every
//! figure inline as SVG (the same figure models the screen draws and the
//! exporters paint), in one language; no scripts, no network, nothing
//! beside it. `gradscope run --handout` and the live tab's "Export
//! handout…" write it.
//!
//! - `mod.rs`: what a handout holds (`Handout`) and the page, section by
//!   section (`to_html`).
//! - `numbers`: the key numbers of a run (`RunNumbers`) and the
//!   configuration's table.
//! - `formulas`: activation, initialisation, layer and block, optimiser as
//!   MathML.
//! - `page`: the page's head and print style sheet, escaping, element
//!   helpers.

mod formulas;
mod numbers;
mod page;

pub use numbers::{GradientEnds, RunNumbers, number};

use crate::figures::Figure;
use crate::figures::svg::to_inline_svg;
use crate::lang::{Lang, say};
use crate::lessons::Lesson;
use crate::nn::Config;

use page::{element, text};

/// The handout's file name, beside the other files of a run.
pub const FILE_NAME: &str = "handout.html";

/// The size each figure is laid out at; the page scales it to its width
/// (the text keeps its proportion to the plot, as in an exported SVG).
pub const FIGURE_SIZE: (u32, u32) = (1000, 625);

/// What a handout is made of.
pub struct Handout<'a> {
    /// The lesson whose texts it carries; `None` for a configuration of
    /// one's own.
    pub lesson: Option<&'a Lesson>,
    /// The configuration the runs trained.
    pub config: &'a Config,
    /// One run, or the plain and residual twins.
    pub runs: &'a [RunNumbers],
    /// Every figure, in order.
    pub figures: &'a [Figure],
}

/// The handout as one HTML page in `lang`.
pub fn to_html(handout: &Handout, lang: Lang) -> String {
    let l = lang;
    let steps = handout.runs.first().map_or(0, |r| r.steps);
    let title = match handout.lesson {
        Some(lesson) => lesson.title.get(l).to_string(),
        None => l.pick("A training run", "Un addestramento").to_string(),
    };
    let mut body = String::with_capacity(256 * 1024);
    body.push_str("<header>\n");
    body.push_str(&element("h1", &title));
    if let Some(lesson) = handout.lesson {
        body.push_str(&format!(
            "<p class=\"lead\">{}</p>\n",
            text(lesson.summary.get(l))
        ));
    }
    let meta = match handout.lesson {
        Some(lesson) => say!(
            l,
            "Slide: {}. Lesson “{}”, {} steps trained. Made with gradscope {}.",
            "Slide: {}. Lezione “{}”, {} passi di addestramento. Fatto con gradscope {}.",
            lesson.slide,
            lesson.id,
            steps,
            env!("CARGO_PKG_VERSION")
        ),
        None => say!(
            l,
            "{} steps trained. Made with gradscope {}.",
            "{} passi di addestramento. Fatto con gradscope {}.",
            steps,
            env!("CARGO_PKG_VERSION")
        ),
    };
    body.push_str(&format!(
        "<p class=\"meta\">{}</p>\n</header>\n<main>\n",
        text(&meta)
    ));
    if let Some(lesson) = handout.lesson {
        body.push_str(&lesson_html(lesson, l));
    }
    body.push_str("<section class=\"config\">\n");
    body.push_str(&element("h2", l.pick("Configuration", "Configurazione")));
    body.push_str(&numbers::config_html(handout.config, l));
    body.push_str(&element("h2", l.pick("Formulas", "Formule")));
    let styles: Vec<_> = handout
        .runs
        .iter()
        .filter_map(|r| r.skips.map(|(style, _, _)| style))
        .collect();
    body.push_str(&formulas::formulas(handout.config, &styles, l));
    body.push_str("</section>\n<section class=\"numbers\">\n");
    body.push_str(&element("h2", l.pick("Key numbers", "Numeri chiave")));
    for run in handout.runs {
        if let Some(d) = run.diverged {
            let mut said = say!(
                l,
                "Training stopped: a value became NaN or infinite {}. The weights are not finite, so there are no final losses or accuracy.",
                "Addestramento fermato: un valore è diventato NaN o infinito {}. I pesi non sono finiti, quindi non ci sono loss né accuratezza finali.",
                numbers::divergence(d, l)
            );
            if run.twin.is_some() {
                let name = numbers::run_name(run.twin, l);
                let mut chars = name.chars();
                let capital: String = chars
                    .next()
                    .into_iter()
                    .flat_map(char::to_uppercase)
                    .collect();
                said = format!("{capital}{}. {said}", chars.as_str());
            }
            body.push_str(&format!("<p class=\"note\">{}</p>\n", text(&said)));
        }
    }
    body.push_str(&numbers::numbers_html(handout.runs, handout.config, l));
    body.push_str("</section>\n");
    body.push_str(&figures_html(handout.figures, l));
    body.push_str("</main>\n<footer>\n");
    body.push_str(&element(
        "p",
        l.pick(
            "The numbers and figures on this page were measured in this run; the figures are the ones gradscope shows on screen.",
            "I numeri e le figure di questa pagina sono stati misurati in questo addestramento; le figure sono quelle che gradscope mostra sullo schermo.",
        ),
    ));
    body.push_str("</footer>\n");
    page::page(l, &title, &body)
}

/// The question, the explanation and what to watch.
fn lesson_html(lesson: &Lesson, l: Lang) -> String {
    let mut out = String::from("<section class=\"lesson\">\n");
    out.push_str(&element(
        "h2",
        l.pick("A question for the class", "Una domanda per la classe"),
    ));
    out.push_str(&format!(
        "<p class=\"question\">{}</p>\n",
        text(lesson.question.get(l))
    ));
    out.push_str(&element("h2", l.pick("Explanation", "Spiegazione")));
    out.push_str(&element("p", lesson.explanation.get(l)));
    out.push_str(&element("h2", l.pick("What to watch", "Cosa osservare")));
    out.push_str(&element("p", lesson.watch.get(l)));
    out.push_str("</section>\n");
    out
}

/// Every figure as inline SVG, one `<figure>` each.
fn figures_html(figures: &[Figure], l: Lang) -> String {
    let mut out = String::from("<section class=\"figures\">\n");
    out.push_str(&element("h2", l.pick("Figures", "Figure")));
    if figures.is_empty() {
        out.push_str(&element(
            "p",
            l.pick("No figure yet.", "Ancora nessuna figura."),
        ));
    }
    let (width, height) = FIGURE_SIZE;
    for (i, figure) in figures.iter().enumerate() {
        let number = i + 1;
        out.push_str(&format!("<figure id=\"figure-{number}\">\n"));
        out.push_str(&to_inline_svg(
            figure,
            width,
            height,
            &format!("figure-{number}"),
        ));
        let caption = say!(
            l,
            "Figure {number}: {}",
            "Figura {number}: {}",
            figure.title
        );
        out.push_str(&element("figcaption", &caption));
        out.push_str("</figure>\n");
    }
    out.push_str("</section>\n");
    out
}
