"""The batch-mode destinations as real programs: Debian's
``prometheus-pushgateway`` (in memory, optionally behind TLS and basic auth)
and ``victoria-metrics`` (data in the test's directory), each on a free
loopback port and stopped by its process id with the test's ``Children``."""

from __future__ import annotations

import base64
import json
import subprocess
import time
import urllib.parse
from pathlib import Path
from typing import Callable, List, Optional, Tuple

from conftest import Children, free_port, http_get, http_request, require_program, wait_until
from credentials import Credentials, bcrypt_hash, generate


def start_pushgateway(children: Children, ready: Callable[[int], bool],
                      web_config: Optional[Path] = None) -> int:
    """A Pushgateway holding nothing on disk (``--persistence.file=``: Debian's
    build would persist to /var/lib); returns its port once ``ready(port)``."""
    port = free_port()
    args = [require_program("prometheus-pushgateway"), f"--web.listen-address=127.0.0.1:{port}",
            "--persistence.file="]
    if web_config is not None:
        args.append(f"--web.config.file={web_config}")
    process = children.start(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until(lambda: process.poll() is not None or ready(port), timeout=20, what="the pushgateway")
    time.sleep(0.2)  # a gateway that lost the port to another process exits at once
    assert process.poll() is None, f"pushgateway exited (port {port} taken?)"
    return port


def start_plain_pushgateway(children: Children) -> int:
    return start_pushgateway(children, lambda port: http_get(f"http://127.0.0.1:{port}/-/ready")[0] == 200)


def start_secure_pushgateway(children: Children, dir: Path, user: str,
                             password: str) -> Tuple[int, Credentials, dict]:
    """A Pushgateway behind HTTPS (a fresh CA and certificate) that wants
    ``user:password``; returns its port, the credentials' files and the
    ``Authorization`` header that reads it."""
    creds = generate(dir / "pki")
    config = dir / "pushgateway-web.yml"
    config.write_text(f"tls_server_config:\n  cert_file: {creds.server_cert}\n  key_file: {creds.server_key}\n"
                      f"basic_auth_users:\n  {user}: {bcrypt_hash(password)}\n")
    auth = {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}
    port = start_pushgateway(children, lambda p: http_request(f"https://127.0.0.1:{p}/-/ready", auth,
                                                              creds.client_context())[0] == 200, config)
    return port, creds, auth


def start_victoria_metrics(children: Children, dir: Path) -> int:
    """Single-node VictoriaMetrics with a year's retention; returns its port
    once ``/health`` answers."""
    port = free_port()
    children.start([require_program("victoria-metrics"), f"-storageDataPath={dir / 'vm'}",
                    f"-httpListenAddr=127.0.0.1:{port}", "-retentionPeriod=1y"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until(lambda: http_get(f"http://127.0.0.1:{port}/health")[0] == 200, timeout=60,
               what="victoria-metrics")
    return port


def settle(port: int) -> None:
    """Makes everything written to VictoriaMetrics searchable now and drops
    answers cached before."""
    for path in ("/internal/force_flush", "/internal/resetRollupResultCache"):
        assert http_get(f"http://127.0.0.1:{port}{path}")[0] == 200


def query_range(port: int, promql: str, start: float, end: float, step: float) -> List[Tuple[float, float]]:
    """The points of the one series ``promql`` selects over ``start..end``."""
    query = urllib.parse.urlencode({"query": promql, "start": start, "end": end, "step": step, "nocache": 1})
    status, _, body = http_get(f"http://127.0.0.1:{port}/api/v1/query_range?{query}")
    assert status == 200, body
    result = json.loads(body)["data"]["result"]
    if not result:
        return []
    assert len(result) == 1, f"{promql}: one series, not mixed runs: {body}"
    return [(float(at), float(v)) for at, v in result[0]["values"]]
