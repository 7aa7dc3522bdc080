"""Component-class styles to lay over other styles (selection, cursor, highlighted row)."""

from __future__ import annotations

from rich.style import Style
from textual.widget import Widget


def overlay_style(widget: Widget, name: str) -> Style:
    """What `app.tcss` sets for component class `name`, and only that.

    Colours come from the full style, so a translucent background (`$accent 40%`) arrives
    blended over the widget's background; text styles come from the partial style, so a
    component that sets no colour leaves the colours under it alone.
    """
    full = widget.get_component_rich_style(name)
    partial = widget.get_component_rich_style(name, partial=True)
    colours = Style(
        color=full.color if partial.color is not None else None,
        bgcolor=full.bgcolor if partial.bgcolor is not None else None,
    )
    return colours + partial.without_color
