"""The DuckDB targets bound DuckDB's memory (its default, 80 % of RAM, let a build over the whole
history hold ~8.5 GB), and the bound is a setting."""

from __future__ import annotations

import pytest

from f1_lakehouse.lib.root_setup import init_root
from f1_lakehouse.lib.settings import DataRoot
from f1_lakehouse_tests.dbt.dbt_cli import run_dbt

SHOW_LIMIT = ["show", "--inline", "select current_setting('memory_limit') as memory_limit"]


@pytest.mark.parametrize(
    ("setting", "shown"), [(None, "488.2 MiB"), ("1GB", "953.6 MiB")], ids=["default", "set"]
)
def test_dbt_on_duckdb_runs_with_the_memory_limit(tmp_path, monkeypatch, setting, shown):
    if setting is None:
        monkeypatch.delenv("F1_LAKEHOUSE_DUCKDB_MEMORY_LIMIT", raising=False)
    else:
        monkeypatch.setenv("F1_LAKEHOUSE_DUCKDB_MEMORY_LIMIT", setting)
    root = DataRoot(tmp_path / "root")
    init_root(root, require_mount=False)
    run = run_dbt(SHOW_LIMIT, root, tmp_path / "dbt")
    assert run.returncode == 0, run.output[-3000:]
    assert shown in run.output
