"""Relations in an editing screen: made with the keyboard, shown without arcs, changed.

Making one: `L` on a span starts a link from it. Any span motion then picks the other end
(Tab and shift+Tab, a jump tag after space, the arrows, a click): the motions keep their
keys, and they see each key first (`AnnotatorApp.on_event` hands the keys over in the
order they were typed, so a bunch of them lands as typed). The relation's key makes the
link; Enter makes it when exactly one relation fits the two labels, and offers a chooser
when several do. Which end is the head is the scheme's to say: a relation that fits only
the other way round is made that way round. Esc cancels. Every other key is held back
while linking, with a word in the status line, so that a label key cannot label text by
mistake. The link is written through the screen's `SpanWriter` (the annotator's layer,
or gold, where it brings the spans gold lacks along) as one event, which `u` undoes.

Showing them: the screen's relations are read into a `RelationIndex` whenever its spans
or relations change; on each move the view marks the focused span's linked spans
(`LinkMarks`), the status line says its first relation in words and the side panel
lists them all (both only when they change), and `R` opens the `RelationListScreen`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from textual import events
from textual.binding import Binding
from textual.content import Content

from annotator.errors import StoreError
from annotator.models import GOLD, RelationDef, SpanKey
from annotator.tui.relation_index import RelationIndex, RelationRef
from annotator.tui.relation_lines import (
    Part,
    bracketed,
    colour_style,
    key_lines,
    panel_lines,
    relation_line,
)
from annotator.tui.screens.relation_chooser import Choice, relation_chooser
from annotator.tui.span_index import SpanLike
from annotator.tui.span_writer import SpanEnd
from annotator.tui.widgets.document_view import DocumentView
from annotator.tui.widgets.relation_panel import RelationPanel
from annotator.tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from annotator.tui.screens.editing import EditingScreen

PASSING = frozenset(binding.key for binding in Binding.make_bindings(DocumentView.BINDINGS)) | {
    "L",
    "q",
    "question_mark",
    "ctrl+p",
    "ctrl+q",
    "ctrl+c",
}
"""Keys that keep their bindings while linking: the motions, a new link, quit and help."""
PANEL_LINES = 4
QUOTE_WANTED = 24
WAITING = (
    ": move to the other span, then the relation key · Esc cancels",
    ": move to the other span, then the relation key",
    ": go to the other span, then its key",
    ": then the other span",
)
"""What a link waits for, the longest that leaves its head's text some room."""
MUTED = "$text-muted"


