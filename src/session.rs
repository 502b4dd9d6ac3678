//! Session files: a lesson's state saved to continue later. One JSON file
//! holds the language, the lesson, the configuration, every run's weights
//! and skips, and its history (the plots). Loading checks everything
//! against a validated configuration before anything is replaced, so a
//! damaged or foreign file gives one clear message and changes nothing.
//!
//! Restored runs continue from their weights and step count; the
//! optimiser's moments and the mini-batch order start afresh (a session is
//! for teaching, not for bit-exact continuation).

use std::io::Read;
use std::path::Path;

use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

use crate::files::{describe, write_atomically};
use crate::lang::Lang;
use crate::nn::mlp::block_count;
use crate::nn::{Config, Dense, Mlp, SkipStyle};
use crate::train::history::{Agg, Bucket, EvalPoint, Event, EventKind};
use crate::train::{History, Mode};

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

/// A run as the trainer and the window know it.
#[derive(Clone, Debug)]
pub struct RunState {
    pub name: String,
    pub mlp: Mlp,
    pub steps: u64,
    pub history: History,
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

    /// The runs, checked against the configuration.
    pub fn restore(&self) -> Result<Vec<RunState>, String> {
        if self.format != FORMAT {
            return Err(format!(
                "not a gradscope session (format \"{}\")",
                self.format
            ));
        }
        if self.version != VERSION {
            return Err(format!(
                "session version {} is not supported (this gradscope reads version {VERSION})",
                self.version
            ));
        }
        self.config
            .validate()
            .map_err(|e| format!("its configuration is invalid: {e}"))?;
        let expected = match self.mode {
            Mode::Single => 1,
            Mode::Twins => 2,
        };
        if self.runs.len() != expected {
            return Err(format!(
                "a {} session has {expected} run(s), this one {}",
                serde_json::to_string(&self.mode).unwrap_or_default(),
                self.runs.len()
            ));
        }
        self.runs
            .iter()
            .map(|run| restore_run(run, &self.config))
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
        name: run.name.clone(),
        steps: run.steps,
        style: run.mlp.style,
        skips: run.mlp.skips.clone(),
        layers: run
            .mlp
            .layers
            .iter()
            .map(|l| SavedLayer {
                weight: l.weight.iter().map(|&v| finite32(v)).collect(),
                bias: l.bias.iter().map(|&v| finite32(v)).collect(),
            })
            .collect(),
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
    }
}

/// An aggregate of `steps` values, checked.
fn restore_agg(a: &SavedAgg, steps: u64) -> Result<Agg, String> {
    let SavedAgg(sum, min, max, finite, nonfinite) = *a;
    if u64::from(finite) + u64::from(nonfinite) != steps {
        return Err("a history bucket does not count its steps".into());
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
        _ => Err("a history value is missing".into()),
    }
}

