"""Race-weekend automation: jobs, the sensors and the schedules (see README, "Automation")."""

import dagster as dg

from f1_lakehouse.defs.automation.jobs import calendar_sync_job, gold_refresh_job, session_job
from f1_lakehouse.defs.automation.schedules import calendar_sync_schedule, corrections_schedule
from f1_lakehouse.defs.automation.sensors import gold_after_silver_sensor, race_weekend_sensor

defs = dg.Definitions(
    jobs=[session_job, gold_refresh_job, calendar_sync_job],
    sensors=[race_weekend_sensor, gold_after_silver_sensor],
    schedules=[calendar_sync_schedule, corrections_schedule],
)
