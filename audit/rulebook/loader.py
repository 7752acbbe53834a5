"""Loading rule packs: YAML files of data, validated once and turned into a RuleBook.

A rule names what to match (spaCy token patterns, phrase lists, rarely a regex), what cancels a
match (exceptions), and how the sentence around it changes the outcome (a citation, a hedge, a
negation, a question). Word lists shared by several rules live in `lexicons:` and are referred
to as "@name" inside patterns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from audit.core.errors import RuleError
from audit.core.labels import LABELS
from audit.core.severity import SEVERITIES
from audit.rulebook.book import (
    _ID,
    ACTIONS,
    ALLOWED,
    BLOCK_KINDS,
    REQUIRED,
    WHEN,
    WHEN_DEFAULTS,
    Rule,
    RuleBook,
    default_rule_dir,
)
from audit.rulebook.safe_regex import check_regex
from audit.rulebook.token_specs import check_matcher_input
from audit.rulebook.token_specs import patterns as _patterns


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
    """Load the bundled packs plus `extra` files or folders."""
    return _load(list(extra or ()), bundled)


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
            check_matcher_input(rule)
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
        if model not in LABELS or patterns or phrases or regex:
            raise RuleError(
                f"{where}: model must be one of {', '.join(LABELS)}, "
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
