//! Why skips help, as two figures: the gradient highway (per residual
//! block, the part of dL/da at its input that came through the skip and
//! the part that came back through the branch) and the update ratio
//! (||update|| / ||W|| per layer over time, on a log scale, with the
//! practitioners' guide at 1e-3).

use crate::lang::{Lang, say};
use crate::nn::StepStats;
use crate::train::{History, Twin};

use super::build::{layer_categories, twin_label};
use super::colour::{PALETTE, viridis};
use super::model::{Axis, Figure, Series};
use super::update_guide::healthy_guide;

pub use super::update_guide::HEALTHY_UPDATE_RATIO;

fn named(base: &str, twin: Option<Twin>, lang: Lang) -> String {
    match twin_label(twin, lang) {
        "" => base.to_string(),
        twin => format!("{base} ({twin})"),
    }
}

/// Per residual block (input side left), the norms of the skip's and the
/// branch's terms of dL/da at the block's input, one pair of bars per run.
pub fn gradient_highway(runs: &[(Option<Twin>, &StepStats)], lang: Lang) -> Figure {
    let blocks = runs.iter().map(|(_, s)| s.blocks.len()).max().unwrap_or(0);
    let mut x = Axis::linear(lang.pick("block (input → output)", "blocco (ingresso → uscita)"));
    x.categories = (1..=blocks).map(|k| k.to_string()).collect();
    x.min = Some(0.4);
    x.max = Some(blocks as f64 + 0.6);
    let mut figure = Figure::new(
        "gradient_highway",
        lang.pick("The gradient highway", "L'autostrada del gradiente"),
        x,
        Axis::log(lang.pick(
            "||dL/da|| at the block's input",
            "||dL/da|| all'ingresso del blocco",
        )),
    );
    let step = runs.first().map_or(0, |(_, s)| s.step);
    figure.subtitle = say!(
        lang,
        "step {step} · dL/da_in = skip + branch; g(z2) + a_in passes dL/da_out unchanged, g(z2 + a_in) multiplies it by g'",
        "passo {step} · dL/da_in = skip + ramo; g(z2) + a_in passa dL/da_out invariato, g(z2 + a_in) lo moltiplica per g'"
    );
    // The branch in the run's colour (plain blue, residual orange, as in
    // the other plots), the skip in a colour of its own.
    let width = 0.8 / (2 * runs.len().max(1)) as f64;
    for (index, &(twin, stats)) in runs.iter().enumerate() {
        let bars = |pick: fn(&crate::nn::BlockFlow) -> f32| -> Vec<[f64; 2]> {
            stats
                .blocks
                .iter()
                .enumerate()
                .map(|(k, flow)| [(k + 1) as f64, f64::from(pick(flow))])
                .collect()
        };
        figure.series.push(Series::bars(
            named(
                lang.pick("through the skip", "attraverso la skip"),
                twin,
                lang,
            ),
            PALETTE[(2 + index) % PALETTE.len()],
            width,
            bars(|f| f.skip),
        ));
        figure.series.push(Series::bars(
            named(
                lang.pick("through the branch", "attraverso il ramo"),
                twin,
                lang,
            ),
            PALETTE[index % PALETTE.len()],
            width,
            bars(|f| f.branch),
        ));
    }
    if runs.is_empty() {
        figure.notes.push(
            lang.pick(
                "no step yet: the first step measures the gradients",
                "nessun passo ancora: il primo passo misura i gradienti",
            )
            .into(),
        );
    } else if blocks == 0 {
        figure.notes.push(
            lang.pick(
                "no residual block: a network needs 3 hidden layers for one",
                "nessun blocco residuo: ne serve almeno uno con 3 livelli nascosti",
            )
            .into(),
        );
    } else if runs
        .iter()
        .all(|(_, s)| s.blocks.iter().all(|f| f.skip == 0.0))
    {
        figure.notes.push(
            lang.pick(
                "every skip is off: the branch is the one path there is",
                "ogni skip è spenta: il ramo è l'unico percorso",
            )
            .into(),
        );
    }
    figure
}

/// At most `most` of `layers` layers, evenly spread, the input layer and
/// the output layer always: a legend of 17 lines would hide the plot.
fn shown_layers(layers: usize, most: usize) -> Vec<usize> {
    if layers <= most || most < 2 {
        return (0..layers).collect();
    }
    let mut shown: Vec<usize> = (0..most).map(|k| k * (layers - 1) / (most - 1)).collect();
    shown.dedup();
    shown
}

