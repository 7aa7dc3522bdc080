"""Plain `.txt` files: one document per file, UTF-8 with or without a BOM.

Line ends are kept exactly (CRLF stays CRLF), so offsets refer to the stored text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from annotator.errors import InputError
from annotator.ingest import Progress
from annotator.ingest.common import bad_utf8
from annotator.ingest.jsonl import check_text
from annotator.models import NewDocument

BOM = b"\xef\xbb\xbf"


def read_text(path: Path, progress: Progress | None = None) -> Iterator[NewDocument]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), None, f"cannot read: {exc.strerror or exc}") from exc
    skipped = len(BOM) if data.startswith(BOM) else 0
    data = data[skipped:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        reason = bad_utf8(data, f"byte offset {exc.start + skipped}")
        raise InputError(str(path), line, reason) from exc
    check_text(text, str(path), None)
    if progress is not None:
        progress(len(data))
    yield NewDocument(text=text, source=path.name, line=1)
