"""The `f1-lakehouse` command: set up a data root, serve OpenF1 replays, print gold summaries."""

from __future__ import annotations

import argparse
import os
import sys

from f1_lakehouse.lib.root_setup import DataRootError, init_root
from f1_lakehouse.lib.settings import allow_ram_root, data_root, require_mount


def _init(args: argparse.Namespace) -> int:
    root = data_root()
    try:
        findings = init_root(root, require_mount(), allow_ram_root())
    except DataRootError as exc:
        print(f"f1-lakehouse init: refused: {exc}", file=sys.stderr)
        return 2
    os.environ["F1_LAKEHOUSE_ROOT"] = str(root.path)
    from f1_lakehouse.lib.dbt_in_process import parsed_manifest

    parsed_manifest()  # the root's dbt parse state: later runs re-read only changed files
    print(f"f1-lakehouse init: data root {root.path} is ready: {'; '.join(findings)}")
    print(f"  export DAGSTER_HOME={root.dagster_home}")
    return 0


def _summary(args: argparse.Namespace) -> int:
    from f1_lakehouse.lib.gold_summary import print_gold_summary

    return print_gold_summary(data_root())


def _export(args: argparse.Namespace) -> int:
    from f1_lakehouse.dashboard.export import export_cli

    return export_cli(data_root(), wait_seconds=args.wait)


def _dashboard(args: argparse.Namespace) -> int:
    from f1_lakehouse.dashboard.serve import serve

    return serve(address=args.address, port=args.port)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["openf1-replay"]:
        # The replay server owns its options (argparse REMAINDER would not pass `--port`).
        from f1_lakehouse.lib.openf1.replay_server import main as replay_main

        return replay_main(argv[1:])
    parser = argparse.ArgumentParser(prog="f1-lakehouse", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "init", help="create bronze/ cache/ warehouse/ dagster_home/ under F1_LAKEHOUSE_ROOT"
    ).set_defaults(func=_init)
    commands.add_parser("summary", help="print a short summary of the gold tables").set_defaults(
        func=_summary
    )
    export = commands.add_parser(
        "export", help="export gold as Parquet for the dashboard (warehouse/exports/)"
    )
    export.add_argument(
        "--wait", type=float, default=0.0, help="seconds to wait for a busy warehouse"
    )
    export.set_defaults(func=_export)
    dashboard = commands.add_parser("dashboard", help="serve the Streamlit dashboard")
    dashboard.add_argument("--address", default="127.0.0.1")
    dashboard.add_argument("--port", type=int, default=8501)
    dashboard.set_defaults(func=_dashboard)
    commands.add_parser(
        "openf1-replay", help="serve recorded OpenF1 responses on 127.0.0.1 (see --help)"
    )
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
