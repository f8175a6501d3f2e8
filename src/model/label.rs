//! Label values: [`Agent`] and [`Symbol`].
//!
//! A label value is checked once, when it is created, and stored inline with
//! a precomputed hash: a `Copy` value that owns no heap memory and belongs to
//! no process-wide table. Each [`crate::Telemetry`] maps the values it sees to
//! its own bounded slots (see `TelemetryConfig::max_symbols`), so recording
//! never hashes a string, and everything a telemetry learned is freed with it.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::LabelError;

/// Longest accepted label value, in bytes.
pub const MAX_LABEL_BYTES: usize = 64;

/// A validated label value stored inline, with its FNV-1a hash.
#[derive(Clone, Copy)]
pub(crate) struct LabelValue {
    bytes: [u8; MAX_LABEL_BYTES],
    len: u8,
    hash: u64,
}

const fn fnv1a(bytes: &[u8], len: usize) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < len {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    hash
}

impl LabelValue {
    /// Copies `value` (already validated, at most [`MAX_LABEL_BYTES`]).
    pub(crate) const fn from_validated(value: &str) -> Self {
        let source = value.as_bytes();
        let mut bytes = [0u8; MAX_LABEL_BYTES];
        let mut i = 0;
        while i < source.len() && i < MAX_LABEL_BYTES {
            bytes[i] = source[i];
            i += 1;
        }
        #[allow(clippy::cast_possible_truncation, reason = "i <= MAX_LABEL_BYTES = 64")]
        Self {
            bytes,
            len: i as u8,
            hash: fnv1a(&bytes, i),
        }
    }

    /// The value as text.
    pub(crate) fn as_str(&self) -> &str {
        // Built from a `&str` cut at a length the validation checked, so the
        // bytes are valid UTF-8; the fallback is unreachable.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }

    /// The precomputed 64-bit hash of the value.
    pub(crate) const fn hash64(&self) -> u64 {
        self.hash
    }
}

impl PartialEq for LabelValue {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash
            && self.len == other.len
            && self.bytes[..usize::from(self.len)] == other.bytes[..usize::from(other.len)]
    }
}

impl Eq for LabelValue {}

impl Hash for LabelValue {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

impl PartialOrd for LabelValue {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for LabelValue {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

pub(crate) fn validate(kind: &'static str, value: &str) -> Result<(), LabelError> {
    if value.trim().is_empty() {
        return Err(LabelError::Empty { kind });
    }
    if value.len() > MAX_LABEL_BYTES {
        return Err(LabelError::TooLong {
            kind,
            len: value.len(),
            max: MAX_LABEL_BYTES,
        });
    }
    if value.chars().any(char::is_control) {
        return Err(LabelError::ControlCharacter {
            kind,
            value: value.to_owned(),
        });
    }
    Ok(())
}

macro_rules! label_type {
    ($(#[$doc:meta])* $ty:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $ty {
            value: LabelValue,
        }

        impl $ty {
            /// The label value exported to Prometheus.
            #[must_use]
            pub fn as_str(&self) -> &str {
                self.value.as_str()
            }

            /// The inline value, for slot lookups.
            pub(crate) const fn value(&self) -> &LabelValue {
                &self.value
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($ty), self.as_str())
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $ty {
            type Err = LabelError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::new(s)
            }
        }

        impl TryFrom<&str> for $ty {
            type Error = LabelError;
            fn try_from(s: &str) -> Result<Self, Self::Error> {
                Self::new(s)
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
                Self::new(&raw).map_err(serde::de::Error::custom)
            }
        }
    };
}

label_type!(
    /// A trading agent, exported as the `agent` label in lower case
    /// (`BERSERKER` → `berserker`), so the engine's upper-case ids and the
    /// dashboards' lower-case values name the same series.
    ///
    /// ```
    /// use velocity_metrics::Agent;
    /// assert_eq!(Agent::new("BERSERKER").unwrap(), Agent::BERSERKER);
    /// assert_eq!(Agent::new("Shadow_Sniper").unwrap().as_str(), "shadow_sniper");
    /// assert!(Agent::new("").is_err());
    /// ```
    Agent,
    "agent"
);

label_type!(
    /// A traded instrument, exported verbatim as the `symbol` label
    /// (`EURUSD+` stays `EURUSD+`; `EURUSD` is a different symbol).
    ///
    /// ```
    /// use velocity_metrics::Symbol;
    /// let eurusd = Symbol::new("EURUSD+").unwrap();
    /// assert_eq!(eurusd.as_str(), "EURUSD+");
    /// assert!(Symbol::new("EUR\nUSD").is_err());
    /// ```
    Symbol,
    "symbol"
);

impl Agent {
    /// The aggressive agent, `berserker`.
    pub const BERSERKER: Agent = Agent {
        value: LabelValue::from_validated("berserker"),
    };
    /// The selective agent, `sniper`.
    pub const SNIPER: Agent = Agent {
        value: LabelValue::from_validated("sniper"),
    };

