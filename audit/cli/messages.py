"""What the command says on stderr: one escaped line per message, and a progress bar."""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import TracebackType
from typing import Any

from audit import PROG


def say(message: object, warning: bool = False) -> None:
    """One line on stderr, with controls from file names and documents shown, not obeyed."""
    from audit.writers.safe_text import escape

    print(f"{PROG}: {'warning: ' if warning else ''}{escape(str(message))}", file=sys.stderr)


class Progress:
    """A tqdm bar on stderr for runs of more than a handful of documents, only on a terminal.

    `total` is None for corpus exports, whose row count is not known until they are read.
    Entering gives a `tick(result)` function, or None when no bar is shown.
    """

    def __init__(self, total: int | None, quiet: bool) -> None:
        self.bar: Any = None
        if not quiet and (total is None or total > 5) and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="doc", file=sys.stderr, leave=False)

    def __enter__(self) -> Callable[[object], None] | None:
        return (lambda _result: self.bar.update(1)) if self.bar else None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.bar:
            self.bar.close()
