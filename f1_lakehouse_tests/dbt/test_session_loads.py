"""The silver load log records only sessions a model holds: a silver run for a valid key with no
bronze adds no (phantom) rows, and one for a landed session replaces that session's rows."""

import duckdb

from f1_lakehouse.lib.dbt.args import build_args
from f1_lakehouse.lib.dbt.selection import SILVER_SELECT
from f1_lakehouse_tests.dbt.dbt_cli import copy_root, run_dbt

LOADS = "select model, session_id from silver.session_loads order by all"


def test_a_key_with_no_bronze_adds_no_session_loads(pipeline, tmp_path):
    root = copy_root(pipeline.root, tmp_path / "root", bronze=True)
    before = pipeline.query(LOADS)
    assert ("silver_laps", "2018-04-R") in before
    run = run_dbt(
        [*build_args(["2019-01-R", "2018-04-R"]), "--select", SILVER_SELECT], root, tmp_path / "run"
    )
    assert run.returncode == 0, run.output[-3000:]
    with duckdb.connect(str(root.warehouse_file), read_only=True) as con:
        after = con.execute(LOADS).fetchall()
        reloaded = con.execute(
            "select count(distinct load_id) from silver.session_loads where session_id = '2018-04-R'"
        ).fetchone()[0]
    assert not [row for row in after if row[1] == "2019-01-R"]  # no bronze: nothing logged
    assert after == before  # the landed session logged again for the same models
    assert reloaded == 1  # ... all by this run