    /// Checks and lower-cases an agent name (surrounding whitespace is
    /// trimmed).
    ///
    /// # Errors
    /// [`LabelError`] when the name is empty, longer than
    /// [`MAX_LABEL_BYTES`] or contains a control character.
    pub fn new(name: &str) -> Result<Self, LabelError> {
        let trimmed = name.trim();
        validate("agent", trimmed)?;
        let lower = trimmed.to_lowercase();
        validate("agent", &lower)?;
        Ok(Self {
            value: LabelValue::from_validated(&lower),
        })
    }
}

impl Symbol {
    /// Checks a symbol, keeping it verbatim.
    ///
    /// # Errors
    /// [`LabelError`] when the symbol is empty, longer than
    /// [`MAX_LABEL_BYTES`] or contains a control character.
    pub fn new(symbol: &str) -> Result<Self, LabelError> {
        validate("symbol", symbol)?;
        Ok(Self {
            value: LabelValue::from_validated(symbol),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_is_case_insensitive_and_seeded() {
        assert_eq!(Agent::new("SNIPER").unwrap(), Agent::SNIPER);
        assert_eq!(Agent::new(" berserker ").unwrap(), Agent::BERSERKER);
        assert_eq!(Agent::BERSERKER.to_string(), "berserker");
        assert_eq!(
            Agent::SNIPER.value().hash64(),
            Agent::new("sniper").unwrap().value().hash64()
        );
    }

    #[test]
    fn symbols_are_verbatim() {
        let a = Symbol::new("EURUSD+").unwrap();
        let b = Symbol::new("EURUSD+").unwrap();
        let c = Symbol::new("EURUSD").unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(c < a);
        assert_eq!(format!("{a:?}"), "Symbol(\"EURUSD+\")");
    }

    #[test]
    fn hostile_values_are_rejected_or_kept_verbatim() {
        assert!(matches!(Symbol::new("   "), Err(LabelError::Empty { .. })));
        assert!(matches!(
            Symbol::new("a\nb"),
            Err(LabelError::ControlCharacter { .. })
        ));
        assert!(matches!(
            Symbol::new(&"x".repeat(65)),
            Err(LabelError::TooLong { len: 65, .. })
        ));
        assert_eq!(Symbol::new(&"é".repeat(32)).unwrap().as_str().len(), 64);
        assert_eq!(Symbol::new("quo\"te\\").unwrap().as_str(), "quo\"te\\");
    }

    #[test]
    fn any_number_of_distinct_values_can_be_created() {
        // No process-wide table: creating values never fails for capacity.
        for i in 0..100_000 {
            Symbol::new(&format!("SYM{i}")).unwrap();
        }
    }

    #[test]
    fn serde_round_trip_and_rejection() {
        let s: Symbol = serde_json::from_str("\"XAUUSD+\"").unwrap();
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"XAUUSD+\"");
        assert!(serde_json::from_str::<Agent>("\"\"").is_err());
    }
}
