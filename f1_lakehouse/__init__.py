"""f1-lakehouse: a Formula 1 lakehouse orchestrated by Dagster, one partition per F1 session."""
