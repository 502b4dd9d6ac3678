//! Session files: a lesson's state saved to continue later. One JSON file
//! holds the language, the lesson, the configuration, every run's weights
//! and skips, and its history (the plots). Loading checks everything
//! against a validated configuration before anything is replaced, so a
//! damaged or foreign file gives one clear message and changes nothing.
//!
//! Restored runs continue exactly where they were saved: the weights, the
//! step count, the optimiser's moments, and (since each epoch's batch
//! order depends only on the seed) the next mini-batch; a reopened session
//! trains to the same bits as one never saved.

use std::io::Read;
use std::path::Path;

use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

use crate::files::{describe, write_atomically};
use crate::lang::{Lang, say};
use crate::nn::mlp::block_count;
use crate::nn::{Config, Dense, Mlp, Moments, OptimizerKind, SkipStyle};
pub use crate::train::RunState;
use crate::train::history::{Agg, Bucket, EvalPoint, Event, EventKind};
use crate::train::{History, Mode, Twin, run_code};

/// What the file says it is.
pub const FORMAT: &str = "gradscope-session";
pub const VERSION: u32 = 1;
/// Larger files are refused unread, and not written: about 50 million
/// weights (depth 64 at width 640, say) at up to 20 bytes of JSON each.
pub const MAX_SESSION_BYTES: u64 = 1 << 30;
/// Most steps a session may claim: far beyond any lesson, far below where
/// step counters and history strides could overflow.
pub const MAX_SESSION_STEPS: u64 = 1 << 40;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    pub format: String,
    pub version: u32,
    pub lang: Lang,
    /// The lesson the window showed (its id).
    pub lesson: String,
    pub mode: Mode,
    pub config: Config,
    pub runs: Vec<SavedRun>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedRun {
    pub name: String,
    pub steps: u64,
    pub style: SkipStyle,
    pub skips: Vec<bool>,
    /// Hidden layers, then the output layer: weight [out][in] row-major.
    pub layers: Vec<SavedLayer>,
    pub buckets: Vec<SavedBucket>,
    pub evals: Vec<SavedEval>,
    pub events: Vec<Event>,
    /// The optimiser's state (absent in files from before it was saved:
    /// such runs restart their optimiser).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optimizer: Option<SavedMoments>,
}

/// An optimiser's state: its kind, updates taken, and per layer its first
/// moment and (Adam) its second, shaped like the weights.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedMoments {
    pub kind: OptimizerKind,
    pub t: u64,
    pub layers: Vec<SavedMomentLayer>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedMomentLayer {
    pub first: SavedLayer,
    pub second: Option<SavedLayer>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedLayer {
    pub weight: Vec<Option<f32>>,
    pub bias: Vec<Option<f32>>,
}

/// A history bucket; JSON has no NaN or infinity, so those are null.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedBucket {
    pub first_step: u64,
    pub last_step: u64,
    pub loss: SavedAgg,
    pub grad_norms: Vec<SavedAgg>,
}

/// [sum, min, max, finite values, non-finite values].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedAgg(Option<f64>, Option<f32>, Option<f32>, u32, u32);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedEval {
    pub step: u64,
    pub train_loss: Option<f64>,
    pub test_loss: Option<f64>,
    pub test_accuracy: Option<f64>,
}

fn finite32(v: f32) -> Option<f32> {
    v.is_finite().then_some(v)
}

