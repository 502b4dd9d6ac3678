//! The command line: `gradscope` alone opens the window; the subcommands
//! run headless. Every mistake a user can make ends in one line on stderr
//! that names the flag or file and what is allowed, and exit code 2.

use std::path::PathBuf;
use std::time::Instant;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Parser, Subcommand};
use serde_json::json;

use crate::explain::Explain;
use crate::files::{StandardOutput, StdoutError};
use crate::headless::{HandoutWish, run_to_folder_animated, sweep_to_folder};
use crate::lang::Lang;
use crate::lessons;
use crate::nn::config::MAX_DEPTH;
use crate::nn::textbook::{PARAM_NAMES, Textbook};
use crate::nn::{
    Activation, Allowed, BranchInit, Config, ConfigError, Dataset, Init, Loss, OptimizerKind, Run,
    Skip,
};
use crate::train::sweep::{SweepPlan, seed_range};

mod animate;
mod data;
mod flags;
mod grads;
mod landscape;
mod output;
use data::DataFlags;
pub use flags::NotAllowed;
use flags::{allowed, integers, number, number64, value_error, whole};
use output::OutputFlags;

/// Exit code for anything the user can fix: a flag, a value, a file.
pub const USAGE_ERROR: i32 = 2;

/// Said by `grads` and `landscape --data` when a table model's rows were
/// rescaled before the network saw them.
const RESCALED: &str = "the rows' features were rescaled with the mean and deviation of the training split the model learned from (stored in the model file), as its inputs were in training";

#[derive(Debug, Parser)]
#[command(
    name = "gradscope",
    version,
    about = "Watch vanishing and exploding gradients, and residual connections fixing them, while a network trains.",
    after_help = "With no command, gradscope opens its window.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub window: WindowFlags,
}

/// Flags of the window (no command).
#[derive(Debug, Clone, clap::Args)]
pub struct WindowFlags {
    /// The lesson to open on (default: the first, vanishing gradients).
    #[arg(long)]
    pub lesson: Option<String>,
    /// Interface language (default: the system's, Italian or English).
    #[arg(long, value_parser = named(&Lang::ALL, Lang::code))]
    pub lang: Option<Lang>,
    /// Train --steps steps, save a PNG screenshot of the window here, and exit.
    #[arg(long, requires = "steps")]
    pub screenshot: Option<PathBuf>,
    /// The tab to open on: live, backprop, deeper or landscape.
    #[arg(long, value_parser = named(&crate::app::View::ALL, crate::app::View::code))]
    pub view: Option<crate::app::View>,
    /// Open with training paused (press Play, or space, to start).
    #[arg(long)]
    pub paused: bool,
    /// Open this saved session (its runs, paused, lesson, language and
    /// replay) instead of a lesson.
    #[arg(long, value_name = "FILE.json", conflicts_with = "lesson")]
    pub session: Option<PathBuf>,
    /// With --session: show the live plots as they were at this step (the
    /// moment replay kept at or before it; the time line goes on from there).
    #[arg(long, value_name = "STEP", requires = "session", value_parser = whole::<u64>(integers(0, u64::MAX / 2)), allow_negative_numbers = true)]
    pub at: Option<u64>,
    /// Steps to train before the screenshot.
    #[arg(long, requires = "screenshot", value_parser = whole::<u64>(integers(1, 10_000_000)), allow_negative_numbers = true)]
    pub steps: Option<u64>,
}

impl WindowFlags {
    /// What the window is asked to do.
    pub fn start(&self) -> crate::app::WindowStart {
        crate::app::WindowStart {
            lesson: self.lesson.clone(),
            lang: self.lang,
            view: self.view,
            paused: self.paused,
            screenshot: self.screenshot.clone(),
            steps: self.steps,
            session: self.session.clone(),
            at: self.at,
        }
    }
}

