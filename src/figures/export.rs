//! Writing a figure's three files (PNG, SVG, CSV) side by side. The error
//! type, `png::FigureFilesError`, sits beside `png::PngError` so that `lang`
//! can name it.

use super::model::Figure;
use super::png::FigureFilesError;
use std::path::{Path, PathBuf};

/// Writes `<id>.png`, `<id>.svg` and `<id>.csv` into `dir`, each
/// atomically, and returns their paths. Every file is rendered before the
/// first is written, so a bad size or id writes nothing.
pub fn write_all(
    figure: &Figure,
    dir: &Path,
    width: u32,
    height: u32,
) -> Result<Vec<PathBuf>, FigureFilesError> {
    check_id(&figure.id)?;
    let png =
        super::png::to_png(figure, width, height).map_err(|source| FigureFilesError::Draw {
            id: figure.id.clone(),
            source,
        })?;
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
        if let Err(source) = crate::files::write_atomically(&path, &bytes) {
            return Err(FigureFilesError::Write { path, source });
        }
        written.push(path);
    }
    Ok(written)
}

/// The id becomes a file name: it must not be empty or reach into
/// another folder.
fn check_id(id: &str) -> Result<(), FigureFilesError> {
    let bad = id.is_empty()
        || id == "."
        || id == ".."
        || id.contains(['/', '\\', '\0'])
        || id.chars().any(char::is_control);
    if bad {
        Err(FigureFilesError::Id { id: id.to_string() })
    } else {
        Ok(())
    }
}
