//! The figures of a run, built from what it measured: its history, its
//! last step's statistics, a histogram, a sweep. Labels in the chosen
//! language; numbers exactly as measured.

use crate::lang::Lang;
use crate::nn::{Activation, DecisionGrid, Histogram, StepStats};
use crate::train::sweep::SweepRecord;
use crate::train::{EventKind, History, Twin};

use super::colour::{PALETTE, class_color};
use super::model::{Axis, Figure, Heatmap, Marker, Orientation, Rgb, Series};

/// Reference lines and events.
pub const GREY: Rgb = Rgb(110, 110, 110);
const RED: Rgb = Rgb(200, 30, 30);

/// A run's name for legends, in `lang`: a single run (`None`) becomes
/// `fallback`.
fn run_label(twin: Option<Twin>, fallback: &str, lang: Lang) -> &str {
    match twin {
        None => fallback,
        Some(_) => twin_label(twin, lang),
    }
}

/// A twin's name as the window and the figures show it ("plain" is the
/// course's word in both languages); "" for a single run.
pub fn twin_label(twin: Option<Twin>, lang: Lang) -> &'static str {
    match twin {
        None => "",
        Some(Twin::Plain) => "plain",
        Some(Twin::Residual) => lang.pick("residual", "residuale"),
    }
}

/// The text of an event marker.
pub fn event_label(kind: &EventKind, lang: Lang) -> String {
    let on_off = |on: bool| {
        lang.pick(
            if on { "on" } else { "off" },
            if on { "attive" } else { "disattivate" },
        )
        .to_string()
    };
    match kind {
        EventKind::Skip { block: None, on } => {
            format!("{} {}", lang.pick("skips", "skip"), on_off(*on))
        }
        EventKind::Skip { block: Some(b), on } => {
            let state = lang.pick(
                if *on { "on" } else { "off" },
                if *on { "attiva" } else { "disattivata" },
            );
            format!("{} {} {state}", lang.pick("skip", "skip"), b + 1)
        }
        EventKind::SkipStyle(style) => format!("{}: {}", lang.pick("style", "stile"), style.name()),
        EventKind::ZeroBranch(b) => format!("{} {} = 0", lang.pick("branch", "ramo"), b + 1),
        EventKind::LearningRate(lr) => format!("lr {lr}"),
        EventKind::Optimizer(name) => name.clone(),
        EventKind::Clip(Some(c)) => format!("{} {c}", lang.pick("clip", "clip")),
        EventKind::Clip(None) => lang.pick("no clipping", "senza clipping").into(),
        EventKind::Diverged(event) => format!(
            "NaN/Inf: {} {}",
            lang.pick("layer", "livello"),
            event.layer + 1
        ),
    }
}

/// Training loss per step (mean of each bucket, with its min..max band),
/// test loss where it was evaluated, and every event as a vertical line.
pub fn loss(runs: &[(Option<Twin>, &History)], lang: Lang) -> Figure {
    let mut figure = Figure::new(
        "loss",
        lang.pick("Loss", "Loss"),
        Axis::integer(lang.pick("step", "passo")),
        Axis::log(lang.pick(
            "loss (cross-entropy, log scale)",
            "loss (cross-entropy, scala log)",
        )),
    );
    for (index, &(twin, history)) in runs.iter().enumerate() {
        let color = PALETTE[(2 * index) % PALETTE.len()];
        let test_color = PALETTE[(2 * index + 1) % PALETTE.len()];
        let label = run_label(twin, "", lang);
        let train_name = format!("{}{}", lang.pick("train", "addestramento"), suffix(label));
        let mut train = Series::line(train_name, color, Vec::new());
        for bucket in history.buckets() {
            let x = bucket.last_step as f64;
            train.points.push([x, bucket.loss.mean()]);
            train
                .range
                .push([f64::from(bucket.loss.min), f64::from(bucket.loss.max)]);
        }
        if history.buckets().iter().all(|b| b.steps() == 1) {
            train.range.clear();
        }
        figure.series.push(train);
        let test: Vec<[f64; 2]> = history
            .evals()
            .iter()
            .map(|e| [e.step as f64, e.test_loss])
            .collect();
        if !test.is_empty() {
            let mut series = Series::line(
                format!("{}{}", lang.pick("test", "test"), suffix(label)),
                test_color,
                test,
            );
            series.dashed = true;
            figure.series.push(series);
        }
        for event in history.events() {
            figure.markers.push(Marker {
                label: event_label(&event.kind, lang),
                color: if matches!(event.kind, EventKind::Diverged(_)) {
                    RED
                } else {
                    GREY
                },
                orientation: Orientation::Vertical,
                value: event.step as f64,
                dashed: true,
            });
        }
    }
    figure
}

