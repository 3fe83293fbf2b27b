import dagster as dg

from f1_lakehouse.defs.live.jobs import live_session_job
from f1_lakehouse.defs.live.sensors import live_session_sensor

defs = dg.Definitions(jobs=[live_session_job], sensors=[live_session_sensor])
