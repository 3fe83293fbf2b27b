"""Faults of this machine, not of a source: a read-only or full disk, no permission, a corrupt
file. Retrying cannot fix them (a run used to spend minutes in backoff before failing), so they
become one error naming the file and the remedy, and the step fails at once."""

from __future__ import annotations

import errno
from pathlib import Path

_REMEDIES = {
    errno.EROFS: "the disk is read-only: remount it read-write (or check the SSD's lock "
    "switch), then run again",
    errno.ENOSPC: "the disk is full: free space on the data root's volume, then run again",
    errno.EDQUOT: "the disk quota is used up: free space on the data root's volume, then run again",
    errno.EACCES: "permission denied: give this user write access to the data root "
    "(owner or mode), then run again",
    errno.EPERM: "operation not permitted: give this user write access to the data root "
    "(owner or mode), then run again",
}


class LocalFault(RuntimeError):
    """A local disk or file fault: not transient, so never retried."""


class CorruptFile(LocalFault):
    """A file under the data root that cannot be read as what it should be."""

    def __init__(self, path: Path, reason: object, remedy: str) -> None:
        super().__init__(f"{path} is corrupt ({reason}): {remedy}")
        self.path = path


def _local_os_error(exc: BaseException | None) -> OSError | None:
    """The OSError with a local errno in `exc` or its causes (libraries wrap them)."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OSError) and exc.errno in _REMEDIES:
            return exc
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def local_fault(exc: BaseException, path: Path | str | None = None) -> LocalFault | None:
    """`exc` as a LocalFault naming the file (`path` when the error itself does not) and the
    remedy; None when it is no local fault (a network error is left to the retry policy)."""
    if isinstance(exc, LocalFault):
        return exc
    found = _local_os_error(exc)
    if found is None:
        return None
    where = found.filename or path or "a file under the data root"
    reason = found.strerror or str(found)
    return LocalFault(f"{where}: {reason}; {_REMEDIES[found.errno]}")
