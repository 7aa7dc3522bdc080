"""The relation list: one row per relation of the open document, head to child.

A row reads `attribution ⟨Reuters reported⟩ says → demand ⟨cede the …⟩`, each label and
the relation in its scheme colour; in the review a row starts as a candidate's does in
the candidate list: whether gold holds it, how the annotators differ on it, who made it.
The list is handed its relations (attributes down) and says which one was chosen; it
never touches the store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.style import Style
from textual.color import Color
from textual.message import Message

from annotator.tui.relation_index import RelationRef
from annotator.tui.relation_lines import ARROW, bracketed, quote_room
from annotator.tui.widgets.candidate_list import KIND_WIDTH, KINDS
from annotator.tui.widgets.overlay import overlay_style
from annotator.tui.widgets.virtual_list import Piece, VirtualList, fit

LABEL_WIDTH = 11
NAMES_WIDTH = 14


class RelationList(VirtualList):
    """Relations (attributes down); Enter or a click chooses one."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-list--highlight",
        "relation-list--muted",
        "relation-list--in-gold",
        *(component for _, component in KINDS.values()),
    }

    class RelationChosen(Message):
        """A relation was chosen (Enter or a double click)."""

        def __init__(self, relation_id: int) -> None:
            super().__init__()
            self.relation_id = relation_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.relations: Sequence[RelationRef] = ()
        self.text = ""
        self.colours: Mapping[str, str] = {}
        self.review = False
        self._styles: dict[str, Style] = {}

    def show(
        self,
        relations: Sequence[RelationRef],
        text: str,
        colours: Mapping[str, str],
        *,
        review: bool = False,
    ) -> None:
        """New rows (`colours`: the labels' and the relations' by name; `review`: say
        who made each and whether gold has it)."""
        self.relations, self.text, self.colours, self.review = relations, text, colours, review
        self._styles.clear()
        self.set_count(len(relations))

    @property
    def current(self) -> RelationRef | None:
        """The highlighted relation."""
        index = self.highlighted
        return self.relations[index] if index is not None and index < self.count else None

    def _colour(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            color = Color.parse(self.colours.get(name, "#808080")).rich_color
            style = self._styles[name] = Style(color=color, bold=True)
        return style

    def _review_pieces(self, relation: RelationRef) -> list[Piece]:
        item = relation.item
        kind, component = KINDS[item.kind if item is not None else None]
        names = ",".join(item.annotators) if item is not None and item.annotators else "lead"
        in_gold = relation.stored is not None
        mark = "relation-list--in-gold" if in_gold else "relation-list--muted"
        return [
            (f" {'✓' if in_gold else '·'} ", overlay_style(self, mark)),
            (fit(kind, KIND_WIDTH), overlay_style(self, component)),
            (fit(names, NAMES_WIDTH) + " ", overlay_style(self, "relation-list--muted")),
        ]

    def row_pieces(self, index: int, width: int) -> list[Piece]:
        relation = self.relations[index]
        head, child = relation.head, relation.child
        pieces = self._review_pieces(relation) if self.review else [(" ", None)]
        used = sum(len(text) for text, _ in pieces) + 2 * (LABEL_WIDTH + 1) + 3
        used += len(relation.label) + len(ARROW) + 1
        covered = [self.text[span.start : span.end] for span in (head, child)]
        rooms = quote_room(width, used, [len(found) for found in covered])
        quotes = [bracketed(found, room) for found, room in zip(covered, rooms, strict=True)]
        return [
            *pieces,
            (fit(head.label, LABEL_WIDTH) + " ", self._colour(head.label)),
            (quotes[0] + " ", None),
            (relation.label, self._colour(relation.label)),
            (ARROW, None),
            (fit(child.label, LABEL_WIDTH) + " ", self._colour(child.label)),
            (quotes[1], None),
        ]

    def chosen(self, index: int) -> None:
        self.post_message(self.RelationChosen(self.relations[index].id))
