"""Keys per span: the shortest way the workbench offers to make each reference span.

    python bench/keys_per_span.py [--size 120x36] [--show] [--suggestions [patterns|model]]

For each span of two reference annotations (the seed article's hand annotation, 21 spans,
and bench/data/second-annotation.json, a second article written for this bench), in
reading order and from where the previous span left the cursor, a cost-ordered search over
the workbench's documented motions finds the shortest key sequence that selects exactly
that span; the label key ends it. The motions (arrows, shift+arrows, search, jump hints,
f/F, text objects, #counts, Esc) are modelled with the same pure functions the app calls
(`annotator.tui.cursor`, `text_objects`, `hints`, `text_search`), and the whole plan is
then replayed key by key through the real app (`App.run_test()`) on a fresh project: the
stored rows must equal the reference exactly, or the bench fails. Vertical moves are left
out (they depend on the layout), so the figures are an upper bound of what the app allows.

Baseline, in the same run: the same search with only the keys of version 0.1 (arrows,
shift+arrows, search, Esc) and its behaviour after a label (the selection stayed).

`--suggestions`: the documents also carry the suggestions of the scheme's default pattern
file (stored by the patterns source, as `annotator suggest` stores them), and the search
may use the suggestion keys as well: `>`/`<` (with counts) select the next or previous
one, `Y` accepts the one in play, a label key accepts a selected one as that label (over
the selection, edges corrected by motions first), `N` rejects one. The suggestions a
plan leaves on screen are modelled too (accepted ones and ones equal to a made span
leave, rejected ones leave), and checked against the app's after every span; the stored
rows must still equal the reference, and the keys without suggestions are printed beside.
`--suggestions model`: instead, each document's suggestions come from a spancat model
trained (`annotator train`, default steps) on the other annotated document alone, its
paragraphs as documents and its reference spans as gold: what a team gets from the model
after labelling one article.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import json
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from annotator.store import Store

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotator.suggest import Suggestion  # noqa: E402
from annotator.tokenize import TokenIndex  # noqa: E402
from annotator.tui import cursor as moves  # noqa: E402
from annotator.tui.cursor import Selection  # noqa: E402
from annotator.tui.hints import OPENERS, assign_hints, hint_targets  # noqa: E402
from annotator.tui.span_index import SpanIndex  # noqa: E402
from annotator.tui.text_layout import TextLayout  # noqa: E402
from annotator.tui.text_objects import around  # noqa: E402
from annotator.tui.text_search import find_matches, match_from  # noqa: E402
from annotator.tui.widgets.document_canvas import SCROLL_MARGIN  # noqa: E402

SEED_TEXT = ROOT / "corpus" / "01-lavrov-neutral-ukraine.txt"
SEED_SPANS = ROOT / "bench" / "data" / "seed-annotation.json"
SECOND = ROOT / "bench" / "data" / "second-annotation.json"
MAX_COST = 16
BASELINE_MAX_COST = 80
OBJECT_KEYS = {"quote": '"', "inner": "'", "sentence": ")", "clause": ","}
FIVE = [
    ("attribution", "Reuters reported"),
    ("demand", "cede the eastern Donbas region"),
    ("quote", "“And the guarantors"),
    ("guarantor", "Germany and Turkey"),
    ("opinion", "critics say"),
]
"""The five spans the issue measured by hand (58 keys): label and how the text begins."""


@dataclass(frozen=True)
class State:
    cursor: int
    selection: Selection | None
    top: int = 0
    """The first row on screen (the view scrolls to keep the caret in sight)."""
    active: int | None = None
    """The suggestion selected with > or < (kept while there is a selection)."""
    remaining: frozenset[int] = frozenset()
    """The suggestions still shown (ids)."""

    @property
    def caret(self) -> int:
        return self.selection.caret if self.selection else self.cursor


@dataclass(frozen=True)
class Reference:
    start: int
    end: int
    label: str


class Model:
    """The workbench's keys as moves from state to state, for one document."""

    def __init__(self, text: str, layout: TextLayout, height: int, modern: bool) -> None:
        self.text = text
        self.tokens = TokenIndex(text)
        self.layout = layout
        self.height = height
        self.modern = modern

    def scrolled(self, cursor: int, selection: Selection | None, top: int) -> State:
        """The state after a move, scrolled as the view scrolls (`_scroll_to_caret`)."""
        caret = selection.caret if selection else cursor
        row, height = self.layout.row_of(caret), self.height
        margin = SCROLL_MARGIN if height > 3 * SCROLL_MARGIN else 0
        if row < top + margin:
            top = max(row - margin, 0)
        elif row >= top + height - margin:
            top = row - height + margin + 1
        top = max(min(top, self.layout.row_count - height), 0)
        return State(cursor, selection, top)

    def visible(self, state: State) -> tuple[int, int]:
        bottom = min(state.top + self.height, self.layout.row_count) - 1
        return self.layout.row_range(state.top)[0], self.layout.row_range(bottom)[1]

    def target(self, state: State) -> tuple[int, int] | None:
        if state.selection is not None:
            return state.selection.start, state.selection.end
        index = self.tokens.token_at(state.cursor)
        if index is None:
            return None
        return self.tokens.starts[index], self.tokens.ends[index]

    def finish(self, state: State, goal: Reference, label_key: str) -> str | None:
        """The key that makes `goal` from `state` (the label key on the target), if any."""
        return label_key if self.target(state) == (goal.start, goal.end) else None

    def after(self, state: State, goal: Reference, key: str) -> State:
        """Where things stand once `key` made `goal`."""
        return self.after_label(state, goal)

    def after_label(self, state: State, span: Reference) -> State:
        """Where the cursor is once the label key made `span`."""
        if not self.modern:
            return state  # version 0.1: the selection stayed
        tokens, text = self.tokens, self.text
        found = tokens.next_start(span.end - 1) if span.end else 0
        while found is not None and not (text[found].isalnum() or text[found] in OPENERS):
            following = tokens.next_start(found)
            if following is None:
                break
            found = following
        return self.scrolled(span.end if found is None else found, None, state.top)

    # ------------------------------------------------------------ single keys

    def move(self, state: State, step: int) -> State:
        tokens, selection, cursor = self.tokens, state.selection, state.cursor
        if selection is not None:
            if step < 0:
                target = tokens.snap_edge(selection.start, right=False)
            else:
                found = tokens.next_start(selection.end - 1)
                target = found if found is not None else selection.start
            return self.scrolled(target, None, state.top)
        found = tokens.next_start(cursor) if step > 0 else tokens.previous_start(cursor)
        return self.scrolled(cursor if found is None else found, None, state.top)

    def extend(self, state: State, step: int) -> State:
        selection = moves.extend(self.tokens, state.selection, state.cursor, step)
        kept = selection if selection.start < selection.end else None
        return self.scrolled(selection.head, kept, state.top)

    def clear(self, state: State) -> State:
        if state.selection is None:
            return state
        found = moves.token_range(self.tokens, state.selection.caret, -1)
        return self.scrolled(found[0] if found else state.selection.caret, None, state.top)

    # ------------------------------------------------------------------ moves

    def successors(self, state: State, goal: Reference) -> Iterator[tuple[tuple[str, ...], State]]:
        """Every documented key sequence worth trying from `state` towards `goal`."""
        yield ("right",), self.move(state, 1)
        yield ("left",), self.move(state, -1)
        yield ("shift+right",), self.extend(state, 1)
        yield ("shift+left",), self.extend(state, -1)
        if state.selection is not None:
            yield ("escape",), self.clear(state)
        yield from self._searches(state, goal)
        if not self.modern:
            return
        repeated, moved = self.extend(state, 1), self.move(state, 1)
        for count in range(2, 40):
            repeated, moved = self.extend(repeated, 1), self.move(moved, 1)
            yield ("#", *str(count), "shift+right"), repeated
            yield ("#", *str(count), "right"), moved
        yield from self._hints(state, goal)
        yield from self._finds(state, goal)
        for kind, key in OBJECT_KEYS.items():
            extent = self.target(state) or (state.cursor, state.cursor)
            for count in (1, 2, 3):
                found = around(self.text, extent, kind, count)
                if found is not None:
                    keys = (key,) if count == 1 else ("#", str(count), key)
                    yield keys, self.scrolled(found[1], Selection.of(*found), state.top)

    def _searches(self, state: State, goal: Reference) -> Iterator[tuple[tuple[str, ...], State]]:
        for length in range(1, 9):
            query = self.text[goal.start : goal.start + length]
            if not query or "\n" in query:
                return
            matches = find_matches(self.text, query)
            start, end = matches[match_from(matches, state.cursor, 1)]
            yield ("/", *query, "enter"), self.scrolled(end, Selection.of(start, end), state.top)

    def _hints(self, state: State, goal: Reference) -> Iterator[tuple[tuple[str, ...], State]]:
        targets = hint_targets(self.text, self.tokens, *self.visible(state), state.caret)
        for tag, offset in assign_hints(targets).items():
            if goal.start <= offset < goal.end:
                selection = moves.jump(self.tokens, state.selection, offset)
                yield (" ", *tag), self.scrolled(selection.head, selection, state.top)

    def _finds(self, state: State, goal: Reference) -> Iterator[tuple[tuple[str, ...], State]]:
        selection = state.selection or token_selection(self, state)
        origin = selection.head
        window = self.text[origin : goal.end + 2]
        for char in sorted(set(window) - {"\n"}):
            for through in (True, False):
                for count in range(1, 4):
                    found = moves.find(self.text, selection, char, through, count)
                    if found is None:
                        break
                    key = "f" if through else "F"
                    keys = (key, char) if count == 1 else ("#", str(count), key, char)
                    yield keys, self.scrolled(found.head, found, state.top)


