"""Dagster resources shared across sources and layers."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from f1_lakehouse.lib.root_setup import validate_root
from f1_lakehouse.lib.settings import DataRoot, allow_ram_root, data_root, require_mount


class DataRootResource(dg.ConfigurableResource):
    """The data root (external SSD). Empty `path` means `F1_LAKEHOUSE_ROOT` or the default.

    Every run (and sensor tick) that uses it validates the root first: the marker `init` wrote
    must be there, on the same volume, so an unplugged SSD fails the run at once instead of
    writing race data under its empty mount point on the system disk."""

    path: str = ""

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        validate_root(self.root(), require_mount(), allow_ram_root())

    def root(self) -> DataRoot:
        return DataRoot(Path(self.path).resolve()) if self.path else data_root()

    @property
    def bronze(self) -> Path:
        return self.root().bronze
