//! Session files: a lesson's state saved to continue later. One JSON file
//! holds the language, the lesson, the configuration, every run's weights
//! and skips, and its history (the plots). Loading checks everything
//! against a validated configuration before anything is replaced, so a
//! damaged or foreign file gives one clear message and changes nothing.
//! Errors are typed (`SessionError`, `RestoreError`); `lang` says them.
//!
//! Restored runs continue exactly where they were saved: the weights, the
//! step count, the optimiser's moments, and (since each epoch's batch
//! order depends only on the seed) the next mini-batch; a reopened session
//! trains to the same bits as one never saved.

use std::path::Path;

use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

use crate::files::{NotRegularFile, ReadError, read_limited, write_atomically};
use crate::lang::Lang;
use crate::nn::mlp::block_count;
use crate::nn::{Config, Dense, Mlp, Moments, OptimizerKind, Shape, ShapeError, SkipStyle, Table};
pub use crate::train::RunState;
use crate::train::history::{Agg, Bucket, EvalPoint, Event, EventKind};
use crate::train::{History, Mode, Twin, run_code};

mod errors;
pub use errors::{OpenProblem, RestoreError, SessionError};
mod size;
use size::check_size;
pub use size::max_numbers;
mod table;
pub use table::TABLE_NUMBERS;
mod values;
pub use values::ValueRange;
pub mod replay;
pub use replay::SavedReplay;

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
    /// The teacher's CSV table the runs trained on (data set `csv`), so the
    /// session reopens without the file; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "table::arc")]
    pub table: Option<std::sync::Arc<Table>>,
    /// The moments the time line can go back to (`session/replay.rs`);
    /// absent in files from before replay, which open without them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replay: Option<SavedReplay>,
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
    /// ||update|| / ||W|| per layer (absent in files from before it was
    /// kept: such buckets restore with none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub update_ratios: Vec<SavedAgg>,
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
            table: table::saved_table(config),
            replay: None,
        }
    }

    /// The session with replay's moments of its runs.
    pub fn with_replay(mut self, replay: &crate::train::Replay) -> Session {
        self.replay = Some(replay::save(replay));
        self
    }

    /// Replay's record of the runs, checked against the configuration
    /// (an empty one that says what it lacks if the file kept none).
    pub fn replay_record(&self) -> Result<crate::train::Replay, RestoreError> {
        let steps = self.runs.first().map_or(0, |r| r.steps);
        replay::restore(self.replay.as_ref(), &self.config, self.runs.len(), steps)
    }

    /// The runs, checked against the configuration.
    pub fn restore(&self) -> Result<Vec<RunState>, RestoreError> {
        if self.format != FORMAT {
            return Err(RestoreError::Format {
                format: self.format.clone(),
            });
        }
        if self.version != VERSION {
            return Err(RestoreError::Version {
                version: self.version,
            });
        }
        let config = table::with_table(&self.config, self.table.as_ref())?;
        config.validate().map_err(RestoreError::Config)?;
        let expected = match self.mode {
            Mode::Single => 1,
            Mode::Twins => 2,
        };
        if self.runs.len() != expected {
            return Err(RestoreError::RunCount {
                mode: self.mode,
                expected,
                found: self.runs.len(),
            });
        }
        self.runs
            .iter()
            .map(|run| restore_run(run, &config))
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
                update_ratios: b.update_ratios.iter().map(saved_agg).collect(),
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

/// Layer `i`'s saved values as a layer of `shape`; a weight list of the
/// wrong length is reported with its length as its only dimension.
fn restore_layer(saved: &SavedLayer, i: usize, shape: &Shape) -> Result<Dense, ShapeError> {
    let expected = shape.layer(i).weight_dims();
    let value = |v: &Option<f32>| v.unwrap_or(f32::NAN);
    let weight = Array2::from_shape_vec(
        (expected[0], expected[1]),
        saved.weight.iter().map(value).collect(),
    )
    .map_err(|_| ShapeError::Weight {
        layer: i,
        found: vec![saved.weight.len()],
        expected,
    })?;
    Ok(Dense {
        weight,
        bias: Array1::from(saved.bias.iter().map(value).collect::<Vec<_>>()),
    })
}

/// Saved layers, checked to fit `shape` by the core's one check.
fn restore_layers<'a>(
    saved: impl ExactSizeIterator<Item = &'a SavedLayer>,
    shape: &Shape,
) -> Result<Vec<Dense>, ShapeError> {
    shape.check_layer_count(saved.len())?;
    let layers = saved
        .enumerate()
        .map(|(i, l)| restore_layer(l, i, shape))
        .collect::<Result<Vec<_>, _>>()?;
    shape.check_weights_fit(&layers)?;
    Ok(layers)
}

