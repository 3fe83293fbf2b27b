"""Warm-ups run during an earlier step's wait, only for runs that execute the step needing them."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from f1_lakehouse.lib import warm_up
from f1_lakehouse.lib.warm_up import due_warm_ups, planned_ops, register_warm_up, warming_up


def context(step_keys=None, nodes=("fastf1_session_tables",)):  # type: ignore[no-untyped-def]
    return SimpleNamespace(
        run=SimpleNamespace(step_keys_to_execute=step_keys),
        job_def=SimpleNamespace(nodes=[SimpleNamespace(name=n) for n in nodes]),
    )


@pytest.fixture(autouse=True)
def own_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(warm_up, "_warm_ups", {})


def test_the_plan_is_the_step_keys_when_named_else_the_jobs_ops():
    assert planned_ops(context(nodes=("a", "b"))) == {"a", "b"}
    assert planned_ops(context(step_keys=["b"], nodes=("a", "b"))) == {"b"}


def test_only_warm_ups_for_planned_steps_are_due_and_each_once():
    def parse(root):  # type: ignore[no-untyped-def]
        return root

    def other(root):  # type: ignore[no-untyped-def]
        return root

    register_warm_up("silver_dbt_models", parse)
    register_warm_up("gold_dbt_models", parse)
    register_warm_up("bronze_openf1_session_tables", other)
    assert due_warm_ups(context(nodes=("fastf1_session_tables",))) == []
    run = context(nodes=("fastf1_session_tables", "silver_dbt_models", "gold_dbt_models"))
    assert due_warm_ups(run) == [parse]


def test_the_block_ends_after_its_warm_ups_and_a_failure_is_only_logged(data_root, caplog):
    done: list[object] = []

    def parse(root):  # type: ignore[no-untyped-def]
        done.append(root)

    def broken(root):  # type: ignore[no-untyped-def]
        raise RuntimeError("dbt_project.yml unreadable")

    register_warm_up("silver_dbt_models", broken)
    register_warm_up("silver_dbt_models", parse)
    with warming_up(context(nodes=("silver_dbt_models",)), data_root):
        pass
    assert done == [data_root]
    assert "warm-up broken failed: dbt_project.yml unreadable" in caplog.text
