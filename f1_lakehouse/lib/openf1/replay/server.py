"""The replay's HTTP server on 127.0.0.1: `ReplayServer` for tests and runs, and its command.

`f1-lakehouse openf1-replay --data DIR --port N [faults]` answers `GET /v1/<endpoint>?filters`
from the recordings under DIR, so the client under test runs unchanged, sockets and all. Each
refusal is the live API's: 500 "too much data", 408 for a query past its timeout, 422 for a
filter it cannot read, 404 "No results found." (or `[]` with `--empty list`), and 429 "Rate
exceeded" with a Retry-After over a `RateBudget` (`--rate-per-second 3 --rate-per-minute 30`,
the public budget), so a client's live-equivalent pace can be measured on loopback.
"""

from __future__ import annotations

import argparse
import math
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from f1_lakehouse.lib.live.pace import SessionClock
from f1_lakehouse.lib.loopback import LOOPBACK_HOST
from f1_lakehouse.lib.openf1.replay.encoding import Piece, dumps
from f1_lakehouse.lib.openf1.replay.errors import QueryTimedOut, ReplayDataError, ResultTooLarge
from f1_lakehouse.lib.openf1.replay.faults import (
    DEFAULT_FAULTS,
    FAULT_KINDS,
    FaultPlan,
    FaultState,
    RateBudget,
)
from f1_lakehouse.lib.openf1.replay.filters import parse_filters
from f1_lakehouse.lib.openf1.replay.recordings import DEFAULT_DATA, ReplayData
from f1_lakehouse.lib.openf1.schemas import ENDPOINTS

