"""The HTML report in a real headless Chromium: highlights, filters, search, print layout, and
that hostile document text never runs, never becomes markup, and nothing touches the network.

Chromium is Debian's /usr/bin/chromium, driven by Playwright, which never downloads a browser.
When CI is set (CI=true) a missing browser or Playwright fails these tests; locally they skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.chromium import launch_browser

ROOT = Path(__file__).resolve().parent.parent
PAYLOAD_MD = """\
# Studies show <script>alert(1)</script> works

Studies show that <img src=x onerror="alert(2)"> cures 90% of colds.

Experts agree that <a href="javascript:alert(3)">x</a> relieves pain fast.

Doctors recommend {{ 7*7 }} sessions for 80% of patients.

Studies show <svg onload="window.__pwned=1"></svg> it boosts immunity.
"""
PAYLOAD_HTML = """\
<!DOCTYPE html><html><head><title>Studies show it works</title>
<script>alert(5); window.__pwned = 1;</script></head><body>
<p>Studies show that <img src=x onerror="alert(6)"> cures 90% of colds.</p>
<p>Experts agree: <a href="javascript:alert(7)">this amazing resource</a> relieves pain.</p>
<p>Doctors recommend {{ 7*7 }} sessions. <iframe src="https://example.com/"></iframe></p>
</body></html>
"""
EVIL_NAME = "x<img src=y onerror=alert(4)>.md"
# one sentence per category, each flagged for that category alone (disease claims always come
# with an efficacy claim)
SINGLE_MD = """\
Our clinic saw 4,812 new patients last year.

Experts agree that the waiting room is comfortable.

Check out this valuable article about parking.

The product is completely safe for everyone.

This serum visibly firms skin in days.

It works every single time, guaranteed.
"""
SUPPRESSED_MD = """\
<!-- claims-audit-disable-next-line unsourced-statistic -- approved <img src=z onerror="window.__pwned=2"> by legal -->
80% of patients felt better after one session.
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    """The examples plus hostile documents, audited by the real CLI into one HTML report."""
    tmp = tmp_path_factory.mktemp("html")
    shutil.copytree(ROOT / "examples", tmp / "examples")
    (tmp / "examples" / "payload.md").write_text(PAYLOAD_MD, encoding="utf-8")
    (tmp / "examples" / "payload.html").write_text(PAYLOAD_HTML, encoding="utf-8")
    (tmp / "examples" / EVIL_NAME).write_text("Studies show it cures colds.\n", encoding="utf-8")
    (tmp / "examples" / "suppressed.md").write_text(SUPPRESSED_MD, encoding="utf-8")
    (tmp / "examples" / "single.md").write_text(SINGLE_MD, encoding="utf-8")
    r = subprocess.run(
        [sys.executable, str(ROOT / "run_audit.py"), "examples/", "--format", "html"]
        + ["-o", "r.html"],
        cwd=tmp,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
    )
    assert r.returncode == 1, r.stderr
    return tmp / "r.html"


@pytest.fixture(scope="module")
def browser():
    yield from launch_browser()


@pytest.fixture
def page(browser, report):
    """A fresh page on the report, recording dialogs, requests and script errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.dialogs, pg.requests, pg.errors = [], [], []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("request", lambda req: pg.requests.append(req.url))
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))
    pg.on("console", lambda msg: pg.errors.append(msg.text) if msg.type == "error" else None)
    pg.goto(report.as_uri())
    pg.wait_for_load_state("load")
    yield pg
    context.close()


def _visible_cards(page) -> list[dict]:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.finding'))
            .filter(c => c.offsetParent !== null)
            .map(c => ({id: c.id, category: c.dataset.category, severity: c.dataset.severity,
                        doc: c.dataset.doc, text: c.textContent}))"""
    )


