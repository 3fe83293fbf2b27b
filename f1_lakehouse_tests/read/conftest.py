"""The read path over the shared pipeline's export."""

from f1_lakehouse_tests.dashboard.conftest import exported  # noqa: F401
