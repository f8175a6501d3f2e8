"""``ScrapeResponse``: what a scrape of ``/metrics`` answers, for the engine's
own web framework."""

from __future__ import annotations

import gzip
from typing import Dict, NamedTuple, Optional

__all__ = ["ScrapeResponse"]


class ScrapeResponse(NamedTuple):
    """``(status, headers, body)``: send all three as they are.

    ``headers`` holds ``Content-Type``, ``Vary`` and — when the body is
    gzip-compressed because the request's ``Accept-Encoding`` allowed it —
    ``Content-Encoding``. ``body`` is ``bytes``: the exposition in the
    negotiated format (Prometheus text or OpenMetrics 1.0), or why it is not
    served (status 503 while the endpoint is not ready)::

        status, headers, body = exporter.scrape(request.headers.get("Accept"),
                                                request.headers.get("Accept-Encoding"))
    """

    status: int
    headers: Dict[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` header value."""
        return self.headers["Content-Type"]

    @property
    def content_encoding(self) -> Optional[str]:
        """``"gzip"`` when ``body`` is compressed, else ``None``."""
        return self.headers.get("Content-Encoding")

    def text(self) -> str:
        """The body as text, decompressed if it is gzip (for logs and tests;
        a web framework sends ``body`` as it is)."""
        body = gzip.decompress(self.body) if self.content_encoding == "gzip" else self.body
        return body.decode("utf-8")
