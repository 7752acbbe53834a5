"""Project configuration: `.claims-audit.toml` or `[tool.claims-audit]` in pyproject.toml.

Found by walking up from the current directory (the first file that has a claims-audit table
wins); `--config FILE` overrides the search. Paths inside the file are relative to it.
Unknown keys and bad values stop the run with one line naming the file and the key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from audit.core.errors import UsageError
from audit.policy.config_schema import ConfigFile, validate_config
from audit.policy.globs import match


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
    force_exclude: bool = False  # exclude applies to files named on the command line too
    cited_claims: str = "keep"  # "info": cited efficacy and disease claims are lowered to info
    source_tiers: dict[str, int] = field(default_factory=dict)  # domain -> tier 1-4
    site: list[str] = field(default_factory=list)  # the audited site's domains: not sources
    decisions: list[Path] = field(default_factory=list)  # reviewers' decisions files
    claims_library: Path | None = None  # the approved-claims library

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
        return not self.excludes(path)

    def excludes(self, path: str) -> bool:
        """Does an exclude glob match this path (for files named on the command line, with
        force-exclude)?"""
        rel = self.relative(path)
        return any(match(rel, g) for g in self.exclude)


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
    """The config in `path` (no file: the defaults), validated by its schema."""
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
    where = name
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("claims-audit", {})
        where = f"{name}: [tool.claims-audit]"
    if not isinstance(data, dict):
        raise UsageError(f"{where}: must be a table")
    return _config(path, validate_config(where, data))


def _config(path: Path, spec: ConfigFile) -> Config:
    """Paths made relative to the config's folder, domains without "www."."""
    root = path.resolve().parent
    return Config(
        path=path,
        root=root,
        fail_on=spec.fail_on,
        min_severity=spec.min_severity,
        packs=spec.packs,
        rules=[root / p for p in spec.rules],
        disable=set(spec.disable),
        severity={k: v for k, v in spec.severity.items()},
        include=spec.include,
        exclude=spec.exclude,
        overrides=[
            Override(o.files, set(o.disable), {k: v for k, v in o.severity.items()})
            for o in spec.overrides
        ],
        baseline=root / spec.baseline if spec.baseline is not None else None,
        require_suppression_reason=spec.require_suppression_reason,
        force_exclude=spec.force_exclude,
        cited_claims=spec.cited_claims,
        source_tiers={d.lower().removeprefix("www."): t for d, t in spec.source_tiers.items()},
        site=spec.sites,
        decisions=[root / p for p in spec.decisions],
        claims_library=root / spec.claims_library if spec.claims_library is not None else None,
    )