fn suffix(name: &str) -> String {
    if name.is_empty() {
        String::new()
    } else {
        format!(" ({name})")
    }
}

/// Layer names for the x axis: 1..depth, then "out".
pub fn layer_categories(layers: usize, lang: Lang) -> Vec<String> {
    (1..layers)
        .map(|i| i.to_string())
        .chain(std::iter::once(lang.pick("out", "usc").to_string()))
        .collect()
}

/// What the gradient bars measure per layer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GradientMeasure {
    /// ||dL/dW||: what the optimiser gets.
    #[default]
    Weights,
    /// RMS of dL/dz: the error signal the backward pass carries. In a ReLU
    /// network with a wrongly scaled initialisation the forward shrink and
    /// the backward shrink cancel in dW = δᵀa, so ||dL/dW|| stays level
    /// while dL/dz shows the trouble.
    Deltas,
    /// ||dL/db||: how fast each layer's biases learn, Nielsen's "speed of
    /// learning" of a layer (the batch mean of dL/dz, so it is free of the
    /// size of the layer's inputs).
    Biases,
    /// ||update|| / ||W||: how far the optimiser moved each layer this
    /// step. SGD's follows the gradient; Adam's does not.
    UpdateRatio,
}

impl GradientMeasure {
    pub const ALL: [GradientMeasure; 4] = [
        GradientMeasure::Weights,
        GradientMeasure::Biases,
        GradientMeasure::Deltas,
        GradientMeasure::UpdateRatio,
    ];

    /// The measure's symbol: the y axis and the legend.
    pub fn symbol(self) -> &'static str {
        match self {
            GradientMeasure::Weights => "||dL/dW||",
            GradientMeasure::Deltas => "RMS dL/dz",
            GradientMeasure::Biases => "||dL/db||",
            GradientMeasure::UpdateRatio => "||ΔW||/||W||",
        }
    }

    pub fn of(self, layer: &crate::nn::LayerStats) -> f32 {
        match self {
            GradientMeasure::Weights => layer.grad_weight_norm,
            GradientMeasure::Deltas => layer.delta_rms,
            GradientMeasure::Biases => layer.grad_bias_norm,
            GradientMeasure::UpdateRatio => layer.update_ratio,
        }
    }
}

/// ||dL/dW|| (or RMS dL/dz) of every layer at one step, input side left,
/// one bar series per run; for sigmoid, the bound 0.25^(L-l) times the
/// output layer's value.
/// The gradient bars' axes for a network of `layers` layers, with no bars:
/// what the window shows before the first step has measured anything.
pub fn gradient_bars_before_first_step(
    layers: usize,
    measure: GradientMeasure,
    lang: Lang,
) -> Figure {
    let mut figure = gradient_bars_frame(layers, measure, lang);
    // A usual range for gradients, so the empty axes read like the full ones.
    figure.y.min = Some(1e-4);
    figure.y.max = Some(1.0);
    figure.subtitle = lang
        .pick(
            "no step yet: the first step measures the gradients",
            "nessun passo ancora: il primo passo misura i gradienti",
        )
        .into();
    figure
}

