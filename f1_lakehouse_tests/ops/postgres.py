"""A throwaway PostgreSQL 15 server on loopback for tests (Debian's postgresql package)."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PG_BINS = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
PG_BIN = Path(PG_BINS[0]) if PG_BINS else None
SUPERUSER = "dagster"
PASSWORD = "dagster-test"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str
    password: str
    socket_dir: Path

    def env(self, db_name: str) -> dict[str, str]:
        """The DAGSTER_POSTGRES_* settings deploy/dagster.yaml reads."""
        return {
            "DAGSTER_POSTGRES_HOST": self.host,
            "DAGSTER_POSTGRES_PORT": str(self.port),
            "DAGSTER_POSTGRES_USER": self.user,
            "DAGSTER_POSTGRES_PASSWORD": self.password,
            "DAGSTER_POSTGRES_DB": db_name,
        }


def _as_postgres(args: list[str]) -> list[str]:
    # The server refuses to run as root: drop to the `postgres` system user when we are root.
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@contextlib.contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """initdb into a temporary folder, start on 127.0.0.1 and a free port, stop at the end."""
    assert PG_BIN is not None
    base = Path(tempfile.mkdtemp(prefix="f1-pg-"))
    data, sockets, pwfile = base / "data", base / "sock", base / "pwfile"
    sockets.mkdir()
    pwfile.write_text(PASSWORD + "\n")
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        shutil.chown(sockets, "postgres")
        shutil.chown(pwfile, "postgres")
    port = free_port()
    log = base / "server.log"

    def run(args: list[str]) -> None:
        result = subprocess.run(_as_postgres(args), capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            server_log = log.read_text() if log.exists() else ""
            raise RuntimeError(f"{args[0]} failed: {result.stderr}{result.stdout}\n{server_log}")

    try:
        run([
            str(PG_BIN / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=scram-sha-256",
            f"--pwfile={pwfile}", "--no-sync", "-E", "UTF8", "--locale=C",
        ])  # fmt: skip
        options = f"-h 127.0.0.1 -p {port} -k {sockets} -c fsync=off"
        run([str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w",
             "-t", "60", "start"])  # fmt: skip
        try:
            yield PostgresServer("127.0.0.1", port, SUPERUSER, PASSWORD, sockets)
        finally:
            run([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"])
    finally:
        shutil.rmtree(base, ignore_errors=True)
