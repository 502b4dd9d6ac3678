//! The output flags `run`, `sweep` and `landscape` share: the folder, and
//! the language and size of the figures written into it.

use std::path::PathBuf;

use crate::headless::Output;
use crate::lang::Lang;

use super::named;

/// Where a command's files go, and how its figures are drawn.
#[derive(Debug, clap::Args)]
pub(super) struct OutputFlags {
    /// The folder to write into: new (it is created) or empty. Files are
    /// written to a hidden staging folder inside it and moved in only when
    /// all of them were written, so a failed or killed run leaves nothing
    /// (a killed run's leftovers are removed by the next run there).
    #[arg(long)]
    pub out: PathBuf,
    /// Write into a folder that is not empty: gradscope's own files there
    /// (summary.json, sweep.json, metrics.csv, the models, the figures) are
    /// replaced or removed; every other file is left alone.
    #[arg(long)]
    pub overwrite: bool,
    /// Language of the figures.
    #[arg(long, default_value = "en", value_parser = named(&Lang::ALL, Lang::code))]
    pub lang: Lang,
    /// PNG size, WIDTHxHEIGHT.
    #[arg(long, default_value = "1600x1000", value_parser = parse_size)]
    pub size: (u32, u32),
}

impl OutputFlags {
    /// What the headless writers take.
    pub fn output(&self) -> Output {
        Output {
            lang: self.lang,
            png_width: self.size.0,
            png_height: self.size.1,
            overwrite: self.overwrite,
            handout: None,
        }
    }
}

/// `--size WIDTHxHEIGHT`, each side from 200 to 8000 pixels.
fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let bad = || {
        format!(
            "\"{text}\" is not a size: give WIDTHxHEIGHT, each from 200 to 8000, e.g. 1600x1000"
        )
    };
    let (w, h) = text.split_once(['x', 'X']).ok_or_else(bad)?;
    let (w, h): (u32, u32) = (
        w.trim().parse().map_err(|_| bad())?,
        h.trim().parse().map_err(|_| bad())?,
    );
    if (200..=8000).contains(&w) && (200..=8000).contains(&h) {
        Ok((w, h))
    } else {
        Err(bad())
    }
}
