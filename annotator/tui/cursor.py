"""Cursor and selection moves over tokens: the pure part of the document view's keys.

A selection grows and shrinks a token at a time. It remembers its *anchor*, the range it
started from (a token, or a point after a one-character nudge), and its *head*, the edge
that moves: the selection is `[min(anchor.start, head), max(anchor.end, head))`. The head
sits on the right (`head >= anchor.end`) or on the left (`head <= anchor.start`); moving
it past the anchor flips sides in one step, so each press adds or removes exactly one
token, like selecting words in an editor but never with the spaces around them.
"""

from __future__ import annotations

from typing import NamedTuple

from annotator.shapes import Extent
from annotator.tokenize import TokenIndex


class Selection(NamedTuple):
    """The anchor (a range) and the head (the edge that moves); see the module's docstring.

    A named tuple: a frozen dataclass costs several times as much to define, and this one
    is defined on the way to the first frame.
    """

    anchor_start: int
    anchor_end: int
    head: int

    @property
    def start(self) -> int:
        return min(self.anchor_start, self.head)

    @property
    def end(self) -> int:
        return max(self.anchor_end, self.head)

    @property
    def head_on_right(self) -> bool:
        return self.head >= self.anchor_end and self.head > self.anchor_start

    @property
    def caret(self) -> int:
        """The character the head is on (the last one selected when it is on the right)."""
        return self.head - 1 if self.head_on_right else self.head

    @classmethod
    def of(cls, start: int, end: int) -> Selection:
        """A selection of `[start, end)` with its head on the right."""
        return cls(start, start, end)


def token_range(tokens: TokenIndex, offset: int, step: int = 1) -> tuple[int, int] | None:
    """The token at `offset`, else the next one (`step` 1) or the previous one (-1)."""
    index = tokens.token_at(offset)
    if index is None:
        nearest = tokens.next_start(offset) if step > 0 else tokens.previous_start(offset)
        if nearest is None:
            nearest = tokens.previous_start(offset) if step > 0 else tokens.next_start(offset)
        if nearest is None:
            return None
        index = tokens.token_at(nearest)
        if index is None:
            return None
    return tokens.starts[index], tokens.ends[index]


def extend(tokens: TokenIndex, selection: Selection | None, cursor: int, step: int) -> Selection:
    """Grow (or shrink) the selection by one token in direction `step` (1 or -1)."""
    if selection is None:
        token = token_range(tokens, cursor, step)
        if token is None:
            return Selection(cursor, cursor, cursor)
        start, end = token
        return Selection(start, end, end if step > 0 else start)
    a0, a1, head = selection.anchor_start, selection.anchor_end, selection.head
    if step > 0:
        if selection.head_on_right or a0 == a1 == head:
            found = tokens.next_end(head)
            return Selection(a0, a1, head if found is None else found)
        following = tokens.next_start(head)
        if head < a0 and following is not None and following <= a0:
            return Selection(a0, a1, following)
        found = tokens.next_end(a1) if head >= a0 else None
        return Selection(a0, a1, a1 if found is None else found)
    if not selection.head_on_right:
        found = tokens.previous_start(head)
        return Selection(a0, a1, head if found is None else found)
    previous = tokens.previous_end(head)
    if head > a1 and previous is not None and previous >= a1:
        return Selection(a0, a1, previous)
    found = tokens.previous_start(a0)
    return Selection(a0, a1, a0 if found is None else found)


def nudge(selection: Selection | None, cursor: int, step: int, length: int) -> Selection | None:
    """Move the selection's head by one character; None when that empties it."""
    if selection is None:
        head = min(max(cursor + step, 0), length)
        return None if head == cursor else Selection(cursor, cursor, head)
    fixed = selection.start if selection.head_on_right else selection.end
    moving = selection.end if selection.head_on_right else selection.start
    head = min(max(moving + step, 0), length)
    if head == fixed:
        return None
    return Selection(fixed, fixed, head)


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """`[start, end)` without the whitespace at either end."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def step_edge(tokens: TokenIndex, span: Extent, edge: str, step: int) -> tuple[int, int] | None:
    """`span`'s extent with one edge moved a token left (`step` -1) or right (1).

    `edge` is "start" or "end". None when the edge cannot move: at either end of the text,
    or when it would reach the other edge (a span keeps at least one token).
    """
    if edge == "start":
        found = tokens.previous_start(span.start) if step < 0 else tokens.next_start(span.start)
        if found is None or found >= span.end:
            return None
        return found, span.end
    found = tokens.previous_end(span.end) if step < 0 else tokens.next_end(span.end)
    if found is None or found <= span.start:
        return None
    return span.start, found


def stretched(selection: Selection, start: int, end: int) -> Selection:
    """`selection` grown to reach `[start, end)`, or its moving edge moved onto it.

    Beyond the selection's end, the end moves there; before its start, the start does;
    inside it, the edge that was moving (the head) does. So a motion ahead always moves a
    span's end, even while its start was the edge being edited.
    """
    if end > selection.end:
        return Selection.of(selection.start, end)
    if start < selection.start:
        return Selection(selection.end, selection.end, start)
    if selection.head_on_right:
        return Selection.of(selection.start, max(end, selection.start + 1))
    return Selection(selection.end, selection.end, min(start, selection.end - 1))


def jump(tokens: TokenIndex, selection: Selection | None, offset: int) -> Selection:
    """A jump hint's move: select the word at `offset`, or stretch the selection over it."""
    index = tokens.token_at(offset)
    end = tokens.ends[index] if index is not None else offset + 1
    if selection is None:
        return Selection(offset, end, end)
    return stretched(selection, offset, end)


def find(
    text: str, selection: Selection, char: str, through: bool, count: int = 1
) -> Selection | None:
    """`f`/`F`: stretch to the `count`-th `char` after the head, through it or up to it.

    Up to it stops before the spaces in front of it too (a span ends on a word). When the
    head is the start edge and the character is inside the selection, the start moves past
    it instead (and past the spaces after it). None when there are not so many ahead.
    """
    from annotator.tui.text_objects import find_char  # its patterns: not for the glance

    origin = selection.head - 1 if selection.head_on_right else selection.head
    found = find_char(text, origin, char, count)
    if found is None:
        return None
    if found >= selection.end or selection.head_on_right:
        end = found + 1 if through else found
        while not through and end > selection.start and text[end - 1].isspace():
            end -= 1
        return stretched(selection, end, end)
    start = found + 1
    while start < selection.end and text[start].isspace():
        start += 1
    return stretched(selection, start, start)
