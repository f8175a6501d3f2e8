//! Rust errors as the Python exceptions of `velocity_metrics._errors`, and
//! the guard that turns a Rust panic into one that `except Exception` catches.
//!
//! The classes are defined in Python (`velocity_metrics/_errors.py`) so that
//! bad-input errors can derive from both the package's base class and
//! `ValueError`; this module only raises them, with the Rust message.

use std::panic::{AssertUnwindSafe, catch_unwind};

use pyo3::{PyErr, PyResult};

/// The Python exception types, imported once from `velocity_metrics._errors`.
pub(crate) mod py {
    pyo3::import_exception!(velocity_metrics._errors, RecordError);
    pyo3::import_exception!(velocity_metrics._errors, LabelError);
    pyo3::import_exception!(velocity_metrics._errors, ParseError);
    pyo3::import_exception!(velocity_metrics._errors, ExporterError);
    pyo3::import_exception!(velocity_metrics._errors, ExporterConfigError);
    pyo3::import_exception!(velocity_metrics._errors, WebConfigError);
    pyo3::import_exception!(velocity_metrics._errors, BackfillError);
    pyo3::import_exception!(velocity_metrics._errors, PushError);
    pyo3::import_exception!(velocity_metrics._errors, PushConfigError);
    pyo3::import_exception!(velocity_metrics._errors, InternalError);
}

/// A refused event: `RecordError(message, reason, field)`; `reason` is the
/// `velocitytrader_rejected_events_total` label it was counted under.
pub(crate) fn record(error: &velocity_metrics::RecordError) -> PyErr {
    use velocity_metrics::RecordError as E;
    let field = match error {
        E::NotFinite { field, .. }
        | E::Negative { field, .. }
        | E::OutOfRange { field, .. }
        | E::TimeUnit { field, .. }
        | E::InFuture { field, .. } => Some(*field),
        E::LimitReached { what, .. } => Some(*what),
        _ => None,
    };
    py::RecordError::new_err((error.to_string(), error.reason(), field))
}

/// A value the binding refuses before it reaches the crate (a duration that
/// is negative or not a number): the same class, not counted by the crate.
pub(crate) fn record_value(field: &'static str, value: f64, reason: &'static str) -> PyErr {
    let message = if reason == "negative" {
        format!("{field} must not be negative, got {value}")
    } else {
        format!("{field} must be a finite number of seconds, got {value}")
    };
    py::RecordError::new_err((message, reason, Some(field)))
}

/// A label value or name that cannot become a Prometheus label.
pub(crate) fn label(error: &velocity_metrics::LabelError) -> PyErr {
    py::LabelError::new_err(error.to_string())
}

/// An unknown spelling of a regime, timeframe, severity …
pub(crate) fn parse(error: &velocity_metrics::ParseError) -> PyErr {
    py::ParseError::new_err(error.to_string())
}

/// Starting or configuring an endpoint failed. Bad configuration (labels,
/// buckets, allow-list, TLS and auth) is a `ValueError` subclass; the rest
/// is `ExporterError(message, kind)`.
pub(crate) fn exporter(error: &velocity_metrics::exporter::ExporterError) -> PyErr {
    use velocity_metrics::exporter::ExporterError as E;
    let kind = match error {
        E::InvalidLabel(label_error) => return label(label_error),
        E::InvalidBuckets(_) | E::InvalidAllowList { .. } => {
            return py::ExporterConfigError::new_err(error.to_string());
        }
        E::WebConfig(_) => return py::WebConfigError::new_err(error.to_string()),
        E::AddressInUse { .. } => "address_in_use",
        E::Bind { .. } => "bind",
        E::LabelClash { .. } => "label_clash",
        E::DuplicateTelemetry { .. } => "duplicate_telemetry",
        E::AlreadyInstalled { .. } => "already_installed",
        E::InstalledShutDown { .. } => "installed_shut_down",
        E::DefaultCreatedEarly { .. } => "default_created_early",
        E::GlobalRecorderTaken => "global_recorder_taken",
        E::Runtime(_) => "runtime",
        _ => "other",
    };
    py::ExporterError::new_err((error.to_string(), kind))
}

/// A configuration value the binding itself refuses (an unparsable listen
/// address, an unknown histogram name).
pub(crate) fn config(message: String) -> PyErr {
    py::ExporterConfigError::new_err(message)
}

/// `set_default` after a default exists.
pub(crate) fn already_installed(error: velocity_metrics::AlreadyInstalled) -> PyErr {
    py::ExporterError::new_err((error.to_string(), "already_installed"))
}

/// A batch run's destination refused or unreachable, or its configuration
/// refused: `PushError(message, kind, reason)`, where `reason` is the
/// `velocitytrader_push_failures_total` label; configuration (`reason`
/// `config`: URL, grouping, credentials, CA file, a grouping conflict, a
/// refused checkpoint time) is `PushConfigError`, a `ValueError`.
pub(crate) fn push(error: &velocity_metrics::exporter::PushError) -> PyErr {
    use velocity_metrics::exporter::PushError as E;
    let kind = match error {
        E::InvalidUrl { .. } => "invalid_url",
        E::InvalidGrouping(_) => "invalid_grouping",
        E::Credentials { .. } => "credentials",
        E::CaFile { .. } => "ca_file",
        E::GroupingConflict { .. } => "grouping_conflict",
        E::Checkpoint(_) => "checkpoint",
        E::Connect { .. } => "connect",
        E::Transfer { .. } => "transfer",
        E::Unauthorized { .. } => "unauthorized",
        E::Rejected { .. } => "rejected",
        _ => "other",
    };
    let reason = error.reason();
    if reason == "config" {
        py::PushConfigError::new_err((error.to_string(), kind))
    } else {
        py::PushError::new_err((error.to_string(), kind, reason))
    }
}

/// A batch-run option the binding itself refuses (credentials given by
/// halves, a run used after `finish()`).
pub(crate) fn push_config(message: String, kind: &'static str) -> PyErr {
    py::PushConfigError::new_err((message, kind))
}

/// A database that could not be read (or history that could not be written).
pub(crate) fn backfill(error: &velocity_metrics::backfill::BackfillError) -> PyErr {
    py::BackfillError::new_err(error.to_string())
}

/// Runs `body`, turning a Rust panic into `velocity_metrics.InternalError`
/// (an `Exception`), where PyO3 alone would raise `PanicException`, a
/// `BaseException` that `except Exception` does not catch.
pub(crate) fn guarded<T>(body: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_owned());
        Err(py::InternalError::new_err(format!(
            "velocity_metrics failed internally ({what}); the call may be incomplete; please report it"
        )))
    })
}
