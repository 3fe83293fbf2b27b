import dagster as dg

from f1_lakehouse.defs.dashboard.assets import gold_export

defs = dg.Definitions(assets=[gold_export])
