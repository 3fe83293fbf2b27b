"""The dbt project itself: test and contract coverage, targets, a build with no bronze at all,
and offline docs."""

import json
import re

import duckdb
import pytest

from f1_lakehouse.lib.dbt.project import DBT_PROJECT_DIR, dbt_project
from f1_lakehouse.lib.root_setup import init_root
from f1_lakehouse.lib.settings import DataRoot
from f1_lakehouse_tests.dbt.dbt_cli import rules_in, run_dbt


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads(dbt_project.manifest_path.read_text())


def _nodes(manifest: dict, resource_type: str) -> list[dict]:
    nodes = list(manifest["nodes"].values()) + list(manifest.get("unit_tests", {}).values())
    return [n for n in nodes if n["resource_type"] == resource_type]


def test_at_least_100_data_test_rules_100_gold_constraints_and_10_unit_tests(manifest):
    """Row rules of table-materialised gold models are enforced contract constraints; rules
    across rows and tables, and every silver rule, are data tests (a model's key rules and
    silver's row rules folded into one test each: one query, one dbt node)."""
    tests = _nodes(manifest, "test")
    assert sum(rules_in(test) for test in tests) >= 100
    key_rules = [
        t["attached_node"]
        for t in tests
        if (t.get("test_metadata") or {}).get("name") == "key_rules"
    ]
    assert len(key_rules) == len(set(key_rules)) >= 30  # one per model
    gold = [n for n in _nodes(manifest, "model") if n["fqn"][1] == "gold"]
    constraints = [
        c
        for node in gold
        for c in [
            *node["constraints"],
            *(c for col in node["columns"].values() for c in col["constraints"]),
        ]
    ]
    assert len(constraints) >= 100
    assert len(_nodes(manifest, "unit_test")) >= 10


def test_every_gold_model_has_an_enforced_contract(manifest):
    gold = [n for n in _nodes(manifest, "model") if n["fqn"][1] == "gold"]
    assert len(gold) >= 16
    for node in gold:
        assert node["config"]["contract"]["enforced"], node["name"]
        assert node["columns"], node["name"]
        assert all(c.get("data_type") for c in node["columns"].values()), node["name"]


def test_every_gold_column_is_described(manifest):
    """Analysts read these in the Dagster UI (dagster-dbt's column schema): units, derivation and
    what null means belong to the column, not to the SQL."""
    gold = [n for n in _nodes(manifest, "model") if n["fqn"][1] == "gold"]
    assert len(gold) >= 16
    undescribed = [
        f"{node['name']}.{name}"
        for node in gold
        for name, column in node["columns"].items()
        if not column.get("description", "").strip()
    ]
    assert undescribed == []


def test_every_gold_model_and_its_unit_tests_are_in_its_own_yml(manifest):
    """A reader finds a gold model's description, contract, tests and unit tests in one file
    beside its SQL: models/gold/<model>.yml."""
    gold = [n for n in _nodes(manifest, "model") if n["fqn"][1] == "gold"]
    elsewhere = [
        n["name"] for n in gold if n["patch_path"] != f"f1_lakehouse://models/gold/{n['name']}.yml"
    ]
    assert elsewhere == []
    gold_names = {n["name"] for n in gold}
    misplaced = [
        test["name"]
        for test in _nodes(manifest, "unit_test")
        if test["model"] in gold_names
        and test["original_file_path"] != f"models/gold/{test['model']}.yml"
    ]
    assert len([t for t in _nodes(manifest, "unit_test") if t["model"] in gold_names]) >= 10
    assert misplaced == []


