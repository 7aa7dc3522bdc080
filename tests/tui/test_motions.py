"""Motions that land on boundaries, and keys that arrive bunched, through the real app."""

from __future__ import annotations

from textual import events
from textual.pilot import Pilot

from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from tests.tui.tui_helpers import SIZE, annotate_screen, drawn_rows, layer, open_doc

CHARACTERS = {
    "slash": "/",
    "space": " ",
    "comma": ",",
    "full_stop": ".",
    "quotation_mark": '"',
}


def key_event(key: str) -> events.Key:
    """The event a terminal's keystroke becomes (the driver's, not the pilot's)."""
    character = CHARACTERS.get(key, key if len(key) == 1 else None)
    return events.Key(key, character)


async def bunched(pilot: Pilot[None], *keys: str) -> None:
    """Send every key at once, as keys arrive over SSH, then let the app work them off.

    The pilot's `press` waits for the app to be idle after each key; a terminal does not.
    """
    for key in keys:
        pilot.app.post_message(key_event(key))
    await pilot.pause()
    await pilot.pause()


def selected(app: AnnotatorApp) -> str | None:
    view = annotate_screen(app).view
    selection = view.selection
    return None if selection is None else view.text[selection.start : selection.end]


async def test_keys_right_behind_a_search_go_to_the_text_in_order(
    app: AnnotatorApp, project: Store, seed_id: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(pilot, seed_id)
        await bunched(pilot, "slash", *"give", "enter", *["shift+right"] * 3, "d")
        assert layer(project, seed_id) == [(543, 566, "demand", "give up NATO membership")]
        # The query is what was typed, nothing after Enter went into it.
        assert annotate_screen(app).last_query == "give"
        # A whole span in one burst, then on to the next document and a span there.
        await bunched(pilot, "slash", *"cede", "enter", "F", "comma", "d", "s", "shift+right", "o")
        cede = project.document(seed_id).text.index("cede")
        assert (cede, cede + 30, "demand", "cede the eastern Donbas region") in layer(
            project, seed_id
        )
        second = project.queue("alice")[1].doc_id
        assert annotate_screen(app).doc_id == second
        first_word = layer(project, second)
        assert len(first_word) == 1 and first_word[0][0] == 0 and first_word[0][2] == "opinion"


async def test_a_search_reuses_the_last_query_until_a_key_replaces_it(
    app: AnnotatorApp, project: Store, seed_id: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        view = await open_doc(pilot, seed_id)
        await pilot.press("/", *"ukraine", "enter")
        first = view.selection
        await pilot.press("/", "enter")  # the offered query, again: the next match
        assert first is not None and view.selection is not None
        assert view.selection.start > first.start and selected(app) == "Ukraine"
        await pilot.press("/", *"nato", "backspace", "o", "enter")
        assert selected(app) == "NATO"
        await pilot.press("/", *"zzz", "escape")
        assert selected(app) is None  # back where the search started


async def test_jump_hints_select_a_word_then_stretch_the_selection(
    app: AnnotatorApp, project: Store, seed_id: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        view = await open_doc(pilot, seed_id)
        await pilot.press("space")
        hints = dict(view.hints)
        assert hints and all(1 <= len(tag) <= 2 for tag in hints.values())
        assert hints[0] == "a"  # the word under the cursor gets the shortest tag
        assert drawn_rows(view)[0][3:4] == "a"  # drawn over the word
        target = view.text.index("Ukraine")
        tag = hints[target]
        await pilot.press(*tag)
        assert not view.hints and selected(app) == "Ukraine"
        await pilot.press("space")
        await pilot.press(*view.hints[view.text.index("guarantees")])
        assert selected(app) == "Ukraine with guarantees"
        # Before the selection: its start moves there; inside it: the moving edge does.
        await pilot.press("space")
        await pilot.press(*view.hints[view.text.index("neutral")])
        assert selected(app) == "neutral Ukraine with guarantees"
        await pilot.press("space")
        await pilot.press(*view.hints[view.text.index("Ukraine")])
        assert selected(app) == "Ukraine with guarantees"
        # Esc leaves the hints and nothing moves; an unknown tag does the same.
        await pilot.press("space", "escape")
        assert not view.hints and selected(app) == "Ukraine with guarantees"
        await pilot.press("space", "8")
        assert not view.hints and selected(app) == "Ukraine with guarantees"


async def test_jump_hints_in_one_burst_make_a_span(
    app: AnnotatorApp, project: Store, seed_id: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        view = await open_doc(pilot, seed_id)
        await pilot.press("space")
        start_tag = view.hints[view.text.index("Kyiv")]
        await pilot.press("escape")
        await bunched(pilot, "space", *start_tag, "F", "full_stop", "d", "shift+right", "o")
        kyiv = view.text.index("Kyiv")
        demand = "Kyiv must abandon ambitions of joining the Western alliance"
        assert layer(project, seed_id)[0] == (kyiv, kyiv + len(demand), "demand", demand)
        # The cursor went on to the next word, where the next key began the next span.
        assert layer(project, seed_id)[1][2:] == ("opinion", "In")


async def test_find_a_character_through_it_or_up_to_it_with_a_count(
    app: AnnotatorApp, project: Store, seed_id: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(pilot, seed_id)
        await pilot.press("F", "comma")
        assert selected(app) == "Lavrov rejects NATO path"
        await pilot.press("escape", "ctrl+home", "f", "comma")
        assert selected(app) == "Lavrov rejects NATO path,"
        await pilot.press("escape", "ctrl+home", "number_sign", "2", "F", "comma")
        assert (
            selected(app) == "Lavrov rejects NATO path, calls for neutral Ukraine with guarantees"
        )
        await pilot.press("escape", "f", "%")
        assert "No '%' ahead" in str(annotate_screen(app).query_one("#status").render())


async def test_text_objects_quote_sentence_clause(
    app: AnnotatorApp, project: Store, seed_id: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        view = await open_doc(pilot, seed_id)
        view.move_to(view.text.index("guarantors would"))
        await pilot.press("quotation_mark")
        assert selected(app) is not None and selected(app).startswith("“And the guarantors")
        assert selected(app).endswith("non-nuclear,”")
        await pilot.press("t")  # the quote label, on exactly that
        assert layer(project, seed_id) == [(1144, 1314, "quote", view.text[1144:1314])]
        view.move_to(view.text.index("guarantors would"))
        await pilot.press("apostrophe")
        assert selected(app) is not None and selected(app).startswith("And the guarantors")
        assert selected(app).endswith("non-nuclear,")
        view.move_to(view.text.index("Donbas"))
        await pilot.press("right_parenthesis")
        assert selected(app) is not None and selected(app).startswith("Reuters reported")
        assert selected(app).endswith("permanent neutrality.")
        await pilot.press("escape")
        view.move_to(view.text.index("NATO, and"))
        await pilot.press("comma")
        assert selected(app) == "stay out of NATO"
        await pilot.press("comma")  # again: one more clause
        assert selected(app) == "stay out of NATO, and accept permanent neutrality"
        await pilot.press("escape")
        view.move_to(view.text.index("Donbas"))
        await pilot.press("number_sign", "2", "comma")
        assert selected(app) == (
            "Reuters reported that President Vladimir Putin wants Ukraine to cede the eastern "
            "Donbas region, stay out of NATO"
        )


async def test_counts_repeat_moves_and_edge_steps_and_digits_still_label(
    app: AnnotatorApp, project: Store, seed_id: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        view = await open_doc(pilot, seed_id)
        await pilot.press("number_sign", "3", "shift+right")
        assert selected(app) == "Lavrov rejects NATO"
        status = str(annotate_screen(app).query_one("#status").render())
        assert "count" not in status
        await pilot.press("1")  # a digit with no # before it is still a label
        assert layer(project, seed_id) == [(0, 19, "demand", "Lavrov rejects NATO")]
        await pilot.press("shift+tab", "number_sign", "2", "}")
        assert layer(project, seed_id) == [(0, 25, "demand", "Lavrov rejects NATO path,")]
        await pilot.press("number_sign", "1", "2", "right")
        assert view.cursor == view.tokens.starts[12]
        # A count a key does not use is dropped, not kept for the next motion.
        await pilot.press("number_sign", "5", "escape", "shift+right")
        assert selected(app) is not None and len(selected(app).split()) == 1


async def test_motions_move_a_span_edge_while_its_extent_is_edited(
    app: AnnotatorApp, project: Store, seed_id: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        view = await open_doc(pilot, seed_id)
        await pilot.press("shift+right", "a", "shift+tab", "enter")  # edit "Lavrov"
        assert view.editing is not None
        await pilot.press("F", "comma", "enter")
        assert layer(project, seed_id) == [(0, 24, "attribution", "Lavrov rejects NATO path")]
        # The cursor on the start: the start is the edge a jump inside the span moves.
        await pilot.press("shift+tab", "enter", "space")
        await pilot.press(*view.hints[view.text.index("NATO")], "enter")
        assert layer(project, seed_id) == [(15, 24, "attribution", "NATO path")]