/// Opens the window as the flags say (the command line's only door into
/// the window).
pub fn open_window(flags: &WindowFlags) -> Result<(), UsageError> {
    crate::app::run_window(&flags.start()).map_err(|e| UsageError(e.0))
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The 2-2-2 network of the first slide: forward pass, every chain-rule
    /// factor, the updated weights.
    BackpropExample {
        /// Gradient-descent steps to train for E_total after them.
        #[arg(long, default_value_t = 1, value_parser = whole::<u64>(integers(1, 1_000_000)), allow_negative_numbers = true)]
        steps: u64,
        /// Learning rate (the slide uses 0.5).
        #[arg(long, default_value_t = 0.5, value_parser = number64(Allowed::PositiveUpTo(100.0)), allow_negative_numbers = true)]
        lr: f64,
        /// Also update b1 and b2 (the slide keeps them fixed).
        #[arg(long)]
        update_biases: bool,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Loads a model and a CSV batch; prints the loss and every gradient.
    Grads {
        /// A model saved by gradscope (safetensors).
        #[arg(long)]
        model: PathBuf,
        /// A CSV file: a header row, then features and the class index (or
        /// the targets, for a squared-error model) on each row.
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// The lessons: names and one-line descriptions.
    Lessons {
        #[arg(long, default_value = "en", value_parser = named(&Lang::ALL, Lang::code))]
        lang: Lang,
    },
    /// Trains one network and writes its summary, metrics, models and every
    /// figure (PNG, SVG, CSV) into a folder.
    Run {
        #[command(flatten)]
        flags: RunFlags,
        #[arg(long, value_parser = named(&Skip::ALL, Skip::name))]
        skip: Option<Skip>,
        #[arg(long, value_parser = whole::<u64>(allowed("seed")), allow_negative_numbers = true)]
        seed: Option<u64>,
        /// Which hidden layer's inputs the activation figure shows (1 = next
        /// to the input; default: the middle one).
        #[arg(long, value_parser = whole::<u64>(integers(1, MAX_DEPTH as u64)), allow_negative_numbers = true)]
        histogram_layer: Option<u64>,
        /// Also write handout.html: one page to print or read at home (the
        /// lesson's texts, the configuration and its formulas, the key
        /// numbers, every figure), in the language of --lang.
        #[arg(long)]
        handout: bool,
        #[command(flatten)]
        animate: animate::AnimateFlags,
    },
    /// Trains plain and residual networks at several depths and plots the
    /// final training loss against depth.
    Sweep {
        #[command(flatten)]
        flags: RunFlags,
        /// Depths, comma-separated.
        #[arg(long, value_delimiter = ',', required = true, value_parser = whole::<u64>(integers(1, MAX_DEPTH as u64)), allow_negative_numbers = true)]
        depths: Vec<u64>,
        /// Skip styles, comma-separated.
        #[arg(long = "skip", value_delimiter = ',', default_value = "off,identity", value_parser = named(&Skip::ALL, Skip::name))]
        skips: Vec<Skip>,
        /// Seeds per configuration (seeds 1 to K, or from --seed on).
        #[arg(long, default_value_t = 1, value_parser = whole::<u64>(integers(1, 100)), allow_negative_numbers = true)]
        seeds: u64,
        /// The first seed.
        #[arg(long, default_value_t = 1, value_parser = whole::<u64>(allowed("seed")), allow_negative_numbers = true)]
        seed: u64,
    },
    /// The loss landscape of a saved model (Li et al., 2018): the loss on
    /// a grid around its weights along two filter-normalised random
    /// directions, as CSV, JSON, the directions (safetensors) and a figure.
    Landscape {
        #[command(flatten)]
        flags: landscape::LandscapeFlags,
    },
    /// Trains on one thread with full per-layer telemetry; prints steps/s.
    Bench {
        #[arg(long, default_value_t = 20, value_parser = whole::<usize>(allowed("depth")), allow_negative_numbers = true)]
        depth: usize,
        #[arg(long, default_value_t = 64, value_parser = whole::<usize>(allowed("width")), allow_negative_numbers = true)]
        width: usize,
        #[arg(long, default_value_t = 128, value_parser = whole::<usize>(allowed("batch")), allow_negative_numbers = true)]
        batch: usize,
        #[arg(long, default_value = "sigmoid", value_parser = named(&Activation::ALL, Activation::name))]
        activation: Activation,
        /// Timed steps, after 20 warm-up steps.
        #[arg(long, default_value_t = 300, value_parser = whole::<u64>(integers(1, 10_000_000)), allow_negative_numbers = true)]
        steps: u64,
        #[arg(long)]
        json: bool,
    },
}

/// The flags `run` and `sweep` share: each overrides the lesson's value
/// (or the default configuration's).
#[derive(Debug, clap::Args)]
pub struct RunFlags {
    /// Start from this lesson's configuration (see `gradscope lessons`).
    #[arg(long)]
    lesson: Option<String>,
    #[arg(long, value_parser = whole::<usize>(allowed("depth")), allow_negative_numbers = true)]
    depth: Option<usize>,
    #[arg(long, value_parser = whole::<usize>(allowed("width")), allow_negative_numbers = true)]
    width: Option<usize>,
    #[arg(long, value_parser = named(&Activation::ALL, Activation::name))]
    activation: Option<Activation>,
    #[arg(long, value_parser = named(&Init::ALL, Init::name))]
    init: Option<Init>,
    /// Multiplies every initial weight (4 or 8 provokes explosion).
    #[arg(long, value_parser = number(allowed("init_gain")), allow_negative_numbers = true)]
    init_gain: Option<f32>,
    #[arg(long, value_parser = named(&[BranchInit::Normal, BranchInit::Zero], branch_name))]
    branch_init: Option<BranchInit>,
    #[arg(long, value_parser = named(&OptimizerKind::ALL, OptimizerKind::name))]
    optimizer: Option<OptimizerKind>,
    /// Learning rate.
    #[arg(long, value_parser = number(allowed("learning_rate")), allow_negative_numbers = true)]
    lr: Option<f32>,
    #[arg(long, value_parser = whole::<usize>(allowed("batch")), allow_negative_numbers = true)]
    batch: Option<usize>,
    #[arg(long, value_parser = named(&Dataset::ALL, Dataset::name))]
    dataset: Option<Dataset>,
    #[command(flatten)]
    data: DataFlags,
    #[arg(long, value_parser = number(allowed("noise")), allow_negative_numbers = true)]
    noise: Option<f32>,
    /// Clip the global gradient norm to this value.
    #[arg(long, value_parser = number(allowed("clip")), allow_negative_numbers = true)]
    clip: Option<f32>,
    /// Training steps (default: the lesson's, or 1000).
    #[arg(long, value_parser = whole::<u64>(integers(1, 100_000_000)), allow_negative_numbers = true)]
    steps: Option<u64>,
    /// Where the files go, and their language and size.
    #[command(flatten)]
    files: OutputFlags,
}

fn branch_name(b: BranchInit) -> &'static str {
    match b {
        BranchInit::Normal => "normal",
        BranchInit::Zero => "zero",
    }
}

impl RunFlags {
    /// The lesson's (or default) configuration with the flags applied, and
    /// the number of steps.
    fn resolve(&self, skip: Option<Skip>, seed: Option<u64>) -> Result<(Config, u64), UsageError> {
        let (mut config, mut steps) = match &self.lesson {
            Some(id) => {
                let lesson = lessons::find(id).map_err(|e| said(Some("--lesson:"), &e))?;
                (lesson.config, lesson.steps)
            }
            None => (Config::default(), 1000),
        };
        macro_rules! set {
            ($($flag:ident => $field:ident),*) => {
                $(if let Some(v) = self.$flag { config.$field = v; })*
            };
        }
        set!(depth => depth, width => width, activation => activation, init => init, init_gain => init_gain,
             branch_init => branch_init, optimizer => optimizer, lr => learning_rate, batch => batch,
             dataset => dataset, noise => noise);
        if let Some(clip) = self.clip {
            config.clip = Some(clip);
        }
        if let Some(skip) = skip {
            config.skip = skip;
        }
        if let Some(seed) = seed {
            config.seed = seed;
        }
        if let Some(n) = self.steps {
            steps = n;
        }
        self.data.apply(&mut config, self.dataset)?;
        config.validate().map_err(flag_error)?;
        Ok((config, steps))
    }
}

/// A value parser for one of a fixed set of named values, listing them all
/// in its error.
fn named<T: Copy + Send + Sync + 'static>(
    all: &'static [T],
    name: fn(T) -> &'static str,
) -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(all.iter().map(|&v| name(v))).map(move |s| {
        all.iter()
            .copied()
            .find(|&v| name(v) == s)
            .expect("the parser only passes listed names")
    })
}