/// Title, id and axes of the gradient bars.
fn gradient_bars_frame(layers: usize, measure: GradientMeasure, lang: Lang) -> Figure {
    let mut x = Axis::linear(lang.pick("layer (input → output)", "livello (ingresso → uscita)"));
    x.categories = layer_categories(layers, lang);
    x.min = Some(0.4);
    x.max = Some(layers as f64 + 0.6);
    let mut figure = Figure::new(
        "gradients",
        lang.pick(
            "Gradient magnitude per layer",
            "Grandezza del gradiente per livello",
        ),
        x,
        Axis::log(measure.symbol()),
    );
    match measure {
        GradientMeasure::Weights => {}
        GradientMeasure::Deltas => {
            figure.id = "deltas".into();
            figure.title = lang
                .pick("Error signal per layer", "Segnale d'errore per livello")
                .into();
        }
        GradientMeasure::Biases => {
            figure.id = "bias_gradients".into();
            figure.title = lang
                .pick(
                    "Speed of learning per layer",
                    "Velocità di apprendimento per livello",
                )
                .into();
        }
        GradientMeasure::UpdateRatio => super::update_guide::update_ratio_frame(&mut figure, lang),
    }
    figure
}

pub fn gradient_bars(
    runs: &[(Option<Twin>, &StepStats)],
    activation: Activation,
    measure: GradientMeasure,
    lang: Lang,
) -> Figure {
    let layers = runs.first().map_or(0, |(_, s)| s.layers.len());
    let step = runs.first().map_or(0, |(_, s)| s.step);
    let mut figure = gradient_bars_frame(layers, measure, lang);
    figure.subtitle = format!("{} {step}", lang.pick("step", "passo"));
    let width = 0.8 / runs.len().max(1) as f64;
    for (index, &(twin, stats)) in runs.iter().enumerate() {
        let points = stats
            .layers
            .iter()
            .enumerate()
            .map(|(i, l)| [(i + 1) as f64, f64::from(measure.of(l))])
            .collect();
        let label = run_label(twin, measure.symbol(), lang);
        figure.series.push(Series::bars(
            label,
            PALETTE[index % PALETTE.len()],
            width,
            points,
        ));
    }
    // The bound is on gradients: an update ratio is the optimiser's.
    if activation == Activation::Sigmoid
        && measure != GradientMeasure::UpdateRatio
        && let Some((_, stats)) = runs.first()
    {
        let out = stats
            .layers
            .last()
            .map_or(0.0, |l| f64::from(measure.of(l)));
        if out > 0.0 && out.is_finite() {
            let last = layers as f64;
            let points = (1..=layers)
                .map(|l| [l as f64, out * 0.25f64.powf(last - l as f64)])
                .collect();
            let mut reference = Series::line(
                lang.pick(
                    "0.25^(L−l) × output layer",
                    "0,25^(L−l) × livello di uscita",
                ),
                GREY,
                points,
            );
            reference.dashed = true;
            figure.series.push(reference);
        }
    }
    let nonfinite = runs
        .iter()
        .flat_map(|(_, s)| &s.layers)
        .filter(|l| !measure.of(l).is_finite())
        .count();
    if nonfinite > 0 {
        figure.notes.push(format!(
            "{nonfinite} {}",
            lang.pick(
                "layers with NaN/Inf gradients",
                "livelli con gradienti NaN/Inf"
            )
        ));
    }
    figure
}

