"""dbt inside the run's own process, with the project parsed once per process.

`DbtCliResource` starts a fresh `dbt` process per step: several seconds to import dbt and, since
each partition passes different `--vars`, a full re-parse every time. Here dbt runs through its
programmatic entry point (`dbtRunner`) with a manifest parsed once (partial parsing, no vars, so
the prepared `partial_parse.msgpack` is reused) and `--vars` applied at execution, which is when
the models read them. dbt's structured events are turned into Dagster events by dagster-dbt's
own conversion (`DbtCoreCliEventMessage.to_default_asset_events`), so materialisations, metadata
and asset checks are exactly what the CLI resource would have produced.

Safe because Dagster runs these steps one at a time in the run worker (`in_process_executor`)
and the `duckdb` pool admits one warehouse writer at a time.
"""

from __future__ import annotations

import os
import queue
import shutil
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator
from dagster_dbt.asset_utils import (
    DAGSTER_DBT_SELECT_METADATA_KEY,
    get_dbt_resource_names_for_asset_keys,
    get_manifest_and_translator_from_dbt_assets,
)
from dagster_dbt.core.dbt_cli_event import DbtCoreCliEventMessage

from f1_lakehouse.lib.dbt_checks import (
    CHECK_NAME,
    DbtTestOutcome,
    asset_of_test,
    check_result,
    group_by_asset,
    outcome_from_event,
)
from f1_lakehouse.lib.dbt_project import DBT_PROJECT_DIR
from f1_lakehouse.lib.dbt_table_metadata import add_table_facts, with_table_metadata
from f1_lakehouse.lib.settings import DataRoot, data_root

# Result events of nodes that become Dagster outputs or check results (dagster-dbt's list).
RESULT_EVENTS = frozenset({"LogSeedResult", "LogModelResult", "LogSnapshotResult", "LogTestResult"})
# dbt's own console output stays (Dagster captures it); no log file or artifacts per step.
QUIET_ARTIFACTS = ["--log-level-file", "none", "--no-write-json", "--no-use-colors"]
_DONE = object()


class DbtBuildError(Exception):
    """A dbt invocation failed: names each failed node and dbt's message for it."""


_parsed: dict[tuple[str, str, str], Any] = {}  # dbt Manifest per project, root and target
_parse_lock = threading.Lock()


def _project_args(project_dir: Path, target_path: Path) -> list[str]:
    return [
        "--project-dir", str(project_dir),
        "--profiles-dir", str(project_dir),
        "--target-path", str(target_path),
    ]  # fmt: skip


PARSE_STATE = "partial_parse.msgpack"


def parse_cache(root: DataRoot) -> Path:
    """Where a data root keeps dbt's parse state (see `parsed_manifest`)."""
    return root.cache / "dbt"


def parsed_manifest(project_dir: Path = DBT_PROJECT_DIR) -> Any:
    """The project's dbt `Manifest`, parsed once per process and data root.

    dbt re-parses the whole project (seconds) whenever the profile's connection changes, and
    the warehouse path lives under the data root; so each root keeps its own parse state in
    `cache/dbt/` (warmed by `f1-lakehouse init`), and a run only re-reads the files that
    changed. The state is written through a scratch copy and swapped in atomically, so
    concurrent runs never read a half-written file."""
    from dbt.cli.main import dbtRunner

    root = data_root()
    key = (str(project_dir), str(root.path), os.environ.get("F1_LAKEHOUSE_DBT_TARGET", ""))
    with _parse_lock:
        if key in _parsed:
            return _parsed[key]
        cache = parse_cache(root)
        cache.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix="parse-", dir=cache))
        try:
            state = cache / PARSE_STATE
            if state.exists():
                shutil.copy2(state, scratch / PARSE_STATE)
            result = dbtRunner().invoke(
                ["parse", "--quiet", *_project_args(project_dir, scratch), *QUIET_ARTIFACTS]
            )
            if not result.success or result.result is None:
                raise DbtBuildError(f"dbt could not parse {project_dir}: {result.exception}")
            if (scratch / PARSE_STATE).exists():
                os.replace(scratch / PARSE_STATE, state)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        _parsed[key] = result.result
        return result.result


def step_selection(
    context: dg.AssetExecutionContext, manifest: Mapping[str, Any], translator: DagsterDbtTranslator
) -> list[str]:
    """dbt `--select` arguments for what the step was asked to run.

    The whole step: its own selection. A subset: the selected models (their tests follow by
    indirect selection), plus the tests of models whose `dbt_tests` check alone was selected."""
    assets_def = context.assets_def
    selected_assets = set(context.selected_asset_keys)
    selected_checks = set(context.selected_asset_check_keys)
    every_asset = set(assets_def.node_keys_by_output_name.values())
    every_check = {spec.key for spec in assets_def.node_check_specs_by_output_name.values()}
    if selected_assets == every_asset and selected_checks == every_check:
        return ["--select", context.op.tags[DAGSTER_DBT_SELECT_METADATA_KEY]]
    models = get_dbt_resource_names_for_asset_keys(
        translator, manifest, assets_def, selected_assets
    )
    checked_only = {check.asset_key for check in selected_checks} - selected_assets
    tests = [
        ".".join(node["fqn"])
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "test"
        and asset_of_test(manifest, translator, unique_id, None) in checked_only
    ]
    return ["--select", *models, *tests] if models or tests else []


