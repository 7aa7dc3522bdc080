"""Every suggestion key through the real app, keys sent bunched, rows asserted in the store.

The seed article carries five stored suggestions (`suggestion_helpers.SUGGESTED`): three
attributions (two from patterns, one from the lexicon), a quote (patterns) and a
guarantor (a model). Accepting, rejecting and accepting all are read back from the
project: the spans of alice's layer, their origin, and the decisions in the log.
"""

from __future__ import annotations

import pytest
from suggestion_helpers import (
    QUOTE,
    SUGGESTED,
    bunched,
    ghosts,
    open_suggested,
    place,
    settled,
    status,
    suggest,
)
from tui_helpers import SIZE, drawn_rows, layer, style_at

from annotator.models import EventAction
from annotator.store import Store
from annotator.tui.app import AnnotatorApp

ALL = [(text, label) for text, label, *_ in SUGGESTED]


@pytest.fixture
def text(project: Store, seed_id: str) -> str:
    return suggest(project, seed_id)


def selected(view: object) -> str | None:
    selection = view.selection  # type: ignore[attr-defined]
    return None if selection is None else view.text[selection.start : selection.end]  # type: ignore[attr-defined]


def decisions(store: Store, doc_id: str) -> list[tuple[str, bool | None]]:
    """The suggestion decisions logged, with whether each accept was edited."""
    found = []
    for event in store.events(doc_id):
        if event.action in (EventAction.SUGGESTION_ACCEPT, EventAction.SUGGESTION_REJECT):
            after = event.after or {}
            found.append((str(event.action), after.get("edited")))
    return found


async def test_ghosts_are_drawn_apart_from_spans_and_the_status_line_names_source_and_score(
    app: AnnotatorApp, project: Store, seed_id: str, text: str
) -> None:
    project.add_span(seed_id, "alice", *place(text, "Sergei Lavrov"), "guarantor")
    async with app.run_test(size=SIZE) as pilot:
        view = await open_suggested(pilot, seed_id)
        assert ghosts(view) == ALL
        # A ghost: italic, in its label's colour, no background; a span: a background.
        ghost = style_at(view, text.index("According"))
        span = style_at(view, text.index("Sergei"))
        assert ghost.italic and ghost.bgcolor == style_at(view, text.index("a group")).bgcolor
        assert ghost.color is not None and ghost.color.triplet is not None
        assert ghost.color.triplet.hex == view.label_colors["attribution"]
        assert not span.italic and span.bgcolor != ghost.bgcolor
        # The gutter: `?` on a row with a suggestion, the span's key on its own row.
        rows = drawn_rows(view)
        according = next(row for row in rows if "According to him" in row)
        sergei = next(row for row in rows if "Sergei Lavrov" in row)
        assert according.startswith("?  ") and sergei.startswith("g  ")
        # On a suggestion: what it proposes, its source and score, the keys.
        view.move_to(text.index("According"))
        await pilot.pause()
        line = status(view)
        assert "suggested attribution ⟨According to him⟩  patterns 1.00" in line
        view.move_to(text.index("Lavrov said"))  # short: the keys fit as well
        await pilot.pause()
        assert "⟨Lavrov said⟩  patterns 1.00  Y accepts · N rejects" in status(view)
        view.move_to(text.index("Turkey could"))
        await pilot.pause()
        assert "suggested guarantor" in status(view) and "model v1 0.83" in status(view)
        view.move_to(text.index("Reuters"))
        await pilot.pause()
        assert "lexicon 0.75" in status(view)


