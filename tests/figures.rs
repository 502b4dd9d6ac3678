//! The figure exporters: PNG decodes at the requested size, SVG is
//! well-formed XML with its text as text, CSV has a row per point, and
//! `write_all` writes exactly three files or says why not.

use gradscope::explain::Explain;
use gradscope::figures::{
    self, Axis, Figure, Heatmap, Marker, Orientation, PALETTE, Rgb, Series, SeriesKind, csv, png,
    svg,
};
use gradscope::lang::Lang;

/// Log-y loss over steps: two lines, one with a min..max band, and a
/// vertical marker. Includes a non-finite point, which must be skipped.
fn loss_figure() -> Figure {
    let mut f = Figure::new(
        "loss",
        "Training loss",
        Axis::linear("step"),
        Axis::log("loss"),
    );
    f.subtitle = "10 layers, sigmoid, SGD lr=0.1, batch 64".into();
    let train: Vec<[f64; 2]> = (0..200)
        .map(|i| [i as f64 * 10.0, 2.3 * (-(i as f64) / 60.0).exp() + 0.02])
        .collect();
    let range: Vec<[f64; 2]> = train.iter().map(|p| [p[1] * 0.7, p[1] * 1.4]).collect();
    let mut train_series = Series::line("train (plain)", PALETTE[0], train);
    train_series.range = range;
    let mut resid: Vec<[f64; 2]> = (0..200)
        .map(|i| [i as f64 * 10.0, 2.3 * (-(i as f64) / 25.0).exp() + 0.005])
        .collect();
    resid[50][1] = f64::NAN;
    f.series.push(train_series);
    f.series
        .push(Series::line("train (residual)", PALETTE[1], resid));
    f.markers.push(Marker {
        label: "skip connections on".into(),
        color: PALETTE[7],
        orientation: Orientation::Vertical,
        value: 1200.0,
        dashed: true,
    });
    f.notes.push("step 1990".into());
    f
}

/// Two bar series over named layers, with a dashed horizontal reference.
fn bar_figure() -> Figure {
    let names: Vec<String> = (1..=12).map(|i| format!("L{i}")).collect();
    let mut x = Axis::linear("layer");
    x.categories = names;
    let mut f = Figure::new(
        "grad_norms",
        "Gradient norm per layer",
        x,
        Axis::linear("||dL/dW||"),
    );
    let plain: Vec<[f64; 2]> = (1..=12)
        .map(|i| [i as f64, 0.25f64.powi(12 - i) * 2.0])
        .collect();
    let resid: Vec<[f64; 2]> = (1..=12)
        .map(|i| [i as f64, 0.8 + 0.05 * i as f64])
        .collect();
    f.series.push(Series::bars("plain", PALETTE[0], 0.8, plain));
    f.series
        .push(Series::bars("residual, \"skip\"", PALETTE[2], 0.8, resid));
    f.markers.push(Marker {
        label: "sigmoid' <= 0.25".into(),
        color: PALETTE[1],
        orientation: Orientation::Horizontal,
        value: 0.25,
        dashed: true,
    });
    f
}

/// Gradient magnitude per layer (rows) over time (columns), with gaps.
fn heatmap_figure() -> Figure {
    let (rows, columns) = (10usize, 40usize);
    let mut y = Axis::linear("layer");
    y.categories = (1..=rows).map(|i| format!("L{i}")).collect();
    let mut f = Figure::new(
        "grad_heatmap",
        "Gradient magnitude by layer over time",
        Axis::linear("step"),
        y,
    );
    let values = (0..rows * columns)
        .map(|i| {
            let (r, c) = (i / columns, i % columns);
            if c == 7 {
                f64::NAN
            } else {
                -8.0 + 0.9 * r as f64 - 0.05 * c as f64
            }
        })
        .collect();
    f.heatmap = Some(Heatmap {
        x_edges: (0..=columns).map(|c| c as f64 * 50.0).collect(),
        y_edges: (0..=rows).map(|r| r as f64 + 0.5).collect(),
        values,
        value_label: "log10 ||dL/dW||".into(),
        min: -10.0,
        max: 2.0,
        classes: Vec::new(),
        cell_text: None,
    });
    f
}

fn all_figures() -> Vec<Figure> {
    vec![loss_figure(), bar_figure(), heatmap_figure()]
}

fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let decoder = ::png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("PNG header");
    let mut buf = vec![0; reader.output_buffer_size().expect("buffer size")];
    let info = reader.next_frame(&mut buf).expect("PNG frame");
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

#[test]
fn png_decodes_at_requested_size() {
    for f in all_figures() {
        for (w, h) in [(1600, 1000), (800, 500), (200, 200), (1000, 1600)] {
            let bytes = png::to_png(&f, w, h).expect("png");
            let (dw, dh, pixels) = decode(&bytes);
            assert_eq!((dw, dh), (w, h), "{}", f.id);
            // Something was drawn: not every pixel is white.
            assert!(pixels.iter().any(|&v| v < 200), "{} is blank", f.id);
        }
    }
}

#[test]
fn png_size_out_of_range_is_an_error() {
    let f = loss_figure();
    for (w, h) in [(199, 1000), (1600, 8001), (0, 0)] {
        let err = png::to_png(&f, w, h)
            .expect_err("size out of range")
            .explain(Lang::En);
        assert!(err.contains("200..=8000"), "{err}");
    }
    assert!(png::to_png(&f, 8000, 200).is_ok());
}

#[test]
fn svg_is_well_formed_with_text_elements() {
    for f in all_figures() {
        for (w, h) in [(1600, 1000), (800, 500)] {
            let text = svg::to_svg(&f, w, h);
            let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", f.id));
            let root = doc.root_element();
            assert_eq!(root.tag_name().name(), "svg");
            assert_eq!(root.attribute("width"), Some(w.to_string().as_str()));
            let texts: Vec<String> = doc
                .descendants()
                .filter(|n| n.has_tag_name("text"))
                .map(|n| n.text().unwrap_or_default().to_string())
                .collect();
            assert!(texts.contains(&f.title), "{}: no title in {texts:?}", f.id);
            assert!(texts.contains(&f.y.label), "{}: no y label", f.id);
            assert!(
                !text.contains("NaN") && !text.contains("inf"),
                "{}: non-finite number",
                f.id
            );
        }
    }
}

#[test]
fn svg_escapes_markup_in_text() {
    let mut f = bar_figure();
    f.title = "a < b & \"c\"".into();
    let text = svg::to_svg(&f, 800, 500);
    let doc = roxmltree::Document::parse(&text).expect("xml");
    assert!(
        doc.descendants()
            .any(|n| n.has_tag_name("text") && n.text() == Some("a < b & \"c\""))
    );
}

#[test]
fn svg_shows_every_legend_entry_and_marker_label() {
    let f = loss_figure();
    let text = svg::to_svg(&f, 1600, 1000);
    for s in [
        "train (plain)",
        "train (residual)",
        "skip connections on",
        "step 1990",
        "step",
        "loss",
    ] {
        assert!(text.contains(&format!(">{s}</text>")), "missing {s}");
    }
    let bars = svg::to_svg(&bar_figure(), 1600, 1000);
    for s in [
        "L1",
        "L12",
        "sigmoid&apos; &lt;= 0.25",
        "residual, &quot;skip&quot;",
    ] {
        assert!(bars.contains(&format!(">{s}</text>")), "missing {s}");
    }
    let heat = svg::to_svg(&heatmap_figure(), 1600, 1000);
    for s in ["log10 ||dL/dW||", "-10", "2"] {
        assert!(heat.contains(&format!(">{s}</text>")), "missing {s}");
    }
}

fn rows(text: &str) -> Vec<&str> {
    text.lines().collect()
}

#[test]
fn csv_has_a_row_per_point() {
    let loss = csv::to_csv(&loss_figure());
    let lines = rows(&loss);
    // Header, 200 + 200 points, one marker.
    assert_eq!(lines.len(), 1 + 400 + 1);
    assert_eq!(lines[0], "series,x,y,y_min,y_max");
    assert!(lines[1].starts_with("train (plain),0,2.3"));
    assert_eq!(lines[1].split(',').count(), 5);
    assert_eq!(lines[401], "marker: skip connections on,1200,,,");
    // The NaN point of the second series is an empty field.
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("train (residual),500,,")),
        "{:?}",
        &lines[250]
    );

    let bars = csv::to_csv(&bar_figure());
    let lines = rows(&bars);
    assert_eq!(lines.len(), 1 + 24 + 1);
    assert_eq!(lines[0], "series,x,x_name,y,y_min,y_max");
    assert!(lines[1].starts_with("plain,1,L1,"));
    assert!(
        lines[13].starts_with("\"residual, \"\"skip\"\"\",1,L1,0.85"),
        "{}",
        lines[13]
    );
    assert_eq!(lines[25], "marker: sigmoid' <= 0.25,,,0.25,,");

    let heat = csv::to_csv(&heatmap_figure());
    let lines = rows(&heat);
    assert_eq!(lines.len(), 1 + 10 * 40);
    assert_eq!(lines[0], "x_start,x_end,y_start,y_end,value");
    assert_eq!(lines[1], "0,50,0.5,1.5,-8");
    assert_eq!(lines[8], "350,400,0.5,1.5,");
}