def release_warehouse() -> None:
    """Close dbt's DuckDB connection once an invocation is over.

    A `dbt` process lets go of the warehouse file when it exits; in process, dbt-duckdb keeps
    its connection open, and the next reader in this process (the dashboard export, a
    read-only query) would be refused for opening the file with another configuration."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    from dbt.adapters.factory import reset_adapters

    reset_adapters()
    environment = getattr(DuckDBConnectionManager, "_ENV", None)
    if environment is not None:
        environment.close()
    DuckDBConnectionManager.close_all_connections()


def ensure_same_project(manifest: Any, dagster_manifest: Mapping[str, Any]) -> None:
    """Fail clearly when the dbt files no longer match the manifest Dagster's assets were
    built from (a model added or removed since `make manifest`)."""
    parsed = {uid for uid in manifest.nodes if not uid.startswith("unit_test.")}
    prepared = {uid for uid in dagster_manifest["nodes"] if not uid.startswith("unit_test.")}
    if parsed != prepared:
        changed = sorted(parsed ^ prepared)
        raise DbtBuildError(
            "the dbt project changed since its manifest was prepared "
            f"({len(changed)} nodes differ, e.g. {', '.join(changed[:3])}): run `make manifest` "
            "and reload the definitions"
        )


def forget_compiled(manifest: Any) -> None:
    """dbt compiles into the parsed Manifest's nodes in place, and reuses an ephemeral model
    (staging) it finds compiled and injected: a second invocation in this process would read the
    first one's bronze files, or miss its CTEs. Every invocation compiles from the parse."""
    for node in manifest.nodes.values():
        if hasattr(node, "extra_ctes_injected"):
            node.compiled = False
            node.compiled_code = None
            node.extra_ctes_injected = False
            node.extra_ctes = []
            node._pre_injected_sql = None


def failure_summary(results: Sequence[Any]) -> str:
    """One line per failed dbt node: status, name and dbt's message."""
    lines = [
        f"{r.status}: {r.node.unique_id}: {(r.message or '').strip()}"
        for r in results
        if str(r.status) in {"error", "fail", "runtime error"}
    ]
    return "\n".join(lines)


class InProcessDbt(dg.ConfigurableResource):
    """Runs dbt commands for `@dbt_step_assets` steps in the run's process (module docstring)."""

    project_dir: str = str(DBT_PROJECT_DIR)

    def build(
        self, context: dg.AssetExecutionContext, args: Sequence[str]
    ) -> Iterator[dg.Output | dg.AssetMaterialization | dg.AssetCheckResult]:
        """Run `dbt <args>` on the step's selection; yield each model's output as it finishes,
        then one `dbt_tests` check result per model.

        Raises `DbtBuildError` naming every failed node, after yielding what did run (as
        `dbt build` on the CLI would: a failed test fails the step and its check)."""
        from dbt.cli.main import dbtRunner
        from dbt_common.events.functions import msg_to_dict

        project_dir = Path(self.project_dir)
        dagster_manifest, translator, project = get_manifest_and_translator_from_dbt_assets(
            [context.assets_def]
        )
        selection = step_selection(context, dagster_manifest, translator)
        if not selection:
            context.log.info("Nothing of this dbt step was selected.")
            return
        manifest = parsed_manifest(project_dir)
        ensure_same_project(manifest, dagster_manifest)
        events: queue.Queue[Any] = queue.Queue()

        def on_event(msg: Any) -> None:
            if msg.info.name in RESULT_EVENTS:
                events.put(add_table_facts(msg_to_dict(msg)))

        target_path = Path(
            tempfile.mkdtemp(prefix=f"{context.op.name}-", dir=project_dir / "target")
        )
        argv = [*args, *selection, *_project_args(project_dir, target_path), *QUIET_ARTIFACTS]
        outcome: dict[str, Any] = {}

        def invoke() -> None:
            try:
                forget_compiled(manifest)
                outcome["result"] = dbtRunner(manifest=manifest, callbacks=[on_event]).invoke(argv)
            except BaseException as error:  # surfaced in the step below
                outcome["error"] = error
            finally:
                events.put(_DONE)

        context.log.info(f"dbt (in process) {' '.join(argv)}")
        worker = threading.Thread(target=invoke, name="dbt", daemon=True)
        worker.start()
        tests: list[tuple[dg.AssetKey | None, DbtTestOutcome]] = []
        try:
            while (raw := events.get()) is not _DONE:
                unique_id = raw["data"]["node_info"]["unique_id"]
                if unique_id.startswith("test."):
                    asset = asset_of_test(dagster_manifest, translator, unique_id, project)
                    tests.append((asset, outcome_from_event(raw)))
                    continue
                event = DbtCoreCliEventMessage(raw_event=raw, event_history_metadata={})
                yield from with_table_metadata(
                    raw,
                    event.to_default_asset_events(
                        manifest=dagster_manifest,
                        dagster_dbt_translator=translator,
                        context=context,
                        target_path=target_path,
                        project=project,
                    ),
                )
        finally:
            # Never leave dbt writing to DuckDB behind a failed step: let it finish first.
            worker.join()
            release_warehouse()
            shutil.rmtree(target_path, ignore_errors=True)
        selected_checks = set(context.selected_asset_check_keys)
        for asset, outcomes in group_by_asset(tests).items():
            if dg.AssetCheckKey(asset, CHECK_NAME) in selected_checks:
                yield check_result(asset, outcomes)
        _raise_on_failure(argv, outcome)


def _raise_on_failure(argv: Sequence[str], outcome: Mapping[str, Any]) -> None:
    if "error" in outcome:
        raise DbtBuildError(f"dbt {' '.join(argv[:1])} crashed: {outcome['error']!r}") from outcome[
            "error"
        ]
    result = outcome["result"]
    if result.success:
        return
    failures = failure_summary(result.result.results) if result.result is not None else ""
    raise DbtBuildError(
        f"dbt {argv[0]} failed{': ' + str(result.exception) if result.exception else ''}\n"
        + (failures or "(no node results: see the dbt output above)")
    )
