"""dbt by hand against a copy of a warehouse: its own target and log paths, so it never
disturbs the shared project target that dagster-dbt uses."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

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

    def failed_tests(self) -> set[tuple[str, str, str | None]]:
        """(test macro, model, column) of every data test that failed or errored."""
        return self._tests_with(("fail", "error"))

    def warned_tests(self) -> set[tuple[str, str, str | None]]:
        """(test macro, model, column) of every data test that warned (plausibility rules)."""
        return self._tests_with(("warn",))

    def _tests_with(self, statuses: tuple[str, ...]) -> set[tuple[str, str, str | None]]:
        failed = set()
        for unique_id, status in self.results.items():
            node = self.manifest["nodes"].get(unique_id, {})
            if node.get("resource_type") != "test" or status not in statuses:
                continue
            meta = node.get("test_metadata") or {}
            model = (node.get("attached_node") or "").split(".")[-1]
            failed.add((meta.get("name", node["name"]), model, node.get("column_name")))
        return failed


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


def run_dbt(args: list[str], root: DataRoot, work: Path) -> DbtRun:
    """Run `dbt <args>` over `root`; results are read from this run's own target path."""
    target = work / "target"
    env = {**os.environ, "F1_LAKEHOUSE_ROOT": str(root.path), "DO_NOT_TRACK": "1"}
    env.pop("F1_LAKEHOUSE_DBT_TARGET", None)
    command = [
        str(DBT), *args,
        "--project-dir", str(DBT_PROJECT_DIR),
        "--profiles-dir", str(DBT_PROJECT_DIR),
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
    return DbtRun(done.returncode, done.stdout + done.stderr, results, manifest)
