"""A labelling session in a child process, for the kill test (run as a script).

Drives the real workbench through Textual's pilot: select a token, press a label key,
and after the screen has updated print, as one JSON line, every span the document view
shows. The parent kills this process with SIGKILL at some point; whatever was printed
had been on screen.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
from pathlib import Path

from annotator.store import Store
from annotator.tui import make_app
from annotator.tui.screens.annotate import AnnotateScreen

LABEL_KEYS = ("d", "g", "t", "a", "o")


async def session(db: Path, doc_id: str) -> None:
    store = Store.open(db)
    app = make_app(store, "alice", open_doc=doc_id)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AnnotateScreen)
        for step in itertools.count():
            await pilot.press("right", "shift+right", LABEL_KEYS[step % len(LABEL_KEYS)])
            await pilot.pause()
            shown = [(s.start, s.end, s.label) for s in screen.view.index.spans]
            print(json.dumps(shown), flush=True)


if __name__ == "__main__":
    asyncio.run(session(Path(sys.argv[1]), sys.argv[2]))
