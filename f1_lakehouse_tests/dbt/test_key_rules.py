"""The key_rules generic test (tests/generic/key_rules.sql) on rows made to break each rule: which
keys fail and under which rule, null handling as in the unique_combination and relationships
tests it replaced, and a clear error for a malformed rule (at parse time: the project does not
load). Runs on a copy of the project with two probe models added (no warehouse data needed)."""

from pathlib import Path

import duckdb
import pytest

from f1_lakehouse.lib.settings import DataRoot
from f1_lakehouse_tests.dbt.dbt_cli import DbtRun, project_with_probes, run_dbt

# The parent: the (session, driver) pairs and the sessions that exist.
PARENT_ROWS = ["('s1', 'd1')", "('s1', 'd2')", "('s2', 'd1')"]
# The child (session, driver, lap): every rule it breaks is listed in EXPECTED.
CHILD_ROWS = [
    "('s1', 'd1', 1)",
    "('s1', 'd1', 2)",
    "('s1', 'd1', 2)",  # lap 2 twice
    "('s1', 'd2', null)",
    "('s1', 'd2', null)",  # a null lap twice: null counts as a value in a key
    "('s2', 'd9', 1)",  # no driver d9 in s2
    "('s3', 'd1', 1)",  # no session s3 (nor its driver)
    "(null, 'd1', 1)",  # a null in the reference's columns: not checked against the parent
]
UNIQUE = "unique__session_id__driver_number__lap_number"
BY_DRIVER = "relationships__session_id__driver_number__to__key_rules_parent"
BY_SESSION = "relationships__session_id__to__key_rules_parent"
EXPECTED = {
    (UNIQUE, "session_id=s1, driver_number=d1, lap_number=2", 2),
    (UNIQUE, "session_id=s1, driver_number=d2", 2),  # the null lap is left out of the text
    (BY_DRIVER, "session_id=s2, driver_number=d9", 1),
    (BY_DRIVER, "session_id=s3, driver_number=d1", 1),
    (BY_SESSION, "session_id=s3", 1),
}
RULES = """unique: [[session_id, driver_number, lap_number]]
            relationships:
              - {columns: [session_id, driver_number], to: "ref('key_rules_parent')"}
              - {columns: [session_id], to: "ref('key_rules_parent')"}"""


def _yml(name: str, rules: str) -> str:
    return f"""version: 2
models:
  - name: key_rules_child
    data_tests:
      - key_rules:
          name: {name}
          arguments:
            {rules}
"""


def _project_with_probe(work: Path, yml: str) -> tuple[Path, DataRoot]:
    probes = {
        "key_rules_parent": (PARENT_ROWS, "session_id, driver_number"),
        "key_rules_child": (CHILD_ROWS, "session_id, driver_number, lap_number"),
    }
    return project_with_probes(work, probes, yml, "key_rules_child")


@pytest.fixture(scope="module")
def probe(tmp_path_factory) -> tuple[DbtRun, Path, DataRoot]:
    work = tmp_path_factory.mktemp("key_rules")
    project, root = _project_with_probe(work, _yml("key_rules_probe", RULES))
    run = run_dbt(["build", "--select", "path:models/probe"], root, work / "run", project)
    return run, work, root


def test_each_failing_row_is_one_key_breaking_one_rule(probe):
    run, work, root = probe
    status = {uid.split(".")[-2]: s for uid, s in run.results.items() if uid.startswith("test.")}
    assert status == {"key_rules_probe": "fail"}, run.output[-3000:]
    (compiled,) = (work / "run" / "target" / "compiled").rglob("key_rules_probe.sql")
    with duckdb.connect(str(root.warehouse_file), read_only=True) as con:
        failing = con.execute(compiled.read_text()).fetchall()
    assert set(failing) == EXPECTED
    assert len(failing) == len(EXPECTED)
    assert f"Got {len(EXPECTED)} results" in run.output
    # The helper the corruption suite reads failures with names the same rules.
    assert run.failed_tests() == {("key_rules", "key_rules_child", rule) for rule, _, _ in EXPECTED}


def test_the_test_depends_on_every_model_it_references(probe):
    """dbt runs a key_rules test only once every model it reads is built (`buildable`)."""
    run, _, _ = probe
    node = next(n for n in run.manifest["nodes"].values() if n["name"] == "key_rules_probe")
    assert sorted(node["depends_on"]["nodes"]) == [
        "model.f1_lakehouse.key_rules_child",
        "model.f1_lakehouse.key_rules_parent",
    ]


def test_a_malformed_rule_is_refused_with_its_name(tmp_path):
    malformed = _yml("key_rules_malformed", "unique: [session_id]")  # a column, not a key
    project, root = _project_with_probe(tmp_path, malformed)
    run = run_dbt(["parse"], root, tmp_path / "run", project)
    assert run.returncode != 0
    assert "Compilation Error in test key_rules_malformed" in run.output
    assert "unique needs a list of columns, got session_id" in run.output
