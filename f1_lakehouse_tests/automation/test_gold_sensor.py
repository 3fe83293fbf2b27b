"""Gold follows silver: the gold-after-silver sensor over materialisation events in an instance."""

from __future__ import annotations

import dagster as dg

from f1_lakehouse.defs.automation.jobs import GOLD_KEYS, SILVER_KEYS
from f1_lakehouse.defs.automation.sensors import gold_after_silver_sensor


def land(instance: dg.DagsterInstance, *keys: dg.AssetKey) -> int:
    """Record materialisations (as a run outside Dagster would); the last event's storage id."""
    for key in keys:
        instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=key))
    return instance.fetch_materializations(keys[-1], limit=1).records[0].storage_id


def evaluate(instance: dg.DagsterInstance, cursor: str | None = None) -> dg.SensorResult:
    return gold_after_silver_sensor(dg.build_sensor_context(instance=instance, cursor=cursor))


def test_no_silver_no_gold_run() -> None:
    with dg.instance_for_test() as instance:
        assert evaluate(instance).skip_reason.skip_message == "no silver materialisation yet"


def test_new_silver_requests_one_gold_refresh() -> None:
    with dg.instance_for_test() as instance:
        land(instance, *GOLD_KEYS)
        storage_id = land(instance, SILVER_KEYS[0])
        result = evaluate(instance)
        assert result.run_requests == [
            dg.RunRequest(
                run_key=f"gold-after-silver:{storage_id}",
                tags={"f1_lakehouse/trigger": "silver_landed", "f1_lakehouse/silver_run": ""},
            )
        ]
        assert result.cursor == str(storage_id)
        again = evaluate(instance, cursor=result.cursor)
        assert again.run_requests == []
        assert (
            again.skip_reason.skip_message
            == f"gold refresh after silver event {storage_id} requested"
        )


def test_gold_built_after_silver_is_fresh() -> None:
    with dg.instance_for_test() as instance:
        land(instance, *SILVER_KEYS)
        land(instance, *GOLD_KEYS)
        assert evaluate(instance).skip_reason.skip_message == "gold is newer than the latest silver"


def test_gold_never_built_is_stale_once_silver_exists() -> None:
    with dg.instance_for_test() as instance:
        land(instance, *SILVER_KEYS)
        land(instance, GOLD_KEYS[0])  # one gold table built before, the other never
        assert len(evaluate(instance).run_requests) == 1


def test_gold_waits_for_the_run_that_is_still_writing_silver() -> None:
    @dg.asset(key=SILVER_KEYS[0])
    def silver_stub() -> None:
        return None

    with dg.instance_for_test() as instance:
        run_id = dg.materialize([silver_stub], instance=instance).run_id
        run = instance.get_run_by_id(run_id)
        assert run is not None
        # Pretend the run is still going: its silver has landed, its other steps have not.
        instance.run_storage.delete_run(run_id)
        instance.add_run(run.with_status(dg.DagsterRunStatus.STARTED))
        result = evaluate(instance)
        assert result.run_requests == []
        assert result.skip_reason.skip_message == (
            f"silver landed in run {run_id}, still STARTED: gold waits for it to finish"
        )


def test_no_gold_refresh_after_a_failed_silver_step() -> None:
    """A silver step that reported a materialisation and then failed (a test failed after its
    model was built): write-audit-publish rolled it back, so gold must not follow it."""

    @dg.multi_asset(specs=[dg.AssetSpec(SILVER_KEYS[0])], name="silver_step")
    def silver_step():  # type: ignore[no-untyped-def]
        yield dg.MaterializeResult(asset_key=SILVER_KEYS[0])
        raise RuntimeError("dbt build failed: silver_laps_key_rules")

    with dg.instance_for_test() as instance:
        land(instance, *GOLD_KEYS)
        result = dg.materialize([silver_step], instance=instance, raise_on_error=False)
        assert not result.success
        record = instance.fetch_materializations(SILVER_KEYS[0], limit=1).records[0]
        assert record.run_id == result.run_id  # the failed run did report silver
        skipped = evaluate(instance)
        assert skipped.run_requests == []
        assert skipped.skip_reason.skip_message.startswith("silver's step failed in run")
