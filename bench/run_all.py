"""`make bench`: every benchmark in turn, printing its figures (not part of the test suite)."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = ["session_latency.py", "openf1_telemetry.py", "history_scaling.py"]

if __name__ == "__main__":
    failed = [
        b for b in BENCHES if subprocess.run([sys.executable, str(HERE / b)], cwd=HERE).returncode
    ]
    sys.exit(f"benchmarks failed: {', '.join(failed)}" if failed else 0)
