"""Hostile strings on every screen: drawn literally, never acted on by the terminal.

Document text, ids, titles, the scheme's definitions and examples and the project's file
name carry Rich markup, ANSI CSI and OSC sequences, BEL, NUL, C1 controls and bidi
overrides. The test reads what the compositor would send to the terminal (the strips of
the whole screen, toasts and modals included) and checks that no such character is in
it, and that markup shows as the brackets it is.
"""

from __future__ import annotations

from pathlib import Path

from tui_helpers import SIZE

from annotator.scheme import load_scheme
from annotator.store import NewDocument, Store
from annotator.tui import make_app
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.annotate import AnnotateScreen
from annotator.tui.screens.choosers import LabelChooserModal
from annotator.tui.screens.help import HelpScreen
from annotator.tui.screens.queue import QueueScreen
from annotator.tui.widgets.document_view import DocumentView

BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
TITLE = "\x1b]8;;http://x\x07link\x1b]8;;\x07 [red]title[/] \u202eevil\u202c \x00nul \x9bcsi"
BODY = "Then [bold]x[/] and [/] \x1b[31mred\x1b[0m, \x1b]0;retitled\x07, bell\x07 \u2066iso\u2069."
DOC_ID = "[bold]id[/]\x1b]0;title\x07;'--"
DEFINITION = "Escapes \\u001b[31mred\\u001b[0m and [bold]markup[/] and \\u202eevil."
EXAMPLE = "[link=http://x]click[/link] \\u0007bell \\u009bcsi"


def hostile_scheme() -> str:
    text = load_scheme()[1]
    start = text.index('definition = """A condition')
    end = text.index('"""', start + len('definition = """')) + 3
    text = text[:start] + f'definition = "{DEFINITION}"' + text[end:]
    return text.replace(
        '"Kyiv must abandon ambitions of joining the Western alliance"', f'"{EXAMPLE}"'
    )


def hostile_project(folder: Path) -> Store:
    """A project file whose very name holds an escape sequence."""
    store = Store.create(folder / "p\x1b]0;pwn\x07[b].db", hostile_scheme(), "test")
    text = f"{TITLE}\n{BODY}\n"
    with store.transaction():
        store.import_documents([NewDocument(text=text, id=DOC_ID)])
    start = text.index("[bold]x[/]")
    store.add_span(DOC_ID, "alice", start, text.index("red\x1b[0m") + 3, "demand")
    store.add_span(DOC_ID, "alice", text.index("\x1b]0;"), text.index("bell"), "quote")
    return store


def screen_rows(app: AnnotatorApp) -> list[str]:
    """Every row the compositor draws for the screen on top, exactly as sent."""
    strips = app.screen._compositor.render_strips()
    return ["".join(segment.text for segment in strip) for strip in strips]


def assert_inert(rows: list[str]) -> None:
    for number, row in enumerate(rows):
        bad = [c for c in row if ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or c in BIDI]
        assert not bad, f"row {number}: {row!r} holds {bad!r}"


async def test_queue_and_annotate_screens_draw_hostile_strings_literally(
    tmp_path: Path,
) -> None:
    store = hostile_project(tmp_path)
    app = make_app(store, "alice")
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, QueueScreen)
            rows = screen_rows(app)
            assert_inert(rows)
            joined = "\n".join(rows)
            assert "␛]8;;http://x␇link␛]8;;␇ [red]title[/] �evil� ␀nul �csi" in joined
            assert "p␛]0;pwn␇[b].db" in joined  # the project bar

            await pilot.press("enter")
            assert isinstance(app.screen, AnnotateScreen)
            view = app.screen.query_one(DocumentView)
            view.move_to(store.document(DOC_ID).text.index("[bold]x[/]"))
            await pilot.pause()
            rows = screen_rows(app)
            assert_inert(rows)
            joined = "\n".join(rows)
            assert "Then [bold]x[/] and [/] ␛[31mred␛[0m" in joined  # the text
            assert "demand ⟨[bold]x[/] and [/] ␛[31mred⟩" in joined  # the status line
            assert "␛]0;retitled␇, " in joined  # the span list
            # the guidelines (wrapped in the side panel)
            assert "Escapes ␛[31mred␛[0m and" in joined and "[bold]markup[/] and �evil." in joined
            assert "✓ [link=http://x]click[/link] ␇bell" in joined  # an example

            await pilot.press("c")  # the chooser's title quotes the span's text
            assert isinstance(app.screen, LabelChooserModal)
            rows = screen_rows(app)
            assert_inert(rows)
            assert "New label for demand ⟨[bold]x[/] and [/] ␛[31mred⟩" in "\n".join(rows)
            await pilot.press("escape")

            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
            assert_inert(screen_rows(app))
            await pilot.press("escape")

            # A toast quoting an id: no markup read (a stray [/] would raise), nothing active.
            app.open_document("[bold]gone[/] [/]\x1b]0;x\x07\u202e")
            await pilot.pause()
            rows = screen_rows(app)
            assert_inert(rows)
            assert "[bold]gone[/] [/]" in "\n".join(rows)
    finally:
        store.close()


async def test_a_document_id_with_markup_opens_from_the_command_line(tmp_path: Path) -> None:
    """`annotator annotate --doc ID` hands the id to the app as it is."""
    store = hostile_project(tmp_path)
    app = make_app(store, "alice", open_doc=DOC_ID)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, AnnotateScreen)
            assert app.screen.doc_id == DOC_ID
            assert_inert(screen_rows(app))
    finally:
        store.close()
