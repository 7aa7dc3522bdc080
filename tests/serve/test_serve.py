"""`annotator serve` for real: a server subprocess, HTTP and textual-serve's websocket.

One server per module for access and sessions; a second one, with one session at most
and a short idle timeout, for the limits and for Ctrl+C.
"""

from __future__ import annotations

import hashlib
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import aiohttp
import pytest
from serve_helpers import Browser, Server, serving, wait_until, ws_url

from annotator.sample import open_sample_project
from annotator.store import Store

SEED_START = b"Lavrov rejects"


def annotator(db: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "annotator", *args, "--db", str(db)],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def new_token(db: Path, name: str, *flags: str) -> str:
    out = annotator(db, "token", "add", name, *flags)
    assert out.splitlines()[1].endswith(f"/?token={out.splitlines()[0].split()[1]}")
    return out.splitlines()[0].removeprefix("token: ")


def spans(db: Path) -> list[tuple[str, int, int, str]]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute('SELECT layer, start, "end", label FROM spans ORDER BY id').fetchall()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("serve") / "project.db"
    open_sample_project(db).store.close()
    return db


@pytest.fixture(scope="module")
def server(project: Path) -> Iterator[Server]:
    with serving(project, project.parent) as running:
        yield running


async def test_no_valid_token_no_page_no_websocket_no_process(
    server: Server, project: Path
) -> None:
    token = new_token(project, "carol")
    async with aiohttp.ClientSession() as http:
        for path in ("", "ws", "download/abc", "static/js/textual.js", "?token=nope"):
            async with http.get(server.url + path) as response:
                assert response.status == 401, path
                assert "personal link" in await response.text()
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(ws_url(server, token[:-2] + "xx"))
        assert refused.value.status == 401
        # Another site's page cannot borrow a visitor's token.
        async with http.get(
            f"{server.url}?token={token}", headers={"Origin": "http://evil.test"}
        ) as r:
            assert r.status == 403
    assert "session started" not in server.log

    # The link sets a cookie and leaves the address bar; the cookie then opens the page.
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        async with browser.get(f"{server.url}?token={token}", allow_redirects=False) as r:
            assert r.status == 303 and r.headers["Location"] == "./"
            assert "HttpOnly" in r.headers["Set-Cookie"]
        async with browser.get(server.url) as page:
            assert page.status == 200 and str(page.url) == server.url
            assert "annotator annotate: carol" in await page.text()
        async with browser.get(server.url + "static/js/textual.js") as script:
            assert script.status == 200
    assert token not in server.log and token not in "".join(server.out)


async def test_keys_in_a_span_stored_as_that_annotator(server: Server, project: Path) -> None:
    token = new_token(project, "alice")
    async with aiohttp.ClientSession() as http, http.ws_connect(ws_url(server, token)) as ws:
        browser = Browser(ws)
        await ws.send_json(["resize", {"width": 100, "height": 30}])
        await browser.until_drawn(SEED_START)  # alice's queue
        await browser.press("enter", "shift+right", "shift+right", "shift+right", "d")
        await wait_until(lambda: spans(project), 20)
    assert spans(project) == [("alice", 0, 19, "demand")]
    with Store.open(project) as store:
        assert [e.actor for e in store.events(layer="alice")][-1] == "alice"


async def test_revoking_a_token_ends_its_open_session(server: Server, project: Path) -> None:
    token = new_token(project, "bob")
    async with aiohttp.ClientSession() as http, http.ws_connect(ws_url(server, token)) as ws:
        browser = Browser(ws)
        await browser.until_drawn(SEED_START)
        annotator(project, "token", "revoke", "bob")
        await browser.until_closed(15)
        async with http.get(f"{server.url}?token={token}") as response:
            assert response.status == 401
    server.wait_for(lambda: "session ended: bob, token revoked" in server.log, 15)


async def test_a_hostile_name_never_reaches_a_shell(server: Server, project: Path) -> None:
    # `token add` refuses such names; here one is written into the file directly, as a
    # tampered project would hold it: the session must start without any shell.
    token = "hostile-token-" + "x" * 40
    name = "eve$(touch PWNED)`touch PWNED2`;touch PWNED3"
    with closing(sqlite3.connect(project)) as conn, conn:
        digest = hashlib.sha256(token.encode()).hexdigest()
        conn.execute(
            "INSERT INTO tokens (name, lead, digest, created) VALUES (?, 0, ?, 'now')",
            (name, digest),
        )
    async with aiohttp.ClientSession() as http, http.ws_connect(ws_url(server, token)) as ws:
        await Browser(ws).read(4)
    server.wait_for(lambda: "session ended: eve" in server.log, 20)
    for folder in (project.parent, Path.cwd()):
        assert not [p.name for p in folder.iterdir() if p.name.startswith("PWNED")]


async def test_limits_give_a_clear_page_and_ctrl_c_closes_sessions(
    tmp_path: Path,
) -> None:
    db = tmp_path / "limits.db"
    open_sample_project(db).store.close()
    token = new_token(db, "lena", "--lead")
    with serving(db, tmp_path, "--max-sessions", "1", "--idle-timeout", "3") as server:
        jar = aiohttp.CookieJar(unsafe=True)  # the link's cookie, as a browser keeps it
        async with aiohttp.ClientSession(cookie_jar=jar) as http:
            async with http.ws_connect(ws_url(server, token)) as ws:
                first = Browser(ws)
                await first.read(0.5)
                for path in (f"?token={token}", f"ws?token={token}"):
                    async with http.get(server.url + path) as full:
                        assert full.status == 503
                        assert "at most 1 sessions" in await full.text()
                await first.until_closed(20)  # idle for 3 s
            server.wait_for(lambda: "session ended: lena, idle timeout" in server.log, 10)
            async with http.ws_connect(ws_url(server, token)) as ws:
                second = Browser(ws)
                await second.read(1)
                server.wait_for(lambda: "session started: lena" in server.log, 10)
                assert server.stop(signal.SIGINT, timeout=30) == 0
                await second.until_closed(10)
        assert "session ended: lena, server stopped" in server.log
        assert "every session's work was saved" in server.log
