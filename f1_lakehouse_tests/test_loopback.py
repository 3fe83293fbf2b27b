"""One loopback set for the replay server, the OpenF1 resource's budget and the API's bind check."""

import pytest

from f1_lakehouse.api.serve import DEFAULT_HOST
from f1_lakehouse.lib.loopback import LOOPBACK_HOST, is_loopback, is_loopback_url
from f1_lakehouse.lib.openf1.replay.server import HOST as REPLAY_HOST


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8765/v1", True),
        ("http://localhost:8000", True),
        ("http://[::1]:8000/v1", True),
        ("http://127.0.0.2/v1", True),  # all of 127.0.0.0/8 is this machine
        ("https://api.openf1.org/v1", False),
        ("http://localhost.example.com/v1", False),  # a name that merely starts like it
        ("http://0.0.0.0:8000", False),  # every interface, not loopback
        ("not a url", False),
    ],
)
def test_loopback_urls(url: str, expected: bool) -> None:
    assert is_loopback_url(url) is expected


def test_every_server_binds_the_one_loopback_host() -> None:
    assert REPLAY_HOST == DEFAULT_HOST == LOOPBACK_HOST
    assert is_loopback(LOOPBACK_HOST) and not is_loopback("192.168.1.10")
