//! [`PushError`]: what can go wrong sending a batch run's state to a
//! Pushgateway or a store.

use std::path::PathBuf;

use thiserror::Error;

use crate::error::{LabelError, RecordError};

/// Pushing or importing failed, or a destination is unusable. Each failure
/// of a push or an import is also counted in
/// `velocitytrader_push_failures_total{reason}` ([`reason`](Self::reason)).
#[derive(Debug, Clone, Error)]
#[non_exhaustive]
pub enum PushError {
    /// Not an `http://` or `https://` URL with a host.
    #[error("invalid URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL given, its credentials masked.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A job name, grouping label or run id refused (see [`LabelError`]).
    #[error("invalid push grouping: {0}")]
    InvalidGrouping(#[from] LabelError),
    /// A password or token file cannot be used.
    #[error("cannot use the credentials in {}: {reason}", path.display())]
    Credentials {
        /// The file (`-` for credentials given in the code).
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A CA file cannot be used.
    #[error("cannot use the CA file {}: {reason}", path.display())]
    CaFile {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The series to send carry a label that the grouping key (or the
    /// import's run id) would silently rewrite — e.g. `start_run` recorded
    /// `run_id="other-run"` while the group is `run_id="r-two"`. Nothing was
    /// sent.
    #[error(
        "the series carry {label}={pushed:?} but the destination would rewrite it to {label}={grouping:?}; give start_run the run id the batch run is grouped by, or group by another label"
    )]
    GroupingConflict {
        /// The label.
        label: String,
        /// The value the grouping key or import gives it.
        grouping: String,
        /// The value a series carries.
        pushed: String,
    },
    /// A checkpoint's simulated time was refused: not seconds since the
    /// epoch, too far ahead, or earlier than the previous checkpoint.
    #[error("checkpoint refused: {0}")]
    Checkpoint(#[source] RecordError),
    /// No connection could be made (refused, unreachable, TLS handshake
    /// failed: an unknown certificate authority …).
    #[error("cannot connect to {address}: {reason}")]
    Connect {
        /// `host:port` of the destination.
        address: String,
        /// What went wrong, most specific last.
        reason: String,
    },
    /// The request could not be sent or the answer read in time.
    #[error("sending to {address} failed: {reason}")]
    Transfer {
        /// `host:port` of the destination.
        address: String,
        /// What went wrong.
        reason: String,
    },
    /// The destination refused the credentials (HTTP 401 or 403).
    #[error(
        "{address} refused the credentials (HTTP {status}); check the user and password file or the bearer token file"
    )]
    Unauthorized {
        /// `host:port` of the destination.
        address: String,
        /// 401 or 403.
        status: u16,
    },
    /// The destination answered with another error status.
    #[error("the destination refused the request with HTTP {status}: {body}")]
    Rejected {
        /// The HTTP status.
        status: u16,
        /// The start of the answer (the server says why).
        body: String,
    },
}

impl PushError {
    /// The `reason` label this failure is counted under in
    /// `velocitytrader_push_failures_total` (one of
    /// [`PUSH_FAILURE_REASONS`](crate::catalogue::PUSH_FAILURE_REASONS)).
    #[must_use]
    pub fn reason(&self) -> &'static str {
        match self {
            PushError::InvalidUrl { .. }
            | PushError::InvalidGrouping(_)
            | PushError::Credentials { .. }
            | PushError::CaFile { .. }
            | PushError::GroupingConflict { .. }
            | PushError::Checkpoint(_) => "config",
            PushError::Connect { .. } => "connect",
            PushError::Transfer { .. } => "transfer",
            PushError::Unauthorized { .. } => "auth",
            PushError::Rejected { .. } => "rejected",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::PUSH_FAILURE_REASONS;

    #[test]
    fn every_reason_is_a_catalogue_label_value() {
        let errors = [
            PushError::Connect {
                address: String::new(),
                reason: String::new(),
            },
            PushError::Transfer {
                address: String::new(),
                reason: String::new(),
            },
            PushError::Unauthorized {
                address: String::new(),
                status: 401,
            },
            PushError::Rejected {
                status: 400,
                body: String::new(),
            },
            PushError::GroupingConflict {
                label: String::new(),
                grouping: String::new(),
                pushed: String::new(),
            },
        ];
        let reasons: Vec<&str> = errors.iter().map(PushError::reason).collect();
        for reason in &reasons {
            assert!(PUSH_FAILURE_REASONS.contains(reason), "{reason}");
        }
        for reason in PUSH_FAILURE_REASONS {
            assert!(reasons.contains(reason), "{reason} never given");
        }
    }
}
