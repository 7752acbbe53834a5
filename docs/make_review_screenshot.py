"""Regenerate docs/review-decisions.png, docs/review.md's picture of the review loop.

    python docs/make_review_screenshot.py [WORK_DIR]

It runs the loop docs/review.md describes on the draft and library shown there: audit into an
HTML report, record decisions in headless Chromium (through Playwright, as the browser tests
do), export them, rerun with --decisions and --claims-library into a second report, and
photograph that one. WORK_DIR (default: a temporary folder) keeps the files.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402  (same browser set-up as the tests)

OUT = ROOT / "docs" / "review-decisions.png"
DRAFT = """\
# Magnesium gummies: better sleep, better defences

Studies show that 80% of customers sleep better within two weeks.

Our magnesium gummies boost immunity in 7 days.

Our iron tablets reduce tiredness in 14 days.

Experts agree our formula is the best on the market.
"""
LIBRARY = """\
claims:
  - id: MG-001
    wording: Our magnesium gummies boost immunity in 7 days.
    references: ["EFSA Journal 2010;8(10):1807"]
    scope: magnesium gummies, EU
    approver: Dr. Lee
    approved: 2026-01-15
    expires: 2027-01-15
  - id: FE-002
    wording: Our iron tablets may reduce tiredness in 14 days.
    references: ["EFSA Journal 2010;8(10):1740"]
    scope: iron tablets, EU
    approver: Dr. Lee
    approved: 2025-03-01
"""
# card number -> (decision, reason, reference)
DECISIONS = {
    0: ("Dismissed", "The heading sums up claims approved below", ""),
    1: ("Accepted", "Our own survey, named in the footnote", "Customer survey 2025, n=412"),
    2: ("Accepted", "Our own survey, named in the footnote", "Customer survey 2025, n=412"),
    3: ("Needs edit", "Say for whom: adults with poor sleep", ""),
}


def audit(cwd: Path, *args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "run_audit.py"), *args], cwd=cwd, check=False)


def record_and_export(page, folder: Path) -> None:
    page.locator("#review-name").fill("Ana Ruiz")
    cards = page.locator(".finding")
    for n, (decision, reason, reference) in DECISIONS.items():
        card = cards.nth(n)
        card.locator("summary").click()
        card.get_by_label(decision, exact=True).check()
        card.get_by_label("Reason", exact=True).fill(reason)
        if reference:
            card.get_by_label("Reference", exact=True).fill(reference)
    with page.expect_download() as download:
        page.get_by_role("button", name="Export decisions").click()
    download.value.save_as(folder / "decisions.json")


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(argv[0]) if argv else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "draft.md").write_text(DRAFT, encoding="utf-8")
        (folder / "claims-library.yml").write_text(LIBRARY, encoding="utf-8")
        audit(folder, "draft.md", "--format", "html", "-o", "report.html")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(accept_downloads=True)
            page = context.new_page()
            page.goto((folder / "report.html").as_uri())
            record_and_export(page, folder)
            audit(
                folder,
                *("draft.md", "--decisions", "decisions.json"),
                *("--claims-library", "claims-library.yml", "--format", "html"),
                *("-o", "reviewed.html"),
            )
            page = browser.new_page(viewport={"width": 1360, "height": 2300})
            page.goto((folder / "reviewed.html").as_uri())
            page.locator(".finding").nth(1).locator("summary").click()
            page.locator(".doc").first.screenshot(path=str(OUT))
            browser.close()
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
