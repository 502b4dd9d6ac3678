//! Writing a figure's three files (PNG, SVG, CSV) side by side.

use super::model::Figure;
use crate::lang::{Lang, say};
use std::path::{Path, PathBuf};

/// Writes `<id>.png`, `<id>.svg` and `<id>.csv` into `dir`, each
/// atomically, and returns their paths. Every file is rendered before the
/// first is written, so a bad size or id writes nothing.
pub fn write_all(
    figure: &Figure,
    dir: &Path,
    width: u32,
    height: u32,
    lang: Lang,
) -> Result<Vec<PathBuf>, String> {
    check_id(&figure.id)?;
    let png = super::png::to_png(figure, width, height)
        .map_err(|e| format!("cannot draw figure {:?}: {e}", figure.id))?;
    let files = [
        ("png", png),
        (
            "svg",
            super::svg::to_svg(figure, width, height).into_bytes(),
        ),
        ("csv", super::csv::to_csv(figure).into_bytes()),
    ];
    let mut written = Vec::with_capacity(files.len());
    for (extension, bytes) in files {
        let path = dir.join(format!("{}.{extension}", figure.id));
        crate::files::write_atomically(&path, &bytes).map_err(|e| {
            say!(
                lang,
                "cannot write {}: {}",
                "impossibile scrivere {}: {}",
                path.display(),
                crate::files::describe(&e, lang)
            )
        })?;
        written.push(path);
    }
    Ok(written)
}

/// The id becomes a file name: it must not be empty or reach into
/// another folder.
fn check_id(id: &str) -> Result<(), String> {
    let bad = id.is_empty()
        || id == "."
        || id == ".."
        || id.contains(['/', '\\', '\0'])
        || id.chars().any(char::is_control);
    if bad {
        Err(format!("figure id {id:?} cannot be used as a file name"))
    } else {
        Ok(())
    }
}