/// log10 of the mean ||dL/dW|| of every layer (rows, input at the bottom)
/// in every bucket of the history (columns).
pub fn gradient_heatmap(history: &History, lang: Lang) -> Figure {
    let buckets = history.buckets();
    let layers = buckets.first().map_or(0, |b| b.grad_norms.len());
    let mut y =
        Axis::linear(lang.pick("layer (input at the bottom)", "livello (ingresso in basso)"));
    y.categories = layer_categories(layers, lang);
    let mut figure = Figure::new(
        "gradient_heatmap",
        lang.pick(
            "Gradient magnitude over time",
            "Grandezza del gradiente nel tempo",
        ),
        Axis::integer(lang.pick("step", "passo")),
        y,
    );
    let mut x_edges: Vec<f64> = buckets.iter().map(|b| b.first_step as f64).collect();
    x_edges.push(buckets.last().map_or(1.0, |b| (b.last_step + 1) as f64));
    let y_edges: Vec<f64> = (0..=layers).map(|i| i as f64 + 0.5).collect();
    let mut values = Vec::with_capacity(layers * buckets.len());
    for layer in 0..layers {
        for bucket in buckets {
            let mean = bucket.grad_norms[layer].mean();
            values.push(if mean > 0.0 { mean.log10() } else { f64::NAN });
        }
    }
    let finite = values.iter().copied().filter(|v| v.is_finite());
    let (min, max) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let (min, max) = if min.is_finite() {
        (min.floor(), max.ceil().max(min.floor() + 1.0))
    } else {
        (-1.0, 0.0)
    };
    figure.heatmap = Some(Heatmap {
        x_edges,
        y_edges,
        values,
        value_label: "log10 ||dL/dW||".into(),
        min,
        max,
        classes: Vec::new(),
        cell_text: None,
    });
    figure
}

/// Most training points the decision-boundary plot draws (the split is
/// shuffled, so these are a random sample).
const MAX_BOUNDARY_POINTS: usize = 1000;

/// The class the network predicts over the input plane (regions shaded by
/// its certainty) with the training points on top, coloured by their true
/// class: where region and point colours disagree, the network is wrong.
pub fn decision_boundary(grid: &DecisionGrid, lang: Lang) -> Figure {
    let (x0, x1) = (f64::from(grid.x_range.0), f64::from(grid.x_range.1));
    let (y0, y1) = (f64::from(grid.y_range.0), f64::from(grid.y_range.1));
    let mut figure = Figure::new(
        "decision_boundary",
        lang.pick("Decision boundary", "Frontiera di decisione"),
        Axis::linear("x1").with_range(x0, x1),
        Axis::linear("x2").with_range(y0, y1),
    );
    figure.subtitle = format!("{} {}", lang.pick("step", "passo"), grid.step);
    let n = grid.resolution;
    let edges = |lo: f64, hi: f64| -> Vec<f64> {
        (0..=n)
            .map(|i| lo + (hi - lo) * i as f64 / n as f64)
            .collect()
    };
    let chance = 1.0 / grid.classes.max(1) as f64;
    let values = grid
        .class
        .iter()
        .zip(&grid.confidence)
        .map(|(&class, &p)| {
            let certainty = ((f64::from(p) - chance) / (1.0 - chance)).clamp(0.0, 0.999);
            class as f64 + certainty
        })
        .collect();
    let colors: Vec<Rgb> = (0..grid.classes).map(class_color).collect();
    figure.heatmap = Some(Heatmap {
        x_edges: edges(x0, x1),
        y_edges: edges(y0, y1),
        values,
        value_label: lang
            .pick("predicted class + certainty", "classe prevista + certezza")
            .into(),
        min: 0.0,
        max: grid.classes as f64,
        classes: colors.clone(),
        cell_text: None,
    });
    let shown = grid.points.len().min(MAX_BOUNDARY_POINTS);
    for (k, &color) in colors.iter().enumerate() {
        let points: Vec<[f64; 2]> = (0..shown)
            .filter(|&i| grid.points.y[i] == k)
            .map(|i| {
                let row = grid.points.x.row(i);
                [f64::from(row[0]), f64::from(row[1])]
            })
            .collect();
        let name = grid
            .class_names
            .get(k)
            .map_or_else(|| k.to_string(), Clone::clone);
        figure.series.push(Series::points(
            format!("{} {name}", lang.pick("class", "classe")),
            color,
            3.0,
            points,
        ));
    }
    figure
}

