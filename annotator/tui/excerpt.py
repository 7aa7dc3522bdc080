"""A span's text on one line of a given width, with the context of the edges in dispute.

Boundary variants of one span (`Security Council members` against `United Nations
Security Council members`) differ only at an edge; shortened in the middle, both read
`⟨Secur … embers⟩`-like and cannot be told apart in a narrow list. An excerpt gives the
room to the edges that differ, each with a little of the text beyond it, and shortens
the covered text towards an edge that every variant shares.
"""

from __future__ import annotations

from annotator.tui.text_layout import display_text

ELLIPSIS = "…"
CONTEXT_SHARE = 3
"""Context beyond a disputed edge: up to a third of the width (on each such edge)..."""
MIN_CONTEXT = 6
"""...and none when less would fit: the covered edge itself tells more."""
MIN_COVERED = 12
"""What the covered text keeps before any context is given room."""
MIN_WIDTH = 8


def shortened(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, cut in the middle (both edges stay)."""
    if len(text) <= limit:
        return text
    head = (limit - 3) // 2
    return text[:head] + " … " + text[len(text) - (limit - 3 - head) :]


def _before(text: str, start: int, room: int) -> str:
    """Up to `room` characters ending at `start`, from a word start when there is one."""
    if room <= 1 or start == 0:
        return ""
    taken = text[max(start - room + 1, 0) : start]
    if start - len(taken) == 0:
        return taken
    space = taken.find(" ")
    if 0 <= space < len(taken) - 1:
        taken = taken[space + 1 :]
    return ELLIPSIS + taken


def _after(text: str, end: int, room: int) -> str:
    """Up to `room` characters starting at `end`, to a word end when there is one."""
    if room <= 1 or end >= len(text):
        return ""
    taken = text[end : end + room - 1]
    if end + len(taken) >= len(text):
        return taken
    space = taken.rfind(" ")
    if space > 0:
        taken = taken[:space]
    return taken + ELLIPSIS


def excerpt(
    text: str, start: int, end: int, width: int, edges: tuple[bool, bool] = (False, False)
) -> str:
    """`⟨covered⟩` in about `width` characters; `edges` says whether its start and its end
    are disputed (`adjudicate.disputed_edges`).

    Nothing disputed: the covered text shortened in the middle, as everywhere. The covered
    text keeps a disputed edge, cut towards an edge every variant shares
    (`⟨Security Coun…⟩`), and where the width allows, the edge gets the text beyond it
    (`…Nations ⟨Security`).
    """
    width = max(width, MIN_WIDTH)
    covered = display_text(text[start:end])
    start_disputed, end_disputed = edges
    if not (start_disputed or end_disputed):
        return f"⟨{shortened(covered, width - 2)}⟩"
    room = min(width // CONTEXT_SHARE, (width - 2 - MIN_COVERED) // (start_disputed + end_disputed))
    room = room if room >= MIN_CONTEXT else 0
    before = display_text(_before(text, start, room)) if start_disputed else ""
    after = display_text(_after(text, end, room)) if end_disputed else ""
    limit = max(width - 2 - len(before) - len(after), MIN_WIDTH - 2)
    if len(covered) > limit:
        if start_disputed and end_disputed:
            covered = shortened(covered, limit)
        elif start_disputed:
            covered = covered[: limit - 1] + ELLIPSIS
        else:
            covered = ELLIPSIS + covered[len(covered) - limit + 1 :]
    return f"{before}⟨{covered}⟩{after}"
