"""The schema of the config (`.claims-audit.toml` or `[tool.claims-audit]`), and its errors.

schemas/config.schema.json is generated from `ConfigFile`; load_config validates every config
with it. An error is one line naming the file, the key and what is wrong.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)
from pydantic_core import PydanticCustomError

from audit.core.severity import SEVERITIES
from audit.policy.globs import glob_problem

Severity = Literal["info", "warning", "error"]
assert Severity.__args__ == SEVERITIES  # type: ignore[attr-defined]
Word = Annotated[str, StringConstraints(min_length=1)]
Tier = Annotated[int, Field(ge=1, le=4)]


def _usable(pattern: str) -> str:
    problem = glob_problem(pattern)
    if problem is not None:
        raise PydanticCustomError("glob", problem)
    return pattern


Glob = Annotated[str, StringConstraints(min_length=1), AfterValidator(_usable)]


class _Strict(BaseModel):
    """Unknown keys are errors, and values are not coerced ("3" is not a tier)."""

    model_config = ConfigDict(extra="forbid", strict=True)


class OverrideTable(_Strict):
    """Settings for the files a glob matches ([[overrides]])."""

    files: Annotated[list[Glob], Field(min_length=1)]
    disable: list[Word] = Field(default_factory=list)
    severity: dict[str, Severity] = Field(default_factory=dict)


class ConfigFile(_Strict):
    """claims-audit settings: `.claims-audit.toml`, or `[tool.claims-audit]` in pyproject.toml."""

    model_config = ConfigDict(extra="forbid", strict=True, title="claims-audit configuration")

    fail_on: Severity | None = Field(
        None, alias="fail-on", description="Exit 1 at or above this (default warning)."
    )
    min_severity: Severity | None = Field(
        None, alias="min-severity", description="Leave out findings below this (default info)."
    )
    packs: list[Word] | None = Field(None, description="Bundled packs to use (default: all).")
    rules: list[Word] = Field(
        default_factory=list, description="Extra rule pack files or folders, relative to here."
    )
    disable: list[Word] = Field(default_factory=list, description="Rule ids or categories.")
    severity: dict[str, Severity] = Field(
        default_factory=dict, description="Rule id or category -> severity."
    )
    include: list[Glob] = Field(default_factory=list, description="Gitignore-style globs.")
    exclude: list[Glob] = Field(default_factory=list, description="Gitignore-style globs.")
    baseline: str | None = Field(None, description="The baseline file, relative to here.")
    require_suppression_reason: bool = Field(False, alias="require-suppression-reason")
    cited_claims: Literal["keep", "info"] = Field(
        "keep",
        alias="cited-claims",
        description="Efficacy and disease claims that cite a source: keep their severity, or "
        "lower them to info (a well-cited explainer then passes the gate).",
    )
    force_exclude: bool = Field(
        False,
        alias="force-exclude",
        description="Apply `exclude` to files named on the command line too (pre-commit).",
    )
    source_tiers: dict[str, Tier] = Field(
        default_factory=dict, alias="source-tiers", description="Domain -> source tier (1 best)."
    )
    site: Word | list[Word] = Field(
        default_factory=list,
        description="The audited site's domains (one or a list): its links cite nothing.",
    )
    overrides: list[OverrideTable] = Field(default_factory=list)
    decisions: list[Word] = Field(
        default_factory=list, description="Reviewers' decisions files, relative to here."
    )
    claims_library: str | None = Field(
        None,
        alias="claims-library",
        description="The approved-claims library (YAML or CSV), relative to here.",
    )

    @property
    def sites(self) -> list[str]:
        return [self.site] if isinstance(self.site, str) else self.site


KEYS = sorted(f.alias or name for name, f in ConfigFile.model_fields.items())
OVERRIDE_KEYS = list(OverrideTable.model_fields)
# What a value must be, per key (the last key of the error's path that is listed here).
_MUST = {
    "packs": "must be a list of strings",
    "rules": "must be a list of strings",
    "disable": "must be a list of strings",
    "include": "must be a list of strings",
    "exclude": "must be a list of strings",
    "site": "must be a list of strings",
    "severity": "must be a table of rule-or-category = severity",
    "baseline": "must be a file path",
    "decisions": "must be a list of file paths",
    "claims-library": "must be a file path",
    "require-suppression-reason": "must be true or false",
    "force-exclude": "must be true or false",
    "cited-claims": 'must be "keep" or "info"',
    "source-tiers": "must be a table of domain = tier",
    "overrides": "must be an array of tables ([[overrides]])",
}


def validate_config(where: str, data: dict[str, Any]) -> ConfigFile:
    """The validated config, or a UsageError naming the file, the key and what is wrong."""
    from audit.core.errors import UsageError

    try:
        return ConfigFile.model_validate(data)
    except ValidationError as exc:
        raise UsageError(f"{where}: {config_problem(exc)}") from None


def config_problem(exc: ValidationError) -> str:
    """The first problem, unknown keys first (as they are often typos of the right key)."""
    errors = exc.errors()
    unknown = sorted(
        (len(e["loc"]), _key(e["loc"])) for e in errors if e["type"] == "extra_forbidden"
    )
    if unknown:
        depth, key = unknown[0]
        known = KEYS if depth == 1 else OVERRIDE_KEYS
        return f"unknown key '{key}' (known: {', '.join(known)})"
    error = errors[0]
    loc = error["loc"]
    key = _key(loc)
    if error["type"] == "glob":
        return f"key '{_key(loc[:-1])}': {error['msg']}"
    files = loc[0] == "overrides" and len(loc) == 3 and loc[2] == "files"
    if files and error["type"] in ("missing", "too_short"):
        return f"key '{key}' needs at least one glob"
    if error["type"] == "literal_error":
        return f"key '{key}' must be one of {', '.join(SEVERITIES)}, not {error['input']!r}"
    if loc[0] == "source-tiers" and len(loc) > 1:
        return f"key '{key}' must be 1, 2, 3 or 4"
    if loc[0] == "overrides" and len(loc) < 3:
        return f"key 'overrides' {_MUST['overrides']}"
    named = [str(p) for p in loc if isinstance(p, str) and p in _MUST]
    if named:
        return f"key '{_key(loc[: loc.index(named[-1]) + 1])}' {_MUST[named[-1]]}"
    return f"key '{key}': {error['msg']}"


def _key(loc: tuple[Any, ...]) -> str:
    """The TOML key of an error location: overrides[1].severity.x (tables counted from 1)."""
    out = ""
    for i, part in enumerate(loc):
        if isinstance(part, int):
            if i and loc[i - 1] == "overrides":
                out += f"[{part + 1}]"
            continue
        out += f".{part}" if out else str(part)
    return out
