"""A read-only HTTP API over the published gold (OpenF1-style filters); see `app.py`."""
