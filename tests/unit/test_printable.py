"""One table of stand-ins: the CLI's `printable` and the workbench's layout show the same."""

from __future__ import annotations

import json

import pytest

from annotator.printable import json_printable, printable, stand_in
from annotator.tui.text_layout import TextLayout, display_text

HOSTILE = [
    "\x1b[31mred\x1b[0m",
    "bell\x07 nul\x00 del\x7f",
    "c1\x85 csi\x9b",
    "right\u202eto left\u202c, isolate\u2066x\u2069, mark\u200f",
    "zero\u200bwidth, soft\xadhyphen, bom\ufeff, word\u2060joiner",
    "line\u2028separator\u2029paragraph",
    "tag\U000e0041 lone\ud800surrogate",
]
KEPT = ["plain ASCII", "café and cafe\u0301", "東京会談", "👩\u200d👩\u200d👧 family", "🕊️ dove"]


@pytest.mark.parametrize("text", HOSTILE + KEPT)
def test_the_cli_and_the_workbench_show_the_same_characters(text: str) -> None:
    shown = printable(text)
    assert len(shown) == len(text)  # one for one: offsets still line up
    assert display_text(text) == shown
    layout = TextLayout(text, 200)
    assert layout.drawn(0, 0, len(text)) == shown


@pytest.mark.parametrize("text", HOSTILE)
def test_nothing_active_is_left(text: str) -> None:
    shown = printable(text)
    assert all(stand_in(char) is None for char in shown)
    assert shown != text


@pytest.mark.parametrize("text", KEPT)
def test_ordinary_text_and_joined_emoji_are_untouched(text: str) -> None:
    assert printable(text) == text


def test_newlines_and_tabs_can_be_kept() -> None:
    text = "a\tb\nc\x1b"
    assert printable(text) == "a␉b␊c␛"
    assert printable(text, keep_newlines=True) == "a␉b\nc␛"
    assert printable(text, keep_newlines=True, keep_tabs=True) == "a\tb\nc␛"


@pytest.mark.parametrize("text", HOSTILE + KEPT)
def test_json_output_escapes_the_same_characters_and_parses_back(text: str) -> None:
    dumped = json.dumps({"text": text}, ensure_ascii=False)
    inert = json_printable(dumped)
    assert json.loads(inert) == {"text": text}
    assert all(stand_in(char) is None for char in inert)
