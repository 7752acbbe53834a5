"""Regular expressions from rule packs run on RE2, whose matching time is linear in the text.

A rule pack is data a team may take from anywhere, and Python's backtracking engine takes
exponential time on patterns such as `((a)+)+$`, `(a|a)*$` or `(.*a){25}$`: more than 40 s on a
60-character line, and no static check catches every such pattern. RE2 (google-re2) never
backtracks. It has no lookarounds or backreferences, so a pack using them is refused with a
one-line error when it loads, not when a document happens to trigger them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from audit.core.errors import RuleError


def _options():
    import re2

    options = re2.Options()
    options.log_errors = False  # RE2 would log parse errors to stderr itself
    options.max_mem = 64 << 20  # a pattern like (.*a){1000} is too large: refused, not built
    return options


@lru_cache(maxsize=4096)
def compile_regex(pattern: str) -> Any:
    """The RE2 pattern object (search, finditer, ... as in `re`). Raises ValueError."""
    import re2

    try:
        return re2.compile(pattern, _options())
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise ValueError(str(reason)) from None


def check_regex(where: str, pattern: str) -> None:
    """A RuleError naming the rule when `pattern` cannot run on RE2."""
    try:
        compile_regex(pattern)
    except ValueError as exc:
        raise RuleError(
            f"{where}: regex {pattern!r} is not supported ({exc}); rule regexes run on RE2, "
            "which matches in linear time but has no lookarounds or backreferences"
        ) from None
