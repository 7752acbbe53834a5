"""`--check-links`: are the cited pages there, and do they state the cited figures?

Each unique URL is checked once per run (HEAD, falling back to GET), concurrently with a small
per-host limit, and the result is cached on disk with an expiry so re-runs do not re-fetch.
Pages that back a cited statistic are fetched with GET so their text can be searched for the
figure ("70%", "7 in 10") - a check no other linter makes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from audit.checks.citations import CitedLink, Located
from audit.core.errors import InputError, UsageError
from audit.core.finding import Finding, assign_fingerprints, sort_key
from audit.core.output import remove_leftovers, write_report
from audit.core.result import DocumentResult
from audit.inputs.fetch import TEXT_TYPES, Fetcher, decode, read_capped
from audit.rulebook.book import RuleBook

PER_HOST = 2
WORKERS = 8
TEXT_CAP = 500_000
_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "hundred": 100,
}  # fmt: skip


@dataclass
class LinkStatus:
    url: str
    ok: bool
    status: int | None
    error: str | None
    final_url: str | None
    checked_at: float
    text: str | None = None  # page text, when fetched for figure checks


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "claims-audit"


class LinkCache:
    """One JSON file per URL under DIR/links/, valid for `ttl` seconds."""

    def __init__(self, root: Path, ttl: float) -> None:
        self.dir = root / "links"
        self.ttl = ttl
        self.hits = 0
        self._lock = threading.Lock()
        remove_leftovers(self.dir)  # temporary files of runs that were killed while writing

    def _path(self, url: str) -> Path:
        return self.dir / (hashlib.sha256(url.encode()).hexdigest() + ".json")

    def get(self, url: str, need_text: bool) -> LinkStatus | None:
        try:
            data = json.loads(self._path(url).read_text(encoding="utf-8"))
            status = LinkStatus(**data)
        except (OSError, ValueError, TypeError):
            return None
        if not _well_formed(status, url):
            return None  # a damaged or foreign cache file is a miss, not a failed run
        if time.time() - status.checked_at > self.ttl:
            return None
        if need_text and status.ok and status.text is None:
            return None
        with self._lock:
            self.hits += 1
        return status

    def put(self, status: LinkStatus) -> None:
        with suppress(OSError, UsageError):  # a read-only cache must not fail the audit
            write_report(self._path(status.url), json.dumps(asdict(status)), sweep=False)


def _well_formed(status: LinkStatus, url: str) -> bool:
    """Every field of a cached status has the type this version writes."""
    import math

    def opt(value, kind) -> bool:
        return value is None or (isinstance(value, kind) and not isinstance(value, bool))

    return (
        status.url == url
        and isinstance(status.ok, bool)
        and opt(status.status, int)
        and opt(status.error, str)
        and opt(status.final_url, str)
        and isinstance(status.checked_at, int | float)
        and not isinstance(status.checked_at, bool)
        and math.isfinite(status.checked_at)
        and opt(status.text, str)
    )


def _page_text(body: str, ctype: str) -> str:
    if "html" in ctype:
        from justhtml import JustHTML

        return JustHTML(body, sanitize=False).to_text()[:TEXT_CAP]
    return body[:TEXT_CAP]


def check_one(fetcher: Fetcher, url: str, need_text: bool) -> LinkStatus:
    import requests

    now = time.time()
    try:
        fetcher.check(url)
    except Exception as exc:
        return LinkStatus(url, False, None, str(exc).split(": ", 1)[-1], None, now)
    try:
        with fetcher.deadline(url):
            if not need_text:
                r = fetcher.session.head(url, timeout=fetcher.timeout, allow_redirects=True)
                if r.status_code not in (400, 403, 405, 501):
                    return LinkStatus(url, r.status_code < 400, r.status_code, None, r.url, now)
            with fetcher.session.get(url, timeout=fetcher.timeout, stream=True) as r:
                text = None
                ctype = r.headers.get("Content-Type", "").split(";")[0].strip().lower()
                if (
                    need_text
                    and r.status_code < 400
                    and (not ctype or ctype.startswith(TEXT_TYPES))
                ):
                    try:
                        body = read_capped(r, fetcher.limits.max_bytes, url)
                        text = _page_text(decode(body, r, ctype)[0], ctype)
                    except Exception:  # no text to search: the link itself is still fine
                        text = None
                return LinkStatus(url, r.status_code < 400, r.status_code, None, r.url, now, text)
    except InputError as exc:  # a redirect to a refused address or scheme
        return LinkStatus(url, False, None, str(exc).split(": ", 1)[-1], None, now)
    except requests.exceptions.TooManyRedirects:
        return LinkStatus(url, False, None, "redirect loop or too many redirects", None, now)
    except requests.exceptions.Timeout:
        return LinkStatus(url, False, None, "timed out", None, now)
    except requests.exceptions.ConnectionError as exc:
        return LinkStatus(url, False, None, _connection_reason(exc), None, now)
    except requests.exceptions.RequestException as exc:
        return LinkStatus(url, False, None, type(exc).__name__, None, now)


def _connection_reason(exc: Exception) -> str:
    text = str(exc).lower()
    if "timed out" in text or "timeout" in text:
        return "timed out"
    if "name or service" in text or "resolve" in text or "nodename" in text:
        return "DNS lookup failed"
    return "cannot connect"


def check_all(
    fetcher: Fetcher, urls: dict[str, bool], cache: LinkCache | None
) -> dict[str, LinkStatus]:
    """urls: url -> whether its text is needed. Per-host concurrency is capped at PER_HOST."""
    results: dict[str, LinkStatus] = {}
    todo = []
    for url, need_text in urls.items():
        cached = cache.get(url, need_text) if cache else None
        if cached is not None:
            results[url] = cached
        else:
            todo.append((url, need_text))
    hosts: dict[str, threading.Semaphore] = {}
    lock = threading.Lock()

    def run(item: tuple[str, bool]) -> LinkStatus:
        url, need_text = item
        host = (urlsplit(url).hostname or "").lower()
        with lock:
            sem = hosts.setdefault(host, threading.Semaphore(PER_HOST))
        with sem:
            status = check_one(fetcher, url, need_text)
        if cache is not None:
            cache.put(status)
        return status

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for status in pool.map(run, todo):
            results[status.url] = status
    return results


def figure_variants(figure: str) -> list[str]:
    """Ways a source may write the figure: 70% / 70 percent; 7 in 10 / 7 out of 10 / seven in ten."""
    text = figure.lower()
    for word, n in _WORD_NUMBERS.items():
        text = re.sub(rf"\b{word}\b", str(n), text)
    nums = re.findall(r"\d+(?:[.,]\d+)*", text)
    if not nums:
        return []
    if "%" in text or "percent" in text or "per cent" in text:
        n = nums[0]
        return [f"{n}%", f"{n} %", f"{n} percent", f"{n} per cent", f"{n}\u00a0%"]
    if len(nums) >= 2 and re.search(r"\b(in|out of)\b", text):
        a, b = nums[0], nums[1]
        return [f"{a} in {b}", f"{a} out of {b}", f"{a} of {b}"]
    return [nums[0], nums[0].replace(",", "")]


def _finding(path: str, rule, where: Located, sentence: Located, message: str) -> Finding:
    return Finding(
        path=path, line=where.line, column=where.column, end_line=where.end_line,
        end_column=where.end_column, start=where.start, end=where.end, match=where.text,
        sentence=" ".join(sentence.text.split()), sentence_start=sentence.start,
        sentence_end=sentence.end, rule=rule.id, category=rule.category,
        severity=rule.severity, action=rule.action, message=message,
        suggestion=rule.suggestion, rationale=rule.rationale,
    )  # fmt: skip


def findings_for(
    path: str, cited: list[CitedLink], statuses: dict[str, LinkStatus], rulebook: RuleBook
) -> list[Finding]:
    broken = rulebook.by_id.get("broken-citation")
    mismatch = rulebook.by_id.get("citation-mismatch")
    out: list[Finding] = []
    for c in cited:
        st = statuses.get(c.href)
        if st is None:
            continue
        if not st.ok and broken is not None:
            why = f"HTTP {st.status}" if st.status else st.error or "unreachable"
            out.append(_finding(path, broken, c.anchor, c.sentence, f"{broken.message} ({why})"))
        elif st.ok and st.text and mismatch is not None:
            page = " ".join(st.text.split()).lower()
            for fig in c.figures:
                variants = figure_variants(fig.text)
                if variants and not any(v.lower() in page for v in variants):
                    out.append(
                        _finding(
                            path,
                            mismatch,
                            fig,
                            c.sentence,
                            f"{mismatch.message} ({fig.text.strip()!r} not found at {c.href})",
                        )  # fmt: skip
                    )
    # one finding per location and rule, in source order
    unique = {(f.rule, f.start, f.end): f for f in out}
    result = sorted(unique.values(), key=sort_key)
    assign_fingerprints(result)
    return result


@dataclass
class LinkSummary:
    """What one --check-links pass did, for the line the command prints."""

    checked: int  # unique URLs
    cached: int  # answered from the cache
    requests: int  # HTTP requests sent
    broken: int


def check_links(
    results: list[DocumentResult], fetcher: Fetcher, rulebook: RuleBook, cache: LinkCache
) -> LinkSummary:
    """Check every cited link once (cached), and add broken-citation / citation-mismatch findings."""
    urls: dict[str, bool] = {}
    for r in results:
        for c in r.citations:
            urls[c.href] = urls.get(c.href, False) or bool(c.figures)
    before = fetcher.requests
    statuses = check_all(fetcher, urls, cache)
    for r in results:
        if r.citations:
            r.findings = sorted(
                r.findings + findings_for(r.path, r.citations, statuses, rulebook), key=sort_key
            )
    broken = sum(1 for s in statuses.values() if not s.ok)
    return LinkSummary(len(urls), cache.hits, fetcher.requests - before, broken)
