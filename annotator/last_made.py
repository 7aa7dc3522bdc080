"""One value kept for reuse: the one made last, given again for an equal key.

The workbench builds the same things twice in a row as it opens a document: for its
first frame (the glance), then for the annotate screen that takes its place. What is
built from a document (its token index, its text wrapped at a width, its span index) is
never changed once made, so the second can be the first. One value, not a cache: nothing
grows, and a document's value goes when the next one is made.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class LastMade(Generic[K, V]):
    """The value `get` made last, with its key."""

    __slots__ = ("_made",)

    def __init__(self) -> None:
        self._made: tuple[K, V] | None = None

    def get(self, key: K, make: Callable[[], V]) -> V:
        """The value made last if its key is `key` (the same object, or equal), else
        `make()`, which is then the one kept."""
        made = self._made
        if made is not None and (made[0] is key or made[0] == key):
            return made[1]
        value = make()
        self._made = (key, value)
        return value
