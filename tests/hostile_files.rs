//! Hostile files and folders, end to end (issue 15: nothing a user names
//! takes the program down): a named pipe, a device or a folder where a file
//! is expected, a device where a file would be replaced, a folder that
//! already holds someone's files, a run killed halfway through writing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use gradscope::nn::{Config, Run};

fn gradscope_binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gradscope"))
}

/// Runs gradscope, killing it if it has not finished within 20 s (a read
/// that blocks on a named pipe would otherwise hang the test suite).
fn gradscope(args: &[&str]) -> Output {
    let mut child = gradscope_binary()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let started = Instant::now();
    while child.try_wait().expect("waitable").is_none() {
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("gradscope {args:?} still running after 20 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

/// Exit code 2 and one line on stderr containing every needle.
fn refused(args: &[&str], needles: &[&str]) -> String {
    let out = gradscope(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "{args:?}: {stderr:?} lacks {needle:?}"
        );
    }
    stderr
}

fn ok(args: &[&str]) -> String {
    let out = gradscope(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn text(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 temporary path")
}

#[cfg(unix)]
fn named_pipe(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let status = Command::new("mkfifo").arg(&path).status().expect("mkfifo");
    assert!(status.success());
    path
}

/// A tiny valid model and a batch it can read.
fn model_and_batch(dir: &Path) -> (PathBuf, PathBuf) {
    let config = Config {
        depth: 2,
        width: 4,
        ..Config::default()
    };
    let run = Run::new(config.clone()).unwrap();
    let model = dir.join("m.safetensors");
    gradscope::model_file::save(&model, &run.mlp, &config).unwrap();
    let batch = dir.join("b.csv");
    std::fs::write(&batch, "x,y,class\n0.1,0.2,1\n").unwrap();
    (model, batch)
}

/// Class 1: a file that is not a regular file is refused before it is
/// opened (a named pipe would block forever, a device reads without end).
#[cfg(unix)]
#[test]
fn reads_refuse_pipes_devices_and_folders_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let (model, batch) = model_and_batch(dir.path());
    let pipe = named_pipe(dir.path(), "pipe");
    refused(
        &["grads", "--model", text(&pipe), "--data", text(&batch)],
        &["--model", "pipe", "named pipe"],
    );
    refused(
        &["grads", "--model", text(&model), "--data", "/dev/zero"],
        &["--data", "/dev/zero", "device"],
    );
    refused(
        &["grads", "--model", text(dir.path()), "--data", text(&batch)],
        &["--model", "folder"],
    );
    refused(
        &["grads", "--model", text(&model), "--data", text(&pipe)],
        &["--data", "named pipe"],
    );
    // The session reader (the window's Session menu) too.
    let started = Instant::now();
    let error = gradscope::session::load(&pipe).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    use gradscope::explain::Explain;
    let english = error.explain(gradscope::lang::Lang::En);
    assert!(english.contains("named pipe"), "{english}");
    let italian = error.explain(gradscope::lang::Lang::It);
    assert!(italian.contains("pipe con nome"), "{italian}");
}

/// Class 2: the temporary name fits beside any valid name, and a target
/// that is not a regular file (a pipe, a device) is never replaced.
#[cfg(unix)]
#[test]
fn atomic_writes_fit_long_names_and_never_replace_special_files() {
    let dir = tempfile::tempdir().unwrap();
    let long = dir.path().join("x".repeat(250) + ".png");
    gradscope::files::write_atomically(&long, b"ok").unwrap();
    assert_eq!(std::fs::read(&long).unwrap(), b"ok");

    let pipe = named_pipe(dir.path(), "pipe");
    let error = gradscope::files::write_atomically(&pipe, b"x").unwrap_err();
    use gradscope::explain::Explain;
    assert!(
        error
            .explain(gradscope::lang::Lang::En)
            .contains("named pipe"),
        "{error}"
    );
    let kind = std::fs::metadata(&pipe).unwrap().file_type();
    assert!(!kind.is_file(), "the pipe was replaced by a file");
    assert!(gradscope::files::write_atomically(Path::new("/dev/null"), b"x").is_err());
    // Nothing left behind.
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 2, "{left:?}");

    refused(
        &["run", "--steps", "1", "--out", "/dev/null"],
        &["/dev/null", "not a folder"],
    );
}

fn tiny_run(out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "run",
        "--depth",
        "2",
        "--width",
        "4",
        "--steps",
        "3",
        "--size",
        "200x200",
        "--out",
        text(out),
    ];
    args.extend_from_slice(extra);
    gradscope(&args)
}

/// Class 3: one policy for the output folder. It must be new or empty;
/// `--overwrite` replaces only gradscope's own files; leftovers of a killed
/// run are removed.
#[test]
fn output_folders_are_new_or_empty_unless_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("slides");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("loss.png"), b"my own figure").unwrap();
    std::fs::write(out.join("notes.txt"), b"my notes").unwrap();
    let refusal = tiny_run(&out, &[]);
    let stderr = String::from_utf8_lossy(&refusal.stderr);
    assert_eq!(refusal.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("loss.png") && stderr.contains("--overwrite"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(out.join("loss.png")).unwrap(),
        b"my own figure"
    );
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 2);

    // --overwrite: gradscope's names are replaced, the notes stay.
    let replaced = tiny_run(&out, &["--overwrite"]);
    assert!(
        replaced.status.success(),
        "{}",
        String::from_utf8_lossy(&replaced.stderr)
    );
    assert_ne!(
        std::fs::read(out.join("loss.png")).unwrap(),
        b"my own figure"
    );
    assert_eq!(std::fs::read(out.join("notes.txt")).unwrap(), b"my notes");
    assert!(out.join("summary.json").is_file());

    // A run killed while writing left its staging folder and a temporary
    // file of the old writer: the next run removes them.
    let killed = dir.path().join("killed");
    std::fs::create_dir_all(killed.join(".gradscope-staging-4000000000")).unwrap();
    std::fs::write(
        killed.join(".gradscope-staging-4000000000/model.safetensors"),
        b"half",
    )
    .unwrap();
    std::fs::write(killed.join(".model.safetensors.3999999999.tmp"), b"half").unwrap();
    let after = tiny_run(&killed, &[]);
    assert!(
        after.status.success(),
        "{}",
        String::from_utf8_lossy(&after.stderr)
    );
    let hidden: Vec<_> = std::fs::read_dir(&killed)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");
}