async def test_next_and_previous_select_in_reading_order_wrap_and_count(
    app: AnnotatorApp, seed_id: str, text: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        view = await open_suggested(pilot, seed_id)
        await bunched(pilot, "greater_than_sign")
        assert selected(view) == "According to him"
        await bunched(pilot, "greater_than_sign", "greater_than_sign")
        assert selected(view) == "Lavrov said"
        await bunched(pilot, "less_than_sign")
        assert selected(view) == "Reuters reported"
        await bunched(pilot, "number_sign", "3", "greater_than_sign")
        assert selected(view) == "Germany and Turkey"
        await bunched(pilot, "greater_than_sign")  # past the last: back to the first
        assert selected(view) == "According to him"
        assert "Back to the first suggestion" in status(view)
        await bunched(pilot, "less_than_sign")
        assert selected(view) == "Germany and Turkey"
        # From the cursor: the next one starting at or after it.
        view.move_to(text.index("Lavrov told"))
        await bunched(pilot, "greater_than_sign")
        assert selected(view) == QUOTE


async def test_accept_writes_the_span_with_its_origin_and_the_ghost_goes(
    app: AnnotatorApp, project: Store, seed_id: str, text: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        view = await open_suggested(pilot, seed_id)
        await bunched(pilot, "greater_than_sign", "Y", "greater_than_sign", "Y")
        assert layer(project, seed_id) == [
            (*place(text, "According to him"), "attribution", "According to him"),
            (*place(text, "Reuters reported"), "attribution", "Reuters reported"),
        ]
        origins = [span.origin for span in project.spans(seed_id, "alice")]
        assert origins == ["patterns", "lexicon"]
        assert decisions(project, seed_id) == [("suggestion.accept", False)] * 2
        assert ghosts(view) == ALL[2:]
        # An accepted suggestion is a span like any other: drawn with its tint, Tab finds it.
        assert style_at(view, text.index("According")).bgcolor is not None
        # Y on the cursor's suggestion, no > needed.
        view.move_to(text.index("Turkey could"))
        await bunched(pilot, "Y")
        assert layer(project, seed_id)[-1][2:] == ("guarantor", "Germany and Turkey")
        assert project.spans(seed_id, "alice")[-1].origin == "model"
        await bunched(pilot, "Y")  # nothing under the cursor any more
        assert "No suggestion here" in status(view)
        assert len(layer(project, seed_id)) == 3


async def test_a_label_key_accepts_the_selected_suggestion_as_that_label(
    app: AnnotatorApp, project: Store, seed_id: str, text: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        view = await open_suggested(pilot, seed_id)
        await bunched(pilot, "greater_than_sign", "o", "greater_than_sign", "a")
        assert layer(project, seed_id) == [
            (*place(text, "According to him"), "opinion", "According to him"),
            (*place(text, "Reuters reported"), "attribution", "Reuters reported"),
        ]
        assert [s.origin for s in project.spans(seed_id, "alice")] == ["patterns", "lexicon"]
        # Another label is an edit; the same label is the suggestion as it is.
        assert decisions(project, seed_id) == [
            ("suggestion.accept", True),
            ("suggestion.accept", False),
        ]
        assert ghosts(view) == ALL[2:]
        # Without a suggestion selected, a label key labels as always (the token here).
        view.move_to(text.index("Sunday"))
        await bunched(pilot, "d")
        assert layer(project, seed_id)[0][2:] == ("demand", "Sunday")
        assert project.spans(seed_id, "alice")[0].origin is None


async def test_once_its_selection_is_gone_a_suggestion_is_let_go(
    app: AnnotatorApp, project: Store, seed_id: str, text: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        view = await open_suggested(pilot, seed_id)
        # Esc ends the selection > made; a new one over part of it is the person's own.
        await bunched(pilot, "greater_than_sign", "escape", "shift+right", "d")
        assert layer(project, seed_id) == [(*place(text, "him"), "demand", "him")]
        assert project.spans(seed_id, "alice")[0].origin is None
        assert decisions(project, seed_id) == []
        assert ghosts(view) == ALL


async def test_edges_corrected_before_accepting_are_kept_and_the_accept_says_edited(
    app: AnnotatorApp, project: Store, seed_id: str, text: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        view = await open_suggested(pilot, seed_id)
        # The third suggestion, "Lavrov said", grown by two tokens: "Lavrov said these demands".
        await bunched(pilot, "number_sign", "3", "greater_than_sign", "shift+right", "shift+right")
        assert selected(view) == "Lavrov said these demands"
        assert "edges moved" in status(view)
        await bunched(pilot, "Y")
        start, _ = place(text, "Lavrov said")
        assert layer(project, seed_id) == [
            (start, start + 25, "attribution", "Lavrov said these demands")
        ]
        assert project.spans(seed_id, "alice")[0].origin == "patterns"
        assert decisions(project, seed_id) == [("suggestion.accept", True)]
        assert ("Lavrov said", "attribution") not in ghosts(view)
        # Reopened, the suggestion stays decided: the span it became is still there.
        await bunched(pilot, "n", "p")
        await settled(pilot)
        assert ("Lavrov said", "attribution") not in ghosts(view)
        assert len(ghosts(view)) == 4


async def test_undo_takes_an_accept_back_and_the_suggestion_returns(
    app: AnnotatorApp, project: Store, seed_id: str, text: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        view = await open_suggested(pilot, seed_id)
        await bunched(pilot, "greater_than_sign", "shift+left", "Y", "u")
        assert layer(project, seed_id) == []
        assert ghosts(view) == ALL
        await bunched(pilot, "r")
        assert layer(project, seed_id)[0][2:] == ("attribution", "According to")
        assert ghosts(view) == ALL[1:]


async def test_a_rejected_suggestion_does_not_come_back_even_after_reopening(
    app: AnnotatorApp, project: Store, seed_id: str, text: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        view = await open_suggested(pilot, seed_id)
        await bunched(pilot, "greater_than_sign", "greater_than_sign", "N", "greater_than_sign")
        assert layer(project, seed_id) == []
        assert decisions(project, seed_id) == [("suggestion.reject", None)]
        assert ghosts(view) == [ALL[0], *ALL[2:]]
        assert selected(view) == "Lavrov said"  # > went on from where the rejected one was
        # N on the suggestion under the cursor, no selection needed.
        view.move_to(text.index("Turkey could"))
        await bunched(pilot, "N")
        assert ghosts(view) == [ALL[0], ALL[2], ALL[3]]
        await bunched(pilot, "n", "p")
        await settled(pilot)
        assert ghosts(view) == [ALL[0], ALL[2], ALL[3]]
    shown = project.suggestions.for_annotator(seed_id, "alice")
    assert (*place(text, "Reuters reported"), "attribution") not in [s[1:4] for s in shown]
    # Another person still gets it.
    assert len(project.suggestions.for_annotator(seed_id, "bob")) == 5


async def test_accept_all_asks_first_and_any_other_key_keeps_nothing(
    app: AnnotatorApp, project: Store, seed_id: str, text: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        view = await open_suggested(pilot, seed_id)
        await bunched(pilot, "ctrl+y")
        assert "Accept all 5 suggestions left here?" in status(view)
        await bunched(pilot, "right", "ctrl+y")
        assert layer(project, seed_id) == []
        assert "Accept all 5 suggestions left here?" in status(view)
        await bunched(pilot, "ctrl+y")
        assert layer(project, seed_id) == sorted(
            (*place(text, phrase), label, phrase) for phrase, label, *_ in SUGGESTED
        )
        origins = {span.origin for span in project.spans(seed_id, "alice")}
        assert origins == {"patterns", "lexicon", "model"}
        assert ghosts(view) == []
        assert "accepted 5 suggestions" in status(view)
        # Each accept is its own undo step.
        await bunched(pilot, "u")
        assert len(layer(project, seed_id)) == 4
        assert len(ghosts(view)) == 1


async def test_ctrl_g_hides_and_shows_the_suggestions(
    app: AnnotatorApp, project: Store, seed_id: str, text: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        view = await open_suggested(pilot, seed_id)
        await bunched(pilot, "ctrl+g")
        assert ghosts(view) == []
        assert not any(row.startswith("?") for row in drawn_rows(view))
        assert not style_at(view, text.index("According")).italic
        await bunched(pilot, "greater_than_sign", "Y")
        assert selected(view) is None and layer(project, seed_id) == []
        assert "Suggestions are hidden: ctrl+g shows them" in status(view)
        # Hidden in the next document too (a setting of the run), until shown again.
        await bunched(pilot, "n", "p")
        await settled(pilot)
        assert ghosts(view) == []
        await bunched(pilot, "ctrl+g")
        assert ghosts(view) == ALL
        assert any(row.startswith("?") for row in drawn_rows(view))


async def test_blind_overlap_hides_them_on_a_shared_document(
    app: AnnotatorApp, project: Store, seed_id: str, text: str
) -> None:
    project.suggestions.set_blind_overlap(True)
    project.assign_many([(seed_id, "alice"), (seed_id, "bob")])
    async with app.run_test(size=SIZE) as pilot:
        view = await open_suggested(pilot, seed_id)
        assert ghosts(view) == []
        await bunched(pilot, "greater_than_sign")
        assert "shared to measure agreement" in status(view)
        assert selected(view) is None


async def test_a_whole_session_in_one_burst(
    app: AnnotatorApp, project: Store, seed_id: str, text: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_suggested(pilot, seed_id)
        # accept; another label; reject; grow by a token and accept; accept the last.
        keys = ["greater_than_sign", "Y", "greater_than_sign", "o", "greater_than_sign", "N"]
        keys += ["greater_than_sign", "shift+left", "Y", "greater_than_sign", "Y"]
        await bunched(pilot, *keys)
        quote_start, quote_end = place(text, QUOTE)
        assert layer(project, seed_id) == [
            (*place(text, "According to him"), "attribution", "According to him"),
            (*place(text, "Reuters reported"), "opinion", "Reuters reported"),
            (quote_start, quote_end - 1, "quote", QUOTE[:-1]),  # without its closing mark
            (*place(text, "Germany and Turkey"), "guarantor", "Germany and Turkey"),
        ]
        assert [d[1] for d in decisions(project, seed_id)] == [False, True, None, True, False]
