//! The key numbers of a run, as the handout shows them: the gradient of the
//! first and the last weight layer at the start and at the end, the losses
//! and the accuracy, whether it diverged. `gradscope run` fills them from
//! its `Summary`, the window from what it knows of each run (`of_live`).

use crate::lang::{Lang, say};
use crate::nn::{Config, Loss, NonFinite, Phase, SkipStyle};
use crate::train::{EvalPoint, EventKind, RunUpdate, Twin};

use super::page::{row, text};

/// ||dL/dW|| of the first weight layer (input side) and of the last (the
/// output layer).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GradientEnds {
    pub first: f64,
    pub last: f64,
}

impl GradientEnds {
    /// The first and last of per-layer norms (none for no layers).
    pub fn of(norms: impl IntoIterator<Item = f64>) -> Option<GradientEnds> {
        let mut norms = norms.into_iter();
        let first = norms.next()?;
        Some(GradientEnds {
            first,
            last: norms.last().unwrap_or(first),
        })
    }
}

/// What one run measured.
#[derive(Clone, Debug, PartialEq)]
pub struct RunNumbers {
    /// Which twin in compare mode; `None` for a single run.
    pub twin: Option<Twin>,
    pub steps: u64,
    /// The gradients at the start, over the steps `start_steps` (step 0
    /// alone, or the first steps a long run's history keeps merged).
    pub start: Option<GradientEnds>,
    pub start_steps: (u64, u64),
    /// The gradients of the last step taken.
    pub end: Option<GradientEnds>,
    /// The last evaluation on the whole splits; `None` when the run
    /// diverged (a loss from weights that are not finite means nothing).
    pub eval: Option<EvalPoint>,
    /// The style of the skips at the end, and how many blocks of how many
    /// have theirs on (`None`: no skip on, a plain network).
    pub skips: Option<(SkipStyle, usize, usize)>,
    pub diverged: Option<NonFinite>,
}

impl RunNumbers {
    /// What the window knows of a run: its history's first bucket, its
    /// last step, its last evaluation, its divergence.
    pub fn of_live(run: &RunUpdate) -> RunNumbers {
        let first = run.history.buckets().first();
        let diverged = run.history.events().iter().find_map(|e| match e.kind {
            EventKind::Diverged(nonfinite) => Some(nonfinite),
            _ => None,
        });
        RunNumbers {
            twin: run.twin,
            steps: run.history.steps(),
            start: first.and_then(|b| GradientEnds::of(b.grad_norms.iter().map(|a| a.mean()))),
            start_steps: first.map_or((0, 0), |b| (b.first_step, b.last_step)),
            end: run.latest.as_ref().and_then(|s| {
                GradientEnds::of(s.layers.iter().map(|l| f64::from(l.grad_weight_norm)))
            }),
            skips: run.skips.iter().any(|&on| on).then(|| {
                let on = run.skips.iter().filter(|&&on| on).count();
                (run.style, on, run.skips.len())
            }),
            eval: run
                .history
                .evals()
                .last()
                .copied()
                .filter(|_| diverged.is_none()),
            diverged,
        }
    }
}

/// A measured number as the handout writes it: three significant digits,
/// as a plain decimal from 0.001 to 10 000 and in powers of ten beyond
/// (a vanished gradient of 2.5e-11, an exploded loss of 3.3e37).
pub fn number(v: f64) -> String {
    let a = v.abs();
    if !v.is_finite() {
        "NaN".into()
    } else if a == 0.0 {
        "0".into()
    } else if (1e-3..1e4).contains(&a) {
        let decimals = (2 - a.log10().floor() as i32).max(0) as usize;
        format!("{v:.decimals$}")
    } else {
        format!("{v:.2e}")
    }
}

