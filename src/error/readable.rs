//! Numbers in error messages, printed as a person reads them.

use std::fmt;

/// Smallest magnitude printed in scientific notation (`1e15`, not
/// `1000000000000000`).
const LARGE: f64 = 1e15;
/// Largest non-zero magnitude printed in scientific notation (`1e-7`, not
/// `0.0000001`).
const SMALL: f64 = 1e-5;

/// An `f64` for a message: plain decimals for everyday magnitudes
/// (`42.5`, `1790000000.25`), the shortest scientific form for very large
/// or very small ones (`1e308`, `-2.5e-9`), `NaN`, `inf` and `-inf` as
/// Rust spells them. Never hundreds of digits.
///
/// ```
/// use velocity_metrics::error::Readable;
/// assert_eq!(Readable(1e308).to_string(), "1e308");
/// assert_eq!(Readable(-2.5e-9).to_string(), "-2.5e-9");
/// assert_eq!(Readable(1_790_000_000.25).to_string(), "1790000000.25");
/// assert_eq!(Readable(0.0).to_string(), "0");
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Readable(pub f64);

impl fmt::Display for Readable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.0;
        let magnitude = x.abs();
        if x.is_finite() && (magnitude >= LARGE || (magnitude > 0.0 && magnitude < SMALL)) {
            write!(f, "{x:e}")
        } else if x == 0.0 {
            // Never "-0": the sign of a zero means nothing to a reader.
            f.write_str("0")
        } else {
            write!(f, "{x}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Readable;

    #[test]
    fn magnitudes_read_as_a_person_writes_them() {
        for (value, text) in [
            (1e308, "1e308"),
            (f64::MAX, "1.7976931348623157e308"),
            (-1e16, "-1e16"),
            (1e15, "1e15"),
            (999_999_999_999_999.0, "999999999999999"),
            (1_796_405_787.223_576_3, "1796405787.2235763"),
            (-0.0, "0"),
            (0.000_01, "0.00001"),
            (0.000_001, "1e-6"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-inf"),
        ] {
            assert_eq!(Readable(value).to_string(), text, "{value:?}");
        }
    }
}
