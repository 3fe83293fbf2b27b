"""The one parser and formatter of session partition keys (`{season}-{round:02d}-{code}`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

SESSION_CODES: tuple[str, ...] = ("FP1", "FP2", "FP3", "SQ", "S", "Q", "R")
KEY_FORM = "{season}-{round:02d}-{code}, e.g. 2024-18-R, with code one of " + " ".join(
    SESSION_CODES
)
# ASCII digits only: `\d` also matches other scripts' digits, which int() reads ("٢٠١٨" is 2018),
# so a key spelt in them would land under the ASCII one's folders.
_KEY_RE = re.compile(r"(?P<season>[0-9]{4})-(?P<round>[0-9]{2})-(?P<code>[A-Z0-9]{1,3})")
FIRST_SEASON = 1950
LAST_SEASON = 2100


class InvalidSessionKey(ValueError):
    """A partition key that is not `{season}-{round:02d}-{code}`."""


@dataclass(frozen=True, order=True)
class SessionKey:
    """One F1 session: the unit of partitioning, storage and re-processing."""

    season: int
    round: int
    code: str

    def __post_init__(self) -> None:
        if not FIRST_SEASON <= self.season <= LAST_SEASON:
            raise InvalidSessionKey(
                f"season {self.season} is outside {FIRST_SEASON}..{LAST_SEASON}"
            )
        if not 1 <= self.round <= 99:
            raise InvalidSessionKey(
                f"round {self.round} is outside 1..99 (testing has no partitions)"
            )
        if self.code not in SESSION_CODES:
            raise InvalidSessionKey(
                f"session code {self.code!r} is not one of {' '.join(SESSION_CODES)}"
            )

    @classmethod
    def parse(cls, key: str) -> SessionKey:
        """Validate a partition key before it touches a path or SQL."""
        match = _KEY_RE.fullmatch(key) if isinstance(key, str) else None
        if match is None:
            raise InvalidSessionKey(f"malformed session partition key {key!r}: expected {KEY_FORM}")
        try:
            return cls(int(match["season"]), int(match["round"]), match["code"])
        except InvalidSessionKey as exc:
            raise InvalidSessionKey(
                f"invalid session partition key {key!r}: {exc}; expected {KEY_FORM}"
            ) from None

    def __str__(self) -> str:
        return f"{self.season}-{self.round:02d}-{self.code}"

    @property
    def hive_path(self) -> str:
        """The hive-partition folders of this session under a bronze table."""
        return f"season={self.season}/round={self.round:02d}/session={self.code}"


@dataclass(frozen=True, order=True)
class SeasonKey:
    """A whole season: the unit of the calendar."""

    season: int

    def __post_init__(self) -> None:
        if not FIRST_SEASON <= self.season <= LAST_SEASON:
            raise InvalidSessionKey(
                f"season {self.season} is outside {FIRST_SEASON}..{LAST_SEASON}"
            )

    def __str__(self) -> str:
        return str(self.season)

    @property
    def hive_path(self) -> str:
        return f"season={self.season}"


# Session names as the schedules spell them. 2021's "Sprint Qualifying" was the sprint race
# itself; from 2023 the sprint had its own qualifying ("Sprint Shootout", then from 2024
# "Sprint Qualifying").
_FIXED_NAMES = {
    "practice 1": "FP1",
    "practice 2": "FP2",
    "practice 3": "FP3",
    "qualifying": "Q",
    "race": "R",
    "sprint": "S",
    "sprint race": "S",
    "sprint shootout": "SQ",
}


def session_code(season: int, session_name: str | None) -> str | None:
    """Normalise a schedule's session name to a code; None for names that are not sessions."""
    if not session_name:
        return None
    name = " ".join(str(session_name).split()).lower()
    if name == "sprint qualifying":
        return "S" if season <= 2022 else "SQ"
    return _FIXED_NAMES.get(name)
