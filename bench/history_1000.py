"""Benchmark: history to 1,000 sessions (issue 18 item 3). Add session N+1 (silver → gold) at
N = 1 and N = 1,000, a gold refresh at N = 1,000, peak RSS, the dashboard export, and the
dashboard's and the HTTP API's query p50/p95 at N = 1,000.

Running the pipeline 1,000 times is out of reach (~20 s a session idle), so the history is
REPLICATED in the warehouse: the recorded mix (the demo's 7 FastF1 sessions, landed by
`make backfill`, and the OpenF1 telemetry race 2024-18-R) is copied, table by table in silver,
under SYNTHETIC keys (seasons 2074 to 2098, not 2090+ as in history_scaling.py: gold's
contract allows rounds 1 to 30 and seasons to 2100; an event's sessions keep their codes and
share a round), with `session_id`, `season` and `round` rewritten and every other value unchanged,
plus the silver load log, so gold's incremental models see the copies as loaded. One in eight
sessions is the telemetry race, so N = 1,000 holds 125 telemetry sessions (~184 M car and
location rows). Snapshots and gold are then built by the pipeline (`dagster asset materialize
--select group:gold`), which is the gold refresh measured. The added session is 2024-18-R's
bronze hard-linked under a 2099 key, as in history_scaling.py.

    python bench/history_1000.py [--size 1000] [--runs 3] [--keep]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import threading
import time
import urllib.request
import uuid
from pathlib import Path

from backfill_scaling import make_backfill
from harness import (
    DAGSTER,
    OPENF1_TO_GOLD,
    SILVER_TO_GOLD,
    Measurement,
    Root,
    machine,
    median_of,
    query_latency,
    report,
    report_breakdown,
)
from history_scaling import P95_TARGET_MS, SOURCE_KEY, gold_query_latency, replicate

# The demo's FastF1 sessions (Makefile DEMO_SESSIONS); the telemetry race comes last, so a
# partial last copy leaves it out and the mix stays one telemetry race in eight sessions.
FASTF1_KEYS = [
    "2018-04-R",
    "2023-04-Q",
    "2023-04-SQ",
    "2023-04-S",
    "2025-06-S",
    "2023-01-R",
    "2021-14-FP2",
]
RECORDED = [*FASTF1_KEYS, SOURCE_KEY]
# gold's contract: season 1950..2100, round 1..30. The history's synthetic seasons end at 2098
# (2099 is for the sessions being added) and start as low as 1,000 sessions need (2074).
ROUNDS_PER_SEASON = 30
LAST_SEASON = 2098
RATIO_TARGET = 1.3
RSS_TARGET_MB = 1024


def copies(count: int) -> list[tuple[str, int, int, str]]:
    """(synthetic key, season, round, recorded key) for `count` copies of the recorded mix; a
    copy's sessions of one recorded event share a synthetic round."""
    events = sorted({key.rsplit("-", 1)[0] for key in RECORDED})
    copies_needed = -(-count // len(RECORDED))
    first_season = LAST_SEASON - (copies_needed * len(events) - 1) // ROUNDS_PER_SEASON
    rows = []
    for index in range(count):
        copy, source = divmod(index, len(RECORDED))
        key = RECORDED[source]
        event = copy * len(events) + events.index(key.rsplit("-", 1)[0])
        season, round_ = first_season + event // ROUNDS_PER_SEASON, event % ROUNDS_PER_SEASON + 1
        rows.append((f"{season}-{round_:02d}-{key.rsplit('-', 1)[1]}", season, round_, key))
    return rows


def replicate_silver(root: Root, rows: list[tuple[str, int, int, str]]) -> None:
    """Replicate in a process of its own: DuckDB grows to GBs copying ~184 M rows, and every
    command measured after it would report that as its own peak RSS (harness.Root.run)."""
    process = multiprocessing.get_context("spawn").Process(
        target=_replicate_silver, args=(root.path / "warehouse" / "f1.duckdb", rows)
    )
    process.start()
    process.join()
    if process.exitcode != 0:
        raise RuntimeError(f"replicating silver failed (exit code {process.exitcode})")


def _replicate_silver(warehouse: Path, rows: list[tuple[str, int, int, str]]) -> None:
    """Copy the recorded sessions' silver rows (and load log) under the synthetic keys, one
    transaction per copy of the mix, so each session's rows lie together as a run writes them."""
    import duckdb

    with duckdb.connect(str(warehouse)) as con:
        tables = [
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'silver' "
                "and table_name like 'silver_%' order by 1"
            ).fetchall()
        ]
        con.execute(
            "create temp table key_map (session_id varchar, season integer, round integer, "
            "source varchar, load_id varchar)"
        )
        for start in range(0, len(rows), len(RECORDED)):
            batch = rows[start : start + len(RECORDED)]
            load_id = str(uuid.uuid4())  # one synthetic silver run per copy
            con.execute("begin")
            con.execute("delete from key_map")
            con.executemany(
                "insert into key_map values (?, ?, ?, ?, ?)", [(*r, load_id) for r in batch]
            )
            for table in tables:
                con.execute(
                    f"insert into silver.{table} by name "
                    "select t.* replace (m.session_id as session_id, m.season as season, "
                    f"m.round as round) from silver.{table} as t "
                    "join key_map as m on t.session_id = m.source order by m.session_id"
                )
            con.execute(
                "insert into silver.session_loads (model, session_id, load_id, loaded_at) "
                "select l.model, m.session_id, m.load_id, now() from silver.session_loads as l "
                "join key_map as m on l.session_id = m.source"
            )
            con.execute("commit")
        con.execute("checkpoint")


