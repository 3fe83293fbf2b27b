"""Which dbt nodes each Dagster step builds: the partitioned (per-session) step and the gold step.

Kept apart from the asset definitions so the dbt project's layout and the steps that build it
change together, in one place.
"""

# Per-session step: runs with `--vars {"session_keys": [...]}` and touches only those sessions.
SILVER_SELECT = "path:models/silver"
# The gold step: snapshots (and the views they read), then the marts; unpartitioned.
GOLD_SELECT = "resource_type:snapshot path:models/intermediate path:models/gold"
