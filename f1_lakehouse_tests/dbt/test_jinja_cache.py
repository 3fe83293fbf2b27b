"""dbt's compiled Jinja templates kept on the data root: the same rendering, compiled once."""

from __future__ import annotations

from pathlib import Path

import pytest
from dbt_common.clients import jinja as dbt_jinja

from f1_lakehouse.lib.dbt import jinja_cache
from f1_lakehouse.lib.dbt.jinja_cache import use_template_cache

MACRO = "{% set gap = (x - y) | abs %}{% if gap > 0 %}{{ gap }} ms{% endif %}"


def entries(cache_root: Path) -> list[Path]:
    return sorted(p for p in cache_root.rglob("*") if p.is_file())


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """The templates Jinja itself compiles (cache misses), with the cache on `tmp_path`."""
    use_template_cache(tmp_path)
    seen: list[str] = []
    original = jinja_cache._state["original"]

    def counting(self, source, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(source)
        return original(self, source, *args, **kwargs)

    monkeypatch.setitem(jinja_cache._state, "original", counting)
    return seen


def render(source: str, native: bool = False, **values: object) -> object:
    return dbt_jinja.get_template(source, {}, native=native).render(values)


def test_a_template_compiles_once_then_comes_from_the_cache(compiles, tmp_path):
    assert render(MACRO, x=1200, y=1500) == "300 ms"
    assert compiles == [MACRO] and len(entries(tmp_path)) == 1
    # A new process (dbt's in-memory cache is per process) reads it back and renders the same.
    assert render(MACRO, x=90_000, y=89_250) == "750 ms"
    assert compiles == [MACRO]


def test_native_rendering_is_cached_apart_from_text_rendering(compiles, tmp_path):
    assert render("{{ 1 + 2 }}") == "3"
    render("{{ 1 + 2 }}", native=True)  # another code generator: another entry
    assert len(compiles) == 2 and len(entries(tmp_path)) == 2
    render("{{ 1 + 2 }}", native=True)
    assert len(compiles) == 2


def test_a_changed_template_is_compiled_anew(compiles, tmp_path):
    render(MACRO, x=1, y=2)
    changed = MACRO.replace(" ms", " milliseconds")
    assert render(changed, x=1, y=2) == "1 milliseconds"
    assert compiles == [MACRO, changed] and len(entries(tmp_path)) == 2


def test_an_unreadable_entry_is_compiled_again_and_rewritten(compiles, tmp_path):
    render(MACRO, x=1, y=2)
    (entry,) = entries(tmp_path)
    entry.write_bytes(b"\x00torn")
    assert render(MACRO, x=5, y=2) == "3 ms"
    assert compiles == [MACRO, MACRO]
    assert entry.read_bytes() != b"\x00torn"


def test_dbt_macro_debugging_bypasses_the_cache(compiles, tmp_path, monkeypatch):
    monkeypatch.setattr(dbt_jinja, "MACRO_DEBUGGING", "1")
    render(MACRO, x=1, y=2)
    render(MACRO, x=1, y=2)
    assert entries(tmp_path) == []


def test_a_cache_that_cannot_be_written_only_costs_a_compile(compiles, tmp_path):
    use_template_cache(tmp_path / "taken")
    (tmp_path / "taken").write_text("a file where the folder should be")
    assert render(MACRO, x=3, y=1) == "2 ms"
    assert render(MACRO, x=3, y=1) == "2 ms"
    assert compiles == [MACRO, MACRO]
