//! Batch mode for backtests. A run's **final state** goes to a Prometheus
//! Pushgateway under a run-scoped grouping key — periodically if asked, and
//! always once more when the run finishes, so a one-second backtest still
//! lands. A run's **whole curve** goes to `VictoriaMetrics` at the simulated
//! time of each [`checkpoint`](BatchRun::checkpoint), so Grafana shows it on
//! the dates it simulated. Either or both; over HTTP or HTTPS (rustls with
//! the ring provider: the system's roots plus an optional CA file), with
//! basic auth or a bearer token from the URL, the code or a file.
//!
//! ```no_run
//! use std::time::Duration;
//! use velocity_metrics::exporter::{Auth, ExporterBuilder, ImportTarget, PushTarget};
//! use velocity_metrics::{EngineIdentity, Mode};
//!
//! let run_id = "2026-11-26-eurusd-m5";
//! let push = PushTarget::new("https://pushgateway.example:9091")?
//!     .auth(Auth::password_file("backtests", "/run/secrets/pushgateway")?)
//!     .grouping("run_id", run_id)?
//!     .every(Duration::from_secs(10));
//! let import = ImportTarget::new("http://victoriametrics.example:8428", run_id)?;
//! let run = ExporterBuilder::new()
//!     .identity(&EngineIdentity::new("bt-runner-1")?.mode(Mode::Backtest))?
//!     .build_push(push.and_import(import)?)?;
//! // … the backtest records into run.telemetry() and calls
//! // run.checkpoint(simulated_time) after each step …
//! let report = run.finish()?; // pending checkpoints, the final push
//! println!("{report:?}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! When to use which: the Pushgateway holds the state a run ended with (the
//! Fleet dashboard's runs table, alerts' silence for backtests), visible at
//! the wall-clock time of the push; the import carries every checkpoint at
//! its simulated timestamp (an equity curve over the months a backtest
//! simulated in minutes). The Pushgateway refuses timestamps, so only the
//! import can place a run on its own dates.

mod auth;
mod batch_run;
mod error;
mod grouping;
mod import;
mod pusher;
mod remote;
mod target;
mod transport;

pub use auth::{Auth, SecretText};
pub use batch_run::{BatchRun, PushReport};
pub use error::PushError;
pub use import::ImportTarget;
pub use target::{DEFAULT_PUSH_JOB, PushTarget};

/// Where a batch run sends: a Pushgateway, a store, or both (see
/// [`PushTarget::and_import`]). Made from either target with `into()`.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct BatchTargets {
    pub(super) push: Option<PushTarget>,
    pub(super) import: Option<ImportTarget>,
}

impl BatchTargets {
    /// The Pushgateway target, if any.
    #[must_use]
    pub fn push_target(&self) -> Option<&PushTarget> {
        self.push.as_ref()
    }
}

impl From<PushTarget> for BatchTargets {
    fn from(push: PushTarget) -> Self {
        Self {
            push: Some(push),
            import: None,
        }
    }
}

impl From<ImportTarget> for BatchTargets {
    fn from(import: ImportTarget) -> Self {
        Self {
            push: None,
            import: Some(import),
        }
    }
}
