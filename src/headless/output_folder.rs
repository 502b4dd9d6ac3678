//! The output folder of `gradscope run` and `sweep`, and its one policy:
//!
//! - The folder must be new or empty; otherwise the command stops before
//!   training, naming what is there. With `--overwrite` it may hold files:
//!   gradscope's own (the names it writes, of either command) are replaced
//!   or removed, every other file is left alone.
//! - Everything is written into a hidden staging folder inside it
//!   (`.gradscope-staging-PID`) and moved in only when all of it was
//!   written, summary last. On any failure the staging folder is removed,
//!   and so is the output folder if this run created it: no partial or
//!   stale files.
//! - A run that was killed cannot clean up: the next run into the same
//!   folder removes its staging folder and temporary files first.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::files::{FileKind, is_temporary_name, refuse_special_target};

use super::HeadlessError;

/// The staging folder's name before the process id.
const STAGING_PREFIX: &str = ".gradscope-staging-";

/// The files `run`, `sweep` and `landscape` write, besides figures.
const OWN_FILES: [&str; 8] = [
    "model_initial.safetensors",
    "model.safetensors",
    "metrics.csv",
    "summary.json",
    "sweep.json",
    "landscape.json",
    "directions.safetensors",
    crate::handout::FILE_NAME,
];

/// The figures `run` and `sweep` write, each as PNG, SVG and CSV.
const OWN_FIGURES: [&str; 13] = [
    "loss",
    "gradients_initial",
    "gradients",
    "gradient_heatmap",
    "update_ratio",
    "gradient_highway",
    "activation",
    "depth_sweep",
    "confusion",
    "predictions",
    "first_layer_weights",
    "decision_boundary",
    "landscape",
];

/// The files that say a run is complete: moved in last.
const SUMMARIES: [&str; 3] = ["summary.json", "sweep.json", "landscape.json"];

/// How many names a refusal lists.
const NAMES_SHOWN: usize = 3;

/// Whether gradscope's `run` or `sweep` writes a file called `name`.
pub fn is_own_name(name: &str) -> bool {
    OWN_FILES.contains(&name)
        || name.rsplit_once('.').is_some_and(|(stem, extension)| {
            OWN_FIGURES.contains(&stem) && ["png", "svg", "csv"].contains(&extension)
                || extension == "gif" && (OWN_FIGURES.contains(&stem) || stem == "panel")
        })
}

/// An output folder being written (see the module documentation).
#[derive(Debug)]
pub struct OutputFolder {
    dir: PathBuf,
    staging: PathBuf,
    /// This run made the folder: it goes again if the run fails.
    created: bool,
    overwrite: bool,
    committed: bool,
}

