"""The dialect ratchet, at zero: no DuckDB-only SQL in the dbt project's models, macros or tests.

A model text that runs on DuckDB and Spark alike uses the shared forms or the cross-engine
macros (dbt_project/macros/cross_engine/, skipped by the scan: their default__ bodies are
DuckDB's). Every model and macro was ported in issue 19, so any finding fails the suite.
"""

from __future__ import annotations

import pytest

from f1_lakehouse.lib.dbt.project import DBT_PROJECT_DIR
from f1_lakehouse.lib.spark.dialect import CONSTRUCTS, counts, scan_project, scan_text

FOLDERS = ["models", "macros", "tests"]


@pytest.mark.parametrize("folder", FOLDERS)
def test_no_duckdb_only_sql_outside_the_cross_engine_macros(folder: str) -> None:
    assert (DBT_PROJECT_DIR / folder).is_dir()
    findings = scan_project(DBT_PROJECT_DIR, folder)
    assert not findings, (
        f"DuckDB-only SQL in {folder}/ {dict(counts(findings))}; "
        "use the shared form or a cross-engine macro:\n" + "\n".join(str(f) for f in findings)
    )


# one DuckDB-only sample per construct, and its shared form that must pass
SAMPLES = {
    "qualify": ("select * from t qualify row_number() over () = 1", "select * from t where ok"),
    "union_by_name": ("select 1 union all by name select 2", "select 1 union all select 2"),
    "star_exclude": ("select * exclude (a) from t", "select * except (a) from t"),
    "window_filter": (
        "max(x) filter (where p = 1) over (partition by s)",
        "max(case when p = 1 then x end) over (partition by s), count(*) filter (where a)",
    ),
    "arg_max_min": ("arg_max(a, b)", "max_by(a, b)"),
    "list_extract": ("list_extract([1, 2], i)", "{{ literal_list_element([1, 2], 'i') }}"),
    "regexp_full_match": ("regexp_full_match(s, 'a')", "{{ regexp_whole_match('s', \"'a'\") }}"),
    "regexp_matches": ("regexp_matches(s, 'a')", "{{ regexp_search('s', \"'a'\") }}"),
    "integer_division": ("(n - 10) // 2", "{{ integer_divide('n - 10', '2') }} -- see http://x"),
    "to_milliseconds": ("t + to_milliseconds(n)", "{{ timestamp_add_ms('t', 'n') }}"),
    "asof_join": ("from a asof left join b on a.t >= b.t", "from a left join b on a.t >= b.t"),
    "varchar_type": ("cast(y as varchar)", "null::string, cast(y as string)"),
    "timestamptz_type": ("cast(x as timestamptz)", "cast(x as timestamp)"),
    "hugeint_type": ("cast(x as hugeint)", "cast(sum(x) as bigint)"),
    "read_parquet": ("from read_parquet('x/*.parquet')", "from {{ bronze_relation('s', 't') }}"),
    "glob": ("select file from glob('x')", "select file from files"),
    "regexp_replace_4_args": (
        "regexp_replace(s, '[a,b]', '_', 'g')",
        "regexp_replace(s, 'a', 'b'), regexp_replace(s, '[a,b]', concat('_', ','))",
    ),
}


def test_every_construct_has_a_sample() -> None:
    assert set(SAMPLES) == {*CONSTRUCTS, "regexp_replace_4_args"}


@pytest.mark.parametrize("construct", sorted(SAMPLES))
def test_the_scan_finds_each_construct_and_passes_its_shared_form(construct: str) -> None:
    duckdb_only, shared = SAMPLES[construct]
    assert [f.construct for f in scan_text(duckdb_only)] == [construct]
    assert [f.construct for f in scan_text(shared)] == []


def test_comments_are_not_sql_and_lines_are_counted() -> None:
    text = (
        "-- a QUALIFY here is prose\n{# so is // this #}\n"
        "select 'did not qualify', 'it''s // fine'\nqualify x = 1\n"
    )
    assert [(f.line, f.construct) for f in scan_text(text, "m.sql")] == [(4, "qualify")]
