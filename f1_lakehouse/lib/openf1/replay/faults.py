"""What the replay server refuses on purpose: injected faults and the public request budget.

Faults are deterministic: whether the n-th request for a URL fails is a hash of (seed, URL, n),
so a run is reproducible whatever the timing. `max_consecutive` caps the failures in a row for
one URL, so a client with more attempts than that must always get through.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

FAULT_KINDS = ("429", "500", "502", "503", "slow", "truncate", "short", "drop")
DEFAULT_FAULTS = ("429", "500", "503", "truncate", "short", "drop")


@dataclass
class RateBudget:
    """The public API's request budget, enforced: over it, a request gets 429 + Retry-After.

    Refused requests do not count against the budget (the client is told to wait)."""

    per_second: int = 3
    per_minute: int = 30
    clock: Any = time.monotonic
    accepted: list[float] = field(default_factory=list)
    refused: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.per_second < 1 or self.per_minute < 1:
            raise ValueError(
                f"rate budget must be positive: {self.per_second}/s, {self.per_minute}/min"
            )

    def admit(self) -> float:
        """0 if this request fits the budget (it is counted), else the seconds to wait."""
        with self.lock:
            now = self.clock()
            self.accepted = [t for t in self.accepted if t > now - 60.0]
            last_second = [t for t in self.accepted if t > now - 1.0]
            waits = [0.0]
            if len(last_second) >= self.per_second:
                waits.append(last_second[-self.per_second] + 1.0 - now)
            if len(self.accepted) >= self.per_minute:
                waits.append(self.accepted[-self.per_minute] + 60.0 - now)
            wait = max(waits)
            if wait > 0:
                self.refused += 1
                return wait
            self.accepted.append(now)
            return 0.0


@dataclass
class FaultPlan:
    """Which requests fail, and how. Deterministic: see the module docstring."""

    fail_rate: float = 0.0
    kinds: tuple[str, ...] = DEFAULT_FAULTS
    seed: int = 0
    retry_after: float = 1.0
    slow_seconds: float = 2.0
    burst: int = 3
    max_consecutive: int = 3
    always_fail: frozenset[str] = frozenset()
    empty: str = "404"

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; use {', '.join(FAULT_KINDS)}")
        if not 0.0 <= self.fail_rate <= 1.0:
            raise ValueError(f"fail rate {self.fail_rate} must be between 0 and 1")
        if self.empty not in ("404", "list"):
            raise ValueError(f"empty must be '404' or 'list', not {self.empty!r}")


@dataclass
class FaultState:
    """Per-server bookkeeping of the fault plan (request counts per URL, current 429 burst)."""

    plan: FaultPlan
    served: Counter[str] = field(default_factory=Counter)
    consecutive: Counter[str] = field(default_factory=Counter)
    injected: Counter[str] = field(default_factory=Counter)
    requests: int = 0
    burst_left: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def decide(self, endpoint: str, url: str) -> str | None:
        """The fault for this request, or None to serve it normally."""
        plan = self.plan
        with self.lock:
            self.requests += 1
            n = self.served[url]
            self.served[url] += 1
            fault: str | None = None
            if endpoint in plan.always_fail:
                fault = "500"
            elif self.consecutive[url] >= plan.max_consecutive or not plan.kinds:
                fault = None
            elif self.burst_left > 0:
                self.burst_left -= 1
                fault = "429"
            elif _unit_hash(plan.seed, url, n, "rate") < plan.fail_rate:
                pick = int(_unit_hash(plan.seed, url, n, "kind") * len(plan.kinds))
                fault = plan.kinds[min(pick, len(plan.kinds) - 1)]
                if fault == "429":
                    self.burst_left = max(0, plan.burst - 1)
            self.consecutive[url] = self.consecutive[url] + 1 if fault else 0
            if fault:
                self.injected[fault] += 1
            return fault


def _unit_hash(seed: int, url: str, n: int, salt: str) -> float:
    digest = hashlib.sha256(f"{seed}|{salt}|{url}|{n}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64
