"""The API over the shared pipeline's export (one export, reused)."""

from collections.abc import Iterator

import pytest

from f1_lakehouse_tests.api.server import Api, serve_api
from f1_lakehouse_tests.dashboard.conftest import exported  # noqa: F401

# Small enough that fact_laps needs several pages.
ROW_CAP = 2_000


@pytest.fixture(scope="module")
def api(exported, pipeline) -> Iterator[Api]:  # noqa: F811
    with serve_api(pipeline.root, max_rows=ROW_CAP) as served:
        yield served
