"""How the resource finds OpenF1: explicit URL, F1_LAKEHOUSE_OPENF1_URL, in-process replay, live."""

from __future__ import annotations

import math

import pytest

from f1_lakehouse.lib.openf1.client import LIVE_BASE_URL
from f1_lakehouse.lib.openf1.resource import LOOPBACK_BUDGET, PUBLIC_BUDGET, OpenF1Resource
from f1_lakehouse.lib.settings import OPENF1_URL_ENV as URL_ENV


def test_replay_mode_starts_a_loopback_server_for_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("F1_LAKEHOUSE_SOURCE", "replay")
    monkeypatch.delenv(URL_ENV, raising=False)
    resource = OpenF1Resource()
    assert resource.resolved_base_url() == ""
    with resource.connected() as client:
        assert client.base_url.startswith("http://127.0.0.1:")
        assert client.limiter.per_second == LOOPBACK_BUDGET[0]
        assert len(client.get("drivers", {"session_key": 9606})) == 20
        server = resource._server
        assert server is not None
    assert resource._server is None  # stopped with the run


def test_url_from_the_environment_wins_in_replay_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("F1_LAKEHOUSE_SOURCE", "replay")
    monkeypatch.setenv(URL_ENV, "http://127.0.0.1:8765/v1/")
    assert OpenF1Resource().resolved_base_url() == "http://127.0.0.1:8765/v1"
    assert OpenF1Resource(base_url="http://x/v1").resolved_base_url() == "http://x/v1"


def test_live_mode_uses_the_public_api_with_safe_budgets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("F1_LAKEHOUSE_SOURCE", "live")
    monkeypatch.delenv(URL_ENV, raising=False)
    resource = OpenF1Resource()
    assert resource.resolved_base_url() == LIVE_BASE_URL
    assert resource._budget(LIVE_BASE_URL) == PUBLIC_BUDGET
    tuned = OpenF1Resource(requests_per_second=1, requests_per_window=20, window_seconds=10)
    assert tuned._budget(LIVE_BASE_URL) == (1, 20, 10)


def test_loopback_has_no_per_second_budget_nor_environment_proxies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("F1_LAKEHOUSE_SOURCE", "replay")
    monkeypatch.delenv(URL_ENV, raising=False)
    with OpenF1Resource().connected() as client:
        assert client.limiter.per_second == math.inf
        assert client.session.trust_env is False
    public = OpenF1Resource(base_url=LIVE_BASE_URL)
    assert public._budget(LIVE_BASE_URL)[0] == 3
    with public.connected() as client:
        assert client.session.trust_env is True  # a proxy set for the real API is used
