"""Every environment variable the lakehouse reads, in one module.

Nothing else reads (or writes) `os.environ` (f1_lakehouse_tests/lib/test_settings_only.py
checks): a reader finds every knob here, and a run never changes another run's settings. The
README's "Settings" table lists the user-facing ones."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

REPO_ROOT = Path(__file__).resolve().parents[2]
BUNDLED_DATA = REPO_ROOT / "data"
DEFAULT_ROOT = REPO_ROOT / ".lakehouse"

SourceMode = Literal["live", "replay"]
SOURCE_MODES: tuple[SourceMode, ...] = ("live", "replay")


class SettingsError(ValueError):
    """A setting has a value the lakehouse cannot work with."""


@dataclass(frozen=True)
class DataRoot:
    """The single data root (the external SSD) and the folders beneath it."""

    path: Path

    @property
    def bronze(self) -> Path:
        return self.path / "bronze"

    @property
    def cache(self) -> Path:
        return self.path / "cache"

    @property
    def warehouse(self) -> Path:
        return self.path / "warehouse"

    @property
    def dagster_home(self) -> Path:
        return self.path / "dagster_home"

    @property
    def warehouse_file(self) -> Path:
        return self.warehouse / "f1.duckdb"

    def subdirs(self) -> tuple[Path, ...]:
        return (self.bronze, self.cache, self.warehouse, self.dagster_home)


def data_root() -> DataRoot:
    """The data root from `F1_LAKEHOUSE_ROOT`, else `.lakehouse/` in the checkout (git-ignored)."""
    raw = os.environ.get("F1_LAKEHOUSE_ROOT", "").strip()
    return DataRoot(Path(raw).expanduser().resolve() if raw else DEFAULT_ROOT)


def source_mode() -> SourceMode:
    """`replay` (recorded responses, the default offline) or `live` (the real APIs)."""
    mode = os.environ.get("F1_LAKEHOUSE_SOURCE", "replay").strip().lower() or "replay"
    if mode not in SOURCE_MODES:
        raise SettingsError(
            f"F1_LAKEHOUSE_SOURCE={mode!r} is not a source mode; use one of {', '.join(SOURCE_MODES)}"
        )
    return mode  # type: ignore[return-value]


def require_mount() -> bool:
    """`F1_LAKEHOUSE_REQUIRE_MOUNT=1`: the root must sit on a mounted volume of its own."""
    return os.environ.get("F1_LAKEHOUSE_REQUIRE_MOUNT", "").strip() == "1"


def allow_ram_root() -> bool:
    """`F1_LAKEHOUSE_ALLOW_RAM_ROOT=1`: accept a tmpfs/ramfs root under REQUIRE_MOUNT (tests)."""
    return os.environ.get("F1_LAKEHOUSE_ALLOW_RAM_ROOT", "").strip() == "1"


def _int_setting(name: str, default: int, minimum: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise SettingsError(f"{name}={value} is below its minimum {minimum}")
    return value


def fastf1_workers() -> int:
    """`F1_LAKEHOUSE_FASTF1_WORKERS`: processes a replayed backfill loads FastF1 sessions in
    (lib/fastf1/parallel.py); default one per core, at most 4 (each holds a session's frames)."""
    return _int_setting("F1_LAKEHOUSE_FASTF1_WORKERS", min(os.cpu_count() or 1, 4), 1)


def export_keep_generations() -> int:
    """`F1_LAKEHOUSE_EXPORT_KEEP`: superseded export generations kept besides the live one
    (readers that resolved the pointer just before a swap still find their files)."""
    return _int_setting("F1_LAKEHOUSE_EXPORT_KEEP", 2, 0)


def publish_silver() -> bool:
    """`F1_LAKEHOUSE_PUBLISH_SILVER=1`: publish every silver model too, not only gold (silver
    telemetry is large, so it is opt-in)."""
    return os.environ.get("F1_LAKEHOUSE_PUBLISH_SILVER", "").strip() == "1"


def api_token() -> str | None:
    """`F1_LAKEHOUSE_API_TOKEN`: the bearer token the read API requires (needed to bind it to
    anything but loopback)."""
    return os.environ.get("F1_LAKEHOUSE_API_TOKEN", "").strip() or None


def api_max_rows() -> int:
    """`F1_LAKEHOUSE_API_MAX_ROWS`: the most rows one API response carries (the hard cap)."""
    return _int_setting("F1_LAKEHOUSE_API_MAX_ROWS", 10_000, 1)


def dagster_home_is_set() -> bool:
    """Whether `DAGSTER_HOME` names an instance (the CLI reads run history from it if so)."""
    return bool(os.environ.get("DAGSTER_HOME", "").strip())


def dbt_target() -> str:
    """`F1_LAKEHOUSE_DBT_TARGET`: the dbt profile target the Dagster dbt assets build on (dev,
    stage, prod on DuckDB; spark; databricks...); "" is the profile's default (dev).
    `f1_lakehouse.lib.dbt.engine` validates it."""
    return os.environ.get("F1_LAKEHOUSE_DBT_TARGET", "").strip()


SEASONS_ENV = "F1_LAKEHOUSE_SEASONS"


def seasons(now: datetime | None = None) -> list[int]:
    """`F1_LAKEHOUSE_SEASONS` (comma-separated) or the current season: what the calendar
    asset refreshes when its config names none."""
    raw = os.environ.get(SEASONS_ENV, "").strip()
    if not raw:
        return [(now or datetime.now(UTC)).year]
    try:
        return sorted({int(part) for part in raw.split(",") if part.strip()})
    except ValueError:
        raise SettingsError(
            f"{SEASONS_ENV}={raw!r} must be comma-separated years, e.g. 2023,2024"
        ) from None


OPENF1_URL_ENV = "F1_LAKEHOUSE_OPENF1_URL"


def openf1_url() -> str:
    """`F1_LAKEHOUSE_OPENF1_URL`: an OpenF1 base URL to use instead of the mode's default
    ("" when unset)."""
    return os.environ.get(OPENF1_URL_ENV, "").strip()


NOW_ENV = "F1_LAKEHOUSE_NOW"


def frozen_now_text() -> str:
    """`F1_LAKEHOUSE_NOW`: the instant the automation's clock is frozen at, as given ("" when
    unset; `f1_lakehouse.lib.clock` parses it)."""
    return os.environ.get(NOW_ENV, "").strip()


AUTOMATION_ENV = "F1_LAKEHOUSE_AUTOMATION"
SENSOR_INTERVAL_ENV = "F1_LAKEHOUSE_SENSOR_INTERVAL_SECONDS"
PUBLISH_DELAY_ENV = "F1_LAKEHOUSE_PUBLISH_DELAY_MINUTES"
GIVE_UP_ENV = "F1_LAKEHOUSE_GIVE_UP_HOURS"


def automation_enabled() -> bool:
    """`F1_LAKEHOUSE_AUTOMATION=on` starts sensors and schedules with the daemon; otherwise
    they are switched on in the UI (Automation tab)."""
    return os.environ.get(AUTOMATION_ENV, "").strip().lower() in {"1", "on", "true", "yes"}


def sensor_interval_seconds() -> int:
    """`F1_LAKEHOUSE_SENSOR_INTERVAL_SECONDS`: how often the sensors tick (default 60)."""
    return int(os.environ.get(SENSOR_INTERVAL_ENV, "").strip() or 60)


def _non_negative_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} must be a number") from None
    if value < 0:
        raise SettingsError(f"{name}={raw!r} must not be negative")
    return value


