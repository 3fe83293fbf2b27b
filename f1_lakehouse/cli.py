"""The `f1-lakehouse` command: set up a data root, serve OpenF1 replays, print gold summaries,
publish gold, serve the dashboard and the read API.

Errors go to stderr. Exit codes: 0 done, 1 failed, 2 refused or bad usage, 75 export skipped
(the warehouse was busy; the previous export stays live)."""

from __future__ import annotations

import argparse
import sys
from importlib.metadata import version

from f1_lakehouse.lib.root_setup import DataRootError, init_root
from f1_lakehouse.lib.settings import SettingsError, allow_ram_root, data_root, require_mount


def _init(args: argparse.Namespace) -> int:
    root = data_root()
    try:
        findings = init_root(root, require_mount(), allow_ram_root())
    except DataRootError as exc:
        print(f"f1-lakehouse init: refused: {exc}", file=sys.stderr)
        return 2
    from f1_lakehouse.lib.dbt.in_process import parsed_manifest

    parsed_manifest(root=root)  # the root's dbt parse state: later runs re-read only changed files
    print(f"f1-lakehouse init: data root {root.path} is ready: {'; '.join(findings)}")
    print(f"  export DAGSTER_HOME={root.dagster_home}")
    return 0


def _summary(args: argparse.Namespace) -> int:
    from f1_lakehouse.lib.dbt.gold_summary import print_gold_summary

    return print_gold_summary(data_root())


def _export(args: argparse.Namespace) -> int:
    from f1_lakehouse.dashboard.export import export_cli
    from f1_lakehouse.lib.settings import dagster_home_is_set

    gold_run_id = None
    if dagster_home_is_set():  # the run history is there to ask (Dagster loads in seconds)
        from f1_lakehouse.lib.dbt.gold_runs import gold_run_id_from_home as gold_run_id
    return export_cli(data_root(), wait_seconds=args.wait, gold_run_id=gold_run_id)


def _api(args: argparse.Namespace) -> int:
    from f1_lakehouse.api.serve import serve

    return serve(host=args.host, port=args.port)


def _dashboard(args: argparse.Namespace) -> int:
    from f1_lakehouse.dashboard.serve import serve

    return serve(address=args.address, port=args.port)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["openf1-replay"]:
        # The replay server owns its options (argparse REMAINDER would not pass `--port`).
        from f1_lakehouse.lib.openf1.replay import main as replay_main

        return replay_main(argv[1:])
    parser = argparse.ArgumentParser(prog="f1-lakehouse", description=__doc__)
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {version('f1_lakehouse')}"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "init", help="create bronze/ cache/ warehouse/ dagster_home/ under F1_LAKEHOUSE_ROOT"
    ).set_defaults(func=_init)
    commands.add_parser("summary", help="print a short summary of the published gold").set_defaults(
        func=_summary
    )
    export = commands.add_parser(
        "export", help="publish gold as Parquet (warehouse/exports/): dashboard, notebooks, API"
    )
    export.add_argument(
        "--wait", type=float, default=0.0, help="seconds to wait for a busy warehouse"
    )
    export.set_defaults(func=_export)
    dashboard = commands.add_parser("dashboard", help="serve the Streamlit dashboard")
    dashboard.add_argument("--address", default="127.0.0.1")
    dashboard.add_argument("--port", type=int, default=8501)
    dashboard.set_defaults(func=_dashboard)
    api = commands.add_parser(
        "api", help="serve the read-only HTTP API over the published gold (docs at /docs)"
    )
    api.add_argument(
        "--host", default="127.0.0.1", help="outside loopback needs F1_LAKEHOUSE_API_TOKEN"
    )
    api.add_argument("--port", type=int, default=8000)
    api.set_defaults(func=_api)
    commands.add_parser(
        "openf1-replay", help="serve recorded OpenF1 responses on 127.0.0.1 (see --help)"
    )
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except SettingsError as exc:
        print(f"f1-lakehouse {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