/// A saved optimiser state, checked against the run's configuration.
fn restore_moments(
    saved: &SavedMoments,
    run: &SavedRun,
    config: &Config,
) -> Result<Moments, RestoreError> {
    if saved.kind != config.optimizer {
        return Err(RestoreError::OptimizerKind {
            run: run.name.clone(),
            saved: saved.kind,
            configured: config.optimizer,
        });
    }
    let mismatch = || RestoreError::OptimizerState {
        run: run.name.clone(),
    };
    if saved.t > run.steps {
        return Err(mismatch());
    }
    let layers = if saved.layers.is_empty() {
        Vec::new()
    } else if saved.kind == OptimizerKind::Sgd {
        return Err(mismatch());
    } else {
        restore_moment_layers(&saved.layers, saved.kind == OptimizerKind::Adam, config)
            .ok_or_else(mismatch)?
    };
    Ok(Moments {
        kind: saved.kind,
        t: saved.t,
        layers,
    })
}

/// First moments (and with `adam` second moments), shaped like the weights.
fn restore_moment_layers(
    saved: &[SavedMomentLayer],
    adam: bool,
    config: &Config,
) -> Option<Vec<(Dense, Option<Dense>)>> {
    let shape = config.shape();
    let firsts = restore_layers(saved.iter().map(|l| &l.first), &shape).ok()?;
    let seconds: Option<Vec<&SavedLayer>> = saved.iter().map(|l| l.second.as_ref()).collect();
    let seconds = match (seconds, adam) {
        (Some(seconds), true) => restore_layers(seconds.into_iter(), &shape)
            .ok()?
            .into_iter()
            .map(Some)
            .collect(),
        (None, false) if saved.iter().all(|l| l.second.is_none()) => vec![None; firsts.len()],
        _ => return None,
    };
    Some(firsts.into_iter().zip(seconds).collect())
}

/// An aggregate of `steps` values, checked.
fn restore_agg(a: &SavedAgg, steps: u64) -> Result<Agg, RestoreError> {
    let SavedAgg(sum, min, max, finite, nonfinite) = *a;
    if u64::from(finite) + u64::from(nonfinite) != steps {
        return Err(RestoreError::BucketSteps);
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
        _ => Err(RestoreError::MissingValue),
    }
}

/// The network of a saved run: layers and skips that fit `config`.
fn restore_mlp(run: &SavedRun, config: &Config) -> Result<Mlp, RestoreError> {
    let shape = config.shape();
    let shape_error = |problem: ShapeError| {
        let expected = match &problem {
            ShapeError::Weight { layer, .. } | ShapeError::Bias { layer, .. } => {
                Some(shape.layer(*layer))
            }
            _ => None,
        };
        RestoreError::Shape {
            run: run.name.clone(),
            problem,
            expected,
        }
    };
    shape
        .check_layer_count(run.layers.len())
        .and_then(|()| shape.check_skips_fit(&run.skips))
        .map_err(shape_error)?;
    let layers = restore_layers(run.layers.iter(), &shape).map_err(shape_error)?;
    Ok(Mlp::from_parts(
        layers,
        config.activation,
        run.style,
        run.skips.clone(),
    ))
}

/// A saved run's history: buckets that tile its steps, evaluations and
/// events within them.
fn restore_history(run: &SavedRun, depth: usize) -> Result<History, RestoreError> {
    let name = || run.name.clone();
    let mut history = History::default();
    let mut next_step = 0;
    for saved in &run.buckets {
        // Buckets tile the steps from 0 without gaps, as a history records them.
        if saved.first_step != next_step
            || saved.last_step < saved.first_step
            || saved.last_step >= run.steps
        {
            return Err(RestoreError::HistoryOrder { run: name() });
        }
        let ratios = saved.update_ratios.len();
        if saved.grad_norms.len() != depth + 1 || (ratios != 0 && ratios != depth + 1) {
            return Err(RestoreError::HistoryLayers { run: name() });
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
            update_ratios: saved
                .update_ratios
                .iter()
                .map(|a| restore_agg(a, steps))
                .collect::<Result<_, _>>()?,
        });
    }
    if next_step != 0 && next_step != run.steps {
        return Err(RestoreError::HistoryOrder { run: name() });
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
            return Err(RestoreError::Event { run: name() });
        }
    }
    if run.evals.iter().any(|e| e.step > run.steps) {
        return Err(RestoreError::Evaluation { run: name() });
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
    Ok(history)
}

