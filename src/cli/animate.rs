//! `run`'s `--animate FIGURE,...` and `--frames N`: which figures to write
//! as animated GIFs beside the others, and how many frames each has.

use clap::builder::PossibleValuesParser;

use super::flags::{integers, whole};
use crate::figures::animation::{MAX_FRAMES, MIN_FRAMES};
use crate::headless::{ANIMATED, Animate, DEFAULT_FRAMES};

#[derive(Debug, Clone, clap::Args)]
pub struct AnimateFlags {
    /// Also write FIGURE.gif for each figure named (comma-separated, as
    /// the figure files are named; `panel` is the live tab's panel in one
    /// image), captured at evenly spaced steps during the run, at --size
    /// and in --lang.
    #[arg(long, value_delimiter = ',', value_parser = PossibleValuesParser::new(ANIMATED))]
    animate: Vec<String>,
    /// Frames of each GIF (10 a second), at evenly spaced steps.
    #[arg(long, requires = "animate", default_value_t = DEFAULT_FRAMES, value_parser = whole::<usize>(integers(MIN_FRAMES as u64, MAX_FRAMES as u64)), allow_negative_numbers = true)]
    frames: usize,
}

impl AnimateFlags {
    pub fn request(&self) -> Animate {
        Animate {
            figures: self.animate.clone(),
            frames: self.frames,
        }
    }
}
