"""HTTP for live pages and cited links: one requests.Session with the limits a crawler needs.

Connect/read timeouts, retries with backoff for 429 and 5xx that honour Retry-After (urllib3
Retry), a clear User-Agent, a redirect limit, a body-size cap enforced while streaming, a
content-type check, and charset handling (header, then <meta charset>, then UTF-8). Only http
and https are fetched.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

from audit import __version__
from audit.errors import InputError

USER_AGENT = (
    f"claims-audit/{__version__} (health-claims linter; +https://pypi.org/project/claims-audit/)"
)
TEXT_TYPES = (
    "text/html",
    "application/xhtml+xml",
    "text/plain",
    "text/markdown",
    "text/x-markdown",
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


@dataclass
class Limits:
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    retries: int = 3
    backoff: float = 0.5
    allow_private: bool = False  # loopback, private and link-local addresses


@dataclass
class Page:
    url: str  # as asked
    final_url: str
    status: int
    content_type: str
    text: str


class Fetcher:
    """A shared session; counts the HTTP requests it sends (for the run summary)."""

    def __init__(self, limits: Limits | None = None) -> None:
        import requests
        from requests.adapters import HTTPAdapter
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
        adapter_class = HTTPAdapter if self.limits.allow_private else _peer_checking_adapter()
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
        return (self.limits.connect_timeout, self.limits.read_timeout)

    def get_page(self, url: str) -> Page:
        """Fetch a page to audit: text types only, within the size cap."""
        import requests

        self.check(url)
        try:
            with self.session.get(url, timeout=self.timeout, stream=True) as r:
                ctype = r.headers.get("Content-Type", "").split(";")[0].strip().lower()
                if r.status_code >= 400:
                    raise InputError(f"{url}: HTTP {r.status_code} {r.reason or ''}".rstrip())
                if ctype and not ctype.startswith(TEXT_TYPES):
                    raise InputError(f"{url}: not an HTML or text page (Content-Type: {ctype})")
                body = read_capped(r, self.limits.max_bytes, url)
                return Page(url, r.url, r.status_code, ctype or "text/html", decode(body, r, ctype))
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


def check_url(url: str, allow_private: bool = False) -> None:
    """The fetch policy: http(s) only, and no private, loopback or link-local addresses.

    Names are resolved and every address they resolve to is checked, so "localhost" or a
    name pointing at 169.254.169.254 is refused like the literal address. A name that
    resolves differently a moment later (DNS rebinding) is caught when the connection is
    made: see _peer_checking_adapter.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise InputError(f"{url}: only http and https URLs can be fetched")
    host = parts.hostname
    if not host:
        raise InputError(f"{url}: URL has no host")
    if allow_private:
        return
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        raise InputError(f"{url}: invalid port") from None
    for address in _addresses(host, port):
        if _private(address):
            raise InputError(
                f"{url}: refusing to fetch a private, loopback or link-local address "
                f"({address}); pass --allow-private to allow it"
            )


class PrivatePeer(InputError):
    """A connection reached a private address although the name checked out as public."""

    def __init__(self, host: str, peer: str) -> None:
        self.reason = (
            f"refusing to fetch a private, loopback or link-local address ({peer}), which "
            f"{host} resolved to when connecting; pass --allow-private to allow it"
        )
        super().__init__(f"{host}: {self.reason}")


def _peer_checking_adapter():
    """An HTTPAdapter whose direct connections check the address the socket reached.

    check_url resolves a name before the request and urllib3 resolves it again to connect; a
    name that answers with a public address first and a private one next (DNS rebinding)
    would pass the first check. The connected socket's peer is what was really reached, so
    it is checked too. Connections through a proxy (HTTP(S)_PROXY) reach the proxy and are
    left alone: the proxy resolves the name.
    """
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    def checked(sock, host: str):
        try:
            peer = sock.getpeername()[0]
        except OSError:
            return sock
        if _private(peer):
            sock.close()
            raise PrivatePeer(host, peer)
        return sock

    class CheckedHTTPConnection(HTTPConnection):
        def _new_conn(self):
            return checked(super()._new_conn(), self.host)

    class CheckedHTTPSConnection(HTTPSConnection):
        def _new_conn(self):
            return checked(super()._new_conn(), self.host)

    class CheckedHTTPPool(HTTPConnectionPool):
        ConnectionCls = CheckedHTTPConnection

    class CheckedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = CheckedHTTPSConnection

    class PeerCheckingAdapter(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {
                "http": CheckedHTTPPool,
                "https": CheckedHTTPSPool,
            }

    return PeerCheckingAdapter


def _addresses(host: str, port: int) -> list[str]:
    import ipaddress
    import socket

    try:
        return [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return []  # unresolvable: the request itself reports the DNS failure
    return sorted({info[4][0] for info in infos})


def _private(address: str) -> bool:
    import ipaddress

    ip = ipaddress.ip_address(address.split("%")[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
    )


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


def decode(body: bytes, response, ctype: str) -> str:
    """Header charset, else <meta charset> for HTML, else UTF-8 (with replacement)."""
    import codecs

    charset = None
    if "charset=" in response.headers.get("Content-Type", "").lower():
        charset = response.encoding
    if charset is None and "html" in (ctype or "html"):
        m = _META_CHARSET.search(body[:4096])
        if m:
            charset = m.group(1).decode("ascii", "replace")
    if body.startswith(b"\xef\xbb\xbf"):
        charset = "utf-8-sig"
    try:
        codecs.lookup(charset or "utf-8")
    except LookupError:
        charset = None
    return body.decode(charset or "utf-8", errors="replace")


def _reason(exc: Exception) -> str:
    text = str(exc)
    for marker in ("Name or service not known", "Connection refused", "timed out", "No route"):
        if marker in text:
            return marker
    return type(exc).__name__
