//! The errors of animated GIFs (`figures::animation`) in both languages:
//! each limit named with its number, and what to change.

use crate::figures::animation::{
    AnimationError, MAX_FRAME_PIXELS, MAX_FRAMES, MAX_PANEL, MAX_TOTAL_PIXELS, MIN_FRAMES,
};
use crate::figures::png::{MAX_SIDE, MIN_SIDE};
use crate::lang::{Lang, say};

use super::{Explain, shown};

impl Explain for AnimationError {
    fn explain(&self, lang: Lang) -> String {
        match self {
            AnimationError::Frames { frames } => say!(
                lang,
                "{frames} frames is outside the allowed range {MIN_FRAMES}..={MAX_FRAMES}",
                "{frames} fotogrammi sono fuori dall'intervallo ammesso {MIN_FRAMES}..={MAX_FRAMES}"
            ),
            AnimationError::Side { width, height } => say!(
                lang,
                "frame size {width}x{height}: each side must be from {MIN_SIDE} to {MAX_SIDE} pixels",
                "dimensione del fotogramma {width}x{height}: ogni lato deve essere da {MIN_SIDE} a {MAX_SIDE} pixel"
            ),
            AnimationError::Area { width, height } => {
                let pixels = u64::from(*width) * u64::from(*height);
                say!(
                    lang,
                    "a frame of {width}x{height} is {pixels} pixels, more than the {MAX_FRAME_PIXELS} allowed; give a smaller size (1600x1000 fits)",
                    "un fotogramma di {width}x{height} ha {pixels} pixel, più dei {MAX_FRAME_PIXELS} ammessi; indicate una dimensione minore (1600x1000 va bene)"
                )
            }
            AnimationError::Total {
                frames,
                width,
                height,
            } => {
                let total = *frames as u64 * u64::from(*width) * u64::from(*height);
                say!(
                    lang,
                    "{frames} frames of {width}x{height} are {total} pixels in all, more than the {MAX_TOTAL_PIXELS} allowed; give fewer frames or a smaller size",
                    "{frames} fotogrammi di {width}x{height} sono {total} pixel in tutto, più dei {MAX_TOTAL_PIXELS} ammessi; indicate meno fotogrammi o una dimensione minore"
                )
            }
            AnimationError::PanelCount { figures } => say!(
                lang,
                "a panel of {figures} figures is outside the allowed range 1..={MAX_PANEL}",
                "un pannello di {figures} figure è fuori dall'intervallo ammesso 1..={MAX_PANEL}"
            ),
            AnimationError::Cell {
                figures,
                width,
                height,
                cell_width,
                cell_height,
            } => say!(
                lang,
                "a panel of {figures} figures in {width}x{height} leaves each a {cell_width}x{cell_height} cell, less than {MIN_SIDE} pixels a side; give a larger size",
                "un pannello di {figures} figure in {width}x{height} lascia a ciascuna una cella di {cell_width}x{cell_height}, meno di {MIN_SIDE} pixel per lato; indicate una dimensione maggiore"
            ),
            AnimationError::Cancelled => say!(
                lang,
                "the animation was cancelled",
                "l'animazione è stata annullata"
            ),
            AnimationError::Draw(e) => {
                let why = e.explain(lang);
                say!(
                    lang,
                    "cannot draw a frame: {why}",
                    "impossibile disegnare un fotogramma: {why}"
                )
            }
            AnimationError::Encode(e) => say!(
                lang,
                "cannot encode the GIF: {e}",
                "impossibile codificare la GIF: {e}"
            ),
            AnimationError::Write { path, source } => {
                let (path, why) = (shown(path), source.explain(lang));
                say!(
                    lang,
                    "cannot write {path}: {why}",
                    "impossibile scrivere {path}: {why}"
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_limit_is_named_in_both_languages() {
        let cases = [
            (AnimationError::Frames { frames: 601 }, "600"),
            (
                AnimationError::Area {
                    width: 4000,
                    height: 4000,
                },
                "2560000",
            ),
            (
                AnimationError::Total {
                    frames: 600,
                    width: 1600,
                    height: 1000,
                },
                "480000000",
            ),
            (
                AnimationError::Cell {
                    figures: 6,
                    width: 500,
                    height: 300,
                    cell_width: 166,
                    cell_height: 150,
                },
                "200",
            ),
        ];
        for (error, limit) in cases {
            let (en, it) = (error.explain(Lang::En), error.explain(Lang::It));
            assert!(en.contains(limit), "{en}");
            assert!(it.contains(limit), "{it}");
            assert_ne!(en, it);
            assert_eq!(en, error.to_string());
        }
    }
}