class SuggestingModel(Model):
    """The workbench's keys and its suggestion keys, over one document's suggestions.

    What is shown, what is in play and where `>` goes are computed as the app does
    (`SpanIndex.following`, the innermost suggestion at the caret), from the same rules.
    """

    def __init__(
        self, text: str, layout: TextLayout, height: int, suggestions: list[Suggestion]
    ) -> None:
        super().__init__(text, layout, height, True)
        self.suggestions = {suggestion.id: suggestion for suggestion in suggestions}
        self._ghosts: dict[frozenset[int], SpanIndex] = {}

    def ghosts(self, remaining: frozenset[int]) -> SpanIndex:
        found = self._ghosts.get(remaining)
        if found is None:
            found = self._ghosts[remaining] = SpanIndex(self.suggestions[i] for i in remaining)
        return found

    def selected(self, state: State) -> Suggestion | None:
        """The suggestion selected with > or <, while the selection still overlaps it."""
        if state.active is None or state.selection is None or state.active not in state.remaining:
            return None
        found, selection = self.suggestions[state.active], state.selection
        return found if selection.start < found.end and found.start < selection.end else None

    def in_play(self, state: State) -> tuple[Suggestion, int, int] | None:
        """What `Y` and `N` act on, and over which extent."""
        found = self.selected(state)
        if found is not None and state.selection is not None:
            return found, state.selection.start, state.selection.end
        if state.selection is not None:
            return None
        here = self.ghosts(state.remaining).at(state.caret)
        if not here:
            return None
        ghost = self.suggestions[here[0].id or 0]
        return ghost, ghost.start, ghost.end

    def successors(self, state: State, goal: Reference) -> Iterator[tuple[tuple[str, ...], State]]:
        for keys, following in super().successors(state, goal):
            # A selection keeps the suggestion it came from; without one, it is let go.
            kept = state.active if following.selection is not None else None
            yield keys, replace(following, active=kept, remaining=state.remaining)
        ghosts = self.ghosts(state.remaining)
        if not ghosts.spans:
            return
        selected = self.selected(state)
        for step, key in ((1, ">"), (-1, "<")):
            current = selected.id if selected is not None else None
            for count in range(1, 10):
                found = ghosts.following(current, state.caret, step)
                if found is None:
                    found = ghosts.spans[0 if step > 0 else -1]
                current = found.id
                keys = (key,) if count == 1 else ("#", str(count), key)
                moved = self.scrolled(found.end, Selection.of(found.start, found.end), state.top)
                yield keys, replace(moved, active=found.id, remaining=state.remaining)
        play = self.in_play(state)
        if play is not None:
            rejected = play[0]
            if state.selection is not None:
                base = self.scrolled(rejected.start, None, state.top)
            else:
                base = state
            yield ("N",), replace(base, active=None, remaining=state.remaining - {rejected.id})

    def finish(self, state: State, goal: Reference, label_key: str) -> str | None:
        play = self.in_play(state)
        if play is not None and (play[1], play[2], play[0].label) == key_of(goal):
            return "Y"  # the label key would do the same: Y says it is accepted
        return super().finish(state, goal, label_key)

    def after(self, state: State, goal: Reference, key: str) -> State:
        """The span made; gone from the screen: what it accepted, and any equal to it."""
        play = self.in_play(state)
        accepted = play[0] if key == "Y" and play is not None else self.selected(state)
        gone = {
            number for number in state.remaining if self.suggestions[number][1:4] == key_of(goal)
        }
        if accepted is not None:
            gone.add(accepted.id)
        made = self.after_label(state, goal)
        return replace(made, active=None, remaining=state.remaining - gone)


