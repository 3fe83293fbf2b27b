"""dbt inside the run's own process, with the project parsed once per process.

`DbtCliResource` starts a fresh `dbt` process per step: several seconds to import dbt and, since
each partition passes different `--vars`, a full re-parse every time. Here dbt runs through its
programmatic entry point (`dbtRunner`) with a manifest parsed once (partial parsing, no vars, so
the prepared `partial_parse.msgpack` is reused) and `--vars` applied at execution, which is when
the models read them. dbt's structured events are turned into Dagster events by dagster-dbt's
own conversion (`DbtCoreCliEventMessage.to_default_asset_events`), so materialisations, metadata
and asset checks are exactly what the CLI resource would have produced.

Safe because Dagster runs these steps one at a time in the run worker (`in_process_executor`)
and the engine's pool (`duckdb`, `spark`) admits one warehouse writer at a time.

The target (F1_LAKEHOUSE_DBT_TARGET, or the resource's `target`) goes to every invocation as
`--target`, and each target has its own parsed manifest and parse state (`engine`), so a Spark
run never reuses, or overwrites, DuckDB's. On Spark the step starts the session and declares
bronze first, and stops it after (`on_spark`).
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
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

from f1_lakehouse.lib.dbt.checks import (
    CHECK_NAME,
    DbtTestOutcome,
    asset_of_test,
    check_result,
    group_by_asset,
    outcome_from_event,
)
from f1_lakehouse.lib.dbt.engine import (
    engine_of,
    parse_state_dir,
    resolve_target,
    target_args,
)
from f1_lakehouse.lib.dbt.jinja_cache import template_cache_dir, use_template_cache
from f1_lakehouse.lib.dbt.project import DBT_PROJECT_DIR
from f1_lakehouse.lib.dbt.table_metadata import add_table_facts, with_table_metadata
from f1_lakehouse.lib.heap import long_lived
from f1_lakehouse.lib.settings import DataRoot, data_root, dbt_target

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


# The dbt var that names the data root (profiles.yml, the bronze sources and the file-reading
# macro read it): handed to every invocation, so dbt never depends on the process environment.
ROOT_VAR = "f1_lakehouse_root"


def with_root_var(args: Sequence[str], root: DataRoot) -> list[str]:
    """`args` with the data root added to its `--vars` (appended when it has none)."""
    args = list(args)
    if "--vars" in args:
        at = args.index("--vars") + 1
        args[at] = json.dumps(
            {**json.loads(args[at]), ROOT_VAR: str(root.path)}, separators=(",", ":")
        )
        return args
    return [*args, "--vars", json.dumps({ROOT_VAR: str(root.path)}, separators=(",", ":"))]


PARSE_STATE = "partial_parse.msgpack"


def parse_cache(root: DataRoot, target: str = "") -> Path:
    """Where a data root keeps dbt's parse state for a target (see `parsed_manifest`)."""
    return parse_state_dir(root.cache / "dbt", target)


def parsed_manifest(
    project_dir: Path = DBT_PROJECT_DIR, root: DataRoot | None = None, target: str | None = None
) -> Any:
    """The project's dbt `Manifest` for a target (default: F1_LAKEHOUSE_DBT_TARGET), parsed
    once per process, data root and target.

    dbt re-parses the whole project (seconds) whenever the profile's connection changes, and
    the warehouse path lives under the data root; so each root keeps its own parse state in
    `cache/dbt/<target>/` (dev's warmed by `f1-lakehouse init`), and a run only re-reads the
    files that changed. The state is written through a scratch copy and swapped in atomically, so
    concurrent runs never read a half-written file."""
    from dbt.cli.main import dbtRunner

    root = root or data_root()
    use_template_cache(template_cache_dir(project_dir))
    target = resolve_target(dbt_target() if target is None else target)
    key = (str(project_dir), str(root.path), target)
    with _parse_lock:
        if key in _parsed:
            return _parsed[key]
        cache = parse_cache(root, target)
        cache.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix="parse-", dir=cache))
        try:
            state = cache / PARSE_STATE
            if state.exists():
                shutil.copy2(state, scratch / PARSE_STATE)
            argv = [
                "parse",
                "--quiet",
                *with_root_var([], root),
                *target_args(target),
                *_project_args(project_dir, scratch),
            ]
            # The manifest stays for the process: the garbage collector is kept off it.
            with long_lived(collect=True):
                result = dbtRunner().invoke([*argv, *QUIET_ARTIFACTS])
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


def release_warehouse(target: str) -> None:
    """Close dbt's DuckDB connection once an invocation is over.

    A `dbt` process lets go of the warehouse file when it exits; in process, dbt-duckdb keeps
    its connection open, and the next reader in this process (the dashboard export, a
    read-only query) would be refused for opening the file with another configuration.
    On Spark: stop the session, so its Derby metastore is free for the next process."""
    from dbt.adapters.factory import reset_adapters

    reset_adapters()
    if engine_of(target) == "spark":
        from f1_lakehouse.lib.dbt.on_spark import stop_spark

        stop_spark()
        return
    if engine_of(target) != "duckdb":
        return
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = getattr(DuckDBConnectionManager, "_ENV", None)
    if environment is not None:
        environment.close()
    DuckDBConnectionManager.close_all_connections()


