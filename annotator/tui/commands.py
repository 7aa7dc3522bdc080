"""The command palette's own entries: every key the screen in use offers, by its name.

Textual's palette lists its system commands (theme, screenshot, quit); a person looking
for "skip" or "relabel" there found nothing. The keys are declared once, as bindings
(`BINDINGS`, `check_action`), so the palette reads them from the screen it was opened
on: the focused widget's, the screen's and the app's, only those that apply there, each
with its key in the help line so the palette also teaches the key.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial

from textual.app import SystemCommand
from textual.screen import Screen


def key_commands(screen: Screen[object], taken: Iterable[str] = ()) -> Iterator[SystemCommand]:
    """A command per enabled key of `screen`, one per action, titles in `taken` left out
    (the system commands the palette already lists)."""
    app = screen.app
    seen = set(taken)
    for active in screen.active_bindings.values():
        binding = active.binding
        title = binding.description
        if not active.enabled or not title or title in seen:
            continue
        seen.add(title)
        key = app.get_key_display(binding)
        help_text = f"{binding.tooltip or title}  (key: {key})"
        yield SystemCommand(title, help_text, partial(app.run_action, binding.action, active.node))
