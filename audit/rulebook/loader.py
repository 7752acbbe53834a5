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
from audit.rulebook.book import Rule, RuleBook, default_rule_dir
from audit.rulebook.build import build_rule
from audit.rulebook.schema import RulePack, validate_pack


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


def _read(path: Path) -> Any:
    """The YAML data of a pack file (None for an empty file), or a one-line RuleError."""
    import yaml

    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        _refuse_aliases(name, text)
        return yaml.load(text, Loader=_yaml_loader())  # noqa: S506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RuleError(f"{name}{where}: invalid YAML: {problem}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"{name}: cannot read rule file: {exc}") from None


def _load(extra: list[Path], bundled: bool) -> RuleBook:
    """Every pack validated first (lexicons and tiers may serve other files), then the rules."""
    paths = ([default_rule_dir()] if bundled else []) + list(extra or [])
    packs: list[tuple[str, dict[str, Any], RulePack]] = []
    lexicons: dict[str, tuple[str, ...]] = {}
    tiers: dict[str, int] = {}
    for f in rule_files(paths):
        data = _read(f)
        if data is None:
            continue
        pack = validate_pack(str(f), data)
        for lex_name, words in (pack.lexicons or {}).items():
            lexicons[lex_name] = tuple(dict.fromkeys(lexicons.get(lex_name, ()) + tuple(words)))
        for tier, domains in (pack.tiers or {}).items():
            for domain in domains:
                tiers[domain.lower().removeprefix("www.")] = tier
        packs.append((str(f), data, pack))
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for name, data, pack in packs:
        pack_name = pack.pack or Path(name).stem
        for raw, spec in zip(data.get("rules") or [], pack.rules or [], strict=True):
            rule = build_rule(name, pack_name, raw, spec, lexicons)
            if rule.id in seen:
                raise RuleError(f"{name}: rule {rule.id}: id already defined in {seen[rule.id]}")
            seen[rule.id] = name
            rules.append(rule)
    return RuleBook(rules, lexicons, [n for n, _, _ in packs], tuple(extra), bundled, tiers)
