"""Gold against the official classification, per session: the verdict of the reconciliation.

`gold.classification_reconciliation` (dbt) holds one row per session, driver and field with our
value, Jolpica's and whether they agree. This module turns those rows into what a user sees in
the Dagster UI: per session, drivers exact / total per field, and every differing driver and
field. A gold disagreement fails the check unless it is a documented source disagreement (then
it is reported as known, not as a pass); the classification derived from timing alone is
compared too and reported, never failed (time penalties are not in the timing data).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import dagster as dg

CHECK_NAME = "classification_matches_official"
COLUMNS = (
    "session_id", "driver_number", "driver_key", "comparison", "field", "ours", "official",
    "agrees", "known_disagreement",
)  # fmt: skip
QUERY = f"""
    select {", ".join(COLUMNS)}
    from gold.classification_reconciliation
    order by session_id, comparison, field, driver_number
"""


@dataclass(frozen=True)
class Comparison:
    """One field of one driver in one session: ours against the official value."""

    session_id: str
    driver_number: str
    driver_key: str | None
    comparison: str  # gold | derived
    field: str
    ours: str | None
    official: str
    agrees: bool
    known_disagreement: str | None = None

    def describe(self) -> str:
        driver = self.driver_key or f"#{self.driver_number}"
        return f"{driver} {self.field}: ours {self.ours if self.ours is not None else 'null'}, official {self.official}"


@dataclass
class SessionVerdict:
    """How one session's gold (and its derived classification) compares with the official one."""

    session_id: str
    exact: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    failures: list[Comparison] = field(default_factory=list)
    known: list[Comparison] = field(default_factory=list)
    derived_exact: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    derived_differences: list[Comparison] = field(default_factory=list)

    def add(self, row: Comparison) -> None:
        counts = self.exact if row.comparison == "gold" else self.derived_exact
        counts[row.field][1] += 1
        if row.agrees:
            counts[row.field][0] += 1
        elif row.comparison == "derived":
            self.derived_differences.append(row)
        elif row.known_disagreement:
            self.known.append(row)
        else:
            self.failures.append(row)

    @property
    def status(self) -> str:
        if self.failures:
            return "fail"
        return "known disagreement" if self.known else "pass"

    def summary(self) -> dict[str, object]:
        return {
            "status": self.status,
            "exact": {name: f"{ok}/{total}" for name, (ok, total) in sorted(self.exact.items())},
            "differences": [row.describe() for row in self.failures],
            "known": [f"{row.describe()} ({row.known_disagreement})" for row in self.known],
            "derived_exact": {
                name: f"{ok}/{total}" for name, (ok, total) in sorted(self.derived_exact.items())
            },
            "derived_differences": [row.describe() for row in self.derived_differences],
        }


def verdicts(rows: Iterable[Sequence[object]]) -> dict[str, SessionVerdict]:
    """Rows of QUERY, grouped into one verdict per session."""
    sessions: dict[str, SessionVerdict] = {}
    for values in rows:
        row = Comparison(**dict(zip(COLUMNS, values, strict=True)))  # type: ignore[arg-type]
        sessions.setdefault(row.session_id, SessionVerdict(row.session_id)).add(row)
    return sessions


def check_result(asset: dg.AssetKey, sessions: dict[str, SessionVerdict]) -> dg.AssetCheckResult:
    """Fails when any session's gold disagrees with the official result, naming driver and field."""
    failing = sorted(s for s, v in sessions.items() if v.status == "fail")
    return dg.AssetCheckResult(
        asset_key=asset,
        check_name=CHECK_NAME,
        passed=not failing,
        severity=dg.AssetCheckSeverity.ERROR,
        description=(
            f"{len(sessions) - len(failing)} of {len(sessions)} sessions with an official result agree"
            + (f"; differing: {', '.join(failing)}" if failing else "")
        ),
        metadata={
            "sessions_compared": len(sessions),
            "sessions_failing": dg.MetadataValue.json(failing),
            "by_session": dg.MetadataValue.json(
                {session: v.summary() for session, v in sorted(sessions.items())}
            ),
            "differences": dg.MetadataValue.md(_differences_table(sessions)),
        },
    )


def _differences_table(sessions: dict[str, SessionVerdict]) -> str:
    rows = [
        f"| {s} | {kind} | {row.describe()} |"
        for s, v in sorted(sessions.items())
        for kind, found in (
            ("fails", v.failures),
            ("known", v.known),
            ("derived", v.derived_differences),
        )
        for row in found
    ]
    if not rows:
        return "Every compared field of every session agrees with the official classification."
    return "\n".join(["| session | kind | difference |", "|---|---|---|", *rows])
