"""Errors the user sees: each names where the problem is, so the fix is obvious."""

from __future__ import annotations


class AnnotatorError(Exception):
    """Base of every error the CLI reports as a message instead of a traceback."""


class SchemeError(AnnotatorError):
    """A scheme file is unreadable or invalid; the message names the file and field."""


class InputError(AnnotatorError):
    """A bad input file; `file:line: reason`, and nothing of that file was kept."""

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}")


class StoreError(AnnotatorError):
    """A write the store refused: out-of-range span, unknown label, missing document..."""


class RecordError(StoreError):
    """The store refused one record of a batch; `line` says where the reader found it."""

    def __init__(self, line: int | None, reason: str) -> None:
        self.line = line
        self.reason = reason
        super().__init__(reason)


class SchemeConflictError(AnnotatorError):
    """A changed scheme drops or renames labels that spans still use."""
