"""The aiohttp application behind `annotator serve`, and its run loop.

Every request passes the guard first: no valid token, no page, no websocket, no
download, and no process started. A websocket becomes a session (a `SessionProcess`
speaking textual-serve's protocol); a sweep every `SWEEP_S` seconds ends the sessions
whose token was revoked and those idle too long. Ctrl+C (or SIGTERM) closes every
session before the server stops: each span action was saved when it was made, so
closing loses nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import textual_serve
from aiohttp import WSMsgType, web
from textual_serve.download_manager import DownloadManager

from annotator.printable import printable
from annotator.serve import pages
from annotator.serve.auth import QUERY, Gate, Identity, cookie_name, presented, same_origin
from annotator.serve.sessions import Session, SessionProcess, Sessions
from annotator.store import Store

SWEEP_S = 1.0
"""How often revoked and idle sessions are looked for."""
STATIC = Path(textual_serve.__file__).parent / "static"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class ServeConfig:
    """What `annotator serve` was asked for."""

    db: Path
    host: str = "127.0.0.1"
    port: int = 8000
    max_sessions: int = 16
    idle_timeout: float = 1800.0


def _say(message: str) -> None:
    """Server diagnostics on stderr (names, counts; never a token or a query string),
    made inert: a name from a tampered project file must not drive the terminal."""
    print(printable(message), file=sys.stderr, flush=True)


class Workbench:
    """The server's state: the project, the gate, the sessions, the downloads."""

    def __init__(self, config: ServeConfig, store: Store) -> None:
        self.config = config
        self.gate = Gate(store)
        self.sessions = Sessions(config.max_sessions, config.idle_timeout)
        self.downloads = DownloadManager()
        self.port = config.port
        self.handlers: set[asyncio.Task[object]] = set()

    def application(self) -> web.Application:
        app = web.Application(middlewares=[self.guard])
        app.add_routes(
            [
                web.get("/", self.page),
                web.get("/ws", self.websocket),
                web.get("/download/{key}", self.download),
                web.static("/static", STATIC),
            ]
        )
        app.on_shutdown.append(self.close_all)
        return app

    # ------------------------------------------------------------------ requests

    @web.middleware
    async def guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Refuse what has no valid token (401) or comes from another site (403)."""
        if not same_origin(request):
            return _html(pages.FORBIDDEN, 403)
        cookie = cookie_name(self.port)
        identity = self.gate.identify(presented(request, cookie))
        if identity is None:
            return _html(pages.UNAUTHORISED, 401)
        request["identity"] = identity
        if request.path == "/" and QUERY in request.query:
            # The link worked: keep the token in a cookie, take it out of the address bar.
            redirect = web.Response(status=303, headers={"Location": "./"})
            redirect.set_cookie(
                cookie,
                identity.token,
                httponly=True,
                samesite="Lax",
                secure=request.secure or request.headers.get("X-Forwarded-Proto") == "https",
            )
            _private(redirect)
            return redirect
        response = await handler(request)
        _private(response)
        return response

    async def page(self, request: web.Request) -> web.StreamResponse:
        identity: Identity = request["identity"]
        if self.sessions.full:
            return _html(pages.full(self.config.max_sessions), 503)
        what = "review" if identity.lead else "annotate"
        return _html(pages.workbench(f"annotator {what}: {identity.name}"))

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        identity: Identity = request["identity"]
        if self.sessions.full:
            return _html(pages.full(self.config.max_sessions), 503)
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        process = SessionProcess(
            identity,
            self.config.db,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.downloads,
        )
        session = Session(identity, websocket, process)
        self.sessions.add(session)
        task = asyncio.current_task()
        if task is not None:
            self.handlers.add(task)
        try:
            await process.start(_size(request, "width", 80), _size(request, "height", 24))
            _say(f"session started: {identity.name} (pid {process.pid}, {self._count()})")
            await self._relay(session)
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            await process.end()
            self.sessions.remove(session)
            if task is not None:
                self.handlers.discard(task)
            why = f", {session.ended_because}" if session.ended_because else ""
            _say(f"session ended: {identity.name}{why} ({self._count()})")
            await websocket.close()
        return websocket

    async def _relay(self, session: Session) -> None:
        """Browser to app: keys, resizes, focus (textual-serve's JSON messages)."""
        process = session.process
        async for message in session.websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = message.json()
                kind = envelope[0]
            except (ValueError, TypeError, IndexError, KeyError):
                continue
            if kind == "stdin" and isinstance(envelope[1], str):
                session.touched()
                await process.send_bytes(envelope[1].encode("utf-8"))
            elif kind == "resize" and isinstance(envelope[1], dict):
                width, height = envelope[1].get("width"), envelope[1].get("height")
                if isinstance(width, int) and isinstance(height, int):
                    await process.set_terminal_size(max(width, 1), max(height, 1))
            elif kind == "ping":
                await session.websocket.send_json(["pong", envelope[1]])
            elif kind == "blur":
                await process.blur()
            elif kind == "focus":
                await process.focus()

    async def download(self, request: web.Request) -> web.StreamResponse:
        """A file the app delivers; only to the person whose session made it."""
        identity: Identity = request["identity"]
        key = request.match_info["key"]
        try:
            meta = await self.downloads.get_download_metadata(key)
        except KeyError:
            raise web.HTTPNotFound(text="no such download") from None
        owner = meta.app_service
        if not isinstance(owner, SessionProcess) or owner.identity.name != identity.name:
            raise web.HTTPNotFound(text="no such download")
        response = web.StreamResponse()
        content_type = meta.mime_type + (f"; charset={meta.encoding}" if meta.encoding else "")
        response.headers["Content-Type"] = content_type
        disposition = "inline" if meta.open_method == "browser" else "attachment"
        response.headers["Content-Disposition"] = f"{disposition}; filename={meta.file_name}"
        await response.prepare(request)
        async for chunk in self.downloads.download(key):
            await response.write(chunk)
        await response.write_eof()
        return response

    # ------------------------------------------------------------------ sessions

    def _count(self) -> str:
        return f"{len(self.sessions.open)}/{self.config.max_sessions} sessions open"

    async def sweep(self) -> None:
        """End the sessions whose token is gone (revoked, changed) or that sat idle."""
        for session in list(self.sessions.open):
            if not self.gate.still_valid(session.identity):
                await self.sessions.end(session, "token revoked")
        for session in self.sessions.idle():
            await self.sessions.end(session, "idle timeout")

    async def close_all(self, _app: web.Application) -> None:
        """On shutdown: close every session and wait for its process to quit."""
        for session in list(self.sessions.open):
            await self.sessions.end(session, "server stopped")
        if self.handlers:
            await asyncio.wait(set(self.handlers), timeout=30)


def _size(request: web.Request, name: str, default: int) -> int:
    try:
        return max(1, min(int(request.query.get(name, default)), 1000))
    except ValueError:
        return default


def _html(text: str, status: int = 200) -> web.Response:
    return web.Response(text=text, status=status, content_type="text/html")


def _private(response: web.StreamResponse) -> None:
    """Nothing of these pages is cached, and no URL (with a token) leaks as a referrer."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"


async def serve(config: ServeConfig, ready: Callable[[list[str]], None]) -> None:
    """Run until SIGINT or SIGTERM; `ready` gets the addresses once the server listens."""
    logging.getLogger("textual-serve").setLevel(logging.WARNING)
    store = Store.open(config.db)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    workbench = Workbench(config, store)
    runner = web.AppRunner(workbench.application(), access_log=None, handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, config.host, config.port)
        await site.start()
        ports = {address[1] for address in runner.addresses if isinstance(address, tuple)}
        workbench.port = ports.pop() if len(ports) == 1 else config.port
        ready([_url(address) for address in runner.addresses])
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), SWEEP_S)
            await workbench.sweep()
    finally:
        await runner.cleanup()
        store.close()


def _url(address: object) -> str:
    if isinstance(address, tuple):
        host, port = str(address[0]), address[1]
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"
    return str(address)
