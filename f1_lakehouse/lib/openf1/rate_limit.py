"""A client-side rate limiter with two budgets: per second and per sliding window.

OpenF1 answers "Rate exceeded" (429) once a client goes past its budget (about 30 requests per
10 s in 2024, stated as per second and per minute since), and a 429 costs a Retry-After wait. It
is cheaper to never send the request that would be refused. The clock and sleep are injectable
so the limiter is tested without real waiting. `per_second=math.inf` lifts the per-second
budget (a replay server on loopback has none); a Retry-After pause still holds.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

Clock = Callable[[], float]
Sleep = Callable[[float], None]


class RateLimiter:
    """Blocks `acquire()` until a request fits both budgets; `pause()` honours a Retry-After."""

    def __init__(
        self,
        per_second: float,
        per_window: int,
        window_seconds: float,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
        slack: float = 0.0,
    ) -> None:
        if per_second <= 0 or per_window <= 0 or window_seconds <= 0:
            raise ValueError(
                "rate limits must be positive: "
                f"per_second={per_second}, per_window={per_window}, window_seconds={window_seconds}"
            )
        self.per_second = per_second
        self.per_window = per_window
        self.window_seconds = window_seconds
        # Extra seconds on every budget wait: requests reach the server after varying delays,
        # so one sent exactly a window after another can arrive inside the server's window.
        self.slack = slack
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()
        self._paused_until = 0.0
        self._lock = threading.Lock()
        self.waited_seconds = 0.0

    def _wait_needed(self, now: float) -> float:
        """Seconds until one more request fits every budget (0 if it fits now)."""
        horizon = max(self.window_seconds, 1.0)
        while self._sent and self._sent[0] <= now - horizon:
            self._sent.popleft()
        waits = [self._paused_until - now]
        if len(self._sent) >= self.per_window:
            # The oldest request still inside the window must leave it first.
            oldest_in_window = self._sent[len(self._sent) - self.per_window]
            waits.append(oldest_in_window + self.window_seconds + self.slack - now)
        # Spread requests evenly within a second: at most per_second in any 1 s span.
        burst = max(1, int(self.per_second)) if math.isfinite(self.per_second) else math.inf
        if len(self._sent) >= burst:
            waits.append(self._sent[len(self._sent) - int(burst)] + 1.0 + self.slack - now)
        if self.per_second < 1 and self._sent:
            waits.append(self._sent[-1] + 1.0 / self.per_second - now)
        return max(0.0, *waits)

    def acquire(self) -> float:
        """Wait for a slot and take it; returns the seconds waited."""
        waited = 0.0
        with self._lock:
            while True:
                now = self._clock()
                wait = self._wait_needed(now)
                if wait <= 0:
                    self._sent.append(now)
                    self.waited_seconds += waited
                    return waited
                self._sleep(wait)
                waited += wait

    def pause(self, seconds: float) -> None:
        """Hold every request back for `seconds` (the server said so with Retry-After)."""
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + seconds)
