"""Pydantic models shared by every layer: schemes, documents, spans, relations,
assignments, events.

Offsets are Python code points, half-open `[start, end)`, everywhere inside the program;
formats that count otherwise convert explicitly in `annotator.offsets`. Models validate
strictly (`extra="forbid"`) because they are the edge where files and users meet the store.

Size: this is the one vocabulary every layer imports; kept whole, any shape is found
here, and a scheme's rules (labels, relations, keys) read together with the spans and
relations they govern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, NamedTuple, Protocol

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

GOLD = "gold"
"""The adjudicated layer. It has the same shape as an annotator's layer."""

_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")

MOTION_KEYS = frozenset(" f\"'),#")
"""Keys the motions took in version 0.2. A project made before may still have a label on
one of them: its stored scheme stays valid (the motion wins, the label keeps its number)."""

RESERVED_KEYS = frozenset("qnpuryxcsbjkl?/[]{}<>0123456789") | MOTION_KEYS
"""Keys the annotation screen binds itself; a label shortcut may not take one."""


class Strict(BaseModel):
    """Base for every model: unknown fields are errors, not silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


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


class Shortcut(Strict):
    """What labels and relations share: a plain name, a one-key shortcut, a colour and
    the guidelines shown beside the text while annotating."""

    what: ClassVar[str] = "label"
    """What the name names, in error messages."""
    name: str
    key: str = Field(description="one-key shortcut in the annotation screen")
    color: str = Field(description="#rrggbb")
    definition: str = ""
    examples: list[str] = Field(default_factory=list)
    counter_examples: list[str] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        return check_name(value, f"{cls.what} name")

    @field_validator("key")
    @classmethod
    def _one_key(cls, value: str, info: ValidationInfo) -> str:
        if len(value) != 1 or not value.isprintable() or value.isspace():
            raise ValueError(f"key {value!r} must be exactly one printable character")
        kept = (info.context or {}).get("kept_keys", frozenset())
        if value.lower() in RESERVED_KEYS and value.lower() not in kept:
            raise ValueError(
                f"key {value!r} is bound by the annotation screen; "
                f"reserved keys: {' '.join(sorted(RESERVED_KEYS))}"
            )
        return value

    @field_validator("color")
    @classmethod
    def _hex_colour(cls, value: str) -> str:
        if not _HEX_COLOUR.match(value):
            raise ValueError(f"colour {value!r} is not of the form '#rrggbb'")
        return value.lower()


class Label(Shortcut):
    """One label of a scheme, with the guidelines shown beside the text while labelling."""


class RelationDef(Shortcut):
    """One relation type of a scheme: a typed, directed link from a head span to a child.

    `heads` and `children` name the labels a relation may start and end on, so a link
    between spans it does not fit is refused on every write path. Its key is pressed in
    the workbench's link mode, where the label keys are not bound: a relation may share
    its key with a label (the v2 scheme gives each relation its head label's key), but not
    with another relation, nor take a reserved key, since the motions that pick the other
    end stay bound while linking.
    """

    what: ClassVar[str] = "relation"
    heads: list[str] = Field(min_length=1, description="labels the head span may have")
    children: list[str] = Field(min_length=1, description="labels the child span may have")

    def fits(self, head_label: str, child_label: str) -> bool:
        """Whether a head span labelled `head_label` may link to a child `child_label`."""
        return head_label in self.heads and child_label in self.children

    def misfit(self, head_label: str, child_label: str) -> str | None:
        """Why the two labels do not fit this relation (None: they fit), in plain words."""
        if head_label not in self.heads:
            return (
                f"a {self.name} relation starts on {' or '.join(self.heads)}, not on {head_label}"
            )
        if child_label not in self.children:
            return (
                f"a {self.name} relation ends on {' or '.join(self.children)}, not on {child_label}"
            )
        return None


class Scheme(Strict):
    """A versioned label scheme: the labels, the relations between spans, and how spans
    may be drawn."""

    name: str
    version: int = Field(ge=1)
    description: str = ""
    allow_overlap: bool = True
    snap_to_tokens: bool = True
    labels: list[Label] = Field(min_length=1)
    relations: list[RelationDef] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        return check_name(value, "scheme name")

    @model_validator(mode="after")
    def _unique(self) -> Scheme:
        seen_names: set[str] = set()
        seen_keys: dict[str, str] = {}
        for index, label in enumerate(self.labels):
            if label.name in seen_names:
                raise ValueError(f"labels[{index}].name: duplicate label name {label.name!r}")
            seen_names.add(label.name)
            key = label.key.lower()
            if key in seen_keys:
                raise ValueError(
                    f"labels[{index}].key: key {label.key!r} of {label.name!r} is already "
                    f"the key of {seen_keys[key]!r}"
                )
            seen_keys[key] = label.name
        self._unique_relations(seen_names)
        return self

    def _unique_relations(self, labels: set[str]) -> None:
        """Relation names apart from each other and from labels (formats such as brat and
        Label Studio name both in one namespace); keys apart among relations only; heads
        and children name labels of this scheme."""
        seen_names: set[str] = set()
        seen_keys: dict[str, str] = {}
        for index, relation in enumerate(self.relations):
            where = f"relations[{index}]"
            if relation.name in seen_names:
                raise ValueError(f"{where}.name: duplicate relation name {relation.name!r}")
            if relation.name in labels:
                raise ValueError(f"{where}.name: {relation.name!r} is already a label's name")
            seen_names.add(relation.name)
            key = relation.key.lower()
            if key in seen_keys:
                raise ValueError(
                    f"{where}.key: key {relation.key!r} of {relation.name!r} is already "
                    f"the key of relation {seen_keys[key]!r}"
                )
            seen_keys[key] = relation.name
            for side in ("heads", "children"):
                names: list[str] = getattr(relation, side)
                for name in names:
                    if name not in labels:
                        raise ValueError(
                            f"{where}.{side}: {name!r} is not a label of this scheme "
                            f"({', '.join(label.name for label in self.labels)})"
                        )
                if len(set(names)) != len(names):
                    raise ValueError(f"{where}.{side}: a label is listed twice")

    @property
    def label_names(self) -> list[str]:
        return [label.name for label in self.labels]

    @property
    def relation_names(self) -> list[str]:
        return [relation.name for relation in self.relations]

    def relation(self, name: str) -> RelationDef:
        for relation in self.relations:
            if relation.name == name:
                return relation
        raise KeyError(name)

    def relations_between(self, head_label: str, child_label: str) -> list[RelationDef]:
        """The relations a span labelled `head_label` may have to one labelled
        `child_label`, in scheme order (what a link chooser offers)."""
        return [r for r in self.relations if r.fits(head_label, child_label)]

    def label(self, name: str) -> Label:
        for label in self.labels:
            if label.name == name:
                return label
        raise KeyError(name)

    @property
    def qualified_name(self) -> str:
        return f"{self.name}-v{self.version}"


class Document(Strict):
    """A document as stored: `id` is the given id or, by default, the hash of the text."""

    id: str
    text: str
    source: str | None = None
    meta: dict[str, Any] = Field(default_factory=dict)
    created: datetime | None = None


class Span(Strict):
    """A labelled character range in one layer (an annotator's name, or `gold`)."""

    id: int | None = None
    doc_id: str
    layer: str
    start: int = Field(ge=0)
    end: int = Field(ge=1)
    label: str
    created: datetime | None = None
    updated: datetime | None = None
    origin: str | None = None
    """the suggestion source it was accepted from (`annotator.suggest.Source`); None: by hand"""

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.start >= self.end:
            raise ValueError(f"span start {self.start} must be before its end {self.end}")
        return self


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


class Relation(Strict):
    """A typed, directed link from a head span to a child span of one layer.

    `head` and `child` are span ids; a relation takes its document and layer from its
    spans (an annotator's relations join that annotator's spans, gold's join gold's).
    """

    id: int
    doc_id: str
    layer: str
    head: int
    child: int
    label: str
    created: datetime | None = None
    updated: datetime | None = None


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


class Assignment(Strict):
    doc_id: str
    annotator: str
    status: Status = Status.TODO
    assigned: datetime | None = None
    started: datetime | None = None
    finished: datetime | None = None
    seconds: float = 0.0
    cursor: int | None = None
    """where the annotator's cursor was when they last left the document"""


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


class Event(Strict):
    """One row of the append-only log: enough to audit, undo and redo a change."""

    id: int
    ts: datetime
    actor: str
    action: str
    doc_id: str | None = None
    layer: str | None = None
    span_id: int | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    ref: int | None = None


class QueueItem(Strict):
    """One row of an annotator's queue, cheap to page from SQLite."""

    position: int
    doc_id: str
    title: str
    length: int
    status: Status
    spans: int


@dataclass
class NewDocument:
    """A document on its way in, with the spans that came with it (from an importer)."""

    text: str
    id: str | None = None
    source: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    spans: list[tuple[str, int, int, str]] = field(default_factory=list)
    """`(layer, start, end, label)`; checked again by the store."""
    origins: dict[int, str] = field(default_factory=dict)
    """index in `spans` -> the suggestion source that span was accepted from (native JSONL)"""
    line: int | None = None
    """Where the reader found it, so that errors can point there."""
    relations: list[tuple[int, int, str]] = field(default_factory=list)
    """`(head, child, label)`, head and child indexing `spans` (both of one layer);
    checked again by the store."""


@dataclass
class ImportCounts:
    """What one import stored: new documents, documents already there, new spans and
    relations."""

    documents: int = 0
    skipped: int = 0
    spans: int = 0
    relations: int = 0
