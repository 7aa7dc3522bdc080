"""Suggestions beside spans, in truecolor, 256 colours and NO_COLOR.

Look at them for: ghosts (italic, in their label's colour, no background) apart from
spans (tinted backgrounds, their keys in the margin) in each terminal; `?` in the margin
of rows with a suggestion, after the span keys; a suggestion inside a span (Security
Council in the guarantor span) keeps the span's colours and is italic; the status line
naming the suggestion under the cursor, its source and score.
"""

from __future__ import annotations

from typing import Any

import pytest
from suggestion_helpers import place, settled
from terminals import annotate, in_terminal, set_terminal
from textual.pilot import Pilot

from annotator.store import Store
from annotator.suggest import Proposal, Source
from annotator.tui import make_app

GHOSTS = [
    ("Security Council", "guarantor", Source.LEXICON, 0.5),
    ("Reuters reported", "attribution", Source.PATTERNS, 1.0),
    ("Lavrov said", "attribution", Source.PATTERNS, 1.0),
    ("Germany and Turkey", "guarantor", Source.MODEL, 0.83),
]


@pytest.mark.parametrize("terminal", ["truecolor", "256", "no-color"])
def test_suggestions_beside_spans_in_every_terminal(
    snap_compare: Any,
    project: Store,
    seed_id: str,
    monkeypatch: pytest.MonkeyPatch,
    terminal: str,
) -> None:
    set_terminal(monkeypatch, terminal)
    text = annotate(project, seed_id)
    for source in Source:
        project.suggestions.replace(
            seed_id,
            source,
            [
                Proposal(*place(text, phrase), label, source, score, "v1" if model else "")
                for phrase, label, given, score in GHOSTS
                if given is source
                for model in [given is Source.MODEL]
            ],
        )

    async def on_a_model_suggestion(pilot: Pilot[Any]) -> None:
        await settled(pilot)
        view = pilot.app.screen.query_one("DocumentView")
        view.move_to(text.index("Turkey could"))  # type: ignore[attr-defined]
        await pilot.pause()

    app = in_terminal(make_app(project, "alice", open_doc=seed_id), terminal)
    assert snap_compare(app, terminal_size=(120, 36), run_before=on_a_model_suggestion)
