"""Exit codes, as ESLint and textlint use them; the one place a run's outcome becomes a number.

0: nothing at or above --fail-on. 1: findings at or above it. 2: a usage error, bad rules or
config, or an input that could not be read. (Signals: 128 + the signal, see audit.launch.)
"""

from __future__ import annotations

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def exit_code(*, failed: bool, problems: bool, no_exit: bool = False) -> int:
    """`failed`: findings fail --fail-on; `problems`: an input could not be read or found."""
    if no_exit:
        return EXIT_CLEAN
    if problems:
        return EXIT_ERROR
    return EXIT_FINDINGS if failed else EXIT_CLEAN
