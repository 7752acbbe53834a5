"""The rule book: rules as the rest of the tool sees them, built once per run by the loader.

A rule names what to match (spaCy token patterns, phrase lists, rarely a regex), what cancels a
match (exceptions), and how the sentence around it changes the outcome (a citation, a hedge, a
negation, a question). Word lists shared by several rules live in `lexicons:` and are referred
to as "@name" inside patterns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

ACTIONS = ("cite", "edit", "remove", "add-disclaimer", "disclose")
WHEN = {
    "cited": ("suppress", "keep", "info", "ignore"),
    "hedged": ("suppress", "keep", "info"),
    "negated": ("suppress", "keep"),
    "question": ("suppress", "keep", "info"),
    "scope": ("sentence", "link", "quote"),
}
# Block kinds the readers give (audit/readers): a rule may apply to some of them only
# (`when.blocks`), such as benefit fragments in headings and list items.
BLOCK_KINDS = frozenset(
    {"paragraph", "heading", "list-item", "table-cell", "blockquote", "caption", "title",
     "meta", "alt", "footnote"}
)  # fmt: skip
WHEN_DEFAULTS = {
    "cited": "keep",
    "hedged": "keep",
    "negated": "suppress",
    "question": "suppress",
    "scope": "sentence",
}
REQUIRED = ("id", "category", "severity", "action", "message", "rationale", "suggestion")
ALLOWED = set(REQUIRED) | {
    "patterns",
    "phrases",
    "regex",
    "exceptions",
    "near",
    "when",
    "examples",
    "references",
    "description",
    "derived",
    "model",
}
# Token attributes a blank English pipeline sets; rules must work without a trained model.
TOKEN_ATTRS = {
    "ORTH", "TEXT", "LOWER", "NORM", "LENGTH", "IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER",
    "IS_UPPER", "IS_TITLE", "IS_PUNCT", "IS_SPACE", "IS_STOP", "IS_SENT_START", "LIKE_NUM",
    "LIKE_URL", "LIKE_EMAIL", "SHAPE", "OP",
}  # fmt: skip
_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
# Token attributes a REGEX may test, and the Token attribute holding each one's text.
REGEX_ATTRS = {
    "ORTH": "text",
    "TEXT": "text",
    "LOWER": "lower_",
    "NORM": "norm_",
    "SHAPE": "shape_",
}


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    severity: str
    action: str
    message: str
    rationale: str
    suggestion: str
    file: str
    patterns: tuple = ()
    phrases: tuple[str, ...] = ()
    regex: tuple[str, ...] = ()
    exception_patterns: tuple = ()
    exception_phrases: tuple[str, ...] = ()
    near: dict | None = None
    when: dict = field(default_factory=lambda: dict(WHEN_DEFAULTS))
    examples_flag: tuple[str, ...] = ()
    examples_pass: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    description: str = ""
    pack: str = ""
    derived: bool = False  # produced by a check (links, sources), not by matching text
    model: str | None = None  # reported by the trained sentence model, for this label

    @cached_property
    def own_words(self) -> frozenset[str]:
        """Lower-cased words the rule's own patterns and phrases name.

        A negation among them is part of the claim ("no side effects", "never fails"), not a
        denial of it, so the negation check leaves it alone.
        """
        words: set[str] = set()
        for pattern in self.patterns:
            for spec in pattern:
                for attr, value in spec.items():
                    if attr not in ("ORTH", "TEXT", "LOWER", "NORM"):
                        continue
                    if isinstance(value, str):
                        words.add(value.lower())
                    elif isinstance(value, dict) and isinstance(value.get("IN"), list):
                        words.update(str(w).lower() for w in value["IN"])
        for phrase in self.phrases:
            words.update(phrase.lower().split())
        return frozenset(words)


@dataclass
class RuleBook:
    rules: list[Rule]
    lexicons: dict[str, tuple[str, ...]]
    files: list[str]
    extra_paths: tuple[Path, ...] = ()
    bundled: bool = True
    tiers: dict[str, int] = field(default_factory=dict)  # domain -> source tier (1 best)
    own_sites: tuple[str, ...] = ()  # the audited site (config `site`): its links cite nothing

    def __post_init__(self) -> None:
        self.by_id = {r.id: r for r in self.rules}

    def lexicon(self, name: str) -> tuple[str, ...]:
        return self.lexicons.get(name, ())


def default_rule_dir() -> Path:
    """The bundled rules/ folder: beside the package in a checkout or editable install, or
    installed into the wheel as the data package `audit.rulepacks`."""
    package = Path(__file__).resolve().parents[1]  # audit/
    checkout = package.parent / "rules"
    if (checkout / "lexicons.yml").is_file():
        return checkout
    return package / "rulepacks"