def key_of(goal: Reference) -> tuple[int, int, str]:
    return goal.start, goal.end, goal.label


def plan(
    model: Model, start: State, goal: Reference, label_key: str, max_cost: int = MAX_COST
) -> tuple[tuple[str, ...], State]:
    """The cheapest key sequence from `start` that makes exactly `goal`, its last key
    included (the label key, or `Y` on a suggestion); and the state it leaves."""
    frontier: list[tuple[int, int, State, tuple[str, ...]]] = [(0, 0, start, ())]
    seen: dict[State, int] = {start: 0}
    tie = 0
    while frontier:
        cost, _, state, keys = heapq.heappop(frontier)
        final = model.finish(state, goal, label_key)
        if final is not None:
            return (*keys, final), model.after(state, goal, final)
        if cost >= max_cost:
            continue
        for more, following in model.successors(state, goal):
            total = cost + len(more)
            if seen.get(following, max_cost + 1) <= total:
                continue
            seen[following] = total
            tie += 1
            heapq.heappush(frontier, (total, tie, following, keys + more))
    raise SystemExit(f"no key sequence of at most {max_cost} keys makes {goal} from {start}")


def token_selection(model: Model, state: State) -> Selection:
    """What `f`/`F` start from without a selection: the token under the cursor (the app's)."""
    target = model.target(state)
    if target is None:
        return Selection(state.cursor, state.cursor, state.cursor)
    return Selection(target[0], target[1], target[1])


