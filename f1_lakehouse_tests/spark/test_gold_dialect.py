"""The per-engine forms gold needs stay in the cross-engine macros, one macro per file, each
with a DuckDB and a Spark implementation (test_dialect.py holds the whole project at zero)."""

from __future__ import annotations

import re

import pytest

from f1_lakehouse.lib.dbt.project import DBT_PROJECT_DIR
from f1_lakehouse.lib.spark.dialect import CROSS_ENGINE_MACROS


@pytest.mark.parametrize("name", ["string_agg_distinct_sorted", "utc_timestamp_text"])
def test_gold_cross_engine_macros_have_both_engines(name: str) -> None:
    text = (DBT_PROJECT_DIR / CROSS_ENGINE_MACROS / f"{name}.sql").read_text()
    defined = set(re.findall(r"{%\s*macro\s+(\w+)\(", text))
    assert defined == {name, f"default__{name}", f"spark__{name}"}
    assert f"adapter.dispatch('{name}')" in text
