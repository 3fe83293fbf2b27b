"""dbt CLI arguments, built by small pure functions so they are tested without dbt."""

from __future__ import annotations

import json
from collections.abc import Sequence

from f1_lakehouse.lib.session_keys import SessionKey


def session_vars(keys: Sequence[str | SessionKey]) -> dict[str, list[str]]:
    """The `--vars` of a partitioned dbt run; every key is validated before it reaches SQL."""
    parsed = sorted({SessionKey.parse(str(key)) for key in keys})
    if not parsed:
        raise ValueError("a partitioned dbt run needs at least one session key")
    return {"session_keys": [str(key) for key in parsed]}


# A test runs with a layer only when all its parents are built by then: a gold test that also
# reads silver (a composite foreign key to silver_drivers) must not run in a silver-only build,
# before gold exists. dbt's default ("eager") would run it there.
INDIRECT_SELECTION = ["--indirect-selection", "buildable"]


# dbt unit tests check SQL logic against fixed rows, not the data a run lands: they run in the
# test suite (f1_lakehouse_tests/dbt), not on every materialisation.
NO_UNIT_TESTS = ["--exclude-resource-type", "unit_test"]


def build_args(keys: Sequence[str | SessionKey] | None = None) -> list[str]:
    """`dbt build` for the selected sessions (or for everything when `keys` is None)."""
    args = ["build", *INDIRECT_SELECTION, *NO_UNIT_TESTS]
    if keys is not None:
        args += ["--vars", json.dumps(session_vars(keys), separators=(",", ":"))]
    return args
