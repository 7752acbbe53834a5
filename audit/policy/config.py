"""Project configuration: `.claims-audit.toml` or `[tool.claims-audit]` in pyproject.toml.

Found by walking up from the current directory (the first file that has a claims-audit table
wins); `--config FILE` overrides the search. Paths inside the file are relative to it.
Unknown keys and bad values stop the run with one line naming the file and the key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath

from audit.core.errors import UsageError
from audit.core.severity import SEVERITIES

KEYS = {
    "fail-on", "min-severity", "packs", "rules", "disable", "severity", "include", "exclude",
    "overrides", "baseline", "require-suppression-reason", "source-tiers", "site",
}  # fmt: skip
OVERRIDE_KEYS = {"files", "disable", "severity"}


@dataclass
class Override:
    files: list[str]
    disable: set[str] = field(default_factory=set)
    severity: dict[str, str] = field(default_factory=dict)


@dataclass
class Config:
    path: Path | None = None  # the file it came from
    root: Path = field(default_factory=Path.cwd)  # folder paths are relative to
    fail_on: str | None = None
    min_severity: str | None = None
    packs: list[str] | None = None  # bundled packs to enable (None: all)
    rules: list[Path] = field(default_factory=list)  # extra rule files or folders
    disable: set[str] = field(default_factory=set)  # rule ids or categories
    severity: dict[str, str] = field(default_factory=dict)  # rule id or category -> severity
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    overrides: list[Override] = field(default_factory=list)
    baseline: Path | None = None
    require_suppression_reason: bool = False
    source_tiers: dict[str, int] = field(default_factory=dict)  # domain -> tier 1-4
    site: list[str] = field(default_factory=list)  # the audited site's domains: not sources

    # -- per-file rules ------------------------------------------------------------------
    def relative(self, path: str) -> str:
        p = Path(path)
        try:
            return p.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return PurePosixPath(path).as_posix()

    def for_path(self, path: str) -> tuple[set[str], dict[str, str]]:
        """Disabled ids/categories and severity changes that apply to `path`."""
        disabled = set(self.disable)
        severity = dict(self.severity)
        if not self.overrides:
            return disabled, severity  # no per-file rules: no path to resolve
        rel = self.relative(path)
        for o in self.overrides:
            if any(match(rel, g) for g in o.files):
                disabled |= o.disable
                severity.update(o.severity)
        return disabled, severity

    def selects(self, path: str) -> bool:
        """Include/exclude globs for files found in folders (explicit files always count)."""
        rel = self.relative(path)
        if self.include and not any(match(rel, g) for g in self.include):
            return False
        return not any(match(rel, g) for g in self.exclude)


def match(path: str, pattern: str) -> bool:
    """Does a gitignore-style glob match the /-separated relative path?

    As in .gitignore (and ruff's exclude): a pattern without "/" matches a file or folder name
    at any depth, "**" spans folders, a pattern that names a folder covers what is inside it.
    pathspec translates the glob; RE2 runs it, so no pattern can backtrack (a glob of a dozen
    "**/" took minutes with a backtracking engine).
    """
    rx = _glob(pattern)
    return rx is not None and rx.search(path) is not None


@lru_cache(maxsize=1024)
def _glob(pattern: str):
    from pathspec.patterns.gitwildmatch import GitWildMatchPattern

    from audit.rulebook.safe_regex import compile_regex

    compiled = GitWildMatchPattern(pattern)
    if compiled.include is not True or compiled.regex is None:
        return None  # a comment, an empty or a negated pattern matches nothing
    return compile_regex(compiled.regex.pattern)


def find_config(start: Path | None = None, notes: list[str] | None = None) -> Path | None:
    """The nearest .claims-audit.toml, or pyproject.toml with [tool.claims-audit], upwards.

    A file in a folder above the current one is used only when it belongs to this user or to
    the owner of the current folder (the project's owner: a CI job running as root in a
    checkout owned by the runner still finds its config). One that belongs to someone else,
    such as /tmp/.claims-audit.toml written by another account, is skipped with a note:
    a config chooses rule files, a baseline and suppressions. A pyproject.toml that is not
    valid TOML is an error, as a broken .claims-audit.toml is: it may hold our settings.
    """
    here = (start or Path.cwd()).resolve()
    trusted = _trusted_owners(here)
    for folder in (here, *here.parents):
        for name in (".claims-audit.toml", "pyproject.toml"):
            candidate = folder / name
            if not candidate.is_file():
                continue
            if folder != here and trusted is not None:
                owner = candidate.stat().st_uid
                if owner not in trusted:
                    if notes is not None:
                        notes.append(
                            f"{candidate}: not used, it belongs to another user "
                            "(name it with --config to use it)"
                        )
                    continue
            if name == ".claims-audit.toml":
                return candidate
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as exc:
                raise UsageError(f"{candidate}: invalid TOML: {exc}") from None
            except (OSError, UnicodeDecodeError) as exc:
                raise UsageError(f"{candidate}: cannot read ({exc})") from None
            if "claims-audit" in data.get("tool", {}):
                return candidate
    return None


def _trusted_owners(here: Path) -> set[int] | None:
    import os

    if not hasattr(os, "getuid"):
        return None  # no ownership to go by (Windows)
    try:
        return {os.getuid(), here.stat().st_uid}
    except OSError:
        return {os.getuid()}


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{name}: cannot read config ({exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        if "at end of document" in message:  # say where that is
            message = message.replace(
                "end of document", f"end of document, line {text.count(chr(10)) + 1}"
            )
        raise UsageError(f"{name}: invalid TOML: {message}") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("claims-audit", {})
        where = f"{name}: [tool.claims-audit]"
    else:
        where = name
    if not isinstance(data, dict):
        raise UsageError(f"{where}: must be a table")
    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise UsageError(f"{where}: unknown key '{unknown[0]}' (known: {', '.join(sorted(KEYS))})")
    root = path.resolve().parent
    cfg = Config(path=path, root=root)
    cfg.fail_on = _choice(where, "fail-on", data.get("fail-on"))
    cfg.min_severity = _choice(where, "min-severity", data.get("min-severity"))
    if "packs" in data:
        cfg.packs = _strings(where, "packs", data["packs"])
    cfg.rules = [root / p for p in _strings(where, "rules", data.get("rules", []))]
    cfg.disable = set(_strings(where, "disable", data.get("disable", [])))
    cfg.severity = _severity_map(where, "severity", data.get("severity", {}))
    cfg.include = _globs(where, "include", data.get("include", []))
    cfg.exclude = _globs(where, "exclude", data.get("exclude", []))
    if "baseline" in data:
        if not isinstance(data["baseline"], str):
            raise UsageError(f"{where}: key 'baseline' must be a file path")
        cfg.baseline = root / data["baseline"]
    rsr = data.get("require-suppression-reason", False)
    if not isinstance(rsr, bool):
        raise UsageError(f"{where}: key 'require-suppression-reason' must be true or false")
    cfg.require_suppression_reason = rsr
    tiers = data.get("source-tiers", {})
    if not isinstance(tiers, dict):
        raise UsageError(f"{where}: key 'source-tiers' must be a table of domain = tier")
    for domain, t in tiers.items():
        if t not in (1, 2, 3, 4) or isinstance(t, bool):
            raise UsageError(f"{where}: key 'source-tiers.{domain}' must be 1, 2, 3 or 4")
        cfg.source_tiers[domain.lower().removeprefix("www.")] = t
    site = data.get("site", [])
    cfg.site = _strings(where, "site", [site] if isinstance(site, str) else site)
    overrides = data.get("overrides", [])
    if not isinstance(overrides, list) or not all(isinstance(o, dict) for o in overrides):
        raise UsageError(f"{where}: key 'overrides' must be an array of tables ([[overrides]])")
    for n, o in enumerate(overrides, 1):
        key = f"overrides[{n}]"
        bad = sorted(set(o) - OVERRIDE_KEYS)
        if bad:
            raise UsageError(
                f"{where}: unknown key '{key}.{bad[0]}' (known: files, disable, severity)"
            )
        files = _globs(where, f"{key}.files", o.get("files"))
        if not files:
            raise UsageError(f"{where}: key '{key}.files' needs at least one glob")
        cfg.overrides.append(
            Override(
                files,
                set(_strings(where, f"{key}.disable", o.get("disable", []))),
                _severity_map(where, f"{key}.severity", o.get("severity", {})),
            )
        )
    return cfg


def _choice(where: str, key: str, value) -> str | None:
    if value is None:
        return None
    if value not in SEVERITIES:
        raise UsageError(
            f"{where}: key '{key}' must be one of {', '.join(SEVERITIES)}, not {value!r}"
        )
    return value


def _strings(where: str, key: str, value) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise UsageError(f"{where}: key '{key}' must be a list of strings")
    return list(value)


def _globs(where: str, key: str, value) -> list[str]:
    """Glob strings that compile (gitignore syntax; "!" negation is not supported here)."""
    globs = _strings(where, key, value)
    for g in globs:
        if g.startswith("!"):
            raise UsageError(f"{where}: key '{key}': negated globs ({g!r}) are not supported")
        try:
            _glob(g)
        except Exception as exc:  # pathspec's or RE2's complaint, on one line
            raise UsageError(f"{where}: key '{key}': bad glob {g!r} ({exc})") from None
    return globs


def _severity_map(where: str, key: str, value) -> dict[str, str]:
    if not isinstance(value, dict):
        raise UsageError(f"{where}: key '{key}' must be a table of rule-or-category = severity")
    for k, v in value.items():
        if v not in SEVERITIES:
            raise UsageError(
                f"{where}: key '{key}.{k}' must be one of {', '.join(SEVERITIES)}, not {v!r}"
            )
    return dict(value)
