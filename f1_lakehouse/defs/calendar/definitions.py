import dagster as dg

from f1_lakehouse.defs.calendar.assets import calendar

defs = dg.Definitions(assets=[calendar])
