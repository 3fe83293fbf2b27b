"""`make bench`: every benchmark in turn, printing its figures (not part of the test suite)."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Each prints its figures beside the issue-18 targets (bench/README.md lists them).
BENCHES = [
    "session_latency.py",
    "backfill_scaling.py",
    "openf1_live_pull.py",
    "openf1_telemetry.py",
    "history_scaling.py",
    "history_1000.py",
]

if __name__ == "__main__":
    failed = [
        b for b in BENCHES if subprocess.run([sys.executable, str(HERE / b)], cwd=HERE).returncode
    ]
    sys.exit(f"benchmarks failed: {', '.join(failed)}" if failed else 0)
