"""The Dagster resource for OpenF1: picks the endpoint URL and budgets, owns the replay server.

Where requests go:
* `base_url` if set, else `F1_LAKEHOUSE_OPENF1_URL` (e.g. a separately started
  `f1-lakehouse openf1-replay` injecting faults);
* else, with `F1_LAKEHOUSE_SOURCE=replay` (the default), a replay server started in-process on
  127.0.0.1 with an ephemeral port for the duration of the run: real HTTP over loopback, so a
  plain `dagster asset materialize` needs no extra process;
* else (live) the public API, https://api.openf1.org/v1.

Budgets left at 0 are chosen by target: safe for the public API (3 per second and 30 per
minute, under both the "30 requests per 10 s" OpenF1 stated in 2024 and the later per-minute
limit), none per second for a replay server on loopback: it has no budget to protect, and a
limiter wait there is pure overhead (the old 500/s capped small requests at 2 ms each). A
loopback server's 429 + Retry-After is still honoured. Proxies from the environment are not
looked up for loopback either (requests would scan the environment on every request).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import dagster as dg
import requests
from pydantic import PrivateAttr

from f1_lakehouse.lib.clock import SettingsClock
from f1_lakehouse.lib.loopback import is_loopback_url
from f1_lakehouse.lib.openf1.client import LIVE_BASE_URL, OpenF1Client, Params
from f1_lakehouse.lib.openf1.rate_limit import RateLimiter
from f1_lakehouse.lib.openf1.replay import DEFAULT_DATA, ReplayServer
from f1_lakehouse.lib.openf1.retry import RetryPolicy
from f1_lakehouse.lib.settings import openf1_token, openf1_url, replay_at_pace, source_mode

PUBLIC_BUDGET = (3.0, 30, 60.0)  # per second, per window, window seconds
LOOPBACK_BUDGET = (math.inf, 100_000, 1.0)
# Network delays vary: keep requests this far inside the budget so none arrives over it.
BUDGET_SLACK_SECONDS = 0.1


class OpenF1Resource(dg.ConfigurableResource):
    """OpenF1 HTTP access with rate limiting and retries (see the module docstring)."""

    base_url: str = ""
    requests_per_second: float = 0.0
    requests_per_window: int = 0
    window_seconds: float = 0.0
    max_attempts: int = 6
    backoff_base_seconds: float = 1.0
    backoff_max_seconds: float = 60.0
    max_retry_after_seconds: float = 300.0
    timeout_seconds: float = 60.0
    # 0: one request per driver for the whole session (see `telemetry`); else windows this long.
    telemetry_window_minutes: float = 0.0
    replay_data_dir: str = ""

    _client: OpenF1Client | None = PrivateAttr(default=None)
    _server: ReplayServer | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._open()

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        self._close()

    @contextmanager
    def connected(self) -> Iterator[OpenF1Client]:
        """Use the resource outside a Dagster run (scripts, benchmarks)."""
        try:
            yield self._open()
        finally:
            self._close()

    @property
    def client(self) -> OpenF1Client:
        """The run's client (opened by Dagster's resource setup)."""
        return self._client or self._open()

    def get(self, endpoint: str, params: Params = ()) -> list[dict[str, Any]]:
        """GET an endpoint (see `OpenF1Client.get`)."""
        return self.client.get(endpoint, params)

    def resolved_base_url(self) -> str:
        """Where requests go, without starting anything ("" means: an in-process replay)."""
        url = self.base_url.strip() or openf1_url()
        if url:
            return url.rstrip("/")
        return "" if source_mode() == "replay" else LIVE_BASE_URL

    def _open(self) -> OpenF1Client:
        if self._client is not None:
            return self._client
        url = self.resolved_base_url()
        if not url:
            data = self.replay_data_dir or str(DEFAULT_DATA)
            # At pace, the server releases what OpenF1 had published by the simulated now.
            clock = SettingsClock() if replay_at_pace() else None
            self._server = ReplayServer(data, clock=clock).start()
            url = self._server.base_url
        per_second, per_window, window = self._budget(url)
        session = requests.Session()
        session.trust_env = not is_loopback_url(url)
        token = openf1_token()
        if token and not is_loopback_url(url):  # OpenF1's live data needs an account
            session.headers["Authorization"] = f"Bearer {token}"
        self._client = OpenF1Client(
            url,
            RateLimiter(per_second, per_window, window, slack=BUDGET_SLACK_SECONDS),
            RetryPolicy(
                max_attempts=self.max_attempts,
                backoff_base=self.backoff_base_seconds,
                backoff_max=self.backoff_max_seconds,
                max_retry_after=self.max_retry_after_seconds,
                rng=random.Random(),
            ),
            timeout=self.timeout_seconds,
            session=session,
        )
        return self._client

    def _close(self) -> None:
        if self._client is not None:
            self._client.session.close()
            self._client = None
        if self._server is not None:
            self._server.stop()
            self._server = None

    def _budget(self, url: str) -> tuple[float, int, float]:
        default = LOOPBACK_BUDGET if is_loopback_url(url) else PUBLIC_BUDGET
        return (
            self.requests_per_second or default[0],
            self.requests_per_window or default[1],
            self.window_seconds or default[2],
        )
