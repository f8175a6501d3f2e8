//! [`PushError`]: what can go wrong pushing to a Pushgateway.

use thiserror::Error;

use crate::error::LabelError;

/// Pushing to the Pushgateway failed, or its address is unusable.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum PushError {
    /// Not an `http://host[:port][/path]` URL.
    #[error("invalid Pushgateway URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A job name or grouping label refused (see [`LabelError`]).
    #[error("invalid push grouping: {0}")]
    InvalidGrouping(#[from] LabelError),
    /// No connection could be made.
    #[error("cannot connect to the Pushgateway at {address}: {reason}")]
    Connect {
        /// `host:port` of the Pushgateway.
        address: String,
        /// What the operating system said.
        reason: String,
    },
    /// The request could not be sent or the answer read in time.
    #[error("pushing to {address} failed: {reason}")]
    Transfer {
        /// `host:port` of the Pushgateway.
        address: String,
        /// What went wrong.
        reason: String,
    },
    /// The Pushgateway answered with an error status.
    #[error("the Pushgateway refused the push with HTTP {status}: {body}")]
    Rejected {
        /// The HTTP status.
        status: u16,
        /// The start of the response body (the Pushgateway says why).
        body: String,
    },
}

impl PushError {
    /// The `reason` label this failure is counted under in
    /// `velocitytrader_push_failures_total`.
    #[must_use]
    pub fn reason(&self) -> &'static str {
        match self {
            PushError::InvalidUrl { .. } | PushError::InvalidGrouping(_) => "config",
            PushError::Connect { .. } => "connect",
            PushError::Transfer { .. } => "transfer",
            PushError::Rejected { .. } => "rejected",
        }
    }
}