fn finite64(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

impl Session {
    pub fn new(
        lang: Lang,
        lesson: &str,
        mode: Mode,
        config: &Config,
        runs: &[RunState],
    ) -> Session {
        Session {
            format: FORMAT.into(),
            version: VERSION,
            lang,
            lesson: lesson.into(),
            mode,
            config: config.clone(),
            runs: runs.iter().map(save_run).collect(),
        }
    }

    /// The runs, checked against the configuration; what is wrong is said
    /// in `lang`.
    pub fn restore(&self, lang: Lang) -> Result<Vec<RunState>, String> {
        if self.format != FORMAT {
            return Err(say!(
                lang,
                "not a gradscope session (format \"{}\")",
                "non è una sessione di gradscope (formato \"{}\")",
                self.format
            ));
        }
        if self.version != VERSION {
            return Err(say!(
                lang,
                "session version {} is not supported (this gradscope reads version {VERSION})",
                "la versione {} delle sessioni non è supportata (questo gradscope legge la versione {VERSION})",
                self.version
            ));
        }
        self.config.validate().map_err(|e| {
            say!(
                lang,
                "its configuration is invalid: {}",
                "la sua configurazione non è valida: {}",
                e.message(lang)
            )
        })?;
        let expected = match self.mode {
            Mode::Single => 1,
            Mode::Twins => 2,
        };
        if self.runs.len() != expected {
            return Err(say!(
                lang,
                "a {} session has {expected} run(s), this one {}",
                "una sessione {} ha {expected} run, questa {}",
                serde_json::to_string(&self.mode).unwrap_or_default(),
                self.runs.len()
            ));
        }
        self.runs
            .iter()
            .map(|run| restore_run(run, &self.config, lang))
            .collect()
    }
}

fn save_run(run: &RunState) -> SavedRun {
    let saved_agg = |a: &Agg| {
        SavedAgg(
            finite64(a.sum),
            finite32(a.min),
            finite32(a.max),
            a.finite,
            a.nonfinite,
        )
    };
    SavedRun {
        name: run_code(run.twin).to_string(),
        steps: run.steps,
        style: run.mlp.style(),
        skips: run.mlp.skips().to_vec(),
        layers: run.mlp.layers.iter().map(save_layer).collect(),
        buckets: run
            .history
            .buckets()
            .iter()
            .map(|b| SavedBucket {
                first_step: b.first_step,
                last_step: b.last_step,
                loss: saved_agg(&b.loss),
                grad_norms: b.grad_norms.iter().map(saved_agg).collect(),
            })
            .collect(),
        evals: run
            .history
            .evals()
            .iter()
            .map(|e| SavedEval {
                step: e.step,
                train_loss: finite64(e.train_loss),
                test_loss: finite64(e.test_loss),
                test_accuracy: finite64(e.test_accuracy),
            })
            .collect(),
        events: run.history.events().to_vec(),
        optimizer: run.moments.as_ref().map(|m| SavedMoments {
            kind: m.kind,
            t: m.t,
            layers: m
                .layers
                .iter()
                .map(|(first, second)| SavedMomentLayer {
                    first: save_layer(first),
                    second: second.as_ref().map(save_layer),
                })
                .collect(),
        }),
    }
}

fn save_layer(layer: &Dense) -> SavedLayer {
    SavedLayer {
        weight: layer.weight.iter().map(|&v| finite32(v)).collect(),
        bias: layer.bias.iter().map(|&v| finite32(v)).collect(),
    }
}

/// (fan_in, fan_out) of layer `i` of a network of `config`.
fn layer_shape(i: usize, config: &Config) -> (usize, usize) {
    let fan_in = if i == 0 { Config::INPUTS } else { config.width };
    let fan_out = if i == config.depth {
        config.outputs()
    } else {
        config.width
    };
    (fan_in, fan_out)
}

/// Layer `i`'s values, if they have the shape `config` gives that layer.
fn restore_layer(saved: &SavedLayer, i: usize, config: &Config) -> Option<Dense> {
    let (fan_in, fan_out) = layer_shape(i, config);
    let value = |v: &Option<f32>| v.unwrap_or(f32::NAN);
    let weight =
        Array2::from_shape_vec((fan_out, fan_in), saved.weight.iter().map(value).collect()).ok()?;
    (saved.bias.len() == fan_out).then(|| Dense {
        weight,
        bias: Array1::from(saved.bias.iter().map(value).collect::<Vec<_>>()),
    })
}

/// A saved optimiser state, checked against the run's configuration.
fn restore_moments(
    saved: &SavedMoments,
    run: &SavedRun,
    config: &Config,
    lang: Lang,
) -> Result<Moments, String> {
    let name = &run.name;
    if saved.kind != config.optimizer {
        return Err(say!(
            lang,
            "run \"{name}\": its optimiser state is for {}, its configuration uses {}",
            "run \"{name}\": lo stato dell'ottimizzatore è per {}, la sua configurazione usa {}",
            saved.kind,
            config.optimizer
        ));
    }
    let adam = saved.kind == OptimizerKind::Adam;
    let layers = if saved.layers.is_empty() {
        Some(Vec::new())
    } else if saved.kind == OptimizerKind::Sgd || saved.layers.len() != config.depth + 1 {
        None
    } else {
        saved
            .layers
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let first = restore_layer(&l.first, i, config)?;
                let second = match (&l.second, adam) {
                    (Some(second), true) => Some(restore_layer(second, i, config)?),
                    (None, false) => None,
                    _ => return None,
                };
                Some((first, second))
            })
            .collect()
    };
    match layers {
        Some(layers) if saved.t <= run.steps => Ok(Moments {
            kind: saved.kind,
            t: saved.t,
            layers,
        }),
        _ => Err(say!(
            lang,
            "run \"{name}\": its optimiser state does not match its network",
            "run \"{name}\": lo stato dell'ottimizzatore non corrisponde alla sua rete"
        )),
    }
}

