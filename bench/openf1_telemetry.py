"""Benchmark: download + write OpenF1 car_data and location for 2024-18-R (replay mode).

Runs the work in a child process on a fresh temporary data root, against the replay server
in a separate process (so the figure is the client + writer alone), and prints wall time, CPU
time (user + system of the worker, all its threads) and the child's own peak RSS, per endpoint
(the two Dagster steps) and in total, for each of `--runs` runs and their median. CPU time is
the steadier figure on a machine shared with other work. Telemetry is streamed per driver, so
peak memory should stay flat (well under 1 GB) however long the session.

    python bench/openf1_telemetry.py [--runs 3] [--partition 2024-18-R] [--window-minutes 0]

`--window-minutes 0` (the default, as the assets do it): one request per driver and endpoint
for the whole session; 30 gives the earlier 30-minute windows (~10 per driver).
    python bench/openf1_telemetry.py --in-process-server   # as a Dagster run does it
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def worker(base_url: str, root: Path, partition: str, window_minutes: float) -> dict[str, object]:
    """The measured work: resolve the session, then stream both telemetry endpoints."""
    from f1_lakehouse.lib.bronze import open_partition
    from f1_lakehouse.lib.openf1.resource import OpenF1Resource
    from f1_lakehouse.lib.openf1.schemas import bronze_schema
    from f1_lakehouse.lib.openf1.session_map import resolve_session
    from f1_lakehouse.lib.openf1.telemetry import (
        TELEMETRY_ENDPOINTS,
        driver_numbers,
        stream_telemetry,
    )
    from f1_lakehouse.lib.session_keys import SessionKey

    baseline = _peak_rss_mb()
    key = SessionKey.parse(partition)
    started, cpu_started = time.perf_counter(), _cpu_seconds()
    rows: dict[str, int] = {}
    steps: dict[str, dict[str, float]] = {}
    with OpenF1Resource(base_url=base_url).connected() as client:
        resolved = resolve_session(client.get, key)
        drivers = driver_numbers(client, resolved.session_key)
        for endpoint in TELEMETRY_ENDPOINTS:
            step_started, step_cpu = time.perf_counter(), _cpu_seconds()
            schema = bronze_schema(endpoint)
            with open_partition(root / "bronze", "openf1", endpoint, key, schema) as stream:
                step = timedelta(minutes=window_minutes) if window_minutes > 0 else None
                stream_telemetry(client, endpoint, resolved, drivers, stream, step)
            rows[endpoint] = stream.row_count
            steps[endpoint] = {
                "wall": time.perf_counter() - step_started,
                "cpu": _cpu_seconds() - step_cpu,
            }
        requests = client.stats.requests
    return {
        "wall_seconds": time.perf_counter() - started,
        "cpu_seconds": _cpu_seconds() - cpu_started,
        "steps": steps,
        "rows": rows,
        "requests": requests,
        "baseline_rss_mb": round(baseline, 1),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }


def _start_server() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "f1_lakehouse.lib.openf1.replay", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if " at " not in line:
        proc.kill()
        raise SystemExit(f"replay server did not start: {line!r}")
    return proc, line.rsplit(" at ", 1)[1].strip()


def _one_run(args: argparse.Namespace) -> dict[str, object]:
    """One worker process on a fresh root (and a fresh replay server unless in-process)."""
    server, url = (None, "") if args.in_process_server else _start_server()
    try:
        with tempfile.TemporaryDirectory(prefix="f1-bench-") as root:
            command = [
                sys.executable,
                __file__,
                "--partition",
                args.partition,
                "--window-minutes",
                str(args.window_minutes),
                "--worker",
                url,
                root,
            ]
            out = subprocess.run(command, check=True, capture_output=True, text=True)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _figures(result: dict[str, object]) -> str:
    steps = result["steps"]
    assert isinstance(steps, dict)
    parts = [f"{name} {step['wall']:.2f} s (cpu {step['cpu']:.2f})" for name, step in steps.items()]
    return (
        f"total {result['wall_seconds']:.2f} s (cpu {result['cpu_seconds']:.2f})  "
        + "  ".join(parts)
        + f"  peak RSS {result['peak_rss_mb']:.0f} MB"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partition", default="2024-18-R")
    parser.add_argument("--window-minutes", type=float, default=0.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--in-process-server", action="store_true")
    parser.add_argument("--worker", nargs=2, metavar=("URL", "ROOT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        url, root = args.worker
        result = worker(url, Path(root), args.partition, args.window_minutes)
        print(json.dumps(result))
        return 0

    mode = (
        "in-process replay server" if args.in_process_server else "replay server in its own process"
    )
    print(f"OpenF1 telemetry benchmark, {args.partition}, {mode}, {args.runs} run(s)")
    results = []
    for run in range(1, args.runs + 1):
        results.append(_one_run(args))
        print(f"  run {run}   {_figures(results[-1])}", flush=True)
    rows = results[-1]["rows"]
    assert isinstance(rows, dict)
    median = {
        "wall_seconds": statistics.median(float(r["wall_seconds"]) for r in results),  # type: ignore[arg-type]
        "cpu_seconds": statistics.median(float(r["cpu_seconds"]) for r in results),  # type: ignore[arg-type]
        "peak_rss_mb": max(float(r["peak_rss_mb"]) for r in results),  # type: ignore[arg-type]
        "steps": {
            name: {
                key: statistics.median(r["steps"][name][key] for r in results)  # type: ignore[index]
                for key in ("wall", "cpu")
            }
            for name in rows
        },
    }
    print(f"  median  {_figures(median)} (max)")
    print(f"  rows    car_data {rows['car_data']:,}  location {rows['location']:,}")
    print(
        f"  requests {results[-1]['requests']} per run, imports: {results[-1]['baseline_rss_mb']} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