/// The table of the runs' numbers (one column per run), and what chance
/// would score.
pub(super) fn numbers_html(runs: &[RunNumbers], config: &Config, lang: Lang) -> String {
    let l = lang;
    let Some(lead) = runs.first() else {
        return super::page::element(
            "p",
            l.pick(
                "Nothing was measured yet.",
                "Non è stato misurato ancora nulla.",
            ),
        );
    };
    let mut out = String::new();
    if runs.len() > 1 {
        out.push_str(&super::page::element(
            "p",
            l.pick(
                "Two twins trained side by side: the same initial weights and the same mini-batches; only the skips differ.",
                "Due gemelle addestrate fianco a fianco: stessi pesi iniziali e stessi mini-batch; cambiano solo le skip.",
            ),
        ));
    }
    out.push_str("<table>\n<thead><tr><th scope=\"col\"></th>");
    for run in runs {
        let name = run_name(run.twin, l);
        out.push_str(&format!("<th scope=\"col\">{}</th>", text(name)));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    let line = |out: &mut String, label: &str, cell: &dyn Fn(&RunNumbers) -> String| {
        out.push_str(&format!("<tr><th scope=\"row\">{}</th>", text(label)));
        for run in runs {
            out.push_str(&format!("<td class=\"num\">{}</td>", text(&cell(run))));
        }
        out.push_str("</tr>\n");
    };
    let none = "—".to_string();
    line(
        &mut out,
        l.pick("steps trained", "passi di addestramento"),
        &|r| r.steps.to_string(),
    );
    line(
        &mut out,
        l.pick("skips at the end", "skip alla fine"),
        &|r| match r.skips {
            None => l.pick("off", "spente").to_string(),
            Some((style, on, blocks)) => say!(
                l,
                "{} ({on} of {blocks} blocks)",
                "{} ({on} blocchi su {blocks})",
                style.name()
            ),
        },
    );
    let (a, b) = lead.start_steps;
    let start = if a == b {
        say!(l, "at step {a}", "al passo {a}")
    } else {
        say!(l, "mean of steps {a}–{b}", "media dei passi {a}–{b}")
    };
    let at_end = l.pick("at the last step", "all'ultimo passo");
    for (when, pick) in [
        (
            start.as_str(),
            (|r: &RunNumbers| r.start) as fn(&RunNumbers) -> _,
        ),
        (at_end, |r: &RunNumbers| r.end),
    ] {
        line(
            &mut out,
            &say!(
                l,
                "‖dL/dW‖ of the first layer, {when}",
                "‖dL/dW‖ del primo livello, {when}"
            ),
            &|r| pick(r).map_or(none.clone(), |g| number(g.first)),
        );
        line(
            &mut out,
            &say!(
                l,
                "‖dL/dW‖ of the output layer, {when}",
                "‖dL/dW‖ del livello d'uscita, {when}"
            ),
            &|r| pick(r).map_or(none.clone(), |g| number(g.last)),
        );
        line(
            &mut out,
            &say!(l, "first ÷ output, {when}", "primo ÷ uscita, {when}"),
            &|r| pick(r).map_or(none.clone(), |g| number(g.first / g.last)),
        );
    }
    let diverged_cell = l.pick("— (diverged)", "— (divergito)");
    let eval_cell =
        |r: &RunNumbers, value: &dyn Fn(&EvalPoint) -> String| match (&r.eval, r.diverged) {
            (_, Some(_)) => diverged_cell.to_string(),
            (Some(e), None) => say!(l, "{} (step {})", "{} (passo {})", value(e), e.step),
            (None, None) => none.clone(),
        };
    line(
        &mut out,
        l.pick(
            "training loss (whole training split)",
            "loss di addestramento (tutto l'insieme di addestramento)",
        ),
        &|r| eval_cell(r, &|e| loss(e.train_loss)),
    );
    line(&mut out, l.pick("test loss", "loss di test"), &|r| {
        eval_cell(r, &|e| loss(e.test_loss))
    });
    line(
        &mut out,
        l.pick("test accuracy", "accuratezza di test"),
        &|r| eval_cell(r, &|e| format!("{:.1}%", 100.0 * e.test_accuracy)),
    );
    line(
        &mut out,
        l.pick("diverged", "divergenza"),
        &|r| match r.diverged {
            None => l.pick("no", "no").to_string(),
            Some(d) => divergence(d, l),
        },
    );
    out.push_str("</tbody>\n</table>\n");
    let classes = config.outputs();
    if config.loss == Loss::CrossEntropy && classes > 1 {
        let k = classes as f64;
        out.push_str(&super::page::element(
            "p",
            &say!(
                l,
                "Chance level with {classes} classes: loss ln {classes} ≈ {:.3}, accuracy {:.1}%. A loss that stays there means the network has not learned.",
                "Livello del caso con {classes} classi: loss ln {classes} ≈ {:.3}, accuratezza {:.1}%. Una loss che resta lì vuol dire che la rete non ha imparato.",
                k.ln(),
                100.0 / k
            ),
        ));
    }
    out
}

/// A loss: four decimals, as the command line prints it, unless it
/// exploded or nearly vanished.
fn loss(v: f64) -> String {
    if (1e-3..1e4).contains(&v.abs()) {
        format!("{v:.4}")
    } else {
        number(v)
    }
}

/// The name of a run in the handout.
pub(super) fn run_name(twin: Option<Twin>, l: Lang) -> &'static str {
    match twin {
        None => l.pick("this run", "questo addestramento"),
        Some(Twin::Plain) => l.pick("plain network", "rete senza skip"),
        Some(Twin::Residual) => l.pick("residual network", "rete residua"),
    }
}

