"""What the suggestion tests share: suggestions on the seed article, keys sent bunched."""

from __future__ import annotations

from textual import events
from textual.pilot import Pilot
from tui_helpers import document_view, workbench

from annotator.store import Store
from annotator.suggest import Proposal, Source
from annotator.tui.widgets.document_view import DocumentView

QUOTE = (
    "“And the guarantors would be guaranteeing the security of Ukraine, which must be "
    "neutral, which must be non-aligned with any military bloc and which must be "
    "non-nuclear,”"
)
# In reading order: (text, label, source, score, model)
SUGGESTED = [
    ("According to him", "attribution", Source.PATTERNS, 1.0, ""),
    ("Reuters reported", "attribution", Source.LEXICON, 0.75, ""),
    ("Lavrov said", "attribution", Source.PATTERNS, 1.0, ""),
    (QUOTE, "quote", Source.PATTERNS, 1.0, ""),
    ("Germany and Turkey", "guarantor", Source.MODEL, 0.83, "v1"),
]

CHARACTERS = {
    "greater_than_sign": ">",
    "less_than_sign": "<",
    "number_sign": "#",
    "space": " ",
    "comma": ",",
}


def place(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def suggest(store: Store, doc_id: str) -> str:
    """Store `SUGGESTED` for the document (one replace per source); returns its text."""
    text = store.document(doc_id).text
    by_source: dict[Source, list[Proposal]] = {}
    for phrase, label, source, score, model in SUGGESTED:
        by_source.setdefault(source, []).append(
            Proposal(*place(text, phrase), label, source, score, model)
        )
    for source, proposals in by_source.items():
        store.suggestions.replace(doc_id, source, proposals)
    return text


def key_event(key: str) -> events.Key:
    """The event a terminal's keystroke becomes (the driver's, not the pilot's)."""
    return events.Key(key, CHARACTERS.get(key, key if len(key) == 1 else None))


async def bunched(pilot: Pilot[None], *keys: str) -> None:
    """Send every key at once, as keys arrive over SSH, then let the app work them off."""
    for key in keys:
        pilot.app.post_message(key_event(key))
    await pilot.pause()
    await pilot.pause()


async def settled(pilot: Pilot[None]) -> None:
    """Wait for the workers (the suggestions read when a document opens) and the repaint."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def open_suggested(pilot: Pilot[None], doc_id: str) -> DocumentView:
    """Open a document and wait until its suggestions are drawn."""
    workbench(pilot).open_document(doc_id)
    await pilot.pause()
    await settled(pilot)
    return document_view(workbench(pilot))


def ghosts(view: DocumentView) -> list[tuple[str, str]]:
    """The suggestions drawn, as (text, label), in reading order."""
    return [(view.text[g.start : g.end], g.label) for g in view.ghosts.spans]


def status(view: DocumentView) -> str:
    return str(view.screen.query_one("#status").render())
