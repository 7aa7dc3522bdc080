"""Shared by the interchange readers: JSON lines, offset units, span checks, layer names."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from annotator.errors import InputError
from annotator.ingest import Progress
from annotator.models import check_name
from annotator.offsets import utf16_length, utf16_to_codepoint

UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def bad_utf8(start: bytes, where: str) -> str:
    """The reason for undecodable bytes, with a hint when `start` (of the file) is UTF-16."""
    hint = " (the file looks like UTF-16: save it as UTF-8)" if start.startswith(UTF16_BOMS) else ""
    return f"invalid UTF-8 at {where}{hint}"


def json_problem(exc: ValueError | RecursionError) -> str:
    """The reason `json.loads` failed, for every way it fails (not only JSONDecodeError).

    Deep nesting raises RecursionError and a number of more than 4300 digits a plain
    ValueError: both are broken input, to be reported like any other, not tracebacks.
    """
    if isinstance(exc, json.JSONDecodeError):
        # some of json's messages end in "at" already ("Invalid control character at")
        return f"invalid JSON: {exc.msg.removesuffix(' at')} at column {exc.colno}"
    if isinstance(exc, RecursionError):
        return "invalid JSON: nested too deeply"
    if "digits" in str(exc):
        return "invalid JSON: a number too long to read"
    return f"invalid JSON: {exc}"


def split_lines(handle: IO[bytes]) -> Iterator[tuple[bytes, int]]:
    """`(line without its end, bytes read so far)`, for LF, CRLF and CR-only files alike.

    Iterating a binary file splits at LF only, so a CR-only file (classic Mac, some
    exporters) would be one line and its tokens or records silently lost; a lone CR ends a
    line as in Python's universal newlines. Streams: one (LF-delimited) chunk at a time.
    """
    done = 0
    for raw in handle:
        done += len(raw)
        body = raw[:-1] if raw.endswith(b"\n") else raw
        if body.endswith(b"\r"):
            body = body[:-1]
        if b"\r" in body:
            pieces = body.split(b"\r")
            for piece in pieces[:-1]:
                yield piece, done
            body = pieces[-1]
        yield body, done


def read_json_lines(path: Path, progress: Progress | None) -> Iterator[tuple[int, Any]]:
    """`(line number, parsed value)` per non-blank line; bad UTF-8 or JSON names the line."""
    name = str(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(name, None, f"cannot read: {exc.strerror or exc}") from exc
    done = 0
    with handle:
        for number, (raw, done) in enumerate(split_lines(handle), start=1):
            if number == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(name, number, bad_utf8(raw, f"column {exc.start + 1}")) from exc
            try:
                value = json.loads(line)
            except (ValueError, RecursionError) as exc:
                raise InputError(name, number, json_problem(exc)) from exc
            yield number, value
            if progress is not None and number % 256 == 0:
                progress(done)
    if progress is not None:
        progress(done)


def refuse_outside(root: Path, file: Path) -> None:
    """Refuse a file found in the folder `root` that is a link to a place outside it.

    Importing a folder must not read `/etc/passwd` because someone left a link to it
    there; a user who wants such a file names it on the command line instead.
    """
    try:
        file.resolve().relative_to(root.resolve())
    except ValueError:
        raise InputError(
            str(file),
            None,
            f"a link to a file outside the folder {root}: not read (name the file itself "
            "to import it)",
        ) from None


def read_text_file(path: Path) -> str:
    """A whole UTF-8 file (BOM dropped), with the line of any invalid byte in the error."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), None, f"cannot read: {exc.strerror or exc}") from exc
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(str(path), line, bad_utf8(data, f"byte {exc.start}")) from exc


def check_text(text: Any, fail: Any) -> str:
    if not isinstance(text, str):
        raise fail(f"text must be a string, got {type(text).__name__}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise fail(f"text holds an unpaired surrogate at {exc.start}") from exc
    return text


def mismatch(
    text: str, start: int, end: int, expected: str, unit: str, raw: tuple[int, int]
) -> str:
    """The error for a span whose own text differs from the document's, with a hint."""
    message = f"span text {expected!r} does not match {text[start:end]!r} at {raw[0]}-{raw[1]}"
    if unit == "codepoint" and utf16_length(text) != len(text):
        try:
            u_start, u_end = utf16_to_codepoint(text, raw[0]), utf16_to_codepoint(text, raw[1])
        except ValueError:
            return message
        if text[u_start:u_end] == expected:
            message += " (the offsets count UTF-16 units: import with --offsets utf16)"
    elif unit == "utf16" and text[raw[0] : raw[1]] == expected:
        message += " (the offsets count code points: import without --offsets utf16)"
    return message


_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def layer_name(value: Any) -> str | None:
    """A tool's user name as a layer name, or None when nothing usable is left.

    An e-mail is kept whole (`bob@one.org` -> `bob_at_one.org`): its local part alone
    would put `bob@one.org` and `bob@two.org` on one layer.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"user{value}"
    if not isinstance(value, str):
        return None
    value = value.strip().replace("@", "_at_")
    value = _UNSAFE.sub("-", value).strip("-._")[:64]
    try:
        return check_name(value, "annotator")
    except ValueError:
        return None
