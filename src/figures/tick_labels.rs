//! How a tick writes its number, for the exported images and the window's
//! plots: decimals that match the step, "1e-5" notation where decimals
//! would be unreadable, and log axes read in real units ("0.01", "2e-5").
//!
//! Where the two differ it is in who decides, not how: an exported axis
//! picks one notation for all its labels (`LogNotation::for_decades`),
//! while egui_plot asks for one mark's label at a time
//! (`LogNotation::for_value`).

/// `v` with as many decimals as `step` needs; scientific notation for very
/// large or very small magnitudes, where decimals would be unreadable.
pub(super) fn format_number(v: f64, step: f64, magnitude: f64) -> String {
    let step_exp = (step.log10() + 1e-9).floor();
    let v = if v.abs() < step * 1e-6 { 0.0 } else { v };
    if !(1e-3..1e6).contains(&magnitude) {
        if v == 0.0 {
            return "0".into();
        }
        let exp = (v.abs().log10() + 1e-9).floor();
        let decimals = (exp - step_exp).clamp(0.0, 6.0) as usize;
        return tidy_exponent(&format!("{v:.decimals$e}"));
    }
    let decimals = (-step_exp).clamp(0.0, 12.0) as usize;
    format!("{v:.decimals$}")
}

/// "2.50e-4" -> "2.5e-4", "1.0e3" -> "1e3".
fn tidy_exponent(s: &str) -> String {
    match s.split_once('e') {
        Some((mantissa, exp)) if mantissa.contains('.') => {
            let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
            format!("{mantissa}e{exp}")
        }
        _ => s.to_string(),
    }
}

/// A value whose step is unknown (a mark of an interactive plot): at most
/// six decimals in its shortest form, "1e5" notation from 100 000.
pub fn short_number(v: f64) -> String {
    if v.abs() >= 1e5 {
        format!("{v:.0e}")
    } else {
        format!("{}", (v * 1e6).round() / 1e6)
    }
}

/// How a log axis writes its values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogNotation {
    /// Written out: "0.01", "1.15", "300".
    Plain,
    /// A mantissa and a power of ten: "1e-5", "2.5e-7".
    Exponent,
}

impl LogNotation {
    /// For an exported axis from 10^first to 10^last: plain when every
    /// power of ten on it reads well written out (0.01 ... 1000), so an
    /// axis never mixes styles.
    pub fn for_decades(first: i64, last: i64) -> LogNotation {
        if first >= -2 && last <= 3 {
            LogNotation::Plain
        } else {
            LogNotation::Exponent
        }
    }

    /// For one mark at log10 position `pos` of the window's plots, which
    /// label marks one at a time: plain between 0.001 and 10 000.
    pub fn for_value(pos: f64) -> LogNotation {
        if (1e-3..1e4).contains(&10f64.powf(pos)) {
            LogNotation::Plain
        } else {
            LogNotation::Exponent
        }
    }
}

/// The label of the value at position `pos` (its log10) on a log axis,
/// in real units with four significant digits at most: "1.15", "2.5e-7".
pub fn log_label(pos: f64, notation: LogNotation) -> String {
    let real = 10f64.powf(pos);
    if !real.is_finite() || real <= 0.0 {
        return String::new();
    }
    match notation {
        LogNotation::Plain => {
            let decimals = (3 - real.log10().floor() as i32).max(0) as usize;
            let text = format!("{real:.decimals$}");
            if text.contains('.') {
                text.trim_end_matches('0').trim_end_matches('.').to_string()
            } else {
                text
            }
        }
        LogNotation::Exponent => {
            let decade = real.log10().floor();
            let mantissa = real / 10f64.powf(decade);
            let rounded = (mantissa * 100.0).round() / 100.0;
            if rounded >= 10.0 {
                format!("1e{}", decade as i64 + 1)
            } else {
                format!("{rounded}e{}", decade as i64)
            }
        }
    }
}

/// A log mark's label on the window's plots: plain near one, "2e-5"
/// beyond.
pub fn screen_log_label(pos: f64) -> String {
    log_label(pos, LogNotation::for_value(pos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_labels_read_as_plain_numbers_near_one() {
        let log_label = screen_log_label;
        assert_eq!(log_label(0.0), "1");
        assert_eq!(log_label(-3.0), "0.001");
        assert_eq!(log_label(-4.0), "1e-4");
        assert_eq!(log_label(2f64.log10() - 1.0), "0.2");
        assert_eq!(log_label(5f64.log10() + 4.0), "5e4");
        assert_eq!(log_label(1.15f64.log10()), "1.15");
        assert_eq!(log_label(2.5f64.log10() - 7.0), "2.5e-7");
    }

    #[test]
    fn an_exported_axis_keeps_one_notation() {
        assert_eq!(LogNotation::for_decades(-2, 3), LogNotation::Plain);
        assert_eq!(LogNotation::for_decades(-3, 0), LogNotation::Exponent);
        assert_eq!(log_label(0.0, LogNotation::Exponent), "1e0");
        assert_eq!(log_label(2.0, LogNotation::Plain), "100");
        assert_eq!(log_label(5f64.log10() - 2.0, LogNotation::Plain), "0.05");
    }

    #[test]
    fn short_numbers_drop_trailing_zeros() {
        assert_eq!(short_number(0.5), "0.5");
        assert_eq!(short_number(2.0), "2");
        assert_eq!(short_number(-0.1 + 0.3), "0.2");
        assert_eq!(short_number(300_000.0), "3e5");
    }
}