/// An aggregate of `steps` values, checked.
fn restore_agg(a: &SavedAgg, steps: u64, lang: Lang) -> Result<Agg, String> {
    let SavedAgg(sum, min, max, finite, nonfinite) = *a;
    if u64::from(finite) + u64::from(nonfinite) != steps {
        return Err(say!(
            lang,
            "a history bucket does not count its steps",
            "un tratto della cronologia non conta i suoi passi"
        ));
    }
    let default = Agg::default();
    match (finite, sum, min, max) {
        (0, _, _, _) => Ok(Agg {
            nonfinite,
            ..default
        }),
        (_, Some(sum), Some(min), Some(max)) if min <= max => Ok(Agg {
            sum,
            min,
            max,
            finite,
            nonfinite,
        }),
        _ => Err(say!(
            lang,
            "a history value is missing",
            "manca un valore della cronologia"
        )),
    }
}

fn restore_run(run: &SavedRun, config: &Config, lang: Lang) -> Result<RunState, String> {
    let name = &run.name;
    let depth = config.depth;
    if run.steps > MAX_SESSION_STEPS {
        return Err(say!(
            lang,
            "run \"{name}\" claims {} steps, more than any session can hold",
            "il run \"{name}\" dichiara {} passi, più di quanti una sessione ne possa contenere",
            run.steps
        ));
    }
    if run.layers.len() != depth + 1 {
        return Err(say!(
            lang,
            "run \"{name}\" has {} layers, its configuration {}",
            "il run \"{name}\" ha {} livelli, la sua configurazione {}",
            run.layers.len(),
            depth + 1
        ));
    }
    if run.skips.len() != block_count(depth) {
        return Err(say!(
            lang,
            "run \"{name}\" has {} skips, its network {} blocks",
            "il run \"{name}\" ha {} skip, la sua rete {} blocchi",
            run.skips.len(),
            block_count(depth)
        ));
    }
    let mut layers = Vec::with_capacity(depth + 1);
    for (i, saved) in run.layers.iter().enumerate() {
        let Some(layer) = restore_layer(saved, i, config) else {
            let (fan_in, fan_out) = layer_shape(i, config);
            return Err(say!(
                lang,
                "run \"{name}\", layer {}: the weights do not have the configuration's shape {fan_out}×{fan_in}",
                "run \"{name}\", livello {}: i pesi non hanno la forma {fan_out}×{fan_in} della configurazione",
                i + 1
            ));
        };
        layers.push(layer);
    }
    let mlp = Mlp::from_parts(layers, config.activation, run.style, run.skips.clone());
    let mut history = History::default();
    let mut next_step = 0;
    for saved in &run.buckets {
        // Buckets tile the steps from 0 without gaps, as a history records them.
        if saved.first_step != next_step
            || saved.last_step < saved.first_step
            || saved.last_step >= run.steps
        {
            return Err(out_of_order(name, lang));
        }
        if saved.grad_norms.len() != depth + 1 {
            return Err(say!(
                lang,
                "run \"{name}\": its history does not match its layers",
                "run \"{name}\": la sua cronologia non corrisponde ai suoi livelli"
            ));
        }
        next_step = saved.last_step + 1;
        let steps = saved.last_step - saved.first_step + 1;
        history.push_bucket(Bucket {
            first_step: saved.first_step,
            last_step: saved.last_step,
            loss: restore_agg(&saved.loss, steps, lang)?,
            grad_norms: saved
                .grad_norms
                .iter()
                .map(|a| restore_agg(a, steps, lang))
                .collect::<Result<_, _>>()?,
        });
    }
    if next_step != 0 && next_step != run.steps {
        return Err(out_of_order(name, lang));
    }
    let blocks = block_count(depth);
    for event in &run.events {
        let fits = event.step <= run.steps
            && match &event.kind {
                EventKind::Skip { block: Some(b), .. } | EventKind::ZeroBranch(b) => *b < blocks,
                EventKind::Diverged(at) => at.layer <= depth && at.step <= run.steps,
                _ => true,
            };
        if !fits {
            return Err(say!(
                lang,
                "run \"{name}\": an event names a step, block or layer it does not have",
                "run \"{name}\": un evento nomina un passo, un blocco o un livello che non ha"
            ));
        }
    }
    if run.evals.iter().any(|e| e.step > run.steps) {
        return Err(say!(
            lang,
            "run \"{name}\": an evaluation is after its last step",
            "run \"{name}\": una valutazione viene dopo il suo ultimo passo"
        ));
    }
    for e in &run.evals {
        history.push_eval(EvalPoint {
            step: e.step,
            train_loss: e.train_loss.unwrap_or(f64::NAN),
            test_loss: e.test_loss.unwrap_or(f64::NAN),
            test_accuracy: e.test_accuracy.unwrap_or(f64::NAN),
        });
    }
    for event in &run.events {
        history.push_event(event.clone());
    }
    let moments = run
        .optimizer
        .as_ref()
        .map(|m| restore_moments(m, run, config, lang))
        .transpose()?;
    let Some(twin) = Twin::from_code(name) else {
        return Err(say!(
            lang,
            "run \"{name}\" is not a run this program makes (allowed: \"\", \"plain\", \"residual\")",
            "il run \"{name}\" non è un run che questo programma crea (ammessi: \"\", \"plain\", \"residual\")"
        ));
    };
    Ok(RunState {
        twin,
        mlp,
        steps: run.steps,
        history,
        moments,
    })
}

