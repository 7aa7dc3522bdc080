"""`annotator merge OTHER.db`: bring a copy of the project (a laptop's) back into this one.

Size: one planner whose rules below are read and checked together (the layer rule uses
the event and span translations); split by part, each rule would lose its context.

Planning only, no I/O: the store reads both project files into `Snapshot`s, `plan_merge`
decides, and the store writes the `MergePlan` in one transaction (a failed merge changes
nothing). The rules:

1. **Schemes.** Identical scheme texts merge. Otherwise every label and relation of the
   other scheme must exist here, and a scheme that forbids overlap here refuses one that
   allows it; the error names them, and nothing is written.
2. **Documents** match by content hash. A document new here arrives as it is (id, source,
   meta, title, creation time); an id that names another text here refuses the merge.
3. **Events** keep their identity across copies (`uid`, migration 3). Every event of the
   other file not yet here is appended in the other's order, its document, referenced
   event and span ids translated to this project's; an event already here is never
   copied again, so merging twice changes nothing.
4. **Spans and relations, per (document, layer)**. The layer's *history* is what undo
   and redo replay: its span and relation actions, undos and redos. The common prefix of
   the two histories is where the copies diverged; a side *changed* the layer when its
   spans or relations now differ from those at that point (labelling and undoing it
   again is no change). Relations are compared by what they link (both spans' offsets
   and labels), and belong to their layer: they come and go with it
   (`annotator.merge_links`).
   - Nothing new from the other side: keep this layer.
   - Only the other side changed: take its spans (a fast forward).
   - Only this side changed, or both ended with the same spans: keep this layer.
   - Both changed (the same annotator edited the same document in both copies): the side
     whose latest edit is later wins the layer (a tie keeps this one). The conflict is
     reported, and recorded in the log with the dropped side's events.
   Edits are never blended: the kept layer is one side's work as it was left. Spans (and
   relations) read from a file carry no events, so no history can speak for them: those
   only one side holds join the kept layer whichever side wins (with no edits at all, a
   plain union); such a relation joins when both its spans are in the kept layer.
5. **Undo stays exact.** When the layer's history here would no longer be "what was here,
   then the copied events" (a conflict, or one side's edits dropped), a `merge.layer`
   event records the history to replay from then on: the kept side's events in order.
   The dropped side's events stay in the log (their uids listed in that record), outside
   the history. Undo in the merged project then steps back exactly as on the copy whose
   work was kept.
6. **Assignments**: union. Status (and finish time) come from the side whose latest status
   change is later; assigned and started take the earlier time; seconds take the larger
   figure, never a sum, so a second merge cannot count the same work twice (two copies
   timing one document keep the larger share).
7. **Annotators**: union. A merge that changes anything ends with one `merge` event
   (source and counts); a merge that changes nothing writes nothing.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator import merge_links
from annotator.errors import SchemeConflictError, StoreError
from annotator.merge_records import (
    ACTOR,
    LAYER_MARK,
    SUMMARY,
    AssignmentRow,
    Conflict,
    Content,
    EventRow,
    Key,
    MergePlan,
    MergeReport,
    RelationRec,
    Snapshot,
    SpanRec,
    State,
    effective_history,
)
from annotator.models import HISTORY_ACTIONS, MOTION_KEYS, EventAction
from annotator.scheme import parse_scheme

__all__ = ["HISTORY_ACTIONS", "check_schemes", "effective_history", "plan_merge"]


def check_schemes(here_text: str, other_text: str, other_name: str) -> None:
    """Refuse a scheme whose spans or relations could not live here (SchemeConflictError)."""
    if here_text == other_text:
        return
    here = parse_scheme(here_text, "this project's scheme", kept_keys=MOTION_KEYS)
    other = parse_scheme(other_text, f"{other_name} (stored scheme)", kept_keys=MOTION_KEYS)
    missing = [name for name in other.label_names if name not in here.label_names]
    if missing:
        raise SchemeConflictError(
            f"{other_name}: its scheme {other.qualified_name} has labels this project's "
            f"{here.qualified_name} lacks: {', '.join(missing)}; nothing was merged "
            "(add them here first with `annotator schema migrate`)"
        )
    missing = [name for name in other.relation_names if name not in here.relation_names]
    if missing:
        raise SchemeConflictError(
            f"{other_name}: its scheme {other.qualified_name} has relations this project's "
            f"{here.qualified_name} lacks: {', '.join(missing)}; nothing was merged "
            "(add them here first with `annotator schema migrate`)"
        )
    if other.allow_overlap and not here.allow_overlap:
        raise SchemeConflictError(
            f"{other_name}: its scheme {other.qualified_name} allows overlapping spans and "
            f"{here.qualified_name} forbids them; nothing was merged"
        )


def _load(text: str | None) -> dict[str, Any] | None:
    return json.loads(text) if text else None


def _ids(event: EventRow) -> tuple[int | None, int | None, int | None]:
    before, after = _load(event.before), _load(event.after)
    return (
        event.span_id,
        None if before is None else before.get("id"),
        None if after is None else after.get("id"),
    )


def _state(spans: dict[int, SpanRec]) -> State:
    return {span.id: (span.start, span.end, span.label) for span in spans.values()}


def _rewind(state: State, events: Sequence[EventRow]) -> State:
    """The spans before `events` (the latest last): each event moved one span from its
    `before` to its `after` state, undos and redos included."""
    out = dict(state)
    for event in reversed(events):
        before = _load(event.before)
        span_id = event.span_id if event.span_id is not None else _ids(event)[2]
        if span_id is None:
            continue
        if before is None:
            out.pop(span_id, None)
        else:
            out[span_id] = (before["start"], before["end"], before["label"])
    return out


def _overlapping(spans: Sequence[Content]) -> bool:
    reach = -1
    for start, end, _label in sorted(spans):
        if start < reach:
            return True
        reach = max(reach, end)
    return False


class _SpanIds:
    """Span (or relation) ids of one layer of the other file -> ids here: one to one,
    fresh when new."""

    def __init__(self, fresh: Callable[[], int]) -> None:
        self.here: dict[int, int] = {}
        self.taken: set[int] = set()
        self._fresh = fresh

    def pair(self, theirs: int | None, mine: int | None) -> None:
        if theirs is None or mine is None or theirs in self.here or mine in self.taken:
            return
        self.here[theirs] = mine
        self.taken.add(mine)

    def match(self, theirs: dict[int, Any], mine: dict[int, Any]) -> None:
        """Pair ids that nothing else paired by what they are (imported spans carry no
        events, and new spans of one file are not in the other); relations alike."""
        free = {content: span_id for span_id, content in mine.items() if span_id not in self.taken}
        for span_id, content in sorted(theirs.items()):
            if span_id not in self.here and content in free:
                self.pair(span_id, free.pop(content))

    def __call__(self, theirs: int) -> int:
        if theirs not in self.here:
            self.pair(theirs, self._fresh())
        return self.here[theirs]


@dataclass
class _Layer:
    """One (document, layer) as both files have it, and what the merge decided."""

    key: Key
    mine: list[EventRow]
    theirs: list[EventRow]
    here: dict[int, SpanRec]
    there: dict[int, SpanRec]
    take: bool = False
    """the other's spans replace this layer's (else this layer stays)"""
    extra: list[SpanRec] = field(default_factory=list)
    """event-less spans of the losing side that join the kept layer (ids of their file)"""
    history: list[int] = field(default_factory=list)
    """ids here of the history undo should replay after the merge"""
    dropped: list[str] = field(default_factory=list)
    conflict: Conflict | None = None
    ids: _SpanIds | None = None
    copied: list[EventRow] = field(default_factory=list)
    here_links: dict[int, RelationRec] = field(default_factory=dict)
    there_links: dict[int, RelationRec] = field(default_factory=dict)
    links: _SpanIds | None = None
    """relation ids of the other file -> ids here (set with `ids`)"""
    extra_links: list[tuple[merge_links.LinkContent, RelationRec]] = field(default_factory=list)
    """event-less relations of the losing side, with what they link"""


class _Planner:
    def __init__(self, here: Snapshot, other: Snapshot, stamp: str, new_uid: Callable[[], str]):
        self.here, self.other, self.stamp, self.new_uid = here, other, stamp, new_uid
        self.plan = MergePlan(MergeReport(source=other.name))
        self.known = {event.uid: event for event in here.events}
        self.next_event = max(here.event_sequence, 0) + 1
        self.next_span = here.span_sequence + 1
        self.next_relation = here.relation_sequence + 1
        self.doc_map: dict[int, int] = {}
        self.doc_ids = {doc.seq: doc.id for doc in here.documents}
        self.event_map: dict[int, int] = {}
        self.overlap_allowed = parse_scheme(
            here.scheme_text, "this project's scheme", kept_keys=MOTION_KEYS
        ).allow_overlap

    def fresh_span(self) -> int:
        self.next_span += 1
        return self.next_span - 1

    def fresh_relation(self) -> int:
        self.next_relation += 1
        return self.next_relation - 1

    def documents(self) -> None:
        by_hash = {doc.text_hash: doc.seq for doc in self.here.documents}
        taken_ids = {doc.id for doc in self.here.documents}
        next_seq = max((doc.seq for doc in self.here.documents), default=0) + 1
        for doc in self.other.documents:
            seq = by_hash.get(doc.text_hash)
            if seq is None:
                if doc.id in taken_ids:
                    raise StoreError(
                        f"{self.other.name}: document id {doc.id!r} names another text in "
                        "this project; nothing was merged"
                    )
                seq, next_seq = next_seq, next_seq + 1
                self.plan.documents.append(doc._replace(seq=seq))
                self.doc_ids[seq] = doc.id
                taken_ids.add(doc.id)
            self.doc_map[doc.seq] = seq
        self.plan.report.documents_added = len(self.plan.documents)

    def annotators(self) -> None:
        for name, created in sorted(self.other.annotators.items()):
            if name not in self.here.annotators:
                self.plan.annotators.append((name, created))
        self.plan.report.annotators_added = len(self.plan.annotators)

    def layers(self) -> dict[Key, _Layer]:
        for event in self.other.events:
            mine = self.known.get(event.uid)
            if mine is not None:
                self.event_map[event.id] = mine.id
            else:
                self.event_map[event.id] = self.next_event
                self.next_event += 1
        mine_by_key: dict[Key, list[EventRow]] = defaultdict(list)
        for event in self.here.events:
            if event.doc is not None and event.layer is not None:
                mine_by_key[(event.doc, event.layer)].append(event)
        theirs_by_key: dict[Key, list[EventRow]] = defaultdict(list)
        for event in self.other.events:
            if event.doc is not None and event.layer is not None:
                theirs_by_key[(self.doc_map[event.doc], event.layer)].append(event)
        there_by_key = {
            (self.doc_map[doc], layer): spans for (doc, layer), spans in self.other.spans.items()
        }
        there_links = {
            (self.doc_map[doc], layer): found
            for (doc, layer), found in self.other.relations.items()
        }
        layers: dict[Key, _Layer] = {}
        for key in sorted(theirs_by_key.keys() | there_by_key.keys()):
            layer = _Layer(
                key,
                mine_by_key.get(key, []),
                theirs_by_key.get(key, []),
                self.here.spans.get(key, {}),
                there_by_key.get(key, {}),
                here_links=self.here.relations.get(key, {}),
                there_links=there_links.get(key, {}),
            )
            self.decide(layer)
            layers[key] = layer
        return layers

    def decide(self, layer: _Layer) -> None:
        """Rule 4 of the module docstring, for one (document, layer)."""
        known = self.known
        unknown = any(e.uid not in known and e.action in HISTORY_ACTIONS for e in layer.theirs)
        eff_mine = [e for e in effective_history(layer.mine) if e.action in HISTORY_ACTIONS]
        layer.history = [e.id for e in eff_mine]
        here_state, there_state = _state(layer.here), _state(layer.there)
        here_content, there_content = set(here_state.values()), set(there_state.values())
        here_links = merge_links.links_of(layer.here_links)
        there_links = merge_links.links_of(layer.there_links)
        here_linked = set(merge_links.contents(here_state, here_links).values())
        there_linked = set(merge_links.contents(there_state, there_links).values())
        if not unknown and there_content <= here_content and there_linked <= here_linked:
            return  # the common case of a merge: nothing here to do
        eff_theirs = [e for e in effective_history(layer.theirs) if e.action in HISTORY_ACTIONS]
        common = 0
        for a, b in zip(eff_mine, eff_theirs, strict=False):
            if a.uid != b.uid:
                break
            common += 1
        mine_after, theirs_after = eff_mine[common:], eff_theirs[common:]
        fork_here, fork_there = _rewind(here_state, mine_after), _rewind(there_state, theirs_after)
        layer.ids = self.span_ids(layer, fork_there, fork_here)
        fork_links = (
            merge_links.contents(fork_here, merge_links.rewind_links(here_links, mine_after)),
            merge_links.contents(fork_there, merge_links.rewind_links(there_links, theirs_after)),
        )
        layer.links = self.relation_ids(layer, fork_links[1], fork_links[0])
        forks_linked = set(fork_links[0].values()), set(fork_links[1].values())
        take = False
        if unknown:
            mine_changed = (here_content, here_linked) != (set(fork_here.values()), forks_linked[0])
            theirs_changed = (there_content, there_linked) != (
                set(fork_there.values()),
                forks_linked[1],
            )
            take = theirs_changed and (
                not mine_changed or (here_content, here_linked) != (there_content, there_linked)
            )
            if take and mine_changed:
                take = self.conflict(layer, mine_after, theirs_after, here_content, there_content)
        # Spans in one fork only came without events (read from a file): they join the
        # kept layer whichever side wins. When no history moved, that is a plain union.
        forks = set(fork_here.values()), set(fork_there.values())
        if take:
            layer.take = True
            layer.history = layer.history[:common] + [self.event_map[e.id] for e in theirs_after]
            layer.dropped = [e.uid for e in mine_after]
            alone = forks[0] - forks[1] - there_content
            layer.extra = [s for s in layer.here.values() if s[1:4] in alone]
            self.check_overlap(layer, there_state)
            loose = forks_linked[0] - forks_linked[1] - there_linked
            linked_here = merge_links.contents(here_state, here_links)
            layer.extra_links = [
                (linked_here[r.id], r)
                for r in layer.here_links.values()
                if linked_here[r.id] in loose
            ]
        else:
            layer.dropped = [e.uid for e in theirs_after]
            alone = forks[1] - forks[0] - here_content
            layer.extra = [s for s in layer.there.values() if s[1:4] in alone]
            self.check_overlap(layer, here_state)
            loose = forks_linked[1] - forks_linked[0] - here_linked
            linked_there = merge_links.contents(there_state, there_links)
            layer.extra_links = [
                (linked_there[r.id], r)
                for r in layer.there_links.values()
                if linked_there[r.id] in loose
            ]

    def conflict(
        self,
        layer: _Layer,
        mine_after: list[EventRow],
        theirs_after: list[EventRow],
        here_content: set[Content],
        there_content: set[Content],
    ) -> bool:
        """Both sides changed the layer: the later last edit wins (a tie keeps this one).

        Returns whether the other side wins; records the conflict for the report and log.
        """
        mine_last = max(e.ts for e in mine_after)
        theirs_last = max(e.ts for e in theirs_after)
        take = theirs_last > mine_last
        names = (self.other.name, "this project")
        layer.conflict = Conflict(
            doc_id=self.doc_ids[layer.key[0]],
            layer=layer.key[1],
            kept=names[0] if take else names[1],
            dropped=names[1] if take else names[0],
            kept_last_edit=max(theirs_last, mine_last),
            dropped_last_edit=min(theirs_last, mine_last),
            kept_spans=len(there_content if take else here_content),
            dropped_spans=len(here_content if take else there_content),
            dropped_events=len(mine_after if take else theirs_after),
        )
        return take

    def check_overlap(self, layer: _Layer, kept: State) -> None:
        """Under a scheme without overlap, event-less extras that would overlap stay out."""
        if not self.overlap_allowed and _overlapping(
            [*kept.values(), *(s[1:4] for s in layer.extra)]
        ):
            layer.extra = []

    def relation_ids(
        self, layer: _Layer, there: dict[int, merge_links.LinkContent], here: dict[int, Any]
    ) -> _SpanIds:
        """Pair relation ids by the events both files hold, then by what they link."""
        ids = _SpanIds(self.fresh_relation)
        for event in layer.theirs:
            mine = self.known.get(event.uid)
            if mine is not None and event.action in HISTORY_ACTIONS:
                for theirs_id, mine_id in zip(
                    merge_links.relation_ids_of(event),
                    merge_links.relation_ids_of(mine),
                    strict=False,
                ):
                    ids.pair(theirs_id, mine_id)
        ids.match(there, here)
        return ids

    def span_ids(self, layer: _Layer, there: State, here: State) -> _SpanIds:
        """Pair span ids by the events both files hold, then by content at the fork."""
        ids = _SpanIds(self.fresh_span)
        for event in layer.theirs:
            mine = self.known.get(event.uid)
            if mine is not None and event.action in HISTORY_ACTIONS:
                for theirs_id, mine_id in zip(_ids(event), _ids(mine), strict=True):
                    ids.pair(theirs_id, mine_id)
        ids.match(there, here)
        return ids

    def events(self, layers: dict[Key, _Layer]) -> None:
        """Copy every event not yet here, in the other file's order, ids translated."""
        for event in self.other.events:
            if event.uid in self.known:
                continue
            doc = None if event.doc is None else self.doc_map[event.doc]
            layer = None if doc is None or event.layer is None else layers.get((doc, event.layer))
            span_id, before, after = event.span_id, event.before, event.after
            if layer is not None and event.action in HISTORY_ACTIONS:
                # a layer with new history events has its ids
                assert layer.ids is not None and layer.links is not None
                span_id = None if span_id is None else layer.ids(span_id)
                before = merge_links.translated(before, layer.ids, layer.links)
                after = merge_links.translated(after, layer.ids, layer.links)
            elif event.action == LAYER_MARK and after:
                record = json.loads(after)
                record["history"] = [self.event_map[i] for i in record["history"]]
                after = json.dumps(record, ensure_ascii=False)
            copied = event._replace(
                id=self.event_map[event.id],
                doc=doc,
                span_id=span_id,
                before=before,
                after=after,
                ref=None if event.ref is None else self.event_map[event.ref],
            )
            self.plan.events.append(copied)
            if layer is not None:
                layer.copied.append(copied)
        self.plan.report.events_copied = len(self.plan.events)

    def spans(self, layers: dict[Key, _Layer]) -> None:
        """Rows that turn each layer into what was decided; a changed span is re-added."""
        report = self.plan.report
        for key, layer in layers.items():
            if not layer.take and not layer.extra and not layer.extra_links:
                continue
            assert layer.ids is not None
            ids = layer.ids
            if layer.take:
                report.layers_taken += 1
                final = {ids(span.id): span for span in layer.there.values()}
                final |= {span.id: span for span in layer.extra if span.id not in final}
            else:
                final = dict(layer.here)
                final |= {ids(span.id): span for span in layer.extra}
            for span in layer.here.values():
                if span.id not in final or final[span.id][1:4] != span[1:4]:
                    self.plan.span_deletes.append(span.id)
            for span_id, span in final.items():
                current = layer.here.get(span_id)
                if current is None or current[1:4] != span[1:4]:
                    self.plan.span_inserts.append((span_id, key[0], key[1], span))
            before = {span[1:4] for span in layer.here.values()}
            after = {span[1:4] for span in final.values()}
            for counts, changed in (
                (report.spans_added, len(after - before)),
                (report.spans_removed, len(before - after)),
            ):
                if changed:
                    counts[key[1]] = counts.get(key[1], 0) + changed
            self.relations(key, layer, {span_id: span[1:4] for span_id, span in final.items()})

    def relations(self, key: Key, layer: _Layer, spans: State) -> None:
        """A rewritten layer's relations: all it had here go first (before their spans
        change), the kept side's and the joining ones are written after its spans."""
        assert layer.ids is not None and layer.links is not None
        ids, links = layer.ids, layer.links
        if layer.take:
            kept = [
                (links(r.id), r._replace(id=links(r.id), head=ids(r.head), child=ids(r.child)))
                for r in layer.there_links.values()
            ]
        else:
            kept = [(r.id, r) for r in layer.here_links.values()]
        final = merge_links.final_relations(kept, layer.extra_links, spans, self.fresh_relation)
        self.plan.relation_deletes += list(layer.here_links)
        self.plan.relation_inserts += [(rid, *key, r) for rid, r in final.items()]
        here_links = merge_links.links_of(layer.here_links)
        before = set(merge_links.contents(_state(layer.here), here_links).values())
        after = set(merge_links.contents(spans, merge_links.links_of(final)).values())
        report = self.plan.report
        for counts, changed in (
            (report.relations_added, len(after - before)),
            (report.relations_removed, len(before - after)),
        ):
            if changed:
                counts[key[1]] = counts.get(key[1], 0) + changed

    def marks(self, layers: dict[Key, _Layer]) -> None:
        """Rule 5: record the history to replay where the default would be wrong."""
        for key, layer in layers.items():
            if not layer.copied and not layer.take:
                continue
            default = [
                e.id
                for e in effective_history([*layer.mine, *layer.copied])
                if e.action in HISTORY_ACTIONS
            ]
            if default == layer.history and layer.conflict is None:
                continue
            record: dict[str, Any] = {
                "source": self.other.name,
                "history": layer.history,
                "dropped": layer.dropped,
            }
            if layer.conflict is not None:
                record["conflict"] = {
                    "kept": layer.conflict.kept,
                    "kept_last_edit": layer.conflict.kept_last_edit,
                    "dropped_last_edit": layer.conflict.dropped_last_edit,
                }
                self.plan.report.conflicts.append(layer.conflict)
            self.plan.events.append(
                self.event(LAYER_MARK, key[0], key[1], json.dumps(record, ensure_ascii=False))
            )

    def event(
        self, action: EventAction, doc: int | None, layer: str | None, after: str
    ) -> EventRow:
        event_id, self.next_event = self.next_event, self.next_event + 1
        return EventRow(
            event_id, action, None, after, None, None, self.new_uid(), self.stamp, ACTOR, doc, layer
        )

    def assignments(self) -> None:
        report = self.plan.report
        mine_status = _latest_status(self.here.events, lambda seq: seq)
        theirs_status = _latest_status(self.other.events, self.doc_map.__getitem__)
        for (other_seq, annotator), theirs in sorted(self.other.assignments.items()):
            key = (self.doc_map[other_seq], annotator)
            mine = self.here.assignments.get(key)
            if mine is None:
                self.plan.assignment_inserts.append((*key, theirs))
                report.assignments_added += 1
                continue
            latest_mine, latest_theirs = mine_status.get(key), theirs_status.get(key)
            winner = mine
            if latest_theirs is not None and (latest_mine is None or latest_theirs > latest_mine):
                winner = theirs
            merged = AssignmentRow(
                status=winner.status,
                assigned=min(mine.assigned, theirs.assigned),
                started=_earliest(mine.started, theirs.started),
                finished=winner.finished,
                seconds=max(mine.seconds, theirs.seconds),
            )
            if merged != mine:
                self.plan.assignment_updates.append((*key, merged))
                report.assignments_updated += 1


