"""Reusable building blocks: settings, session keys, the bronze writer, source clients, dbt wiring."""
