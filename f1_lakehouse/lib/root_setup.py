"""Create and vet the data root: the external-SSD guarantee lives here.

`init` writes a marker at the root naming the volume it was created on; every run checks the
marker (`validate_root`, from DataRootResource) before it writes anything. An unplugged SSD leaves
an empty mount point without the marker, so the run stops instead of filling the system disk.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from contextlib import suppress
from pathlib import Path

from f1_lakehouse.lib.local_faults import local_fault
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


MARKER = ".f1-lakehouse-root.json"
# File systems held in memory: a root there vanishes with the power, so it is no SSD.
RAM_FILE_SYSTEMS = frozenset({"tmpfs", "ramfs"})


def _unescape_mount(field: str) -> str:
    """/proc/self/mounts writes space, tab, newline and backslash as octal escapes."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


def file_system_type(mount: Path) -> str | None:
    """The type of the file system mounted at `mount` (Linux), or None when unknown."""
    try:
        lines = Path("/proc/self/mounts").read_text().splitlines()
    except OSError:
        return None
    found = None
    for line in lines:  # the last entry for a mount point is the one on top
        fields = line.split(" ")
        if len(fields) >= 3 and _unescape_mount(fields[1]) == str(mount):
            found = fields[2]
    return found


def check_own_volume(path: Path, allow_ram: bool = False) -> Path:
    """Refuse a root on the host's system volume or in RAM: race data stays on the external SSD."""
    mount = mount_point(path)
    if mount == Path("/"):
        raise DataRootError(
            f"F1_LAKEHOUSE_REQUIRE_MOUNT=1 but data root {path} is on the host's root volume, "
            "not on a mounted volume of its own. Mount the external SSD and point "
            "F1_LAKEHOUSE_ROOT at a folder on it (or unset F1_LAKEHOUSE_REQUIRE_MOUNT)."
        )
    fs_type = file_system_type(mount)
    if fs_type in RAM_FILE_SYSTEMS and not allow_ram:
        raise DataRootError(
            f"F1_LAKEHOUSE_REQUIRE_MOUNT=1 but data root {path} is on {mount}, a {fs_type} "
            "held in memory, not an external SSD: its data would vanish with the power. Point "
            "F1_LAKEHOUSE_ROOT at the SSD (or set F1_LAKEHOUSE_ALLOW_RAM_ROOT=1 for a test)."
        )
    return mount


