"""Run a Textual program; note its CPU time when what it writes first holds each phrase.

    python bench/first_frame.py OUT PHRASE [PHRASE ...] -- (-m MODULE | SCRIPT) [ARGS ...]

bench/startup.py runs both of its programs through this, each in a real terminal (tmux).
Textual writes every frame through its Linux driver's `write`; wrapped here, it notes the
process's CPU time (`time.process_time`: every thread, nanoseconds) the first time the
text written (control sequences left out) holds PHRASE, then the next PHRASE, and writes
the figures to OUT as JSON once all are seen (`seen`), with the CPU time when the driver
took the terminal (`terminal`: what came before is imports and the program's own work
before `App.run`). The program goes on running (the benchmark ends the session).

Taken inside the process at the moment of the write, the figure does not count what the
program does after that frame while an outside observer polls the screen: the workbench
goes on loading behind its first frame, a bare Textual app sits idle. The wrapper's own
cost (this module and `runpy`) is the same for both programs.
"""

import json
import re
import runpy
import sys
import time

from textual.drivers.linux_driver import LinuxDriver

ESCAPES = re.compile(r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")
"""Control sequences (CSI, OSC, two-character escapes): styles split a row's text."""


def main() -> None:
    separator = sys.argv.index("--")
    out, phrases = sys.argv[1], sys.argv[2:separator]
    target = sys.argv[separator + 1 :]
    seen: list[float] = []
    terminal: list[float] = []
    write = LinuxDriver.write
    start = LinuxDriver.start_application_mode

    def starting(driver: LinuxDriver) -> None:
        terminal.append(time.process_time())
        start(driver)

    def noting(driver: LinuxDriver, data: str) -> None:
        write(driver, data)
        text = ESCAPES.sub("", data)
        while len(seen) < len(phrases) and phrases[len(seen)] in text:
            seen.append(time.process_time())
            if len(seen) == len(phrases):
                with open(out, "w", encoding="utf-8") as file:
                    json.dump({"terminal": terminal[0], "seen": seen}, file)

    LinuxDriver.write = noting  # type: ignore[method-assign]
    LinuxDriver.start_application_mode = starting  # type: ignore[method-assign]
    if target[0] == "-m":
        sys.argv = [target[1], *target[2:]]
        runpy.run_module(target[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = target
        runpy.run_path(target[0], run_name="__main__")


if __name__ == "__main__":
    main()
