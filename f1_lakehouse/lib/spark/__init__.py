"""Running the dbt models on Spark: the local session, bronze as external tables, the check."""
