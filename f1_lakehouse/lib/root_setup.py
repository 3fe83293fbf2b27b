"""Create and vet the data root: the external-SSD guarantee lives here."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from f1_lakehouse.lib.settings import REPO_ROOT, DataRoot


class DataRootError(RuntimeError):
    """The data root cannot be used."""


def mount_point(path: Path) -> Path:
    """The mount point of the volume holding `path` (the path itself may not exist yet)."""
    current = path.resolve()
    while not current.exists():
        current = current.parent
    while not os.path.ismount(current):
        current = current.parent
    return current


def check_own_volume(path: Path) -> Path:
    """Refuse a root on the host's system volume: race data must stay on the external SSD."""
    mount = mount_point(path)
    if mount == Path("/"):
        raise DataRootError(
            f"F1_LAKEHOUSE_REQUIRE_MOUNT=1 but data root {path} is on the host's root volume, "
            "not on a mounted volume of its own. Mount the external SSD and point "
            "F1_LAKEHOUSE_ROOT at a folder on it (or unset F1_LAKEHOUSE_REQUIRE_MOUNT)."
        )
    return mount


def check_writable(path: Path) -> None:
    """Prove the root is writable by creating, reading back and removing a file."""
    probe = path / f".write-probe-{uuid.uuid4().hex}"
    try:
        probe.write_bytes(b"f1-lakehouse")
        if probe.read_bytes() != b"f1-lakehouse":
            raise DataRootError(f"data root {path} did not read back what was written")
    except OSError as exc:
        raise DataRootError(f"data root {path} is not writable: {exc}") from exc
    finally:
        probe.unlink(missing_ok=True)


def init_root(root: DataRoot, require_mount: bool) -> list[str]:
    """Create bronze/ cache/ warehouse/ dagster_home/ and return human-readable findings."""
    findings: list[str] = []
    if require_mount:
        findings.append(f"on its own mounted volume ({check_own_volume(root.path)})")
    try:
        for folder in root.subdirs():
            folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataRootError(f"cannot create the data root layout under {root.path}: {exc}") from exc
    check_writable(root.path)
    findings.append("writable")
    dagster_yaml = root.dagster_home / "dagster.yaml"
    if not dagster_yaml.exists():
        dagster_yaml.write_text((REPO_ROOT / "dagster.yaml").read_text())
        findings.append(f"wrote {dagster_yaml}")
    return findings
