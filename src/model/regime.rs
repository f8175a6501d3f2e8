//! The physics engine's market regime.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::ParseError;

/// Market regime classified by the physics engine.
///
/// The numeric codes are those of `velocitytrader_regime_current`
/// (1 = CHAOTIC … 4 = OVERDAMPED). Parsing accepts the original system's
/// spellings, case-insensitively: `CRITICALLY_DAMPED`, `CRITICALLY DAMPED`,
/// `CRITICALLY-DAMPED` and `CRITICAL` are all [`Regime::CriticallyDamped`].
///
/// ```
/// use velocity_metrics::Regime;
/// assert_eq!("CRITICAL".parse::<Regime>().unwrap(), Regime::CriticallyDamped);
/// assert_eq!(Regime::Overdamped.code(), 4);
/// assert!("VOLATILE".parse::<Regime>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Regime {
    /// Disordered, high-energy market (code 1).
    Chaotic,
    /// Oscillating mean reversion with overshoot, ζ < 1 (code 2).
    Underdamped,
    /// Fastest return to equilibrium without overshoot, ζ ≈ 1 (code 3).
    CriticallyDamped,
    /// Slow monotone return to equilibrium, ζ > 1 (code 4).
    Overdamped,
}

impl Regime {
    /// All regimes in code order.
    pub const ALL: [Regime; 4] = [
        Regime::Chaotic,
        Regime::Underdamped,
        Regime::CriticallyDamped,
        Regime::Overdamped,
    ];

    /// Every `regime` label value, in code order (`ALL` as strings).
    pub const LABELS: [&'static str; 4] = [
        Regime::Chaotic.as_str(),
        Regime::Underdamped.as_str(),
        Regime::CriticallyDamped.as_str(),
        Regime::Overdamped.as_str(),
    ];

    /// The code exported by `velocitytrader_regime_current` (1..=4).
    #[must_use]
    pub const fn code(self) -> u8 {
        match self {
            Regime::Chaotic => 1,
            Regime::Underdamped => 2,
            Regime::CriticallyDamped => 3,
            Regime::Overdamped => 4,
        }
    }

    /// The regime with the given code.
    ///
    /// # Errors
    /// [`ParseError::RegimeCode`] for a code outside 1..=4.
    pub fn from_code(code: i64) -> Result<Self, ParseError> {
        match code {
            1 => Ok(Regime::Chaotic),
            2 => Ok(Regime::Underdamped),
            3 => Ok(Regime::CriticallyDamped),
            4 => Ok(Regime::Overdamped),
            other => Err(ParseError::RegimeCode(other)),
        }
    }

    /// The `regime` label value: the upper-case name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Regime::Chaotic => "CHAOTIC",
            Regime::Underdamped => "UNDERDAMPED",
            Regime::CriticallyDamped => "CRITICALLY_DAMPED",
            Regime::Overdamped => "OVERDAMPED",
        }
    }

    /// Dense index 0..4, for per-regime state.
    #[must_use]
    pub(crate) const fn index(self) -> usize {
        self.code() as usize - 1
    }
}

impl fmt::Display for Regime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Regime {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let normalised: String = s
            .trim()
            .chars()
            .map(|c| {
                if c == ' ' || c == '-' {
                    '_'
                } else {
                    c.to_ascii_uppercase()
                }
            })
            .collect();
        match normalised.as_str() {
            "CHAOTIC" => Ok(Regime::Chaotic),
            "UNDERDAMPED" => Ok(Regime::Underdamped),
            "CRITICALLY_DAMPED" | "CRITICAL" | "CRITICALLYDAMPED" => Ok(Regime::CriticallyDamped),
            "OVERDAMPED" => Ok(Regime::Overdamped),
            _ => Err(ParseError::Regime(s.to_owned())),
        }
    }
}

impl Serialize for Regime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Regime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        raw.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_original_spelling() {
        for (text, regime) in [
            ("CHAOTIC", Regime::Chaotic),
            ("underdamped", Regime::Underdamped),
            ("CRITICALLY_DAMPED", Regime::CriticallyDamped),
            ("CRITICALLY DAMPED", Regime::CriticallyDamped),
            ("Critical", Regime::CriticallyDamped),
            (" OVERDAMPED ", Regime::Overdamped),
        ] {
            assert_eq!(text.parse::<Regime>().unwrap(), regime, "{text}");
        }
        assert_eq!(
            "TRENDING".parse::<Regime>(),
            Err(ParseError::Regime("TRENDING".into()))
        );
    }

    #[test]
    fn codes_round_trip() {
        for regime in Regime::ALL {
            assert_eq!(Regime::from_code(i64::from(regime.code())).unwrap(), regime);
            assert_eq!(regime.as_str().parse::<Regime>().unwrap(), regime);
        }
        assert!(Regime::from_code(0).is_err());
    }
}
