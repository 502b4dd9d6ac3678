//! The formulas of a configuration as MathML, which browsers draw without
//! scripts: the activation and its derivative, the initialisation with the
//! numbers of this network, the layer (and the residual block, when skips
//! are on), the optimiser's update. Each comes with one sentence on what it
//! means for the gradient, in the handout's language. Nothing here comes
//! from a user: the formulas are fixed per setting, numbers are formatted.

use crate::lang::{Lang, say};
use crate::nn::{Activation, BranchInit, Config, Init, OptimizerKind, Skip, SkipStyle};

use super::page::element;

const MATH: &str = "<math xmlns=\"http://www.w3.org/1998/Math/MathML\" display=\"block\">";
/// g(z)
const G: &str = "<mi>g</mi><mo>(</mo><mi>z</mi><mo>)</mo>";
/// g′(z)
const G_PRIME: &str = "<msup><mi>g</mi><mo>′</mo></msup><mo>(</mo><mi>z</mi><mo>)</mo>";
/// e^{−z}
const E_MINUS_Z: &str = "<msup><mi>e</mi><mrow><mo>−</mo><mi>z</mi></mrow></msup>";
/// e^{z}
const E_Z: &str = "<msup><mi>e</mi><mi>z</mi></msup>";
/// ∂L/∂W
const DL_DW: &str =
    "<mfrac><mrow><mo>∂</mo><mi>L</mi></mrow><mrow><mo>∂</mo><mi>W</mi></mrow></mfrac>";
/// n_in, n_out
const N_IN: &str = "<msub><mi>n</mi><mtext>in</mtext></msub>";
const N_OUT: &str = "<msub><mi>n</mi><mtext>out</mtext></msub>";
/// ←
const GETS: &str = "<mo>←</mo>";

/// `name^[index]`, the course's layer superscript (`index` is MathML).
fn layer(name: &str, index: &str) -> String {
    format!("<msup><mi>{name}</mi><mrow><mo>[</mo>{index}<mo>]</mo></mrow></msup>")
}

/// A number as MathML.
fn mn(v: impl std::fmt::Display) -> String {
    format!("<mn>{v}</mn>")
}

/// One formula block: a heading, the formulas (MathML rows), what they mean.
fn block(heading: &str, rows: &[String], meaning: &str) -> String {
    let mut out = String::from("<div class=\"formula\">\n");
    out.push_str(&element("h3", heading));
    for row in rows {
        out.push_str(MATH);
        out.push_str(row);
        out.push_str("</math>\n");
    }
    out.push_str(&element("p", meaning));
    out.push_str("</div>\n");
    out
}

/// Every formula of `config`, in `lang`.
/// `styles`: the skip styles the runs ended with (none: the
/// configuration's).
pub(super) fn formulas(config: &Config, styles: &[SkipStyle], lang: Lang) -> String {
    let l = lang;
    let mut out = String::new();
    out.push_str(&activation(config.activation, config.depth, l));
    out.push_str(&init(config, l));
    out.push_str(&layers(config, styles, l));
    out.push_str(&optimiser(config, l));
    out
}

