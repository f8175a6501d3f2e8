"""Shared fixtures: free loopback ports, child processes stopped by pid,
external programs that CI requires (``VM_REQUIRE_EXTERNAL=1`` turns a
missing one into a failure instead of a skip)."""

from __future__ import annotations

import http.client
import importlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
from email.message import Message
import urllib.parse
import urllib.request
from pathlib import Path
from types import ModuleType
from typing import Dict, Iterator, List, Optional, Tuple

import pytest

HERE = Path(__file__).resolve().parent
REQUIRE_EXTERNAL = os.environ.get("VM_REQUIRE_EXTERNAL") == "1"


def require_program(name: str) -> str:
    """The path of ``name``; a failure in CI when it is missing, a skip elsewhere."""
    path = shutil.which(name)
    if path is None:
        message = f"needs {name} on PATH"
        if REQUIRE_EXTERNAL:
            pytest.fail(message + " (VM_REQUIRE_EXTERNAL=1: CI must run this test)")
        pytest.skip(message)
    return path


def require_module(name: str) -> ModuleType:
    """The module ``name``; a failure in CI when it is missing, a skip elsewhere."""
    try:
        return importlib.import_module(name)
    except ImportError:
        message = f"needs the Python package {name} (pip install {name})"
        if REQUIRE_EXTERNAL:
            pytest.fail(message + " (VM_REQUIRE_EXTERNAL=1: CI must run this test)")
        pytest.skip(message)


def free_port() -> int:
    """A port free on 127.0.0.1 now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_request(url: str, headers: Optional[Dict[str, str]] = None, context=None,
                 timeout: float = 5.0) -> Tuple[int, Message, bytes]:
    """``(status, headers, body)`` of a GET as sent (no decompression), error
    statuses included; ``headers`` are looked up regardless of case; status 0 and the error's text when nothing answers
    (connection refused or reset, timeout, a failed TLS handshake, an answer
    that is not HTTP)."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()
    except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
        return 0, Message(), str(error).encode()


def http_get(url: str, timeout: float = 5.0, **kwargs) -> Tuple[int, str, str]:
    """``(status, content_type, body text)`` of a GET, as ``http_request``."""
    status, headers, body = http_request(url, timeout=timeout, **kwargs)
    return status, headers.get("Content-Type", ""), body.decode(errors="replace")


def wait_until(condition, timeout: float, what: str, interval: float = 0.1):
    """Polls ``condition()`` until it returns a true value; fails naming ``what``."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = condition()
        if last:
            return last
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout} s waiting for {what} (last: {last!r})")


class Children:
    """Processes a test started; each is stopped by its own pid at the end."""

    def __init__(self) -> None:
        self.processes: List[subprocess.Popen] = []

    def start(self, args: List[str], **kwargs) -> subprocess.Popen:
        process = subprocess.Popen(args, **kwargs)
        self.processes.append(process)
        return process

    def python(self, script: str, *args: str, **kwargs) -> subprocess.Popen:
        """This interpreter running ``script`` (a file under tests/)."""
        return self.start([sys.executable, str(HERE / script), *args], **kwargs)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)


def start_prometheus(children: Children, dir: Path, scrape_configs: str) -> int:
    """Debian's ``prometheus`` scraping every second with ``scrape_configs``
    (YAML, indented as list items under ``scrape_configs:``), its data and
    log in ``dir``, on a free loopback port; returns the port."""
    prometheus = require_program("prometheus")
    port = free_port()
    config = dir / "prometheus.yml"
    config.write_text("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n" + scrape_configs)
    with open(dir / "prometheus.log", "w") as log:
        children.start([prometheus, f"--config.file={config}", f"--storage.tsdb.path={dir / 'data'}",
                        f"--web.listen-address=127.0.0.1:{port}"],
                       stdout=subprocess.DEVNULL, stderr=log)
    return port


def prometheus_query(port: int, promql: str) -> list:
    """The result of an instant query (an empty list until Prometheus answers)."""
    url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": promql})
    status, _, body = http_get(url)
    if status != 200:
        return []
    return json.loads(body)["data"]["result"]


@pytest.fixture
def children() -> Iterator[Children]:
    group = Children()
    try:
        yield group
    finally:
        group.stop_all()


def run_python(code: str, timeout: float = 60.0, env: Optional[dict] = None) -> subprocess.CompletedProcess:
    """Runs ``code`` in a fresh interpreter (for process-wide state such as
    ``install``); fails the test with its output when it exits non-zero."""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout,
        env={**os.environ, **(env or {})}, cwd=HERE,
    )
    assert result.returncode == 0, f"child failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    return result
