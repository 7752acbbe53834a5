"""HTTP for live pages and cited links: one requests.Session with the limits a crawler needs.

An overall deadline per request (connect, redirects, retries and body included), connect and
read timeouts within it, retries with backoff for 429 and 5xx that honour Retry-After (urllib3
Retry), a clear User-Agent, a redirect limit, a body-size cap enforced while streaming, a
content-type check, and charset handling (header, then <meta charset>, then UTF-8). Only http
and https are fetched, and only public addresses (audit.inputs.connections).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from audit import PROG, __version__
from audit.core.errors import InputError
from audit.inputs.connections import Deadline, PrivatePeer, check_url, current, guarded_adapter
from audit.inputs.limits import Limits

USER_AGENT = f"{PROG}/{__version__} (health-claims linter; +https://pypi.org/project/claims-audit/)"
TEXT_TYPES = (
    "text/html",
    "application/xhtml+xml",
    "text/plain",
    "text/markdown",
    "text/x-markdown",
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


@dataclass
class Page:
    url: str  # as asked
    final_url: str
    status: int
    content_type: str
    text: str
    notes: list[str]


class Fetcher:
    """A shared session; counts the HTTP requests it sends (for the run summary)."""

    def __init__(self, limits: Limits | None = None) -> None:
        import requests
        from urllib3.util.retry import Retry

        self.limits = limits or Limits()
        self.requests = 0
        self._lock = threading.Lock()
        retry = Retry(
            total=self.limits.retries,
            connect=self.limits.retries,
            read=0,
            redirect=self.limits.max_redirects,
            status=self.limits.retries,
            status_forcelist=(429, 500, 502, 503, 504),
            allowed_methods=frozenset({"GET", "HEAD"}),
            backoff_factor=self.limits.backoff,
            backoff_max=10,
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        adapter_class = guarded_adapter(check_peers=not self.limits.allow_private)
        adapter = adapter_class(max_retries=retry, pool_connections=16, pool_maxsize=16)
        self.session = requests.Session()
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.max_redirects = self.limits.max_redirects
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.hooks["response"].append(self._count)
        self.session.hooks["response"].append(self._check_redirect)

    def _count(self, response, *args, **kwargs) -> None:
        """Response hook: one request, plus any retries urllib3 made before this response."""
        retries = getattr(response.raw, "retries", None)
        extra = len(retries.history) if retries is not None else 0
        with self._lock:
            self.requests += 1 + extra

    def _check_redirect(self, response, *args, **kwargs) -> None:
        """Response hook: a redirect target must pass the same policy as the first URL."""
        if response.is_redirect:
            from urllib.parse import urljoin

            check_url(
                urljoin(response.url, response.headers["Location"]), self.limits.allow_private
            )

    def check(self, url: str) -> None:
        check_url(url, self.limits.allow_private)

    @property
    def timeout(self) -> tuple[float, float]:
        lim = self.limits
        return (min(lim.connect_timeout, lim.deadline), min(lim.read_timeout, lim.deadline))

    @contextmanager
    def deadline(self, url: str) -> Iterator[Deadline]:
        """Bound everything done inside to `limits.deadline` seconds.

        Timeouts in requests are per socket operation, so a server that sends one byte a
        second holds a download for as long as it likes. When the deadline passes, every
        connection this thread used for the request is shut down, which ends any read in
        progress at once; the caller then reports the page as too slow.
        """
        d = Deadline(url, self.limits.deadline)
        current.deadline = d
        timer = threading.Timer(self.limits.deadline, d.expire)
        timer.daemon = True
        timer.start()
        try:
            yield d
        except Exception as exc:
            if d.expired and not isinstance(exc, PrivatePeer):
                raise d.error() from None
            raise
        finally:
            timer.cancel()
            current.deadline = None
        if d.expired:
            raise d.error()

    def get_page(self, url: str) -> Page:
        """Fetch a page to audit: text types only, within the size cap and the deadline."""
        import requests

        self.check(url)
        try:
            with (
                self.deadline(url),
                self.session.get(url, timeout=self.timeout, stream=True) as r,
            ):
                ctype = r.headers.get("Content-Type", "").split(";")[0].strip().lower()
                if r.status_code >= 400:
                    raise InputError(f"{url}: HTTP {r.status_code} {r.reason or ''}".rstrip())
                if ctype and not ctype.startswith(TEXT_TYPES):
                    raise InputError(f"{url}: not an HTML or text page (Content-Type: {ctype})")
                body = read_capped(r, self.limits.max_bytes, url)
                text, notes = decode(body, r, ctype)
                return Page(url, r.url, r.status_code, ctype or "text/html", text, notes)
        except PrivatePeer as exc:
            raise InputError(f"{url}: {exc.reason}") from None
        except requests.exceptions.TooManyRedirects:
            raise InputError(
                f"{url}: too many redirects (limit {self.limits.max_redirects})"
            ) from None
        except requests.exceptions.Timeout:
            raise InputError(f"{url}: timed out") from None
        except requests.exceptions.ConnectionError as exc:
            if "timed out" in str(exc).lower():
                raise InputError(f"{url}: timed out") from None
            raise InputError(f"{url}: cannot connect ({_reason(exc)})") from None
        except requests.exceptions.RequestException as exc:
            raise InputError(f"{url}: request failed ({_reason(exc)})") from None


def read_capped(response, cap: int, url: str) -> bytes:
    """Read a streamed body, stopping at `cap` bytes."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(chunk_size=65536):
        size += len(chunk)
        if size > cap:
            raise InputError(f"{url}: body larger than {cap:,} bytes, stopped")
        chunks.append(chunk)
    return b"".join(chunks)


