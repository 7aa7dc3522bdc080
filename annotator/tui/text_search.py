"""Searching the document text: the matches of a query and which one a key goes to.

Pure functions over offsets, so the annotate screen's search keys only move the view.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from annotator.tui.cursor import Selection

MAX_MATCHES = 100_000
"""More would cost more than they help: nobody steps through them one by one."""


def find_matches(text: str, query: str, limit: int = MAX_MATCHES) -> list[tuple[int, int]]:
    """`(start, end)` of each case-insensitive, literal occurrence of `query`."""
    if not query:
        return []
    pattern = re.compile(re.escape(query), re.IGNORECASE)
    found = []
    for match in pattern.finditer(text):
        found.append(match.span())
        if len(found) >= limit:
            break
    return found


def match_from(matches: Sequence[tuple[int, int]], origin: int, step: int) -> int:
    """Index of the first match at or after `origin` (`step` 1), or the one before (-1).

    Wraps around at either end; `matches` must not be empty.
    """
    starts = [start for start, _ in matches]
    index = bisect.bisect_left(starts, origin)
    return (index if step > 0 else index - 1) % len(matches)


def search_origin(selection: Selection | None, cursor: int, step: int) -> int:
    """Where "next match" looks from: past the selected match going on, at it going back."""
    if selection is None:
        return cursor
    return selection.start + 1 if step > 0 else selection.start
