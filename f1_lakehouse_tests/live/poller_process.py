"""A live poller in a process of its own, for the kill test: it polls the recorded race at
the moments given and, at the last one, stops for good after the first endpoint has landed,
so the test can SIGKILL it in the middle of a poll.

python -m f1_lakehouse_tests.live.poller_process ROOT MOMENT [MOMENT ...]
"""

from __future__ import annotations

import sys
import threading
from datetime import datetime
from pathlib import Path

from f1_lakehouse.lib.live import poll as live_poll
from f1_lakehouse.lib.live.endpoints import REPLACED, STREAMED
from f1_lakehouse.lib.live.pace import SteppedClock
from f1_lakehouse.lib.openf1.replay import ReplayServer
from f1_lakehouse.lib.openf1.session_map import resolve_session
from f1_lakehouse.lib.session_keys import SessionKey
from f1_lakehouse_tests.openf1.support import PARTITION, fast_resource

MID_POLL = "mid-poll"


def main(argv: list[str]) -> int:
    root, moments = Path(argv[0]), [datetime.fromisoformat(m) for m in argv[1:]]
    key = SessionKey.parse(PARTITION)
    clock = SteppedClock(moments[0])
    with ReplayServer(clock=clock) as server, fast_resource(server.base_url).connected() as client:
        session = resolve_session(client.get, key)
        for index, moment in enumerate(moments):
            clock.at = moment
            last = index == len(moments) - 1
            for position, endpoint in enumerate((*STREAMED, *REPLACED)):
                live_poll.poll_endpoint(client, session, root, key, endpoint, moment)
                if last and position == 0:
                    print(MID_POLL, flush=True)
                    threading.Event().wait()  # until killed
            print(f"polled {moment.isoformat()}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