fn out_of_order(name: &str, lang: Lang) -> String {
    say!(
        lang,
        "run \"{name}\": its history's steps are out of order",
        "run \"{name}\": i passi della sua cronologia non sono in ordine"
    )
}

/// Writes `session` to `path` (atomically: a failed save leaves the old
/// file); a failure is said in `lang`.
pub fn save(path: &Path, session: &Session, lang: Lang) -> Result<(), String> {
    let weights: u64 = session
        .runs
        .iter()
        .flat_map(|r| {
            let moments = r.optimizer.iter().flat_map(|m| &m.layers);
            r.layers
                .iter()
                .chain(moments.flat_map(|m| std::iter::once(&m.first).chain(m.second.as_ref())))
        })
        .map(|l| (l.weight.len() + l.bias.len()) as u64)
        .sum();
    if weights * 20 > MAX_SESSION_BYTES {
        return Err(say!(
            lang,
            "cannot save the session: {weights} numbers (weights and optimiser state) would make a file too large to open again (at most about {} million)",
            "impossibile salvare la sessione: {weights} numeri (pesi e stato dell'ottimizzatore) darebbero un file troppo grande per riaprirlo (al massimo circa {} milioni)",
            MAX_SESSION_BYTES / 20 / 1_000_000
        ));
    }
    let text = serde_json::to_string(session).map_err(|e| e.to_string())?;
    write_atomically(path, text.as_bytes()).map_err(|e| {
        say!(
            lang,
            "cannot save the session to {}: {}",
            "impossibile salvare la sessione in {}: {}",
            path.display(),
            describe(&e, lang)
        )
    })
}