/// Class 3: a run that fails leaves nothing behind, not even the folder it
/// created.
#[cfg(unix)]
#[test]
fn a_failed_run_leaves_no_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("new");
    // A sweep whose figure cannot be written: a folder where the figure's
    // PNG goes makes the last step fail, after sweep.json was staged.
    // (The staging folder is fresh, so the failure comes from the move.)
    std::fs::create_dir_all(out.join("depth_sweep.png/blocker")).unwrap();
    let failed = gradscope(&[
        "sweep",
        "--depths",
        "1",
        "--skip",
        "off",
        "--width",
        "4",
        "--steps",
        "2",
        "--size",
        "200x200",
        "--overwrite",
        "--out",
        text(&out),
    ]);
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert_eq!(failed.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("depth_sweep.png"), "{stderr}");
    let left: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["depth_sweep.png"], "partial files left: {left:?}");
    let _ = ok(&["lessons"]);
}

/// The teacher's table: a folder, a named pipe or a device given to
/// `run --data` is refused without blocking, naming the flag.
#[cfg(unix)]
#[test]
fn a_table_that_is_not_a_regular_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = named_pipe(dir.path(), "table.csv");
    let out = dir.path().join("out");
    let out = text(&out);
    refused(
        &["run", "--data", text(dir.path()), "--out", out],
        &["--data", "folder"],
    );
    refused(
        &["run", "--data", text(&pipe), "--out", out],
        &["--data", "named pipe"],
    );
    refused(
        &[
            "sweep",
            "--data",
            "/dev/zero",
            "--depths",
            "1",
            "--out",
            out,
        ],
        &["--data", "/dev/zero", "device"],
    );
    assert!(!dir.path().join("out").exists(), "nothing written");
}
