"""URL lists and sitemaps (sitemap.xml and sitemap indexes) for `--urls` and `--sitemap`."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from audit.core.errors import InputError, UsageError
from audit.inputs.fetch import Fetcher, read_capped

MAX_SITEMAPS = 50  # an index may point at more; a broken one may point at itself


def read_url_list(path: Path) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read URL list ({exc})") from None
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def sitemap_urls(fetcher: Fetcher, url: str) -> list[str]:
    """Page URLs from a sitemap, following sitemap indexes breadth-first (each once)."""
    import requests

    seen: set[str] = set()
    queue = [url]
    pages: list[str] = []
    while queue and len(seen) < MAX_SITEMAPS:
        current = queue.pop(0)
        if current in seen:
            continue
        seen.add(current)
        fetcher.check(current)
        try:
            with (
                fetcher.deadline(current),
                fetcher.session.get(current, timeout=fetcher.timeout, stream=True) as r,
            ):
                if r.status_code >= 400:
                    raise InputError(f"{current}: sitemap HTTP {r.status_code}")
                body = read_capped(r, fetcher.limits.max_bytes, current)
        except requests.exceptions.RequestException as exc:
            raise InputError(f"{current}: cannot fetch sitemap ({type(exc).__name__})") from None
        try:
            root = ET.fromstring(body)
        except ET.ParseError as exc:
            raise InputError(f"{current}: not a sitemap (invalid XML: {exc})") from None
        tag = root.tag.rsplit("}", 1)[-1]
        locs = [e.text.strip() for e in root.iter() if e.tag.rsplit("}", 1)[-1] == "loc" and e.text]
        if tag == "sitemapindex":
            queue.extend(locs)
        elif tag == "urlset":
            pages.extend(locs)
        else:
            raise InputError(f"{current}: not a sitemap (root element <{tag}>)")
    return list(dict.fromkeys(pages))