def forget_compilation(manifest: Any) -> None:
    """Make the reused parsed manifest look freshly parsed to dbt's compiler.

    dbt compiles into the manifest's nodes and marks them (`compiled`, `extra_ctes_injected`);
    on a second invocation with the same manifest it would skip injecting an ephemeral model's
    CTE (the reference stays, the definition is missing) and reuse that ephemeral model's SQL
    compiled for the previous run's session keys. dbt-core 1.11 internals (see lib/dbt)."""
    for node in manifest.nodes.values():
        if hasattr(node, "extra_ctes_injected"):
            node.compiled = False
            node.compiled_code = None
            node.extra_ctes_injected = False
            node.extra_ctes = []
            node._pre_injected_sql = None


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
    # The dbt target; "" is F1_LAKEHOUSE_DBT_TARGET (the pools and kinds follow that one).
    target: str = ""

    def resolved_target(self) -> str:
        return resolve_target(self.target or dbt_target())

    def build(
        self,
        context: dg.AssetExecutionContext,
        args: Sequence[str],
        root: DataRoot | None = None,
        reads_bronze: bool = False,
    ) -> Iterator[dg.Output | dg.AssetMaterialization | dg.AssetCheckResult]:
        """Run `dbt <args>` on the step's selection over `root` (default: the settings' data
        root); yield each model's output as it finishes, then one `dbt_tests` check result per
        model. `reads_bronze`: the step reads bronze sources (on Spark, declare them first).

        Raises `DbtBuildError` naming every failed node, after yielding what did run (as
        `dbt build` on the CLI would: a failed test fails the step and its check)."""
        project_dir = Path(self.project_dir)
        step = _StepManifest.of(context)
        selection = step_selection(context, step.manifest, step.translator)
        if not selection:
            context.log.info("Nothing of this dbt step was selected.")
            return
        root = root or data_root()
        target = self.resolved_target()
        engine = engine_of(target)
        manifest = parsed_manifest(project_dir, root, target)
        ensure_same_project(manifest, step.manifest)
        forget_compilation(manifest)
        target_path = Path(
            tempfile.mkdtemp(prefix=f"{context.op.name}-", dir=project_dir / "target")
        )
        argv = [
            *with_root_var(args, root),
            *selection,
            *target_args(target),
            *_project_args(project_dir, target_path),
            *QUIET_ARTIFACTS,
        ]
        if engine == "spark":
            from f1_lakehouse.lib.dbt.on_spark import start_spark

            declared = start_spark(root, project_dir, declare_bronze=reads_bronze)
            if reads_bronze:
                context.log.info(f"Spark: bronze external tables over files: {', '.join(declared)}")
        context.log.info(f"dbt (in process) {' '.join(argv)}")
        events: queue.Queue[Any] = queue.Queue()
        outcome: dict[str, Any] = {}
        worker = _start_dbt(manifest, argv, events, outcome, engine)
        tests: list[tuple[dg.AssetKey | None, DbtTestOutcome]] = []
        try:
            yield from _dagster_events(context, step, events, target_path, tests)
        finally:
            # Never leave dbt writing to DuckDB behind a failed step: let it finish first.
            worker.join()
            release_warehouse(target)
            shutil.rmtree(target_path, ignore_errors=True)
        yield from _check_results(context, tests)
        _raise_on_failure(argv, outcome)


@dataclass(frozen=True)
class _StepManifest:
    """The manifest, translator and project the step's assets were built from."""

    manifest: Mapping[str, Any]
    translator: DagsterDbtTranslator
    project: Any

    @classmethod
    def of(cls, context: dg.AssetExecutionContext) -> _StepManifest:
        return cls(*get_manifest_and_translator_from_dbt_assets([context.assets_def]))


def _start_dbt(
    manifest: Any,
    argv: Sequence[str],
    events: queue.Queue[Any],
    outcome: dict[str, Any],
    engine: str,
) -> threading.Thread:
    """Invoke dbt on a worker thread; its result events go to `events`, then `_DONE`; the
    result (or the exception) to `outcome`."""
    from dbt.cli.main import dbtRunner
    from dbt_common.events.functions import msg_to_dict

    def on_event(msg: Any) -> None:
        if msg.info.name in RESULT_EVENTS:
            events.put(add_table_facts(msg_to_dict(msg), engine))

    def invoke() -> None:
        try:
            outcome["result"] = dbtRunner(manifest=manifest, callbacks=[on_event]).invoke(
                list(argv)
            )
        except BaseException as error:  # surfaced in the step
            outcome["error"] = error
        finally:
            events.put(_DONE)

    worker = threading.Thread(target=invoke, name="dbt", daemon=True)
    worker.start()
    return worker


def _dagster_events(
    context: dg.AssetExecutionContext,
    step: _StepManifest,
    events: queue.Queue[Any],
    target_path: Path,
    tests: list[tuple[dg.AssetKey | None, DbtTestOutcome]],
) -> Iterator[dg.Output | dg.AssetMaterialization | dg.AssetCheckResult]:
    """dbt's result events as Dagster events, as each node finishes; test outcomes are
    collected into `tests` (one check per model comes after the run)."""
    while (raw := events.get()) is not _DONE:
        unique_id = raw["data"]["node_info"]["unique_id"]
        if unique_id.startswith("test."):
            asset = asset_of_test(step.manifest, step.translator, unique_id, step.project)
            tests.append((asset, outcome_from_event(raw)))
            continue
        event = DbtCoreCliEventMessage(raw_event=raw, event_history_metadata={})
        yield from with_table_metadata(
            raw,
            event.to_default_asset_events(
                manifest=step.manifest,
                dagster_dbt_translator=step.translator,
                context=context,
                target_path=target_path,
                project=step.project,
            ),
        )


def _check_results(
    context: dg.AssetExecutionContext, tests: Sequence[tuple[dg.AssetKey | None, DbtTestOutcome]]
) -> Iterator[dg.AssetCheckResult]:
    """One `dbt_tests` check result per model whose check the step was asked to run."""
    selected_checks = set(context.selected_asset_check_keys)
    for asset, outcomes in group_by_asset(tests).items():
        if dg.AssetCheckKey(asset, CHECK_NAME) in selected_checks:
            yield check_result(asset, outcomes)


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
