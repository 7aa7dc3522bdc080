"""A real headless browser against `annotator serve`: open alice's link, label a span.

    python bench/serve_browser.py [--screenshot serve-browser.png]

Needs Debian's `chromium` and `chromium-driver` (apt-get install chromium
chromium-driver) and `pip install selenium`; nothing is downloaded at run time (the
driver is given by path, so Selenium Manager never runs). CI does not run this: it
needs the system browser. The script starts the server on a free loopback port with
the sample corpus, makes alice a token, opens her link in headless Chromium, presses
Enter (open the first document), shift+right three times and `d` (demand), checks that
the span is in the project as alice's, saves a screenshot of the page and prints
`annotator stats`.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "serve"))
from serve_helpers import Server

from annotator.sample import open_sample_project

CHROMIUM = "/usr/bin/chromium"
DRIVER = "/usr/bin/chromedriver"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,800",
)


def spans(db: Path) -> list[tuple[str, int, int, str]]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute('SELECT layer, start, "end", label FROM spans').fetchall()


def wait(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screenshot", type=Path, default=Path("serve-browser.png"))
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="serve-browser-"))
    db = folder / "project.db"
    open_sample_project(db).store.close()
    link_line = subprocess.run(
        [sys.executable, "-m", "annotator", "token", "add", "alice", "--db", str(db)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()[1]
    token = link_line.rsplit("?token=", 1)[1]
    server = Server(db, folder)
    options = Options()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(DRIVER), options=options)
    try:
        started = time.monotonic()
        browser.get(f"{server.url}?token={token}")
        assert "token" not in browser.current_url, "the link should leave the address bar"
        body = browser.find_element("tag name", "body")
        wait(lambda: "-first-byte" in (body.get_attribute("class") or ""), 60, "first paint")
        time.sleep(1.5)  # let the queue settle before typing
        print(f"first paint after {time.monotonic() - started:.1f} s")
        browser.find_element("id", "terminal").click()  # focus xterm.js's input
        time.sleep(0.5)
        keys = ActionChains(browser)
        keys.send_keys(Keys.ENTER).pause(1.0)
        for _ in range(3):
            keys.key_down(Keys.SHIFT).send_keys(Keys.ARROW_RIGHT).key_up(Keys.SHIFT).pause(0.3)
        keys.send_keys("d").perform()
        try:
            wait(lambda: spans(db), 30, "the span in the project")
            time.sleep(1.0)  # the label drawn
        finally:
            browser.save_screenshot(str(args.screenshot))
        print(f"stored: {spans(db)}")
        print(f"screenshot: {args.screenshot.resolve()}")
    finally:
        browser.quit()
        server.stop()
    print("server said:\n" + server.log)
    stats = [sys.executable, "-m", "annotator", "stats", "--db", str(db)]
    print(subprocess.run(stats, capture_output=True, text=True, check=True).stdout)


if __name__ == "__main__":
    main()