/// A user mistake, as the one line to print.
#[derive(Debug)]
pub struct UsageError(pub String);

/// Standard output failed (a full disk, say): one line, like any mistake.
impl From<StdoutError> for UsageError {
    fn from(e: StdoutError) -> Self {
        said(None, &e)
    }
}

impl From<String> for UsageError {
    fn from(s: String) -> Self {
        UsageError(s)
    }
}

/// A library error as the command line prints it: in English, after
/// `flag` if one is given.
fn said(flag: Option<&str>, e: &impl Explain) -> UsageError {
    let message = e.explain(Lang::En);
    UsageError(match flag {
        Some(flag) => format!("{flag} {message}"),
        None => message,
    })
}

/// The error of a configuration built from flags, naming the flag.
fn flag_error(e: ConfigError) -> UsageError {
    let flag = match e.field {
        "learning_rate" => "lr".to_string(),
        field => field.replace('_', "-"),
    };
    UsageError(format!(
        "--{flag} {} is not allowed: {}",
        e.value,
        e.allowed.explain(Lang::En)
    ))
}

/// Parses the command line. `Err` carries the text to print and the exit
/// code: 0 for --help and --version, 2 for a mistake (one line).
pub fn parse<I, T>(args: I) -> Result<Cli, (String, i32)>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    Cli::try_parse_from(args).map_err(|err| {
        use clap::error::ErrorKind;
        match err.kind() {
            ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => (err.to_string(), 0),
            ErrorKind::ValueValidation => (value_error(&err), USAGE_ERROR),
            _ => (one_line(&err.to_string()), USAGE_ERROR),
        }
    })
}

