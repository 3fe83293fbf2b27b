"""dbt-duckdb silver and gold assets."""