/// E_total of the slide's 2-2-2 network after each gradient step
/// (`errors[0]` before any).
pub fn textbook_error(errors: &[f64], lang: Lang) -> Figure {
    let mut figure = Figure::new(
        "backprop_error",
        lang.pick(
            "Total error of the 2-2-2 network",
            "Errore totale della rete 2-2-2",
        ),
        Axis::integer(lang.pick("step", "passo")),
        Axis::log("E_total"),
    );
    if let Some(last) = errors.last() {
        figure.subtitle = format!("E_total = {last:.9}");
    }
    // At most ~2000 points (E falls smoothly; the last one always shows).
    let stride = errors.len().div_ceil(2000).max(1);
    let mut points: Vec<[f64; 2]> = errors
        .iter()
        .enumerate()
        .step_by(stride)
        .map(|(step, &e)| [step as f64, e])
        .collect();
    if let Some(&last) = errors.last()
        && !(errors.len() - 1).is_multiple_of(stride)
    {
        points.push([(errors.len() - 1) as f64, last]);
    }
    figure
        .series
        .push(Series::line("E_total", PALETTE[0], points));
    figure
}

/// The z range the activation figure shows: sigmoid saturates later.
pub fn activation_range(activation: Activation) -> (f64, f64) {
    match activation {
        Activation::Sigmoid => (-10.0, 10.0),
        _ => (-5.0, 5.0),
    }
}

/// The activation and its derivative over [lo, hi], the maximum of the
/// derivative marked, and the histogram of one layer's pre-activations
/// scaled to the curve's height.
pub fn activation(
    activation: Activation,
    histogram: Option<(&Histogram, usize)>,
    lo: f64,
    hi: f64,
    lang: Lang,
) -> Figure {
    let mut figure = Figure::new(
        "activation",
        format!(
            "{} {}",
            activation.name(),
            lang.pick("and its derivative", "e la sua derivata")
        ),
        Axis::linear(lang.pick(
            "z (input of the activation)",
            "z (ingresso dell'attivazione)",
        ))
        .with_range(lo, hi),
        Axis::linear(lang.pick("value", "valore")),
    );
    let curve = activation.curve(lo, hi, 401);
    let peak = curve
        .iter()
        .map(|p| p.value.abs())
        .fold(activation.max_derivative(), f64::max);
    if let Some((h, layer)) = histogram {
        let total = f64::from(h.total().max(1));
        let tallest = h.counts.iter().copied().max().unwrap_or(1).max(1);
        let width = f64::from(h.hi - h.lo) / h.counts.len().max(1) as f64;
        let points = h
            .counts
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                [
                    f64::from(h.bin_centre(i)),
                    peak * f64::from(c) / f64::from(tallest),
                ]
            })
            .collect();
        let name = format!(
            "{} {} {}",
            lang.pick("inputs of layer", "ingressi del livello"),
            layer + 1,
            lang.pick("(histogram)", "(istogramma)")
        );
        figure
            .series
            .push(Series::bars(name, Rgb(170, 190, 215), width, points));
        let outside = f64::from(h.below + h.above + h.nonfinite) / total;
        if outside > 0.0 {
            figure.notes.push(format!(
                "{:.0}% {}",
                100.0 * outside,
                lang.pick(
                    "outside the plotted range",
                    "fuori dall'intervallo mostrato"
                )
            ));
        }
        figure.notes.push(saturation_note(activation, h, lang));
    }
    figure.series.push(Series::line(
        format!("g(z) = {}", activation.name()),
        PALETTE[0],
        curve.iter().map(|p| [p.z, p.value]).collect(),
    ));
    let mut derivative = Series::line(
        "g'(z)",
        PALETTE[1],
        curve.iter().map(|p| [p.z, p.derivative]).collect(),
    );
    derivative.dashed = true;
    figure.series.push(derivative);
    figure.markers.push(Marker {
        label: format!(
            "{} g' = {}",
            lang.pick("max", "max"),
            activation.max_derivative()
        ),
        color: PALETTE[1],
        orientation: Orientation::Horizontal,
        value: activation.max_derivative(),
        dashed: true,
    });
    figure
}

