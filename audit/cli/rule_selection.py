"""The rule book of a run, built once: bundled packs (or the config's `packs`), extra packs,
the config's source tiers and site, then --select / --ignore."""

from __future__ import annotations

import argparse
import difflib
from dataclasses import replace
from pathlib import Path

from audit.core.errors import UsageError
from audit.policy.config import Config
from audit.rulebook.book import RuleBook
from audit.rulebook.loader import load_rulebook


def rulebook_for(args: argparse.Namespace, config: Config | None = None) -> RuleBook:
    """Bundled packs (narrowed to config `packs`), config `rules`, then --rules.

    This is the full rule book of the run: the pipeline's matcher is built from it, and the
    checks look rules up in it, so what `packs` leaves out is left out everywhere.
    """
    extra = [*(config.rules if config else []), *(Path(p) for p in args.rules)]
    if args.no_bundled_rules and not extra:
        raise UsageError(
            "--no-bundled-rules leaves no rules: give a rule pack with --rules FILE "
            "(or `rules` in the config)"
        )
    book = load_rulebook(extra, bundled=not args.no_bundled_rules)
    if args.no_model:
        book = replace(book, rules=[r for r in book.rules if not r.model])
    if config is not None and config.packs is not None:
        book = _packs(book, config, extra)
    if config is not None and config.source_tiers:
        book = replace(book, tiers={**book.tiers, **config.source_tiers})
    if config is not None and config.site:
        book = replace(book, own_sites=tuple(config.site))
    return book


def _packs(book: RuleBook, config: Config, extra: list[Path]) -> RuleBook:
    """The bundled packs the config names, and every pack given as an extra file."""
    packs = config.packs or []
    known = {r.pack for r in book.rules}
    unknown = sorted(set(packs) - known)
    if unknown:
        raise UsageError(
            f"{config.path}: key 'packs': unknown pack '{unknown[0]}' "
            f"(known: {', '.join(sorted(known))})"
        )
    extra_files = {str(p) for p in extra}
    rules = [
        r for r in book.rules if r.pack in packs or any(r.file.startswith(e) for e in extra_files)
    ]
    return replace(book, rules=rules)


def selected(rulebook: RuleBook, select: str | None, ignore: str | None) -> RuleBook:
    """The rules --select and --ignore leave (ids or categories, comma lists)."""

    def names(value: str | None) -> set[str]:
        return {v.strip() for v in (value or "").split(",") if v.strip()}

    sel, ign = names(select), names(ignore)
    known = {r.id for r in rulebook.rules} | {r.category for r in rulebook.rules}
    unknown = sorted((sel | ign) - known)
    if unknown:
        close = difflib.get_close_matches(unknown[0], sorted(known), n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else " (claims-audit rules lists them)"
        raise UsageError(f"unknown rule id or category: {', '.join(unknown)}{hint}")
    if not sel and not ign:
        return rulebook
    rules = [
        r
        for r in rulebook.rules
        if (not sel or r.id in sel or r.category in sel)
        and r.id not in ign
        and r.category not in ign
    ]
    return replace(rulebook, rules=rules)