def decode(body: bytes, response, ctype: str) -> tuple[str, list[str]]:
    """Decode a body as a browser would, with notes for what a browser would ignore.

    A byte-order mark wins; then the Content-Type charset; then, for HTML, a <meta> charset
    in the first 1,024 bytes. Only WHATWG encoding labels count (webencodings holds the
    standard's table): a page declaring cp037, utf-32 or punycode is decoded as a browser
    would decode it, not with the codec Python happens to have, and the note says so. A
    <meta> declaring UTF-16 means UTF-8, as in the HTML standard. With nothing usable
    declared, UTF-8 when the bytes are valid UTF-8, else windows-1252.
    """
    import webencodings

    notes: list[str] = []
    if body.startswith(b"\xef\xbb\xbf"):
        return body[3:].decode("utf-8", errors="replace"), notes
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        name = "utf-16-le" if body.startswith(b"\xff\xfe") else "utf-16-be"
        return body[2:].decode(name, errors="replace"), notes
    declared = [("Content-Type header", _header_charset(response))]
    if "html" in (ctype or "html"):
        m = _META_CHARSET.search(body[:1024])
        declared.append(("<meta> charset", m.group(1).decode("ascii", "replace") if m else None))
    for where, label in declared:
        if not label:
            continue
        encoding = webencodings.lookup(label)
        if encoding is None:
            notes.append(
                f"{response.url}: the {where} names {label!r}, which is not a web encoding; "
                "ignored, as browsers do"
            )
            continue
        name = encoding.name
        if where.startswith("<meta>") and name in ("utf-16le", "utf-16be"):
            name = "utf-8"
        elif where.startswith("<meta>") and name == "x-user-defined":
            name = "windows-1252"
        return webencodings.decode(body, name, errors="replace")[0], notes
    try:
        return body.decode("utf-8"), notes
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace"), notes


def _header_charset(response) -> str | None:
    from email.message import Message

    header = response.headers.get("Content-Type", "")
    if "charset" not in header.lower():
        return None
    msg = Message()
    msg["content-type"] = header
    value = msg.get_param("charset")
    return value.strip() if isinstance(value, str) else None


def _reason(exc: Exception) -> str:
    text = str(exc)
    for marker in ("Name or service not known", "Connection refused", "timed out", "No route"):
        if marker in text:
            return marker
    return type(exc).__name__
