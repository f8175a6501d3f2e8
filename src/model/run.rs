//! The identity of one run of the engine (`velocitytrader_run_info`).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::label::{LabelValue, validate};
use crate::error::LabelError;

/// A run: its id and the hash of its configuration, both exported as labels
/// of `velocitytrader_run_info`. Checked once, when created, like a
/// [`Symbol`](super::Symbol): non-empty, at most
/// [`MAX_LABEL_BYTES`](super::MAX_LABEL_BYTES) (a SHA-256 in hex fits), no
/// control character. `Copy`, owning no heap memory.
///
/// The run's mode (live, paper, backtest) is not a label here: the fleet
/// identity (`EngineIdentity::mode`) already puts `mode` on every series.
///
/// ```
/// use velocity_metrics::model::RunInfo;
/// let run = RunInfo::new("2026-11-27-eurusd", "9f86d081884c7d65")?;
/// assert_eq!(run.run_id(), "2026-11-27-eurusd");
/// assert!(RunInfo::new("", "x").is_err());
/// # Ok::<(), velocity_metrics::LabelError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct RunInfo {
    run_id: LabelValue,
    config_hash: LabelValue,
}

impl RunInfo {
    /// Checks both values.
    ///
    /// # Errors
    /// [`LabelError`] when either is empty, too long or holds a control
    /// character.
    pub fn new(run_id: &str, config_hash: &str) -> Result<Self, LabelError> {
        validate("run_id", run_id)?;
        validate("config_hash", config_hash)?;
        Ok(Self {
            run_id: LabelValue::from_validated(run_id),
            config_hash: LabelValue::from_validated(config_hash),
        })
    }

    /// The run id.
    #[must_use]
    pub fn run_id(&self) -> &str {
        self.run_id.as_str()
    }

    /// The configuration hash.
    #[must_use]
    pub fn config_hash(&self) -> &str {
        self.config_hash.as_str()
    }
}

impl fmt::Debug for RunInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunInfo")
            .field("run_id", &self.run_id())
            .field("config_hash", &self.config_hash())
            .finish()
    }
}

#[derive(Serialize, Deserialize)]
struct RunInfoFields<'a> {
    #[serde(borrow)]
    run_id: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    config_hash: std::borrow::Cow<'a, str>,
}

impl Serialize for RunInfo {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        RunInfoFields {
            run_id: self.run_id().into(),
            config_hash: self.config_hash().into(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for RunInfo {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let fields = RunInfoFields::deserialize(deserializer)?;
        Self::new(&fields.run_id, &fields.config_hash).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_round_trip_validates() {
        let run = RunInfo::new("r1", "abc").unwrap();
        let json = serde_json::to_string(&run).unwrap();
        assert_eq!(json, r#"{"run_id":"r1","config_hash":"abc"}"#);
        assert_eq!(serde_json::from_str::<RunInfo>(&json).unwrap(), run);
        assert!(serde_json::from_str::<RunInfo>(r#"{"run_id":"","config_hash":"x"}"#).is_err());
    }
}
