//! [`EngineIdentity`]: the labels that tell one engine of a fleet from
//! another — the join keys of every fleet query.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{LabelError, ParseError};
use crate::telemetry::{validate_constant_labels, validate_constant_value};

/// How an engine trades.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Real money.
    Live,
    /// Simulated fills against live prices.
    Paper,
    /// Historical replay, usually a short batch job (see Pushgateway
    /// support in [`crate::exporter`]); the shipped alerts never page for it.
    Backtest,
}

impl Mode {
    /// The `mode` label value: `live`, `paper` or `backtest`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Mode::Live => "live",
            Mode::Paper => "paper",
            Mode::Backtest => "backtest",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Mode {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "live" => Ok(Mode::Live),
            "paper" => Ok(Mode::Paper),
            "backtest" => Ok(Mode::Backtest),
            _ => Err(ParseError::Mode(s.to_owned())),
        }
    }
}

/// The identity of one engine in a fleet, exported as the labels `engine`,
/// `account` and `mode` on every series, and `engine_version` on
/// `velocitytrader_build_info`.
///
/// These are the fleet's join keys: dashboards filter and group by them,
/// and alerts carry them. Keep them few and stable — one value per engine
/// process, not per trade: each distinct combination is a new set of every
/// series (cardinality = engines × accounts × modes).
///
/// ```
/// use velocity_metrics::{EngineIdentity, Mode};
/// let identity = EngineIdentity::new("ams-01")?
///     .account("vantage-live-1")?
///     .mode(Mode::Live)
///     .engine_version("2.4.1")?;
/// assert_eq!(identity.labels()[0], ("engine".to_owned(), "ams-01".to_owned()));
/// assert!(EngineIdentity::new("bad\nname").is_err());
/// # Ok::<(), velocity_metrics::LabelError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EngineIdentity {
    engine: String,
    account: Option<String>,
    mode: Option<Mode>,
    engine_version: Option<String>,
}

fn checked(name: &str, value: &str) -> Result<String, LabelError> {
    validate_constant_labels(&[(name.to_owned(), value.to_owned())])?;
    Ok(value.to_owned())
}

fn checked_value(value: &str) -> Result<String, LabelError> {
    validate_constant_value(value)?;
    Ok(value.to_owned())
}

impl EngineIdentity {
    /// An engine named `engine` (unique in the fleet: a host name, a
    /// strategy instance).
    ///
    /// # Errors
    /// [`LabelError`] for an empty value, one over 128 bytes, or one with a
    /// control character.
    pub fn new(engine: &str) -> Result<Self, LabelError> {
        Ok(Self {
            engine: checked("engine", engine)?,
            account: None,
            mode: None,
            engine_version: None,
        })
    }

    /// The trading account this engine trades. Leave it unset when one
    /// process trades several accounts: give each telemetry an `account`
    /// label instead (`TelemetryBuilder::label`).
    ///
    /// # Errors
    /// As [`EngineIdentity::new`].
    pub fn account(mut self, account: &str) -> Result<Self, LabelError> {
        self.account = Some(checked("account", account)?);
        Ok(self)
    }

    /// Live, paper or backtest.
    #[must_use]
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = Some(mode);
        self
    }

    /// The engine's own build (version, commit), shown on
    /// `velocitytrader_build_info` beside the library's version.
    ///
    /// # Errors
    /// As [`EngineIdentity::new`].
    pub fn engine_version(mut self, version: &str) -> Result<Self, LabelError> {
        self.engine_version = Some(checked_value(version)?);
        Ok(self)
    }

    /// The engine name.
    #[must_use]
    pub fn engine(&self) -> &str {
        &self.engine
    }

    /// The engine build, if given.
    #[must_use]
    pub fn version(&self) -> Option<&str> {
        self.engine_version.as_deref()
    }

    /// The identity labels, in the order `engine`, `account`, `mode` (those
    /// that are set).
    #[must_use]
    pub fn labels(&self) -> Vec<(String, String)> {
        let mut labels = vec![("engine".to_owned(), self.engine.clone())];
        if let Some(account) = &self.account {
            labels.push(("account".to_owned(), account.clone()));
        }
        if let Some(mode) = self.mode {
            labels.push(("mode".to_owned(), mode.as_str().to_owned()));
        }
        labels
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_parse_in_any_case_and_print_lower_case() {
        for mode in [Mode::Live, Mode::Paper, Mode::Backtest] {
            assert_eq!(mode.as_str().to_uppercase().parse::<Mode>().unwrap(), mode);
        }
        assert!("demo".parse::<Mode>().is_err());
    }

    #[test]
    fn identity_labels_are_validated_and_ordered() {
        let id = EngineIdentity::new("bt-7").unwrap().mode(Mode::Backtest);
        assert_eq!(
            id.labels(),
            vec![
                ("engine".to_owned(), "bt-7".to_owned()),
                ("mode".to_owned(), "backtest".to_owned())
            ]
        );
        assert!(EngineIdentity::new("").is_err());
        assert!(
            EngineIdentity::new("x")
                .unwrap()
                .account(&"a".repeat(129))
                .is_err()
        );
        assert!(
            EngineIdentity::new("x")
                .unwrap()
                .engine_version("1.0\n")
                .is_err()
        );
    }
}
