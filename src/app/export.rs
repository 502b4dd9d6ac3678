//! Export from the window: one plot or all of them, through the same
//! figure models and exporters as `gradscope run`, into a default folder
//! that always works (no file dialog needed).

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::explain::{Explain, describe};
use crate::figures::{self, Figure};
use crate::files::write_atomically;
use crate::lang::{Lang, say};
use crate::nn::Config;

/// Pixel size of exported PNGs: the projector-friendly default.
pub const PNG_SIZE: (u32, u32) = (1600, 1000);

/// Where exports go until a folder is chosen (`places`).
pub fn default_root() -> &'static Path {
    super::places::default_export_root()
}

/// "2026-11-28_01-15-03" (UTC) for `seconds` since 1970.
pub fn timestamp(seconds: u64) -> String {
    // Days since 1970 fit an i64 for any u64 of seconds.
    let days = i64::try_from(seconds / 86_400).unwrap_or(i64::MAX);
    let secs = seconds % 86_400;
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}_{:02}-{:02}-{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

fn now_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A new folder under `root` named after the time (with a suffix if that
/// name is taken).
fn new_folder(root: &Path, lang: Lang) -> Result<PathBuf, String> {
    let stamp = timestamp(now_seconds());
    for attempt in 0..100 {
        let name = if attempt == 0 {
            stamp.clone()
        } else {
            format!("{stamp}-{attempt}")
        };
        let dir = root.join(name);
        match std::fs::create_dir_all(root).and_then(|()| std::fs::create_dir(&dir)) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(say!(
                    lang,
                    "cannot create {}: {}",
                    "impossibile creare {}: {}",
                    dir.display(),
                    describe(&e, lang)
                ));
            }
        }
    }
    Err(say!(
        lang,
        "cannot create a new folder in {}",
        "impossibile creare una nuova cartella in {}",
        root.display()
    ))
}

/// Writes one figure (PNG, SVG, CSV) into a new folder; returns the folder.
pub fn export_figure(root: &Path, figure: &Figure, lang: Lang) -> Result<PathBuf, String> {
    let dir = new_folder(root, lang)?;
    figures::write_all(figure, &dir, PNG_SIZE.0, PNG_SIZE.1).map_err(|e| e.explain(lang))?;
    Ok(dir)
}

/// Writes `bytes` as `<id>.png` into a new folder; returns the file.
pub fn export_png(root: &Path, id: &str, bytes: &[u8], lang: Lang) -> Result<PathBuf, String> {
    let path = new_folder(root, lang)?.join(format!("{id}.png"));
    write_atomically(&path, bytes).map_err(|e| cannot_write(&path, &e, lang))?;
    Ok(path)
}

/// Writes the handout (`crate::handout`) as `handout.html` into a new
/// folder; returns the file.
pub fn export_handout(root: &Path, html: &str, lang: Lang) -> Result<PathBuf, String> {
    let path = new_folder(root, lang)?.join(crate::handout::FILE_NAME);
    write_atomically(&path, html.as_bytes()).map_err(|e| cannot_write(&path, &e, lang))?;
    Ok(path)
}

/// Where a file called `name` goes: in a new folder under `root`, made
/// now (an animated GIF, written later by its background job).
pub fn new_file_path(root: &Path, name: &str, lang: Lang) -> Result<PathBuf, String> {
    Ok(new_folder(root, lang)?.join(name))
}

fn cannot_write(path: &Path, e: &std::io::Error, lang: Lang) -> String {
    say!(
        lang,
        "cannot write {}: {}",
        "impossibile scrivere {}: {}",
        path.display(),
        describe(e, lang)
    )
}

