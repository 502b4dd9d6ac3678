//! The lesson handout: `gradscope run --handout` and the live tab's
//! "Export handout…" write one page that parses, holds every figure the run
//! wrote, the lesson's texts in the language asked for, and nothing a user
//! named as markup.
//!
//! The page is polyglot XHTML5 (see `src/handout/page.rs`), so roxmltree,
//! the XML parser the figure tests already use, checks it: an HTML5 parser
//! accepts any byte sequence and would prove nothing, while well-formed XML
//! with every element closed means the browser's HTML parser builds the
//! same tree. Its escaping is checked by a CSV file and classes named like
//! markup.

mod common;
use common::{ok, until};

use std::collections::BTreeMap;
use std::path::Path;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gradscope::app::GradscopeApp;
use gradscope::handout::{self, GradientEnds, Handout, RunNumbers};
use gradscope::lang::Lang;
use gradscope::lessons;
use gradscope::nn::{Config, NonFinite, Phase, SkipStyle};
use gradscope::train::{EvalPoint, Mode, Playback, State, Twin};

const SVG: &str = "http://www.w3.org/2000/svg";

fn text(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Parses the page and checks what every handout must be: one HTML
/// document in `lang`, no script, nothing fetched, every figure's clip
/// path its own. Returns the page's text and its figures' titles.
fn check_page(html: &str, lang: Lang) -> (String, Vec<String>) {
    // `<!DOCTYPE html>` is a DTD to an XML parser: allowed, it declares nothing.
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(html, options)
        .unwrap_or_else(|e| panic!("not well-formed: {e}"));
    assert!(html.starts_with("<!DOCTYPE html>\n"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "html");
    assert_eq!(root.attribute("lang"), Some(lang.code()));
    let mut clip_ids = Vec::new();
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        assert!(
            !matches!(
                name,
                "script" | "img" | "iframe" | "object" | "link" | "image"
            ),
            "<{name}> in the page"
        );
        for attribute in node.attributes() {
            let a = attribute.name();
            assert!(
                !matches!(a, "src" | "href") && !a.starts_with("on"),
                "attribute {a} on <{name}>"
            );
        }
        if name == "clipPath" {
            clip_ids.push(node.attribute("id").unwrap().to_string());
        }
        // A clipped group points at its own figure's clip path.
        if let Some(url) = node.attribute("clip-path") {
            let svg = node
                .ancestors()
                .find(|a| a.tag_name().name() == "svg")
                .unwrap();
            let id = url.trim_start_matches("url(#").trim_end_matches(')');
            assert!(
                svg.descendants().any(|d| d.attribute("id") == Some(id)),
                "{url} is not in its own figure"
            );
        }
    }
    let unique: std::collections::BTreeSet<_> = clip_ids.iter().collect();
    assert_eq!(unique.len(), clip_ids.len(), "clip path ids repeat");
    let titles = doc
        .descendants()
        .filter(|n| n.tag_name().namespace() == Some(SVG) && n.tag_name().name() == "svg")
        .map(|svg| {
            svg.children()
                .find(|c| c.tag_name().name() == "title")
                .and_then(|t| t.text())
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    let words = doc
        .descendants()
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join(" ");
    (words, titles)
}

/// The titles of the SVG files in `dir`, counted.
fn svg_titles(dir: &Path) -> BTreeMap<String, usize> {
    let mut titles = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "svg") {
            let svg = std::fs::read_to_string(&path).unwrap();
            let doc = roxmltree::Document::parse(&svg).unwrap();
            let title = doc
                .descendants()
                .find(|n| n.tag_name().name() == "title")
                .and_then(|t| t.text())
                .unwrap_or_default()
                .to_string();
            *titles.entry(title).or_insert(0) += 1;
        }
    }
    titles
}

fn counted(titles: Vec<String>) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for title in titles {
        *out.entry(title).or_insert(0) += 1;
    }
    out
}

fn assert_lesson_text(words: &str, lesson: &lessons::Lesson, lang: Lang) {
    for (what, text) in [
        ("title", &lesson.title),
        ("summary", &lesson.summary),
        ("explanation", &lesson.explanation),
        ("watch", &lesson.watch),
        ("question", &lesson.question),
    ] {
        assert!(
            words.contains(text.get(lang)),
            "{} {what} missing in {lang:?}",
            lesson.id
        );
    }
}