/// clap's error message on one line: what is wrong and what is allowed,
/// without the usage block.
pub(crate) fn one_line(message: &str) -> String {
    let parts: Vec<&str> = message
        .lines()
        .map(str::trim)
        .filter(|l| {
            !l.is_empty() && !l.starts_with("Usage:") && !l.starts_with("For more information")
        })
        .collect();
    let mut line = parts.join("; ");
    if !line.contains("--help") {
        line.push_str(" (see gradscope --help)");
    }
    line
}

/// Runs a headless command, printing to stdout.
pub fn run_command(command: Command) -> Result<(), UsageError> {
    match command {
        Command::BackpropExample {
            steps,
            lr,
            update_biases,
            json,
        } => backprop_example(steps, lr, update_biases, json),
        Command::Grads { model, data, json } => grads::grads(&model, &data, json),
        Command::Lessons { lang } => list_lessons(lang),
        Command::Landscape { flags } => landscape::landscape(&flags),
        Command::Run {
            flags,
            skip,
            seed,
            histogram_layer,
            handout,
            animate,
        } => run(&flags, skip, seed, histogram_layer, handout, &animate),
        Command::Sweep {
            flags,
            depths,
            skips,
            seeds,
            seed,
        } => sweep(&flags, &depths, &skips, seeds, seed),
        Command::Bench {
            depth,
            width,
            batch,
            activation,
            steps,
            json,
        } => bench(depth, width, batch, activation, steps, json),
    }
}

