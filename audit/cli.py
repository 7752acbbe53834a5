"""Command line: audit paths (default), list and show rules, evaluate on a labelled corpus.

Exit codes follow ESLint/textlint: 0 nothing at or above --fail-on, 1 findings at or above it,
2 usage error, bad rules, or an input that could not be read. Every error is one line on
stderr; no traceback reaches the user.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path

from audit import __version__
from audit.errors import AuditError, UsageError
from audit.writers import WRITERS

PROG = "claims-audit"
EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _common(p: argparse.ArgumentParser) -> None:
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


def audit_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Flag health claims that need a citation or an edit before publication.",
        epilog="Other commands: `%(prog)s rules [show ID]`, `%(prog)s eval CORPUS_DIR`, "
        "`%(prog)s baseline PATHS -o FILE`. "
        "Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="files, folders, or - for stdin")
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
    p.add_argument("--config", metavar="FILE", help="config file (default: search upwards)")
    p.add_argument("--no-config", action="store_true", help="ignore configuration files")
    p.add_argument("--baseline", metavar="FILE", help="fail only on findings not in this baseline")
    p.add_argument("--diff", metavar="REF", help="audit only lines changed since this git ref")
    web = p.add_argument_group("web pages and links")
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
        "--cache-ttl", type=float, default=24.0, metavar="HOURS", help="cache expiry (default 24)"
    )
    web.add_argument(
        "--no-extract", action="store_true", help="audit whole web pages, not only the main content"
    )
    web.add_argument(
        "--timeout", type=float, default=15.0, metavar="SECONDS", help="read timeout per request"
    )
    web.add_argument(
        "--max-bytes", type=int, default=5_000_000, metavar="N", help="cap on a fetched body"
    )
    web.add_argument(
        "--allow-private",
        action="store_true",
        help="allow fetching loopback, private and link-local addresses (refused by default)",
    )
    p.add_argument("--select", metavar="IDS", help="only these rule ids or categories (comma list)")
    p.add_argument("--ignore", metavar="IDS", help="skip these rule ids or categories (comma list)")
    p.add_argument(
        "--input-format",
        choices=("auto", "markdown", "html", "text"),
        default="auto",
        help="format for stdin and files with other suffixes (default: guess)",
    )
    p.add_argument(
        "--model",
        metavar="NAME",
        help="an installed spaCy pipeline to use instead of blank English",
    )
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the summary line")
    p.add_argument("--batch-size", type=int, default=16, help=argparse.SUPPRESS)
    p.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    _common(p)
    return p


def _rulebook(args, config=None):
    """Bundled packs (narrowed to config `packs`), config `rules`, then --rules."""
    from audit.rulebook import load_rulebook

    extra = [*(config.rules if config else []), *(Path(p) for p in args.rules)]
    book = load_rulebook(extra, bundled=not args.no_bundled_rules)
    packs = config.packs if config else None
    if packs is None:
        return book
    known = {r.pack for r in book.rules}
    unknown = sorted(set(packs) - known)
    if unknown:
        raise UsageError(
            f"{config.path}: key 'packs': unknown pack '{unknown[0]}' (known: {', '.join(sorted(known))})"
        )
    extra_files = {str(p) for p in extra}
    rules = [
        r for r in book.rules if r.pack in packs or any(r.file.startswith(e) for e in extra_files)
    ]
    return replace(book, rules=rules)


def _filter(rulebook, select: str | None, ignore: str | None):

    def names(value: str | None) -> set[str]:
        return {v.strip() for v in (value or "").split(",") if v.strip()}

    sel, ign = names(select), names(ignore)
    known = {r.id for r in rulebook.rules} | {r.category for r in rulebook.rules}
    unknown = (sel | ign) - known
    if unknown:
        raise UsageError(f"unknown rule id or category: {', '.join(sorted(unknown))}")
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


def cmd_audit(argv: list[str], baseline_mode: bool = False) -> int:
    parser = audit_parser()
    if baseline_mode:
        parser.prog = f"{PROG} baseline"
        parser.description = "Record today's findings so --baseline fails only on new ones."
    args = parser.parse_args(argv)
    from audit.config import find_config, load_config
    from audit.engine import run
    from audit.inputs import discover
    from audit.pipeline import build_pipeline
    from audit.postprocess import Policy, finish
    from audit.writers.summary import failing

    if args.config and args.no_config:
        raise UsageError("use either --config FILE or --no-config")
    config = load_config(
        Path(args.config) if args.config else None if args.no_config else find_config()
    )
    if not args.paths and not args.diff and not args.urls and not args.sitemap:
        parser.error("give at least one PATH or URL (or --diff REF, --urls FILE, --sitemap URL)")
    formats = (
        ["json"] if baseline_mode else [f.strip() for f in args.format.split(",") if f.strip()]
    )
    unknown = [f for f in formats if f not in WRITERS]
    if unknown or not formats:
        raise UsageError(
            f"--format: unknown format {', '.join(unknown) or '(none)'}; "
            f"choose from {', '.join(WRITERS)}"
        )
    if args.output and args.out_dir:
        raise UsageError("use either -o FILE or --out-dir DIR, not both")
    if len(formats) > 1 and not args.out_dir:
        raise UsageError("several formats need --out-dir DIR")
    if baseline_mode and not args.output:
        args.output = ".claims-audit-baseline.json"
    fail_on = args.fail_on or config.fail_on or "warning"
    min_severity = args.min_severity or config.min_severity or "info"

    changed = None
    if args.diff:
        from audit.gitdiff import changed_lines

        changed = changed_lines(args.diff)
    fetcher = None
    url_args: list[str] = []
    if args.urls or args.sitemap or args.check_links or any("://" in p for p in args.paths):
        from audit.fetch import Fetcher, Limits

        fetcher = Fetcher(
            Limits(
                read_timeout=args.timeout,
                max_bytes=args.max_bytes,
                allow_private=args.allow_private,
            )
        )
        if args.urls:
            from audit.sitemap import read_url_list

            url_args += read_url_list(Path(args.urls))
        if args.sitemap:
            from audit.sitemap import sitemap_urls

            try:
                url_args += sitemap_urls(fetcher, args.sitemap)
            except AuditError as exc:
                raise UsageError(str(exc)) from None
    default_paths = [] if url_args else ["."]
    inputs, missing = discover([*(args.paths or default_paths), *url_args], args.input_format)
    inputs = [
        i
        for i in inputs
        if (i.explicit or config.selects(i.path))
        and (changed is None or (i.fs_path is not None and i.fs_path.resolve() in changed))
    ]
    targets = _targets(formats, args)
    for target in targets.values():
        if target is not None and any(
            i.fs_path is not None and i.fs_path.resolve() == target.resolve() for i in inputs
        ):
            raise UsageError(f"{target}: refusing to overwrite an input file with the report")
    baseline = None
    baseline_path = Path(args.baseline) if args.baseline else config.baseline
    if baseline_path is not None and not baseline_mode:
        from audit.baseline import load_baseline

        baseline = load_baseline(baseline_path)

    full = _rulebook(args, config)
    if config.source_tiers:
        full = replace(full, tiers={**full.tiers, **config.source_tiers})
    rulebook = _filter(full, args.select, args.ignore)
    nlp = build_pipeline(full, args.model)
    from audit.writers import Report, needs_source, render

    with _progress(len(inputs), args.quiet) as tick:
        results = run(
            inputs,
            nlp,
            full,
            batch_size=max(1, args.batch_size),
            keep_source=needs_source(formats),
            on_document=tick,
            fetcher=fetcher,
            extract_main=not args.no_extract,
            collect_citations=args.check_links,
        )
    if args.check_links:
        _check_links(results, fetcher, full, args)
    finish(
        results,
        Policy(
            config=config,
            enabled={r.id for r in rulebook.rules},
            known={r.id for r in full.rules} | {r.category for r in full.rules},
            min_severity=min_severity,
            baseline=baseline,
            changed=changed,
        ),
    )
    for message in missing:
        print(f"{PROG}: {message}", file=sys.stderr)
    for r in results:
        for note in r.notes:
            print(f"{PROG}: warning: {note}", file=sys.stderr)
        if r.error:
            print(f"{PROG}: {r.error}", file=sys.stderr)

    if baseline_mode:
        from audit.baseline import render_baseline

        findings = [f for r in results for f in r.findings]
        _write_atomic(Path(args.output), render_baseline(findings))
        print(f"{PROG}: recorded {len(findings)} findings in {args.output}", file=sys.stderr)
        return EXIT_ERROR if missing or any(r.error for r in results) else EXIT_CLEAN

    from audit.writers.console import use_color

    for fmt, target in targets.items():
        report = Report(
            results,
            fail_on,
            rulebook,
            inputs=list(args.paths),
            color=fmt == "text" and target is None and use_color(sys.stdout, args.color),
            quiet=args.quiet,
        )
        text = render(fmt, report)
        if target is None:
            sys.stdout.write(text)
        else:
            _write_atomic(target, text)
    if args.no_exit:
        return EXIT_CLEAN
    if missing or any(r.error for r in results):
        return EXIT_ERROR
    return EXIT_FINDINGS if failing(results, fail_on) else EXIT_CLEAN


class _progress:
    """A tqdm bar on stderr for runs of more than a handful of files, only on a terminal."""

    def __init__(self, total: int, quiet: bool) -> None:
        self.bar = None
        if not quiet and total > 5 and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="doc", file=sys.stderr, leave=False)

    def __enter__(self):
        return (lambda _result: self.bar.update(1)) if self.bar else None

    def __exit__(self, *exc) -> None:
        if self.bar:
            self.bar.close()


def _check_links(results, fetcher, rulebook, args) -> None:
    """Check every cited link once (cached), and add broken-citation / citation-mismatch findings."""
    from audit.findings import sort_key
    from audit.linkcheck import LinkCache, check_all, default_cache_dir, findings_for

    urls: dict[str, bool] = {}
    for r in results:
        for c in r.citations:
            urls[c.href] = urls.get(c.href, False) or bool(c.figures)
    cache = LinkCache(
        Path(args.cache_dir) if args.cache_dir else default_cache_dir(), args.cache_ttl * 3600
    )
    before = fetcher.requests
    statuses = check_all(fetcher, urls, cache)
    for r in results:
        if r.citations:
            r.findings = sorted(
                r.findings + findings_for(r.path, r.citations, statuses, rulebook), key=sort_key
            )
    broken = sum(1 for s in statuses.values() if not s.ok)
    print(
        f"{PROG}: links: {len(urls)} checked, {cache.hits} from cache, "
        f"{fetcher.requests - before} HTTP requests, {broken} broken",
        file=sys.stderr,
    )


def _targets(formats: list[str], args) -> dict[str, Path | None]:
    """Where each format goes: stdout (None), -o FILE, or DIR/claims-audit.EXT."""
    if args.out_dir:
        return {f: Path(args.out_dir) / f"claims-audit.{WRITERS[f][1]}" for f in formats}
    return {formats[0]: Path(args.output) if args.output else None}


def _write_atomic(path: Path, text: str) -> None:
    """Write to a temporary file beside the target and rename, so a report is never half-written."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cmd_rules(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog=f"{PROG} rules", description="List rules, or show one.")
    p.add_argument("action", nargs="?", choices=("list", "show"), default="list")
    p.add_argument("rule_id", nargs="?", metavar="ID")
    _common(p)
    args = p.parse_args(argv)
    from audit.rules_doc import describe, listing

    rulebook = _rulebook(args)
    if args.action == "show":
        if not args.rule_id:
            raise UsageError("rules show needs a rule id (see `claims-audit rules`)")
        rule = rulebook.by_id.get(args.rule_id)
        if rule is None:
            raise UsageError(f"no rule with id {args.rule_id!r} (see `claims-audit rules`)")
        sys.stdout.write(describe(rule))
    else:
        sys.stdout.write(listing(rulebook))
    return EXIT_CLEAN


