"""The exceptions velocity_metrics raises, carrying the Rust messages.

Bad input is a ``ValueError`` (``RecordError``, ``LabelError``, ``ParseError``,
``ExporterConfigError``); other failures have classes of their own. Every
class derives from ``VelocityMetricsError``, an ``Exception``: a Rust panic
arrives as ``InternalError``, which ``except Exception`` catches. Wrong types
are ``TypeError`` and integers out of range ``OverflowError``, as everywhere in
Python.
"""

from __future__ import annotations

from typing import Optional

__all__ = [
    "VelocityMetricsError",
    "RecordError",
    "LabelError",
    "ParseError",
    "ExporterError",
    "ExporterConfigError",
    "WebConfigError",
    "BackfillError",
    "PushError",
    "PushConfigError",
    "InternalError",
]


class VelocityMetricsError(Exception):
    """Base class of every velocity_metrics error."""


class RecordError(VelocityMetricsError, ValueError):
    """A recorder refused an event; nothing was recorded.

    ``reason`` is the ``velocitytrader_rejected_events_total`` label it was
    counted under (``not_finite``, ``negative``, ``out_of_range``,
    ``out_of_order``, ``limit_reached``); ``field`` names the offending value.
    """

    def __init__(self, message: str, reason: Optional[str] = None, field: Optional[str] = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.field = field


class LabelError(VelocityMetricsError, ValueError):
    """A label value or name cannot become a Prometheus label (empty, over 64
    bytes, a control character such as NUL or a newline, a reserved name …)."""


class ParseError(VelocityMetricsError, ValueError):
    """An unknown spelling of a regime, timeframe, severity, side, mode or reason."""


class ExporterError(VelocityMetricsError):
    """Starting or configuring an endpoint failed; nothing was started.

    ``kind`` says which failure: ``address_in_use``, ``bind``, ``label_clash``,
    ``duplicate_telemetry``, ``already_installed``, ``installed_shut_down``
    (``install`` after ``shutdown``: the process-wide endpoint cannot be
    restarted; ``serve`` can), ``default_created_early``,
    ``global_recorder_taken``, ``runtime``, ``no_endpoint``; ``config`` and
    ``web_config`` for the subclasses below.
    """

    def __init__(self, message: str, kind: str = "other") -> None:
        super().__init__(message)
        self.kind = kind


class ExporterConfigError(ExporterError, ValueError):
    """A bad endpoint option: listen address, allow-list entry, histogram name
    or buckets, an option the kind of endpoint does not take."""

    def __init__(self, message: str, kind: str = "config") -> None:
        super().__init__(message, kind)


class WebConfigError(ExporterConfigError):
    """The TLS, mutual-TLS or basic-auth configuration was refused — from
    ``web_config_file`` or the keywords: an unreadable or invalid file, an
    unknown key, a setting the endpoint cannot honour, a certificate or key
    rustls refuses, a hash that is not bcrypt. Nothing was started."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "web_config")


class BackfillError(VelocityMetricsError):
    """``trading_logs.db`` could not be read (missing, locked, corrupt, wrong
    schema) or history could not be written."""


class PushError(VelocityMetricsError):
    """A batch run could not push to the Pushgateway or import into the store.

    ``kind`` says what failed (``connect``, ``transfer``, ``unauthorized``,
    ``rejected``, ``finished`` — the run was finished already — and, for
    ``PushConfigError``, ``invalid_url``, ``invalid_grouping``,
    ``credentials``, ``ca_file``, ``grouping_conflict``, ``checkpoint``);
    ``reason`` is the ``velocitytrader_push_failures_total`` label a send
    failure is counted under (``connect``, ``transfer``, ``auth``,
    ``rejected``; ``config`` for configuration).
    """

    def __init__(self, message: str, kind: str = "other", reason: str = "other") -> None:
        super().__init__(message)
        self.kind = kind
        self.reason = reason


class PushConfigError(PushError, ValueError):
    """A batch run's configuration or input was refused before anything was
    sent: a URL without ``http://``/``https://``, a grouping label that is
    reserved or invalid, an unreadable password, token or CA file, a run whose
    series carry a ``run_id`` the destination would rewrite, a checkpoint time
    that is not seconds since the epoch or goes back."""

    def __init__(self, message: str, kind: str = "config") -> None:
        super().__init__(message, kind, "config")


class InternalError(VelocityMetricsError, RuntimeError):
    """velocity_metrics failed internally (a Rust panic); please report it."""