fn backprop_example(
    steps: u64,
    lr: f64,
    update_biases: bool,
    json: bool,
) -> Result<(), UsageError> {
    let mut stdout = StandardOutput::default();
    if !(lr.is_finite() && lr > 0.0 && lr <= 100.0) {
        return Err(UsageError(format!(
            "--lr {lr} is not allowed: a number greater than 0 and at most 100"
        )));
    }
    let start = Textbook {
        learning_rate: lr,
        ..Textbook::default()
    };
    let forward = start.forward();
    let mut after_one = start.clone();
    let gradients = after_one.step(update_biases);
    let mut trained = after_one.clone();
    trained.train((steps - 1) as usize, update_biases);
    let error_after = trained.forward().e_total;

    if json {
        let named = |values: &[f64; 10]| -> serde_json::Map<String, serde_json::Value> {
            PARAM_NAMES
                .iter()
                .zip(values)
                .map(|(n, v)| (n.to_string(), json!(v)))
                .collect()
        };
        let out = json!({
            "forward": forward,
            "gradients": named(&gradients),
            "updated": named(&after_one.params),
            "steps": steps,
            "learning_rate": lr,
            "update_biases": update_biases,
            "error_after": error_after,
        });
        stdout.line(format_args!(
            "{}",
            serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?
        ))?;
        return Ok(stdout.finish()?);
    }

    let f = forward;
    stdout.line(format_args!(
        "The 2-2-2 network of the slides: sigmoid units, E = sum 1/2 (t - out)^2, learning rate {lr}"
    ))?;
    stdout.line(format_args!(
        "inputs i1 = {}, i2 = {}; targets t1 = {}, t2 = {}\n",
        start.i1, start.i2, start.t1, start.t2
    ))?;
    stdout.line(format_args!("Forward pass"))?;
    for (name, formula, value) in [
        ("net_h1", "w1 i1 + w2 i2 + b1", f.net_h1),
        ("out_h1", "sigmoid(net_h1)", f.out_h1),
        ("net_h2", "w3 i1 + w4 i2 + b1", f.net_h2),
        ("out_h2", "sigmoid(net_h2)", f.out_h2),
        ("net_o1", "w5 out_h1 + w6 out_h2 + b2", f.net_o1),
        ("out_o1", "sigmoid(net_o1)", f.out_o1),
        ("net_o2", "w7 out_h1 + w8 out_h2 + b2", f.net_o2),
        ("out_o2", "sigmoid(net_o2)", f.out_o2),
        (
            "E_total",
            "1/2 (t1 - out_o1)^2 + 1/2 (t2 - out_o2)^2",
            f.e_total,
        ),
    ] {
        stdout.line(format_args!("  {name:<8} = {formula:<42} = {value:.9}"))?;
    }
    stdout.line(format_args!(
        "\nBackward pass: dE/dp as the chain rule, and p after one step (p - lr dE/dp)"
    ))?;
    for (index, name) in PARAM_NAMES.iter().enumerate() {
        let Some(chain) = start.chain(index) else {
            continue;
        };
        let products: Vec<String> = chain
            .terms
            .iter()
            .map(|term| {
                term.iter()
                    .map(|(_, v)| format!("{v:.6}"))
                    .collect::<Vec<_>>()
                    .join(" x ")
            })
            .collect();
        let names: Vec<String> = chain
            .terms
            .iter()
            .map(|term| {
                term.iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(" x ")
            })
            .collect();
        let kept = index >= 8 && !update_biases;
        stdout.line(format_args!("  dE/d{name} = {}", names.join(" + ")))?;
        stdout.line(format_args!(
            "         = {} = {:.9}   {name}: {:.9} -> {:.9}{}",
            products.join(" + "),
            chain.gradient,
            start.params[index],
            after_one.params[index],
            if kept {
                " (biases fixed; --update-biases trains them)"
            } else {
                ""
            }
        ))?;
    }
    stdout.line(format_args!(
        "\nE_total: {:.9} before, {:.9} after {steps} step(s)",
        f.e_total, error_after
    ))?;
    Ok(stdout.finish()?)
}

/// The benchmark's configuration: the peers' reference network (sigmoid,
/// SGD at 0.1, cross-entropy, 3 classes) on a fixed full batch.
pub fn bench_config(depth: usize, width: usize, batch: usize, activation: Activation) -> Config {
    Config {
        depth,
        width,
        activation,
        batch,
        optimizer: OptimizerKind::Sgd,
        learning_rate: 0.1,
        loss: Loss::CrossEntropy,
        dataset: Dataset::Spiral,
        classes: 3,
        samples: batch.max(20),
        test_fraction: 0.0,
        ..Config::default()
    }
}

fn bench(
    depth: usize,
    width: usize,
    batch: usize,
    activation: Activation,
    steps: u64,
    json: bool,
) -> Result<(), UsageError> {
    let mut stdout = StandardOutput::default();
    let config = bench_config(depth, width, batch, activation);
    let mut run = Run::new(config).map_err(flag_error)?;
    for _ in 0..20 {
        run.step();
    }
    let start = Instant::now();
    for _ in 0..steps {
        run.step();
    }
    let seconds = start.elapsed().as_secs_f64();
    let steps_per_second = steps as f64 / seconds;
    if json {
        let out = json!({
            "depth": depth,
            "width": width,
            "batch": batch,
            "activation": activation.name(),
            "steps": steps,
            "seconds": seconds,
            "steps_per_second": steps_per_second,
            "final_loss": run.last_stats().loss,
        });
        stdout.line(format_args!(
            "{}",
            serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?
        ))?;
    } else {
        stdout.line(format_args!(
            "depth {depth} x width {width}, batch {batch}, {activation}, SGD, telemetry on: {steps_per_second:.0} steps/s ({steps} steps in {seconds:.3} s)"
        ))?;
    }
    Ok(stdout.finish()?)
}

