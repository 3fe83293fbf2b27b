"""The live job: one session's OpenF1 bronze (polled or compacted), silver, gold, the export."""

import dagster as dg

from f1_lakehouse.defs.automation.jobs import GOLD_KEYS, OPENF1_KEYS, SILVER_KEYS
from f1_lakehouse.defs.dashboard.assets import GOLD_EXPORT_KEY
from f1_lakehouse.defs.openf1.live import LIVE_TAG

# One live run per partition at a time, also for runs launched by hand from the UI: the run
# queue enforces it with a per-value tag limit (dagster.yaml), the sensor by not asking.
LIVE_PARTITION_TAG = "f1_lakehouse/live_partition"

live_session_job = dg.define_asset_job(
    "live_session_job",
    selection=dg.AssetSelection.assets(*OPENF1_KEYS, *SILVER_KEYS, *GOLD_KEYS, GOLD_EXPORT_KEY),
    description=f"A session in progress: OpenF1's next window of every live endpoint (run tag "
    f"{LIVE_TAG}=poll) or, after the flag, the compaction into the batch load's files "
    f"({LIVE_TAG}=compact); then silver, gold and the dashboard's export.",
)
