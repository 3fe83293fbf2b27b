"""The read API: OpenF1-style filters checked against the official (Ergast) results, clear
4xx answers for what it will not run, the row cap, CSV, and the bind guard."""

import csv
import io

import pytest

from f1_lakehouse.api.serve import BindRefused, check_bind, is_loopback
from f1_lakehouse.api.serve import serve as serve_cli
from f1_lakehouse.cli import main as cli_main
from f1_lakehouse_tests import ergast
from f1_lakehouse_tests.api.conftest import ROW_CAP
from f1_lakehouse_tests.api.server import serve_api


def test_the_2018_baku_podium_matches_the_official_result(api):
    reply = api.get("/v1/session_leaderboard?session_id=2018-04-R&position<=3")
    assert reply.status == 200, reply.body
    rows = sorted(reply.json(), key=lambda r: r["position"])
    official = ergast.classification(2018, 4)
    podium = sorted(
        (r for r in official.values() if r["position"] <= 3), key=lambda r: r["position"]
    )
    assert [r["driver_number"] for r in rows] == [r["driver_number"] for r in podium]
    assert [r["points"] for r in rows] == [float(r["points"]) for r in podium]
    assert [r["driver_key"] for r in rows] == ["HAM", "RAI", "PER"]


@pytest.mark.parametrize(
    ("season", "round_", "key"), [(2018, 4, "2018-04-R"), (2023, 1, "2023-01-R")]
)
def test_comparison_filters_select_exactly_the_official_rows(api, season, round_, key):
    official = ergast.classification(season, round_)
    reply = api.get(f"/v1/driver_session_summary?session_id={key}&position>3&position<11")
    got = {r["driver_number"]: r["position"] for r in reply.json()}
    assert got == {n: r["position"] for n, r in official.items() if 3 < r["position"] < 11}


def test_lap_time_filter_counts_only_slower_laps(api, pipeline):
    rows = api.rows("fact_laps", "session_id=2018-04-R&lap_time_ms>110000")
    (expected,) = pipeline.query(
        "select count(*) from gold.fact_laps where session_id = '2018-04-R' and lap_time_ms > 110000"
    )[0]
    assert len(rows) == expected > 0
    assert all(r["lap_time_ms"] > 110_000 for r in rows)


def test_percent_encoded_operators_work_as_typed_ones(api):
    typed = api.get("/v1/session_leaderboard?session_id=2018-04-R&position<=3").json()
    encoded = api.get("/v1/session_leaderboard?session_id=2018-04-R&position%3C%3D3").json()
    assert typed == encoded and len(typed) == 3


def test_csv(api):
    reply = api.get("/v1/session_leaderboard?session_id=2018-04-R&position=1&csv=true")
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("text/csv")
    (row,) = list(csv.DictReader(io.StringIO(reply.body.decode())))
    assert row["driver_key"] == "HAM" and row["session_id"] == "2018-04-R"


def test_tables_lists_schemas_and_row_counts(api, exported):
    body = api.get("/v1/tables").json()
    assert body["generation"] == api.get("/v1/tables").json()["generation"]
    assert body["row_cap"] == ROW_CAP
    leaderboard = body["tables"]["session_leaderboard"]
    types = {c["name"]: c["type"] for c in leaderboard["columns"]}
    assert types["session_id"] == "VARCHAR" and types["position"] in ("INTEGER", "BIGINT")
    assert leaderboard["rows"] > 0


def test_unknown_table_and_column_are_clear_4xx(api):
    reply = api.get("/v1/no_such_table")
    assert reply.status == 404
    assert "no published table 'no_such_table'" in reply.json()["detail"]
    assert "session_leaderboard" in reply.json()["detail"]
    reply = api.get("/v1/session_leaderboard?pole_sitter=HAM")
    assert reply.status == 400
    assert "session_leaderboard has no column 'pole_sitter'" in reply.json()["detail"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("session_id=2018-04-R' OR '1'='1", "malformed session partition key"),
        ("session_id=2018-04-R;drop table x", "malformed session partition key"),
        ("position<=3 or 1=1", "is not a number"),
        ('position"<=3', "has no column"),
        ("position;select 1=1", "has no column"),
        ("position", "cannot read the query part"),
        ("is_valid=maybe", "use true or false"),
    ],
)
def test_injection_attempts_and_bad_values_are_refused(api, query, message):
    table = "fact_laps" if "is_valid" in query else "session_leaderboard"
    reply = api.get(f"/v1/{table}?{query.replace(' ', '%20').replace(';', '%3B')}")
    assert reply.status == 400, reply.body
    assert message in reply.json()["detail"]


def test_the_row_cap_is_enforced_and_pages_cover_everything(api, pipeline):
    (total,) = pipeline.query("select count(*) from gold.fact_laps")[0]
    assert total > ROW_CAP
    first = api.get("/v1/fact_laps")
    assert len(first.json()) == ROW_CAP
    assert first.headers["x-row-cap"] == str(ROW_CAP)
    assert first.headers["x-next-offset"] == str(ROW_CAP)
    too_many = api.get(f"/v1/fact_laps?limit={ROW_CAP + 1}")
    assert too_many.status == 400
    assert f"above the row cap of {ROW_CAP}" in too_many.json()["detail"]
    pages = api.rows("fact_laps")
    keys = {(r["session_id"], r["driver_number"], r["lap_number"]) for r in pages}
    assert len(pages) == len(keys) == total


def test_a_token_guards_every_call_when_set(exported, pipeline):
    with serve_api(pipeline.root, token="s3cret") as guarded:
        assert guarded.get("/v1/tables").status == 401
        assert guarded.get("/v1/tables", token="wrong").status == 401
        assert guarded.get("/v1/tables", token="s3cret").status == 200


def test_non_loopback_binds_need_a_token(monkeypatch, capsys):
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")
    with pytest.raises(BindRefused, match="F1_LAKEHOUSE_API_TOKEN"):
        check_bind("0.0.0.0", None)
    check_bind("0.0.0.0", "s3cret")
    monkeypatch.delenv("F1_LAKEHOUSE_API_TOKEN", raising=False)
    assert serve_cli(host="0.0.0.0", port=0) == 2
    assert cli_main(["api", "--host", "0.0.0.0", "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert "refusing to bind the API to 0.0.0.0" in err


def test_nothing_published_is_a_clear_503(data_root):
    with serve_api(data_root) as empty:
        reply = empty.get("/v1/tables")
    assert reply.status == 503
    assert "nothing is published" in reply.json()["detail"]
