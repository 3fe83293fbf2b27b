"""Every dbt asset's materialisation carries `dagster/row_count` and `dagster/column_schema`
(what the Dagster UI shows), equal to the warehouse's, read back through the instance."""

import dagster as dg

from f1_lakehouse.defs.dbt.assets import gold_dbt_models, silver_dbt_models


def _keys(assets_def: dg.AssetsDefinition, layers: tuple[str, ...]) -> list[dg.AssetKey]:
    return [k for k in assets_def.keys if k.path[0] in layers]


def test_every_dbt_model_and_snapshot_has_its_row_count_in_the_instance(pipeline):
    keys = _keys(silver_dbt_models, ("silver",)) + _keys(
        gold_dbt_models, ("gold", "snapshots", "intermediate")
    )
    assert len(keys) >= 11 + 16 + 2
    for key in keys:
        event = pipeline.instance.get_latest_materialization_event(key)
        assert event is not None, key
        metadata = event.asset_materialization.metadata
        schema, name = key.path
        (rows,) = pipeline.query(f'select count(*) from "{schema}"."{name}"')[0]
        assert metadata["dagster/row_count"].value == rows, key
        columns = [c.name for c in metadata["dagster/column_schema"].value.columns]
        expected = pipeline.query(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [schema, name],
        )
        assert columns == [c for (c,) in expected], key
    gold_laps = pipeline.instance.get_latest_materialization_event(
        dg.AssetKey(["gold", "fact_laps"])
    )
    assert gold_laps.asset_materialization.metadata["dagster/row_count"].value > 800
