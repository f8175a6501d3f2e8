"""The endpoint beyond loopback, from Python: HTTPS with basic auth and
mutual TLS (keywords and the exporter-toolkit web configuration file), with
a certificate authority and bcrypt hashes made by the test; scraped by
Python's ``ssl``/``urllib`` and by a real Prometheus. Also the connection
limits, and every refused setting as a typed error with the Rust message."""

from __future__ import annotations

import base64
import socket
import subprocess
import time
from pathlib import Path

import pytest

import velocity_metrics as vm
from conftest import Children, free_port, http_get, http_request, prometheus_query, start_prometheus, wait_until
from credentials import Credentials, bcrypt_hash, generate, secret_file
from exposition import value

USER, PASSWORD = "prometheus", "correct horse battery staple"


@pytest.fixture
def creds(tmp_path: Path) -> Credentials:
    return generate(tmp_path / "pki")


def basic(user: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def web_config(dir: Path, creds: Credentials, mutual: bool = False) -> Path:
    """A web configuration file as an operator writes it for node_exporter."""
    path = dir / "web.yml"
    text = f"tls_server_config:\n  cert_file: {creds.server_cert}\n  key_file: {creds.server_key}\n"
    if mutual:
        text += f"  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: {creds.ca_cert}\n"
    text += f"basic_auth_users:\n  {USER}: {bcrypt_hash(PASSWORD)}\n"
    path.write_text(text)
    return path


def test_https_with_basic_auth_answers_only_the_right_password(creds: Credentials) -> None:
    with vm.serve(listen="127.0.0.1:0", tls_cert_file=creds.server_cert, tls_key_file=creds.server_key,
                  basic_auth_users={USER: bcrypt_hash(PASSWORD)}) as exporter:
        exporter.telemetry.record_trade("SNIPER", "EURUSD+", "M5", 12.5)
        port = exporter.listen_address[1]
        url = f"https://127.0.0.1:{port}/metrics"
        context = creds.client_context()

        status, headers, body = http_request(url, basic(USER, PASSWORD), context)
        assert status == 200 and headers["Content-Type"] == vm.CONTENT_TYPE
        assert value(body.decode(), "velocitytrader_trades_total") == 1

        for credentials in (basic(USER, "wrong"), basic("intruder", PASSWORD), {}):
            status, headers, body = http_request(url, credentials, context)
            assert status == 401, credentials
            assert (headers["WWW-Authenticate"] or "").startswith("Basic")
            assert b"velocitytrader" not in body
        # /ready stays open (it tells only whether state is restored), still over TLS.
        assert http_request(f"https://127.0.0.1:{port}/ready", {}, context)[0] == 200
        # Plain HTTP to the TLS port, and an authority the client does not trust, get nothing.
        assert http_get(f"http://127.0.0.1:{port}/metrics")[0] == 0
        stranger = creds.client_context(ca=creds.stranger_ca_cert)
        status, _, error = http_request(url, basic(USER, PASSWORD), stranger)
        assert status == 0 and b"CERTIFICATE_VERIFY_FAILED" in error


def test_a_web_config_file_with_mutual_tls(creds: Credentials, tmp_path: Path) -> None:
    with vm.serve(listen="127.0.0.1:0", web_config_file=web_config(tmp_path, creds, mutual=True)) as exporter:
        exporter.telemetry.record_error("HIGH")
        url = f"https://127.0.0.1:{exporter.listen_address[1]}/metrics"
        status, _, body = http_request(url, basic(USER, PASSWORD), creds.client_context(with_certificate=True))
        assert status == 200 and value(body.decode(), "velocitytrader_errors_total", {"severity": "high"}) == 1
        # Without a client certificate the handshake itself fails: no HTTP status at all.
        status, _, _ = http_request(url, basic(USER, PASSWORD), creds.client_context())
        assert status == 0
        # With the certificate but without the password: 401.
        assert http_request(url, {}, creds.client_context(with_certificate=True))[0] == 401


def test_refused_tls_and_auth_settings_are_typed_errors(creds: Credentials, tmp_path: Path) -> None:
    missing = tmp_path / "absent.yml"
    with pytest.raises(vm.WebConfigError) as raised:
        vm.serve(listen="127.0.0.1:0", web_config_file=missing)
    assert "cannot read web config file" in str(raised.value) and "absent.yml" in str(raised.value)
    assert isinstance(raised.value, ValueError) and raised.value.kind == "web_config"

    unknown = tmp_path / "unknown.yml"
    unknown.write_text("tls_server_config:\n  cert_file: a\n  key_file: b\n  rate_limit: 5\n")
    with pytest.raises(vm.WebConfigError, match="invalid web config file"):
        vm.serve(listen="127.0.0.1:0", web_config_file=unknown)

    with pytest.raises(vm.WebConfigError, match="is not a bcrypt hash"):
        vm.serve(listen="127.0.0.1:0", basic_auth_users={USER: "plain-text-password"})
    with pytest.raises(vm.WebConfigError, match="holds no usable"):
        vm.serve(listen="127.0.0.1:0", tls_cert_file=creds.server_key, tls_key_file=creds.server_key)
    with pytest.raises(vm.WebConfigError, match="a client certificate that is not verified proves nothing"):
        vm.serve(listen="127.0.0.1:0", tls_cert_file=creds.server_cert, tls_key_file=creds.server_key,
                 client_ca_file=creds.ca_cert, client_auth="RequestClientCert")
    with pytest.raises(vm.WebConfigError, match="min_version"):
        vm.serve(listen="127.0.0.1:0", tls_cert_file=creds.server_cert, tls_key_file=creds.server_key,
                 tls_min_version="SSL3")
    with pytest.raises(vm.WebConfigError, match="cert_file is required"):
        vm.serve(listen="127.0.0.1:0", client_ca_file=creds.ca_cert)
    with pytest.raises(vm.ExporterConfigError, match="tls_cert_file and tls_key_file go together"):
        vm.serve(listen="127.0.0.1:0", tls_cert_file=creds.server_cert)
    with pytest.raises(vm.ExporterConfigError, match="needs client_ca_file"):
        vm.serve(listen="127.0.0.1:0", client_auth="RequireAndVerifyClientCert")
    with pytest.raises(vm.ExporterConfigError, match="not both"):
        vm.serve(listen="127.0.0.1:0", web_config_file=web_config(tmp_path, creds),
                 basic_auth_users={"other": bcrypt_hash("x")})
    # An endpoint without a listener takes no listener option (its protection is the framework's).
    with pytest.raises(TypeError, match="built-in listener"):
        vm.embedded(basic_auth_users={USER: bcrypt_hash(PASSWORD)})
    with pytest.raises(TypeError, match="built-in listener"):
        vm.embedded(listen="127.0.0.1:0")


def test_the_connection_cap_lets_a_scraper_through_and_counts_the_evicted() -> None:
    with vm.serve(listen="127.0.0.1:0", max_connections=2, header_read_timeout=30.0) as exporter:
        port = exporter.listen_address[1]
        idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(6)]
        try:
            time.sleep(0.3)  # let the listener accept them all
            started = time.monotonic()
            status, _, body = http_get(f"http://127.0.0.1:{port}/metrics")
            assert status == 200 and time.monotonic() - started < 2.0
            evicted = value(body, "velocitytrader_endpoint_connections_dropped_total", {"reason": "evicted"})
            assert evicted is not None and evicted >= 5  # 6 idle + 1 scraper, at most 2 open
        finally:
            for connection in idle:
                connection.close()


