"""The one Definitions of f1-lakehouse: each source/layer folder contributes its own."""

import dagster as dg

from f1_lakehouse.defs.automation import definitions as automation
from f1_lakehouse.defs.calendar import definitions as calendar
from f1_lakehouse.defs.dashboard import definitions as dashboard
from f1_lakehouse.defs.dbt import definitions as dbt
from f1_lakehouse.defs.fastf1 import definitions as fastf1
from f1_lakehouse.defs.live import definitions as live
from f1_lakehouse.defs.openf1 import definitions as openf1
from f1_lakehouse.lib.executor import reclaiming_in_process_executor
from f1_lakehouse.lib.resources import DataRootResource

defs = dg.Definitions.merge(
    calendar.defs,
    fastf1.defs,
    openf1.defs,
    dbt.defs,
    automation.defs,
    dashboard.defs,
    live.defs,
    # In-process: on a 2-core laptop parallel steps buy little, and each subprocess would
    # re-import FastF1 and dagster-dbt (seconds per step). Pool waits free dead holders' slots.
    dg.Definitions(
        resources={"data_root": DataRootResource()}, executor=reclaiming_in_process_executor
    ),
)