def test_hostile_text_never_runs_or_becomes_markup(page):
    page.wait_for_timeout(300)  # time for anything that would fire on load
    assert page.dialogs == []
    assert page.errors == []  # includes Content-Security-Policy violations
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert page.evaluate("document.scripts.length") == 1
    handlers = page.evaluate(
        """() => Array.from(document.querySelectorAll('*')).flatMap(
              el => Array.from(el.attributes).filter(a => a.name.startsWith('on'))
                    .map(a => el.tagName + ' ' + a.name))"""
    )
    assert handlers == []
    hrefs = page.evaluate(
        "Array.from(document.querySelectorAll('[href]'), a => a.getAttribute('href'))"
    )
    assert hrefs and all(h.startswith("#") for h in hrefs)
    svgs = page.evaluate(
        "Array.from(document.querySelectorAll('svg'), s => s.closest('.chart') !== null)"
    )
    assert len(svgs) >= 2 and all(svgs)  # only the charts' bars
    source = page.evaluate(
        "Array.from(document.querySelectorAll('.src'), s => s.textContent).join('\\n')"
    )
    for text in ("<script>alert(1)</script>", 'onerror="alert(2)"', "javascript:alert(3)"):
        assert text in source
    assert "{{ 7*7 }}" in source and "<script>alert(5); window.__pwned = 1;</script>" in source
    headings = page.evaluate("Array.from(document.querySelectorAll('.doc h3'), h => h.textContent)")
    assert f"examples/{EVIL_NAME}" in headings


def test_suppressed_findings_are_listed_with_their_reason_as_text(page):
    rows = page.evaluate(
        """() => Array.from(document.querySelectorAll('#suppressed tbody tr'),
                            tr => Array.from(tr.cells, td => td.textContent))"""
    )
    assert rows == [
        [
            "examples/suppressed.md:2:1",
            "stat-percentage",
            "warning",
            "80%",
            'approved <img src=z onerror="window.__pwned=2"> by legal (comment on line 1)',
        ]
    ]
    assert page.locator("#suppressed").is_visible()


def test_no_network_requests(page):
    page.get_by_label("Search", exact=True).fill("studies")
    page.wait_for_timeout(200)
    assert page.requests and all(url.startswith("file://") for url in page.requests)


def test_highlights_use_each_categorys_colour(page):
    categories = page.evaluate(
        "Array.from(document.querySelectorAll('#filter-category option'), o => o.value).filter(Boolean)"
    )
    assert {"vague-attribution", "unsourced-statistic", "efficacy-claim", "spam-link"} <= set(
        categories
    )
    colours = {}
    for category in categories:
        swatch, highlight, count, shared = page.evaluate(
            """(cat) => {
                const bg = el => el && getComputedStyle(el).backgroundColor;
                const sw = Array.from(document.querySelectorAll('.legend .swatch'))
                    .find(s => s.dataset.category === cat);
                const all = Array.from(document.querySelectorAll('.src .hl'));
                const hls = all.filter(h => h.dataset.cats === cat);
                const shared = all.filter(h => h.dataset.cats.split(' ').includes(cat));
                return [bg(sw), bg(hls[0]), hls.length, shared.length];
            }""",
            category,
        )
        assert shared > 0, category
        if category != "disease-claim":  # never alone: it comes with an efficacy claim
            assert count > 0 and swatch == highlight, category
        colours[category] = swatch
    assert len(set(colours.values())) == len(colours)  # every category its own colour
    assert page.locator(".src mark.hl").count() > 0  # matched words are marked
    mixed = page.evaluate(
        "Array.from(document.querySelectorAll('.src .hl')).filter(h => h.dataset.cats.includes(' '))"
        ".map(h => getComputedStyle(h).backgroundImage)"
    )
    assert mixed and all(m.startswith("linear-gradient") for m in mixed)  # shared sentences


def test_category_filter_hides_other_findings_and_highlights(page):
    total = page.locator(".finding").count()
    page.get_by_label("Category", exact=True).select_option("spam-link")
    cards = _visible_cards(page)
    assert cards and all(c["category"] == "spam-link" for c in cards)
    assert len(cards) == page.locator('.finding[data-category="spam-link"]').count() < total
    lit = page.evaluate(
        "Array.from(document.querySelectorAll('.src .hl:not(.off)'), h => h.dataset.cats)"
    )
    assert lit and all("spam-link" in cats for cats in lit)
    assert (
        page.locator("#filter-status").inner_text() == f"Showing {len(cards)} of {total} findings"
    )


