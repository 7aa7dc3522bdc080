"""Relations in the review: candidates shown like span candidates (who made them, how the
annotators differ, whether gold has them), accepted into gold with their spans, linked
into gold with the keyboard; rows asserted in the store and on screen."""

from __future__ import annotations

from typing import Any

from relation_helpers import add_spans, bunched, gold_spans, links, list_rows, panel
from review_helpers import finish, focus_item, key_of, review_screen, settle
from textual.pilot import Pilot
from tui_helpers import SIZE

from annotator.models import GOLD
from annotator.store import Store
from annotator.tui import make_app

REPORTED, CEDE, STAY = "Reuters reported", "cede the eastern Donbas region", "stay out of NATO"


def disputed(store: Store, doc_id: str) -> None:
    """ann1 and ann2 both link the attribution to `cede`; only ann1 links it to `stay`."""
    for name in ("ann1", "ann2"):
        ids = add_spans(store, doc_id, name)
        store.add_relation(ids[REPORTED], ids[CEDE], "says", name)
        if name == "ann1":
            store.add_relation(ids[REPORTED], ids[STAY], "says", name)
    finish(store, doc_id, "ann1", "ann2")


async def test_relation_candidates_are_listed_and_accepted_into_gold_with_their_spans(
    project: Store, seed_id: str
) -> None:
    disputed(project, seed_id)
    async with make_app(project, "lead", review=True).run_test(size=(150, 40)) as pilot:
        await settle(pilot)
        screen = review_screen(pilot.app)  # type: ignore[arg-type]
        await focus_item(pilot, key_of(project, seed_id, REPORTED, "attribution"))
        first, second = (" ".join(line.split()) for line in panel(pilot)[:2])
        assert first.startswith("says → demand ⟨cede the ") and first.endswith(" · ann1,ann2")
        assert second == "says → demand ⟨stay out of NATO⟩ · ann1"
        await pilot.press("R")
        assert [" ".join(row.split()) for row in list_rows(pilot)] == [
            "· ● all agree ann1,ann2 attribution ⟨Reuters reported⟩ says → demand "
            "⟨cede the eastern Donbas region⟩",
            "· ◐ only some ann1 attribution ⟨Reuters reported⟩ says → demand ⟨stay out of NATO⟩",
        ]
        await pilot.press("a")
        assert gold_spans(project, seed_id) == [(REPORTED, "attribution"), (CEDE, "demand")]
        assert links(project, seed_id, GOLD) == [(REPORTED, "says", CEDE)]
        assert list_rows(pilot)[0].split()[0] == "✓"
        await pilot.press("down", "a")
        assert gold_spans(project, seed_id)[-1] == (STAY, "demand")
        assert links(project, seed_id, GOLD) == [(REPORTED, "says", CEDE), (REPORTED, "says", STAY)]
        # The lead is the actor of every gold event.
        assert {event.actor for event in project.events(seed_id, GOLD)} == {"lead"}
        # Back in the review: the candidates the spans came with are now in gold too.
        await pilot.press("escape")
        doc = screen.doc
        assert doc is not None
        assert [item.label for item in doc.gold()] == ["attribution", "demand", "demand"]
        # Undo takes back the relation, then the span it brought.
        await pilot.press("u")
        assert links(project, seed_id, GOLD) == [(REPORTED, "says", CEDE)]
        await pilot.press("u")
        assert STAY not in [covered for covered, _label in gold_spans(project, seed_id)]


async def test_linking_two_candidates_puts_both_into_gold_with_the_relation(
    project: Store, seed_id: str
) -> None:
    disputed(project, seed_id)
    async with make_app(project, "lead", review=True).run_test(size=(150, 40)) as pilot:
        await settle(pilot)
        await focus_item(pilot, key_of(project, seed_id, REPORTED, "attribution"))
        # `a` accepts a candidate in the review, but while linking it is the `says` key.
        await bunched(pilot, "L", "tab", "tab", "a")
        assert gold_spans(project, seed_id) == [(REPORTED, "attribution"), (STAY, "demand")]
        assert links(project, seed_id, GOLD) == [(REPORTED, "says", STAY)]
        assert " ".join(panel(pilot)[0].split()) == (
            "← says attribution ⟨Reuters reported⟩ ✓ gold ann1"
        )


def test_review_screen_with_relation_candidates(
    snap_compare: Any, project: Store, seed_id: str
) -> None:
    """The review at 120x36 with the relation candidates listed (R), one taken into gold:
    who made each, how they differ, which is in gold; the panel and status line beside."""
    disputed(project, seed_id)

    async def one_relation_accepted(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await focus_item(pilot, key_of(project, seed_id, REPORTED, "attribution"))
        await pilot.press("R", "a")
        await settle(pilot)
        assert links(project, seed_id, GOLD) == [(REPORTED, "says", CEDE)]
        assert list_rows(pilot)[0].split()[0] == "✓"

    app = make_app(project, "lead", review=True)
    assert snap_compare(app, terminal_size=SIZE, run_before=one_relation_accepted)