#[test]
fn gradscope_run_writes_a_handout_with_every_figure_in_either_language() {
    let lesson = lessons::find("vanishing").unwrap();
    let tmp = tempfile::tempdir().unwrap();
    for lang in Lang::ALL {
        let out = tmp.path().join(lang.code());
        ok(&[
            "run",
            "--lesson",
            "vanishing",
            "--depth",
            "3",
            "--width",
            "8",
            "--steps",
            "5",
            "--size",
            "400x250",
            "--lang",
            lang.code(),
            "--handout",
            "--out",
            text(&out),
        ]);
        let html = std::fs::read_to_string(out.join("handout.html")).unwrap();
        let (words, titles) = check_page(&html, lang);
        // One <svg> per figure written, the same figures.
        let files = svg_titles(&out);
        assert!(files.values().sum::<usize>() >= 8, "{files:?}");
        assert_eq!(counted(titles), files);
        assert_lesson_text(&words, &lesson, lang);
        let other = match lang {
            Lang::En => Lang::It,
            Lang::It => Lang::En,
        };
        assert!(!words.contains(lesson.explanation.get(other)));
        let (heading, foreign) = match lang {
            Lang::En => ("Key numbers", "Numeri chiave"),
            Lang::It => ("Numeri chiave", "Key numbers"),
        };
        assert!(words.contains(heading) && !words.contains(foreign));
        // The configuration as run, with the formulas of its activation.
        assert!(html.contains("<td>3 × 8</td>"), "the flags' depth × width");
        assert!(html.contains("<mn>4</mn></mfrac>"), "sigmoid's bound 1/4");
        let summary: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap())
                .unwrap();
        let listed: Vec<&str> = summary["files"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f.as_str())
            .collect();
        assert!(listed.contains(&"handout.html"), "{listed:?}");
        // The key numbers are the summary's.
        let first = summary["layers"][0]["grad_norm_initial"].as_f64().unwrap();
        assert!(words.contains(&handout::number(first)), "{first}");
    }
    // Without --handout there is none; --overwrite replaces it as its own.
    let plain = tmp.path().join("plain");
    ok(&[
        "run",
        "--depth",
        "2",
        "--width",
        "4",
        "--steps",
        "2",
        "--size",
        "200x200",
        "--out",
        text(&plain),
    ]);
    assert!(!plain.join("handout.html").exists());
    let en = tmp.path().join("en");
    ok(&[
        "run",
        "--depth",
        "2",
        "--width",
        "4",
        "--steps",
        "2",
        "--size",
        "200x200",
        "--handout",
        "--overwrite",
        "--out",
        text(&en),
    ]);
    let html = std::fs::read_to_string(en.join("handout.html")).unwrap();
    let (words, _) = check_page(&html, Lang::En);
    assert!(words.contains("A training run") && !words.contains(&lesson.question.en));
}

#[test]
fn names_from_a_csv_file_are_text_never_markup() {
    let tmp = tempfile::tempdir().unwrap();
    let name = "<b onclick='x'>&amp;\"quoted\".csv";
    let csv = tmp.path().join(name);
    let hostile = [
        "</td><script>alert(1)</script>",
        "<img src=x onerror=alert(2)>",
    ];
    let mut rows = String::from("a,b,label\n");
    for i in 0..40 {
        let class = hostile[i % 2].replace('"', "\"\"");
        rows.push_str(&format!("{},{},\"{class}\"\n", i % 7, (i * 3) % 5));
    }
    std::fs::write(&csv, rows).unwrap();
    let out = tmp.path().join("out");
    ok(&[
        "run",
        "--data",
        text(&csv),
        "--depth",
        "2",
        "--width",
        "4",
        "--steps",
        "3",
        "--size",
        "300x200",
        "--handout",
        "--out",
        text(&out),
    ]);
    let html = std::fs::read_to_string(out.join("handout.html")).unwrap();
    // check_page fails on any script, img, src, href or on… attribute.
    let (words, titles) = check_page(&html, Lang::En);
    assert!(words.contains(name), "the file's name, as text");
    for class in hostile {
        assert!(words.contains(class), "{class} as text");
        assert!(!html.contains(class), "{class} as markup");
    }
    assert_eq!(counted(titles), svg_titles(&out));
}

