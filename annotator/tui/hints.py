"""Jump hints: a short tag on every visible word start, typed to move there.

As in vim-easymotion, avy or Vimium: reaching a boundary costs the hint key and one or two
letters however far it is. The words nearest the cursor get one-letter tags, the others
two letters; the letters start on the home row. Pure functions: the view draws the tags
and types them.
"""

from __future__ import annotations

from annotator.tokenize import TokenIndex

HINT_LETTERS = "asdfghjklweruioqtyzxcvbnmp"
"""Home row first; every letter, since typing a tag takes the keys it needs."""

OPENERS = frozenset("“\"«‘„([{'¿¡")
"""A token starting with one of these is a boundary worth a tag (a quote begins there)."""


def hint_tags(count: int, letters: str = HINT_LETTERS) -> list[str]:
    """`count` distinct tags, none the prefix of another, shortest first.

    With `n` letters: all single letters when they suffice; else the last `m` letters
    become prefixes of two-letter tags, the smallest `m` that gives enough tags. At most
    `n * n` tags (the caller tags the nearest words first).
    """
    n = len(letters)
    if count <= n:
        return list(letters[:count])
    prefixes = min(-(-(count - n) // (n - 1)), n)
    singles = list(letters[: n - prefixes])
    doubles = [first + second for first in letters[n - prefixes :] for second in letters]
    return (singles + doubles)[:count]


def hint_targets(text: str, tokens: TokenIndex, start: int, end: int, cursor: int) -> list[int]:
    """Word starts in `[start, end)`, nearest to `cursor` first (ahead before behind)."""
    first = tokens.token_at(start)
    if first is None:
        following = tokens.next_start(start)
        first = tokens.token_at(following) if following is not None else None
    targets: list[int] = []
    if first is not None:
        for index in range(first, len(tokens)):
            offset = tokens.starts[index]
            if offset >= end:
                break
            char = text[offset]
            if offset >= start and (char.isalnum() or char in OPENERS):
                targets.append(offset)
    targets.sort(key=lambda offset: (abs(offset - cursor) * 2 + (offset < cursor), offset))
    return targets


def assign_hints(targets: list[int], letters: str = HINT_LETTERS) -> dict[str, int]:
    """Tag -> offset, the first targets getting the shortest tags."""
    tags = hint_tags(len(targets), letters)
    return dict(zip(tags, targets, strict=False))
