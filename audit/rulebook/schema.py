"""The schema of a rule pack: pydantic models, and their errors as one line each.

The models say what a pack may hold; schemas/rule-pack.schema.json is generated from them (so
editors complete and check packs), and the loader validates every pack file with them. What
the models cannot know alone (lexicons defined in other files, RE2, spaCy's own pattern
checks) the loader checks after them, with messages in the same form:
`FILE: rule ID: what is wrong`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from audit.core.labels import LABELS
from audit.core.severity import SEVERITIES
from audit.rulebook.book import ACTIONS, BLOCK_KINDS, REQUIRED, TOKEN_ATTRS, WHEN

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
Severity = Literal["info", "warning", "error"]
Tier = Annotated[int, Field(ge=1, le=4)]
Action = Literal["cite", "edit", "remove", "add-disclaimer", "disclose"]
Label = Literal[
    "unsourced-statistic",
    "vague-attribution",
    "efficacy-claim",
    "spam-link",
    "absolute-claim",
    "safety-claim",
]
BlockKind = Literal[
    "paragraph", "heading", "list-item", "table-cell", "blockquote", "caption", "title", "meta",
    "alt", "footnote",
]  # fmt: skip
# The Literal types above spell out the lists the rest of the tool uses; they must agree.
assert Severity.__args__ == SEVERITIES and Action.__args__ == ACTIONS  # type: ignore[attr-defined]
assert Label.__args__ == LABELS and set(BlockKind.__args__) == BLOCK_KINDS  # type: ignore[attr-defined]

_TOKEN_VALUE = (
    "A value as in spaCy's Matcher: a string, number or boolean, or a mapping such as "
    '{IN: [...]}, {NOT_IN: [...]}, {REGEX: "..."} (run on RE2); "@name" stands for a lexicon.'
)


NEAR_NEEDS = (
    "near needs lexicon (a defined lexicon), window (a number) and side (after|before|either)"
)
# What a value must be, said once per key: the message for any wrong value under it.
_MUST = {
    "id": "id must be lower-case words joined by hyphens",
    "category": "category must be lower-case words joined by hyphens",
    "message": "message must be text",
    "rationale": "rationale must be text",
    "suggestion": "suggestion must be text",
    "description": "description must be text",
    "patterns": "patterns must be a list of token patterns",
    "exceptions.patterns": "exceptions.patterns must be a list of token patterns",
    "derived": "derived must be true or false",
    "model": f"model must be one of {', '.join(LABELS)}, on a rule without patterns, phrases or regex",
    "exceptions": "exceptions must be a mapping with patterns and/or phrases",
    "near": NEAR_NEEDS,
    "when": "when must be a mapping",
    "when.blocks": f"when.blocks must be a list of block kinds ({', '.join(sorted(BLOCK_KINDS))})",
    "examples": "examples must be a mapping with flag and pass lists",
}
_STRINGS = (
    "phrases",
    "regex",
    "references",
    "exceptions.phrases",
    "examples.flag",
    "examples.pass",
)


class _Strict(BaseModel):
    """Unknown keys are errors, and values are not coerced (YAML "no" stays a string)."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)


class TokenSpec(_Strict):
    """One token of a pattern: the attributes a blank English pipeline sets, LEMMA and OP."""

    model_config = ConfigDict(extra="forbid", strict=True, title="Token")

    ORTH: Any = Field(None, description=_TOKEN_VALUE)
    TEXT: Any = Field(None, description=_TOKEN_VALUE)
    LOWER: Any = Field(None, description=_TOKEN_VALUE)
    NORM: Any = Field(None, description=_TOKEN_VALUE)
    LEMMA: Any = Field(
        None,
        description="A word, a lexicon or {IN: [...]}: every inflection of the words "
        "(expanded into LOWER when the pack loads).",
    )
    LENGTH: Any = Field(None, description=_TOKEN_VALUE)
    IS_ALPHA: Any = None
    IS_ASCII: Any = None
    IS_DIGIT: Any = None
    IS_LOWER: Any = None
    IS_UPPER: Any = None
    IS_TITLE: Any = None
    IS_PUNCT: Any = None
    IS_SPACE: Any = None
    IS_STOP: Any = None
    IS_SENT_START: Any = None
    LIKE_NUM: Any = None
    LIKE_URL: Any = None
    LIKE_EMAIL: Any = None
    SHAPE: Any = Field(None, description=_TOKEN_VALUE)
    OP: Any = Field(None, description='A quantifier: "?", "*", "+", "!", "{n}", "{n,m}" ...')


