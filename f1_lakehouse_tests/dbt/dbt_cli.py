"""dbt by hand against a copy of a warehouse: its own target and log paths, so it never
disturbs the shared project target that dagster-dbt uses."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from f1_lakehouse.lib.dbt.project import DBT_PROJECT_DIR
from f1_lakehouse.lib.root_setup import init_root
from f1_lakehouse.lib.settings import DataRoot

DBT = Path(sys.executable).parent / "dbt"


@dataclass
class DbtRun:
    returncode: int
    output: str
    results: dict[str, str]  # unique_id -> status
    manifest: dict
    # unique_id of a failed or warned row_rules / key_rules test -> the rules its rows break
    broken_rules: dict[str, set[str]] = field(default_factory=dict)

    def failed_tests(self) -> set[tuple[str, str, str | None]]:
        """(test macro, model, column) of every data test that failed or errored; for a
        row_rules or key_rules test, (row_rules / key_rules, model, rule) for each rule its
        failing rows break."""
        return self._tests_with(("fail", "error"))

    def warned_tests(self) -> set[tuple[str, str, str | None]]:
        """The same, of every data test that warned (plausibility rules)."""
        return self._tests_with(("warn",))

    def _tests_with(self, statuses: tuple[str, ...]) -> set[tuple[str, str, str | None]]:
        failed = set()
        for unique_id, status in self.results.items():
            node = self.manifest["nodes"].get(unique_id, {})
            if node.get("resource_type") != "test" or status not in statuses:
                continue
            meta = node.get("test_metadata") or {}
            model = (node.get("attached_node") or "").split(".")[-1]
            if unique_id in self.broken_rules:
                failed.update((meta["name"], model, rule) for rule in self.broken_rules[unique_id])
            else:
                failed.add((meta.get("name", node["name"]), model, node.get("column_name")))
        return failed


ROW_RULES = "row_rules"
KEY_RULES = "key_rules"


def rule_names(kwargs: dict) -> list[str]:
    """The boolean columns a row_rules test returns (tests/generic/row_rules.sql names them)."""
    return [
        *(f"not_null__{column}" for column in kwargs.get("not_null", [])),
        *(f"accepted_values__{column}" for column in kwargs.get("accepted_values", {})),
        *(f"value_between__{column}" for column in kwargs.get("value_between", {})),
        *kwargs.get("expressions", {}),
    ]


def rules_in(test: dict) -> int:
    """How many rules a data test node holds: row_rules and key_rules fold several, each other
    test is one."""
    meta = test.get("test_metadata") or {}
    kwargs = meta.get("kwargs", {})
    if meta.get("name") == ROW_RULES:
        return len(rule_names(kwargs))
    if meta.get("name") == KEY_RULES:
        return len(kwargs.get("unique", [])) + len(kwargs.get("relationships", []))
    return 1


def broken_rules(
    results: dict[str, str], manifest: dict, target: Path, warehouse: Path
) -> dict[str, set[str]]:
    """Which rules each failed or warned row_rules or key_rules test caught: its compiled query,
    run again on the warehouse it tested (a row_rules row has a true column per rule it breaks,
    a key_rules row names its rule)."""
    broken = {}
    for unique_id, status in results.items():
        node = manifest["nodes"].get(unique_id, {})
        meta = node.get("test_metadata") or {}
        if meta.get("name") not in (ROW_RULES, KEY_RULES) or status not in ("fail", "warn"):
            continue
        (compiled,) = (target / "compiled").rglob(f"{node['name']}.sql")
        with duckdb.connect(str(warehouse), read_only=True) as con:
            if meta["name"] == KEY_RULES:
                sql = f"select distinct rule from ({compiled.read_text()})"
                broken[unique_id] = {rule for (rule,) in con.execute(sql).fetchall()}
                continue
            rules = rule_names(meta.get("kwargs", {}))
            counts = ", ".join(f"count(*) filter (where {rule})" for rule in rules)
            row = con.execute(f"select {counts} from ({compiled.read_text()})").fetchone()
        broken[unique_id] = {rule for rule, count in zip(rules, row, strict=True) if count}
    return broken


def copy_root(source: DataRoot, target: Path, bronze: bool = False) -> DataRoot:
    """A fresh data root holding a copy of `source`'s warehouse, and with `bronze` its bronze
    files (hard links: bronze files are written once, never changed in place)."""
    root = DataRoot(target)
    init_root(root, require_mount=False)
    if bronze:
        shutil.copytree(source.bronze, root.bronze, copy_function=os.link, dirs_exist_ok=True)
    shutil.copy2(source.warehouse_file, root.warehouse_file)
    # A warehouse still open in some process keeps its last writes in the WAL until checkpointed.
    wal = source.warehouse_file.with_name(source.warehouse_file.name + ".wal")
    if wal.exists():
        shutil.copy2(wal, root.warehouse_file.with_name(root.warehouse_file.name + ".wal"))
    return root


def project_with_probes(
    work: Path, probes: dict[str, tuple[list[str], str]], yml: str, yml_name: str
) -> tuple[Path, DataRoot]:
    """A copy of the dbt project plus probe models (name -> SQL value rows and their column
    names) and `yml` as models/probe/<yml_name>.yml, and an empty data root: a generic test
    tried on rows made to break it, with no warehouse data needed."""
    project = work / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    folder = project / "models" / "probe"
    folder.mkdir()
    for name, (rows, columns) in probes.items():
        values = ",\n    ".join(rows)
        (folder / f"{name}.sql").write_text(
            f"select * from (values\n    {values}\n) as probe({columns})\n"
        )
    (folder / f"{yml_name}.yml").write_text(yml)
    root = DataRoot(work / "root")
    init_root(root, require_mount=False)
    return project, root


def run_dbt(
    args: list[str], root: DataRoot, work: Path, project_dir: Path = DBT_PROJECT_DIR
) -> DbtRun:
    """Run `dbt <args>` of the project at `project_dir` (the project's own, or an edited copy)
    over `root`; results are read from this run's own target path."""
    target = work / "target"
    env = {**os.environ, "F1_LAKEHOUSE_ROOT": str(root.path), "DO_NOT_TRACK": "1"}
    env.pop("F1_LAKEHOUSE_DBT_TARGET", None)
    command = [
        str(DBT), *args,
        "--project-dir", str(project_dir),
        "--profiles-dir", str(project_dir),
        "--target-path", str(target),
        "--log-path", str(work / "logs"),
    ]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    results_file = target / "run_results.json"
    results = {}
    if results_file.exists():
        results = {
            r["unique_id"]: r["status"] for r in json.loads(results_file.read_text())["results"]
        }
    manifest_file = target / "manifest.json"
    manifest = json.loads(manifest_file.read_text()) if manifest_file.exists() else {"nodes": {}}
    broken = broken_rules(results, manifest, target, root.warehouse_file)
    return DbtRun(done.returncode, done.stdout + done.stderr, results, manifest, broken)
