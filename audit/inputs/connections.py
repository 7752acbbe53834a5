"""What a connection may reach and how long a request may take, enforced on every socket.

Only http and https are fetched, and only addresses that are global, checked before the request
(`check_url`) and again on the socket a connection reached (`guarded_adapter`), so a name that
resolves differently a moment later (DNS rebinding) cannot reach a private address. A request's
sockets are registered with its deadline, which shuts them down when the time is up.
"""

from __future__ import annotations

import socket
import threading
from contextlib import suppress

from audit.core.errors import InputError


class Deadline:
    """The sockets one request used, shut down together when its time is up.

    Sockets, not connections: http.client drops a connection's socket once a response that
    ends with the connection has its headers, while the body is still being read from it.
    """

    def __init__(self, url: str, seconds: float) -> None:
        self.url = url
        self.seconds = seconds
        self.expired = False
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            if self.expired:
                raise self.error()
            self._sockets.append(sock)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def error(self) -> InputError:
        return InputError(
            f"{self.url}: timed out: no complete response within {self.seconds:g} s, stopped"
        )


current = threading.local()  # the deadline of the request this thread is making


def register(sock) -> None:
    d = getattr(current, "deadline", None)
    if d is not None and sock is not None:
        d.add(sock)


def check_url(url: str, allow_private: bool = False) -> None:
    """The fetch policy: http(s) only, and only addresses that are global.

    The URL is parsed by urllib3's parser, the one requests connects with, so the host checked
    is the host reached (urllib.parse and urllib3 disagree, for example, on
    `http://169.254.169.254\\@public.test/`). A backslash anywhere before the path is refused
    outright: browsers read it as "/", and no real URL needs it. Names are resolved and every
    address they resolve to is checked, so "localhost" or a name pointing at 169.254.169.254
    is refused like the literal address. A name that resolves differently a moment later (DNS
    rebinding) is caught when the connection is made: see _guarded_adapter. Behind a proxy
    (HTTP(S)_PROXY) the proxy resolves names, so this check is the only one that applies.
    """
    from urllib3.exceptions import LocationParseError
    from urllib3.util import parse_url

    scheme, sep, rest = url.partition("://")
    if sep and "\\" in rest.split("/", 1)[0]:
        raise InputError(f"{url}: a backslash in the host part of a URL is refused")
    try:
        parts = parse_url(url)
    except (LocationParseError, ValueError):
        raise InputError(f"{url}: not a valid URL") from None
    if (parts.scheme or "").lower() not in ("http", "https"):
        raise InputError(f"{url}: only http and https URLs can be fetched")
    host = parts.host
    if not host:
        raise InputError(f"{url}: URL has no host")
    if allow_private:
        return
    port = parts.port or (443 if (parts.scheme or "").lower() == "https" else 80)
    for address in _addresses(host, port):
        if _private(address):
            raise InputError(
                f"{url}: refusing to fetch an address that is not public "
                f"({address}); pass --allow-private to allow it"
            )


class PrivatePeer(InputError):
    """A connection reached a private address although the name checked out as public."""

    def __init__(self, host: str, peer: str) -> None:
        self.reason = (
            f"refusing to fetch an address that is not public ({peer}), which "
            f"{host} resolved to when connecting; pass --allow-private to allow it"
        )
        super().__init__(f"{host}: {self.reason}")


# The classes are built here: requests and urllib3 load only when a page is fetched.
def guarded_adapter(check_peers: bool):
    """An HTTPAdapter whose connections obey the request deadline and, unless private
    addresses are allowed, check the address the socket reached.

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
        if not check_peers:
            return sock
        try:
            peer = sock.getpeername()[0]
        except OSError:
            return sock
        if _private(peer):
            sock.close()
            raise PrivatePeer(host, peer)
        return sock

    class Guard:  # mixed into urllib3's HTTP and HTTPS connections
        def _new_conn(self):
            return checked(super()._new_conn(), self.host)  # type: ignore[misc]

        def connect(self):
            super().connect()  # type: ignore[misc]
            register(self.sock)  # type: ignore[attr-defined]

        def request(self, *args, **kwargs):
            if self.sock is not None:  # type: ignore[attr-defined]  # kept alive: no connect()
                register(self.sock)  # type: ignore[attr-defined]
            return super().request(*args, **kwargs)  # type: ignore[misc]

    class GuardedHTTPConnection(Guard, HTTPConnection):
        pass

    class GuardedHTTPSConnection(Guard, HTTPSConnection):
        pass

    class GuardedHTTPPool(HTTPConnectionPool):
        ConnectionCls = GuardedHTTPConnection

    class GuardedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = GuardedHTTPSConnection

    class GuardedAdapter(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {
                "http": GuardedHTTPPool,
                "https": GuardedHTTPSPool,
            }

    return GuardedAdapter


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
    return sorted({str(info[4][0]) for info in infos})


_TUNNELS = None  # IPv6 ranges that carry an IPv4 address: 6to4 and NAT64


def _private(address: str) -> bool:
    """Anything but a global unicast address: private, loopback, link-local, shared (CGNAT,
    100.64.0.0/10, where cloud metadata services live), reserved, multicast, and IPv6 forms
    that lead to an IPv4 address (mapped, 6to4 2002::/16, NAT64 64:ff9b::/96, Teredo)."""
    import ipaddress

    global _TUNNELS
    if _TUNNELS is None:
        _TUNNELS = [ipaddress.ip_network("2002::/16"), ipaddress.ip_network("64:ff9b::/96")]
    ip = ipaddress.ip_address(address.split("%")[0].strip("[]"))
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip.teredo is not None or any(ip in net for net in _TUNNELS):
            return True
    return not ip.is_global or ip.is_multicast
