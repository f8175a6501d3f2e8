"""Embedded mode's content negotiation: a scrape answers the format and
encoding the request asks for — gzip that decodes to the same exposition,
OpenMetrics 1.0 ending in ``# EOF``, protobuf — as a ``ScrapeResponse`` a web framework
sends as it is; the README's handler, on the standard library's HTTP server,
is scraped by ``urllib`` and by a real Prometheus (which asks for OpenMetrics
and gzip)."""

from __future__ import annotations

import gzip
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

import velocity_metrics as vm
from conftest import Children, http_request, prometheus_query, start_prometheus, wait_until
from exposition import value

OPENMETRICS = "application/openmetrics-text;version=1.0.0"


@pytest.fixture
def exporter() -> Iterator[vm.Exporter]:
    with vm.embedded(identity=vm.EngineIdentity("py-emb")) as exporter:
        exporter.telemetry.record_trade("SNIPER", "EURUSD+", "M5", 3.0)
        exporter.telemetry.record_trade("SNIPER", "EURUSD+", "M5", -1.0)
        yield exporter


def test_text_by_default_and_gzip_when_accepted(exporter: vm.Exporter) -> None:
    plain = exporter.scrape()
    assert plain.status == 200 and plain.headers == {"Content-Type": vm.CONTENT_TYPE,
                                                     "Vary": "Accept, Accept-Encoding"}
    assert isinstance(plain.body, bytes) and plain.content_encoding is None
    zipped = exporter.scrape(None, "gzip, deflate")
    assert zipped.headers["Content-Encoding"] == "gzip" and zipped.content_type == vm.CONTENT_TYPE
    text = gzip.decompress(zipped.body).decode()
    assert text == zipped.text() and len(zipped.body) * 4 < len(text)
    assert value(text, "velocitytrader_trades_total", {"engine": "py-emb"}) == 2
    names = lambda body: sorted(line for line in body.splitlines() if line.startswith("# "))  # noqa: E731
    assert names(text) == names(plain.body.decode())  # the same families, compressed
    assert exporter.scrape(None, "gzip;q=0, identity").content_encoding is None
    for accept in (None, "*/*", "text/plain;version=0.0.4", "application/json"):
        assert exporter.scrape(accept).content_type == vm.CONTENT_TYPE, accept


def test_openmetrics_when_asked(exporter: vm.Exporter) -> None:
    scraped = exporter.scrape(OPENMETRICS + ",text/plain;version=0.0.4;q=0.5", "gzip")
    assert scraped.content_type == vm.OPENMETRICS_CONTENT_TYPE == \
        "application/openmetrics-text; version=1.0.0; charset=utf-8"
    text = scraped.text()
    assert text.endswith("# EOF\n")
    assert "# TYPE velocitytrader_trades counter" in text  # OpenMetrics names the family without _total
    assert value(text, "velocitytrader_trades_total") == 2
    # q-values decide first: text at 0.9 beats OpenMetrics at 0.5.
    assert exporter.scrape("text/plain;q=0.9, " + OPENMETRICS + ";q=0.5").content_type == vm.CONTENT_TYPE


def test_protobuf_when_asked(exporter: vm.Exporter) -> None:
    exporter.telemetry.record_order_filled("EURUSD+", latency=0.120, slippage=0.0, spread=0.00007)
    scraped = exporter.scrape(vm.PROTOBUF_CONTENT_TYPE + ",text/plain;version=0.0.4;q=0.5")
    assert scraped.status == 200 and scraped.content_type == vm.PROTOBUF_CONTENT_TYPE
    body = scraped.body
    # Length-delimited MetricFamily messages: a varint length, then field 1
    # (name, tag 0x0a) of the first family.
    length, offset = 0, 0
    for shift in range(0, 35, 7):
        byte = body[offset]
        offset += 1
        length |= (byte & 0x7F) << shift
        if byte < 0x80:
            break
    assert body[offset] == 0x0A and offset + length <= len(body)
    assert b"velocitytrader_trades_total" in body and b"velocitytrader_order_fill_duration_seconds" in body
    assert b"# TYPE" not in body  # not the text format
    # Text at a higher q-value still wins.
    assert exporter.scrape("text/plain;q=0.9, " + vm.PROTOBUF_CONTENT_TYPE + ";q=0.5").content_type == vm.CONTENT_TYPE


def test_not_ready_is_a_503_in_any_format() -> None:
    with vm.embedded(start_unready=True) as exporter:
        status, headers, body = exporter.scrape(OPENMETRICS, "gzip")
        assert status == 503 and "Content-Encoding" not in headers and b"not ready" in body


class Handler(BaseHTTPRequestHandler):
    """The README's handler, on the standard library's server."""

    exporter: vm.Exporter
    answered: list = []  # (Accept, Content-Type, Content-Encoding) of each scrape, for the tests

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        status, headers, body = self.exporter.scrape(self.headers.get("Accept"),
                                                     self.headers.get("Accept-Encoding"))
        self.answered.append((self.headers.get("Accept"), headers["Content-Type"],
                              headers.get("Content-Encoding")))
        self.send_response(status)
        for name, header in headers.items():
            self.send_header(name, header)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def web_framework(exporter: vm.Exporter) -> Iterator[int]:
    Handler.exporter = exporter
    Handler.answered = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_the_readme_handler_serves_what_clients_ask_for(web_framework: int) -> None:
    url = f"http://127.0.0.1:{web_framework}/metrics"
    status, headers, body = http_request(url, {"Accept": OPENMETRICS, "Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body).decode().endswith("# EOF\n")
    status, headers, body = http_request(url)
    assert headers["Content-Encoding"] is None and value(body.decode(), "velocitytrader_trades_total") == 2


@pytest.mark.needs_prometheus
def test_prometheus_scrapes_the_readme_handler(web_framework: int, children: Children, tmp_path: Path) -> None:
    port = start_prometheus(children, tmp_path, "  - job_name: embedded\n"
                            f"    static_configs:\n      - targets: ['127.0.0.1:{web_framework}']\n")
    stored = wait_until(lambda: prometheus_query(port, "velocitytrader_trades_total"), timeout=60,
                        what="the embedded engine's trades in Prometheus")
    assert float(stored[0]["value"][1]) == 2 and stored[0]["metric"]["engine"] == "py-emb"
    # Prometheus asked for OpenMetrics and gzip, and got both.
    accept, content_type, encoding = Handler.answered[0]
    assert accept.startswith("application/openmetrics-text")
    assert (content_type, encoding) == (vm.OPENMETRICS_CONTENT_TYPE, "gzip")
