"""The process entry point: Ctrl-C and SIGTERM end a run at once, on one line, never a traceback.

The handlers are installed when this module is imported, before anything else is loaded, so
a Ctrl-C during start-up is reported like any other. Until the command starts there is nothing
to clean up, and a signal exits on the spot. Once it runs, the first signal unwinds it
(reports are written through temporary files, which are removed on the way out); then the
process leaves with os._exit, without waiting for download threads or worker processes. A
second signal, while the first is being handled, exits at once.
"""

from __future__ import annotations

import _signal  # the C module: no enum set-up, so the handlers are in place a moment sooner
import os  # loaded by the interpreter before any script: costs nothing here
import sys

PROG = "claims-audit"


class Interrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM. Not an Exception, so no per-document `except Exception` takes it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.code = 128 + signum
        self.word = "terminated" if signum == _signal.SIGTERM else "interrupted"


_received = 0
_running = False  # the command has started: a signal unwinds it instead of exiting on the spot


def _on_signal(signum: int, frame) -> None:
    global _received
    _received += 1
    if _received == 1 and _running:
        raise Interrupted(signum)
    if _received == 1:
        word = "terminated" if signum == _signal.SIGTERM else "interrupted"
        os.write(2, f"{PROG}: {word}\n".encode())
    os._exit(128 + signum)


def install_handlers() -> None:
    _signal.signal(_signal.SIGINT, _on_signal)
    _signal.signal(_signal.SIGTERM, _on_signal)


install_handlers()  # at import: this module is only imported to start the command line


def exit_now(code: int) -> None:
    """Flush what was printed, stop worker processes, and leave without joining threads."""
    from contextlib import suppress

    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):
            stream.flush()
    if "multiprocessing" in sys.modules:
        import multiprocessing

        for child in multiprocessing.active_children():
            child.kill()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    global _running
    install_handlers()  # again: when this module was imported for another reason first
    _running = True
    try:
        from audit.cli import main as run

        return run(argv)
    except Interrupted as exc:
        _signal.signal(_signal.SIGINT, _signal.SIG_IGN)
        _signal.signal(_signal.SIGTERM, _signal.SIG_IGN)
        print(f"{PROG}: {exc.word}; reports written before now are intact", file=sys.stderr)
        exit_now(exc.code)
    return 2  # not reached: exit_now does not return
