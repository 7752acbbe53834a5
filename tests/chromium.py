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
