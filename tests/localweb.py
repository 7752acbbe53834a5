"""A real HTTP server on 127.0.0.1 for the web tests: pages, redirects, errors, slow and big
responses, charsets and sitemaps. Nothing is mocked and nothing leaves the machine."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARTICLE = """<!DOCTYPE html>
<html><head><title>Ketamine clinic</title></head><body>
<nav><a href="/">Home</a> <a href="/services">Services</a> Studies show our clinic is the best.</nav>
<div class="cookie-banner">We use cookies. 90% of visitors accept all cookies.</div>
<main><article>
<h1>Ketamine for depression</h1>
<p>Ketamine provides almost immediate relief for many patients with depression.</p>
<p>About 70% of patients improved within a day (<a href="{base}/good">trial report</a>).</p>
<p>Nearly 45% of adults report poor sleep (<a href="{base}/good">survey</a>).</p>
<p>The infusion is given in a quiet room over about forty minutes by our nurses.</p>
<p>Researchers continue to study how ketamine works in the brain over weeks.</p>
<p>See the <a href="{base}/missing">dosing notes</a>, the <a href="{base}/error">safety sheet</a>,
the <a href="{base}/loop-a">archive</a>, the <a href="{base}/slow">slow page</a> and
<a href="{base}/moved">our methods</a>.</p>
<p>Magnesium prevents migraines in 80% of people (<a href="https://www.facebook.com/post/1">post</a>).</p>
</article></main>
<footer>Copyright 2024. Experts agree we are the top clinic. Call 512-555-0100.</footer>
</body></html>"""

GOOD = (
    "<html><body><h1>Trial report</h1><p>In the trial, 70% of patients responded.</p></body></html>"
)


CHARSET_PAGE = (
    "<html><head><title>Tea</title></head><body><main><p>Caf\u00e9 owners say our tea cures"
    " colds in 90% of cases and studies show it relieves pain.</p></main></body></html>"
)

# A page whose claims sit in the title, the meta description and image alt text as well as
# the article: audited alike whether served or read from a file.
HEAD_AND_ALT = """<!DOCTYPE html>
<html><head><title>Miracle tea cures colds in 90% of cases</title>
<meta name="description" content="Studies show our tea relieves sinus pain in one day.">
</head><body>
<nav><a href="/">Home</a> <a href="/shop">Shop</a></nav>
<main><article>
<h1>Our ginger tea</h1>
<p>Our ginger tea soothes sore throats and boosts immunity within hours of the first cup.</p>
<p>Brew one bag in hot water for five minutes, then add honey or lemon to taste.</p>
<p>The tea is grown on small farms and packed by hand in our workshop near the coast.</p>
<p>Each box holds twenty bags, and every order ships in recyclable paper packaging.</p>
<img src="/tea.jpg" alt="Doctors recommend this tea to 9 out of 10 patients">
</article></main>
<footer>Copyright 2026 Ginger Co.</footer>
</body></html>"""


# A page citing its own site with relative links: one that works and one that is gone.
SAME_SITE = """<html><head><title>Our results</title></head><body><main><article>
<h1>What our patients report</h1>
<p>About 70% of our patients improved within a month (<a href="/good">results page</a>).</p>
<p>Nearly 45% slept better after two weeks (<a href="/gone-study">our sleep study</a>).</p>
<p>Call us to book a consultation, or write to the front desk at any time of day.</p>
</article></main></body></html>"""


class Handler(BaseHTTPRequestHandler):
    hits: dict[str, int] = {}

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def _send(
        self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8", headers=None
    ):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        base = f"http://127.0.0.1:{self.server.server_port}"
        path = self.path.split("?")[0]
        Handler.hits[path] = Handler.hits.get(path, 0) + 1
        if path == "/article.html":
            self._send(200, ARTICLE.replace("{base}", base).encode())
        elif path == "/good":
            self._send(200, GOOD.encode())
        elif path == "/missing":
            self._send(404, b"not found")
        elif path == "/error":
            self._send(500, b"boom")
        elif path in ("/loop-a", "/loop-b"):
            target = "/loop-b" if path == "/loop-a" else "/loop-a"
            self._send(302, b"", headers={"Location": base + target})
        elif path == "/to-ftp":
            self._send(302, b"", headers={"Location": "ftp://127.0.0.1/file"})
        elif path == "/moved":
            self._send(301, b"", headers={"Location": base + "/good"})
        elif path == "/slow":
            time.sleep(6)
            self._send(200, b"late")
        elif path == "/ratelimited":
            if Handler.hits[path] == 1:
                self._send(429, b"slow down", headers={"Retry-After": "1"})
            else:
                self._send(200, b"<p>ok now, 70% agree</p>")
        elif path == "/big":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            chunk = b"<p>Studies show it works.</p>" * 1000
            try:
                for _ in range(200):  # ~5.8 MB, streamed without a length
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif path == "/image.png":
            self._send(200, b"\x89PNG\r\n", ctype="image/png")
        elif path == "/latin1.html":
            body = "<p>Caf\xe9 owners say our tea cures colds in 90% of cases.</p>".encode(
                "latin-1"
            )
            self._send(200, body, ctype="text/html; charset=iso-8859-1")
        elif path == "/meta1252.html":
            body = (
                '<html><head><meta charset="windows-1252"></head><body>'
                "<p>\u201cExperts agree\u201d our balm relieves pain.</p></body></html>"
            ).encode("cp1252")
            self._send(200, body, ctype="text/html")
        elif path == "/sitemap.xml":
            xml = (
                '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<sitemap><loc>{base}/sitemap-pages.xml</loc></sitemap>"
                f"<sitemap><loc>{base}/sitemap.xml</loc></sitemap></sitemapindex>"
            )
            self._send(200, xml.encode(), ctype="application/xml")
        elif path == "/sitemap-pages.xml":
            locs = "".join(f"<url><loc>{base}/page{i}.html</loc></url>" for i in range(1, 4))
            xml = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
            self._send(200, xml.encode(), ctype="application/xml")
        elif path.startswith("/page") and path.endswith(".html"):
            n = path[5:-5]
            self._send(
                200,
                f"<html><body><main><h1>Page {n}</h1><p>Our drip boosts immunity for "
                f"{n} out of 10 clients within a week of treatment.</p></main></body></html>".encode(),
            )
        elif path == "/empty-sitemap.xml":
            xml = '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>'
            self._send(200, xml.encode(), ctype="application/xml")
        elif (
            path == "/drip"
        ):  # a body sent one byte at a time: each read is quick, the whole is not
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "600")
            self.end_headers()
            try:
                for _ in range(600):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.1)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif path.startswith("/charset/"):  # a page that declares the charset named in the path
            label = path.split("/")[2]
            body = CHARSET_PAGE.encode("utf-8")
            where = self.path.split("?")[1] if "?" in self.path else "header"
            if where == "meta":
                body = CHARSET_PAGE.replace("<head>", f'<head><meta charset="{label}">').encode()
                self._send(200, body, ctype="text/html")
            else:
                self._send(200, body, ctype=f"text/html; charset={label}")
        elif path == "/same-site.html":
            self._send(200, SAME_SITE.encode())
        elif path == "/head-and-alt.html":
            self._send(200, HEAD_AND_ALT.encode())
        else:
            self._send(404, b"no such page")


class LocalWeb:
    def __init__(self) -> None:
        Handler.hits = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    @property
    def hits(self) -> dict[str, int]:
        return Handler.hits

    def __enter__(self) -> LocalWeb:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