# ------------------------------------------------------------------ the documents


Documents = list[tuple[str, str, list["Reference"]]]
"""(name, text, spans in reading order) of each annotated document."""


def references() -> Documents:
    """(name, text, spans in reading order) of the two annotated documents."""
    seed_text = SEED_TEXT.read_bytes().decode("utf-8-sig")
    seed = json.loads(SEED_SPANS.read_text(encoding="utf-8"))
    second = json.loads(SECOND.read_text(encoding="utf-8"))
    found = []
    for name, text, spans in (
        ("seed", seed_text, seed["spans"]),
        ("second", second["text"], second["spans"]),
    ):
        refs = [Reference(s["start"], s["end"], s["label"]) for s in spans]
        for ref, raw in zip(refs, spans, strict=True):
            if text[ref.start : ref.end] != raw["text"]:
                raise SystemExit(f"{name}: span {raw} does not match the text")
        refs.sort(key=lambda ref: (ref.start, -ref.end))
        found.append((name, text, refs))
    return found


@dataclass
class Planned:
    document: str
    span: Reference
    text: str
    keys: tuple[str, ...]
    baseline: int
    without: int = 0
    """keys without suggestions (in the suggestions run)"""
    origin: str | None = None
    """the suggestion source the stored span was accepted from (None: made by hand)"""
    suggested: bool = False
    """a suggestion proposed exactly this span"""


async def type_bunched(pilot: Pilot[None], keys: tuple[str, ...]) -> None:
    """The keys of a span all at once, with their characters, as a terminal sends them.

    (The pilot's `press` waits after each key and drops characters it cannot name, such
    as “; a terminal does neither.)
    """
    from textual import events
    from textual.keys import _character_to_key

    for key in keys:
        if len(key) == 1:
            name = key if key.isalnum() else _character_to_key(key)
            pilot.app.post_message(events.Key(name, key))
        else:
            pilot.app.post_message(events.Key(key, None))
    await pilot.pause()
    await pilot.pause()