HOST = LOOPBACK_HOST
API_PREFIX = "/v1/"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _ReplayHTTPServer

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without NODELAY, Nagle + delayed ACK
        # stall every keep-alive response by ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            sys.stderr.write(f"openf1-replay: {format % args}\n")

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if not parts.path.startswith(API_PREFIX):
            self._send(404, {"detail": "Not Found"})
            return
        endpoint = parts.path[len(API_PREFIX) :].strip("/")
        data = self.server.data
        if endpoint not in data.endpoints and endpoint not in ENDPOINTS:
            self._send(404, {"detail": "Not Found"})
            return
        budget = self.server.budget
        wait = budget.admit() if budget is not None else 0.0
        if wait > 0:
            retry_after = {"Retry-After": f"{max(1, math.ceil(wait))}"}
            self._send(429, {"message": "Rate exceeded"}, headers=retry_after)
            return
        fault = self.server.faults.decide(endpoint, f"{endpoint}?{parts.query}")
        if fault == "drop":
            self.close_connection = True  # no response at all: the client sees a reset
            return
        if fault in ("429", "500", "502", "503"):
            self._send_fault(int(fault))
            return
        if fault == "slow":
            time.sleep(self.server.faults.plan.slow_seconds)
        try:
            count, body = data.query_pieces(endpoint, parse_filters(parts.query))
        except ResultTooLarge as exc:
            self._send(500, {"detail": f"Internal Server Error: result too large ({exc})"})
            return
        except QueryTimedOut as exc:
            self._send(408, {"detail": f"Request timed out ({exc})"})
            return
        except ValueError as exc:
            self._send(422, {"detail": str(exc)})
            return
        if not count and self.server.faults.plan.empty == "404":
            self._send(404, {"detail": "No results found."})
            return
        self._send(200, body, fault=fault)

    def _send_fault(self, status: int) -> None:
        plan = self.server.faults.plan
        if status == 429:
            headers = {"Retry-After": f"{plan.retry_after:g}"}
            self._send(429, {"message": "Rate exceeded"}, headers=headers)
        else:
            self._send(status, {"detail": f"injected HTTP {status}"})

    def _send(
        self,
        status: int,
        payload: dict[str, Any] | list[Piece],
        *,
        headers: dict[str, str] | None = None,
        fault: str | None = None,
    ) -> None:
        pieces = payload if isinstance(payload, list) else [dumps(payload)]
        length = sum(len(piece) for piece in pieces)
        if fault in ("truncate", "short"):
            pieces = [b"".join(pieces)[: max(1, length // 2)]]
        if fault == "truncate":
            length = len(pieces[0])  # an honest length for a dishonest body: only JSON fails
        elif fault == "short":
            self.close_connection = True  # promise the full length, then hang up
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(length))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            for piece in pieces:
                self.wfile.write(piece)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (e.g. timed out on a slow reply)


class _ReplayHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        port: int,
        data: ReplayData,
        faults: FaultState,
        verbose: bool,
        budget: RateBudget | None = None,
    ) -> None:
        self.data = data
        self.faults = faults
        self.budget = budget
        self.verbose = verbose
        super().__init__((HOST, port), _Handler)


class ReplayServer:
    """The replay server on 127.0.0.1, run in a background thread (`with ReplayServer(...)`)."""

    def __init__(
        self,
        data_dir: Path | str = DEFAULT_DATA,
        *,
        port: int = 0,
        faults: FaultPlan | None = None,
        verbose: bool = False,
        budget: RateBudget | None = None,
        clock: SessionClock | None = None,
    ) -> None:
        self.data = ReplayData(Path(data_dir), clock=clock)
        self.faults = FaultState(faults or FaultPlan())
        self.budget = budget
        self._httpd = _ReplayHTTPServer(port, self.data, self.faults, verbose, budget)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}/v1"

    def start(self) -> ReplayServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},  # stop() returns promptly
            name="openf1-replay",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --- command line -----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="f1-lakehouse openf1-replay",
        description="Serve recorded OpenF1 responses on 127.0.0.1 (optionally with faults).",
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="recordings folder")
    parser.add_argument("--port", type=int, default=8765, help="TCP port (0 = any free port)")
    parser.add_argument("--fail-rate", type=float, default=0.0, help="share of faulty requests")
    parser.add_argument(
        "--faults",
        default=",".join(DEFAULT_FAULTS),
        help=f"comma-separated fault kinds among {','.join(FAULT_KINDS)}",
    )
    parser.add_argument("--seed", type=int, default=0, help="fault schedule seed")
    parser.add_argument("--retry-after", type=float, default=1.0, help="Retry-After of a 429, s")
    parser.add_argument("--burst", type=int, default=3, help="429s in a row once one is sent")
    parser.add_argument("--slow-seconds", type=float, default=2.0, help="delay of a slow reply")
    parser.add_argument(
        "--max-consecutive", type=int, default=3, help="most faults in a row for one URL"
    )
    parser.add_argument(
        "--always-fail",
        action="append",
        default=[],
        metavar="ENDPOINT",
        help="answer HTTP 500 to every request for ENDPOINT (repeatable)",
    )
    parser.add_argument(
        "--empty",
        choices=("404", "list"),
        default="404",
        help='empty results as 404 "No results found." (current API) or as []',
    )
    parser.add_argument(
        "--rate-per-second", type=int, default=0, help="enforce a budget (public API: 3)"
    )
    parser.add_argument(
        "--rate-per-minute", type=int, default=0, help="enforce a budget (public API: 30)"
    )
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    return parser


def plan_from_args(args: argparse.Namespace) -> FaultPlan:
    return FaultPlan(
        fail_rate=args.fail_rate,
        kinds=tuple(k.strip() for k in args.faults.split(",") if k.strip()),
        seed=args.seed,
        retry_after=args.retry_after,
        slow_seconds=args.slow_seconds,
        burst=args.burst,
        max_consecutive=args.max_consecutive,
        always_fail=frozenset(args.always_fail),
        empty=args.empty,
    )


def budget_from_args(args: argparse.Namespace) -> RateBudget | None:
    """A budget when either rate is given (the other defaults to the public API's)."""
    if not args.rate_per_second and not args.rate_per_minute:
        return None
    return RateBudget(args.rate_per_second or 3, args.rate_per_minute or 30)


def main(argv: list[str]) -> int:
    """Entry point of `f1-lakehouse openf1-replay` (a leading `--` separator is ignored)."""
    args = build_parser().parse_args(argv[1:] if argv[:1] == ["--"] else argv)
    try:
        plan = plan_from_args(args)
        budget = budget_from_args(args)
        server = ReplayServer(
            args.data, port=args.port, faults=plan, verbose=args.verbose, budget=budget
        )
    except (ReplayDataError, ValueError, OSError) as exc:
        print(f"f1-lakehouse openf1-replay: {exc}", file=sys.stderr)
        return 2
    print(f"OpenF1 replay of {args.data} at {server.base_url}", flush=True)
    print(f"  export F1_LAKEHOUSE_OPENF1_URL={server.base_url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0
