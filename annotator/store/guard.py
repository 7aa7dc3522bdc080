"""The store's boundary: no `sqlite3.Error` leaves a public method, only a `StoreError`.

A full disk, a read-only file, a corrupt page or a constraint can surface in any
statement, reads included (a damaged page is found when it is read). Rather than a
`try` in every method, `guarded` wraps each public method, property and returned
iterator of the facade once, so the CLI, the TUI and the workers all meet the same
plain message from `refused`, and nobody upstream needs to know SQLite exists.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from annotator.store.connection import refused

C = TypeVar("C", bound=type)

UNGUARDED = frozenset({"transaction"})
"""Context managers: their own body is the caller's code; `Connection.transaction`
already translates what SQLite raises inside it."""


def _iterate(owner: Any, items: Iterator[Any], name: str) -> Iterator[Any]:
    try:
        yield from items
    except sqlite3.Error as exc:
        raise _refusal(owner, exc, name) from exc


def _refusal(owner: Any, exc: sqlite3.Error, name: str) -> Exception:
    subject: str | Path = getattr(owner, "path", "the project")
    return refused(exc, subject, f"`{name}`", "nothing was changed")


def _wrap(function: Callable[..., Any], name: str) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            result = function(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise _refusal(self, exc, name) from exc
        if isinstance(result, Iterator):
            return _iterate(self, result, name)
        return result

    return wrapper


def guarded(cls: C) -> C:
    """Wrap every public method and property of `cls` (see the module docstring).

    Class methods (`open`, `create`) translate on their own: they have no instance yet.
    """
    for name, attr in list(vars(cls).items()):
        if name.startswith("_") or name in UNGUARDED:
            continue
        if isinstance(attr, property) and attr.fget is not None:
            setattr(cls, name, property(_wrap(attr.fget, name), attr.fset, attr.fdel, attr.__doc__))
        elif callable(attr) and not isinstance(attr, classmethod | staticmethod | type):
            setattr(cls, name, _wrap(attr, name))
    return cls
