"""The acceptance: while a materialisation holds the warehouse, every gold model is readable
through the notebook read path and the API, with the warehouse's row counts."""

import duckdb
import pytest

from f1_lakehouse import read
from f1_lakehouse.lib.dbt.exposures import layer_models, load_manifest
from f1_lakehouse.lib.dbt.project import dbt_project
from f1_lakehouse_tests.dashboard.conftest import hold_warehouse


@pytest.fixture(scope="module")
def gold_counts(pipeline) -> dict[str, int]:
    """Rows of every gold model in the warehouse (read before the lock is taken)."""
    models = layer_models(load_manifest(dbt_project.manifest_path), "gold")
    counts = {m.name: pipeline.query(f"select count(*) from gold.{m.name}")[0][0] for m in models}
    assert len(counts) >= 16 and sum(counts.values()) > 0
    return counts


def test_every_gold_model_is_published(exported, gold_counts):
    published = {n: info["rows"] for n, info in exported.tables.items() if info["layer"] == "gold"}
    assert published == gold_counts
    assert exported.manifest["missing_tables"] == []
    for name, info in exported.tables.items():
        assert exported.table(name).exists(), name
        assert info["columns"] and all(c["name"] and c["type"] for c in info["columns"]), name


def test_read_path_and_api_answer_while_the_warehouse_is_write_locked(
    exported, pipeline, api, gold_counts
):
    with hold_warehouse(pipeline.root):
        with pytest.raises(duckdb.IOException, match="lock"):
            duckdb.connect(str(pipeline.root.warehouse_file), read_only=True)
        frames = {name: read.table(name, root=pipeline.root) for name in gold_counts}
        assert {name: len(frame) for name, frame in frames.items()} == gold_counts
        with read.connect(pipeline.root) as con:
            viewed = {
                name: con.execute(f"select count(*) from {name}").fetchone()[0]
                for name in gold_counts
            }
        assert viewed == gold_counts
        listed = api.get("/v1/tables").json()["tables"]
        assert {n: listed[n]["rows"] for n in gold_counts} == gold_counts
        served = {name: len(api.rows(name)) for name in gold_counts}
        assert served == gold_counts
        # ... and the CLI summary, which reads the published gold too.
        from f1_lakehouse.lib.dbt.gold_summary import gold_rows

        summary = {row[0]: row for row in gold_rows(pipeline.root)}
        assert summary["2018-04-R"][5] == "HAM"
