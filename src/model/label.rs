//! Interned label values: [`Agent`] and [`Symbol`].
//!
//! A label value is checked and interned once, when it is created; after that
//! it is a `Copy` handle whose numeric id indexes per-label state directly, so
//! recording never hashes a string.

use std::collections::HashMap;
use std::fmt;
use std::sync::{LazyLock, RwLock};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::LabelError;

/// Longest accepted label value, in bytes.
pub const MAX_LABEL_BYTES: usize = 64;

/// Most distinct agent and symbol names one process will intern. Names are
/// never freed, so this bounds the memory a stream of hostile values can take.
pub const MAX_INTERNED_NAMES: usize = 65_536;

struct Interner {
    ids: HashMap<&'static str, u32>,
    names: Vec<&'static str>,
}

static INTERNER: LazyLock<RwLock<Interner>> = LazyLock::new(|| {
    let mut interner = Interner {
        ids: HashMap::new(),
        names: Vec::new(),
    };
    for seeded in ["berserker", "sniper"] {
        interner.ids.insert(
            seeded,
            u32::try_from(interner.names.len()).unwrap_or(u32::MAX),
        );
        interner.names.push(seeded);
    }
    RwLock::new(interner)
});

fn validate(kind: &'static str, value: &str) -> Result<(), LabelError> {
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

fn intern(value: &str) -> Result<(u32, &'static str), LabelError> {
    {
        let interner = INTERNER
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((&name, &id)) = interner.ids.get_key_value(value) {
            return Ok((id, name));
        }
    }
    let mut interner = INTERNER
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((&name, &id)) = interner.ids.get_key_value(value) {
        return Ok((id, name));
    }
    if interner.names.len() >= MAX_INTERNED_NAMES {
        return Err(LabelError::InternerFull {
            value: value.to_owned(),
            max: MAX_INTERNED_NAMES,
        });
    }
    let name: &'static str = Box::leak(value.to_owned().into_boxed_str());
    let id = u32::try_from(interner.names.len()).unwrap_or(u32::MAX);
    interner.ids.insert(name, id);
    interner.names.push(name);
    Ok((id, name))
}

macro_rules! interned_label {
    ($(#[$doc:meta])* $ty:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $ty {
            id: u32,
            name: &'static str,
        }

        impl $ty {
            /// The label value exported to Prometheus.
            #[must_use]
            pub fn as_str(&self) -> &'static str {
                self.name
            }

            /// Process-wide dense id of this value (used to index state).
            #[must_use]
            pub(crate) fn id(&self) -> usize {
                self.id as usize
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($ty), self.name)
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name)
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
                serializer.serialize_str(self.name)
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

interned_label!(
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

interned_label!(
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
        id: 0,
        name: "berserker",
    };
    /// The selective agent, `sniper`.
    pub const SNIPER: Agent = Agent {
        id: 1,
        name: "sniper",
    };

    /// Checks, lower-cases and interns an agent name.
    ///
    /// # Errors
    /// [`LabelError`] when the name is empty, longer than
    /// [`MAX_LABEL_BYTES`], contains a control character, or the process
    /// already holds [`MAX_INTERNED_NAMES`] names.
    pub fn new(name: &str) -> Result<Self, LabelError> {
        let trimmed = name.trim();
        validate("agent", trimmed)?;
        let lower = trimmed.to_lowercase();
        let (id, name) = intern(&lower)?;
        Ok(Self { id, name })
    }
}

impl Symbol {
    /// Checks and interns a symbol, keeping it verbatim.
    ///
    /// # Errors
    /// [`LabelError`] when the symbol is empty, longer than
    /// [`MAX_LABEL_BYTES`], contains a control character, or the process
    /// already holds [`MAX_INTERNED_NAMES`] names.
    pub fn new(symbol: &str) -> Result<Self, LabelError> {
        validate("symbol", symbol)?;
        let (id, name) = intern(symbol)?;
        Ok(Self { id, name })
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
    }

    #[test]
    fn symbols_are_verbatim_and_interned_once() {
        let a = Symbol::new("EURUSD+").unwrap();
        let b = Symbol::new("EURUSD+").unwrap();
        let c = Symbol::new("EURUSD").unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.id(), b.id());
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
        assert_eq!(Symbol::new("quo\"te\\").unwrap().as_str(), "quo\"te\\");
    }

    #[test]
    fn serde_round_trip_and_rejection() {
        let s: Symbol = serde_json::from_str("\"XAUUSD+\"").unwrap();
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"XAUUSD+\"");
        assert!(serde_json::from_str::<Agent>("\"\"").is_err());
    }
}