/// The part of a window screenshot under `rect` (in points), clipped to the
/// image; `None` when nothing of it is on screen.
pub fn crop(
    image: &egui::ColorImage,
    rect: egui::Rect,
    pixels_per_point: f32,
) -> Option<egui::ColorImage> {
    let [width, height] = image.size;
    let to_pixels =
        |v: f32, limit: usize| ((v * pixels_per_point).round().max(0.0) as usize).min(limit);
    let (x0, x1) = (to_pixels(rect.min.x, width), to_pixels(rect.max.x, width));
    let (y0, y1) = (to_pixels(rect.min.y, height), to_pixels(rect.max.y, height));
    (x1 > x0 && y1 > y0).then(|| image.region_by_pixels([x0, y0], [x1 - x0, y1 - y0]))
}

/// Writes every figure, the configuration and a summary into a new folder.
pub fn export_all(
    root: &Path,
    figures: &[Figure],
    config: &Config,
    summary: &serde_json::Value,
    lang: Lang,
) -> Result<PathBuf, String> {
    let dir = new_folder(root, lang)?;
    for figure in figures {
        figures::write_all(figure, &dir, PNG_SIZE.0, PNG_SIZE.1).map_err(|e| e.explain(lang))?;
    }
    let write = |name: &str, text: String| {
        let path = dir.join(name);
        write_atomically(&path, text.as_bytes()).map_err(|e| cannot_write(&path, &e, lang))
    };
    write("config.json", config.to_json())?;
    write(
        "summary.json",
        serde_json::to_string_pretty(summary).map_err(|e| e.to_string())?,
    )?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crops_stay_inside_the_screenshot() {
        let image = egui::ColorImage::new([100, 50], vec![egui::Color32::RED; 5000]);
        let rect =
            |x0, y0, x1, y1| egui::Rect::from_min_max(egui::pos2(x0, y0), egui::pos2(x1, y1));
        let inside = crop(&image, rect(10.0, 5.0, 30.0, 15.0), 2.0).unwrap();
        assert_eq!(inside.size, [40, 20]);
        let clipped = crop(&image, rect(40.0, 20.0, 80.0, 40.0), 2.0).unwrap();
        assert_eq!(clipped.size, [20, 10]);
        assert!(crop(&image, rect(60.0, 0.0, 70.0, 10.0), 2.0).is_none());
        assert!(crop(&image, rect(-5.0, -5.0, -1.0, -1.0), 1.0).is_none());
    }

    #[test]
    fn timestamps_are_calendar_dates() {
        assert_eq!(timestamp(0), "1970-01-01_00-00-00");
        assert_eq!(timestamp(951_782_400), "2000-02-29_00-00-00");
        assert_eq!(timestamp(1_795_834_503), "2026-11-28_02-55-03");
    }

    #[test]
    fn export_all_writes_a_new_folder_each_time() {
        let root = tempfile::tempdir().unwrap();
        let figure = crate::figures::build::depth_sweep(&[], 3, crate::lang::Lang::En);
        let summary = serde_json::json!({"steps": 0});
        let a = export_all(
            root.path(),
            std::slice::from_ref(&figure),
            &Config::default(),
            &summary,
            Lang::En,
        )
        .unwrap();
        let b = export_all(
            root.path(),
            std::slice::from_ref(&figure),
            &Config::default(),
            &summary,
            Lang::En,
        )
        .unwrap();
        assert_ne!(a, b);
        for name in [
            "depth_sweep.png",
            "depth_sweep.svg",
            "depth_sweep.csv",
            "config.json",
            "summary.json",
        ] {
            assert!(a.join(name).is_file(), "{name}");
        }
        let file = root.path().join("a-file");
        std::fs::write(&file, "x").unwrap();
        let err = export_all(
            &file,
            std::slice::from_ref(&figure),
            &Config::default(),
            &summary,
            Lang::En,
        )
        .unwrap_err();
        assert!(err.contains("a-file"), "{err}");
        // The window's language, down to the system's reason.
        let err = export_all(&file, &[figure], &Config::default(), &summary, Lang::It).unwrap_err();
        assert!(err.starts_with("impossibile creare"), "{err}");
        assert!(err.contains("a-file"), "{err}");
    }
}