assert set(TokenSpec.model_fields) == TOKEN_ATTRS | {"LEMMA"}

Pattern = Annotated[list[TokenSpec], Field(min_length=1)]


class Exceptions(_Strict):
    """What cancels a match of the rule where it overlaps it."""

    patterns: list[Pattern] | None = None
    phrases: list[Text] | None = None


class Near(_Strict):
    """The match counts only with a word of `lexicon` within `window` words."""

    lexicon: str
    window: int = 8
    side: Literal["after", "before", "either"] = "after"


class When(_Strict):
    """How the sentence around a match changes the outcome."""

    cited: Literal["suppress", "keep", "info", "ignore"] = "keep"
    hedged: Literal["suppress", "keep", "info"] = "keep"
    negated: Literal["suppress", "keep"] = "suppress"
    question: Literal["suppress", "keep", "info"] = "suppress"
    scope: Literal["sentence", "link", "quote"] = "sentence"
    blocks: Annotated[list[BlockKind], Field(min_length=1)] | None = Field(
        None, description="Apply only in these kinds of block (headings, list items, ...)."
    )


assert set(When.model_fields) == set(WHEN) | {"blocks"}


class Examples(_Strict):
    flag: list[Text] = Field(default_factory=list, description="Sentences the rule flags.")
    pass_: list[Text] = Field(
        default_factory=list, alias="pass", description="Sentences it leaves alone."
    )