impl OutputFolder {
    /// Checks `dir` against the policy (creating it if missing), removes a
    /// killed run's leftovers, and makes the staging folder.
    pub fn prepare(dir: &Path, overwrite: bool) -> Result<OutputFolder, HeadlessError> {
        let create_error = |source| HeadlessError::CreateOut {
            dir: dir.to_path_buf(),
            source,
        };
        let created = match std::fs::metadata(dir) {
            Ok(metadata) if metadata.is_dir() => false,
            Ok(metadata) => {
                return Err(HeadlessError::OutNotFolder {
                    dir: dir.to_path_buf(),
                    kind: FileKind::of(metadata.file_type()),
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(dir).map_err(create_error)?;
                true
            }
            Err(e) => return Err(create_error(e)),
        };
        let mut folder = OutputFolder {
            dir: dir.to_path_buf(),
            staging: dir.join(format!("{STAGING_PREFIX}{}", std::process::id())),
            created,
            overwrite,
            // Nothing to undo until the staging folder exists.
            committed: true,
        };
        remove_leftovers(dir).map_err(create_error)?;
        let mut found = names_in(dir).map_err(create_error)?;
        if !found.is_empty() && !overwrite {
            let more = found.len().saturating_sub(NAMES_SHOWN);
            found.truncate(NAMES_SHOWN);
            return Err(HeadlessError::NotEmpty {
                dir: dir.to_path_buf(),
                found,
                more,
            });
        }
        std::fs::create_dir(&folder.staging).map_err(create_error)?;
        folder.committed = false;
        Ok(folder)
    }

    /// The folder the user named.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where files are written until `commit`.
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// Moves every staged file into the folder (the summary last), after
    /// checking that each can go there; with `--overwrite`, removes
    /// gradscope's own files that this run did not write, so nothing of an
    /// older run is mixed in.
    pub fn commit(mut self) -> Result<(), HeadlessError> {
        let write_error = |path: PathBuf| move |source| HeadlessError::Write { path, source };
        let mut staged = names_in(&self.staging).map_err(write_error(self.staging.clone()))?;
        staged.sort_by_key(|name| SUMMARIES.contains(&name.as_str()));
        for name in &staged {
            let target = self.dir.join(name);
            refuse_special_target(&target).map_err(write_error(target.clone()))?;
            if !self.overwrite && target.exists() {
                return Err(HeadlessError::Write {
                    source: std::io::Error::from(std::io::ErrorKind::AlreadyExists),
                    path: target,
                });
            }
        }
        if self.overwrite {
            let written: BTreeSet<&String> = staged.iter().collect();
            for name in names_in(&self.dir).map_err(write_error(self.dir.clone()))? {
                let path = self.dir.join(&name);
                if is_own_name(&name) && !written.contains(&name) && path.is_file() {
                    std::fs::remove_file(&path).map_err(write_error(path.clone()))?;
                }
            }
        }
        for name in &staged {
            let target = self.dir.join(name);
            std::fs::rename(self.staging.join(name), &target).map_err(write_error(target))?;
        }
        std::fs::remove_dir(&self.staging).map_err(write_error(self.staging.clone()))?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for OutputFolder {
    /// A run that did not commit leaves nothing behind.
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        let _ = std::fs::remove_dir_all(&self.staging);
        if self.created {
            // Only if empty: a file someone put there meanwhile stays.
            let _ = std::fs::remove_dir(&self.dir);
        }
    }
}

/// The names in `dir`, sorted, without this process's staging folder.
fn names_in(dir: &Path) -> std::io::Result<Vec<String>> {
    let ours = format!("{STAGING_PREFIX}{}", std::process::id());
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name != ours {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// Removes the staging folders and temporary files of gradscope runs that
/// are no longer running (killed while writing).
fn remove_leftovers(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let is_folder = entry.file_type()?.is_dir();
        if let Some(pid) = name.strip_prefix(STAGING_PREFIX) {
            if is_folder && pid.parse().is_ok_and(|pid| !running(pid)) {
                std::fs::remove_dir_all(&path)?;
            }
        } else if !is_folder && is_temporary_name(&name) && temporary_owner_gone(&name) {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}

/// Whether the process that wrote a temporary file (`.gs-PID-N.tmp` or
/// `.NAME.PID.tmp`) has ended.
fn temporary_owner_gone(name: &str) -> bool {
    let inner = name.trim_start_matches('.').trim_end_matches(".tmp");
    let pid = match inner.strip_prefix("gs-") {
        Some(rest) => rest.split('-').next(),
        None => inner.rsplit('.').next(),
    };
    pid.and_then(|p| p.parse().ok())
        .is_some_and(|p| !running(p))
}

/// Whether process `pid` is alive. Where the system cannot say cheaply, a
/// process other than this one counts as ended.
fn running(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run that fails after writing some files leaves no trace: not the
    /// files, not the staging folder, not the folder it created.
    #[test]
    fn an_abandoned_folder_leaves_nothing() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("new");
        let folder = OutputFolder::prepare(&dir, false).unwrap();
        std::fs::write(folder.staging().join("model.safetensors"), b"half").unwrap();
        drop(folder);
        assert!(!dir.exists());

        // A folder that was there stays, empty as it was.
        std::fs::create_dir(&dir).unwrap();
        let folder = OutputFolder::prepare(&dir, false).unwrap();
        std::fs::write(folder.staging().join("summary.json"), b"{}").unwrap();
        drop(folder);
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    }

    #[test]
    fn commit_moves_everything_and_overwrite_removes_stale_own_files() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path();
        std::fs::write(dir.join("sweep.json"), b"old").unwrap();
        std::fs::write(dir.join("notes.txt"), b"mine").unwrap();
        let folder = OutputFolder::prepare(dir, true).unwrap();
        std::fs::write(folder.staging().join("summary.json"), b"new").unwrap();
        folder.commit().unwrap();
        let mut names = names_in(dir).unwrap();
        names.sort();
        assert_eq!(names, ["notes.txt", "summary.json"]);
    }

    #[test]
    fn own_names_are_known() {
        assert!(is_own_name("loss.png") && is_own_name("summary.json"));
        assert!(is_own_name("depth_sweep.csv"));
        assert!(is_own_name("update_ratio.svg") && is_own_name("gradient_highway.csv"));
        assert!(!is_own_name("notes.txt") && !is_own_name("loss.pdf"));
    }
}