fn activation(activation: Activation, depth: usize, l: Lang) -> String {
    let piecewise = |negative: &str| {
        format!(
            "{G_PRIME}<mo>=</mo><mrow><mo>{{</mo><mtable>\
             <mtr><mtd><mn>1</mn></mtd><mtd><mi>z</mi><mo>&gt;</mo><mn>0</mn></mtd></mtr>\
             <mtr><mtd>{}</mtd><mtd><mi>z</mi><mo>&lt;</mo><mn>0</mn></mtd></mtr>\
             </mtable></mrow>",
            mn(negative)
        )
    };
    let (rows, meaning) = match activation {
        Activation::Sigmoid => (
            vec![
                format!("{G}<mo>=</mo><mfrac><mn>1</mn><mrow><mn>1</mn><mo>+</mo>{E_MINUS_Z}</mrow></mfrac>"),
                format!(
                    "{G_PRIME}<mo>=</mo>{G}<mo>(</mo><mn>1</mn><mo>−</mo>{G}<mo>)</mo><mo>≤</mo><mfrac><mn>1</mn><mn>4</mn></mfrac>"
                ),
            ],
            {
                let bound = format!("{:.1e}", 0.25f64.powi(i32::try_from(depth).unwrap_or(i32::MAX)));
                let power = superscript(depth);
                say!(
                    l,
                    "On its way back the error signal is multiplied by g′(z) ≤ 1/4 at every layer: across {depth} layers by at most (1/4){power} ≈ {bound}, and less where units saturate.",
                    "Nel cammino all'indietro il segnale d'errore è moltiplicato per g′(z) ≤ 1/4 a ogni livello: su {depth} livelli al più per (1/4){power} ≈ {bound}, e meno dove le unità saturano.",
                )
            },
        ),
        Activation::Tanh => (
            vec![
                format!(
                    "{G}<mo>=</mo><mi>tanh</mi><mspace width=\"0.2em\"/><mi>z</mi><mo>=</mo><mfrac><mrow>{E_Z}<mo>−</mo>{E_MINUS_Z}</mrow><mrow>{E_Z}<mo>+</mo>{E_MINUS_Z}</mrow></mfrac>"
                ),
                format!(
                    "{G_PRIME}<mo>=</mo><mn>1</mn><mo>−</mo><msup><mi>tanh</mi><mn>2</mn></msup><mspace width=\"0.2em\"/><mi>z</mi><mo>≤</mo><mn>1</mn>"
                ),
            ],
            l.pick(
                "The derivative is 1 only at z = 0: a saturated unit (|z| large) passes almost nothing back, so the gradient shrinks where units saturate.",
                "La derivata vale 1 solo in z = 0: un'unità satura (|z| grande) non rimanda indietro quasi nulla, quindi il gradiente si riduce dove le unità saturano.",
            )
            .to_string(),
        ),
        Activation::Relu => (
            vec![
                format!("{G}<mo>=</mo><mi>max</mi><mo>(</mo><mn>0</mn><mo>,</mo><mi>z</mi><mo>)</mo>"),
                piecewise("0"),
            ],
            l.pick(
                "An active unit passes the gradient back unchanged (factor 1); a unit with z < 0 for every input is dead and passes nothing. The size of the weights decides whether the gradient grows or shrinks.",
                "Un'unità attiva rimanda indietro il gradiente invariato (fattore 1); un'unità con z < 0 per ogni input è morta e non rimanda nulla. È la grandezza dei pesi a decidere se il gradiente cresce o cala.",
            )
            .to_string(),
        ),
        Activation::LeakyRelu => (
            vec![
                format!(
                    "{G}<mo>=</mo><mi>max</mi><mo>(</mo><mn>0.01</mn><mi>z</mi><mo>,</mo><mi>z</mi><mo>)</mo>"
                ),
                piecewise("0.01"),
            ],
            l.pick(
                "Like ReLU, with slope 0.01 for z < 0: no unit is ever completely dead.",
                "Come la ReLU, con pendenza 0,01 per z < 0: nessuna unità è mai del tutto morta.",
            )
            .to_string(),
        ),
    };
    block(
        &say!(l, "Activation: {}", "Attivazione: {}", activation.name()),
        &rows,
        &meaning,
    )
}

/// `n` in superscript digits: 16 → ¹⁶.
fn superscript(n: usize) -> String {
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    n.to_string()
        .chars()
        .filter_map(|c| c.to_digit(10).map(|d| DIGITS[d as usize]))
        .collect()
}