def publish_delay_minutes() -> float:
    """`F1_LAKEHOUSE_PUBLISH_DELAY_MINUTES`: how long after a session's end its data is
    expected (default 30)."""
    return _non_negative_number(PUBLISH_DELAY_ENV, 30)


def give_up_hours() -> float:
    """`F1_LAKEHOUSE_GIVE_UP_HOURS`: how long after a session's end the automation stops
    waiting for its data (default 72)."""
    return _non_negative_number(GIVE_UP_ENV, 72)


def live_lag_seconds() -> int:
    """`F1_LAKEHOUSE_LIVE_LAG_SECONDS`: how far behind now a live poll's window ends, for the
    time OpenF1 takes to publish a row (a row that late would otherwise be skipped)."""
    return _int_setting("F1_LAKEHOUSE_LIVE_LAG_SECONDS", 5, 0)


def openf1_token() -> str | None:
    """`F1_LAKEHOUSE_OPENF1_TOKEN`: the OpenF1 account's access token its live data needs
    (sent as a bearer token, never logged)."""
    return os.environ.get("F1_LAKEHOUSE_OPENF1_TOKEN", "").strip() or None


def clock_speed() -> float | None:
    """`F1_LAKEHOUSE_CLOCK_SPEED`: with `F1_LAKEHOUSE_NOW`, the simulated clock advances this
    many times faster than the wall clock (replay at pace); unset, `NOW` stays frozen."""
    raw = os.environ.get("F1_LAKEHOUSE_CLOCK_SPEED", "").strip()
    if not raw:
        return None
    try:
        speed = float(raw)
    except ValueError:
        raise SettingsError(f"F1_LAKEHOUSE_CLOCK_SPEED={raw!r} is not a number") from None
    if speed <= 0:
        raise SettingsError(f"F1_LAKEHOUSE_CLOCK_SPEED={raw!r} must be positive")
    return speed


def clock_started() -> float:
    """`F1_LAKEHOUSE_CLOCK_STARTED`: the wall-clock instant (Unix seconds) the simulated clock
    read `F1_LAKEHOUSE_NOW`, so every process of a replay reads the same simulated now."""
    raw = os.environ.get("F1_LAKEHOUSE_CLOCK_STARTED", "").strip()
    try:
        return float(raw)
    except ValueError:
        raise SettingsError(
            f"F1_LAKEHOUSE_CLOCK_STARTED={raw!r}: with F1_LAKEHOUSE_CLOCK_SPEED it must be the "
            "Unix time the simulated clock started (e.g. $(date +%s))"
        ) from None


def live_poll_seconds() -> int:
    """`F1_LAKEHOUSE_LIVE_POLL_SECONDS`: how often the live sensor asks for a poll (the rate
    budget may make a poll take longer: the next one waits, it is never stacked)."""
    return _int_setting("F1_LAKEHOUSE_LIVE_POLL_SECONDS", 5, 1)


def replay_at_pace() -> bool:
    """`F1_LAKEHOUSE_REPLAY_PACE=1`: the in-process replay server serves only what OpenF1 had
    published by the clock's now (`F1_LAKEHOUSE_NOW`, frozen or advancing), so a recorded
    session can be followed live."""
    return os.environ.get("F1_LAKEHOUSE_REPLAY_PACE", "").strip() == "1"


def live_view_seconds() -> int:
    """`F1_LAKEHOUSE_LIVE_VIEW_SECONDS`: how often the dashboard's live view re-reads the newest
    published generation."""
    return _int_setting("F1_LAKEHOUSE_LIVE_VIEW_SECONDS", 5, 1)


def live_following_enabled() -> bool:
    """`F1_LAKEHOUSE_LIVE=on`: the live sensor starts with the daemon (its own switch: following
    a session spends the OpenF1 budget every few seconds); otherwise it is started in the UI."""
    return os.environ.get("F1_LAKEHOUSE_LIVE", "").strip().lower() in {"1", "on", "true", "yes"}