def _earliest(a: str | None, b: str | None) -> str | None:
    return min(a, b) if a is not None and b is not None else a or b


def _latest_status(
    events: Sequence[EventRow], doc_of: Callable[[int], int]
) -> dict[Key, tuple[str, str]]:
    """(document, annotator) -> (time, uid) of the latest status change."""
    latest: dict[Key, tuple[str, str]] = {}
    for event in events:
        if event.action == EventAction.STATUS and event.doc is not None and event.layer is not None:
            key = (doc_of(event.doc), event.layer)
            latest[key] = max(latest.get(key, ("", "")), (event.ts, event.uid))
    return latest


def plan_merge(
    here: Snapshot, other: Snapshot, *, stamp: str, new_uid: Callable[[], str]
) -> MergePlan:
    """Decide what merging `other` into `here` writes (see the module docstring).

    Args:
        here: this project, read inside the merge's write transaction.
        other: the project file being merged in.
        stamp: the time of the merge, for the events it writes itself.
        new_uid: a source of fresh event uids.

    Returns:
        The rows to write (nothing at all when the merge would change nothing) and the
        report of what they do.
    """
    check_schemes(here.scheme_text, other.scheme_text, other.name)
    planner = _Planner(here, other, stamp, new_uid)
    planner.documents()
    planner.annotators()
    layers = planner.layers()
    planner.events(layers)
    planner.spans(layers)
    planner.marks(layers)
    planner.assignments()
    plan = planner.plan
    if planner.next_span - 1 > here.span_sequence:
        plan.span_sequence = planner.next_span - 1
    if planner.next_relation - 1 > here.relation_sequence:
        plan.relation_sequence = planner.next_relation - 1
    report = plan.report
    if report.changed:
        summary = {
            "source": other.name,
            "documents": report.documents_added,
            "events": report.events_copied,
            "layers_taken": report.layers_taken,
            "conflicts": len(report.conflicts),
        }
        plan.events.append(
            planner.event(SUMMARY, None, None, json.dumps(summary, ensure_ascii=False))
        )
    return plan
