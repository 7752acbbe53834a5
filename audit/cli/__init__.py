"""Command line: audit paths (default), record a baseline, list and show rules, evaluate,
write the review log.

Every error is one line on stderr with exit code 2 (audit.cli.exit_codes); no traceback
reaches the user. Each command is a module of its own; this one only dispatches.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from audit.cli.exit_codes import EXIT_CLEAN, EXIT_ERROR
from audit.cli.messages import say
from audit.core.errors import AuditError


def _command(name: str) -> Callable[[list[str]], int]:
    """The command's function, imported only when it runs (`--help` loads no spaCy)."""
    if name == "rules":
        from audit.cli.rules_cmd import cmd_rules

        return cmd_rules
    if name == "eval":
        from audit.cli.eval_cmd import cmd_eval

        return cmd_eval
    if name == "baseline":
        from audit.cli.baseline_cmd import cmd_baseline

        return cmd_baseline
    if name == "review-log":
        from audit.cli.review_log_cmd import cmd_review_log

        return cmd_review_log
    from audit.cli.audit_cmd import cmd_audit

    return cmd_audit


COMMANDS = ("rules", "eval", "baseline", "review-log")


def main(argv: list[str] | None = None) -> int:
    """Run a command; Ctrl-C and SIGTERM are audit.launch's to report (it wraps this)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in COMMANDS:
            return _command(argv[0])(argv[1:])
        return _command("audit")(argv)
    except AuditError as exc:
        say(exc)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_CLEAN
    except SystemExit as exc:  # argparse: --help (0) and usage errors (2)
        return int(exc.code or 0) if isinstance(exc.code, int) else EXIT_ERROR
    except Exception as exc:  # last resort: one line, never a traceback
        say(f"internal error: {type(exc).__name__}: {exc}")
        return EXIT_ERROR