/// "23% saturated" or "40% of units dead", from the histogram's inputs.
fn saturation_note(activation: Activation, h: &Histogram, lang: Lang) -> String {
    let total = f64::from(h.total().max(1));
    if activation.saturates() {
        // Saturated: g'(z) below 10% of its maximum.
        let threshold = activation.max_derivative() * 0.1;
        let mut saturated = f64::from(h.below + h.above);
        for (i, &c) in h.counts.iter().enumerate() {
            if activation.derivative(f64::from(h.bin_centre(i))) < threshold {
                saturated += f64::from(c);
            }
        }
        format!(
            "{:.0}% {}",
            100.0 * saturated / total,
            lang.pick(
                "saturated (g' < 10% of max)",
                "saturati (g' < 10% del massimo)"
            )
        )
    } else {
        let negative = f64::from(h.below)
            + h.counts
                .iter()
                .enumerate()
                .filter(|(i, _)| h.bin_centre(*i) <= 0.0)
                .map(|(_, &c)| f64::from(c))
                .sum::<f64>();
        format!(
            "{:.0}% {}",
            100.0 * negative / total,
            lang.pick(
                "of inputs ≤ 0 (no gradient)",
                "degli ingressi ≤ 0 (gradiente nullo)"
            )
        )
    }
}

/// Final training loss against depth, one line per skip style (mean over
/// seeds) and one dot per seed; chance level ln(classes) marked.
pub fn depth_sweep(records: &[SweepRecord], classes: usize, lang: Lang) -> Figure {
    let mut figure = Figure::new(
        "depth_sweep",
        lang.pick(
            "Final training loss against depth",
            "Loss di addestramento finale rispetto alla profondità",
        ),
        Axis::integer(lang.pick("hidden layers", "livelli nascosti")),
        Axis::log(lang.pick(
            "final training loss (log scale)",
            "loss di addestramento finale (scala log)",
        )),
    );
    let mut skips: Vec<_> = records.iter().map(|r| r.skip).collect();
    skips.dedup();
    skips.sort_by_key(|s| s.name());
    skips.dedup();
    for (index, skip) in skips.iter().enumerate() {
        let color = PALETTE[index % PALETTE.len()];
        let mine: Vec<&SweepRecord> = records.iter().filter(|r| r.skip == *skip).collect();
        let mut depths: Vec<usize> = mine.iter().map(|r| r.depth).collect();
        depths.sort_unstable();
        depths.dedup();
        let name = match skip.name() {
            "off" => lang.pick("plain", "plain").to_string(),
            other => format!("{} ({other})", lang.pick("residual", "residuale")),
        };
        let means = depths
            .iter()
            .map(|&d| {
                let losses: Vec<f64> = mine
                    .iter()
                    .filter(|r| r.depth == d)
                    .map(|r| r.final_train_loss)
                    .filter(|l| l.is_finite())
                    .collect();
                [
                    d as f64,
                    if losses.is_empty() {
                        f64::NAN
                    } else {
                        losses.iter().sum::<f64>() / losses.len() as f64
                    },
                ]
            })
            .collect();
        figure.series.push(Series::line(name.clone(), color, means));
        let dots = mine
            .iter()
            .filter(|r| r.final_train_loss.is_finite())
            .map(|r| [r.depth as f64, r.final_train_loss])
            .collect();
        figure.series.push(Series::points(
            format!("{name}, {}", lang.pick("each seed", "ogni seed")),
            color,
            4.0,
            dots,
        ));
        let diverged = mine.iter().filter(|r| r.diverged.is_some()).count();
        if diverged > 0 {
            figure.notes.push(format!(
                "{name}: {diverged} {}",
                lang.pick("runs diverged (NaN)", "run divergenti (NaN)")
            ));
        }
    }
    figure.markers.push(Marker {
        label: format!(
            "{} ln {classes} = {:.2}",
            lang.pick("chance", "caso"),
            (classes as f64).ln()
        ),
        color: GREY,
        orientation: Orientation::Horizontal,
        value: (classes as f64).ln(),
        dashed: true,
    });
    figure
}
