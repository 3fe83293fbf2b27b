"""Start the dashboard: Streamlit on loopback, headless, without usage statistics."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP = Path(__file__).with_name("app.py")


def streamlit_command(address: str = "127.0.0.1", port: int = 8501) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.address",
        address,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--global.developmentMode",
        "false",
        "--client.toolbarMode",
        "viewer",
    ]


def serve(address: str = "127.0.0.1", port: int = 8501) -> int:
    print(f"f1-lakehouse dashboard: http://{address}:{port}", flush=True)
    command = streamlit_command(address, port)
    os.execv(command[0], command)
    return 0  # not reached