fn restore_run(run: &SavedRun, config: &Config) -> Result<RunState, RestoreError> {
    if run.steps > MAX_SESSION_STEPS {
        return Err(RestoreError::TooManySteps {
            run: run.name.clone(),
            steps: run.steps,
        });
    }
    let twin = Twin::from_code(&run.name).ok_or_else(|| RestoreError::RunName {
        run: run.name.clone(),
    })?;
    let mlp = restore_mlp(run, config)?;
    let history = restore_history(run, config.depth)?;
    values::check_values(run)?;
    let moments = run
        .optimizer
        .as_ref()
        .map(|m| restore_moments(m, run, config))
        .transpose()?;
    Ok(RunState {
        twin,
        mlp,
        steps: run.steps,
        history,
        moments,
    })
}

/// Numbers (weights, optimiser state, a carried table) in a session.
fn numbers_in(session: &Session) -> u64 {
    let table = session
        .table
        .as_ref()
        .map_or(0, |t| t.features.len() as u64);
    table
        + session
            .runs
            .iter()
            .flat_map(|r| {
                let moments = r.optimizer.iter().flat_map(|m| &m.layers);
                r.layers
                    .iter()
                    .chain(moments.flat_map(|m| std::iter::once(&m.first).chain(m.second.as_ref())))
            })
            .map(|l| (l.weight.len() + l.bias.len()) as u64)
            .sum::<u64>()
}

/// Writes `session` to `path` (atomically: a failed save leaves the old
/// file).
pub fn save(path: &Path, session: &Session) -> Result<(), SessionError> {
    let numbers = numbers_in(session);
    if numbers * 20 > MAX_SESSION_BYTES {
        return Err(SessionError::TooManyNumbers { numbers });
    }
    let text = serde_json::to_string(session).map_err(SessionError::Encode)?;
    write_atomically(path, text.as_bytes()).map_err(|source| SessionError::Save {
        path: path.to_path_buf(),
        source,
    })
}

/// Reads and checks a session file.
pub fn load(path: &Path) -> Result<(Session, Vec<RunState>), SessionError> {
    read_session(path).map_err(|problem| SessionError::Open {
        path: path.to_path_buf(),
        problem,
    })
}

fn read_session(path: &Path) -> Result<(Session, Vec<RunState>), OpenProblem> {
    let bytes = read_limited(path, MAX_SESSION_BYTES).map_err(|e| match e {
        ReadError::NotRegular(NotRegularFile { kind, .. }) => OpenProblem::NotAFile { kind },
        ReadError::TooLarge { bytes, .. } => OpenProblem::TooLarge { bytes },
        ReadError::Io(e) => OpenProblem::Io(e),
    })?;
    let text = String::from_utf8(bytes).map_err(|_| OpenProblem::NotText)?;
    check_size(&text)?;
    let mut session: Session = serde_json::from_str(&text).map_err(OpenProblem::NotSession)?;
    let runs = session.restore().map_err(OpenProblem::Invalid)?;
    session.replay_record().map_err(OpenProblem::Invalid)?;
    // Restored against the table: the caller's configuration trains on it.
    session.config.table = session.table.clone().or(session.config.table);
    Ok((session, runs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::Explain;
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
        let runs = read.restore().unwrap();
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
        assert_eq!(read.restore().unwrap()[0].moments, None);
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
            let err = s.restore().unwrap_err().explain(Lang::En);
            assert!(err.contains(expected), "{err} (expected {expected:?})");
        }
    }

    #[test]
    fn files_that_are_not_sessions_say_so() {
        let dir = tempfile::tempdir().unwrap();
        let garbage = dir.path().join("garbage.json");
        std::fs::write(&garbage, [0xff, 0xfe, 0x00]).unwrap();
        let explained = |path: &Path| load(path).unwrap_err().explain(Lang::En);
        assert!(explained(&garbage).contains("not a text file"));
        let other = dir.path().join("other.json");
        std::fs::write(&other, "{\"name\": \"a config\"}").unwrap();
        assert!(explained(&other).contains("not a gradscope session file"));
        assert!(explained(dir.path()).starts_with("cannot open the session"));
    }
}
