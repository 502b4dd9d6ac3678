//! Lessons: one per claim of the slides, each a configuration that shows
//! its effect within a few seconds, with a title and explanation in English
//! and Italian. They live as JSON in assets/lessons/ and are embedded in the
//! binary.

use crate::figures::build::GradientMeasure;
use serde::Deserialize;

use crate::lang::Text;
use crate::nn::{Allowed, Config, ConfigError};
use crate::train::Mode;

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    /// The name on the command line (`--lesson vanishing`).
    pub id: String,
    /// The slide it illustrates.
    pub slide: String,
    pub title: Text,
    /// One line.
    pub summary: Text,
    pub explanation: Text,
    /// What to look at while it trains.
    pub watch: Text,
    /// A question for the class before it runs.
    pub question: Text,
    /// Steps that show the effect.
    pub steps: u64,
    #[serde(default = "single")]
    pub mode: Mode,
    /// What the gradient bars show first (default ||dL/dW||).
    #[serde(default)]
    pub bars: GradientMeasure,
    /// Steps per second the window trains the lesson at, slow enough to
    /// watch every step (default: as fast as the CPU gives).
    #[serde(default)]
    pub pace: Option<f64>,
    pub config: Config,
}

fn single() -> Mode {
    Mode::Single
}

/// The lesson files, in the order of the slides.
const SOURCES: [(&str, &str); 8] = [
    (
        "1-vanishing.json",
        include_str!("../../assets/lessons/1-vanishing.json"),
    ),
    (
        "2-residual-rescue.json",
        include_str!("../../assets/lessons/2-residual-rescue.json"),
    ),
    (
        "3-exploding.json",
        include_str!("../../assets/lessons/3-exploding.json"),
    ),
    (
        "4-relu-init.json",
        include_str!("../../assets/lessons/4-relu-init.json"),
    ),
    (
        "5-degradation.json",
        include_str!("../../assets/lessons/5-degradation.json"),
    ),
    (
        "6-identity-blocks.json",
        include_str!("../../assets/lessons/6-identity-blocks.json"),
    ),
    (
        "7-digits-speed.json",
        include_str!("../../assets/lessons/7-digits-speed.json"),
    ),
    (
        "8-digits-depth.json",
        include_str!("../../assets/lessons/8-digits-depth.json"),
    ),
];

/// A lesson that could not be read or found.
#[derive(Debug, thiserror::Error)]
pub enum LessonError {
    /// An embedded lesson file that is not a lesson (a build defect).
    #[error("assets/lessons/{file}: {source}")]
    Parse {
        file: &'static str,
        source: serde_json::Error,
    },
    /// An embedded lesson whose configuration is invalid (a build defect).
    #[error("assets/lessons/{file}: {source}")]
    Invalid {
        file: &'static str,
        source: ConfigError,
    },
    #[error("there is no lesson \"{id}\": the lessons are {}", names.join(", "))]
    Unknown { id: String, names: Vec<String> },
}

/// Every lesson, parsed and validated.
pub fn all() -> Result<Vec<Lesson>, LessonError> {
    SOURCES
        .iter()
        .map(|&(file, text)| {
            let lesson: Lesson =
                serde_json::from_str(text).map_err(|source| LessonError::Parse { file, source })?;
            lesson
                .config
                .validate()
                .map_err(|source| LessonError::Invalid { file, source })?;
            if let Some(pace) = lesson.pace {
                // The range the settings panel's slow-down offers.
                let allowed = Allowed::Numbers {
                    lo: 0.5,
                    hi: 10_000.0,
                };
                if !allowed.admits(pace) {
                    let source = ConfigError::new("pace", pace, allowed);
                    return Err(LessonError::Invalid { file, source });
                }
            }
            Ok(lesson)
        })
        .collect()
}

/// The lesson named `id`; the error lists the names there are.
pub fn find(id: &str) -> Result<Lesson, LessonError> {
    let lessons = all()?;
    let names: Vec<String> = lessons.iter().map(|l| l.id.clone()).collect();
    lessons
        .into_iter()
        .find(|l| l.id == id)
        .ok_or_else(|| LessonError::Unknown {
            id: id.to_string(),
            names,
        })
}
