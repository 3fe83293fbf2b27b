"""dbt data tests as ONE Dagster asset check per model (`dbt_tests`), not one per test.

Every asset check costs Dagster two stored events per run (planned, evaluated), each a few
SQLite commits; with ~250 dbt tests that was seconds of bookkeeping on every session, more than
the SQL. So the tests still all run with the model (`dbt build`), and a failing test still fails
the step, but Dagster records one check per model whose metadata lists every test's outcome.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtProject
from dagster_dbt.asset_utils import get_asset_check_key_for_test

CHECK_NAME = "dbt_tests"
PASSED = "pass"
WARNED = "warn"


@dataclass(frozen=True)
class DbtTestOutcome:
    """One dbt test's result, as dbt reported it."""

    name: str
    status: str  # pass, fail, warn, error, skipped
    failures: int = 0
    message: str = ""


def model_check_specs(
    test_check_specs: Iterable[dg.AssetCheckSpec],
) -> list[dg.AssetCheckSpec]:
    """One `dbt_tests` check for every asset that has at least one dbt test."""
    keys = sorted({spec.asset_key for spec in test_check_specs}, key=lambda k: k.to_string())
    return [
        dg.AssetCheckSpec(
            CHECK_NAME,
            asset=key,
            description="Every dbt data test on this model passed (each test's outcome is in the metadata).",
        )
        for key in keys
    ]


def asset_of_test(
    manifest: Mapping[str, Any],
    translator: DagsterDbtTranslator,
    test_unique_id: str,
    project: DbtProject | None,
) -> dg.AssetKey | None:
    """The asset a dbt test checks (its attached model), as dagster-dbt decides it."""
    key = get_asset_check_key_for_test(manifest, translator, test_unique_id, project=project)
    return key.asset_key if key else None


def outcome_from_event(raw: Mapping[str, Any]) -> DbtTestOutcome:
    """A `LogTestResult` event (as dbt's JSON log line) as a `DbtTestOutcome`."""
    data = raw["data"]
    node = data["node_info"]
    return DbtTestOutcome(
        name=node.get("node_name") or node["unique_id"].split(".")[-2],
        status=str(data.get("status") or node.get("node_status", "")).lower(),
        failures=int(data.get("num_failures") or 0),
        message=str(raw.get("info", {}).get("msg", "")),
    )


def check_result(asset: dg.AssetKey, outcomes: Sequence[DbtTestOutcome]) -> dg.AssetCheckResult:
    """Passed only when every test passed; a warning alone gives a WARN-severity failure."""
    bad = [o for o in outcomes if o.status != PASSED]
    errors = [o for o in bad if o.status != WARNED]
    return dg.AssetCheckResult(
        asset_key=asset,
        check_name=CHECK_NAME,
        passed=not bad,
        severity=dg.AssetCheckSeverity.ERROR if errors else dg.AssetCheckSeverity.WARN,
        metadata={
            "tests": len(outcomes),
            "passed": len(outcomes) - len(bad),
            "not_passed": dg.MetadataValue.json(
                [{"test": o.name, "status": o.status, "failures": o.failures} for o in bad]
            ),
            "results": dg.MetadataValue.md(_results_table(outcomes)),
        },
    )


def group_by_asset(
    outcomes: Iterable[tuple[dg.AssetKey | None, DbtTestOutcome]],
) -> dict[dg.AssetKey, list[DbtTestOutcome]]:
    grouped: dict[dg.AssetKey, list[DbtTestOutcome]] = defaultdict(list)
    for asset, outcome in outcomes:
        if asset is not None:
            grouped[asset].append(outcome)
    return dict(grouped)


def _results_table(outcomes: Sequence[DbtTestOutcome]) -> str:
    rows = [
        f"| {o.name} | {o.status} | {o.failures} |" for o in sorted(outcomes, key=lambda o: o.name)
    ]
    return "\n".join(["| test | status | failing rows |", "|---|---|---|", *rows])
