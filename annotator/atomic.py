"""Write files atomically: a temp file beside the target, renamed into place on success.

A crash or an error mid-write leaves either the old file or the complete new one, never
half an export.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


@contextmanager
def atomic_writer(target: Path, mode: str = "w") -> Iterator[IO]:
    """Open a temp file for writing; on a clean exit fsync and rename it onto `target`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    temp = Path(temp_name)
    try:
        binary = "b" in mode
        with os.fdopen(
            fd, mode, **({} if binary else {"encoding": "utf-8", "newline": "\n"})
        ) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
