"""One place that resolves where data lives and which source mode is active."""

from __future__ import annotations

import os
from dataclasses import dataclass
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
