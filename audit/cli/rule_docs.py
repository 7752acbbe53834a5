"""Write the manual's rule pages (docs/rules/: one page per rule and an index).

    python -m audit.cli.rule_docs             # regenerate docs/rules/ in this checkout
    python -m audit.cli.rule_docs --check     # exit 1 if a page there is out of date or extra
    python -m audit.cli.rule_docs --out DIR   # write them elsewhere

The pages come from the bundled rule packs (audit.rulebook.rule_pages); tests/test_rule_docs.py
keeps the files in the repository in step with rules/.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from audit.rulebook.loader import load_rulebook
from audit.rulebook.rule_pages import pages

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "docs" / "rules"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m audit.cli.rule_docs", description=__doc__)
    p.add_argument("--out", type=Path, default=DEFAULT_DIR, help="folder (default: docs/rules/)")
    p.add_argument("--check", action="store_true", help="compare instead of writing")
    args = p.parse_args(argv)
    wanted = pages(load_rulebook())
    present = {f.name for f in args.out.glob("*.md")} if args.out.is_dir() else set()
    if args.check:
        stale = sorted(
            name
            for name, text in wanted.items()
            if name not in present or (args.out / name).read_text(encoding="utf-8") != text
        )
        extra = sorted(present - set(wanted))
        for name in stale:
            print(
                f"{args.out / name}: out of date; run python -m audit.cli.rule_docs",
                file=sys.stderr,
            )
        for name in extra:
            print(f"{args.out / name}: no rule has this id; delete it", file=sys.stderr)
        return 1 if stale or extra else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name in present - set(wanted):
        (args.out / name).unlink()  # a rule that was removed or renamed
    for name, text in wanted.items():
        (args.out / name).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
