"""The read API served for real (uvicorn on an ephemeral loopback port) in a thread, so tests
send raw query strings (`position<=3`) exactly as a client does."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import uvicorn

from f1_lakehouse.api.app import create_app
from f1_lakehouse.lib.settings import DataRoot


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> object:
        return json.loads(self.body)


@dataclass(frozen=True)
class Api:
    url: str

    def get(self, path: str, token: str | None = None) -> Reply:
        request = urllib.request.Request(self.url + path)
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return Reply(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Reply(error.code, dict(error.headers), error.read())

    def rows(self, table: str, query: str = "") -> list[dict]:
        """Every row of a filtered table, following the pages."""
        rows: list[dict] = []
        offset = 0
        while True:
            separator = "&" if query else ""
            reply = self.get(f"/v1/{table}?{query}{separator}offset={offset}")
            assert reply.status == 200, reply.body[:500]
            rows.extend(reply.json())
            if "x-next-offset" not in {k.lower() for k in reply.headers}:
                return rows
            offset = int({k.lower(): v for k, v in reply.headers.items()}["x-next-offset"])


@contextlib.contextmanager
def serve_api(root: DataRoot, token: str | None = None, max_rows: int = 10_000) -> Iterator[Api]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(root, token=token, max_rows=max_rows), log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the API did not start"
        time.sleep(0.05)
    try:
        yield Api(f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
