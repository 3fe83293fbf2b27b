"""The batch load of the recorded race, once per test session: what live must end equal to."""

from __future__ import annotations

from pathlib import Path

import pytest

from f1_lakehouse.lib.openf1.replay import ReplayServer
from f1_lakehouse_tests.openf1.support import fast_resource, materialize


@pytest.fixture(scope="session")
def batch_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("batch_root")
    with ReplayServer() as server:
        assert materialize(root, fast_resource(server.base_url)).success
    return root
