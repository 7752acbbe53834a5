"""The headless Chromium the browser tests and docs/make_screenshot.py launch through Playwright.

Debian's Chromium by default; CLAIMS_AUDIT_CHROMIUM points elsewhere (another system, another
build). Playwright never downloads a browser here.
"""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("CLAIMS_AUDIT_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium reaches for the network on start.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch_browser():
    """Debian's Chromium through Playwright, for a module's tests (a generator for a pytest
    fixture). When CI is set a missing browser fails the tests; locally they skip."""
    from pathlib import Path

    import pytest

    problem = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        problem = "Playwright is not installed (pip install -e '.[test]')"
    if problem is None and not Path(CHROMIUM).is_file():
        problem = f"{CHROMIUM} is missing (apt-get install chromium)"
    if problem:
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
            pytest.fail(f"browser tests cannot run in CI: {problem}")
        pytest.skip(problem)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
