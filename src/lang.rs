//! The interface language, and text that exists in both: `Text` and the
//! `say!` macro. Error messages are in `crate::explain`.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    It,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::It];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::It => "it",
        }
    }

    /// Italian when the system locale is Italian, English otherwise.
    pub fn from_env() -> Lang {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
            .unwrap_or_default();
        if locale.to_ascii_lowercase().starts_with("it") {
            Lang::It
        } else {
            Lang::En
        }
    }

    /// One of two literals.
    pub fn pick<'a>(self, en: &'a str, it: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::It => it,
        }
    }
}

/// A text in English and Italian.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub en: String,
    pub it: String,
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::It => &self.it,
        }
    }
}

/// `format!` in the language asked for: `say!(lang, "en {x}", "it {x}")`.
/// Both templates take the same arguments, so a message cannot exist in
/// one language only.
macro_rules! say {
    ($lang:expr, $en:literal, $it:literal $(,)?) => {
        match $lang {
            $crate::lang::Lang::En => format!($en),
            $crate::lang::Lang::It => format!($it),
        }
    };
    ($lang:expr, $en:literal, $it:literal, $($arg:tt)*) => {
        match $lang {
            $crate::lang::Lang::En => format!($en, $($arg)*),
            $crate::lang::Lang::It => format!($it, $($arg)*),
        }
    };
}
pub(crate) use say;
