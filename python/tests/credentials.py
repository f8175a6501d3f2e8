"""Test credentials made fresh for each test, never committed: a private
certificate authority, a server certificate for the loopback names and a
client certificate (Debian's ``openssl`` command: Python's standard library
cannot make certificates), and bcrypt hashes (the ``bcrypt`` package)."""

from __future__ import annotations

import ssl
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import List

from conftest import require_module, require_program


@dataclass(frozen=True)
class Credentials:
    """PEM files in a test's directory."""

    ca_cert: Path          # signed both certificates: the scraper's CA, the server's client CA
    server_cert: Path      # localhost, 127.0.0.1, ::1
    server_key: Path
    client_cert: Path      # common name "scraper", for mutual TLS
    client_key: Path
    stranger_ca_cert: Path  # an authority nobody trusts

    def client_context(self, with_certificate: bool = False, ca: Path = None) -> ssl.SSLContext:
        """An HTTPS client context trusting the test CA (or ``ca``),
        presenting the client certificate if asked."""
        context = ssl.create_default_context(cafile=str(ca or self.ca_cert))
        if with_certificate:
            context.load_cert_chain(str(self.client_cert), str(self.client_key))
        return context


def _openssl(args: List[str], cwd: Path) -> None:
    result = subprocess.run([require_program("openssl"), *args], cwd=cwd, capture_output=True, text=True)
    assert result.returncode == 0, f"openssl {' '.join(args)}:\n{result.stderr}"


def _authority(dir: Path, name: str, common_name: str) -> None:
    _openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
              "-keyout", f"{name}.key", "-out", f"{name}.pem", "-days", "2", "-subj", f"/CN={common_name}",
              "-addext", "basicConstraints=critical,CA:TRUE",
              "-addext", "keyUsage=critical,keyCertSign,cRLSign"], dir)


def _leaf(dir: Path, name: str, common_name: str, extensions: str) -> None:
    (dir / f"{name}.ext").write_text(extensions)
    _openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
              "-keyout", f"{name}-key.pem", "-out", f"{name}.csr", "-subj", f"/CN={common_name}"], dir)
    _openssl(["x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
              "-CAcreateserial", "-out", f"{name}.pem", "-days", "2", "-extfile", f"{name}.ext"], dir)


def generate(dir: Path) -> Credentials:
    """A CA, a loopback server certificate and a client certificate in ``dir``."""
    dir.mkdir(parents=True, exist_ok=True)
    _authority(dir, "ca", "velocity_metrics test CA")
    _authority(dir, "stranger-ca", "nobody trusts this CA")
    _leaf(dir, "server", "localhost",
          "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
          "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n")
    _leaf(dir, "client", "scraper",
          "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n")
    return Credentials(ca_cert=dir / "ca.pem", server_cert=dir / "server.pem",
                       server_key=dir / "server-key.pem", client_cert=dir / "client.pem",
                       client_key=dir / "client-key.pem", stranger_ca_cert=dir / "stranger-ca.pem")


def bcrypt_hash(password: str) -> str:
    """A bcrypt hash of ``password`` (cost 4: tests need no slow hashing)."""
    bcrypt = require_module("bcrypt")
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()


def secret_file(dir: Path, name: str, secret: str) -> Path:
    """``secret`` in a file of its own, readable by the owner only, with the
    final line break editors add."""
    path = dir / name
    path.write_text(secret + "\n")
    path.chmod(0o600)
    return path
