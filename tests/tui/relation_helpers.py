"""What the relation tests share: spans on the seed article, the rows to assert, keys."""

from __future__ import annotations

from textual import events
from textual.pilot import Pilot
from tui_helpers import workbench

from annotator.models import GOLD
from annotator.store import Store
from annotator.tui.screens.editing import EditingScreen
from annotator.tui.widgets.relation_list import RelationList
from annotator.tui.widgets.relation_panel import RelationPanel

# alice's spans on the seed article, in reading order.
SPANS = [
    ("According to him", "attribution"),
    ("United Nations Security Council members", "guarantor"),
    ("Reuters reported", "attribution"),
    ("cede the eastern Donbas region", "demand"),
    ("stay out of NATO", "demand"),
]

# A scheme where two relations fit an attribution and a demand (`says`, `echoes`), and
# `echoes` runs both ways (so it can be reversed).
ECHOES = """
[[relations]]
name = "echoes"
key = "e"
color = "#f69d50"
definition = "One span repeats what the other says."
heads = ["attribution", "demand"]
children = ["attribution", "demand"]
"""

CHARACTERS = {"space": " ", "greater_than_sign": ">"}


def add_spans(store: Store, doc_id: str, layer: str = "alice") -> dict[str, int]:
    """`SPANS` in `layer`; their ids by text."""
    text = store.document(doc_id).text
    ids = {}
    for covered, label in SPANS:
        start = text.index(covered)
        ids[covered] = store.add_span(doc_id, layer, start, start + len(covered), label).id or 0
    return ids


def links(store: Store, doc_id: str, layer: str = "alice") -> list[tuple[str, str, str]]:
    """The relations of a layer as `(head text, relation, child text)`, in the order made."""
    text = store.document(doc_id).text
    spans = {span.id: text[span.start : span.end] for span in store.spans(doc_id, layer)}
    return [(spans[r.head], r.label, spans[r.child]) for r in store.relations(doc_id, layer)]


def gold_spans(store: Store, doc_id: str) -> list[tuple[str, str]]:
    text = store.document(doc_id).text
    return [(text[s.start : s.end], s.label) for s in store.spans(doc_id, GOLD)]


def key_event(key: str) -> events.Key:
    """The event a terminal's keystroke becomes (the driver's, not the pilot's)."""
    return events.Key(key, CHARACTERS.get(key, key if len(key) == 1 else None))


async def bunched(pilot: Pilot[None], *keys: str) -> None:
    """Send every key at once, as keys arrive over SSH, then let the app work them off."""
    for key in keys:
        pilot.app.post_message(key_event(key))
    await pilot.pause()
    await pilot.pause()


def editing(pilot: Pilot[None]) -> EditingScreen[object]:
    screen = workbench(pilot).screen
    assert isinstance(screen, EditingScreen), screen
    return screen


def status(pilot: Pilot[None]) -> str:
    return str(editing(pilot).query_one("#status").render())


def panel(pilot: Pilot[None]) -> list[str]:
    """The side panel's relation lines as drawn."""
    found = editing(pilot).query_one(RelationPanel)
    return [found.render_line(y).text.rstrip() for y in range(found.size.height)]


def list_rows(pilot: Pilot[None]) -> list[str]:
    """The relation list as drawn (its screen on top)."""
    listing = workbench(pilot).screen.query_one(RelationList)
    return [listing.render_line(y).text.rstrip() for y in range(listing.count)]


def focused_text(pilot: Pilot[None]) -> str | None:
    view = editing(pilot).view
    span = view.focused
    return None if span is None else view.text[span.start : span.end]
