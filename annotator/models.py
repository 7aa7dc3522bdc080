"""Pydantic models shared by every layer: schemes, documents, spans, relations,
assignments, events.

Offsets are Python code points, half-open `[start, end)`, everywhere inside the program;
formats that count otherwise convert explicitly in `annotator.offsets`. Models validate
strictly (`extra="forbid"`) because they are the edge where files and users meet the store.

Size: this is the one vocabulary every layer imports; kept whole, any shape is found
here, and a scheme's rules (labels, relations, keys) read together with the spans and
relations they govern. The shapes that need no validation (span keys, rows, statuses,
event actions, name rules) live in `annotator.shapes`, importable without pydantic, and
are re-exported here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from annotator.shapes import (
    EVENT_ACTIONS as EVENT_ACTIONS,
    GOLD as GOLD,
    HISTORY_ACTIONS as HISTORY_ACTIONS,
    MOTION_KEYS as MOTION_KEYS,
    RELATION_ACTIONS as RELATION_ACTIONS,
    RESERVED_KEYS as RESERVED_KEYS,
    SPAN_ACTIONS as SPAN_ACTIONS,
    UNDOABLE_ACTIONS as UNDOABLE_ACTIONS,
    EventAction as EventAction,
    Extent as Extent,
    RelationRow as RelationRow,
    SpanKey as SpanKey,
    SpanRow as SpanRow,
    Status as Status,
    check_annotator as check_annotator,
    check_name as check_name,
    qualified_name as qualified_name,
    reading_order as reading_order,
)

_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class Strict(BaseModel):
    """Base for every model: unknown fields are errors, not silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


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
        return qualified_name(self.name, self.version)


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
