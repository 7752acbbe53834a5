"""Rule packs: YAML files of data, validated once and turned into matcher input.

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
from typing import Any

from audit.core.errors import RuleError
from audit.rulebook.safe_regex import check_regex

SEVERITIES = ("info", "warning", "error")
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


def rule_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(q for q in p.iterdir() if q.suffix in (".yml", ".yaml")))
        elif p.exists():
            files.append(p)
        else:
            raise RuleError(f"{p}: rule file or folder not found")
    return files


def load_rulebook(extra: list[Path] | None = None, bundled: bool = True) -> RuleBook:
    """Load the bundled packs plus `extra` files or folders (cached: the pipeline asks too)."""
    key = (tuple(str(p) for p in extra or ()), bundled)
    if key not in _CACHE:
        _CACHE[key] = _load(list(extra or ()), bundled)
    return _CACHE[key]


_CACHE: dict[tuple, RuleBook] = {}


def _yaml_loader():
    """A safe YAML loader where only true/false are booleans (YAML 1.2 style).

    Rule packs are full of words such as "no", "on" and "off"; YAML 1.1 would silently turn
    them into booleans inside word lists.
    """
    import re as _re

    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10x faster

    class RuleLoader(base):
        pass

    RuleLoader.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    RuleLoader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        _re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )
    return RuleLoader


def _refuse_aliases(name: str, text: str) -> None:
    """Refuse YAML anchors and aliases before anything is built from them.

    Aliases let 1.5 KB of YAML stand for gigabytes of nested lists (a "billion laughs"), and
    no rule pack needs them. The event stream is read first: it stays as small as the text.
    """
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for event in yaml.parse(text, Loader=base):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            mark = event.start_mark
            where = f":{mark.line + 1}" if mark is not None else ""
            raise RuleError(
                f"{name}{where}: YAML anchors and aliases (&name, *name) are not allowed "
                "in rule packs; write the values out"
            )


def _load(extra: list[Path], bundled: bool) -> RuleBook:
    import yaml

    paths = ([default_rule_dir()] if bundled else []) + list(extra or [])
    raw_packs: list[tuple[str, dict]] = []
    lexicons: dict[str, tuple[str, ...]] = {}
    tiers: dict[str, int] = {}
    for f in rule_files(paths):
        name = str(f)
        try:
            text = f.read_text(encoding="utf-8")
            _refuse_aliases(name, text)
            data = yaml.load(text, Loader=_yaml_loader())  # noqa: S506
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f":{mark.line + 1}" if mark is not None else ""
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise RuleError(f"{name}{where}: invalid YAML: {problem}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise RuleError(f"{name}: cannot read rule file: {exc}") from None
        if data is None:
            continue
        if not isinstance(data, dict):
            raise RuleError(f"{name}: a rule pack must be a mapping with 'rules' and/or 'lexicons'")
        unknown = set(data) - {"pack", "description", "lexicons", "rules", "tiers"}
        if unknown:
            raise RuleError(f"{name}: unknown top-level key(s): {', '.join(sorted(unknown))}")
        for lex_name, words in (data.get("lexicons") or {}).items():
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                raise RuleError(f"{name}: lexicon '{lex_name}' must be a list of strings")
            lexicons[lex_name] = tuple(dict.fromkeys(lexicons.get(lex_name, ()) + tuple(words)))
        for tier, domains in (data.get("tiers") or {}).items():
            if tier not in (1, 2, 3, 4) or not isinstance(domains, list):
                raise RuleError(f"{name}: tiers must map 1, 2, 3 or 4 to a list of domains")
            for domain in domains:
                tiers[str(domain).lower().removeprefix("www.")] = tier
        raw_packs.append((name, data))
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for name, data in raw_packs:
        raw_rules = data.get("rules") or []
        if not isinstance(raw_rules, list):
            raise RuleError(f"{name}: 'rules' must be a list")
        pack = str(data.get("pack") or Path(name).stem)
        for i, raw in enumerate(raw_rules):
            rule = _rule(name, i, raw, lexicons, pack)
            if rule.id in seen:
                raise RuleError(f"{name}: rule {rule.id}: id already defined in {seen[rule.id]}")
            seen[rule.id] = name
            rules.append(rule)
    return RuleBook(rules, lexicons, [n for n, _ in raw_packs], tuple(extra), bundled, tiers)


def _rule(file: str, index: int, raw: Any, lexicons: dict, pack: str = "") -> Rule:
    if not isinstance(raw, dict):
        raise RuleError(f"{file}: rule #{index + 1}: must be a mapping")
    rid = raw.get("id")
    where = f"{file}: rule {rid if rid else '#' + str(index + 1)}"
    missing = [k for k in REQUIRED if not raw.get(k)]
    if missing:
        raise RuleError(f"{where}: missing {', '.join(missing)}")
    unknown = set(raw) - ALLOWED
    if unknown:
        raise RuleError(f"{where}: unknown key(s): {', '.join(sorted(unknown))}")
    if not isinstance(rid, str) or not _ID.match(rid):
        raise RuleError(f"{where}: id must be lower-case words joined by hyphens")
    if not isinstance(raw["category"], str) or not _ID.match(raw["category"]):
        raise RuleError(f"{where}: category must be lower-case words joined by hyphens")
    if raw["severity"] not in SEVERITIES:
        raise RuleError(f"{where}: severity must be one of {', '.join(SEVERITIES)}")
    if raw["action"] not in ACTIONS:
        raise RuleError(f"{where}: action must be one of {', '.join(ACTIONS)}")
    for key in ("message", "rationale", "suggestion"):
        if not isinstance(raw[key], str):
            raise RuleError(f"{where}: {key} must be text")
    patterns = tuple(_patterns(where, "patterns", raw.get("patterns"), lexicons))
    phrases = tuple(_strings(where, "phrases", raw.get("phrases")))
    regex = tuple(_strings(where, "regex", raw.get("regex")))
    for rx in regex:
        check_regex(where, rx)
    derived = raw.get("derived", False)
    if not isinstance(derived, bool):
        raise RuleError(f"{where}: derived must be true or false")
    model = raw.get("model")
    if model is not None:
        from audit.checks.sentence_model import LABELS as MODEL_LABELS

        if model not in MODEL_LABELS or patterns or phrases or regex:
            raise RuleError(
                f"{where}: model must be one of {', '.join(MODEL_LABELS)}, "
                "on a rule without patterns, phrases or regex"
            )
        derived = True
    if not (patterns or phrases or regex or derived):
        raise RuleError(f"{where}: needs at least one of patterns, phrases, regex")
    exc = raw.get("exceptions") or {}
    if not isinstance(exc, dict) or set(exc) - {"patterns", "phrases"}:
        raise RuleError(f"{where}: exceptions must be a mapping with patterns and/or phrases")
    near = raw.get("near")
    if near is not None:
        if (
            not isinstance(near, dict)
            or set(near) - {"lexicon", "window", "side"}
            or near.get("lexicon") not in lexicons
            or not isinstance(near.get("window", 8), int)
            or near.get("side", "after") not in ("after", "before", "either")
        ):
            raise RuleError(
                f"{where}: near needs lexicon (a defined lexicon), window (a number) "
                "and side (after|before|either)"
            )
        near = {"lexicon": near["lexicon"], "window": near.get("window", 8),
                "side": near.get("side", "after")}  # fmt: skip
    when = dict(WHEN_DEFAULTS)
    raw_when = raw.get("when") or {}
    if not isinstance(raw_when, dict):
        raise RuleError(f"{where}: when must be a mapping")
    for key, value in raw_when.items():
        if key == "blocks":
            if not isinstance(value, list) or not set(value) <= BLOCK_KINDS or not value:
                raise RuleError(
                    f"{where}: when.blocks must be a list of block kinds "
                    f"({', '.join(sorted(BLOCK_KINDS))})"
                )
            when[key] = tuple(value)
            continue
        if key not in WHEN:
            raise RuleError(f"{where}: when.{key} is not a known condition ({', '.join(WHEN)})")
        if value not in WHEN[key]:
            raise RuleError(f"{where}: when.{key} must be one of {', '.join(WHEN[key])}")
        when[key] = value
    examples = raw.get("examples") or {}
    if not isinstance(examples, dict) or set(examples) - {"flag", "pass"}:
        raise RuleError(f"{where}: examples must be a mapping with flag and pass lists")
    flag = tuple(_strings(where, "examples.flag", examples.get("flag")))
    passing = tuple(_strings(where, "examples.pass", examples.get("pass")))
    if not flag or not passing:
        raise RuleError(f"{where}: needs at least one flag and one pass example")
    refs = tuple(_strings(where, "references", raw.get("references")))
    return Rule(
        id=rid,
        category=raw["category"],
        severity=raw["severity"],
        action=raw["action"],
        message=raw["message"].strip(),
        rationale=" ".join(raw["rationale"].split()),
        suggestion=raw["suggestion"].strip(),
        file=file,
        patterns=patterns,
        phrases=phrases,
        regex=regex,
        exception_patterns=tuple(
            _patterns(where, "exceptions.patterns", exc.get("patterns"), lexicons)
        ),
        exception_phrases=tuple(_strings(where, "exceptions.phrases", exc.get("phrases"))),
        near=near,
        when=when,
        examples_flag=flag,
        examples_pass=passing,
        references=refs,
        description=" ".join(str(raw.get("description") or "").split()),
        pack=pack,
        derived=derived,
        model=model,
    )


def _strings(where: str, key: str, value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RuleError(f"{where}: {key} must be a list of non-empty strings")
    return [v.strip() for v in value]


def _patterns(where: str, key: str, value: Any, lexicons: dict) -> list[list[dict]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise RuleError(f"{where}: {key} must be a list of token patterns")
    out = []
    for n, pattern in enumerate(value, 1):
        if not isinstance(pattern, list) or not pattern:
            raise RuleError(f"{where}: {key} #{n} must be a non-empty list of token specs")
        out.append([_token(where, f"{key} #{n}", spec, lexicons) for spec in pattern])
    return out


def _token(where: str, label: str, spec: Any, lexicons: dict) -> dict:
    if not isinstance(spec, dict):
        raise RuleError(f"{where}: {label}: each token spec must be a mapping")
    out: dict = {}
    if "LEMMA" in spec:
        spec = _lemma_as_lower(where, label, spec, lexicons)
    for attr, value in spec.items():
        if attr not in TOKEN_ATTRS:
            raise RuleError(
                f"{where}: {label}: attribute {attr} is not available in the default pipeline"
            )
        if isinstance(value, str) and value.startswith("@"):
            value = {"IN": value}
        if isinstance(value, dict):
            value = dict(value)
            if "REGEX" in value:
                if attr not in REGEX_ATTRS or not isinstance(value["REGEX"], str):
                    raise RuleError(
                        f"{where}: {label}: REGEX needs a string, on one of "
                        f"{', '.join(sorted(REGEX_ATTRS))}"
                    )
                check_regex(f"{where}: {label}", value["REGEX"])
            for op in ("IN", "NOT_IN"):
                ref = value.get(op)
                if isinstance(ref, str):
                    ref = [ref]
                if isinstance(ref, list):
                    value[op] = _expand(where, label, ref, lexicons)
        out[attr] = value
    return out


def _lemma_as_lower(where: str, label: str, spec: dict, lexicons: dict) -> dict:
    """{LEMMA: ...} as {LOWER: {IN: every form}} (audit.rulebook.lemmas)."""
    from audit.rulebook.lemmas import inflections

    spec = dict(spec)
    value = spec.pop("LEMMA")
    if "LOWER" in spec:
        raise RuleError(f"{where}: {label}: use LEMMA or LOWER in one token spec, not both")
    if isinstance(value, str):
        value = {"IN": [value]}
    if not isinstance(value, dict) or set(value) - {"IN", "NOT_IN"} or len(value) != 1:
        raise RuleError(f"{where}: {label}: LEMMA takes a word, a lexicon, or IN / NOT_IN a list")
    op, words = next(iter(value.items()))
    if isinstance(words, str):
        words = [words]
    if not isinstance(words, list):
        raise RuleError(f"{where}: {label}: LEMMA {op} needs a list of words")
    words = _expand(where, label, words, lexicons)
    spec["LOWER"] = {op: inflections([str(w) for w in words])}
    return spec


def _expand(where: str, label: str, items: list, lexicons: dict) -> list:
    """Replace "@name" items of an IN/NOT_IN list by the words of that lexicon."""
    out: list = []
    for item in items:
        if isinstance(item, str) and item.startswith("@"):
            if item[1:] not in lexicons:
                raise RuleError(f"{where}: {label}: unknown lexicon {item}")
            out.extend(lexicons[item[1:]])
        elif isinstance(item, int | float) and not isinstance(item, bool):
            out.append(str(item))  # YAML reads 2019 as a number; tokens are text
        else:
            out.append(item)
    return list(dict.fromkeys(out))
