"""The OpenF1 HTTP client: rate limited, retried, and strict about what counts as a response.

A response is accepted only when it is complete, valid JSON and a list of records. Truncated
bodies, dropped connections, timeouts, 429 and 5xx are retried with backoff; after the last
attempt the error names the endpoint, the query and the last status, so nothing is half-written.
`get` returns the records; `get_table` returns them as a bronze Arrow table, read straight from
the body when it is plain (`arrow_json`), else through the records.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import quote

import pyarrow as pa
import requests

from f1_lakehouse.lib.openf1.arrow_json import read_body_table
from f1_lakehouse.lib.openf1.coercion import SchemaDrift, coerce_records
from f1_lakehouse.lib.openf1.rate_limit import Clock, RateLimiter, Sleep
from f1_lakehouse.lib.openf1.retry import RetryPolicy, is_retryable_status, parse_retry_after

log = logging.getLogger(__name__)

LIVE_BASE_URL = "https://api.openf1.org/v1"
_ENDPOINT_RE = re.compile(r"[a-z][a-z_]*")
_PARAM_RE = re.compile(r"(?P<field>[a-z][a-z0-9_]*)(?P<op>>=|<=|>|<)?")
# Comparison operators are sent percent-encoded: `date%3E=…` is how OpenF1 reads `date>=…`.
_OPS = {"": "=", ">=": "%3E=", "<=": "%3C=", ">": "%3E", "<": "%3C"}
_NO_RESULTS = "no results found"
# Bodies are read in large pieces: requests' default 10 KiB costs ~500 reads per telemetry body.
_READ_CHUNK = 1 << 20
# Small answers every asset of a session run asks for (resolving the session, its drivers):
# fetched once per client, so the three OpenF1 steps of a run do not spend the public budget
# (30 requests a minute) on them three times.
MEMO_ENDPOINTS = frozenset({"meetings", "sessions", "drivers"})

T = TypeVar("T")

Params = Mapping[str, Any] | Sequence[tuple[str, Any]]


class OpenF1Error(RuntimeError):
    """OpenF1 could not give a usable answer."""


class OpenF1RequestError(OpenF1Error):
    """A request failed for good: names the endpoint, query, attempts and the last status."""

    def __init__(
        self,
        endpoint: str,
        query: str,
        attempts: int,
        last_status: int | None,
        reason: str,
        base_url: str,
    ) -> None:
        self.endpoint = endpoint
        self.query = query
        self.attempts = attempts
        self.last_status = last_status
        self.reason = reason
        status = f"last status {last_status}" if last_status is not None else "no HTTP status"
        super().__init__(
            f"OpenF1 endpoint {endpoint!r} failed after {attempts} attempt(s): "
            f"GET {base_url}/{endpoint}?{query} ({status}: {reason})"
        )


class _Retryable(Exception):
    """One attempt failed in a way worth retrying; `kind` groups retries for metadata."""

    def __init__(
        self, kind: str, reason: str, status: int | None, retry_after: float | None = None
    ) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
        self.status = status
        self.retry_after = retry_after


class _Fatal(Exception):
    """One attempt failed in a way no retry can fix (a client error such as 400 or 404)."""

    def __init__(self, reason: str, status: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def build_query(params: Params) -> str:
    """Encode filters the way OpenF1 expects, e.g. `{"date>=": t}` -> `date%3E=<t>`.

    A list value repeats the key (OpenF1 ORs equal filters such as two driver numbers).
    """
    items = params.items() if isinstance(params, Mapping) else params
    parts: list[str] = []
    for key, value in items:
        match = _PARAM_RE.fullmatch(key)
        if match is None:
            raise ValueError(
                f"bad OpenF1 filter {key!r}: expected a field name with >=, <=, > or <"
            )
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            text = str(item).lower() if isinstance(item, bool) else str(item)
            parts.append(f"{match['field']}{_OPS[match['op'] or '']}{quote(text, safe='')}")
    return "&".join(parts)


@dataclass
class ClientStats:
    """Request accounting for asset metadata: how hard did it have to try?

    Counted under a lock: telemetry keeps a couple of requests in flight from worker threads.
    """

    requests: int = 0
    retries: Counter[str] = field(default_factory=Counter)
    record_path_bodies: int = 0  # `get_table` bodies not read straight into Arrow
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count(self, *, request: bool = False, retry: str = "", record_path: bool = False) -> None:
        with self._lock:
            self.requests += request
            self.record_path_bodies += record_path
            if retry:
                self.retries[retry] += 1

    @property
    def retry_count(self) -> int:
        return sum(self.retries.values())


class OpenF1Client:
    """OpenF1 client; safe to call from a few threads (the limiter and stats are locked, and
    requests' connection pool hands each thread its own connection)."""

    def __init__(
        self,
        base_url: str,
        limiter: RateLimiter,
        policy: RetryPolicy,
        *,
        timeout: float = 60.0,
        session: requests.Session | None = None,
        sleep: Sleep = time.sleep,
        clock: Clock = time.monotonic,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.limiter = limiter
        self.policy = policy
        self.timeout = timeout
        self.session = session or requests.Session()
        self.session.headers.setdefault("User-Agent", "f1-lakehouse (OpenF1 bronze loader)")
        self._sleep = sleep
        self._clock = clock
        self.stats = ClientStats()
        self._memo: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._memo_lock = threading.Lock()

    def get(self, endpoint: str, params: Params = ()) -> list[dict[str, Any]]:
        """GET one endpoint with filters; retried until it yields a complete JSON list.
        `MEMO_ENDPOINTS` answers are kept for the client's life (one run)."""
        if endpoint not in MEMO_ENDPOINTS:
            return self._fetch(endpoint, params, _parse_records)
        key = (endpoint, build_query(params))
        with self._memo_lock:
            if key not in self._memo:
                self._memo[key] = self._fetch(endpoint, params, _parse_records)
            return [dict(row) for row in self._memo[key]]

    @property
    def rate_limit_wait_seconds(self) -> float:
        """Seconds spent so far waiting for the rate limiter (all threads)."""
        return self.limiter.waited_seconds

    def get_table(self, endpoint: str, params: Params = ()) -> tuple[pa.Table, SchemaDrift]:
        """`get`, coerced onto the endpoint's bronze schema (`coerce_records`), with its drift."""

        def parse(body: bytes) -> tuple[pa.Table, SchemaDrift]:
            fast = read_body_table(endpoint, body)
            if fast is not None:
                return fast
            self.stats.count(record_path=True)
            return coerce_records(endpoint, _parse_records(body))

        return self._fetch(endpoint, params, parse)

    def _fetch(self, endpoint: str, params: Params, parse: Callable[[bytes], T]) -> T:
        """The retry loop: `parse` turns a 200 body into the result or raises `_Retryable`."""
        if not _ENDPOINT_RE.fullmatch(endpoint):
            raise ValueError(f"bad OpenF1 endpoint name {endpoint!r}")
        query = build_query(params)
        url = f"{self.base_url}/{endpoint}" + (f"?{query}" if query else "")
        last: _Retryable | None = None
        for attempt in range(1, self.policy.max_attempts + 1):
            self.limiter.acquire()
            self.stats.count(request=True)
            try:
                return parse(self._attempt(url))
            except _Fatal as exc:
                raise OpenF1RequestError(
                    endpoint, query, attempt, exc.status, exc.reason, self.base_url
                ) from None
            except _Retryable as exc:
                last = exc
                self.stats.count(retry=exc.kind)
                if attempt == self.policy.max_attempts:
                    break
                wait = self.policy.delay(attempt, exc.retry_after)
                log.warning(
                    "OpenF1 %s?%s attempt %d/%d failed (%s); retrying in %.2fs",
                    endpoint,
                    query,
                    attempt,
                    self.policy.max_attempts,
                    exc.reason,
                    wait,
                )
                if exc.status == 429:
                    self.limiter.pause(wait)
                self._sleep(wait)
        assert last is not None
        raise OpenF1RequestError(
            endpoint, query, self.policy.max_attempts, last.status, last.reason, self.base_url
        )

    def _attempt(self, url: str) -> bytes:
        """One request: the body of a 200 (`[]` for "no results"), `_Retryable` or `_Fatal`."""
        try:
            response = self.session.get(url, timeout=self.timeout, stream=True)
            # Reads the whole body (a short read raises here); the connection is then reused.
            body = b"".join(response.iter_content(_READ_CHUNK))
        except requests.Timeout as exc:
            raise _Retryable("timeout", f"timeout ({exc.__class__.__name__})", None) from exc
        except (
            requests.ConnectionError,
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
        ) as exc:
            reason = f"connection error ({exc.__class__.__name__})"
            raise _Retryable("connection", reason, None) from exc
        status = response.status_code
        if status == 404 and _NO_RESULTS in body[:200].decode("utf-8", "replace").lower():
            return b"[]"  # OpenF1 answers an empty result with 404 "No results found"
        if status != 200:
            reason = f"HTTP {status} {response.reason}: {_snippet(body)}"
            if is_retryable_status(status):
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                raise _Retryable(f"http {status}", reason, status, retry_after)
            raise _Fatal(reason, status)
        return body


def _parse_records(body: bytes) -> list[dict[str, Any]]:
    """A 200 body as a list of records, or `_Retryable` (a cut-off or garbled answer)."""
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        reason = f"invalid JSON ({exc.__class__.__name__}) in a {len(body)}-byte body"
        raise _Retryable("invalid json", reason, 200) from exc
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise _Retryable("bad shape", f"not a list of records: {_snippet(body)}", 200)
    return data


def _snippet(body: bytes, limit: int = 120) -> str:
    text = body[:limit].decode("utf-8", "replace").strip().replace("\n", " ")
    return text + ("…" if len(body) > limit else "") if text else "(empty body)"