/// Where a run diverged.
pub(super) fn divergence(d: NonFinite, l: Lang) -> String {
    let phase = match d.phase {
        Phase::Forward => l.pick("forward pass", "passo in avanti"),
        Phase::Backward => l.pick("backward pass", "backpropagation"),
    };
    say!(
        l,
        "at step {} in layer {} ({phase})",
        "al passo {} nel livello {} ({phase})",
        d.step,
        d.layer + 1
    )
}

/// The configuration as a table of settings.
pub(super) fn config_html(config: &Config, lang: Lang) -> String {
    let l = lang;
    let mut out = String::from("<table>\n<tbody>\n");
    let mut add = |label: &str, value: String| out.push_str(&row(label, &value));
    add(
        l.pick("hidden layers × units", "livelli nascosti × unità"),
        format!("{} × {}", config.depth, config.width),
    );
    add(
        l.pick("activation", "attivazione"),
        config.activation.name().into(),
    );
    add(
        l.pick("initialisation", "inizializzazione"),
        say!(
            l,
            "{}, gain {}",
            "{}, guadagno {}",
            config.init.name(),
            config.init_gain
        ),
    );
    let skips = match config.skip {
        crate::nn::Skip::Off => l.pick("off", "spente").to_string(),
        skip => say!(
            l,
            "{} (second layer of each block: {})",
            "{} (secondo livello di ogni blocco: {})",
            skip.name(),
            match config.branch_init {
                crate::nn::BranchInit::Normal => l.pick("like the others", "come gli altri"),
                crate::nn::BranchInit::Zero => l.pick("zero", "zero"),
            }
        ),
    };
    add(l.pick("skip connections", "connessioni skip"), skips);
    add("loss", config.loss.name().into());
    add(
        l.pick("optimiser", "ottimizzatore"),
        say!(
            l,
            "{}, learning rate {}",
            "{}, learning rate {}",
            config.optimizer.name(),
            config.learning_rate
        ),
    );
    add(
        l.pick("gradient clipping", "gradient clipping"),
        config
            .clip
            .map_or_else(|| l.pick("none", "nessuno").to_string(), |c| c.to_string()),
    );
    add(l.pick("batch", "batch"), config.batch.to_string());
    match config.table() {
        Some(table) => {
            add(
                l.pick("data", "dati"),
                say!(
                    l,
                    "{}: {} rows, {} inputs{}",
                    "{}: {} righe, {} ingressi{}",
                    table.name,
                    table.rows(),
                    table.inputs,
                    if table.standardise {
                        l.pick(", standardised", ", standardizzati")
                    } else {
                        ""
                    }
                ),
            );
            add(l.pick("classes", "classi"), table.class_names.join(", "));
        }
        None => add(
            l.pick("data", "dati"),
            say!(
                l,
                "{}: {} points, {} classes, noise {}",
                "{}: {} punti, {} classi, rumore {}",
                config.dataset.name(),
                config.samples,
                config.outputs(),
                config.noise
            ),
        ),
    }
    add(
        l.pick("held out for testing", "tenuti da parte per il test"),
        format!("{:.0}%", 100.0 * config.test_fraction),
    );
    add("seed", config.seed.to_string());
    out.push_str("</tbody>\n</table>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::{LayerStats, StepStats};
    use crate::train::{Event, History};

    fn stats(step: u64, norms: &[f32]) -> StepStats {
        StepStats {
            step,
            loss: 1.0,
            layers: norms
                .iter()
                .map(|&n| LayerStats {
                    grad_weight_norm: n,
                    ..LayerStats::default()
                })
                .collect(),
            ..StepStats::default()
        }
    }

    #[test]
    fn the_windows_numbers_are_its_first_and_last_steps() {
        let mut run = RunUpdate::empty(Some(Twin::Residual));
        run.history = History::new(2);
        for (step, norms) in [
            (0, [1e-10, 0.5, 2.0]),
            (1, [3e-10, 0.5, 4.0]),
            (2, [5e-3, 1.0, 0.25]),
        ] {
            run.history.push(&stats(step, &norms));
        }
        run.latest = Some(stats(2, &[5e-3, 1.0, 0.25]));
        let eval = EvalPoint {
            step: 3,
            train_loss: 0.75,
            test_loss: 0.8,
            test_accuracy: 0.6,
        };
        run.history.push_eval(eval);
        let numbers = RunNumbers::of_live(&run);
        // Two buckets kept: the first merged steps 0 and 1, the mean.
        assert_eq!(numbers.start_steps, (0, 1));
        let start = numbers.start.unwrap();
        assert!((start.first - 2e-10).abs() < 1e-15 && (start.last - 3.0).abs() < 1e-9);
        let end = numbers.end.unwrap();
        assert!((end.first - 5e-3).abs() < 1e-9 && (end.last - 0.25).abs() < 1e-9);
        assert_eq!((numbers.steps, numbers.eval), (3, Some(eval)));
        assert_eq!(numbers.twin, Some(Twin::Residual));
        assert_eq!(numbers.diverged, None);
        // A divergence: no losses from weights that are not finite.
        let nonfinite = NonFinite {
            step: 2,
            layer: 1,
            phase: Phase::Forward,
        };
        run.history.push_event(Event {
            step: 2,
            kind: EventKind::Diverged(nonfinite),
        });
        let numbers = RunNumbers::of_live(&run);
        assert_eq!((numbers.eval, numbers.diverged), (None, Some(nonfinite)));
        // Nothing measured yet.
        let empty = RunNumbers::of_live(&RunUpdate::empty(None));
        assert_eq!((empty.start, empty.end, empty.steps), (None, None, 0));
    }

    #[test]
    fn gradient_ends_are_the_input_and_output_layers() {
        let ends = GradientEnds::of([1.0, 2.0, 3.0]).unwrap();
        assert_eq!((ends.first, ends.last), (1.0, 3.0));
        let one = GradientEnds::of([4.0]).unwrap();
        assert_eq!((one.first, one.last), (4.0, 4.0));
        assert!(GradientEnds::of([]).is_none());
        assert_eq!(number(2.5e-11), "2.50e-11");
        assert_eq!(number(f64::NAN), "NaN");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(1.774), "1.77");
        assert_eq!(number(0.001234), "0.00123");
        assert_eq!(number(-123.4), "-123");
        assert_eq!(number(3.3e37), "3.30e37");
        assert_eq!(loss(1.0986123), "1.0986");
        assert_eq!(loss(3.3e37), "3.30e37");
    }
}