def test_one_macro_per_file_named_after_it_and_generic_tests_in_tests_generic():
    """dbt's conventions: macros/**/<name>.sql defines the macro <name> (and at most its
    dispatch default__<name>, then its spark__<name>, then its databricks__<name>); generic data
    tests live in tests/generic/, one per file."""
    definition = re.compile(r"{%-?\s*(macro|test)\s+(\w+)\s*\(")
    macro_files = sorted((DBT_PROJECT_DIR / "macros").rglob("*.sql"))
    assert len(macro_files) >= 40
    wrong = {}
    for path in macro_files:
        found = definition.findall(path.read_text())
        if found not in (
            [("macro", path.stem)],
            [("macro", path.stem), ("macro", f"default__{path.stem}")],
            [
                ("macro", path.stem),
                ("macro", f"default__{path.stem}"),
                ("macro", f"spark__{path.stem}"),
            ],
            [
                ("macro", path.stem),
                ("macro", f"default__{path.stem}"),
                ("macro", f"spark__{path.stem}"),
                ("macro", f"databricks__{path.stem}"),
            ],
        ):
            wrong[str(path.relative_to(DBT_PROJECT_DIR))] = found
    test_files = sorted((DBT_PROJECT_DIR / "tests" / "generic").glob("*.sql"))
    assert len(test_files) >= 8
    for path in test_files:
        found = definition.findall(path.read_text())
        if found != [("test", path.stem)]:
            wrong[str(path.relative_to(DBT_PROJECT_DIR))] = found
    assert wrong == {}


def test_every_model_is_tested(manifest):
    tested = {dep for test in _nodes(manifest, "test") for dep in test["depends_on"]["nodes"]}
    models = {
        n["unique_id"] for n in _nodes(manifest, "model") if n["fqn"][1] in ("silver", "gold")
    }
    assert models - tested == set()


def test_snapshots_track_only_identity_columns(manifest):
    """snap_sessions versions a session's identity and schedule only. Driver history is no
    snapshot: dim_drivers derives it from silver's sessions, so corrections rewrite it."""
    snapshots = {n["name"]: n["config"] for n in _nodes(manifest, "snapshot")}
    assert set(snapshots) == {"snap_sessions"}
    assert snapshots["snap_sessions"]["strategy"] == "check"
    assert snapshots["snap_sessions"]["check_cols"] == [
        "session_name", "event_name", "session_start_utc", "session_end_utc", "circuit_short_name",
    ]  # fmt: skip
    dim_drivers = next(n for n in _nodes(manifest, "model") if n["name"] == "dim_drivers")
    assert dim_drivers["depends_on"]["nodes"] == ["model.f1_lakehouse.int_driver_state"]


def test_a_root_with_no_bronze_builds_everything_empty_on_the_stage_target(tmp_path):
    """A fresh root has no bronze at all (and FastF1-only roots no OpenF1): silver reads an
    empty typed relation instead of failing on a glob with no files. stage writes its own file;
    docs generate offline from it."""
    root = DataRoot(tmp_path / "root")
    init_root(root, require_mount=False)
    build = run_dbt(["build", "--target", "stage"], root, tmp_path / "build")
    assert build.returncode == 0, build.output[-3000:]
    stage = root.path / "warehouse" / "f1_stage.duckdb"
    assert stage.exists() and not root.warehouse_file.exists()
    with duckdb.connect(str(stage), read_only=True) as con:
        assert con.execute("select count(*) from silver.silver_car_data").fetchone() == (0,)
        assert con.execute("select count(*) from gold.dim_sessions").fetchone() == (0,)

    partition = run_dbt(
        ["build", "--target", "stage", "--select", "path:models/silver",
         "--vars", '{"session_keys": ["2024-18-R"]}'],
        root, tmp_path / "partition",
    )  # fmt: skip
    assert partition.returncode == 0, partition.output[-3000:]

    docs = run_dbt(["docs", "generate", "--target", "stage"], root, tmp_path / "docs")
    assert docs.returncode == 0, docs.output[-3000:]
    catalog = json.loads((tmp_path / "docs" / "target" / "catalog.json").read_text())
    assert "model.f1_lakehouse.fact_laps" in catalog["nodes"]
    assert (tmp_path / "docs" / "target" / "index.html").exists()


def test_a_malformed_session_key_never_reaches_sql(tmp_path):
    root = DataRoot(tmp_path / "root")
    init_root(root, require_mount=False)
    run = run_dbt(
        ["compile", "--select", "silver_laps", "--vars", '{"session_keys": ["2024-18-R\'; --"]}'],
        root, tmp_path / "bad",
    )  # fmt: skip
    assert run.returncode != 0
    assert "malformed" in run.output
