"""One training at a time per project: an OS lock on a file in the project's models folder.

Every annotator's workbench may ask for a retrain, in as many processes as there are
people, and two trainings at once would only race to write the same model twice. The lock
is the kernel's (`flock` on POSIX, `msvcrt.locking` on Windows), so it dies with its
holder: a trainer that is killed never leaves a stale lock to clean up, which a row in
the project table would (it needs a pid check, and pids are reused). It also keeps the
project file free of writes while a long training runs. The holder writes its pid and
start time into the file, only to say who holds it in the refusal.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from annotator.errors import AnnotatorError

LOCK_NAME = ".train.lock"


class TrainingRunning(AnnotatorError):
    """Another process is training a model of this project right now."""


def _try_lock(handle: IO[str]) -> bool:
    if sys.platform == "win32":  # pragma: no cover - Windows only, not run by the tests
        import msvcrt

        handle.seek(0)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _acquire(handle: IO[str], patience: float = 0.5) -> bool:
    """Take the lock, waiting up to `patience` seconds: `is_training` holds it for an
    instant to look, and that look must not turn a real trainer away."""
    deadline = time.monotonic() + patience
    while not _try_lock(handle):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
    return True


def holder(lock_path: Path) -> str:
    """Who holds the lock, as the holder wrote it ('' when unreadable)."""
    try:
        found = json.loads(lock_path.read_text(encoding="utf-8"))
        started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(float(found["started"])))
        return f"process {int(found['pid'])}, since {started}"
    except (OSError, ValueError, KeyError, TypeError):
        return ""


@contextmanager
def training_lock(models_root: Path) -> Iterator[None]:
    """Hold the project's training lock for the block, or raise TrainingRunning at once.

    Args:
        models_root: the project's models folder (made if missing); the lock file lives
            there, so that every process of the project finds the same one.
    """
    models_root.mkdir(parents=True, exist_ok=True)
    lock_path = models_root / LOCK_NAME
    # "a": never truncate before holding the lock, or a refused process would erase
    # the holder's note.
    with open(lock_path, "a+", encoding="utf-8") as handle:
        if not _acquire(handle):
            who = holder(lock_path)
            raise TrainingRunning(
                "another training of this project is running"
                + (f" ({who})" if who else "")
                + "; its model will be used when it is done"
            )
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "started": time.time()}))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()


def is_training(models_root: Path) -> bool:
    """Whether some process holds the lock now (a hint: it may end a moment later)."""
    lock_path = models_root / LOCK_NAME
    if not lock_path.exists():
        return False
    with open(lock_path, "a+", encoding="utf-8") as handle:
        return not _try_lock(handle)