def cmd_eval(argv: list[str]) -> int:
    p = argparse.ArgumentParser(
        prog=f"{PROG} eval",
        description="Precision, recall and F1 per category on a labelled corpus folder.",
    )
    p.add_argument("corpus", metavar="CORPUS_DIR")
    p.add_argument("--min-severity", choices=("info", "warning", "error"), default="warning")
    p.add_argument("--show-errors", action="store_true", help="list false positives and negatives")
    p.add_argument("--model", metavar="NAME")
    _common(p)
    args = p.parse_args(argv)
    from audit.evaluate import evaluate, format_report

    rulebook = _rulebook(args)
    report = evaluate(Path(args.corpus), rulebook, args.min_severity, args.model)
    sys.stdout.write(format_report(report, args.show_errors))
    return EXIT_CLEAN


COMMANDS = {
    "rules": cmd_rules,
    "eval": cmd_eval,
    "baseline": lambda argv: cmd_audit(argv, baseline_mode=True),
}


class Terminated(Exception):
    """SIGTERM: stop like Ctrl-C (reports are written atomically, so none is left half-done)."""


def _on_sigterm(signum, frame) -> None:
    raise Terminated()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        if argv and argv[0] in COMMANDS:
            return COMMANDS[argv[0]](argv[1:])
        return cmd_audit(argv)
    except AuditError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; reports written before now are intact", file=sys.stderr)
        return 130
    except Terminated:
        print(f"{PROG}: terminated; reports written before now are intact", file=sys.stderr)
        return 143
    except BrokenPipeError:
        return EXIT_CLEAN
    except SystemExit as exc:  # argparse: --help (0) and usage errors (2)
        return int(exc.code or 0) if isinstance(exc.code, int) else EXIT_ERROR
    except Exception as exc:  # last resort: one line, never a traceback
        print(f"{PROG}: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_ERROR
