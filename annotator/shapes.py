"""The shapes that need no validation: plain tuples, enums, the rules for names.

They are apart from `models` so that they load without pydantic: the workbench paints
its first frame (`annotator.store.glance`, `tui.screens.glance`) before pydantic is
imported. `models` re-exports every one of them; import them from there, except on that
start path.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import NamedTuple, Protocol

GOLD = "gold"
"""The adjudicated layer. It has the same shape as an annotator's layer."""

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")

MOTION_KEYS = frozenset(" f\"'),#")
"""Keys the motions took in version 0.2. A project made before may still have a label on
one of them: its stored scheme stays valid (the motion wins, the label keeps its number)."""

RESERVED_KEYS = frozenset("qnpuryxcsbjkl?/[]{}<>0123456789") | MOTION_KEYS
"""Keys the annotation screen binds itself; a label shortcut may not take one."""


def qualified_name(name: str, version: int) -> str:
    """A scheme as people and files name it: `negotiation-v2`."""
    return f"{name}-v{version}"


def check_name(value: str, what: str) -> str:
    """Names reach file names, SQL parameters and terminal output: keep them plain."""
    if not _NAME.match(value):
        raise ValueError(
            f"{what} {value!r} must be 1-64 characters of letters, digits, '_', '.', '-' "
            "and start with a letter or digit"
        )
    return value


def check_annotator(value: str, what: str = "annotator name") -> str:
    """A person's name: plain (`check_name`), and not `gold`, the adjudicated layer.

    Gold is written through review and adjudication, never assigned documents: an
    assignment to it would have no annotator behind it.
    """
    check_name(value, what)
    if value == GOLD:
        raise ValueError(
            f"{what} {value!r} is reserved: {GOLD!r} is the adjudicated layer, not a person "
            "(it is written with `annotator review` or `annotator adjudicate`)"
        )
    return value


class SpanKey(NamedTuple):
    """What makes a span the same span in two layers: where it is and what it says.

    Agreement, review, adjudication and merge compare spans across layers by this key;
    ids are per layer and mean nothing there.
    """

    start: int
    end: int
    label: str


class Extent(Protocol):
    """Anything with offsets and a label: `Span`, `SpanRow`, `SpanKey` and the TUI's refs."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def label(self) -> str: ...


def reading_order(span: Extent) -> tuple[int, int, str]:
    """Sort key for spans as a reader meets them: by start, the outer (longer) span first.

    Every list of spans the user sees (the span list, review candidates, exports) uses
    this one order, so a span's position is the same wherever it is shown. Ties beyond the
    label keep their incoming order (sorting is stable).
    """
    return (span.start, -span.end, span.label)


class SpanRow(NamedTuple):
    """A stored span as streamed to exporters: no validation cost, it was checked on write."""

    id: int
    layer: str
    start: int
    end: int
    label: str
    origin: str | None = None
    """the suggestion source it was accepted from; None: made by hand"""


class RelationRow(NamedTuple):
    """A stored relation as read in bulk (the workbench, exporters): checked on write."""

    id: int
    layer: str
    head: int
    """span id of the head"""
    child: int
    """span id of the child"""
    label: str


class Status(StrEnum):
    TODO = "todo"
    IN_PROGRESS = "in-progress"
    DONE = "done"
    SKIPPED = "skipped"


class EventAction(StrEnum):
    """Every action the event log records: one place, so writers and readers agree."""

    PROJECT_CREATE = "project.create"
    SCHEME_UPDATE = "scheme.update"
    IMPORT = "import"
    SPAN_ADD = "span.add"
    SPAN_DELETE = "span.delete"
    SPAN_UPDATE = "span.update"
    UNDO = "undo"
    REDO = "redo"
    ASSIGN = "assign"
    STATUS = "status"
    ADJUDICATED = "adjudicated"
    REJECTED = "rejected"
    """The lead kept a candidate span out of gold (`after`: its start, end and label)."""
    MERGE_LAYER = "merge.layer"
    """After a merge: the history undo replays from then on (`annotator.merge`)."""
    MERGE = "merge"
    """One summary event per merge that changed anything."""
    RELATION_ADD = "relation.add"
    RELATION_DELETE = "relation.delete"
    RELATION_UPDATE = "relation.update"
    SUGGESTION_ACCEPT = "suggestion.accept"
    """An annotator took a suggestion into their layer (`after`: the span, its source, and
    whether they edited it first)."""
    SUGGESTION_REJECT = "suggestion.reject"
    """An annotator turned a suggestion down: it does not come back for them on that
    document (`before`: its start, end, label and source)."""


SPAN_ACTIONS = frozenset({EventAction.SPAN_ADD, EventAction.SPAN_DELETE, EventAction.SPAN_UPDATE})
"""The actions that change one span (and push onto the undo stack)."""
RELATION_ACTIONS = frozenset(
    {EventAction.RELATION_ADD, EventAction.RELATION_DELETE, EventAction.RELATION_UPDATE}
)
"""The actions that change one relation: they push onto the same undo stack as the span
actions of their (document, layer), so undo steps back through both in order."""
UNDOABLE_ACTIONS = SPAN_ACTIONS | RELATION_ACTIONS
"""The actions undo reverts and redo restores."""
HISTORY_ACTIONS = UNDOABLE_ACTIONS | {EventAction.UNDO, EventAction.REDO}
"""Events undo and redo replay: the span and relation actions and undo/redo themselves."""
EVENT_ACTIONS = frozenset(action.value for action in EventAction)
"""Every action the log may hold: what `check` and `merge` accept from a file."""
