"""FastF1, the source: loading sessions and schedules (`source`), and turning a loaded session
into the bronze tables (`tables`). The sibling of `f1_lakehouse.lib.openf1`."""
