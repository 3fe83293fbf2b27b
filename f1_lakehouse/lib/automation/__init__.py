"""The automation's decision logic, apart from the Dagster sensors and schedules that call it
(`f1_lakehouse/defs/automation/`): when a session is due (`race_weekend`), whether a source has
published it (`availability`), and the one clock they all ask (`clock`)."""