/// Reads and checks a session file; the message, in `lang`, names the
/// file and the problem.
pub fn load(path: &Path, lang: Lang) -> Result<(Session, Vec<RunState>), String> {
    let fail = |what: String| {
        say!(
            lang,
            "cannot open the session {}: {what}",
            "impossibile aprire la sessione {}: {what}",
            path.display()
        )
    };
    let file = std::fs::File::open(path).map_err(|e| fail(describe(&e, lang)))?;
    let len = file.metadata().map_err(|e| fail(describe(&e, lang)))?.len();
    if len > MAX_SESSION_BYTES {
        return Err(fail(say!(
            lang,
            "the file is {len} bytes, more than a session can be ({MAX_SESSION_BYTES})",
            "il file è di {len} byte, più di quanto possa essere una sessione ({MAX_SESSION_BYTES})"
        )));
    }
    let mut text = String::new();
    file.take(MAX_SESSION_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| {
            fail(if e.kind() == std::io::ErrorKind::InvalidData {
                say!(lang, "not a text file", "non è un file di testo")
            } else {
                describe(&e, lang)
            })
        })?;
    // serde_json's own words stay English: they point at line and column.
    let session: Session = serde_json::from_str(&text).map_err(|e| {
        fail(say!(
            lang,
            "not a gradscope session file ({e})",
            "non è un file di sessione di gradscope ({e})"
        ))
    })?;
    let runs = session.restore(lang).map_err(fail)?;
    Ok((session, runs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::Run;

    fn session() -> Session {
        let config = Config {
            depth: 3,
            width: 4,
            ..Config::default()
        };
        let mut run = Run::new(config.clone()).unwrap();
        let mut history = History::default();
        for _ in 0..5 {
            history.push(run.step());
        }
        let state = RunState {
            twin: None,
            mlp: run.mlp.clone(),
            steps: 5,
            history,
            moments: Some(run.moments()),
        };
        Session::new(Lang::It, "vanishing", Mode::Single, &config, &[state])
    }

    #[test]
    fn a_session_round_trips_through_json() {
        let saved = session();
        let text = serde_json::to_string(&saved).unwrap();
        let read: Session = serde_json::from_str(&text).unwrap();
        assert_eq!(read, saved);
        let runs = read.restore(Lang::En).unwrap();
        assert_eq!(runs[0].steps, 5);
        assert_eq!(runs[0].history.steps(), 5);
    }

    /// A change that makes a session inconsistent.
    type Spoil = Box<dyn Fn(&mut Session)>;

    fn moments(s: &mut Session) -> &mut SavedMoments {
        s.runs[0]
            .optimizer
            .as_mut()
            .expect("the test session saves Adam's moments")
    }

    #[test]
    fn a_file_without_optimiser_state_restarts_the_optimiser() {
        let mut s = session();
        assert_eq!(moments(&mut s).layers.len(), 4);
        s.runs[0].optimizer = None;
        let text = serde_json::to_string(&s).unwrap();
        assert!(!text.contains("\"optimizer\":{"), "absent, not null");
        let read: Session = serde_json::from_str(&text).unwrap();
        assert_eq!(read.restore(Lang::En).unwrap()[0].moments, None);
    }

    #[test]
    fn inconsistent_sessions_are_refused_with_a_reason() {
        let cases: Vec<(Spoil, &str)> = vec![
            (Box::new(|s| s.version = 9), "version 9 is not supported"),
            (Box::new(|s| s.config.depth = 0), "configuration is invalid"),
            (
                Box::new(|s| s.mode = Mode::Twins),
                "has 2 run(s), this one 1",
            ),
            (
                Box::new(|s| s.runs[0].layers.pop().map(drop).unwrap_or(())),
                "has 3 layers",
            ),
            (
                Box::new(|s| s.runs[0].layers[1].weight.push(Some(1.0))),
                "layer 2",
            ),
            (Box::new(|s| s.runs[0].skips.push(true)), "skips"),
            (Box::new(|s| s.runs[0].buckets.swap(0, 1)), "out of order"),
            (Box::new(|s| s.runs[0].steps = 2), "out of order"),
            (
                Box::new(|s| {
                    s.runs[0].buckets[0]
                        .grad_norms
                        .pop()
                        .map(drop)
                        .unwrap_or(())
                }),
                "does not match",
            ),
            (Box::new(|s| s.runs[0].buckets[0].loss.0 = None), "missing"),
            (
                Box::new(|s| s.runs[0].buckets[0].loss.3 = 7),
                "does not count its steps",
            ),
            (
                Box::new(|s| {
                    s.runs[0].buckets.remove(0);
                }),
                "out of order",
            ),
            (
                Box::new(|s| s.runs[0].steps = u64::MAX),
                "more than any session",
            ),
            (
                Box::new(|s| {
                    s.runs[0].events.push(Event {
                        step: 1,
                        kind: EventKind::ZeroBranch(usize::MAX),
                    })
                }),
                "block or layer",
            ),
            (
                Box::new(|s| {
                    s.runs[0].evals.push(SavedEval {
                        step: 99,
                        train_loss: None,
                        test_loss: None,
                        test_accuracy: None,
                    })
                }),
                "after its last step",
            ),
            (
                Box::new(|s| s.config.optimizer = OptimizerKind::Sgd),
                "optimiser state is for adam, its configuration uses sgd",
            ),
            (
                Box::new(|s| moments(s).t = 6),
                "optimiser state does not match",
            ),
            (
                Box::new(|s| moments(s).layers[2].second = None),
                "optimiser state does not match",
            ),
            (
                Box::new(|s| moments(s).layers[1].first.bias.push(None)),
                "optimiser state does not match",
            ),
            (
                Box::new(|s| moments(s).layers.pop().map(drop).unwrap_or(())),
                "optimiser state does not match",
            ),
        ];
        for (spoil, expected) in cases {
            let mut s = session();
            spoil(&mut s);
            let err = s.restore(Lang::En).unwrap_err();
            assert!(err.contains(expected), "{err} (expected {expected:?})");
        }
    }

    #[test]
    fn files_that_are_not_sessions_say_so() {
        let dir = tempfile::tempdir().unwrap();
        let garbage = dir.path().join("garbage.json");
        std::fs::write(&garbage, [0xff, 0xfe, 0x00]).unwrap();
        assert!(
            load(&garbage, Lang::En)
                .unwrap_err()
                .contains("not a text file")
        );
        let other = dir.path().join("other.json");
        std::fs::write(&other, "{\"name\": \"a config\"}").unwrap();
        assert!(
            load(&other, Lang::En)
                .unwrap_err()
                .contains("not a gradscope session file")
        );
        assert!(
            load(dir.path(), Lang::En)
                .unwrap_err()
                .starts_with("cannot open the session")
        );
    }
}
