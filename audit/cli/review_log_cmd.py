"""`claims-audit review-log DECISIONS... -o log.csv`: the compliance archive's audit trail.

One row per decision across the decisions files (time, reviewer, decision, reason, reference,
comment, path, rule, sentence, fingerprint, source), oldest first. Written atomically like
every report (a crash leaves the old file or none, never half of one); cells a spreadsheet
would run as a formula are quoted as in the CSV report.
"""

from __future__ import annotations

from pathlib import Path

from audit import PROG
from audit.cli.exit_codes import EXIT_CLEAN
from audit.cli.messages import say
from audit.cli.options import OneLineParser
from audit.core.errors import UsageError
from audit.core.output import same_file, write_report


def cmd_review_log(argv: list[str]) -> int:
    p = OneLineParser(
        prog=f"{PROG} review-log",
        description="Write who decided what, when and why, from decisions files, as CSV.",
    )
    p.add_argument("decisions", nargs="+", metavar="DECISIONS", help="decisions files (JSON)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the CSV here, not stdout")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    args = p.parse_args(argv)
    from audit.review.log import COLUMNS, log_rows
    from audit.writers.csv_report import csv_text

    paths = [Path(d) for d in args.decisions]
    if args.output and any(same_file(args.output, p) for p in paths):
        raise UsageError(f"{args.output}: is one of the decisions files; choose another -o FILE")
    rows = log_rows(paths)
    write_report(Path(args.output) if args.output else None, csv_text(COLUMNS, rows))
    if args.output and not args.quiet:
        n, files = len(rows), len(paths)
        say(
            f"wrote {n} decision{'s' if n != 1 else ''} from {files} file"
            f"{'s' if files != 1 else ''} to {args.output}"
        )
    return EXIT_CLEAN
