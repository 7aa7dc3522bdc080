"""Time spent on a document, as the assignment records it."""

from __future__ import annotations

import time

IDLE_SECONDS = 300.0


class ActivityClock:
    """Time spent on a document: the gaps between actions, each capped, so idling is free."""

    def __init__(self) -> None:
        self._last = time.monotonic()
        self._pending = 0.0

    def touch(self) -> None:
        now = time.monotonic()
        self._pending += min(now - self._last, IDLE_SECONDS)
        self._last = now

    def take(self) -> float:
        pending, self._pending = self._pending, 0.0
        return pending

    def restart(self) -> None:
        self._last = time.monotonic()
        self._pending = 0.0
