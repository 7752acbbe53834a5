"""From a validated rule spec to the Rule the rest of the tool uses.

The schema (audit.rulebook.schema) has checked each pack on its own; what needs every pack
(lexicons may be defined in any file), RE2 or spaCy is checked here, with errors in the same
one-line form.
"""

from __future__ import annotations

from typing import Any

from audit.core.errors import RuleError
from audit.rulebook.book import WHEN_DEFAULTS, Rule
from audit.rulebook.safe_regex import check_regex
from audit.rulebook.schema import NEAR_NEEDS, RuleSpec
from audit.rulebook.token_specs import check_matcher_input, patterns


def build_rule(
    file: str, pack: str, raw: dict[str, Any], spec: RuleSpec, lexicons: dict[str, tuple[str, ...]]
) -> Rule:
    """The rule of `spec` (validated) and `raw` (the same rule as read, for its patterns)."""
    where = f"{file}: rule {spec.id}"
    for rx in spec.regex or ():
        check_regex(where, rx)
    near = None
    if spec.near is not None:
        if spec.near.lexicon not in lexicons:
            raise RuleError(f"{where}: {NEAR_NEEDS}")
        near = spec.near.model_dump()
    when: dict[str, Any] = dict(WHEN_DEFAULTS)
    if spec.when is not None:
        when.update(spec.when.model_dump(exclude={"blocks"}))
        if spec.when.blocks:
            when["blocks"] = tuple(spec.when.blocks)
    exceptions = spec.exceptions
    raw_exceptions = raw.get("exceptions") or {}
    examples = spec.examples
    assert examples is not None  # the schema requires flag and pass examples
    rule = Rule(
        id=spec.id,
        category=spec.category,
        severity=spec.severity,
        action=spec.action,
        message=spec.message,
        rationale=" ".join(spec.rationale.split()),
        suggestion=spec.suggestion,
        file=file,
        patterns=tuple(patterns(where, "patterns", raw.get("patterns"), lexicons)),
        phrases=tuple(spec.phrases or ()),
        regex=tuple(spec.regex or ()),
        exception_patterns=tuple(
            patterns(where, "exceptions.patterns", raw_exceptions.get("patterns"), lexicons)
        ),
        exception_phrases=tuple(exceptions.phrases or ()) if exceptions else (),
        near=near,
        when=when,
        examples_flag=tuple(examples.flag),
        examples_pass=tuple(examples.pass_),
        references=tuple(spec.references or ()),
        description=" ".join((spec.description or "").split()),
        pack=pack,
        derived=spec.derived or spec.model is not None,
        model=spec.model,
    )
    check_matcher_input(rule)
    return rule
