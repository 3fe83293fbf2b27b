"""OpenF1 bronze definitions; the top level merges these and provides `data_root`."""

from __future__ import annotations

import dagster as dg

from f1_lakehouse.defs.openf1.assets import openf1_assets
from f1_lakehouse.lib.openf1.resource import OpenF1Resource

defs = dg.Definitions(assets=list(openf1_assets), resources={"openf1": OpenF1Resource()})
