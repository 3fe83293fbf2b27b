import dagster as dg

from f1_lakehouse.defs.fastf1.assets import fastf1_session_tables

defs = dg.Definitions(assets=[fastf1_session_tables])
