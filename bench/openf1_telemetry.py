"""Benchmark: download + write OpenF1 car_data and location for 2024-18-R (replay mode).

Runs the work in a child process on a fresh temporary data root, against the replay server
in a separate process (so the figure is the client + writer alone), and prints wall time and
the child's own peak RSS. Telemetry is streamed per driver, so peak memory should stay flat
(well under 1 GB) however long the session.

    python bench/openf1_telemetry.py [--partition 2024-18-R] [--window-minutes 30]
    python bench/openf1_telemetry.py --in-process-server   # as a Dagster run does it
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


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
    started = time.perf_counter()
    rows: dict[str, int] = {}
    with OpenF1Resource(base_url=base_url).connected() as client:
        resolved = resolve_session(client.get, key)
        drivers = driver_numbers(client, resolved.session_key)
        for endpoint in TELEMETRY_ENDPOINTS:
            schema = bronze_schema(endpoint)
            with open_partition(root / "bronze", "openf1", endpoint, key, schema) as stream:
                stream_telemetry(
                    client, endpoint, resolved, drivers, stream, timedelta(minutes=window_minutes)
                )
            rows[endpoint] = stream.row_count
        requests = client.stats.requests
    return {
        "wall_seconds": round(time.perf_counter() - started, 2),
        "rows": rows,
        "requests": requests,
        "baseline_rss_mb": round(baseline, 1),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }


def _start_server() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "f1_lakehouse.lib.openf1.replay_server", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if " at " not in line:
        proc.kill()
        raise SystemExit(f"replay server did not start: {line!r}")
    return proc, line.rsplit(" at ", 1)[1].strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partition", default="2024-18-R")
    parser.add_argument("--window-minutes", type=float, default=30.0)
    parser.add_argument("--in-process-server", action="store_true")
    parser.add_argument("--worker", nargs=2, metavar=("URL", "ROOT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        url, root = args.worker
        result = worker(url, Path(root), args.partition, args.window_minutes)
        print(json.dumps(result))
        return 0

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
            started = time.perf_counter()
            out = subprocess.run(command, check=True, capture_output=True, text=True)
            total = time.perf_counter() - started
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    mode = (
        "in-process replay server" if args.in_process_server else "replay server in its own process"
    )
    rows = result["rows"]
    print(f"OpenF1 telemetry benchmark, {args.partition}, {mode}")
    print(f"  rows            car_data {rows['car_data']:,}  location {rows['location']:,}")
    print(f"  requests        {result['requests']}")
    print(
        f"  wall time       {result['wall_seconds']} s download+write "
        f"({total:.1f} s with interpreter start)"
    )
    print(
        f"  peak RSS        {result['peak_rss_mb']} MB "
        f"(after imports: {result['baseline_rss_mb']} MB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
