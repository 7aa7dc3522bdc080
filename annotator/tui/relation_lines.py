"""Relations in words, on one line: `attribution ⟨Reuters reported⟩ says → demand ⟨…⟩`.

The status line, the side panel, the relation list and the link chooser all say a
relation the same way: each end as its label (in the label's colour, bold) and its text
(bracketed, shortened in the middle so both edges stay in sight), the relation's name in
its own colour between them, pointing from the head to the child. Parts are assembled
from strings and styles, never markup: the text is the document's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.color import Color
from textual.content import Content
from textual.style import Style

from annotator.models import RelationDef
from annotator.tui.excerpt import shortened
from annotator.tui.relation_index import RelationRef
from annotator.tui.span_index import SpanLike
from annotator.tui.text_layout import display_text

Part = str | tuple[str, str | Style] | Content
ARROW = " → "
MUTED = "$text-muted"
MIN_QUOTE = 10


def colour_style(colours: Mapping[str, str], name: str) -> Style:
    """A label's or relation's scheme colour (data), bold."""
    return Style(foreground=Color.parse(colours.get(name, "#808080")), bold=True)


def bracketed(text: str, room: int) -> str:
    """⟨text⟩ in at most `room` cells' worth of characters, cut in the middle."""
    room = max(room - 2, MIN_QUOTE - 2)
    if len(text) > 4 * room:  # only the edges can show: do not scan the middle
        text = text[: 2 * room] + text[-2 * room :]
    return f"⟨{shortened(display_text(text), room)}⟩"


def quote_room(width: int, used: int, quotes: Sequence[int]) -> list[int]:
    """Share the room left on a line between quotes of these lengths: a short one takes
    what it needs (up to three fifths of the room), the others split the rest."""
    room = max(width - used, MIN_QUOTE * len(quotes))
    shares = [0] * len(quotes)
    order = sorted(range(len(quotes)), key=lambda index: quotes[index])
    for place, index in enumerate(order):
        left = len(quotes) - place
        fair = room // left if left == 1 else max(room // left, room * 3 // 5)
        shares[index] = max(min(quotes[index] + 2, fair), MIN_QUOTE)
        room -= shares[index]
    return shares


def end_parts(span: SpanLike, colours: Mapping[str, str], quote: str) -> list[Part]:
    return [(span.label, colour_style(colours, span.label)), " ", quote]


def relation_line(
    head: SpanLike,
    name: str,
    child: SpanLike,
    text: str,
    colours: Mapping[str, str],
    width: int,
    *,
    before: Sequence[Part] = (),
    after: Sequence[Part] = (),
) -> Content:
    """`head ⟨text⟩ name → child ⟨text⟩` in `width` cells, between `before` and `after`
    (`colours`: labels' and relations' colours, by name)."""
    covered = [text[head.start : head.end], text[child.start : child.end]]
    fixed = [*before, *after, head.label, child.label, name, "   ", ARROW]
    used = sum(len(_plain(part)) for part in fixed) + 1  # a cell to spare
    rooms = quote_room(width, used, [len(found) for found in covered])
    quotes = [bracketed(found, room) for found, room in zip(covered, rooms, strict=True)]
    return Content.assemble(
        *before,
        *end_parts(head, colours, quotes[0]),
        " ",
        (name, colour_style(colours, name)),
        ARROW,
        *end_parts(child, colours, quotes[1]),
        *after,
    )


def one_end_line(
    span: SpanLike,
    name: str,
    outgoing: bool,
    text: str,
    colours: Mapping[str, str],
    width: int,
    after: Sequence[Part] = (),
) -> Content:
    """A relation seen from one of its ends: `says → demand ⟨…⟩` from its head,
    `← says attribution ⟨…⟩` from its child (`span` is the other end)."""
    lead: list[Part] = (
        [(name, colour_style(colours, name)), ARROW]
        if outgoing
        else [("← ", ""), (name, colour_style(colours, name)), " "]
    )
    covered = text[span.start : span.end]
    used = sum(len(_plain(part)) for part in (*lead, *after, span.label)) + 2
    quote = bracketed(covered, quote_room(width, used, [len(covered)])[0])
    return Content.assemble(*lead, *end_parts(span, colours, quote), *after)


def panel_lines(
    found: Sequence[RelationRef],
    focused: int,
    text: str,
    colours: Mapping[str, str],
    width: int,
    height: int,
) -> list[Content]:
    """The relations of the span `focused`, one line each from its side, in `height`
    lines (in the review, each says whether gold has it and who made it)."""
    if not found:
        return [Content.styled("none for this span · L links it to another", MUTED)]
    shown = found[: height - 1] if len(found) > height else found
    lines = []
    for relation in shown:
        after: list[Part] = []
        if relation.item is not None:
            mark = "  ✓ gold" if relation.stored is not None else "  · "
            after = [(mark + " " + ",".join(relation.item.annotators), MUTED)]
        other, outgoing = relation.other(focused), relation.head_id == focused
        lines.append(one_end_line(other, relation.label, outgoing, text, colours, width, after))
    if len(found) > len(shown):
        lines.append(Content.styled(f"+{len(found) - len(shown)} more: R lists them", MUTED))
    return lines


def key_lines(relations: Sequence[RelationDef]) -> list[Content]:
    """While linking: each relation's key, and the labels it runs between."""
    keys = [f"{r.key} {r.name}: {' '.join(r.heads)} → {' '.join(r.children)}" for r in relations]
    title = Content.styled("linking; the relation keys:", "bold $accent")
    return [title, *(Content.styled(key, MUTED) for key in keys)]


def _plain(part: Part) -> str:
    if isinstance(part, Content):
        return part.plain
    return part if isinstance(part, str) else part[0]