fn restore_run(run: &SavedRun, config: &Config) -> Result<RunState, String> {
    let name = &run.name;
    let depth = config.depth;
    if run.steps > MAX_SESSION_STEPS {
        return Err(format!(
            "run \"{name}\" claims {} steps, more than any session can hold",
            run.steps
        ));
    }
    if run.layers.len() != depth + 1 {
        return Err(format!(
            "run \"{name}\" has {} layers, its configuration {}",
            run.layers.len(),
            depth + 1
        ));
    }
    if run.skips.len() != block_count(depth) {
        return Err(format!(
            "run \"{name}\" has {} skips, its network {} blocks",
            run.skips.len(),
            block_count(depth)
        ));
    }
    let mut layers = Vec::with_capacity(depth + 1);
    for (i, saved) in run.layers.iter().enumerate() {
        let fan_in = if i == 0 { Config::INPUTS } else { config.width };
        let fan_out = if i == depth {
            config.outputs()
        } else {
            config.width
        };
        if saved.weight.len() != fan_in * fan_out || saved.bias.len() != fan_out {
            return Err(format!(
                "run \"{name}\", layer {}: the weights do not have the configuration's shape {fan_out}×{fan_in}",
                i + 1
            ));
        }
        let value = |v: &Option<f32>| v.unwrap_or(f32::NAN);
        let weight =
            Array2::from_shape_vec((fan_out, fan_in), saved.weight.iter().map(value).collect())
                .map_err(|e| e.to_string())?;
        let bias = Array1::from(saved.bias.iter().map(value).collect::<Vec<_>>());
        layers.push(Dense { weight, bias });
    }
    let mlp = Mlp {
        layers,
        activation: config.activation,
        style: run.style,
        skips: run.skips.clone(),
    };
    let mut history = History::default();
    let mut next_step = 0;
    for saved in &run.buckets {
        // Buckets tile the steps from 0 without gaps, as a history records them.
        if saved.first_step != next_step
            || saved.last_step < saved.first_step
            || saved.last_step >= run.steps
        {
            return Err(format!(
                "run \"{name}\": its history's steps are out of order"
            ));
        }
        if saved.grad_norms.len() != depth + 1 {
            return Err(format!(
                "run \"{name}\": its history does not match its layers"
            ));
        }
        next_step = saved.last_step + 1;
        let steps = saved.last_step - saved.first_step + 1;
        history.push_bucket(Bucket {
            first_step: saved.first_step,
            last_step: saved.last_step,
            loss: restore_agg(&saved.loss, steps)?,
            grad_norms: saved
                .grad_norms
                .iter()
                .map(|a| restore_agg(a, steps))
                .collect::<Result<_, _>>()?,
        });
    }
    if next_step != 0 && next_step != run.steps {
        return Err(format!(
            "run \"{name}\": its history's steps are out of order"
        ));
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
            return Err(format!(
                "run \"{name}\": an event names a step, block or layer it does not have"
            ));
        }
    }
    if run.evals.iter().any(|e| e.step > run.steps) {
        return Err(format!(
            "run \"{name}\": an evaluation is after its last step"
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
    Ok(RunState {
        name: name.clone(),
        mlp,
        steps: run.steps,
        history,
    })
}

/// Writes `session` to `path` (atomically: a failed save leaves the old file).
pub fn save(path: &Path, session: &Session) -> Result<(), String> {
    let weights: u64 = session
        .runs
        .iter()
        .flat_map(|r| &r.layers)
        .map(|l| (l.weight.len() + l.bias.len()) as u64)
        .sum();
    if weights * 20 > MAX_SESSION_BYTES {
        return Err(format!(
            "cannot save the session: {weights} weights would make a file too large to open again (at most about {} million)",
            MAX_SESSION_BYTES / 20 / 1_000_000
        ));
    }
    let text = serde_json::to_string(session).map_err(|e| e.to_string())?;
    write_atomically(path, text.as_bytes()).map_err(|e| {
        format!(
            "cannot save the session to {}: {}",
            path.display(),
            describe(&e)
        )
    })
}

/// Reads and checks a session file; the message names the file and the problem.
pub fn load(path: &Path) -> Result<(Session, Vec<RunState>), String> {
    let fail = |what: String| format!("cannot open the session {}: {what}", path.display());
    let file = std::fs::File::open(path).map_err(|e| fail(describe(&e)))?;
    let len = file.metadata().map_err(|e| fail(describe(&e)))?.len();
    if len > MAX_SESSION_BYTES {
        return Err(fail(format!(
            "the file is {len} bytes, more than a session can be ({MAX_SESSION_BYTES})"
        )));
    }
    let mut text = String::new();
    file.take(MAX_SESSION_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| fail(format!("not a text file ({})", describe(&e))))?;
    let session: Session = serde_json::from_str(&text)
        .map_err(|e| fail(format!("not a gradscope session file ({e})")))?;
    let runs = session.restore().map_err(fail)?;
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
            name: String::new(),
            mlp: run.mlp.clone(),
            steps: 5,
            history,
        };
        Session::new(Lang::It, "vanishing", Mode::Single, &config, &[state])
    }

    #[test]
    fn a_session_round_trips_through_json() {
        let saved = session();
        let text = serde_json::to_string(&saved).unwrap();
        let read: Session = serde_json::from_str(&text).unwrap();
        assert_eq!(read, saved);
        let runs = read.restore().unwrap();
        assert_eq!(runs[0].steps, 5);
        assert_eq!(runs[0].history.steps(), 5);
    }

    /// A change that makes a session inconsistent.
    type Spoil = Box<dyn Fn(&mut Session)>;

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
        ];
        for (spoil, expected) in cases {
            let mut s = session();
            spoil(&mut s);
            let err = s.restore().unwrap_err();
            assert!(err.contains(expected), "{err} (expected {expected:?})");
        }
    }

    #[test]
    fn files_that_are_not_sessions_say_so() {
        let dir = tempfile::tempdir().unwrap();
        let garbage = dir.path().join("garbage.json");
        std::fs::write(&garbage, [0xff, 0xfe, 0x00]).unwrap();
        assert!(load(&garbage).unwrap_err().contains("not a text file"));
        let other = dir.path().join("other.json");
        std::fs::write(&other, "{\"name\": \"a config\"}").unwrap();
        assert!(
            load(&other)
                .unwrap_err()
                .contains("not a gradscope session file")
        );
        assert!(
            load(dir.path())
                .unwrap_err()
                .starts_with("cannot open the session")
        );
    }
}