def model_suggestions(store: Store, documents: Documents, folder: Path) -> list[str]:
    """For each document, a model trained on the other one (its paragraphs as documents,
    its reference spans as gold) proposes spans, stored as model suggestions. Returns a
    line per model: what it learnt from and its held-out score."""
    from annotator.models import NewDocument
    from annotator.project import create_project
    from annotator.store import Store, text_hash
    from annotator.suggest import Source
    from annotator.suggest.model import predict
    from annotator.suggest.training import train

    said = []
    for index, (name, text, _refs) in enumerate(documents):
        other, other_text, other_refs = documents[1 - index]
        db = folder / f"trained-on-{other}.db"
        create_project(db)
        paragraphs, offset = [], 0
        for line in other_text.split("\n"):
            spans = [
                ("gold", ref.start - offset, ref.end - offset, ref.label)
                for ref in other_refs
                if offset <= ref.start and ref.end <= offset + len(line)
            ]
            if spans:
                paragraphs.append(NewDocument(text=line, spans=spans))
            offset += len(line) + 1
        with Store.open(db) as training:
            training.import_documents(paragraphs)
        result = train(db)
        (proposals,) = predict(result.path, [text])
        labels = set(store.scheme.label_names)
        kept = [proposal for proposal in proposals if proposal.label in labels]
        store.suggestions.replace(text_hash(text), Source.MODEL, kept)
        score = result.scores[-1]
        said.append(
            f"{name}: a model trained on {other} ({len(paragraphs)} paragraphs, "
            f"{sum(len(p.spans) for p in paragraphs)} spans; held-out F {score.f:.2f}) "
            f"proposes {len(kept)} spans"
        )
    return said


async def plan_and_replay(
    size: tuple[int, int], suggestions: str | None = None, notes: list[str] | None = None
) -> list[Planned]:
    from annotator.project import create_project
    from annotator.store import NewDocument, Store, text_hash
    from annotator.suggest import Source
    from annotator.suggest.run import run
    from annotator.tui import make_app
    from annotator.tui.widgets.document_view import DocumentView

    documents = references()
    planned: list[Planned] = []
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "keys.db"
        create_project(db)
        store = Store.open(db)
        with store.transaction():
            store.import_documents([NewDocument(text=text) for _, text, _ in documents])
        if suggestions == "patterns":  # the scheme's default patterns, as `suggest` stores them
            run(store, [Source.PATTERNS], [text_hash(text) for _, text, _ in documents])
        elif suggestions == "model":
            found = model_suggestions(store, documents, Path(folder))
            if notes is not None:
                notes += found
        keys_of = {label.name: label.key for label in store.scheme.labels}
        app = make_app(store, "bench")
        async with app.run_test(size=size) as pilot:
            for name, text, refs in documents:
                doc_id = text_hash(text)
                offered = store.suggestions.for_annotator(doc_id, "bench")
                app.open_document(doc_id)
                await pilot.pause()
                await app.workers.wait_for_complete()  # the suggestions, read in a worker
                await pilot.pause()
                view = app.screen.query_one(DocumentView)
                layout = view.text_layout
                height = view.scrollable_content_region.height
                assert layout is not None
                modern = Model(text, layout, height, True)
                old = Model(text, layout, height, False)
                replayed: Model = modern
                if suggestions:
                    replayed = SuggestingModel(text, layout, height, offered)
                shown = frozenset(suggestion.id for suggestion in offered)
                state = State(0, None, remaining=shown)
                old_state = without_state = State(0, None)
                for ref in refs:
                    label_key = keys_of[ref.label]
                    keys, state = plan(replayed, state, ref, label_key)
                    old_keys, old_state = plan(old, old_state, ref, label_key, BASELINE_MAX_COST)
                    without = len(keys)
                    if suggestions:
                        without_keys, without_state = plan(modern, without_state, ref, label_key)
                        without = len(without_keys)
                    await type_bunched(pilot, keys)
                    exact = key_of(ref) in {suggestion[1:4] for suggestion in offered}
                    covered = text[ref.start : ref.end]
                    planned.append(
                        Planned(name, ref, covered, keys, len(old_keys), without, suggested=exact)
                    )
                    app_state = (view.cursor, view.selection, view.scroll_offset.y)
                    if app_state != (state.cursor, state.selection, state.top):
                        raise SystemExit(
                            f"{name}: after {' '.join(keys)!r} the app is at "
                            f"{view.cursor}/{view.selection}, the model at {state}"
                        )
                    on_screen = {ghost.id or 0 for ghost in view.ghosts.spans}
                    if suggestions and on_screen != state.remaining:
                        raise SystemExit(
                            f"{name}: after {' '.join(keys)!r} the app shows suggestions "
                            f"{sorted(on_screen)}, the model {sorted(state.remaining)}"
                        )
                rows = store.spans(doc_id, "bench")
                stored = sorted((span.start, span.end, span.label) for span in rows)
                origins = {(span.start, span.end, span.label): span.origin for span in rows}
                for made in planned:
                    if made.document == name:
                        made.origin = origins.get(key_of(made.span))
                expected = sorted((ref.start, ref.end, ref.label) for ref in refs)
                if stored != expected:
                    missing = set(expected) - set(stored)
                    extra = set(stored) - set(expected)
                    raise SystemExit(
                        f"{name}: stored rows differ: missing {missing}, extra {extra}"
                    )
        store.close()
    return planned


