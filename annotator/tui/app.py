"""The app: owns the store and the annotator's name, switches screens, counts the queue.

Kept small on purpose (screens hold the UI). The queue counts grow with the corpus, so a
thread worker makes them on its own connection and hands them to the screens.

Started from a project's path with a glance (`annotator annotate`), the app paints the
`GlanceScreen` (its base screen) first, then opens the store and puts the workbench over
it; keys typed meanwhile are kept and handed on in order. So the store, pydantic and every
screen but the glance are imported where they are used, not here: the first frame does
not wait for them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.screen import Screen

from annotator.errors import AnnotatorError, StoreError
from annotator.tui.screens.glance import GlanceScreen, Opening

if TYPE_CHECKING:
    from annotator.models import Scheme
    from annotator.shapes import Status
    from annotator.store import Store
    from annotator.tui.messages import CountsWanted, DocumentWanted, QueueWanted
    from annotator.tui.screens.annotate import AnnotateScreen
    from annotator.tui.suggestion_keys import Suggesting

WORKBENCH_CSS = Path(__file__).with_name("app.tcss")


class AnnotatorApp(App[None]):
    """The annotation workbench."""

    CSS_PATH = "frame.tcss"
    """What the first frame needs; `WORKBENCH_CSS`, the rest, is read by `_start`."""
    TITLE = "annotator"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", tooltip="Quit (everything is already saved)."),
        Binding("question_mark", "help", "Help", key_display="?"),
        # `y` is one of the reserved keys, so no label shortcut can take it from us.
        Binding(
            "y",
            "agreement",
            "Agreement",
            tooltip="Agreement between the annotators, as `annotator agreement` reports it.",
        ),
    ]

    store: Store
    """The project; started from an `Opening`, set once the first frame is painted."""

    def __init__(
        self,
        store: Store | Opening,
        annotator: str,
        open_doc: str | None = None,
        review: bool = False,
        suggest: bool = False,
    ) -> None:
        super().__init__()
        self._opening: Opening | None = None
        self._held_keys: list[events.Key] | None = None
        """keys typed while the glance is shown, handed on when the workbench is there"""
        self.failure: str | None = None
        """why the project could not be opened (the app then exits; `run_app` raises it)"""
        self.opened_store: Store | None = None
        """the store this app opened itself (after a glance), for its caller to close"""
        if isinstance(store, Opening):
            self._opening, self._held_keys = store, []
        else:
            self.store = store
        self._suggest = suggest
        self.annotator = annotator
        self.open_doc = open_doc
        self.review = review
        self.counts: tuple[int, dict[Status, int]] | None = None
        self._screen_class: tuple[Scheme, type[AnnotateScreen]] | None = None

    @cached_property
    def suggesting(self) -> Suggesting:
        """What the annotate screens share of the suggestions; made after the glance."""
        from annotator.tui.suggestion_keys import Suggesting

        return Suggesting(compute=self._suggest)

    @property
    def loading(self) -> bool:
        """The glance is shown and the workbench still loading (keys are held till then)."""
        return self._held_keys is not None

    @property
    def annotate_screen_class(self) -> type[AnnotateScreen]:
        """Label keys come from the scheme: bindings of a screen class made for it, made
        again when another process stores a new scheme (`schema migrate`)."""
        from annotator.tui.label_keys import label_bindings
        from annotator.tui.screens.annotate import AnnotateScreen

        scheme = self.store.scheme
        if self._screen_class is None or self._screen_class[0] is not scheme:
            made = type(
                "AnnotateScreen",
                (AnnotateScreen,),
                {"BINDINGS": label_bindings(scheme), "__module__": AnnotateScreen.__module__},
            )
            self._screen_class = (scheme, made)
        return self._screen_class[1]

    def get_default_screen(self) -> Screen[None]:
        """The glance is the base screen, not pushed over a blank one made for nothing;
        the workbench is pushed over it (nothing pops it), which `_hand_on_keys` empties."""
        if self._opening is None:
            return super().get_default_screen()
        return GlanceScreen(self._opening, self.annotator)

    def on_mount(self) -> None:
        self.call_after_refresh(self._resume_collector)
        if self._opening is None:
            self._start()
        else:
            self.call_after_refresh(self._open_project, self._opening)

    def _resume_collector(self) -> None:
        """After the first frame: the collector, paused for the start (`run_workbench`),
        resumes; over a glance, without what the start made (frozen: it all lives on, so
        passes over it would free nothing) until the workbench is there (`_hand_on_keys`)."""
        if not gc.isenabled():
            if self.loading:
                gc.freeze()
            gc.enable()

    def _open_project(self, opening: Opening) -> None:
        """After the first frame: open the store, then start as usual over the glance."""
        from annotator.store import Store

        try:
            self.store = self.opened_store = Store.open(opening.path)
        except StoreError as exc:
            self._fail(exc)
            return
        self._opening = None
        self._start()
        self.call_after_refresh(self._hand_on_keys)

    def _fail(self, exc: AnnotatorError) -> None:
        """The project cannot be worked on: leave, and let `run_app` say why (one line)."""
        self.failure = str(exc)
        self.exit(return_code=1)

    def _hand_on_keys(self) -> None:
        """The keys typed over the glance, in order, once the workbench is mounted."""
        if not self.screen.is_mounted:
            self.call_after_refresh(self._hand_on_keys)
            return
        held, self._held_keys = self._held_keys or [], None
        self.screen_stack[0].remove_children()  # the glance, under the workbench for good
        gc.unfreeze()  # so that the glance's widgets, now garbage, can be collected
        for key in held:
            self.post_message(events.Key(key.key, key.character))

    def _start(self) -> None:
        """The first screen: the document asked for or left in progress, else the queue."""
        from annotator.tui.label_keys import motion_key_notices
        from annotator.tui.screens.queue import QueueScreen

        try:  # every screen works with the stored scheme: it must be one this version reads
            scheme = self.store.scheme
        except AnnotatorError as exc:
            self._fail(exc)
            return
        # The styles of every screen but the glance. `parse`, not Textual's `reparse`:
        # the sources parsed already are kept, only this one is new.
        self.stylesheet.read(WORKBENCH_CSS)
        self.stylesheet.parse()
        self.stylesheet.update(self)
        for notice in motion_key_notices(scheme):
            self.notify(notice, title="A label key changed", severity="warning", timeout=12)
        if self.review:  # the lead adjudicating: `annotator` is the lead's name
            from annotator.tui.screens.review import ReviewScreen

            self.push_screen(ReviewScreen(self.store, self.annotator, self.open_doc))
            return
        # A document named on the command line, else the one in progress this annotator
        # left last, is the first thing painted: the queue is built only when the
        # annotator goes back to it (the annotate screen does that).
        doc_id = self.open_doc or self._left_off()
        if doc_id is None or not self.open_document(doc_id):
            self.push_screen(QueueScreen(self.store, self.annotator))

    def _left_off(self) -> str | None:
        try:
            return self.store.resume_document(self.annotator)
        except StoreError:  # unreadable: the queue says the rest
            return None

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette (ctrl+p) lists the keys of the screen in use, then Textual's own."""
        from annotator.tui.commands import key_commands

        system = list(super().get_system_commands(screen))
        yield from key_commands(screen, taken=[command.title for command in system])
        yield from system

    async def on_event(self, event: events.Event) -> None:
        """Keys for the document view are applied here, one by one, as they arrive.

        Textual routes a key through message queues (the focused widget's, then each
        parent's) and looks up its binding only when it bubbles back up to the app; a key
        that changes focus or starts a motion (`/`, a hint, a count) would let the keys
        typed right behind it, already queued, go to the wrong place. Over SSH keys arrive
        bunched, so while the document view has the focus every key is resolved here, in
        order, against the state the previous key left: first by a motion or search in
        progress, then by the bindings (priority ones first, as Textual does).
        """
        if isinstance(event, events.Key) and self._held_keys is not None:
            self._held_keys.append(event)  # the workbench is still loading
            return
        if (
            isinstance(event, events.Key)
            and not event.is_forwarded
            and await self._key_in_order(event)
        ):
            return
        await super().on_event(event)

    async def _key_in_order(self, event: events.Key) -> bool:
        from annotator.tui.screens.annotate import AnnotateScreen
        from annotator.tui.screens.editing import EditingScreen

        screen = self.screen
        if not isinstance(screen, EditingScreen) or not screen.is_mounted:
            return False
        view = screen.view
        if self.focused is not view:
            return False
        if screen.take_key(event):
            return True
        if isinstance(screen, AnnotateScreen):
            screen.follow_scheme()
        # Bindings as Textual resolves them (pinned to textual 8.2: a private method).
        handled = await self._check_bindings(event.key, priority=True)
        handled = handled or await self._check_bindings(event.key)
        view.motions.binding_done()
        return handled

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast is literal, inert text: messages quote ids, labels and file names.

        Screens call `notify` with Textual's default `markup=True`; it is ignored here so
        that `[bold]` in a document id stays text (and a stray `[/]` cannot raise), and
        control or bidi characters show as visible stand-ins.
        """
        from annotator.printable import printable

        super().notify(
            printable(message, keep_newlines=True),
            title=printable(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def open_document(self, doc_id: str) -> bool:
        """Open `doc_id` in an annotate screen; False (and a toast) if it cannot be read."""
        try:
            self.store.document(doc_id)
        except StoreError as exc:
            self.notify(str(exc), title="Cannot open the document", severity="error")
            return False
        screen = self.annotate_screen_class(self.store, self.annotator, doc_id, self.suggesting)
        self.push_screen(screen)
        return True

    # ------------------------------------------------------------------- counts

    def on_document_wanted(self, event: DocumentWanted) -> None:
        self.open_document(event.doc_id)

    def on_queue_wanted(self, event: QueueWanted) -> None:
        """Back to the queue under the screen; a document opened from the command line has
        none under it (the queue was not built before it), so one takes the screen's place."""
        from annotator.tui.screens.queue import QueueScreen

        event.stop()
        if event.screen is not self.screen:  # already left
            return
        if any(isinstance(screen, QueueScreen) for screen in self.screen_stack):
            event.screen.dismiss()
        else:
            self.switch_screen(QueueScreen(self.store, self.annotator))

    def on_counts_wanted(self, event: CountsWanted) -> None:
        """Show the counts known so far at once, and count the queue again in a worker."""
        from annotator.tui.messages import QueueCounted

        event.stop()
        if self.counts is not None:
            event.screen.post_message(QueueCounted(*self.counts))
        self.refresh_counts()

    def refresh_counts(self) -> None:
        """Count the queue again (in a worker); screens get `QueueCounted` when it is done."""
        from annotator.shapes import Status
        from annotator.tui.reads import read_in_worker

        annotator = self.annotator

        def count(store: Store) -> tuple[int, dict[Status, int]]:
            total = store.queue_count(annotator)
            return total, {status: store.queue_count(annotator, status=status) for status in Status}

        # A failure is dropped: the counts are a convenience; the next change counts again.
        read_in_worker(self, self.store.path, count, self._show_counts, group="counts")

    def _show_counts(self, counted: tuple[int, dict[Status, int]]) -> None:
        from annotator.tui.messages import QueueCounted

        self.counts = counted
        for screen in self.screen_stack:
            # A screen still being built asks for the counts itself when it loads.
            if screen.is_mounted:
                screen.post_message(QueueCounted(*counted))

    # ------------------------------------------------------------------ actions

    def _annotate_screens(self) -> list[AnnotateScreen]:
        from annotator.tui.screens.annotate import AnnotateScreen

        return [s for s in self.screen_stack if isinstance(s, AnnotateScreen)]

    async def action_quit(self) -> None:
        for screen in self._annotate_screens():
            screen.clock.touch()
            screen.flush_time()
        self.exit()

    def action_agreement(self) -> None:
        """The agreement screen; in the review, a document chosen there is opened."""
        from annotator.tui.screens.agreement import AgreementScreen
        from annotator.tui.screens.help import HelpScreen
        from annotator.tui.screens.review import ReviewScreen

        if isinstance(self.screen, AgreementScreen | HelpScreen):
            return
        review = next((s for s in self.screen_stack if isinstance(s, ReviewScreen)), None)

        def chosen(doc_id: str | None) -> None:
            if doc_id is not None and review is not None:
                review.jump_to(doc_id)

        self.push_screen(AgreementScreen(self.store.path, pick=review is not None), chosen)

    def action_help(self) -> None:
        from annotator.tui.screens.help import HelpScreen, workbench_help

        if not isinstance(self.screen, HelpScreen):
            labelling = None if self.review else self.annotate_screen_class
            self.push_screen(workbench_help(self.screen, AnnotatorApp, labelling))