def read_marker(root: DataRoot) -> dict[str, object] | None:
    """What `init` recorded about the root's volume, or None if the root has no marker."""
    try:
        return json.loads((root.path / MARKER).read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise DataRootError(
            f"data root {root.path}: its marker {MARKER} cannot be read ({exc}); "
            "run `f1-lakehouse init` again"
        ) from exc


def _write_marker(root: DataRoot, require_mount: bool) -> None:
    mount = mount_point(root.path)
    marker = {
        "root": str(root.path),
        "mount_point": str(mount),
        "file_system": file_system_type(mount),
        "require_mount": require_mount,
    }
    scratch = root.path / f".{MARKER}.{uuid.uuid4().hex}.tmp"
    scratch.write_text(json.dumps(marker, indent=2) + "\n")
    os.replace(scratch, root.path / MARKER)


def validate_root(root: DataRoot, require_mount: bool, allow_ram: bool = False) -> None:
    """Refuse, before anything is written, a root that is not the one `init` prepared.

    No marker: never initialised, or the SSD is unplugged and this is its empty mount point. A
    different mount point than at `init`: the path now leads to another volume."""
    marker = read_marker(root)
    if marker is None:
        where = "does not exist" if not root.path.exists() else "has no init marker"
        raise DataRootError(
            f"data root {root.path} {where}: is the external SSD mounted? If it is, run "
            "`f1-lakehouse init` first (a root never initialised is refused, so nothing is "
            "written to the system disk)."
        )
    mount = mount_point(root.path)
    if str(mount) != marker.get("mount_point"):
        raise DataRootError(
            f"data root {root.path} was initialised on the volume mounted at "
            f"{marker.get('mount_point')} but is now on {mount}: the SSD is not mounted where "
            "it was. Mount it there again (or run `f1-lakehouse init` to adopt this volume)."
        )
    if require_mount or marker.get("require_mount"):
        check_own_volume(root.path, allow_ram)


def check_writable(path: Path) -> None:
    """Prove the root is writable by creating, reading back and removing a file."""
    probe = path / f".write-probe-{uuid.uuid4().hex}"
    try:
        probe.write_bytes(b"f1-lakehouse")
        if probe.read_bytes() != b"f1-lakehouse":
            raise DataRootError(f"data root {path} did not read back what was written")
    except OSError as exc:
        fault = local_fault(exc, probe)
        raise DataRootError(f"data root {path} is not writable: {fault or exc}") from exc
    finally:
        with suppress(OSError):  # a read-only disk refuses the clean-up too
            probe.unlink(missing_ok=True)


EVENT_LOG_MODULE = "f1_lakehouse.lib.event_log"
_EVENT_LOG_BLOCK = re.compile(
    rf"^event_log_storage:\n  module: {re.escape(EVENT_LOG_MODULE)}\n(?:  .*\n)*", re.MULTILINE
)


_STORAGE_KEY = re.compile(
    r"^(storage|event_log_storage|run_storage|schedule_storage):", re.MULTILINE
)


def _user_chose_storage(dagster_yaml_text: str) -> bool:
    """The instance config names a storage of its own, besides the event log `init` adds."""
    return bool(_STORAGE_KEY.search(_EVENT_LOG_BLOCK.sub("", dagster_yaml_text)))


def event_log_block(root: DataRoot) -> str:
    """The instance's event log: Dagster's SQLite one, in its default folder, writing a batch of
    events in one transaction (f1_lakehouse/lib/event_log.py). `base_dir` must be absolute."""
    base_dir = json.dumps(str((root.dagster_home / "history" / "runs").resolve()))
    return (
        f"event_log_storage:\n  module: {EVENT_LOG_MODULE}\n"
        f"  class: BatchedSqliteEventLogStorage\n  config:\n    base_dir: {base_dir}\n"
    )


def _set_event_log_storage(dagster_yaml: Path, root: DataRoot) -> bool:
    """Add the event log block to an instance config that names no storage of its own, or point
    ours at this root again (a root adopted on another mount path); True if the file changed."""
    text = dagster_yaml.read_text()
    block = event_log_block(root)
    if _EVENT_LOG_BLOCK.search(text):
        updated = _EVENT_LOG_BLOCK.sub(lambda _: block, text, count=1)
    elif _user_chose_storage(text):
        return False  # leave it
    else:
        updated = text.rstrip("\n") + "\n\n" + block
    if updated == text:
        return False
    dagster_yaml.write_text(updated)
    return True


def create_dagster_storage(dagster_home: Path) -> None:
    """Create the instance's run, event log and schedule tables now, from one process.

    Dagster creates its SQLite tables on first use: two first runs that start together on a new
    instance race in that creation ("table jobs already exists") and one of them fails."""
    import dagster as dg  # ~1 s: only init pays it

    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        instance.get_runs(limit=1)
        instance.event_log_storage.get_concurrency_keys()
        instance.schedule_storage.all_instigator_state()


def init_root(root: DataRoot, require_mount: bool, allow_ram: bool = False) -> list[str]:
    """Create bronze/ cache/ warehouse/ dagster_home/ (with Dagster's storage) and the marker;
    return findings."""
    findings: list[str] = []
    if require_mount:
        findings.append(f"on its own mounted volume ({check_own_volume(root.path, allow_ram)})")
    try:
        for folder in root.subdirs():
            folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataRootError(f"cannot create the data root layout under {root.path}: {exc}") from exc
    check_writable(root.path)
    findings.append("writable")
    dagster_yaml = root.dagster_home / "dagster.yaml"
    try:
        if not dagster_yaml.exists():
            dagster_yaml.write_text((REPO_ROOT / "dagster.yaml").read_text())
            findings.append(f"wrote {dagster_yaml}")
        if _set_event_log_storage(dagster_yaml, root):
            findings.append(f"batched event log storage in {dagster_yaml}")
        if not _user_chose_storage(dagster_yaml.read_text()):
            create_dagster_storage(root.dagster_home)  # a chosen storage is the user's to create
            findings.append("Dagster storage created")
        _write_marker(root, require_mount)
    except OSError as exc:
        raise DataRootError(f"cannot write under the data root {root.path}: {exc}") from exc
    return findings
