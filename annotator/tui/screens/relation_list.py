"""The relation list screen: every relation of the open document, to go to and to change.

`R` in the workbench (and in the review) opens it over the document. Enter goes to the
highlighted relation's head (its child is then marked as linked), `o` to its child; `c`
relabels it (a chooser of the relations that fit its two spans), `r` reverses it (when
the scheme lets it run the other way), `x` deletes it; in the review `a` accepts a
candidate into gold with its spans. Changes go through the screen's writer, each one an
event that `u` undoes once the list is closed. Esc (or `R` again) closes the list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from annotator.tui.relation_index import RelationRef
from annotator.tui.screens.relation_chooser import relation_chooser
from annotator.tui.widgets.relation_list import RelationList

if TYPE_CHECKING:
    from annotator.tui.linking import Linking

HINT = "Enter goes to the head, o to the child · c relabels · r reverses · x deletes · Esc"
REVIEW_HINT = "Enter head, o child · a accepts into gold · c relabels · r reverses · x deletes"


class RelationListScreen(ModalScreen[None]):
    """The relations of the document in the editing screen under it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,R", "close", "Close", key_display="Esc"),
        Binding("o", "go(True)", "Go to the child", show=False),
        Binding("c", "relabel", "Relabel", show=False),
        Binding("r", "reverse", "Reverse", show=False),
        Binding("x,delete", "delete", "Delete", key_display="x", show=False),
        Binding("a", "accept", "Accept into gold", show=False),
    ]

    def __init__(self, linking: Linking, review: bool = False) -> None:
        super().__init__()
        self.linking = linking
        self.review = review

    def compose(self) -> ComposeResult:
        with Vertical(id="relation-box"):
            yield Static(id="relation-list-title")
            yield RelationList(id="relation-list")
            yield Static(Content(REVIEW_HINT if self.review else HINT), id="relation-hint")

    def on_mount(self) -> None:
        self.refresh_rows(self.linking.first_of_focused())
        self.set_focus(self.query_one(RelationList))

    @property
    def listing(self) -> RelationList:
        return self.query_one(RelationList)

    def refresh_rows(self, highlight: int | None = None) -> None:
        """Show the relations as they are now; `highlight` a row (else keep the place)."""
        listing = self.listing
        place = listing.highlighted if highlight is None else highlight
        relations = self.linking.index.relations
        listing.show(relations, self.linking.text, self.linking.colours, review=self.review)
        listing.highlight(place if place is not None or not relations else 0)
        count = len(relations)
        title = f"Relations ({count})" if count else "No relations in this document yet"
        if not count:
            title += ": L on a span starts a link, a motion picks the other span, then its key"
        self.query_one("#relation-list-title", Static).update(Content(title))

    def say(self, message: str, style: str = "$text-success") -> None:
        """What an action did, in the hint line (the status line is under this screen)."""
        self.query_one("#relation-hint", Static).update(Content.styled(message, style))

    def _current(self) -> RelationRef | None:
        current = self.listing.current
        if current is None:
            self.say("No relation here", "$text-warning")
        return current

    # ----------------------------------------------------------------- keys

    def on_relation_list_relation_chosen(self, event: RelationList.RelationChosen) -> None:
        event.stop()
        self.action_go(False)

    def action_go(self, child: bool) -> None:
        relation = self._current()
        if relation is not None:
            self.dismiss()
            self.linking.screen._go_to(relation.child if child else relation.head)

    def action_relabel(self) -> None:
        relation = self._current()
        if relation is None:
            return
        head, child = relation.head, relation.child
        fitting = self.linking.screen.scheme.relations_between(head.label, child.label)
        if [found.name for found in fitting] in ([], [relation.label]):
            self.say(f"No other relation fits {head.label} → {child.label}", "$text-warning")
            return
        choices = [(found, head, child) for found in fitting]

        def chosen(index: int | None) -> None:
            if index is not None and choices[index][0].name != relation.label:
                self._change(relation, label=choices[index][0].name)

        linking = self.linking
        chooser = relation_chooser(
            f"New relation for {relation.label}",
            choices,
            linking.text,
            linking.colours,
            relation.label,
        )
        self.app.push_screen(chooser, chosen)

    def action_reverse(self) -> None:
        relation = self._current()
        if relation is not None:
            self._change(relation, reverse=True)

    def action_delete(self) -> None:
        relation = self._current()
        stored = self._in_layer(relation)
        if relation is not None and stored is not None:
            writer = self.linking.screen.writer
            said = f"deleted {relation.label} relation (u undoes)"
            self._written(lambda: writer.delete_relation(stored), said)

    def action_accept(self) -> None:
        """Into gold, with its spans (the review)."""
        relation = self._current()
        doc_id = self.linking.screen.doc_id
        if relation is None or doc_id is None or not self.review:
            return
        if relation.stored is not None:
            self.say("Already in gold", "$text-warning")
            return
        head, child = self.linking.end(relation.head), self.linking.end(relation.child)
        writer = self.linking.screen.writer
        self._written(
            lambda: writer.relate(doc_id, head, child, relation.label),
            f"accepted {relation.label} into gold, with its spans (u undoes)",
        )

    def action_close(self) -> None:
        self.dismiss()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.review if action == "accept" else True

    # -------------------------------------------------------------- changes

    def _in_layer(self, relation: RelationRef | None) -> int | None:
        """The relation's id in the writer's layer (None, said: not there)."""
        if relation is not None and relation.stored is None:
            self.say("Not in gold: a accepts it first", "$text-warning")
        return relation.stored if relation is not None else None

    def _change(
        self, relation: RelationRef, *, label: str | None = None, reverse: bool = False
    ) -> None:
        """Relabel or reverse, when the scheme lets the relation be what it would become."""
        stored = self._in_layer(relation)
        if stored is None:
            return
        head, child = relation.head, relation.child
        if reverse:
            head, child = child, head
        declared = self.linking.screen.scheme.relation(label or relation.label)
        problem = declared.misfit(head.label, child.label)
        if problem is not None:
            what = "reverse" if reverse else "relabel"
            self.say(f"Cannot {what} it: {problem}", "$text-error")
            return
        writer = self.linking.screen.writer
        what = "reversed" if reverse else f"relabelled {relation.label} → {label}"
        self._written(
            lambda: writer.update_relation(stored, label=label, reverse=reverse),
            f"{what} (u undoes)",
        )

    def _written(self, call: Callable[[], Any], said: str) -> None:
        """Write through the editing screen (a refusal is said there and here), then show
        the relations as they are now."""
        screen = self.linking.screen
        if screen._write(call) is None:
            self.say("Not saved: see the message", "$text-error")
            return
        screen._relations_written(None)
        self.refresh_rows()
        self.say(said)
        screen.flash(said, "$text-success")