class Linking:
    """The relations of one editing screen, and the link being made in it."""

    def __init__(self, screen: EditingScreen[Any]) -> None:
        self.screen = screen
        self.index = RelationIndex()
        self.source: int | None = None
        """the view id of the span a link is being made from"""
        self._colours: dict[str, str] | None = None
        self._panel_for: tuple[object, ...] | None = None
        self._said: Content | None = None
        self._panel_widget: RelationPanel | None = None
        self._view: DocumentView | None = None
        self._panel_looked_up = False

    # ------------------------------------------------------------- reading

    @property
    def view(self) -> DocumentView:
        """The screen's document view (looked up once: a query walks the DOM)."""
        if self._view is None:
            self._view = self.screen.view
        return self._view

    @property
    def text(self) -> str:
        return self.view.text

    @property
    def colours(self) -> dict[str, str]:
        """The labels' and the relations' colours by name (names are apart), read from
        the scheme once per `reload` (asking the store for its scheme is a read)."""
        if self._colours is None:
            scheme = self.screen.scheme
            found = {label.name: label.color for label in scheme.labels}
            found.update((relation.name, relation.color) for relation in scheme.relations)
            self._colours = found
        return self._colours

    def reload(self) -> None:
        """Read the screen's relations again: after any change to its spans or relations."""
        try:
            found = self.screen._relation_refs()
        except StoreError as exc:
            self.screen.notify(str(exc), title="Relations not read", severity="error")
            found = []
        view = self.view
        self._colours = None
        self.index = RelationIndex(found, view.index.position)
        if self.source is not None and self.source not in view.index.by_id:
            self.source = None
        view.link_marks.set_links(self.index.links(), self.source)
        self.screen.set_class(bool(self.index) or self.source is not None, "-relations")
        self._panel_for = None
        self.show_panel()

    def first_of_focused(self) -> int | None:
        """The list row of the focused span's first relation (where the list opens)."""
        found = self.index.of(self.view.focused_id)
        return self.index.relations.index(found[0]) if found else None

    def _span(self, view_id: int | None) -> SpanLike | None:
        return self.view.index.by_id.get(view_id) if view_id is not None else None

    def _others(self) -> list[SpanLike]:
        """The spans at the cursor a link would end on (the focused one, if chosen)."""
        return [span for span in self.view.spans_here() if span.id != self.source]

    def _options(
        self, head: SpanLike, others: list[SpanLike], wanted: RelationDef | None
    ) -> list[Choice]:
        """Relations that fit `head` and a span of `others` (innermost first), each way
        round the scheme allows; only `wanted`'s (the first that fits) when given."""
        scheme = self.screen.scheme
        found: list[Choice] = []
        for other in others:
            ahead = [(r, head, other) for r in scheme.relations_between(head.label, other.label)]
            back = [(r, other, head) for r in scheme.relations_between(other.label, head.label)]
            found += ahead + [choice for choice in back if choice[0] not in (r for r, *_ in ahead)]
        if wanted is not None:
            return [choice for choice in found if choice[0].name == wanted.name][:1]
        return found

    # ------------------------------------------------------------ link mode

    @property
    def active(self) -> bool:
        return self.source is not None

    def start(self, target: SpanLike) -> None:
        """Start a link from `target` (the span under the cursor, or the one chosen)."""
        if not self.screen.scheme.relations:
            self.screen.flash(
                f"Scheme {self.screen.scheme.qualified_name} declares no relations: "
                "a version with [[relations]] brings them (annotator schema migrate)"
            )
            return
        self.source = target.id
        self.view.link_marks.set_links(self.index.links(), self.source)
        self.screen.set_class(True, "-relations")
        self._show_status()

    def cancel(self, message: str | None = None) -> None:
        self.source = None
        self.view.link_marks.set_links(self.index.links(), None)
        self.screen.set_class(bool(self.index), "-relations")
        if message:
            self.screen.flash(message)
        self._show_status()

    def take_key(self, event: events.Key) -> bool:
        """A key while linking: a relation key, Enter or Esc; the motions pass."""
        if self.source is None:
            return False
        if event.key == "escape":
            self.cancel("Link cancelled")
            return True
        if event.key == "enter":
            self._finish(None)
            return True
        character = (event.character or "").lower()
        wanted = next(
            (r for r in self.screen.scheme.relations if character and r.key.lower() == character),
            None,
        )
        if wanted is not None:
            self._finish(wanted)
            return True
        if event.key in PASSING:
            return False
        self.screen.flash("Linking: move to the other span, then the relation key (Esc cancels)")
        return True

    def _finish(self, wanted: RelationDef | None) -> None:
        head = self._span(self.source)
        if head is None:
            self.cancel()
            return
        others = self._others()
        if not others:
            self.screen.flash("Move onto the other span first: Tab, space and a tag, or arrows")
            return
        options = self._options(head, others, wanted)
        if not options:
            other = others[0]
            problem = (
                wanted.misfit(head.label, other.label)
                if wanted is not None
                else f"no relation of the scheme links {head.label} and {other.label}"
            )
            self.screen.flash(f"Not linked: {problem}", "$text-error")
            return
        if len(options) == 1:
            self._make(*options[0])
            return

        def chosen(index: int | None) -> None:
            if index is not None:
                self._make(*options[index])

        title = f"Which relation? ({len(options)} fit)"
        self.screen.app.push_screen(
            relation_chooser(title, options, self.text, self.colours), chosen
        )

    def end(self, span: SpanLike) -> SpanEnd:
        """A span of the view (what the screen edits: its `_stored_id` applies) as the
        writer wants it."""
        return self.screen._stored_id(cast(Any, span)), SpanKey(span.start, span.end, span.label)

    def _make(self, relation: RelationDef, head: SpanLike, child: SpanLike) -> None:
        screen, doc_id = self.screen, self.screen.doc_id
        at_cursor = child if head.id == self.source else head
        if doc_id is None:
            self.cancel()
            return
        head_end, child_end = self.end(head), self.end(child)
        known = self.index.find(head.id or 0, child.id or 0, relation.name)
        if known is None or known.stored is None:
            made = screen._write(
                lambda: screen.writer.relate(doc_id, head_end, child_end, relation.name),
                "Not linked",
            )
            if made is None:
                return
        self.source = None
        screen._relations_written(SpanKey(at_cursor.start, at_cursor.end, at_cursor.label))
        again = known is not None and known.stored is not None
        said = ("already linked: ", "$text-warning") if again else ("linked: ", "$text-success")
        self._say(head, relation.name, child, said)

    def _say(self, head: SpanLike, name: str, child: SpanLike, said: Part) -> None:
        """Flash what happened to a relation, in words: the whole status line, since it
        names both spans."""
        self._said = self._line(head, name, child, self.screen._status_width(), [said], [])
        self.screen.flash_content(self._said)

    # ---------------------------------------------------------------- status

    def _show_status(self) -> None:
        screen = self.screen
        screen.query_one(StatusLine).show(screen._status())
        self._panel_for = None
        self.show_panel()

    def status(self, flash: Content | None, width: int) -> Content | None:
        """The status line while linking, or the focused span's relation; None: neither
        (the screen says where the cursor is)."""
        view = self.view
        before: list[Part] = [flash, ("  │  ", MUTED)] if flash is not None else []
        head = self._span(self.source)
        if head is not None:
            return self._linking_line(head, before, width)
        if flash is not None and flash is self._said:
            return flash
        if flash is not None or view.selection is not None or view.editing is not None:
            return None  # what just happened comes first; the relation when it is said
        found = self.index.of(view.focused_id)
        if not found:
            return None
        more = len(found) - 1
        after: list[Part] = [(f"  +{more} more (R)", MUTED)] if more else []
        first = found[0]
        return self._line(first.head, first.label, first.child, width, [], after)

    def _line(
        self,
        head: SpanLike,
        name: str,
        child: SpanLike,
        width: int,
        before: list[Part],
        after: list[Part],
    ) -> Content:
        return relation_line(
            head, name, child, self.text, self.colours, width, before=before, after=after
        )

    def _linking_line(self, head: SpanLike, before: list[Part], width: int) -> Content:
        others = self._others()
        if not others:
            covered = self.text[head.start : head.end]
            used = len(Content.assemble(*before).plain) + len(head.label) + len("link from  ")
            room = width - used - min(len(covered) + 2, QUOTE_WANTED)
            tail = next((t for t in WAITING if len(t) <= room), WAITING[-1])
            quote = bracketed(covered, width - used - len(tail))
            return Content.assemble(
                *before,
                ("link from ", "bold $accent"),
                (head.label, colour_style(self.colours, head.label)),
                " ",
                quote,
                (tail, MUTED),
            )
        options = self._options(head, others, None)
        keys = dict.fromkeys(f"{r.key} {r.name}" for r, *_ in options)
        hint = "  " + " · ".join(keys) + " · Enter" if keys else "  no relation fits"
        first, second = (options[0][1], options[0][2]) if options else (head, others[0])
        name = options[0][0].name if len(keys) == 1 else "…"
        lead: list[Part] = [*before, ("link ", "bold $accent")]
        return self._line(first, name, second, width, lead, [(hint + " · Esc", MUTED)])

    def _panel(self) -> RelationPanel | None:
        """The screen's relation panel, looked up once (a query walks the DOM)."""
        if not self._panel_looked_up:
            found = self.screen.query(RelationPanel)
            self._panel_widget = found.first() if found else None
            self._panel_looked_up = self.screen.is_mounted
        return self._panel_widget

    def show_panel(self) -> None:
        """The focused span's relations in the side panel (when they changed)."""
        panel = self._panel()
        if panel is None:
            return
        focused = self.view.focused_id
        wanted = (focused, self.source, self.index, panel.width)
        if wanted == self._panel_for:
            return
        self._panel_for = wanted
        panel.show(self._panel_lines(focused, panel.width))

    def _panel_lines(self, focused: int | None, width: int) -> list[Content]:
        if self.source is not None:
            return key_lines(self.screen.scheme.relations)
        found = self.index.of(focused)
        return panel_lines(found, focused or 0, self.text, self.colours, width, PANEL_LINES)

    # ------------------------------------------------------------- history

    def around_history(self, run: Callable[[], None], word: str) -> None:
        """Undo or redo (`run`, the screen's), then say which relations came back or went
        (a span's undo says the span; its relations are added to what it said)."""
        before = self._held()
        shown = self.screen._flash
        run()
        self.reload()
        after = self._held()
        back = [after[key] for key in after.keys() - before.keys()]
        gone = [before[key] for key in before.keys() - after.keys()]
        if not back and not gone:
            return
        if self.screen._flash is not shown and self.screen._flash is not None:
            count = len(back) + len(gone)
            extra = f"  (and {count} relation{'s' if count != 1 else ''})"
            self.screen.flash_content(Content.assemble(self.screen._flash, (extra, MUTED)))
            return
        relation = (back or gone)[0]
        where = "back: " if back else "gone: "
        said = (f"{word}, {where}", "$text-success")
        self._say(relation.head, relation.label, relation.child, said)

    def _held(self) -> dict[tuple[SpanKey, SpanKey, str], RelationRef]:
        return {ref.key: ref for ref in self.index.relations if ref.stored is not None}

    # ---------------------------------------------------- the relation list

    def open_list(self) -> None:
        from annotator.tui.screens.relation_list import RelationListScreen

        if self.source is not None:
            self.cancel()
        review = self.screen.writer.layer == GOLD
        self.screen.app.push_screen(RelationListScreen(self, review=review))