/// Every lesson's texts, in both languages, in a handout with a diverged
/// twin and a healthy one: the numbers say which is which.
#[test]
fn every_lesson_in_both_languages_and_a_divergence() {
    let plain = RunNumbers {
        twin: Some(Twin::Plain),
        steps: 40,
        start: GradientEnds::of([2.5e-11, 1.0, 0.5]),
        start_steps: (0, 0),
        end: GradientEnds::of([1e-12, 0.25]),
        eval: None,
        skips: None,
        diverged: Some(NonFinite {
            step: 37,
            layer: 4,
            phase: Phase::Backward,
        }),
    };
    let residual = RunNumbers {
        twin: Some(Twin::Residual),
        eval: Some(EvalPoint {
            step: 40,
            train_loss: 0.5,
            test_loss: 0.625,
            test_accuracy: 0.875,
        }),
        diverged: None,
        skips: Some((SkipStyle::Identity, 7, 7)),
        ..plain.clone()
    };
    let runs = [plain, residual];
    let figure = gradscope::figures::build::depth_sweep(&[], 3, Lang::En);
    for lesson in lessons::all().unwrap() {
        for lang in Lang::ALL {
            let handout = Handout {
                lesson: Some(&lesson),
                config: &lesson.config,
                runs: &runs,
                figures: std::slice::from_ref(&figure),
            };
            let html = handout::to_html(&handout, lang);
            let (words, titles) = check_page(&html, lang);
            assert_eq!(titles, vec![figure.title.clone()]);
            assert_lesson_text(&words, &lesson, lang);
            let (diverged, step) = match lang {
                Lang::En => ("— (diverged)", "at step 37 in layer 5"),
                Lang::It => ("— (divergito)", "al passo 37 nel livello 5"),
            };
            assert!(words.contains(diverged) && words.contains(step), "{lang:?}");
            // first ÷ output at the start: 2.5e-11 / 0.5.
            assert!(words.contains("5.00e-11"));
            // The residual twin's block, whatever the lesson configured.
            assert!(
                html.contains("Residual block (identity)")
                    || html.contains("Blocco residuo (identity)")
            );
            assert!(words.contains("0.5000") && words.contains("87.5%"));
        }
    }
}

/// The live tab's button writes the handout of what is on screen: both
/// twins' numbers and every figure Export all writes, in the window's
/// language.
#[test]
fn the_live_tab_exports_a_handout_in_either_language() {
    for (lang, button, said, all, twin) in [
        (
            Lang::En,
            "Export handout…",
            "Handout written to ",
            "Export all",
            "residual network",
        ),
        (
            Lang::It,
            "Esporta dispensa…",
            "Dispensa scritta in ",
            "Esporta tutto",
            "rete residua",
        ),
    ] {
        let mut h = Harness::builder()
            .with_size(egui::vec2(1400.0, 900.0))
            .build_eframe(move |cc| {
                GradscopeApp::new(&cc.egui_ctx, lang, Some("residual-rescue")).unwrap()
            });
        let lesson = lessons::find("residual-rescue").unwrap();
        h.state().send(Playback::Pause);
        h.state().send(gradscope::train::Command::Reset {
            config: Config {
                depth: 4,
                width: 8,
                ..lesson.config.clone()
            },
            mode: Mode::Twins,
        });
        until(&mut h, |app| {
            app.live().epoch() >= 1
                && app.steps() == 0
                && *app.training_state() == State::Paused
                && app.run_names().len() == 2
        });
        h.state().send(Playback::Step(12));
        until(&mut h, |app| {
            app.steps() == 12 && *app.training_state() == State::Paused
        });
        h.run_steps(3);
        let root = tempfile::tempdir().unwrap();
        h.state_mut().set_export_root(root.path().to_path_buf());
        h.get_by_label(button).click();
        h.run_steps(2);
        let message = h.state().message().unwrap().to_string();
        assert!(message.starts_with(said), "{message}");
        let file = Path::new(message.trim_start_matches(said)).to_path_buf();
        assert!(file.starts_with(root.path()) && file.ends_with("handout.html"));
        let html = std::fs::read_to_string(&file).unwrap();
        let (words, titles) = check_page(&html, lang);
        assert_lesson_text(&words, &lesson, lang);
        assert!(words.contains(twin), "{twin}");
        // The same figures as Export all.
        h.get_by_label(all).click();
        h.run_steps(2);
        let message = h.state().message().unwrap().to_string();
        let dir = root
            .path()
            .read_dir()
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.join("config.json").is_file())
            .unwrap_or_else(|| panic!("no Export all folder: {message}"));
        assert_eq!(counted(titles), svg_titles(&dir));
    }
}
