"""OpenF1's live data needs an account: its token goes in the Authorization header of requests
to the real API, never to a loopback replay, and never into an error message."""

from __future__ import annotations

import pytest

from f1_lakehouse.lib.openf1.client import OpenF1RequestError
from f1_lakehouse.lib.openf1.replay import FaultPlan, ReplayServer
from f1_lakehouse.lib.openf1.resource import OpenF1Resource

TOKEN = "not-a-real-token-7f3a"


def test_the_token_is_sent_to_the_api_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("F1_LAKEHOUSE_OPENF1_TOKEN", TOKEN)
    with OpenF1Resource(base_url="https://api.openf1.org/v1").connected() as client:
        assert client.session.headers["Authorization"] == f"Bearer {TOKEN}"
    with OpenF1Resource(base_url="http://127.0.0.1:9/v1").connected() as client:
        assert "Authorization" not in client.session.headers


def test_a_failed_request_does_not_print_the_token(monkeypatch: pytest.MonkeyPatch) -> None:
    """The resource's client, its session carrying the token as it does for the API, against
    a replay server that answers every request with a 500."""
    monkeypatch.setenv("F1_LAKEHOUSE_OPENF1_TOKEN", TOKEN)
    always_500 = FaultPlan(fail_rate=1.0, kinds=("500",), seed=1)
    with (
        ReplayServer(faults=always_500) as server,
        OpenF1Resource(base_url=server.base_url, max_attempts=1).connected() as client,
    ):
        client.session.headers["Authorization"] = f"Bearer {TOKEN}"
        with pytest.raises(OpenF1RequestError) as failure:
            client.get("laps", {"session_key": 9606})
    assert "500" in str(failure.value)
    assert TOKEN not in str(failure.value)
