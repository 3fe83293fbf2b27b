"""Which sessions OpenF1 can have: it publishes from the 2023 season on.

One home for the fact: the OpenF1 assets write nothing for older sessions (not an error), and
the race-weekend automation expects OpenF1 data only for the seasons it covers."""

OPENF1_FIRST_SEASON = 2023
