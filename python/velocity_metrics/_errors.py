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
    "BackfillError",
    "PushError",
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
    ``duplicate_telemetry``, ``already_installed``, ``default_created_early``,
    ``global_recorder_taken``, ``runtime``, ``no_endpoint``.
    """

    def __init__(self, message: str, kind: str = "other") -> None:
        super().__init__(message)
        self.kind = kind


class ExporterConfigError(ExporterError, ValueError):
    """A bad endpoint option: listen address, allow-list entry, histogram name or buckets."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "config")


class BackfillError(VelocityMetricsError):
    """``trading_logs.db`` could not be read (missing, locked, corrupt, wrong
    schema) or history could not be written."""


class PushError(VelocityMetricsError):
    """A push to the Pushgateway failed."""


class InternalError(VelocityMetricsError, RuntimeError):
    """velocity_metrics failed internally (a Rust panic); please report it."""
