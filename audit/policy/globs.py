"""Gitignore-style globs for the config's include, exclude and overrides, run on RE2."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


def match(path: str, pattern: str) -> bool:
    """Does a gitignore-style glob match the /-separated relative path?

    As in .gitignore (and ruff's exclude): a pattern without "/" matches a file or folder name
    at any depth, "**" spans folders, a pattern that names a folder covers what is inside it.
    pathspec translates the glob; RE2 runs it, so no pattern can backtrack (a glob of a dozen
    "**/" took minutes with a backtracking engine).
    """
    rx = compiled(pattern)
    return rx is not None and rx.search(path) is not None


@lru_cache(maxsize=1024)
def compiled(pattern: str) -> Any:
    """The RE2 pattern of a glob (None for one that matches nothing); raises on a bad glob."""
    # pathspec's gitignore pattern (GitWildMatchPattern is deprecated; same translation)
    from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

    from audit.rulebook.safe_regex import compile_regex

    glob = GitIgnoreSpecPattern(pattern)
    if glob.include is not True or glob.regex is None:
        return None  # a comment, an empty or a negated pattern matches nothing
    return compile_regex(glob.regex.pattern)


def glob_problem(pattern: str) -> str | None:
    """Why a glob cannot be used in the config ("!" negation is not supported), or None."""
    if pattern.startswith("!"):
        return f"negated globs ({pattern!r}) are not supported"
    try:
        compiled(pattern)
    except Exception as exc:  # pathspec's or RE2's complaint, on one line
        return f"bad glob {pattern!r} ({exc})"
    return None
