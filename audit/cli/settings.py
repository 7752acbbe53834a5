"""Which config file applies, and `--show-settings`: every setting once the options are applied."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from audit.cli.exit_codes import EXIT_CLEAN
from audit.cli.messages import say
from audit.core.errors import UsageError
from audit.policy.config import Config, find_config, load_config


def run_config(args: argparse.Namespace) -> Config:
    """The config named by --config, or found upwards, or none with --no-config."""
    if args.config and args.no_config:
        raise UsageError("use either --config FILE or --no-config")
    notes: list[str] = []
    if args.config:
        path: Path | None = Path(args.config)
    elif args.no_config:
        path = None
    else:
        path = find_config(notes=notes)
    config = load_config(path)
    for note in notes:
        say(note, warning=True)
    return config


def fail_on(args: argparse.Namespace, config: Config) -> str:
    return str(args.fail_on or config.fail_on or "warning")


def min_severity(args: argparse.Namespace, config: Config) -> str:
    return str(args.min_severity or config.min_severity or "info")


def show_settings(args: argparse.Namespace, config: Config) -> int:
    """The config file in use and every setting after the command line is applied (TOML)."""

    def value(v: object) -> str:
        if isinstance(v, Path):
            v = str(v)
        if isinstance(v, set):
            v = sorted(v)
        return json.dumps(v, ensure_ascii=False)

    where = str(config.path) if config.path else f"none (searched from {Path.cwd()} upwards)"
    if args.no_config:
        where = "none (--no-config)"
    lines = [
        f"# config file: {where}",
        f"fail-on = {value(fail_on(args, config))}",
        f"min-severity = {value(min_severity(args, config))}",
        f"packs = {value(config.packs if config.packs is not None else 'all')}",
        f"rules = {value([str(p) for p in config.rules] + list(args.rules))}",
        f"disable = {value(config.disable)}",
        f"include = {value(config.include)}",
        f"exclude = {value(config.exclude)}",
        f"baseline = {value(args.baseline or (str(config.baseline) if config.baseline else ''))}",
        f"require-suppression-reason = {value(config.require_suppression_reason)}",
        f"force-exclude = {value(config.force_exclude or args.force_exclude)}",
        f"cited-claims = {value(config.cited_claims)}",
        f"site = {value(config.site)}",
        "",
        "[severity]",
        *(f"{value(k)} = {value(v)}" for k, v in sorted(config.severity.items())),
        "",
        "[source-tiers]",
        *(f"{value(k)} = {v}" for k, v in sorted(config.source_tiers.items())),
    ]
    for o in config.overrides:
        severity = ", ".join(f"{value(k)} = {value(v)}" for k, v in o.severity.items())
        lines += [
            "",
            "[[overrides]]",
            f"files = {value(o.files)}",
            f"disable = {value(o.disable)}",
            f"severity = {{ {severity} }}",
        ]
    sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_CLEAN