/// ||update|| / ||W|| of every layer over the steps (bucket means), input
/// layer darkest, with the guide at 1e-3. In compare mode the plain twin's
/// lines are dashed.
pub fn update_ratio(runs: &[(Option<Twin>, &History)], lang: Lang) -> Figure {
    let mut figure = Figure::new(
        "update_ratio",
        lang.pick(
            "Update ratio over time",
            "Rapporto di aggiornamento nel tempo",
        ),
        Axis::integer(lang.pick("step", "passo")),
        Axis::log("||ΔW||/||W||"),
    );
    figure.markers.push(healthy_guide(lang));
    for &(twin, history) in runs {
        let layers = history
            .buckets()
            .iter()
            .map(|b| b.update_ratios.len())
            .max()
            .unwrap_or(0);
        let names = layer_categories(layers, lang);
        let shown = shown_layers(layers, if runs.len() > 1 { 3 } else { 5 });
        if shown.len() < layers {
            let list: Vec<&str> = shown.iter().map(|&l| names[l].as_str()).collect();
            let list = list.join(", ");
            figure.subtitle = say!(
                lang,
                "layers {list} of {layers}, the input layer darkest",
                "livelli {list} su {layers}, quello d'ingresso più scuro"
            );
        }
        for (layer, name) in shown.into_iter().map(|l| (l, &names[l])) {
            let points: Vec<[f64; 2]> = history
                .buckets()
                .iter()
                .filter_map(|b| Some([b.last_step as f64, b.update_ratios.get(layer)?.mean()]))
                .collect();
            let shade = if layers > 1 {
                0.85 * layer as f64 / (layers - 1) as f64
            } else {
                0.0
            };
            let mut series = Series::line(
                named(
                    &format!("{} {name}", lang.pick("layer", "livello")),
                    twin,
                    lang,
                ),
                viridis(shade),
                points,
            );
            series.dashed = twin == Some(Twin::Plain);
            figure.series.push(series);
        }
    }
    if runs
        .iter()
        .all(|(_, h)| h.buckets().iter().all(|b| b.update_ratios.is_empty()))
    {
        figure.notes.push(
            lang.pick(
                "no update ratios in this history (a session saved before they were kept)",
                "nessun rapporto di aggiornamento in questa storia (una sessione salvata prima che venissero registrati)",
            )
            .into(),
        );
    }
    figure
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::{Config, Run, Skip};

    #[test]
    fn the_highway_has_a_skip_and_a_branch_bar_per_block() {
        let mut run = Run::new(Config {
            depth: 7,
            width: 8,
            skip: Skip::Identity,
            samples: 60,
            ..Config::default()
        })
        .unwrap();
        let stats = run.measure().clone();
        let figure = gradient_highway(&[(Some(Twin::Residual), &stats)], Lang::En);
        assert_eq!(figure.series.len(), 2);
        assert_eq!(figure.x.categories, ["1", "2", "3"]);
        assert_eq!(
            figure.series[0].points[2][1],
            f64::from(stats.blocks[2].skip)
        );
        assert_eq!(
            figure.series[1].points[0][1],
            f64::from(stats.blocks[0].branch)
        );
        assert!(figure.series[0].name.contains("residual"));
        let it = gradient_highway(&[(None, &stats)], Lang::It);
        assert_ne!(it.title, figure.title);
    }

    #[test]
    fn the_update_ratio_has_a_line_per_layer_and_the_guide() {
        let mut run = Run::new(Config {
            depth: 3,
            width: 8,
            samples: 60,
            ..Config::default()
        })
        .unwrap();
        let mut history = History::new(64);
        for _ in 0..10 {
            history.push(run.step());
        }
        let figure = update_ratio(&[(None, &history)], Lang::En);
        assert_eq!(figure.series.len(), 4);
        assert_eq!(figure.markers[0].value, 1e-3);
        let last = run.last_stats().layers[0].update_ratio;
        let plotted = figure.series[0].points.last().unwrap()[1];
        assert!((plotted - f64::from(last)).abs() <= 1e-6 * f64::from(last));
        assert!(figure.notes.is_empty());
    }

    #[test]
    fn a_deep_network_shows_a_few_layers_input_and_output_always() {
        assert_eq!(shown_layers(4, 5), [0, 1, 2, 3]);
        assert_eq!(shown_layers(17, 5), [0, 4, 8, 12, 16]);
        assert_eq!(shown_layers(17, 3), [0, 8, 16]);
        assert_eq!(shown_layers(6, 5), [0, 1, 2, 3, 5]);
    }
}
