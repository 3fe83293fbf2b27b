"""dbt wiring: the project (`project`), its compiled templates (`jinja_cache`), asset keys and
groups (`translator`), one Dagster step per dbt layer (`step_assets`), one `dbt_tests` check per
model (`checks`), dbt inside the run's process (`in_process`) on the target's engine (`engine`;
Spark's session around it: `on_spark`), the CLI arguments (`args`, `selection`), the exposures
the export publishes (`exposures`), row counts and column schemas (`table_metadata`), and the
dbt-only logic around the warehouse: write-audit-publish (`wap`), gold runs and summaries,
reconciliation.

Why it reaches into dagster-dbt's and dbt-core's internals, not only their public API:
`in_process` runs dbt through `dbtRunner` with a manifest parsed once per process (no re-parse
per partition; `forget_compilation` clears what dbt compiled into that manifest's nodes before
each invocation, or ephemeral staging models would lose their CTEs) and converts its events with
dagster-dbt's own `DbtCoreCliEventMessage`, and `step_assets` builds one multi-asset per layer
from `dagster_dbt.asset_utils.build_dbt_specs` and `validate_manifest` with `@dbt_assets`' own
selection tags (`DAGSTER_DBT_SELECT_METADATA_KEY`, read back through
`get_manifest_and_translator_from_dbt_assets`), so each step yields exactly the materialisations
`DbtCliResource` would, with one `dbt_tests` check per model. In the project,
`macros/incremental/collect_macros.sql` reads a macro's SQL through dbt's
`MacroGenerator.macro.macro_sql` (for incremental gold's logic digest). `jinja_cache` keeps the
code Jinja compiles dbt's templates into on disk, by wrapping `jinja2.Environment.compile` on
dbt-common's `MacroFuzzEnvironment` (Jinja 3.1.6, dbt-common 1.39.0 as resolved today; both
versions are in its cache key). Those names are not a stable API: `pyproject.toml` pins
dagster-dbt 0.29.27 and dbt-core 1.11.16 (dbt-duckdb 1.11.1), and `f1_lakehouse_tests/dbt` fails
if an upgrade changes them.
"""
