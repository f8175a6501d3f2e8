"""Shared fixtures: free loopback ports, child processes stopped by pid,
external programs that CI requires (``VM_REQUIRE_EXTERNAL=1`` turns a
missing one into a failure instead of a skip)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator, List, Optional

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


def free_port() -> int:
    """A port free on 127.0.0.1 now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url: str, timeout: float = 5.0) -> "tuple[int, str, str]":
    """``(status, content_type, body)`` of a GET, error statuses included;
    status 0 when nothing answers (connection refused, reset, timeout)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read().decode()
    except (urllib.error.URLError, OSError) as error:
        return 0, "", str(error)


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