fn init(config: &Config, l: Lang) -> String {
    let gain = config.init_gain;
    let w = "<msub><mi>W</mi><mrow><mi>i</mi><mi>j</mi></mrow></msub><mo>∼</mo>";
    let scaled = format!("{w}{}<mo>·</mo>", mn(gain));
    let normal = |variance: String| {
        format!("{scaled}<mi>N</mi><mo>(</mo><mn>0</mn><mo>,</mo>{variance}<mo>)</mo>")
    };
    let row = match config.init {
        Init::Uniform => format!(
            "{scaled}<mi>U</mi><mo>(</mo><mo>−</mo><mn>0.5</mn><mo>,</mo><mn>0.5</mn><mo>)</mo>"
        ),
        Init::Lecun => normal(format!("<mfrac><mn>1</mn>{N_IN}</mfrac>")),
        Init::Xavier => normal(format!(
            "<mfrac><mn>2</mn><mrow>{N_IN}<mo>+</mo>{N_OUT}</mrow></mfrac>"
        )),
        Init::He => normal(format!("<mfrac><mn>2</mn>{N_IN}</mfrac>")),
    };
    let width = config.width;
    let std = f64::from(gain) * config.init.std(width, width);
    let names = match config.init {
        Init::Uniform => "",
        Init::Lecun | Init::He => l.pick(
            "n_in is the number of a layer's inputs. ",
            "n_in è il numero di ingressi di un livello. ",
        ),
        Init::Xavier => l.pick(
            "n_in and n_out are the numbers of a layer's inputs and outputs. ",
            "n_in e n_out sono i numeri di ingressi e di uscite di un livello. ",
        ),
    };
    let meaning = say!(
        l,
        "{names}With gain {gain} and hidden layers of {width} units, each hidden weight has standard deviation {std:.3}.",
        "{names}Con guadagno {gain} e livelli nascosti di {width} unità, ogni peso nascosto ha deviazione standard {std:.3}.",
    );
    block(
        &say!(
            l,
            "Initialisation: {}",
            "Inizializzazione: {}",
            config.init.name()
        ),
        &[row],
        &meaning,
    )
}

fn layers(config: &Config, styles: &[SkipStyle], l: Lang) -> String {
    let (z, a, w, b) = (
        |i: &str| layer("z", i),
        |i: &str| layer("a", i),
        |i: &str| layer("W", i),
        |i: &str| layer("b", i),
    );
    let (this, before) = ("<mi>l</mi>", "<mi>l</mi><mo>−</mo><mn>1</mn>");
    let mut out = block(
        l.pick("Every hidden layer", "Ogni livello nascosto"),
        &[format!(
            "{}<mo>=</mo>{}{}<mo>+</mo>{}<mo>,</mo><mspace width=\"1em\"/>{}<mo>=</mo><mi>g</mi><mo>(</mo>{}<mo>)</mo>",
            z(this),
            w(this),
            a(before),
            b(this),
            a(this),
            z(this)
        )],
        &say!(
            l,
            "{} hidden layers of {} units, then the output layer.",
            "{} livelli nascosti di {} unità, poi il livello d'uscita.",
            config.depth,
            config.width
        ),
    );
    let two = "<mi>l</mi><mo>+</mo><mn>2</mn>";
    let mut shown: Vec<SkipStyle> = Vec::new();
    let configured = match config.skip {
        Skip::Off => None,
        Skip::Slides => Some(SkipStyle::Slides),
        Skip::Identity => Some(SkipStyle::Identity),
    };
    for &style in styles
        .iter()
        .chain(configured.iter().filter(|_| styles.is_empty()))
    {
        if !shown.contains(&style) {
            shown.push(style);
        }
    }
    for style in shown {
        let (row, meaning) = match style {
            SkipStyle::Slides => (
                format!(
                    "{}<mo>=</mo><mi>g</mi><mo>(</mo>{}<mo>+</mo>{}<mo>)</mo>",
                    a(two),
                    z(two),
                    a(this)
                ),
                l.pick(
                    "The slides' block: the skip joins before the activation, so on the way back its signal is still multiplied by g′.",
                    "Il blocco delle slide: la skip si somma prima dell'attivazione, quindi all'indietro il suo segnale è ancora moltiplicato per g′.",
                ),
            ),
            SkipStyle::Identity => (
                format!(
                    "{}<mo>=</mo><mi>g</mi><mo>(</mo>{}<mo>)</mo><mo>+</mo>{}",
                    a(two),
                    z(two),
                    a(this)
                ),
                l.pick(
                    "The skip joins after the activation: the gradient has a path through every block with factor exactly 1.",
                    "La skip si somma dopo l'attivazione: il gradiente ha un percorso attraverso ogni blocco con fattore esattamente 1.",
                ),
            ),
        };
        let mut meaning = meaning.to_string();
        if config.branch_init == BranchInit::Zero {
            meaning.push(' ');
            meaning.push_str(l.pick(
                "The second layer of every block starts at zero weights, so every block starts close to the identity.",
                "Il secondo livello di ogni blocco parte da pesi nulli, quindi ogni blocco parte vicino all'identità.",
            ));
        }
        let heading = say!(
            l,
            "Residual block ({})",
            "Blocco residuo ({})",
            style.name()
        );
        out.push_str(&block(&heading, &[row], &meaning));
    }
    out
}

