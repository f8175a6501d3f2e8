//! Small closed vocabularies: [`Timeframe`], [`Side`], [`Severity`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::ParseError;

macro_rules! string_enum {
    (
        $(#[$doc:meta])* $ty:ident, $err:ident,
        $( $(#[$vdoc:meta])* $variant:ident => $text:literal $(| $alias:literal)* ),+ $(,)?
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $ty {
            $( $(#[$vdoc])* #[serde(rename = $text)] $variant ),+
        }

        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The label value exported to Prometheus.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $text),+ }
            }

            /// Dense index, for per-value state.
            #[must_use]
            #[allow(dead_code, reason = "not every vocabulary indexes state")]
            pub(crate) fn index(self) -> usize {
                self as usize
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $ty {
            type Err = ParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let upper = s.trim().to_ascii_uppercase();
                match upper.as_str() {
                    $( $text $(| $alias)* => Ok($ty::$variant), )+
                    _ => Err(ParseError::$err(s.to_owned())),
                }
            }
        }
    };
}

string_enum!(
    /// Chart timeframe a trade or physics reading belongs to (MT5 names).
    ///
    /// ```
    /// use velocity_metrics::Timeframe;
    /// assert_eq!("m5".parse::<Timeframe>().unwrap(), Timeframe::M5);
    /// assert!("ALL".parse::<Timeframe>().is_err());
    /// ```
    Timeframe, Timeframe,
    /// One minute.
    M1 => "M1",
    /// Five minutes.
    M5 => "M5",
    /// Fifteen minutes.
    M15 => "M15",
    /// Thirty minutes.
    M30 => "M30",
    /// One hour.
    H1 => "H1",
    /// Four hours.
    H4 => "H4",
    /// One day.
    D1 => "D1",
    /// One week.
    W1 => "W1",
    /// One month.
    MN1 => "MN1" | "MN",
);

string_enum!(
    /// Direction of a position.
    Side, Side,
    /// Long.
    Buy => "BUY" | "LONG",
    /// Short.
    Sell => "SELL" | "SHORT",
);

string_enum!(
    /// Severity of an engine error, as in `error_logs.severity`.
    Severity, Severity,
    /// Trading cannot continue safely.
    Critical => "CRITICAL",
    /// A component failed.
    High => "HIGH",
    /// Degraded but working.
    Medium => "MEDIUM",
    /// Informational.
    Low => "LOW",
);

impl Timeframe {
    /// Every `timeframe` label value, in the order of [`Timeframe::ALL`].
    pub const LABELS: &'static [&'static str] = &[
        Timeframe::M1.as_str(),
        Timeframe::M5.as_str(),
        Timeframe::M15.as_str(),
        Timeframe::M30.as_str(),
        Timeframe::H1.as_str(),
        Timeframe::H4.as_str(),
        Timeframe::D1.as_str(),
        Timeframe::W1.as_str(),
        Timeframe::MN1.as_str(),
    ];
}

impl Severity {
    /// Every `severity` label value, in the order of [`Severity::ALL`].
    pub const LABELS: &'static [&'static str] = &[
        Severity::Critical.label(),
        Severity::High.label(),
        Severity::Medium.label(),
        Severity::Low.label(),
    ];

    /// The `severity` label value (lower case, Prometheus style).
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_lists_follow_all() {
        let timeframes: Vec<&str> = Timeframe::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(timeframes, Timeframe::LABELS);
        let severities: Vec<&str> = Severity::ALL.iter().map(|s| s.label()).collect();
        assert_eq!(severities, Severity::LABELS);
    }

    #[test]
    fn parse_is_case_insensitive_with_aliases() {
        assert_eq!("h1".parse::<Timeframe>().unwrap(), Timeframe::H1);
        assert_eq!("MN".parse::<Timeframe>().unwrap(), Timeframe::MN1);
        assert_eq!("long".parse::<Side>().unwrap(), Side::Buy);
        assert_eq!("critical".parse::<Severity>().unwrap(), Severity::Critical);
        assert_eq!(
            "X".parse::<Severity>(),
            Err(ParseError::Severity("X".into()))
        );
    }

    #[test]
    fn indices_are_dense() {
        for (i, tf) in Timeframe::ALL.iter().enumerate() {
            assert_eq!(tf.index(), i);
        }
    }
}
