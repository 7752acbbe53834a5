"""Regenerate docs/html-report.png, the README's picture of the HTML report.

    python docs/make_screenshot.py

It audits examples/ into a temporary HTML report and photographs it in Debian's headless
Chromium through Playwright (the same set-up as the browser tests). Playwright never downloads
a browser here: install Chromium with your system package manager (`apt-get install chromium`).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402  (same browser set-up as the tests)

OUT = ROOT / "docs" / "html-report.png"


def main() -> int:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.html"
        subprocess.run(
            [sys.executable, str(ROOT / "run_audit.py"), "examples/", "--format", "html"]
            + ["-o", str(report)],
            cwd=ROOT,
            check=False,  # exit code 1: the examples are full of claims, as intended
        )
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1360, "height": 1800})
            page.goto(report.as_uri())
            # Header, filters, summary, then one document: the prose example reads best.
            labels = page.eval_on_selector_all(
                "#filter-document option", "options => options.map(o => o.textContent)"
            )
            (label,) = [x for x in labels if x.startswith("examples/ketamine-austin.txt (")]
            page.get_by_label("Document", exact=True).select_option(label=label)
            page.screenshot(path=str(OUT))
            browser.close()
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
