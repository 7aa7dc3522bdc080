"""The one tokenizer: selection snapping, token-level agreement and BIO exports agree on it.

Tokens are runs of word characters with their combining marks (keeping inner hyphens and
apostrophes, so "non-nuclear" and "Ukraine’s" stay whole) or single other non-space
characters with the modifiers that belong to them. Each token is a
half-open code-point range into the text; nothing is normalised, so offsets stay exact.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence

from annotator.last_made import LastMade

_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u20d0-\u20ff"
_WORD = rf"\w[\w{_MARKS}]*"
# A symbol keeps its variation selector, skin tone and zero-width-joined partners, so an
# emoji such as 🕊️ or 👩‍👩‍👧 is one token, never split between two tags.
_SYMBOL = r"[^\w\s](?:[\ufe0e\ufe0f\u20e3\U0001F3FB-\U0001F3FF]|\u200d[^\w\s])*"
TOKEN_PATTERN = re.compile(rf"{_WORD}(?:[-'’]{_WORD})*|{_SYMBOL}")


def iter_tokens(text: str) -> Iterator[tuple[int, int]]:
    """Yield `(start, end)` of every token, in order, lazily."""
    for match in TOKEN_PATTERN.finditer(text):
        yield match.span()


def token_spans(text: str) -> list[tuple[int, int]]:
    return list(iter_tokens(text))


_LAST_MADE: LastMade[str, TokenIndex] = LastMade()


class TokenIndex:
    """Token boundaries of one text with O(log n) lookups, for cursor moves and snapping."""

    __slots__ = ("ends", "starts")

    def __init__(self, text: str) -> None:
        # One pass straight into the two lists: no list of pairs in between (a 1 MB
        # document has ~150,000 tokens; this is most of the time to open it).
        starts: list[int] = []
        ends: list[int] = []
        add_start, add_end = starts.append, ends.append
        for match in TOKEN_PATTERN.finditer(text):
            start, end = match.span()
            add_start(start)
            add_end(end)
        self.starts: Sequence[int] = starts
        self.ends: Sequence[int] = ends

    @classmethod
    def of(cls, text: str) -> TokenIndex:
        """The index of `text`, shared with the one made last for the same text
        (`last_made`: the glance and then the workbench index a document; 50 ms a MB)."""
        return _LAST_MADE.get(text, lambda: cls(text))

    def __len__(self) -> int:
        return len(self.starts)

    def token_at(self, offset: int) -> int | None:
        """Index of the token containing `offset`, or None when it falls between tokens."""
        index = bisect.bisect_right(self.starts, offset) - 1
        if index >= 0 and offset < self.ends[index]:
            return index
        return None

    def next_start(self, offset: int) -> int | None:
        """Start of the first token starting strictly after `offset`."""
        index = bisect.bisect_right(self.starts, offset)
        return self.starts[index] if index < len(self.starts) else None

    def previous_start(self, offset: int) -> int | None:
        """Start of the last token starting strictly before `offset`."""
        index = bisect.bisect_left(self.starts, offset) - 1
        return self.starts[index] if index >= 0 else None

    def next_end(self, offset: int) -> int | None:
        """End of the first token ending strictly after `offset`."""
        index = bisect.bisect_right(self.ends, offset)
        return self.ends[index] if index < len(self.ends) else None

    def previous_end(self, offset: int) -> int | None:
        """End of the last token ending strictly before `offset`."""
        index = bisect.bisect_left(self.ends, offset) - 1
        return self.ends[index] if index >= 0 else None

    def covering(self, start: int, end: int, *, inside: bool = False) -> tuple[int, int]:
        """Index range `[first, last)` of the tokens that overlap `[start, end)`.

        This is the snapping rule everything shares (the workbench's selections, BIO
        exports, the store's write path). With `inside`, only the tokens wholly within
        `[start, end)`: the "contract" policy of the exporters.
        """
        if inside:
            first = bisect.bisect_left(self.starts, start)
            last = bisect.bisect_right(self.ends, end)
        else:
            first = bisect.bisect_right(self.ends, start)
            last = bisect.bisect_left(self.starts, end)
        return first, max(first, last)

    def snap(self, start: int, end: int) -> tuple[int, int]:
        """Widen `[start, end)` to whole tokens; a range touching no token is kept as is."""
        first, last = self.covering(start, end)
        if first >= last:
            return start, end
        return min(start, self.starts[first]), max(end, self.ends[last - 1])

    def snap_edge(self, offset: int, right: bool) -> int:
        """The token boundary an edge at `offset` belongs to (whitespace is left out).

        A left edge inside a token moves to its start, a right edge to its end; an edge in
        the whitespace between tokens moves onto the nearer side of the text it bounds.
        """
        index = self.token_at(offset if not right else max(offset - 1, 0))
        if index is not None:
            return self.ends[index] if right else self.starts[index]
        if right:
            found = self.previous_end(offset + 1)
        else:
            found = self.next_start(offset - 1) if offset > 0 else self.next_start(-1)
        return offset if found is None else found
