"""Files written whole or not at all: the one place the pipeline writes a file atomically.

Entry points: `write_synced(tmp, write)` (a temporary, fsynced before anyone renames it),
`replace_all({tmp: target})` (temporaries renamed over their targets as one step as far as a
POSIX folder allows) and `write_atomically(path, data)` (both, for one file)."""
from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_synced(tmp: Path, write: Callable[[BinaryIO], object]) -> None:
    """`write(fh)` into `tmp`, then flush and fsync: on disk before any rename, so that a crash
    never leaves a renamed empty file."""
    with tmp.open("wb") as fh:
        write(fh)
        fh.flush()
        os.fsync(fh.fileno())


def write_atomically(path: Path, data: bytes) -> None:
    """`path` holds `data` whole, or is left as it was (its temporary is removed on any failure)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write_synced(tmp, lambda fh: fh.write(data))
        replace_all({tmp: path})
    finally:
        tmp.unlink(missing_ok=True)


def replace_all(files: dict[Path, Path]) -> None:
    """Rename each temporary over its target (`{temporary: target}`, in that order): the previous
    targets are hard-linked aside first, so that a rename failing half-way puts them all back. The
    temporaries are gone afterwards, whatever happened."""
    backups: dict[Path, Path] = {}
    done: list[Path] = []
    try:
        for target in files.values():
            if target.exists():
                backup = target.with_name(f".{target.name}.prev.tmp")
                backup.unlink(missing_ok=True)
                os.link(target, backup)  # a link costs no data blocks, so it works on a full disk
                backups[target] = backup
        for tmp, target in files.items():
            tmp.replace(target)
            done.append(target)
    except BaseException:
        for target in done:  # put the previous files back (or remove the new ones they lacked)
            with contextlib.suppress(OSError):
                if target in backups:
                    backups[target].replace(target)
                else:
                    target.unlink()
        raise
    finally:
        for path in [*files, *backups.values()]:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
    for folder in {target.parent for target in files.values()}:
        fsync_folder(folder)


def fsync_folder(folder: Path) -> None:
    """The renames themselves durable (a crash after the run must not bring back old names)."""
    with contextlib.suppress(OSError):  # not every platform or filesystem opens a folder
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