#[test]
fn write_all_writes_three_files_and_no_temporaries() {
    let dir = tempfile::tempdir().expect("temp dir");
    let f = loss_figure();
    let paths = figures::write_all(&f, dir.path(), 800, 500).expect("write_all");
    let names: Vec<String> = paths
        .iter()
        .map(|p| {
            p.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(names, ["loss.png", "loss.svg", "loss.csv"]);
    let mut on_disk: Vec<String> = std::fs::read_dir(dir.path())
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    assert_eq!(on_disk, ["loss.csv", "loss.png", "loss.svg"]);
    let (w, h, _) = decode(&std::fs::read(&paths[0]).expect("png"));
    assert_eq!((w, h), (800, 500));
    // Writing again replaces the files.
    figures::write_all(&f, dir.path(), 800, 500).expect("rewrite");
    assert_eq!(std::fs::read_dir(dir.path()).expect("read dir").count(), 3);
}

#[test]
fn write_all_reports_the_path_and_reason() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("no").join("such");
    let err = figures::write_all(&loss_figure(), &missing, 800, 500)
        .expect_err("missing folder")
        .explain(Lang::En);
    assert!(
        err.contains(&missing.join("loss.png").display().to_string()),
        "{err}"
    );
    assert!(err.contains("no such file or folder"), "{err}");

    let err = figures::write_all(&loss_figure(), dir.path(), 100, 500)
        .expect_err("bad size")
        .explain(Lang::En);
    assert!(err.contains("200..=8000"), "{err}");
    assert_eq!(std::fs::read_dir(dir.path()).expect("read dir").count(), 0);

    let mut bad = loss_figure();
    bad.id = "../escape".into();
    assert!(figures::write_all(&bad, dir.path(), 800, 500).is_err());
}

#[test]
fn awkward_figures_still_export() {
    let empty = Figure::new("empty", "", Axis::linear(""), Axis::log(""));
    let mut odd = Figure::new(
        "odd",
        "Odd data",
        Axis::log("x").with_range(5.0, 1.0),
        Axis::linear("y"),
    );
    odd.series
        .push(Series::line("one point", PALETTE[3], vec![[1.0, 1.0]]));
    odd.series.push(Series::line(
        "nothing finite",
        PALETTE[4],
        vec![[f64::NAN, f64::INFINITY]],
    ));
    odd.series.push(Series::points(
        "far",
        PALETTE[5],
        3.0,
        vec![[1e300, -1e300], [2.0, 3.0]],
    ));
    odd.series.push(Series {
        kind: SeriesKind::Line { width: 2.0 },
        range: vec![[0.0, 1.0]], // wrong length: ignored
        ..Series::line("bad range", PALETTE[6], vec![[1.0, 1.0], [2.0, 2.0]])
    });
    let mut flat = heatmap_figure();
    if let Some(hm) = &mut flat.heatmap {
        hm.min = 1.0;
        hm.max = 1.0;
        hm.values.truncate(3); // fewer values than cells
    }
    for f in [empty, odd, flat] {
        let bytes = png::to_png(&f, 640, 400).expect("png");
        assert_eq!(decode(&bytes).0, 640);
        roxmltree::Document::parse(&svg::to_svg(&f, 640, 400)).expect("xml");
        assert!(csv::to_csv(&f).lines().count() >= 1);
    }
}

/// Like `build::gradient_bars`: log-y bars over 30 layers, a dashed
/// reference line with symbols in its name, a note.
fn log_bars_figure() -> Figure {
    let layers = 30;
    let mut x = Axis::linear("layer (input → output)");
    x.categories = (1..layers)
        .map(|i| i.to_string())
        .chain(["out".to_string()])
        .collect();
    x.min = Some(0.4);
    x.max = Some(layers as f64 + 0.6);
    let mut f = Figure::new(
        "gradients",
        "Gradient magnitude per layer",
        x,
        Axis::log("||dL/dW||"),
    );
    f.subtitle = "step 1200".into();
    let plain: Vec<[f64; 2]> = (1..=layers)
        .map(|l| [l as f64, 0.3 * 0.25f64.powi(layers - l)])
        .collect();
    let resid: Vec<[f64; 2]> = (1..=layers)
        .map(|l| [l as f64, 0.05 + 0.001 * l as f64])
        .collect();
    let reference: Vec<[f64; 2]> = (1..=layers)
        .map(|l| [l as f64, 0.3 * 0.25f64.powi(layers - l)])
        .collect();
    f.series.push(Series::bars("plain", PALETTE[0], 0.4, plain));
    f.series
        .push(Series::bars("residual", PALETTE[1], 0.4, resid));
    let mut r = Series::line("0.25^(L−l) × output layer", Rgb(110, 110, 110), reference);
    r.dashed = true;
    f.series.push(r);
    f.notes.push("2 layers with NaN/Inf gradients".into());
    f
}

/// Like `build::activation`: a histogram under two curves, a horizontal
/// marker, two notes, a fixed x range.
fn activation_figure() -> Figure {
    let mut f = Figure::new(
        "activation",
        "sigmoid and its derivative",
        Axis::linear("z (input of the activation)").with_range(-8.0, 8.0),
        Axis::linear("value"),
    );
    let sig = |z: f64| 1.0 / (1.0 + (-z).exp());
    let curve: Vec<f64> = (0..=400).map(|i| -8.0 + 16.0 * i as f64 / 400.0).collect();
    let hist: Vec<[f64; 2]> = (0..40)
        .map(|i| {
            let z = -7.8 + 0.4 * i as f64;
            [z, (-(z - 1.5) * (z - 1.5) / 8.0).exp()]
        })
        .collect();
    f.series.push(Series::bars(
        "inputs of layer 3 (histogram)",
        Rgb(170, 190, 215),
        0.4,
        hist,
    ));
    f.series.push(Series::line(
        "g(z) = sigmoid",
        PALETTE[0],
        curve.iter().map(|&z| [z, sig(z)]).collect(),
    ));
    let mut d = Series::line(
        "g'(z)",
        PALETTE[1],
        curve
            .iter()
            .map(|&z| [z, sig(z) * (1.0 - sig(z))])
            .collect(),
    );
    d.dashed = true;
    f.series.push(d);
    f.markers.push(Marker {
        label: "max g' = 0.25".into(),
        color: PALETTE[1],
        orientation: Orientation::Horizontal,
        value: 0.25,
        dashed: true,
    });
    f.notes.push("3% outside the plotted range".into());
    f.notes.push("41% saturated (g' < 10% of max)".into());
    f
}

/// A run that explodes: the curve ends top right, where the legend would
/// go; many event markers close together; Italian labels.
fn exploding_figure() -> Figure {
    let mut f = Figure::new(
        "explode",
        "Loss",
        Axis::linear("passo"),
        Axis::log("loss (cross-entropy, scala log)"),
    );
    f.subtitle =
        "Una riga di sottotitolo molto lunga che descrive la configurazione: 50 livelli, tanh, \
                  SGD lr=0,5, batch 128, seme 7, inizializzazione normale σ=1,0, skip disattivate"
            .into();
    let pts: Vec<[f64; 2]> = (0..300)
        .map(|i| [i as f64, 2.3 * (i as f64 / 30.0).exp()])
        .collect();
    f.series
        .push(Series::line("addestramento", PALETTE[0], pts));
    for (step, label) in [
        (100.0, "skip attive"),
        (110.0, "skip disattivate"),
        (120.0, "stile: he"),
        (290.0, "divergenza (NaN)"),
    ] {
        f.markers.push(Marker {
            label: label.into(),
            color: if step > 200.0 {
                Rgb(200, 30, 30)
            } else {
                Rgb(110, 110, 110)
            },
            orientation: Orientation::Vertical,
            value: step,
            dashed: true,
        });
    }
    f
}

/// Like `build::depth_sweep`: lines and dots on a log y axis, wide values.
fn sweep_figure() -> Figure {
    let mut f = Figure::new(
        "depth_sweep",
        "Final training loss against depth",
        Axis::linear("hidden layers"),
        Axis::log("final training loss (log scale)"),
    );
    let depths = [2.0, 5.0, 10.0, 20.0, 50.0];
    let plain: Vec<[f64; 2]> = depths
        .iter()
        .map(|&d| [d, 0.01 * (d / 4.0f64).exp().min(1e4)])
        .collect();
    let resid: Vec<[f64; 2]> = depths.iter().map(|&d| [d, 0.012 + 0.0001 * d]).collect();
    f.series
        .push(Series::line("plain", PALETTE[0], plain.clone()));
    f.series.push(Series::points(
        "plain, each seed",
        PALETTE[0],
        4.0,
        plain
            .iter()
            .flat_map(|p| [[p[0], p[1] * 0.8], [p[0], p[1] * 1.2]])
            .collect(),
    ));
    f.series
        .push(Series::line("residual (identity)", PALETTE[1], resid));
    f.markers.push(Marker {
        label: "chance ln 10 = 2.30".into(),
        color: Rgb(110, 110, 110),
        orientation: Orientation::Horizontal,
        value: 10f64.ln(),
        dashed: true,
    });
    f.notes.push("plain: 3 runs diverged (NaN)".into());
    f
}

/// A heatmap of 30 layers over 300 buckets.
fn big_heatmap_figure() -> Figure {
    let (rows, columns) = (30usize, 300usize);
    let mut y = Axis::linear("layer (input at the bottom)");
    y.categories = (1..rows)
        .map(|i| i.to_string())
        .chain(["out".to_string()])
        .collect();
    let mut f = Figure::new(
        "big_heatmap",
        "Gradient magnitude over time",
        Axis::linear("step"),
        y,
    );
    let values = (0..rows * columns)
        .map(|i| {
            let (r, c) = (i / columns, i % columns);
            -12.0 + 0.4 * r as f64 + (c as f64 / 20.0).sin()
        })
        .collect();
    f.heatmap = Some(Heatmap {
        x_edges: (0..=columns).map(|c| c as f64 * 40.0).collect(),
        y_edges: (0..=rows).map(|r| r as f64 + 0.5).collect(),
        values,
        value_label: "log10 ||dL/dW||".into(),
        min: -13.0,
        max: 1.0,
        classes: Vec::new(),
        cell_text: None,
    });
    f
}

fn more_figures() -> Vec<Figure> {
    vec![
        log_bars_figure(),
        activation_figure(),
        exploding_figure(),
        sweep_figure(),
        big_heatmap_figure(),
    ]
}

#[test]
fn realistic_figures_export() {
    for f in more_figures() {
        // 300x200 draws bars one to two pixels wide, which once tripped an
        // assertion inside tiny-skia.
        for (w, h) in [(1600, 1000), (800, 500), (300, 200)] {
            let (dw, dh, _) = decode(&png::to_png(&f, w, h).expect("png"));
            assert_eq!((dw, dh), (w, h));
            let svg_text = svg::to_svg(&f, w, h);
            let doc = roxmltree::Document::parse(&svg_text).expect("xml");
            assert!(
                doc.descendants()
                    .any(|n| n.has_tag_name("text") && n.text() == Some(f.title.as_str()))
            );
        }
    }
}

/// Writes sample PNGs and SVGs for a human to look at:
/// Every sample figure at every size renders and writes. Set
/// $GRADSCOPE_FIG_SAMPLES to a folder to keep the files and look at them.
#[test]
fn samples() {
    let scratch = tempfile::tempdir().expect("temporary folder");
    let dir = std::env::var_os("GRADSCOPE_FIG_SAMPLES")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| scratch.path().to_path_buf());
    let dir = dir.as_path();
    std::fs::create_dir_all(dir).expect("sample folder");
    for f in all_figures().into_iter().chain(more_figures()) {
        figures::write_all(&f, dir, 1600, 1000).expect("write");
        for (w, h) in [(800, 500), (1000, 1600), (300, 200)] {
            let small = png::to_png(&f, w, h).expect("png");
            std::fs::write(dir.join(format!("{}_{w}x{h}.png", f.id)), small).expect("write");
        }
    }
}
