import os
from pathlib import Path

import pytest

from f1_lakehouse.cli import main
from f1_lakehouse.lib.root_setup import DataRootError, check_own_volume, init_root, mount_point
from f1_lakehouse.lib.settings import DataRoot, SettingsError, data_root, source_mode


def test_init_creates_the_layout_and_an_instance_config(tmp_path):
    root = DataRoot(tmp_path / "ssd")
    findings = init_root(root, require_mount=False)
    for name in ("bronze", "cache", "warehouse", "dagster_home"):
        assert (tmp_path / "ssd" / name).is_dir()
    assert "telemetry" in (root.dagster_home / "dagster.yaml").read_text()
    assert "writable" in findings


def test_init_creates_dagster_storage_so_first_runs_do_not_race(tmp_path):
    """Two first runs starting together on a new SQLite instance race in Dagster's creation of
    its tables; after init every table a run needs is there."""
    import sqlite3

    root = DataRoot(tmp_path / "ssd")
    assert "Dagster storage created" in init_root(root, require_mount=False)
    history = root.dagster_home / "history"
    for db, table in [
        (history / "runs.db", "runs"),
        (history / "runs" / "index.db", "concurrency_limits"),
        (root.dagster_home / "schedules" / "schedules.db", "jobs"),
    ]:
        with sqlite3.connect(db) as con:
            names = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
        assert table in names, (db, sorted(names))


def test_init_leaves_a_storage_the_user_chose_alone(tmp_path):
    root = DataRoot(tmp_path / "ssd")
    root.dagster_home.mkdir(parents=True)
    (root.dagster_home / "dagster.yaml").write_text(
        "storage:\n  postgres:\n    postgres_url: postgresql://nobody@127.0.0.1:1/none\n"
    )
    assert "Dagster storage created" not in init_root(root, require_mount=False)
    assert not (root.dagster_home / "history").exists()


def test_unwritable_root_is_refused_with_a_clear_message(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(DataRootError, match="cannot create the data root layout"):
        init_root(DataRoot(blocker / "root"), require_mount=False)


def _on_root_volume(tmp_path: Path) -> bool:
    return mount_point(tmp_path) == Path("/")


def test_require_mount_refuses_the_host_root_volume(tmp_path, monkeypatch):
    monkeypatch.setattr("f1_lakehouse.lib.root_setup.mount_point", lambda path: Path("/"))
    with pytest.raises(DataRootError, match="not on a mounted volume of its own"):
        check_own_volume(tmp_path)
    assert not (tmp_path / "bronze").exists()


def test_require_mount_accepts_a_volume_of_its_own_unless_it_is_ram():
    shm = Path("/dev/shm")
    if not os.path.ismount(shm):
        pytest.skip("no separately mounted volume on this machine")
    with pytest.raises(DataRootError, match="held in memory"):
        check_own_volume(shm / "f1-lakehouse-root")
    assert check_own_volume(shm / "f1-lakehouse-root", allow_ram=True) == shm


def test_cli_init_with_require_mount(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("F1_LAKEHOUSE_ROOT", str(tmp_path / "root"))
    monkeypatch.setenv("F1_LAKEHOUSE_REQUIRE_MOUNT", "1")
    expected = 0 if mount_point(tmp_path) != Path("/") else 2
    assert main(["init"]) == expected
    out = capsys.readouterr()
    if expected:
        assert "refused" in out.err and "F1_LAKEHOUSE_ROOT" in out.err
        assert not (tmp_path / "root" / "bronze").exists()
    else:
        assert "is ready" in out.out


def test_cli_init_reports_ready(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("F1_LAKEHOUSE_ROOT", str(tmp_path / "root"))
    monkeypatch.delenv("F1_LAKEHOUSE_REQUIRE_MOUNT", raising=False)
    assert main(["init"]) == 0
    assert "is ready" in capsys.readouterr().out
    assert (tmp_path / "root" / "warehouse").is_dir()


def test_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("F1_LAKEHOUSE_ROOT", str(tmp_path))
    assert data_root().bronze == tmp_path / "bronze"
    monkeypatch.setenv("F1_LAKEHOUSE_SOURCE", "LIVE")
    assert source_mode() == "live"
    monkeypatch.setenv("F1_LAKEHOUSE_SOURCE", "internet")
    with pytest.raises(SettingsError, match="live, replay"):
        source_mode()
