"""Serving: the built-in endpoint over HTTP, readiness, shutdown, a busy
port, embedded mode, and `install` (process-wide, so in child processes)."""

from __future__ import annotations

import socket
import textwrap

import pytest

import velocity_metrics as vm
from conftest import free_port, http_get, run_python
from exposition import value


def test_serve_answers_prometheus_over_http() -> None:
    with vm.serve(listen="127.0.0.1:0", identity=vm.EngineIdentity("py-1", mode="paper")) as exporter:
        host, port = exporter.listen_address
        assert host == "127.0.0.1" and port > 0
        exporter.telemetry.record_trade("BERSERKER", "EURUSD+", "M5", 12.5)
        status, content_type, body = http_get(f"http://127.0.0.1:{port}/metrics")
        assert status == 200 and content_type == vm.CONTENT_TYPE
        assert value(body, "velocitytrader_agent_trades_total",
                     {"agent": "berserker", "engine": "py-1", "mode": "paper"}) == 1
        assert http_get(f"http://127.0.0.1:{port}/ready")[0] == 200
    assert not exporter.is_running
    with vm.serve(listen=f"127.0.0.1:{port}") as again:  # the port is free again
        assert again.listen_address == ("127.0.0.1", port)


def test_start_unready_answers_503_until_set_ready() -> None:
    exporter = vm.serve(listen="127.0.0.1:0", start_unready=True)
    try:
        url = f"http://127.0.0.1:{exporter.listen_address[1]}"
        status, _, body = http_get(url + "/metrics")
        assert status == 503 and "not ready" in body
        assert http_get(url + "/ready")[0] == 503
        exporter.set_ready()
        assert exporter.is_ready and http_get(url + "/metrics")[0] == 200
    finally:
        exporter.shutdown()
        exporter.shutdown()  # idempotent


def test_a_busy_port_is_a_typed_error() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(vm.ExporterError) as raised:
            vm.serve(listen=f"127.0.0.1:{port}")
        assert raised.value.kind == "address_in_use"
        assert f"127.0.0.1:{port}" in str(raised.value)


def test_embedded_scrape_is_the_listeners_answer() -> None:
    exporter = vm.embedded(start_unready=True, starting_balance=1_000.0)
    assert exporter.listen_address is None
    status, headers, body = exporter.scrape()
    assert status == 503 and headers["Content-Type"].startswith("text/plain") and b"not ready" in body
    exporter.telemetry.record_trade("sniper", "XAUUSD+", "H1", -3.0)
    exporter.set_ready()
    scraped = exporter.scrape()
    assert (scraped.status, scraped.content_type, scraped.content_encoding) == (200, vm.CONTENT_TYPE, None)
    body = scraped.body.decode()
    assert value(body, "velocitytrader_trades_losing_total") == 1
    with vm.serve(listen="127.0.0.1:0") as listener:
        listener.telemetry.record_trade("sniper", "XAUUSD+", "H1", -3.0)
        served = http_get(f"http://127.0.0.1:{listener.listen_address[1]}/metrics")[2]
    # Same names, types and help; the listener adds only its own connection counters.
    names = lambda text: sorted(line for line in text.splitlines()  # noqa: E731
                                if line.startswith("# ") and "velocitytrader_endpoint_" not in line)
    assert names(served) == names(body)
    assert any("velocitytrader_endpoint_connections_dropped_total" in line for line in served.splitlines())


def test_install_serves_the_module_level_functions() -> None:
    port = free_port()
    out = run_python(textwrap.dedent(f"""
        import velocity_metrics as vm
        from conftest import http_get
        from exposition import value
        vm.record_trade("SNIPER", "EURUSD+", "M5", 5.0)        # before install: kept
        exporter = vm.install(listen="127.0.0.1:{port}")
        assert vm.installed() is not None
        vm.record_trade("SNIPER", "EURUSD+", "M5", -1.0)
        body = http_get("http://127.0.0.1:{port}/metrics")[2]
        assert value(body, "velocitytrader_agent_trades_total", {{"agent": "sniper"}}) == 2, body
        assert value(vm.render(), "velocitytrader_pnl_total") == 4
        assert vm.scrape()[0] == 200
        try:
            vm.install(listen="127.0.0.1:0")
        except vm.ExporterError as e:
            assert e.kind == "already_installed", e
        else:
            raise AssertionError("second install accepted")
        vm.shutdown()
        assert not exporter.is_running
        try:
            vm.install(listen="127.0.0.1:0")
        except vm.ExporterError as e:
            assert e.kind == "installed_shut_down" and "cannot be restarted" in str(e), e
        else:
            raise AssertionError("install after shutdown accepted")
        vm.record_trade("SNIPER", "EURUSD+", "M5", 1.0)   # recording goes on
        assert value(vm.render(), "velocitytrader_trades_total") == 3
        print("ok")
    """))
    assert out.stdout.strip() == "ok"


def test_install_refuses_a_changed_configuration_after_first_use() -> None:
    run_python(textwrap.dedent("""
        import velocity_metrics as vm
        vm.record_signal("sniper")
        try:
            vm.install(listen="127.0.0.1:0", starting_balance=5_000.0)
        except vm.ExporterError as e:
            assert e.kind == "default_created_early", e
        else:
            raise AssertionError("install accepted a changed configuration")
    """))


def test_set_default_routes_the_module_functions_to_an_embedded_exporter() -> None:
    run_python(textwrap.dedent("""
        import velocity_metrics as vm
        from exposition import value
        exporter = vm.embedded(labels={"account": "emb"}, start_unready=True)
        vm.set_default(exporter.telemetry)
        vm.record_trade("sniper", "EURUSD+", "M5", 2.0)
        assert vm.scrape()[0] == 503
        exporter.set_ready()
        status, _, body = vm.scrape()
        assert status == 200 and value(body.decode(), "velocitytrader_trades_total", {"account": "emb"}) == 1
        assert value(vm.render(), "velocitytrader_trades_total", {"account": "emb"}) == 1
        try:
            vm.set_default(vm.Telemetry())
        except vm.ExporterError as e:
            assert e.kind == "already_installed"
        else:
            raise AssertionError("second default accepted")
    """))


def test_a_python_hook_runs_on_the_exporters_thread_during_an_http_scrape() -> None:
    import threading

    with vm.serve(listen="127.0.0.1:0") as exporter:
        seen = []
        exporter.telemetry.on_publish(lambda: seen.append(threading.current_thread().name)
                                      or exporter.telemetry.set_websocket_clients(7))
        body = http_get(f"http://127.0.0.1:{exporter.listen_address[1]}/metrics")[2]
        assert value(body, "velocitytrader_websocket_clients") == 7
        assert seen and seen[0] != threading.current_thread().name  # the exporter's thread took the GIL
    # shutdown released the GIL while joining that thread: no deadlock, and it stopped
    assert not exporter.is_running