def shown(keys: tuple[str, ...]) -> str:
    names = {" ": "␣", "shift+right": "S-→", "shift+left": "S-←", "right": "→", "left": "←"}
    return " ".join(names.get(key, "Esc" if key == "escape" else key) for key in keys)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="120x36", help="terminal size, COLSxROWS")
    parser.add_argument("--show", action="store_true", help="print every key sequence")
    parser.add_argument(
        "--suggestions",
        nargs="?",
        const="patterns",
        choices=["patterns", "model"],
        help="suggestions on the documents (the default patterns', or a model's trained on "
        "the other document), and their keys",
    )
    args = parser.parse_args()
    width, height = (int(part) for part in args.size.split("x"))
    notes: list[str] = []
    planned = asyncio.run(plan_and_replay((width, height), args.suggestions, notes))
    for note in notes:
        print(note)
    with_suggestions = {
        None: "",
        "patterns": " with the default patterns' suggestions",
        "model": " with suggestions from a model trained on the other document",
    }[args.suggestions]
    print(f"terminal {width}x{height}{with_suggestions}; every plan replayed through the app")
    for document in ("seed", "second"):
        rows = [p for p in planned if p.document == document]
        print(f"\n{document}: {len(rows)} spans")
        for p in rows:
            excerpt = p.text if len(p.text) <= 40 else p.text[:37] + "..."
            beside = f"without: {p.without:2d}, " if args.suggestions else ""
            line = f"  {len(p.keys):2d} keys ({beside}0.1: {p.baseline:2d})  "
            line += f"{p.span.label:<11} {excerpt}"
            print(line + (f"\n      {shown(p.keys)}" if args.show else ""))
        total, base = sum(len(p.keys) for p in rows), sum(p.baseline for p in rows)
        print(
            f"  total {total} keys, {total / len(rows):.2f} per span; "
            f"0.1: {base} ({base / len(rows):.2f} per span); ratio {total / base:.2f}"
        )
        if args.suggestions:
            without = sum(p.without for p in rows)
            print(
                f"  without suggestions: {without} keys ({without / len(rows):.2f} per span); "
                f"with them {total / without:.2f} of that"
            )
            exact = sorted(len(p.keys) for p in rows if p.suggested)
            edited = sorted(len(p.keys) for p in rows if p.origin and not p.suggested)
            print(
                f"  {len(exact)} spans suggested exactly, keys each: "
                f"{' '.join(map(str, exact)) or '-'}; {len(edited)} more accepted from a "
                f"suggestion after an edit, keys each: {' '.join(map(str, edited)) or '-'}"
            )
    five = [
        next(
            p
            for p in planned
            if p.document == "seed" and p.span.label == label and p.text.startswith(prefix)
        )
        for label, prefix in FIVE
    ]
    total, base = sum(len(p.keys) for p in five), sum(p.baseline for p in five)
    print(f"\nthe five spans of the issue: {total} keys (goal <= 25; by hand in 0.1: 58)")
    for p in five:
        print(f"  {len(p.keys):2d}  {p.span.label:<11} {shown(p.keys)}")
    print(f"  0.1, planned the same way: {base}; ratio {total / base:.2f}")
    seed = [p for p in planned if p.document == "seed"]
    average = sum(len(p.keys) for p in seed) / len(seed)
    print(f"seed average {average:.2f} keys per span (goal <= 6; by hand in 0.1: 13.3)")


if __name__ == "__main__":
    main()
