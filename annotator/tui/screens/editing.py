"""What the annotate and review screens share: editing spans of one document in a view.

Both screens show a document in a `DocumentView`, move span edges a token at a time,
select an extent and apply it, undo and redo, say short things in the status line and
fold their side panel on a narrow terminal. `EditingScreen` owns all of that once. What
differs is *where* changes go, held by the screen's `SpanWriter` (the annotator's layer,
or gold), and what the screen edits (its *targets*: the annotator's spans, or the review's
candidates), which a subclass names through a few hooks.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer

from annotator.errors import StoreError
from annotator.models import Extent, Scheme, Span, SpanKey
from annotator.store import Store
from annotator.tui.cursor import Selection, step_edge
from annotator.tui.linking import Linking
from annotator.tui.relation_index import RelationRef
from annotator.tui.screens import fold
from annotator.tui.screens.choosers import SpanChooserModal, quoted
from annotator.tui.screens.status import describe
from annotator.tui.span_index import SpanLike
from annotator.tui.span_writer import SpanWriter
from annotator.tui.widgets.document_view import DocumentView
from annotator.tui.widgets.status_line import StatusLine

FLASH_SECONDS = 4.0

T = TypeVar("T", bound=SpanLike)


def editing_bindings(
    *, edit_tip: str, start_tip: str, undo_tip: str, show_redo: bool = True
) -> list[Binding]:
    """The extent, edge and history keys, in the place each screen lists them.

    Both screens declare them in their own `BINDINGS` (the help screen lists a class's own
    keys, and the footer keeps their order); the tooltips say where the change goes.
    """
    return [
        Binding("enter", "edit_extent", "Edit extent", show=False, tooltip=edit_tip),
        Binding("[", "resize('start', -1)", "Start ← token", show=False, tooltip=start_tip),
        Binding("]", "resize('start', 1)", "Start → token", show=False),
        Binding("{", "resize('end', -1)", "End ← token", show=False),
        Binding("}", "resize('end', 1)", "End → token", show=False),
        Binding("u", "undo", "Undo", tooltip=undo_tip),
        Binding("r", "redo", "Redo", show=show_redo),
        Binding(
            "L",
            "link",
            "Link",
            show=False,
            tooltip="Link the span under the cursor to another: move to it (Tab, space and a "
            "tag, arrows), then press the relation's key, or Enter; Esc cancels.",
        ),
        Binding(
            "R",
            "relations",
            "Relations",
            show=False,
            tooltip="List the document's relations: Enter goes to one, c relabels, r reverses, "
            "x deletes.",
        ),
    ]


class EditingScreen(Screen[None], Generic[T]):
    """A document's spans edited through a `SpanWriter`; `T` is what the screen edits."""

    NO_DOCUMENT: ClassVar[str] = "No document open"
    NO_TARGET: ClassVar[str] = "No span under the cursor"
    DOCUMENT_ACTIONS: ClassVar[tuple[str, ...]] = ()
    """Actions that need an open document (greyed out without one)."""

    def __init__(self, store: Store, writer: SpanWriter) -> None:
        super().__init__()
        fold(self)
        self.store = store
        self.writer = writer
        self.doc_id: str | None = None
        self.can_undo = False
        self.can_redo = False
        self._flash: Content | None = None
        self._flash_timer: Timer | None = None
        self._action_state: tuple[object, ...] = ()
        self.linking = Linking(self)

    @property
    def view(self) -> DocumentView:
        return self.query_one(DocumentView)

    @property
    def scheme(self) -> Scheme:
        return self.store.scheme

    @property
    def label_colors(self) -> dict[str, str]:
        return {label.name: label.color for label in self.scheme.labels}

    def on_mount(self) -> None:
        # The view's gutter names labels by their keys (colour is not enough everywhere).
        self.view.label_keys = {label.name: label.key for label in self.scheme.labels}

    # ------------------------------------------------------------ the targets

    @abstractmethod
    def _targets_here(self) -> list[T]:
        """What a span key would act on at the cursor (several: the user picks one)."""

    @abstractmethod
    def _target(self, view_id: int | None) -> T | None:
        """The target the view shows under `view_id`."""

    @abstractmethod
    def _stored_id(self, target: T) -> int | None:
        """The id of the span the writer changes for `target` (None: not stored yet)."""

    @abstractmethod
    def _edited(self, target: T, stored: Span, message: str) -> None:
        """Show the outcome of an edit the writer stored."""

    def _moved_message(self, target: T, edge: str, offset: int) -> str:
        """What the status line says after an edge moved (the text follows it)."""
        return f"{target.label} now {'starts' if edge == 'start' else 'ends'} at {offset}:"

    def _edit_hint(self, selection: Selection | None) -> str:
        """The status line while an extent is being edited."""
        edge = "end" if selection is None or selection.head_on_right else "start"
        return (
            f"Moving the {edge}: shift+arrows by token, alt+shift+arrows by character; "
            "Enter applies, Esc cancels"
        )

    # ------------------------------------------------------------------- keys

    def take_key(self, event: events.Key) -> bool:
        """A key that belongs to something in progress (a motion), before any binding.

        The app calls this for every key while the document view has the focus, in the
        order they were typed (`AnnotatorApp.on_event`). A link being made comes after the
        motions, which pick its other end.
        """
        return self.view.take_key(event) or self.linking.take_key(event)

    def on_document_view_said(self, event: DocumentView.Said) -> None:
        self.flash(event.text)

    def on_document_view_cursor_moved(self, event: DocumentView.CursorMoved) -> None:
        """After the screen's own handler: the side panel's relations follow the cursor."""
        self.linking.show_panel()

    # ---------------------------------------------------------------- helpers

    def _touched(self) -> None:
        """A change is about to be written (the annotate screen counts working time)."""

    def _write(self, call: Callable[[], Any], title: str = "Not saved") -> Any:
        """Run one store call; a refusal becomes a notification and None.

        The refusal (a full disk, a read-only file, a label the scheme no longer has)
        also goes to the status line, where the eye already is; the screen keeps what it
        showed, and the next key tries again: once space is freed, it is stored.
        """
        self._touched()
        try:
            return call()
        except StoreError as exc:
            message = str(exc).removeprefix(f"{self.store.path}: ")
            self.flash(f"{title}: {message}", "$text-error")
            self.notify(str(exc), title=title, severity="error")
            return None

    def _text(self, span: Extent) -> str:
        return quoted(self.view.text[span.start : span.end])

    def _with_target(self, title: str, then: Callable[[T], None]) -> None:
        """Run `then` on the target at the cursor, asking which one when several are."""
        if self.doc_id is None:
            self.flash(self.NO_DOCUMENT)
            return
        targets = self._targets_here()
        if not targets:
            self.flash(self.NO_TARGET)
            return
        if len(targets) == 1:
            then(targets[0])
            return

        def chosen(view_id: int | None) -> None:
            target = self._target(view_id) if view_id is not None else None
            if target is not None:
                then(target)

        self.app.push_screen(
            SpanChooserModal(title, targets, self.view.text, self.scheme.labels), chosen
        )

    def _refresh_history(self) -> None:
        """After the layer changed (each change calls this once): read once whether undo
        and redo apply (the footer asks on every redraw), and the relations again."""
        self.linking.reload()
        try:
            state = self.writer.history_state(self.doc_id) if self.doc_id else (False, False)
        except StoreError:
            state = (False, False)
        self.can_undo, self.can_redo = state

    # ------------------------------------------------------------------ edits

    def _apply(
        self,
        target: T,
        message: str,
        *,
        start: int | None = None,
        end: int | None = None,
        label: str | None = None,
    ) -> None:
        """Write `target` with new edges or label through the writer, then show it."""
        doc_id = self.doc_id
        if doc_id is None:
            return
        key = SpanKey(target.start, target.end, target.label)  # a SpanRef or a ReviewItem
        changes = SpanKey(
            key.start if start is None else start,
            key.end if end is None else end,
            key.label if label is None else label,
        )
        stored = self._write(
            lambda: self.writer.edit(doc_id, self._stored_id(target), key, changes)
        )
        if stored is not None:
            self._edited(target, stored, message)

    def action_resize(self, edge: str, step: int) -> None:
        self._with_target("Resize which span?", lambda target: self._resize(target, edge, step))

    def _resize(self, target: T, edge: str, step: int) -> None:
        start, end = target.start, target.end
        for _ in range(self.view.motions.take_count()):
            moved = step_edge(self.view.tokens, SpanKey(start, end, target.label), edge, step)
            if moved is None:
                break
            start, end = moved
        if (start, end) == (target.start, target.end):
            self.flash(f"The {edge} cannot move further")
            return
        if edge == "start":
            self._apply(target, self._moved_message(target, edge, start), start=start)
        else:
            self._apply(target, self._moved_message(target, edge, end), end=end)

    def action_edit_extent(self) -> None:
        view = self.view
        if view.editing is None:
            self._with_target("Edit the extent of which span?", self._begin_edit)
            return
        target = self._target(view.editing)
        selection = view.selection
        view.end_edit()
        if target is None or selection is None:
            return
        if (selection.start, selection.end) == (target.start, target.end):
            view.focus_span(target.id)
            self.flash("Extent unchanged")
            return
        self._apply(target, self._extent_message(), start=selection.start, end=selection.end)

    def _extent_message(self) -> str:
        return "new extent:"

    def _begin_edit(self, target: T) -> None:
        view = self.view
        if view.focused_id != target.id:
            view.focus_span(target.id)
        view.begin_edit()
        self.flash(self._edit_hint(view.selection))

    def action_undo(self) -> None:
        self.linking.around_history(lambda: self._history(self.writer.undo, "undone"), "undone")

    def action_redo(self) -> None:
        self.linking.around_history(lambda: self._history(self.writer.redo, "redone"), "redone")

    @abstractmethod
    def _history(self, call: Callable[[str], Span | None], word: str) -> None:
        """Undo or redo (`call`) and show what came back or went."""

    # -------------------------------------------------------------- relations

    def action_link(self) -> None:
        self._with_target("Link from which span?", self.linking.start)

    def action_relations(self) -> None:
        self.linking.open_list()

    def _relation_refs(self) -> list[RelationRef]:
        """The writer's layer's relations between the spans the view shows (whose view
        ids are their stored ids; the review says otherwise)."""
        if self.doc_id is None:
            return []
        spans = self.view.index.by_id
        found = []
        for row in self.store.relation_rows(self.doc_id, self.writer.layer):
            head, child = spans.get(row.head), spans.get(row.child)
            if head is not None and child is not None:
                found.append(RelationRef(row.id, head, child, row.label, row.id))
        return found

    def _relations_written(self, focus: SpanKey | None) -> None:
        """A relation was written (the review reads its document again, `focus` on that)."""
        self._refresh_history()
        self._schedule_bindings_refresh()

    def _go_to(self, span: SpanLike) -> None:
        """Focus `span`, one end of a relation chosen in the relation list."""
        self.view.focus_span(span.id)
        self.set_focus(self.view)

    # ------------------------------------------------------------ status line

    def _status(self) -> Content:
        """The status line: where the cursor is, after the flash message if any (or what
        keys a motion in progress awaits)."""
        pending = self.view.motions.pending
        flash = Content.styled(pending, "bold $accent") if pending else self._flash
        linked = self.linking.status(flash, self._status_width())
        return linked if linked is not None else describe(self.view, flash, self._status_width())

    def _status_width(self) -> int:
        return self.query_one(StatusLine).content_region.width or 100

    def flash(self, message: str, style: str = "$text-warning") -> None:
        """A short message in the status line (instead of a toast over the text)."""
        self.flash_content(Content.styled(message, style))

    def flash_content(self, content: Content) -> None:
        """Like `flash`, for a message with several styles."""
        self._flash = content
        if self._flash_timer is not None:
            self._flash_timer.stop()
        self._flash_timer = self.set_timer(FLASH_SECONDS, self._clear_flash)
        self.query_one(StatusLine).show(self._status())

    def _clear_flash(self) -> None:
        self._flash = None
        self.query_one(StatusLine).show(self._status())

    # ----------------------------------------------------------------- layout

    def action_toggle_side(self) -> None:
        self.toggle_class("-side-toggled")

    def on_resize(self) -> None:
        fold(self)

    # ------------------------------------------------------------- key states

    def _state(self) -> tuple[object, ...]:
        """What the enabled keys depend on; the footer is redrawn when it changes."""
        return (self.doc_id is not None, self.can_undo, self.can_redo)

    def _schedule_bindings_refresh(self) -> None:
        """Redraw the footer when an action's state changed (it rebuilds widgets: costly)."""
        if self._state() == self._action_state:
            return
        self._action_state = self._state()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grey out what does not apply: document keys without a document, undo, redo.

        Span keys (delete, relabel, resize) depend on the cursor, which moves with every
        key; redrawing the footer that often would cost more than the move itself, so
        they stay enabled and say in the status line when there is no span to act on.
        """
        if not self.is_mounted:
            return True
        if action in self.DOCUMENT_ACTIONS and self.doc_id is None:
            return None
        if action == "undo":
            return True if self.can_undo else None
        if action == "redo":
            return True if self.can_redo else None
        return True
