"""`annotator serve`: the workbench in a browser, one app process per connection.

Each browser connection runs the same app as `annotator annotate --as NAME` (the review
for a lead), in its own process, on the same project file, through textual-serve's
protocol. Access is per person, by the tokens the store keeps (`annotator token`).

The parts: `auth` (which token a request presents, and whose it is), `sessions` (the
app processes: how they start, limits, idle and revoked sessions), `pages` (what a
browser is shown) and `server` (the aiohttp application and its run loop). Nothing here
imports Textual or speaks SQL: the app runs in the session process (`annotator
_serve-session`), and tokens are read through the `Store`. aiohttp and textual-serve
come with the `serve` extra and are imported only when `annotator serve` runs.
"""

from __future__ import annotations
