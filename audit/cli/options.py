"""The command line's options: one parser per command, usage errors on one line (exit 2)."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

from audit import PROG, __version__
from audit.inputs.limits import Limits
from audit.writers import WRITERS

_DEFAULTS = Limits()


class OneLineParser(argparse.ArgumentParser):
    """argparse with usage errors on one line, like every other error (exit 2)."""

    def error(self, message: str):  # type: ignore[no-untyped-def, override]
        self.exit(2, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


def number(
    kind: type[int] | type[float], minimum: float | None = None, above: float | None = None
) -> Callable[[str], float]:
    """An argparse type: a finite int or float within bounds (a usage error, exit 2, if not)."""

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if isinstance(value, float) and not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
        if minimum is not None and value < minimum:
            raise argparse.ArgumentTypeError(f"must be {minimum:g} or more, not {text}")
        if above is not None and value <= above:
            raise argparse.ArgumentTypeError(f"must be more than {above:g}, not {text}")
        return value

    parse.__name__ = kind.__name__  # argparse names the type in its messages
    return parse


def add_rule_options(p: argparse.ArgumentParser) -> None:
    """Which rule packs to use: every command that loads rules takes these."""
    p.add_argument(
        "--rules",
        action="append",
        default=[],
        metavar="PATH",
        help="extra rule pack file or folder (repeatable)",
    )
    p.add_argument(
        "--no-bundled-rules", action="store_true", help="use only the packs given with --rules"
    )
    p.add_argument(
        "--no-model",
        action="store_true",
        help="rules alone: leave out the trained sentence model's findings (rules/model.yml)",
    )


def audit_parser() -> argparse.ArgumentParser:
    """The parser of the audit command (and of `baseline`, which takes the same options)."""
    p = OneLineParser(
        prog=PROG,
        description="Flag health claims that need a citation or an edit before publication.",
        epilog="Other commands: `%(prog)s rules [show ID]`, `%(prog)s eval CORPUS_DIR`, "
        "`%(prog)s baseline PATHS -o FILE`, `%(prog)s review-log DECISIONS -o FILE`. "
        "Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="files, folders, or - for stdin")
    _output_options(p)
    _project_options(p)
    web = p.add_argument_group("web pages and links")
    _web_options(p, web)
    _scale_options(p.add_argument_group("scale and corpus exports"))
    _selection_options(p)
    p.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    add_rule_options(p)
    return p


def _output_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--format",
        default="text",
        metavar="FORMATS",
        help="comma-separated output formats: " + ", ".join(WRITERS) + " (default: text)",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write the report here, not stdout")
    p.add_argument(
        "--out-dir",
        metavar="DIR",
        help="write each format to DIR/claims-audit.EXT (needed for several formats)",
    )
    p.add_argument(
        "--fail-on",
        choices=("error", "warning", "info"),
        help="exit 1 when a finding is at or above this severity (default: warning)",
    )
    p.add_argument(
        "--min-severity",
        choices=("info", "warning", "error"),
        help="leave out findings below this severity (default: info)",
    )
    p.add_argument(
        "--no-exit", action="store_true", help="exit 0 even when findings fail --fail-on"
    )


def _project_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", metavar="FILE", help="config file (default: search upwards)")
    p.add_argument(
        "--show-settings",
        action="store_true",
        help="print which config file applies and the settings it resolves to, then exit",
    )
    p.add_argument("--no-config", action="store_true", help="ignore configuration files")
    p.add_argument("--baseline", metavar="FILE", help="fail only on findings not in this baseline")
    p.add_argument(
        "--no-baseline", action="store_true", help="ignore the config's baseline for this run"
    )
    p.add_argument(
        "--force-exclude",
        action="store_true",
        help="apply the config's exclude globs to files named on the command line too "
        "(for pre-commit, which names every file)",
    )
    p.add_argument(
        "--show-files",
        action="store_true",
        help="print the files and pages the run would audit, one per line, then exit",
    )
    p.add_argument("--diff", metavar="REF", help="audit only lines changed since this git ref")
    review = p.add_argument_group("compliance review (docs/review.md)")
    review.add_argument(
        "--decisions",
        action="append",
        default=[],
        metavar="FILE",
        help="reviewers' decisions exported from the HTML report: accepted and dismissed "
        "findings no longer fail (repeatable; later files win)",
    )
    review.add_argument(
        "--claims-library",
        metavar="FILE",
        help="approved-claims library (YAML or CSV): approved wordings pass, drifted ones warn",
    )


def _web_options(p: argparse.ArgumentParser, web: argparse._ArgumentGroup) -> None:
    web.add_argument(
        "--urls", metavar="FILE", help="audit the http(s) URLs listed in FILE, one a line"
    )
    web.add_argument(
        "--sitemap", metavar="URL", help="audit the pages of a sitemap (or sitemap index)"
    )
    web.add_argument(
        "--check-links",
        action="store_true",
        help="request every cited link; report broken ones and figures the source does not state",
    )
    web.add_argument(
        "--cache-dir", metavar="DIR", help="link-check cache (default: ~/.cache/claims-audit)"
    )
    web.add_argument(
        "--cache-ttl",
        type=number(float, minimum=0),
        default=24.0,
        metavar="HOURS",
        help="cache expiry (default 24)",
    )
    web.add_argument(
        "--no-extract", action="store_true", help="audit whole web pages, not only the main content"
    )
    web.add_argument(
        "--timeout",
        type=number(float, above=0),
        default=_DEFAULTS.deadline,
        metavar="SECONDS",
        help="time allowed for each request, from connecting to the last byte "
        f"(default {_DEFAULTS.deadline:g})",
    )
    web.add_argument(
        "--max-bytes",
        type=number(int, minimum=1),
        default=_DEFAULTS.max_bytes,
        metavar="N",
        help="cap on a fetched body",
    )
    p.add_argument(
        "--max-file-size",
        type=number(int, minimum=1),
        default=_DEFAULTS.max_file_bytes,
        metavar="BYTES",
        help=f"refuse files larger than this (default {_DEFAULTS.max_file_bytes / 1e6:g} MB)",
    )
    web.add_argument(
        "--allow-private",
        action="store_true",
        help="allow fetching loopback, private and link-local addresses (refused by default)",
    )


def _scale_options(scale: argparse._ArgumentGroup) -> None:
    scale.add_argument(
        "--jobs",
        type=number(int, minimum=1),
        metavar="N",
        help="worker processes (default: all cores; 1 audits in this process)",
    )
    scale.add_argument(
        "--text-column",
        metavar="NAME",
        help="audit CSV, JSON Lines or Parquet exports: the column holding each row's text",
    )
    scale.add_argument(
        "--id-column", metavar="NAME", help="column used as the row's path (default FILE:ROW)"
    )
    scale.add_argument(
        "--format-column",
        metavar="NAME",
        help="column holding each row's format: markdown, html or text (default --input-format)",
    )
    scale.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="dask: audit partitions on a Dask cluster (needs claims-audit[dask])",
    )
    scale.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler address (default with --engine dask: a local cluster)",
    )
    scale.add_argument(
        "--partitions",
        type=number(int, minimum=1),
        metavar="N",
        help="Dask partitions for a folder of files (default: 4 per worker)",
    )


def _selection_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--select", metavar="IDS", help="only these rule ids or categories (comma list)")
    p.add_argument("--ignore", metavar="IDS", help="skip these rule ids or categories (comma list)")
    p.add_argument(
        "--input-format",
        choices=("auto", "markdown", "html", "text"),
        default="auto",
        help="format for stdin and files with other suffixes (default: guess)",
    )
    p.add_argument(
        "--stdin-filename",
        metavar="PATH",
        help="the file standard input comes from (editors): reports name it, its suffix sets "
        "the format, and the config's per-file settings apply to it",
    )
    p.add_argument(
        "--model",
        metavar="NAME",
        help="an installed spaCy pipeline to use instead of blank English",
    )
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the summary line")
    p.add_argument(
        "--output-format",
        choices=["full", "concise"],
        default="full",
        help="console findings: full (the sentence, the matched words, the fix) or concise "
        "(one line each)",
    )
    p.add_argument(
        "--statistics",
        action="store_true",
        help="console: how many findings each rule made, instead of the findings",
    )
    p.add_argument("--batch-size", type=number(int, minimum=1), default=16, help=argparse.SUPPRESS)


def limits(args: argparse.Namespace) -> Limits:
    """The run's limits, from the options that set them."""
    return Limits(
        max_file_bytes=args.max_file_size,
        deadline=args.timeout,
        max_bytes=args.max_bytes,
        allow_private=args.allow_private,
    )