fn list_lessons(lang: Lang) -> Result<(), UsageError> {
    let mut stdout = StandardOutput::default();
    let all = lessons::all().map_err(|e| said(None, &e))?;
    let width = all.iter().map(|l| l.id.len()).max().unwrap_or(0);
    for lesson in all {
        stdout.line(format_args!(
            "{:<width$}  {}",
            lesson.id,
            lesson.title.get(lang)
        ))?;
        stdout.line(format_args!("{:<width$}  {}", "", lesson.summary.get(lang)))?;
    }
    Ok(stdout.finish()?)
}

fn run(
    flags: &RunFlags,
    skip: Option<Skip>,
    seed: Option<u64>,
    histogram_layer: Option<u64>,
    handout: bool,
    animate: &animate::AnimateFlags,
) -> Result<(), UsageError> {
    let mut stdout = StandardOutput::default();
    let (config, steps) = flags.resolve(skip, seed)?;
    let layer = match histogram_layer {
        None => config.depth.div_ceil(2).max(1) - 1,
        Some(n) if n as usize <= config.depth => n as usize - 1,
        Some(n) => {
            return Err(UsageError(format!(
                "--histogram-layer {n} is not allowed: a hidden layer from 1 to {}",
                config.depth
            )));
        }
    };
    let mut output = flags.files.output();
    if handout {
        let lesson = flags.lesson.as_deref().map(lessons::find).transpose();
        output.handout = Some(HandoutWish {
            lesson: lesson.map_err(|e| said(Some("--lesson:"), &e))?,
        });
    }
    let summary = run_to_folder_animated(
        &config,
        steps,
        &flags.files.out,
        layer,
        &output,
        &animate.request(),
    )
    .map_err(|e| said(None, &e))?;
    let outcome = match (summary.diverged, summary.final_train_loss) {
        (Some(d), _) => format!(
            "diverged at step {} in layer {} ({:?}): no final loss or accuracy, model.safetensors not written",
            d.step,
            d.layer + 1,
            d.phase
        ),
        (None, loss) => format!(
            "final training loss {:.4}, test accuracy {:.1}%",
            loss.unwrap_or(f64::NAN),
            100.0 * summary.final_test_accuracy.unwrap_or(f64::NAN)
        ),
    };
    stdout.line(format_args!(
        "{} steps, {outcome}; {} files in {}",
        summary.steps_run,
        summary.files.len(),
        flags.files.out.display()
    ))?;
    Ok(stdout.finish()?)
}

fn sweep(
    flags: &RunFlags,
    depths: &[u64],
    skips: &[Skip],
    seeds: u64,
    seed: u64,
) -> Result<(), UsageError> {
    let mut stdout = StandardOutput::default();
    let (base, steps) = flags.resolve(None, Some(seed))?;
    let plan = SweepPlan {
        base,
        depths: depths.iter().map(|&d| d as usize).collect(),
        skips: skips.to_vec(),
        seeds: seed_range(seed, seeds).map_err(flag_error)?,
        steps,
    };
    let records = sweep_to_folder(&plan, &flags.files.out, &flags.files.output())
        .map_err(|e| said(None, &e))?;
    for r in &records {
        let diverged = if r.diverged.is_some() {
            " (diverged)"
        } else {
            ""
        };
        stdout.line(format_args!(
            "depth {:>3}  skip {:<8}  seed {:>3}  final training loss {:.4}{diverged}",
            r.depth,
            r.skip.name(),
            r.seed,
            r.final_train_loss
        ))?;
    }
    stdout.line(format_args!(
        "{} networks; sweep.json and the figure in {}",
        records.len(),
        flags.files.out.display()
    ))?;
    Ok(stdout.finish()?)
}