class RuleSpec(_Strict):
    """One rule: what to match, what cancels a match, and what a finding says."""

    model_config = ConfigDict(extra="forbid", strict=True, title="Rule")

    id: Name
    category: Name
    severity: Severity
    action: Action
    message: Text
    rationale: Text
    suggestion: Text
    patterns: list[Pattern] | None = None
    phrases: list[Text] | None = None
    regex: list[Text] | None = None
    derived: bool = False
    model: Label | None = Field(
        None, description="Reported by the trained sentence model for this label."
    )
    exceptions: Exceptions | None = None
    near: Near | None = None
    when: When | None = None
    examples: Examples | None = None
    references: list[Text] | None = None
    description: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _empty_is_missing(cls, data: Any) -> Any:
        """A required key with an empty value (`message: ""`) is reported as missing."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if k not in REQUIRED or v}
        return data

    @model_validator(mode="after")
    def _complete(self) -> RuleSpec:
        if self.model is not None and (self.patterns or self.phrases or self.regex):
            raise ValueError(_MUST["model"])
        if not (self.patterns or self.phrases or self.regex or self.derived or self.model):
            raise ValueError("needs at least one of patterns, phrases, regex")
        examples = self.examples or Examples()
        if not examples.flag or not examples.pass_:
            raise ValueError("needs at least one flag and one pass example")
        return self


assert set(RuleSpec.model_fields) == set(REQUIRED) | {
    "patterns", "phrases", "regex", "exceptions", "near", "when", "examples", "references",
    "description", "derived", "model",
}  # fmt: skip


class RulePack(_Strict):
    """A rule pack file (rules/*.yml, or a team's own with --rules or the config's `rules`)."""

    model_config = ConfigDict(extra="forbid", strict=True, title="claims-audit rule pack")

    pack: str | None = Field(None, description="The pack's name (default: the file name).")
    description: str | None = None
    lexicons: dict[str, list[str]] | None = Field(
        None, description='Word lists, referred to as "@name" in patterns and by `near`.'
    )
    tiers: dict[Tier, list[str]] | None = Field(
        None,
        description="Source quality tier (1 best) -> the domains in it.",
        json_schema_extra={"propertyNames": {"enum": ["1", "2", "3", "4"]}},
    )
    rules: list[RuleSpec] | None = None


def validate_pack(name: str, data: Any) -> RulePack:
    """The pack, or a RuleError naming the file, the rule and what is wrong."""
    from audit.core.errors import RuleError

    if not isinstance(data, dict):
        raise RuleError(f"{name}: a rule pack must be a mapping with 'rules' and/or 'lexicons'")
    try:
        return RulePack.model_validate(data)
    except ValidationError as exc:
        raise RuleError(pack_error(name, data, exc)) from None


def pack_error(name: str, data: dict[str, Any], exc: ValidationError) -> str:
    """The first problem of a pack, as one line."""
    errors = exc.errors()
    first = errors[0]
    loc = first["loc"]
    if loc and loc[0] == "rules" and len(loc) > 1 and isinstance(loc[1], int):
        index = loc[1]
        raw = data["rules"][index]
        rule_errors = [e for e in errors if e["loc"][:2] == ("rules", index)]
        rid = raw.get("id") if isinstance(raw, dict) else None
        where = f"{name}: rule {rid if rid else '#' + str(index + 1)}"
        return f"{where}: {_rule_problem(rule_errors)}"
    return f"{name}: {_pack_problem(errors)}"


def _pack_problem(errors: list[Any]) -> str:
    unknown = [str(e["loc"][0]) for e in errors if e["type"] == "extra_forbidden"]
    if unknown:
        return f"unknown top-level key(s): {', '.join(sorted(unknown))}"
    loc = errors[0]["loc"]
    if loc[0] == "lexicons" and len(loc) > 1:
        return f"lexicon '{loc[1]}' must be a list of strings"
    if loc[0] == "lexicons":
        return "lexicons must map names to lists of words"
    if loc[0] == "tiers":
        return "tiers must map 1, 2, 3 or 4 to a list of domains"
    if loc[0] == "rules":
        return "'rules' must be a list"
    return f"{loc[0]} must be text"


def _rule_problem(errors: list[Any]) -> str:
    """One rule's first problem: missing keys, unknown keys, then the first wrong value."""
    inner = [(e, e["loc"][2:]) for e in errors]
    for error, loc in inner:
        if not loc:  # the rule as a whole: not a mapping, or a rule of RuleSpec._complete
            return (
                _value_problem(error, loc)
                if error["type"] == "value_error"
                else "must be a mapping"
            )
    missing = {str(loc[0]) for e, loc in inner if e["type"] == "missing" and len(loc) == 1}
    if missing:
        return f"missing {', '.join(k for k in REQUIRED if k in missing)}"
    unknown = [str(loc[0]) for e, loc in inner if e["type"] == "extra_forbidden" and len(loc) == 1]
    if unknown:
        return f"unknown key(s): {', '.join(sorted(unknown))}"
    error, loc = inner[0]
    if "patterns" in loc and len(loc) > loc.index("patterns") + 1:
        return _pattern_problem(error, loc)
    return _value_problem(error, loc)


def _value_problem(error: Any, loc: tuple[Any, ...]) -> str:
    keys = [str(part) for part in loc if not isinstance(part, int)]
    path = ".".join(keys)
    if error["type"] == "value_error":  # a rule of _complete, said as it was raised
        return str(error["msg"]).removeprefix("Value error, ")
    if path.startswith("when.") and error["type"] == "extra_forbidden":
        return f"{path} is not a known condition ({', '.join(WHEN)})"
    if path in _MUST:
        return _MUST[path]
    if error["type"] == "literal_error":
        choices = error["ctx"]["expected"].replace("'", "").replace(" or ", ", ")
        return f"{path} must be one of {choices}"
    for key in (path, ".".join(keys[:2]), keys[0]):
        if key in _STRINGS:
            return f"{key} must be a list of non-empty strings"
        if key in _MUST:
            return _MUST[key]
    return f"{path}: {error['msg']}"


def _pattern_problem(error: Any, loc: tuple[Any, ...]) -> str:
    """A problem inside a token pattern, named as "patterns #N" (N counted from 1)."""
    at = loc.index("patterns")
    key = ".".join(str(p) for p in loc[: at + 1])
    label = f"{key} #{loc[at + 1] + 1}"
    rest = loc[at + 2 :]
    if error["type"] == "extra_forbidden" and len(rest) == 2:
        return f"{label}: attribute {rest[1]} is not available in the default pipeline"
    if rest and error["type"] in ("model_type", "dict_type"):
        return f"{label}: each token spec must be a mapping"
    if not rest:
        return f"{label} must be a non-empty list of token specs"
    return f"{label}: {error['msg']}"
