"""FastF1 in `live` or `replay` mode: the real FastF1 code, fed by the network or by recordings.

Replay follows FastF1's own offline test recipe: the recorded requests-cache FileCache is
extracted once under the data root, the cache is put in offline mode and made read-only, the
function (pickle) cache is disabled so FastF1's parsers always run, and any request that would
leave the machine is refused.
"""

from __future__ import annotations

import hashlib
import logging
import tarfile
import threading
import zlib
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import requests

from f1_lakehouse.lib.local_faults import CorruptFile
from f1_lakehouse.lib.session_keys import SessionKey, session_code
from f1_lakehouse.lib.settings import BUNDLED_DATA, DataRoot, SourceMode

if TYPE_CHECKING:
    import fastf1.core
    import pandas as pd

# FastF1 itself (and pandas, ~0.4 s) is imported on first use (about a second): processes that never load a FastF1
# session (OpenF1 and gold runs, sensors, the webserver's code server) do not pay for it.

REPLAY_TARBALL = BUNDLED_DATA / "replay" / "fastf1" / "fastf1-test-data_http_cache.tar.gz"
REPLAY_FOLDER = "fastf1-replay"  # under the data root's cache/
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_SESSION_COLUMNS = [f"Session{i}" for i in range(1, 6)]
_configured: tuple[SourceMode, Path] | None = None
_lock = threading.Lock()
log = logging.getLogger(__name__)


class NetworkBlocked(ConnectionError):
    """Replay mode refused a request that would have left the machine."""


class SessionNotInSchedule(LookupError):
    """The partition key names a session the season's calendar does not have."""


def configure(mode: SourceMode, root: DataRoot, again: bool = False) -> None:
    """Point FastF1 at its cache for `mode`; idempotent within a process unless `again` (a
    forked worker makes FastF1's cache objects anew)."""
    from fastf1.req import Cache

    global _configured
    with _lock:
        if _configured == (mode, root.path) and not again:
            return
        if mode == "replay":
            _configure_replay(root.cache / REPLAY_FOLDER)
        else:
            cache_dir = root.cache / "fastf1"
            cache_dir.mkdir(parents=True, exist_ok=True)
            Cache.offline_mode(False)
            Cache.enable_cache(str(cache_dir))
        _configured = (mode, root.path)


def prepare_recordings(mode: SourceMode, root: DataRoot) -> None:
    """Replay: extract the shipped recordings under the data root, without importing FastF1 (a
    step whose sessions load in worker processes does this once, before they fork; a corrupt
    tarball then fails the step itself, naming the file)."""
    if mode == "replay":
        _extract_recordings(root.cache / REPLAY_FOLDER)


def _configure_replay(folder: Path) -> None:
    import requests_cache
    from fastf1.req import Cache

    http_cache = _extract_recordings(folder)
    func_cache = folder / "func_cache"
    func_cache.mkdir(parents=True, exist_ok=True)
    Cache.configure(
        cache_dir=str(func_cache),
        _backend=requests_cache.backends.filesystem.FileCache(str(http_cache)),
    )
    # Never write to the recordings, never use pickles, never go online.
    Cache._requests_session_cached.settings.allowable_codes = ()
    Cache.offline_mode(True)
    Cache.set_disabled(disable_http_cache=False, disable_func_cache=True)
    _block_network()


def _extract_recordings(folder: Path) -> Path:
    """Extract the shipped recordings once per tarball version (a fresh copy: FileCache writes
    a redirects.sqlite beside the entries)."""
    digest = hashlib.sha256(REPLAY_TARBALL.read_bytes()).hexdigest()[:16]
    target = folder / digest
    marker = target / ".complete"
    if not marker.exists():
        target.mkdir(parents=True, exist_ok=True)
        try:
            with tarfile.open(REPLAY_TARBALL) as tar:
                tar.extractall(target, filter="data")
        except (tarfile.TarError, EOFError, zlib.error) as exc:
            raise CorruptFile(
                REPLAY_TARBALL, exc, "restore the shipped recordings (git checkout -- data/)"
            ) from exc
        marker.touch()
    return target / "http_cache"


def _block_network() -> None:
    """Refuse non-loopback requests (loopback stays open for the OpenF1 replay server)."""
    if getattr(requests.Session.send, "_f1_lakehouse_guard", False):
        return
    original = requests.Session.send

    def guarded_send(self, request, **kwargs):  # type: ignore[no-untyped-def]
        host = urlsplit(request.url).hostname or ""
        if host not in LOOPBACK_HOSTS:
            raise NetworkBlocked(f"replay mode: refusing a network request to {request.url}")
        return original(self, request, **kwargs)

    guarded_send._f1_lakehouse_guard = True  # type: ignore[attr-defined]
    requests.Session.send = guarded_send  # type: ignore[method-assign]


def event_schedule(season: int) -> pd.DataFrame:
    """The season's calendar from FastF1, without testing events."""
    import fastf1

    return fastf1.get_event_schedule(season, include_testing=False)


def schedule_sessions(season: int, schedule: pd.DataFrame) -> pd.DataFrame:
    """One row per session of a calendar with its partition code, cancelled/testing excluded."""
    import pandas as pd  # on first use: processes without a FastF1 step never load it

    rows = []
    for _, event in schedule.iterrows():
        round_number = int(event["RoundNumber"])
        if round_number < 1 or str(event.get("EventFormat", "")).lower() == "testing":
            continue
        for i, column in enumerate(_SESSION_COLUMNS, start=1):
            name = event.get(column)
            code = session_code(season, name)
            if code is None:
                continue
            start = event.get(f"Session{i}DateUtc")
            rows.append(
                {
                    "partition_key": str(SessionKey(season, round_number, code)),
                    "season": season,
                    "round": round_number,
                    "session_code": code,
                    "session_name": str(name),
                    "event_name": str(event["EventName"]),
                    "event_format": str(event["EventFormat"]),
                    "country": str(event["Country"]),
                    "location": str(event["Location"]),
                    "session_start_utc": pd.Timestamp(start) if pd.notna(start) else pd.NaT,
                }
            )
    return pd.DataFrame(rows)


def session_name_for(key: SessionKey) -> str:
    """The calendar's name of the session behind a partition key (e.g. 2023 SQ → Sprint Shootout)."""
    sessions = schedule_sessions(key.season, event_schedule(key.season))
    match = sessions[sessions["partition_key"] == str(key)] if len(sessions) else sessions
    if match.empty:
        raise SessionNotInSchedule(
            f"session {key} is not in the {key.season} calendar "
            f"(no {key.code} session in round {key.round})"
        )
    return str(match.iloc[0]["session_name"])


def load_session(key: SessionKey, telemetry: bool) -> fastf1.core.Session:
    """Load one session once, with every table FastF1 has for it."""
    import fastf1

    session = fastf1.get_session(key.season, key.round, session_name_for(key))
    session.load(laps=True, telemetry=telemetry, weather=True, messages=True)
    return session