def test_severity_and_document_filters(page):
    page.get_by_label("Severity", exact=True).select_option("error")
    cards = _visible_cards(page)
    assert cards and all(c["severity"] == "error" for c in cards)
    page.get_by_role("button", name="Reset").click()
    labels = page.evaluate(
        "Array.from(document.querySelectorAll('#filter-document option'), o => o.textContent)"
    )
    (label,) = [x for x in labels if x.startswith("examples/iv-drip-landing.md (")]
    count = int(label.rsplit("(", 1)[1].rstrip(")"))
    page.get_by_label("Document", exact=True).select_option(label=label)
    cards = _visible_cards(page)
    assert count > 0 and len(cards) == count and len({c["doc"] for c in cards}) == 1
    visible_docs = page.evaluate(
        "Array.from(document.querySelectorAll('.doc')).filter(d => d.offsetParent !== null).length"
    )
    assert visible_docs == 1


def test_search_box_filters_and_reset_restores(page):
    total = page.locator(".finding").count()
    page.get_by_label("Search", exact=True).fill("STAT-PERCENTAGE")
    cards = _visible_cards(page)
    assert cards and all("stat-percentage" in c["text"] for c in cards)
    page.get_by_label("Search", exact=True).fill(
        "javascript:alert(3)"
    )  # a link's href, shown as text
    assert len(_visible_cards(page)) >= 1
    page.get_by_label("Search", exact=True).fill("no finding says this")
    assert _visible_cards(page) == []
    assert page.evaluate(
        "Array.from(document.querySelectorAll('.doc')).every(d => d.offsetParent === null)"
    )
    page.get_by_role("button", name="Reset").click()
    assert len(_visible_cards(page)) == total


def test_keyboard_reaches_the_filters_and_jumps_to_text(page):
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "filter-category"
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "filter-search"
    first = page.locator(".finding").first
    first.get_by_role("button", name="Show in text").click()
    fid = first.get_attribute("id")
    flashed = page.evaluate(
        "Array.from(document.querySelectorAll('.src .flash'), p => p.dataset.f.split(' '))"
    )
    assert flashed and all(fid in ids for ids in flashed)


def test_print_layout_shows_everything_and_the_sign_off(page):
    page.get_by_label("Category", exact=True).select_option("spam-link")
    page.emulate_media(media="print")
    assert not page.locator("#filters").is_visible()
    assert len(_visible_cards(page)) == page.locator(".finding").count()
    assert page.get_by_role("heading", name="Review sign-off").is_visible()
    for label in ("Reviewer", "Date", "Decision"):
        assert page.locator(".signoff th", has_text=label).is_visible()
    assert page.evaluate("getComputedStyle(document.querySelector('.finding')).breakInside") == (
        "avoid"
    )


def test_new_only_filter_hides_baselined_findings(browser, tmp_path):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = [sys.executable, str(ROOT / "run_audit.py")]
    subprocess.run(
        [*run, "baseline", "examples/", "-o", "b.json"], cwd=tmp_path, env=env, check=True
    )
    post = tmp_path / "examples" / "iv-drip-landing.md"
    post.write_text(post.read_text() + "\nExperts agree our new drip cures hangovers.\n")
    r = subprocess.run(
        [*run, "examples/", "--baseline", "b.json", "--format", "html", "-o", "r.html"],
        cwd=tmp_path, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert r.returncode == 1, r.stderr
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto((tmp_path / "r.html").as_uri())
    total = len(_visible_cards(page))
    page.get_by_label("New only").check()
    shown = _visible_cards(page)
    assert 0 < len(shown) < total
    assert all("in baseline" not in c["text"] for c in shown)
    assert any("hangovers" in c["text"] or "Experts agree" in c["text"] for c in shown)
    page.get_by_role("button", name="Reset").click()
    assert len(_visible_cards(page)) == total
    context.close()
