"""Dagster resources shared across sources and layers."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from f1_lakehouse.lib.settings import DataRoot, data_root


class DataRootResource(dg.ConfigurableResource):
    """The data root (external SSD). Empty `path` means `F1_LAKEHOUSE_ROOT` or the default."""

    path: str = ""

    def root(self) -> DataRoot:
        return DataRoot(Path(self.path).resolve()) if self.path else data_root()

    @property
    def bronze(self) -> Path:
        return self.root().bronze
