"""Where a command may write: the one check every output path goes through.

Every command that writes a file (exports, the HTML agreement report, backups) asks this
module what its target is before writing a byte. The answer protects what the user
pointed at by mistake: the project itself (under any name: a symlink, a hard link, a
relative path with `..`) and its `-wal`, `-shm` and `-journal` companions are refused;
a device, a FIFO or a socket is written into, never replaced (`-o /dev/null` must not
turn the system's null device into a regular file); `-` is standard output; a symlink to
a regular file is followed, so the export replaces the file it names and the link stays.

Paths are compared after resolving them, and files by device and inode, because strings
say nothing about whether two names are one file.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import IO, Any

from annotator.errors import AnnotatorError

STDOUT = "-"
"""The target name that means standard output, as in most Unix tools."""

COMPANIONS = ("", "-wal", "-shm", "-journal")
"""SQLite's files for one database: replacing any of them loses committed work."""


class OutputError(AnnotatorError):
    """A target the command refuses to write to; the message says why and what to do."""


class OutputKind(Enum):
    FILE = "file"
    """A regular file or a new name: written beside it and renamed into place."""
    FOLDER = "folder"
    """An existing folder: only an earlier export's folder may be replaced."""
    STREAM = "stream"
    """A device, FIFO or socket: written into directly, in order, never replaced."""
    STDOUT = "stdout"


@dataclass(frozen=True)
class Output:
    """A checked target: what it is, and the path to write (symlinks already followed)."""

    kind: OutputKind
    path: Path

    @property
    def replaceable(self) -> bool:
        """True when the output is built aside and renamed into place."""
        return self.kind in (OutputKind.FILE, OutputKind.FOLDER)


def protected_files(project: Path) -> list[Path]:
    """The project's database file and its journal companions."""
    return [project.with_name(project.name + suffix) for suffix in COMPANIONS]


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


def _refuse_if_protected(target: Path, real: Path, protect: Iterable[Path]) -> None:
    identity = _identity(real)
    for project in protect:
        for guarded in protected_files(project):
            same_name = Path(os.path.realpath(guarded)) == real
            same_file = identity is not None and identity == _identity(guarded)
            if same_name or same_file:
                what = (
                    f"the project itself ({project})"
                    if guarded == project
                    else f"the {guarded.name[len(project.name) :]} journal of the project {project}"
                )
                raise OutputError(f"{target}: that is {what}; write the output to another path")


def _refuse_if_holding_project(target: Path, real: Path, protect: Iterable[Path]) -> None:
    for project in protect:
        home = Path(os.path.realpath(project)).parent
        if home == real or real in home.parents:
            raise OutputError(
                f"{target}: is a folder holding other files, the project {project} "
                "among them; write the output to another path"
            )


def resolve_output(target: Path | str, *, protect: Iterable[Path] = ()) -> Output:
    """Check a target before writing; `protect` names the project(s) the command has open.

    Raises:
        OutputError: the target is a protected file under any name, or a folder that
            holds one.
    """
    if str(target) == STDOUT:
        return Output(OutputKind.STDOUT, Path(STDOUT))
    target = Path(target)
    protect = list(protect)
    real = Path(os.path.realpath(target))
    _refuse_if_protected(target, real, protect)
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        return Output(OutputKind.FILE, real)
    except OSError as exc:
        raise OutputError(f"{target}: {exc.strerror or exc}") from None
    if stat.S_ISREG(mode):
        return Output(OutputKind.FILE, real)
    if stat.S_ISDIR(mode):
        _refuse_if_holding_project(target, real, protect)
        return Output(OutputKind.FOLDER, real)
    return Output(OutputKind.STREAM, real)


def usual_mode() -> int:
    """The mode a new file gets from `open()`: 0666 less the process's umask.

    Temp files are created 0600 for safety while they are written; the finished output
    must look like any other file the user writes, or a colleague cannot read the export.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)  # no other portable way to read it; set back at once
    os.umask(mask)
    return 0o666 & ~mask


@contextmanager
def open_stream(output: Output, mode: str = "w") -> Iterator[IO[Any]]:
    """Open a STREAM or STDOUT output for writing in order; never closes stdout."""
    binary = "b" in mode
    if output.kind is OutputKind.STDOUT:
        sys.stdout.flush()
        if binary:
            yield sys.stdout.buffer
            sys.stdout.buffer.flush()
        else:
            yield sys.stdout
            sys.stdout.flush()
        return
    if output.kind is not OutputKind.STREAM:
        raise ValueError(f"{output.path} is not a stream")
    encoding, newline = (None, None) if binary else ("utf-8", "\n")
    with open(output.path, mode, encoding=encoding, newline=newline) as handle:
        yield handle
