//! The session format's own unit tests: round trips and every refusal.
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
