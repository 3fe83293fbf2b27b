"""The ops tests reuse the dashboard's export of the shared pipeline."""

from f1_lakehouse_tests.dashboard.conftest import exported  # noqa: F401
