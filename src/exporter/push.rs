//! Batch mode for backtests: the exposition pushed to a Prometheus
//! Pushgateway under a run-scoped grouping key — periodically if asked, and
//! always once more when the run finishes, so a one-second backtest still
//! lands; optionally deleted afterwards.
//!
//! ```no_run
//! use std::time::Duration;
//! use velocity_metrics::exporter::{ExporterBuilder, PushTarget};
//! use velocity_metrics::{EngineIdentity, Mode};
//!
//! let run = ExporterBuilder::new()
//!     .identity(&EngineIdentity::new("bt-runner-1")?.mode(Mode::Backtest))?
//!     .build_push(
//!         PushTarget::new("http://127.0.0.1:9091")?
//!             .grouping("run_id", "2026-11-26-eurusd-m5")?
//!             .every(Duration::from_secs(10)),
//!     )?;
//! // … the backtest records into run.telemetry() …
//! let report = run.finish()?; // final push; `delete_on_finish(true)` also deletes the group
//! println!("{report:?}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Plain HTTP only (a Pushgateway inside the cluster or on loopback): no
//! TLS stack is linked. Put a TLS-terminating proxy in front of a remote one.

mod batch_run;
mod error;
mod target;

pub use batch_run::{BatchRun, PushReport};
pub use error::PushError;
pub use target::{DEFAULT_PUSH_JOB, PushTarget};