@pytest.mark.needs_prometheus
def test_prometheus_scrapes_a_python_engine_over_https_with_basic_auth(
        children: Children, creds: Credentials, tmp_path: Path) -> None:
    port = free_port()
    child = children.python("engine_child.py", "--port", str(port), "--engine", "py-tls", "--trades", "5",
                            "--web-config", str(web_config(tmp_path, creds)), stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "ready", "the engine did not start"
    right = secret_file(tmp_path, "password", PASSWORD)
    wrong = secret_file(tmp_path, "wrong-password", "guess")
    job = ("  - job_name: {name}\n    scheme: {scheme}\n"
           f"    tls_config:\n      ca_file: {creds.ca_cert}\n      server_name: localhost\n"
           "    basic_auth:\n      username: " + USER + "\n      password_file: {password}\n"
           f"    static_configs:\n      - targets: ['127.0.0.1:{port}']\n")
    prometheus = start_prometheus(children, tmp_path, job.format(name="secure", scheme="https", password=right)
                                  + job.format(name="wrong_password", scheme="https", password=wrong)
                                  + job.format(name="plain_http", scheme="http", password=right))

    stored = wait_until(lambda: prometheus_query(prometheus, 'velocitytrader_trades_total{job="secure"}'),
                        timeout=60, what="the engine's trades in Prometheus over HTTPS")
    assert float(stored[0]["value"][1]) == 5 and stored[0]["metric"]["engine"] == "py-tls"
    up = wait_until(lambda: len(prometheus_query(prometheus, "up")) == 3 and prometheus_query(prometheus, "up"),
                    timeout=30, what="all three jobs scraped")
    assert {r["metric"]["job"]: r["value"][1] for r in up} == {"secure": "1", "wrong_password": "0",
                                                                "plain_http": "0"}
    assert not prometheus_query(prometheus, 'velocitytrader_trades_total{job!="secure"}')
