"""The one Definitions of f1-lakehouse: every module under `defs/` (one folder per area),
loaded by Dagster's defs-folder loader, plus what all areas share."""

from pathlib import Path

import dagster as dg

from f1_lakehouse.lib.executor import reclaiming_in_process_executor
from f1_lakehouse.lib.heap import long_lived
from f1_lakehouse.lib.resources import DataRootResource

# What loading makes (Dagster, dagster-dbt, dbt-core) lives as long as the process: the garbage
# collector is kept off it (lib/heap.py).
with long_lived():
    defs = dg.Definitions.merge(
        # `[tool.dg]` in pyproject.toml names the defs module; the loader finds it from here.
        dg.load_from_defs_folder(path_within_project=Path(__file__).parent),
        # In-process: on a 2-core laptop parallel steps buy little, and each subprocess would
        # re-import FastF1 and dagster-dbt (seconds per step). Pool waits free dead holders' slots.
        dg.Definitions(
            resources={"data_root": DataRootResource()}, executor=reclaiming_in_process_executor
        ),
    )