def gold_refresh(root: Root, label: str) -> Measurement:
    """Snapshots and gold, the gold step's whole process; dbt's slowest models beside it."""
    result = root.run([*DAGSTER, "--select", "group:gold"])
    report(label, result, [result], f"RSS ≤ {RSS_TARGET_MB} MB")
    slowest_models(root)
    return result


# dbt's own time per node (dagster-dbt's "Execution Duration", from dbt's node timing) of the
# newest run's materialisations, read from the run's instance.
_NODE_TIMES = """
import json, dagster as dg
instance = dg.DagsterInstance.get()
run = instance.get_runs(limit=1)[0]
times = {}
for record in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION):
    materialization = record.asset_materialization
    duration = materialization.metadata.get("Execution Duration")
    if duration is not None:
        times[materialization.asset_key.path[-1]] = duration.value
print(json.dumps(times))
"""


def slowest_models(root: Root, count: int = 6) -> None:
    """The gold run's slowest dbt models, by dbt's own timing."""
    import json
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _NODE_TIMES],
        env=root.env,
        check=True,
        capture_output=True,
        text=True,
    )
    times = json.loads(done.stdout.strip().splitlines()[-1])
    slowest = sorted(times.items(), key=lambda item: item[1], reverse=True)[:count]
    parts = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in slowest)
    print(
        f"    slowest dbt models (dbt's timing; all {len(times)}: {sum(times.values()):.1f} s): {parts}",
        flush=True,
    )


def api_latency(root: Root, repeats: int = 30) -> None:
    """p50/p95 of read-API requests over real HTTP (uvicorn on an ephemeral loopback port)."""
    import socket

    import uvicorn

    from f1_lakehouse.api.app import create_app
    from f1_lakehouse.lib.settings import DataRoot, api_max_rows

    season = SOURCE_KEY.split("-")[0]
    paths = {
        "tables": "/v1/tables",
        "session_leaderboard": f"/v1/session_leaderboard?session_id={SOURCE_KEY}",
        "fact_laps one driver": f"/v1/fact_laps?session_id={SOURCE_KEY}&driver_number=1",
        "telemetry_lap_summary": f"/v1/telemetry_lap_summary?session_id={SOURCE_KEY}",
        "driver_standings": f"/v1/driver_standings?season={season}",
        "dim_sessions races": "/v1/dim_sessions?session_code=R&limit=500",
    }
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    app = create_app(DataRoot(root.path), token=None, max_rows=api_max_rows())
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the API did not start")
        time.sleep(0.05)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"

    def request(path: str) -> None:
        with urllib.request.urlopen(url + path, timeout=60) as response:
            assert response.read(), f"{path}: empty answer"

    try:
        requests = {name: lambda path=path: request(path) for name, path in paths.items()}
        query_latency("API", requests, repeats, P95_TARGET_MS)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def add_session(root: Root, key: str, runs: int, held: int) -> Measurement:
    """Silver → gold for a new telemetry session; re-runs replace it whole (the same work)."""
    replicate(root, key)
    root.register([key])
    result, samples = median_of(runs, lambda: root.materialize(SILVER_TO_GOLD, key))
    report(f"add session N+1 with telemetry, N = {held}", result, samples)
    report_breakdown(samples)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the data root for inspection")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with Root(keep=args.keep) as root:
        free_gb = os.statvfs(root.path).f_bavail * os.statvfs(root.path).f_frsize / 1e9
        print(f"data root {root.path} ({free_gb:.0f} GB free)", flush=True)
        root.register([SOURCE_KEY])
        root.materialize(OPENF1_TO_GOLD, SOURCE_KEY)  # 1 session of history: the real race
        first = add_session(root, "2099-01-R", args.runs, 1)
        make_backfill(root, FASTF1_KEYS)  # the rest of the recorded mix, bronze → gold
        held = 2 + len(FASTF1_KEYS)
        rows = copies(args.size - held)
        telemetry = 2 + sum(1 for *_, source in rows if source == SOURCE_KEY)
        print(
            f"history: {len(RECORDED)} recorded sessions ({', '.join(RECORDED)}) + 2099-01-R, "
            f"replicated in silver under synthetic keys {rows[0][0]} … {rows[-1][0]} to "
            f"N = {args.size}; row contents unchanged; {telemetry} of them with telemetry",
            flush=True,
        )
        started = time.perf_counter()
        replicate_silver(root, rows)
        root.register([key for key, *_ in rows])
        size_gb = (root.path / "warehouse" / "f1.duckdb").stat().st_size / 1e9
        print(
            f"  (replicated {len(rows)} sessions in silver in {time.perf_counter() - started:.0f} s;"
            f" warehouse {size_gb:.1f} GB)",
            flush=True,
        )
        gold_refresh(root, f"gold refresh, first after replication, N = {args.size}")
        last = add_session(root, "2099-02-R", args.runs, args.size)
        gold_refresh(root, f"gold refresh, nothing new, N = {args.size + 1}")
        ratio = last.wall_s / first.wall_s
        cpu_ratio = last.cpu_s / first.cpu_s
        print(
            f"t(N={args.size}) / t(N=1) = {ratio:.2f} (CPU {cpu_ratio:.2f})   target ≤ {RATIO_TARGET}",
            flush=True,
        )
        started = time.perf_counter()
        gold_query_latency(root)  # exports gold first (timed below), then the dashboard queries
        print(f"  (export + dashboard queries {time.perf_counter() - started:.0f} s)", flush=True)
        api_latency(root)


if __name__ == "__main__":
    main()
