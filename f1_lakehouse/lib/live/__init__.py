"""Following a session while it runs: OpenF1 polled window by window into bronze micro-batches.

Each poll asks every streamed endpoint for one time window `[cursor, until)` and lands the rows
as an atomic micro-batch file beside the partition's `data.parquet` (`live-000001.parquet`,
...). The window's upper edge is stored in the batch file's own schema metadata, so the cursor
lives with the data: a run killed mid-session resumes from the newest batch on disk, and the
windows tile the time line (no row is fetched twice, none is skipped). Small endpoints whose
rows change while a session runs (laps, stints, drivers) are replaced whole on every poll. At
the session's end the micro-batches are compacted into the single file a batch load writes,
checked against one final full answer of each small endpoint.
"""
