"""The baseline command: record today's findings, so --baseline fails only on new ones."""

from __future__ import annotations

from pathlib import Path

from audit import PROG
from audit.cli.audit_cmd import audit_results, plan, refuse_on_cluster, require_inputs
from audit.cli.exit_codes import exit_code
from audit.cli.messages import say
from audit.cli.options import audit_parser
from audit.cli.settings import run_config, show_settings
from audit.cli.targets import check_outputs
from audit.core.output import write_report
from audit.policy.baseline import render_baseline

DEFAULT_FILE = ".claims-audit-baseline.json"


def cmd_baseline(argv: list[str]) -> int:
    parser = audit_parser()
    parser.prog = f"{PROG} baseline"
    parser.description = "Record today's findings so --baseline fails only on new ones."
    args = parser.parse_args(argv)
    config = run_config(args)
    if args.show_settings:
        return show_settings(args, config)
    require_inputs(parser, args)
    check_outputs(args, ["json"])
    args.output = args.output or DEFAULT_FILE
    run = plan(args, config, ["json"], baseline_mode=True)
    if args.engine == "dask":
        refuse_on_cluster(run, baseline_mode=True)
    results = audit_results(run)
    findings = [f for r in results for f in r.findings]
    write_report(Path(args.output), render_baseline(findings))
    say(f"recorded {len(findings)} findings in {args.output}")
    problems = bool(run.sources.missing) or any(r.error for r in results)
    return exit_code(failed=False, problems=problems)
