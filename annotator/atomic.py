"""Write files atomically: a temp file beside the target, renamed into place on success.

A crash or an error mid-write leaves either the old file or the complete new one, never
half an export. Temp names carry the writer's process id, so that the next export to the
same target can remove what a killed writer left behind without touching the temp file
of a writer that is still running.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from annotator.outputs import OutputError, OutputKind, open_stream, resolve_output, usual_mode

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def temp_prefix(target: Path) -> str:
    """The name every temp file or folder for `target` starts with (hidden, pid inside)."""
    return f".{target.name}.{os.getpid()}."


def sweep_stale(target: Path) -> list[Path]:
    """Remove temp files and folders for `target` whose writing process is gone."""
    removed: list[Path] = []
    if not target.parent.is_dir():
        return removed
    stem = f".{target.name}."
    for entry in target.parent.iterdir():
        name = entry.name
        if not (name.startswith(stem) and name.endswith(".tmp")):
            continue
        pid_text = name[len(stem) :].split(".", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: not ours to judge
    return True


def exchange(first: Path, second: Path) -> bool:
    """Swap two existing paths in one atomic step; False where the system cannot.

    Replacing a folder otherwise takes two renames, and a kill between them would leave
    neither the old nor the new export under the target's name. Linux's renameat2 with
    RENAME_EXCHANGE swaps them at once.
    """
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))


@contextmanager
def atomic_writer(
    target: Path, mode: str = "w", *, protect: Iterable[Path] = ()
) -> Iterator[IO[Any]]:
    """Open `target` for writing: a temp file renamed into place on a clean exit.

    The target is checked first (`annotator.outputs`): the project named in `protect` is
    refused under any name, a device or FIFO is written into directly, `-` is standard
    output, and a symlink is followed so that the file it names is replaced.
    """
    output = resolve_output(target, protect=protect)
    if output.kind is OutputKind.FOLDER:
        raise OutputError(f"{target}: is a folder; name a file to write")
    if not output.replaceable:
        with open_stream(output, mode) as handle:
            yield handle
        return
    real = output.path
    real.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale(real)
    fd, temp_name = tempfile.mkstemp(prefix=temp_prefix(real), suffix=".tmp", dir=real.parent)
    temp = Path(temp_name)
    try:
        os.fchmod(fd, usual_mode())
        encoding, newline = (None, None) if "b" in mode else ("utf-8", "\n")
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, real)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
