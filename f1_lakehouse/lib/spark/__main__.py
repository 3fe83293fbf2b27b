"""`python -m f1_lakehouse.lib.spark`: the Spark check (`make spark-check`), printed as a table."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from f1_lakehouse.lib.settings import REPO_ROOT, data_root
from f1_lakehouse.lib.spark.check import SparkCheckError, run_check


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--project-dir", type=Path, default=REPO_ROOT / "dbt_project")
    parser.add_argument("--select", nargs="*", help="model names (default: every model)")
    parser.add_argument(
        "--rerun", nargs="+", default=["2023-04-Q", "2018-04-R"], help="session keys"
    )
    args = parser.parse_args(argv)
    try:
        report = run_check(args.project_dir.resolve(), data_root(), args.select or None, args.rerun)
    except (SparkCheckError, ValueError) as exc:
        print(f"spark-check: {exc}", file=sys.stderr)
        return 1
    print(report.table())
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
