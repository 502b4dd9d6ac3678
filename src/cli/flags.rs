//! The value parsers of the numeric flags: an integer or a number is
//! refused unless it is in its range, and `value_error` turns clap's error
//! into one line that names the flag, the value as typed (shortened when
//! very long) and what is allowed. Ranges of configuration fields come
//! from `nn::Config::allowed`, the table the configuration's validation
//! uses.

use crate::explain::Explain;
use crate::lang::Lang;
use crate::nn::{Allowed, Config};

use super::one_line;

/// A numeric flag's value outside what it accepts; `parse` names the flag
/// and the value as typed.
#[derive(Debug, thiserror::Error)]
#[error("{allowed}")]
pub struct NotAllowed {
    pub allowed: Allowed,
}

/// What the configuration field `field` accepts (every numeric flag of a
/// configuration field names one).
pub(super) fn allowed(field: &str) -> Allowed {
    Config::allowed(field).unwrap_or(Allowed::PositiveOrNull)
}

/// An integer flag: any text that is not a whole number in `allowed` (a
/// minus sign, a fraction, 30 digits) is refused with the range.
pub(super) fn whole<T: TryFrom<i128> + Clone + Send + Sync + 'static>(
    allowed: Allowed,
) -> impl Fn(&str) -> Result<T, NotAllowed> + Clone + Send + Sync + 'static {
    move |text| {
        let in_range = match &allowed {
            Allowed::Integers { lo, hi } => text
                .trim()
                .parse::<i128>()
                .ok()
                .filter(|v| i128::from(*lo) <= *v && *v <= i128::from(*hi)),
            _ => None,
        };
        in_range
            .and_then(|v| T::try_from(v).ok())
            .ok_or_else(|| NotAllowed {
                allowed: allowed.clone(),
            })
    }
}

/// A number flag: refused unless it is in `allowed` both as typed and as
/// the f32 the network uses (1e-300 is not 0, 1e300 is not infinity).
pub(super) fn number(
    allowed: Allowed,
) -> impl Fn(&str) -> Result<f32, NotAllowed> + Clone + Send + Sync {
    move |text| {
        let typed: Option<f64> = text.trim().parse().ok();
        typed
            .filter(|&v| allowed.admits(v) && allowed.admits(f64::from(v as f32)))
            .map(|v| v as f32)
            .ok_or_else(|| NotAllowed {
                allowed: allowed.clone(),
            })
    }
}

/// A number flag in f64 (the textbook example computes in f64).
pub(super) fn number64(
    allowed: Allowed,
) -> impl Fn(&str) -> Result<f64, NotAllowed> + Clone + Send + Sync {
    move |text| {
        let typed: Option<f64> = text.trim().parse().ok();
        typed
            .filter(|&v| allowed.admits(v))
            .ok_or_else(|| NotAllowed {
                allowed: allowed.clone(),
            })
    }
}

pub(super) fn integers(lo: u64, hi: u64) -> Allowed {
    Allowed::Integers { lo, hi }
}

/// A value as typed, shortened if very long (a pasted line, 301 digits).
pub(super) fn shortened(value: &str) -> String {
    let count = value.chars().count();
    if count > 32 {
        let head: String = value.chars().take(16).collect();
        format!("{head}… ({count} characters)")
    } else if value.is_empty() || value.contains(char::is_whitespace) {
        format!("\"{value}\"")
    } else {
        value.to_string()
    }
}

/// A numeric flag's refused value: the flag, the value as typed (shortened)
/// and what is allowed; other parsers' errors as clap says them.
pub(super) fn value_error(err: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue};
    let text = |kind| match err.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        _ => None,
    };
    let source = std::error::Error::source(err).and_then(|e| e.downcast_ref::<NotAllowed>());
    match (
        text(ContextKind::InvalidArg),
        text(ContextKind::InvalidValue),
        source,
    ) {
        (Some(arg), Some(value), Some(not_allowed)) => {
            let flag = arg.split_whitespace().next().unwrap_or(&arg);
            // The prefix of clap's other messages, which `main` prints as they are.
            format!(
                "error: --{} {} is not allowed: {}",
                flag.trim_start_matches('-'),
                shortened(&value),
                not_allowed.allowed.explain(Lang::En)
            )
        }
        _ => one_line(&err.to_string()),
    }
}
