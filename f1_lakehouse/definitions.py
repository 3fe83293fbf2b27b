"""The one Definitions of f1-lakehouse: each source/layer folder contributes its own."""

import dagster as dg

from f1_lakehouse.defs.calendar import definitions as calendar
from f1_lakehouse.defs.dbt import definitions as dbt
from f1_lakehouse.defs.fastf1 import definitions as fastf1
from f1_lakehouse.lib.resources import DataRootResource

defs = dg.Definitions.merge(
    calendar.defs,
    fastf1.defs,
    dbt.defs,
    dg.Definitions(resources={"data_root": DataRootResource()}),
)
