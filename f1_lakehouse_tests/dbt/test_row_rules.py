"""The row_rules generic test (tests/generic/row_rules.sql) on rows made to break each rule:
which rows fail, the rule columns that say why, null handling as in the one-rule tests it
replaced, and a clear error for a malformed rule (at parse time: the project does not load).
Runs on a copy of the project with one probe model added (no warehouse data needed)."""

from pathlib import Path

import duckdb
import pytest

from f1_lakehouse.lib.settings import DataRoot
from f1_lakehouse_tests.dbt.dbt_cli import DbtRun, project_with_probes, rule_names, run_dbt

# Probe rows (id, letter, n, flag) and the rules each breaks.
PROBE_ROWS = [
    (1, "(1, 'a', 5, true)", set()),
    (2, "(2, null, null, true)", set()),  # null passes accepted_values and value_between
    (None, "(null, 'a', 5, true)", {"not_null__id"}),
    (4, "(4, 'z', 5, true)", {"accepted_values__letter"}),
    (5, "(5, 'b', 11, true)", {"value_between__n"}),
    (6, "(6, 'b', 5, null)", {"flag_is_set"}),  # an expression must be true: null fails
    (7, "(7, 'b', 0, false)", {"value_between__n", "flag_is_set"}),
]
RULE_COLUMNS = ["not_null__id", "accepted_values__letter", "value_between__n", "flag_is_set"]
RULES = (
    "not_null: [id]\n"
    "            accepted_values: {letter: ['a', 'b']}\n"
    "            value_between: {n: [1, 10]}\n"
    "            expressions: {flag_is_set: 'flag'}"
)
PROBE_YML = f"""version: 2
models:
  - name: row_rules_probe
    data_tests:
      - row_rules:
          name: row_rules_probe_rules
          arguments:
            {RULES}
"""
MALFORMED_YML = """version: 2
models:
  - name: row_rules_probe
    data_tests:
      - row_rules:
          name: row_rules_probe_malformed
          arguments:
            value_between: {n: [1]}
"""


def _project_with_probe(work: Path, yml: str) -> tuple[Path, DataRoot]:
    rows = [sql for _, sql, _ in PROBE_ROWS]
    probes = {"row_rules_probe": (rows, "id, letter, n, flag")}
    return project_with_probes(work, probes, yml, "row_rules_probe")


@pytest.fixture(scope="module")
def probe(tmp_path_factory) -> tuple[DbtRun, Path, DataRoot]:
    work = tmp_path_factory.mktemp("row_rules")
    project, root = _project_with_probe(work, PROBE_YML)
    run = run_dbt(["build", "--select", "row_rules_probe"], root, work / "run", project)
    return run, work, root


def _status(run: DbtRun, test: str) -> str:
    return next(status for uid, status in run.results.items() if uid.split(".")[-2] == test)


def test_each_failing_row_says_which_rules_it_breaks(probe):
    run, work, root = probe
    assert _status(run, "row_rules_probe_rules") == "fail", run.output[-3000:]
    node = next(n for n in run.manifest["nodes"].values() if n["name"] == "row_rules_probe_rules")
    assert rule_names(node["test_metadata"]["kwargs"]) == RULE_COLUMNS  # the helper's names
    (compiled,) = (work / "run" / "target" / "compiled").rglob("row_rules_probe_rules.sql")
    with duckdb.connect(str(root.warehouse_file), read_only=True) as con:
        failing = con.execute(
            f"select id, {', '.join(RULE_COLUMNS)} from ({compiled.read_text()})"
        ).fetchall()
    got = {
        row[0]: {rule for rule, broken in zip(RULE_COLUMNS, row[1:], strict=True) if broken}
        for row in failing
    }
    assert got == {row_id: broken for row_id, _, broken in PROBE_ROWS if broken}
    assert "Got 5 results" in run.output


def test_a_malformed_rule_is_refused_with_its_name(tmp_path):
    project, root = _project_with_probe(tmp_path, MALFORMED_YML)
    run = run_dbt(["parse"], root, tmp_path / "run", project)
    assert run.returncode != 0
    assert "Compilation Error in test row_rules_probe_malformed" in run.output
    assert "row_rules: value_between.n needs [min, max], got [1]" in run.output
