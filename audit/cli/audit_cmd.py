"""The audit command (the default): inputs -> engine -> policy -> reports -> exit code.

`plan` checks every option and builds what the run needs (config, inputs, report targets,
the rule book, the policy) before any document is read; the local engine (in this process or
on worker processes) or the Dask engine then audits, and this module writes what they return.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from audit.cli import targets as report_targets
from audit.cli.exit_codes import exit_code
from audit.cli.messages import Progress, say
from audit.cli.options import audit_parser, limits
from audit.cli.rule_selection import rulebook_for, selected
from audit.cli.settings import fail_on, min_severity, run_config, show_settings
from audit.cli.sources import Sources, gather
from audit.core.errors import UsageError
from audit.core.output import write_report
from audit.core.result import DocumentResult
from audit.core.totals import Totals
from audit.inputs.limits import Limits
from audit.policy.config import Config
from audit.policy.postprocess import Policy
from audit.rulebook.book import RuleBook

if TYPE_CHECKING:
    from audit.review.apply import ReviewSet
    from audit.writers.streaming import Prepare


@dataclass
class Plan:
    """Everything a run needs, checked before any document is read."""

    args: argparse.Namespace
    formats: list[str]
    fail_on: str
    limits: Limits
    sources: Sources
    targets: dict[str, Path | None]
    full: RuleBook  # the run's rule book: the matcher and the checks use it
    rulebook: RuleBook  # what --select / --ignore leave: the findings shown, the rules listed
    policy: Policy


def cmd_audit(argv: list[str]) -> int:
    parser = audit_parser()
    args = parser.parse_args(argv)
    config = run_config(args)
    if args.show_settings:
        return show_settings(args, config)
    require_inputs(parser, args)
    run = plan(args, config, report_targets.formats(args))
    if args.show_files:
        return show_files(run)
    if args.engine == "dask":
        return _on_cluster(run)
    return _locally(run)


def show_files(run: Plan) -> int:
    """--show-files: what the run would audit, after discovery, ignore files, include,
    exclude and --diff (ruff's --show-files); corpus exports by file name."""
    for i in run.sources.inputs:
        print(i.url or i.path)
    for path in run.sources.corpus_files:
        print(f"{path} (corpus export)")
    for message in run.sources.missing:
        say(message)
    return exit_code(failed=False, problems=bool(run.sources.missing), no_exit=False)


def require_inputs(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if not args.paths and not args.diff and not args.urls and not args.sitemap:
        parser.error("give at least one PATH or URL (or --diff REF, --urls FILE, --sitemap URL)")


def plan(
    args: argparse.Namespace, config: Config, formats: list[str], baseline_mode: bool = False
) -> Plan:
    """Inputs, report targets, the rule book and the policy, in the order errors are reported."""
    run_limits = limits(args)
    sources = gather(args, config, run_limits)
    where = report_targets.targets(formats, args, sources)
    baseline = None
    baseline_path = Path(args.baseline) if args.baseline else config.baseline
    if args.no_baseline:
        baseline_path = None
    if baseline_path is not None and not baseline_mode:
        from audit.policy.baseline import load_baseline

        baseline = load_baseline(baseline_path)
    full = rulebook_for(args, config)
    rulebook = selected(full, args.select, args.ignore)
    policy = Policy(
        config=config,
        enabled={r.id for r in rulebook.rules},
        known={r.id for r in full.rules} | {r.category for r in full.rules},
        min_severity=min_severity(args, config),
        baseline=baseline,
        changed=sources.changed,
        review=None if baseline_mode else review_set(args, config),
    )
    return Plan(
        args, formats, fail_on(args, config), run_limits, sources, where, full, rulebook, policy
    )


def review_set(args: argparse.Namespace, config: Config) -> ReviewSet | None:
    """--decisions (after the config's files: later ones win) and --claims-library."""
    paths = list(config.decisions) + [Path(p) for p in args.decisions]
    library_path = Path(args.claims_library) if args.claims_library else config.claims_library
    if not paths and library_path is None:
        return None
    from audit.review.apply import ReviewSet
    from audit.review.decisions import load_decisions
    from audit.review.library import load_library

    review = ReviewSet(decisions=load_decisions(paths))
    if library_path is not None:
        review.library = load_library(library_path)
        review.library_path = str(library_path)
    return review


def _locally(run: Plan) -> int:
    """Audit on this machine; JSON and JSON Lines are written as results arrive."""
    from audit.writers.streaming import STREAMS, Prepare

    args = run.args
    if not args.check_links and all(f in STREAMS for f in run.formats):
        prepare = Prepare(run.policy, tuple(run.formats))
        return _streamed(run, prepare)
    results = audit_results(run)
    _write_reports(run, results)
    failed = Totals.of(results, run.fail_on).failed
    problems = bool(run.sources.missing) or any(r.error for r in results)
    return exit_code(failed=failed, problems=problems, no_exit=args.no_exit)


def _results(
    run: Plan, prepare: Callable[[DocumentResult], None] | None = None
) -> Iterator[DocumentResult]:
    """The engine's stream of results, in input order."""
    from audit.engines.local import RunOptions, relax_gc
    from audit.engines.runner import audit_stream
    from audit.nlp.pipeline import build_pipeline
    from audit.writers import needs_source

    args, sources = run.args, run.sources
    nlp = build_pipeline(run.full, args.model)
    relax_gc()
    options = RunOptions(
        batch_size=max(1, args.batch_size),
        limits=run.limits,
        keep_source=needs_source(run.formats),
        extract_main=not args.no_extract,
        collect_citations=args.check_links,
    )
    return audit_stream(
        sources.all_inputs(),
        sources.inputs,
        nlp,
        run.full,
        options,
        model=args.model,
        jobs=args.jobs,
        exports=bool(sources.corpus_files),
        fetcher=sources.fetcher,
        prepare=prepare,
    )


def _total(run: Plan) -> int | None:
    """Documents to audit, for the progress bar (unknown while exports are still being read)."""
    return None if run.sources.corpus_files else len(run.sources.inputs)


def audit_results(run: Plan) -> list[DocumentResult]:
    """Every result, finished by the project's policy, with problems said on stderr."""
    from audit.policy.postprocess import finish

    results: list[DocumentResult] = []
    with Progress(_total(run), run.args.quiet) as tick:
        for result in _results(run):
            if tick:
                tick(result)
            results.append(result)
    if run.args.check_links:
        _check_links(run, results)
    finish(results, run.policy)
    results += run.sources.missing_results()
    for r in results:
        report_problems(r)
    return results


def report_problems(r: DocumentResult) -> None:
    for note in r.notes:
        say(note, warning=True)
    if r.error:
        say(r.error)


def _check_links(run: Plan, results: list[DocumentResult]) -> None:
    from audit.checks.linkcheck import LinkCache, check_links, default_cache_dir

    args = run.args
    assert run.sources.fetcher is not None  # --check-links always makes one
    root = Path(args.cache_dir) if args.cache_dir else default_cache_dir()
    cache = LinkCache(root, args.cache_ttl * 3600)
    done = check_links(results, run.sources.fetcher, run.full, cache)
    say(
        f"links: {done.checked} checked, {done.cached} from cache, "
        f"{done.requests} HTTP requests, {done.broken} broken"
    )


def _write_reports(run: Plan, results: list[DocumentResult]) -> None:
    from audit.writers import Report, render
    from audit.writers.console import use_color

    args = run.args
    for fmt, target in run.targets.items():
        report = Report(
            results,
            run.fail_on,
            run.rulebook,
            inputs=list(args.paths),
            color=fmt == "text" and target is None and use_color(sys.stdout, args.color),
            quiet=args.quiet,
            concise=args.output_format == "concise",
            statistics=args.statistics,
        )
        text = render(fmt, report)
        if target is None:
            try:
                sys.stdout.write(text)
                sys.stdout.flush()
            except BrokenPipeError:  # "| head": the verdict still decides the exit code
                _silence_stdout()
        else:
            write_report(target, text)


def _streamed(run: Plan, prepare: Prepare) -> int:
    """JSON / JSON Lines: each result is finished, written and dropped as it arrives.

    `prepare` (policy, then rendering) has already run in a worker with --jobs; here it only
    runs for results audited in this process.
    """
    from audit.writers.streaming import STREAMS

    args = run.args
    stream = _results(run, prepare)  # the pipeline is built before any report is opened
    sinks = [STREAMS[fmt](target, run.fail_on) for fmt, target in run.targets.items()]
    gone: set[int] = set()  # sinks whose reader closed the pipe ("| head -1")
    had_error = False
    try:
        with Progress(_total(run), args.quiet) as tick:
            for result in stream:
                if tick:
                    tick(result)
                prepare(result)
                report_problems(result)
                had_error = had_error or bool(result.error)
                _deliver(sinks, gone, result)
        for result in run.sources.missing_results():
            report_problems(result)
            _deliver(sinks, gone, result)
        for i, sink in enumerate(sinks):
            if i not in gone:
                try:
                    sink.close()
                except BrokenPipeError:
                    _silence_stdout()
    except BaseException:
        for sink in sinks:
            sink.abort()
        raise
    totals = sinks[0].totals
    if "jsonl" in run.targets and not args.quiet:
        from audit.writers.console import summary_line

        say(summary_line(totals.summary(), run.fail_on))
    problems = bool(run.sources.missing) or had_error
    return exit_code(failed=totals.failed, problems=problems, no_exit=args.no_exit)


def _deliver(sinks: list, gone: set[int], result: DocumentResult) -> None:
    """Hand a result to every sink. When the reader of standard output goes away, the audit
    still finishes, counted but not written, so the exit code is the run's verdict, as it is
    for the formats written at the end."""
    for i, sink in enumerate(sinks):
        if i in gone:
            sink.totals.add(result)
            continue
        try:
            sink.add(result)
        except BrokenPipeError:
            gone.add(i)
            _silence_stdout()


def _silence_stdout() -> None:
    """Point standard output at /dev/null, so nothing more (not even the interpreter's final
    flush) fails on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, io.UnsupportedOperation):
        pass  # not a real file descriptor (tests run the CLI in-process)


def refuse_on_cluster(run: Plan, baseline_mode: bool = False) -> None:
    """What only the local engine does."""
    sources = run.sources
    if (
        baseline_mode
        or sources.fetcher is not None
        or any(i.fs_path is None for i in sources.inputs)
    ):
        raise UsageError(
            "--engine dask audits files and corpus exports; web pages, --check-links, "
            "stdin and baselines run with the local engine"
        )


def _on_cluster(run: Plan) -> int:
    """--engine dask: findings partitions on the cluster, the summary and counts here."""
    from audit.engines.cluster import ClusterOptions, partition_format, run_cluster
    from audit.engines.local import RunOptions
    from audit.writers.console import summary_line

    args, sources = run.args, run.sources
    refuse_on_cluster(run)
    fmt = partition_format(run.formats)
    if not args.out_dir:
        raise UsageError("--engine dask writes findings partitions: give --out-dir DIR")
    options = ClusterOptions(
        out_dir=str(args.out_dir),
        fmt=fmt,
        model=args.model,
        scheduler=args.scheduler,
        workers=args.jobs,
        partitions=args.partitions,
        run=RunOptions(batch_size=args.batch_size, limits=run.limits),
    )
    done = run_cluster(
        sources.inputs,
        sources.corpus_files,
        sources.spec,
        run.full,
        run.policy,
        run.fail_on,
        options,
    )
    for message, warning in done.problems:
        say(message, warning=warning)
    for message in sources.missing:
        say(message)
    print(summary_line(done.totals.summary(), run.fail_on))
    say(f"findings in {len(done.partitions)} partitions under {done.summary}")
    problems = bool(sources.missing) or bool(done.totals.errors)
    return exit_code(failed=done.totals.failed, problems=problems, no_exit=args.no_exit)
