"""What a browser is shown: the workbench page, and plain pages for refusals.

The workbench page is textual-serve's, cut down: everything it loads comes from this
server (textual-serve ships the script, the stylesheet and the font), so it works
offline; URLs are relative, so it works the same behind a reverse proxy and over TLS.
"""

from __future__ import annotations

from html import escape

_STYLE = """
      @font-face { font-family: "Roboto Mono";
                   src: url("static/fonts/RobotoMono-VariableFont_wght.ttf"); }
      body { background: #0c181f; margin: 0; color: rgba(255, 255, 255, 0.95);
             font-family: "Roboto Mono", menlo, monospace; }
      .dialog-container { position: absolute; width: 100vw; height: 100vh; display: flex;
                          align-items: center; justify-content: center; z-index: 10; }
      .intro { max-width: 640px; padding: 32px; font-size: 16px; z-index: 20;
               text-align: center; background-color: #12232d; }
      body.-first-byte .intro-dialog { display: none; }
      body .textual-terminal { opacity: 0; height: 100vh; }
      body.-first-byte .textual-terminal { opacity: 1; transition: opacity 0.3s ease-out; }
      .closed-dialog { display: none; }
      body.-closed .closed-dialog { display: flex; }
      button { padding: 16px 32px; background-color: #5e0ba7; color: inherit; border: none;
               font-family: inherit; margin: 16px auto 0; display: block; cursor: pointer; }
"""


def workbench(title: str) -> str:
    """The page that connects to `/ws` and shows the app (textual-serve's script)."""
    return f"""<!DOCTYPE html>
<html>
  <head>
    <meta charset="utf-8" />
    <title>{escape(title)}</title>
    <link rel="stylesheet" href="static/css/xterm.css" />
    <script src="static/js/textual.js"></script>
    <style>{_STYLE}</style>
  </head>
  <body>
    <div class="dialog-container intro-dialog"><div class="intro">{escape(title)}</div></div>
    <div class="dialog-container closed-dialog">
      <div class="intro">
        <div>Session ended. Your work is saved.</div>
        <button type="button" onclick="window.location.reload()">Start again</button>
      </div>
    </div>
    <div id="terminal" class="textual-terminal" data-font-size="16"></div>
    <script>
      const ws = new URL("ws", window.location.href);
      ws.protocol = ws.protocol === "https:" ? "wss:" : "ws:";
      ws.search = "";
      document.getElementById("terminal").dataset.sessionWebsocketUrl = ws.href;
    </script>
  </body>
</html>
"""


def notice(title: str, message: str) -> str:
    """A plain page for a refusal (no token, server full): says what happened and what to do."""
    return f"""<!DOCTYPE html>
<html>
  <head><meta charset="utf-8" /><title>{escape(title)}</title><style>{_STYLE}</style></head>
  <body>
    <div class="dialog-container">
      <div class="intro"><h1>{escape(title)}</h1><p>{escape(message)}</p></div>
    </div>
  </body>
</html>
"""


UNAUTHORISED = notice(
    "Access token needed",
    "This address needs your personal link (it ends in ?token=...). "
    "Ask your project lead for it; if it stopped working, it may have been revoked.",
)
FORBIDDEN = notice("Refused", "This request came from another site's page.")


def full(max_sessions: int) -> str:
    return notice(
        "All sessions are in use",
        f"This server runs at most {max_sessions} sessions at once and all are open. "
        "Try again in a few minutes, or ask your project lead to raise --max-sessions.",
    )