fn optimiser(config: &Config, l: Lang) -> String {
    let lr = config.learning_rate;
    let w_minus = format!("<mi>W</mi>{GETS}<mi>W</mi><mo>−</mo><mi>η</mi>");
    let (rows, meaning) = match config.optimizer {
        OptimizerKind::Sgd => (
            vec![format!("{w_minus}{DL_DW}")],
            say!(
                l,
                "Learning rate η = {lr}: every weight moves in proportion to its own gradient.",
                "Learning rate η = {lr}: ogni peso si sposta in proporzione al proprio gradiente.",
            ),
        ),
        OptimizerKind::Momentum => (
            vec![
                format!("<mi>v</mi>{GETS}<mi>μ</mi><mi>v</mi><mo>+</mo>{DL_DW}"),
                format!("{w_minus}<mi>v</mi>"),
            ],
            say!(
                l,
                "Learning rate η = {lr}, momentum μ = {}: every weight still moves in proportion to its own gradient, averaged over the last steps.",
                "Learning rate η = {lr}, momentum μ = {}: ogni peso si sposta ancora in proporzione al proprio gradiente, mediato sugli ultimi passi.",
                config.momentum
            ),
        ),
        OptimizerKind::Adam => (
            vec![format!(
                "{w_minus}<mfrac><mi>m̂</mi><mrow><msqrt><mi>v̂</mi></msqrt><mo>+</mo><mi>ε</mi></mrow></mfrac>"
            )],
            say!(
                l,
                "Adam, learning rate η = {lr}: m̂ and v̂ are running means of the gradient and of its square (β₁ = 0.9, β₂ = 0.999, ε = 1e-8), so every weight moves by about η, however small its gradient.",
                "Adam, learning rate η = {lr}: m̂ e v̂ sono medie mobili del gradiente e del suo quadrato (β₁ = 0,9, β₂ = 0,999, ε = 1e-8), quindi ogni peso si sposta di circa η, per quanto piccolo sia il suo gradiente.",
            ),
        ),
    };
    let mut rows = rows;
    let mut meaning = meaning;
    if let Some(clip) = config.clip {
        rows.insert(
            0,
            format!(
                "<mi>g</mi>{GETS}<mi>g</mi><mo>·</mo><mi>min</mi><mo>(</mo><mn>1</mn><mo>,</mo><mfrac>{}<mrow><mo>‖</mo><mi>g</mi><mo>‖</mo></mrow></mfrac><mo>)</mo>",
                mn(clip)
            ),
        );
        meaning.push(' ');
        meaning.push_str(&say!(
            l,
            "Before the update the whole gradient g is clipped to norm {clip} at most.",
            "Prima dell'aggiornamento l'intero gradiente g viene ridotto a norma {clip} al più.",
        ));
    }
    block(
        &say!(
            l,
            "Optimiser: {}",
            "Ottimizzatore: {}",
            config.optimizer.name()
        ),
        &rows,
        &meaning,
    )
}
