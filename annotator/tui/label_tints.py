"""Span backgrounds that stay apart on every terminal: truecolor, 256 colours, 16 colours.

A span's background is its label's colour blended into the view's background (a tint), so
the text on it stays readable. A terminal without truecolor shows the nearest colour it
has, and that is where labels used to merge: in 256 colours Rich rounds each channel to
the 6x6x6 cube, whose first step (0 to 95) is wider than the channels of a dark tint
differ, so the five default tints fell onto three colours (demand = guarantor, both grey;
attribution = opinion). In 16 colours all of them became the same grey.

Here a terminal with a palette gets, for each label in the scheme's order, the palette
colour nearest to its tint (in CIE Lab) that is not grey and that no label before it
took; the colour is given as the palette entry's own RGB, which the terminal's rounding
maps back to that entry exactly. Colour is still never the only cue: the document's left
margin prints the key of each label on the row, which survives NO_COLOR.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from rich.color import Color as RichColor, ColorSystem
from textual.color import Color, rgb_to_lab

TINT = 0.42
"""How much of the label's colour a span's background takes (truecolor)."""
UNKNOWN = "#808080"
"""The colour of a label the scheme does not have (a span from an older scheme)."""


class Tint(NamedTuple):
    """How a label's spans are drawn: a background, and a text colour when it needs one."""

    background: Color
    text: Color | None


def _palette(system: str | None) -> list[Color]:
    """The colours a span background may take in `system` (empty: any colour).

    Only entries that Rich's rounding maps back to themselves, and no greys: a grey tint
    says "some span" without saying which.
    """
    if system == "256":
        numbers: Iterable[int] = range(16, 232)
        target = ColorSystem.EIGHT_BIT
    elif system in ("standard", "windows"):
        # the dark six first: the terminal's default text stays readable on them
        numbers = (*range(1, 7), *range(9, 15))
        target = ColorSystem.STANDARD
    else:
        return []
    colors = []
    for number in numbers:
        triplet = RichColor.from_ansi(number).get_truecolor()
        if triplet.red == triplet.green == triplet.blue:
            continue
        if RichColor.from_triplet(triplet).downgrade(target).number == number:
            colors.append(Color(*triplet))
    return colors


class LabelTints:
    """The tint of each label for one view background and one terminal colour system."""

    def __init__(self, colors: Mapping[str, str], background: Color, system: str | None) -> None:
        self.colors = colors
        self.background = background
        self.system = system
        self._palette = _palette(system)
        self._tints: dict[str, Tint] = {}
        self._taken: set[Color] = set()
        for label in colors:  # scheme order: the first labels get the nearest colours
            self.get(label)

    def get(self, label: str) -> Tint:
        """The tint of `label` (one the scheme does not have gets a grey's nearest)."""
        tint = self._tints.get(label)
        if tint is None:
            tint = self._tints[label] = self._tint(Color.parse(self.colors.get(label, UNKNOWN)))
        return tint

    def _tint(self, color: Color) -> Tint:
        blend = self.background.blend(color, TINT)
        if not self._palette:
            return Tint(blend, None)
        # 16 colours are few and bright: match the label's own colour, not its tint.
        wanted = rgb_to_lab(blend if self.system == "256" else color)
        free = [entry for entry in self._palette if entry not in self._taken] or self._palette
        chosen = min(free, key=lambda entry: math.dist(wanted, rgb_to_lab(entry)))
        self._taken.add(chosen)
        text = None if self.system == "256" else chosen.get_contrast_text(1.0)
        return Tint(chosen, text)
