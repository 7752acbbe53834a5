#!/usr/bin/env python3
"""Figures for a local site of --pages pages: audit via its sitemap with --check-links, twice.

Serves the pages from 127.0.0.1 (nothing leaves the machine), runs the CLI in-process, and
prints wall time, HTTP requests served and link-cache hits for the first and second run.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import threading
import time
from contextlib import redirect_stderr, redirect_stdout
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ARTICLES = sorted((ROOT / "tests" / "corpus" / "dev").glob("*.html"))


def make_handler(pages: int):
    bodies = [p.read_text(encoding="utf-8") for p in ARTICLES]
    served = {"count": 0}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_HEAD(self):
            self.do_GET()

        def do_GET(self):
            served["count"] += 1
            base = f"http://127.0.0.1:{self.server.server_port}"
            path = self.path
            if path == "/sitemap.xml":
                locs = "".join(f"<url><loc>{base}/p{i}.html</loc></url>" for i in range(pages))
                body = (
                    f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
                )
                ctype, status = "application/xml", 200
            elif path.startswith("/p") and path.endswith(".html"):
                i = int(path[2:-5])
                extra = (
                    f"<p>About {i % 90}% of readers improved "
                    f'(<a href="{base}/source{i % 25}">source</a>).</p>'
                    f'<p>See <a href="{base}/missing{i % 10}">our notes</a>.</p>'
                )
                # keep every link on this machine: external citations become local pages
                body = bodies[i % len(bodies)].replace("https://", f"{base}/ext/")
                body = body.replace("</p>", "</p>" + extra, 1)
                ctype, status = "text/html; charset=utf-8", 200
            elif path.startswith(("/source", "/ext/")):
                body, ctype, status = (
                    "<p>In the study, 42% of readers improved.</p>",
                    "text/html",
                    200,
                )
            else:
                body, ctype, status = "not found", "text/plain", 404
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

    return Handler, served


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=100)
    args = ap.parse_args()
    from audit.cli import main as cli_main

    handler, served = make_handler(args.pages)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sitemap = f"http://127.0.0.1:{server.server_port}/sitemap.xml"
    with tempfile.TemporaryDirectory() as cache:
        for label in ("first run", "second run"):
            served["count"] = 0
            err = io.StringIO()
            t = time.perf_counter()
            with redirect_stdout(io.StringIO()), redirect_stderr(err):
                code = cli_main(["--sitemap", sitemap, "--check-links", "--cache-dir", cache, "-q"])
            elapsed = time.perf_counter() - t
            links = [ln for ln in err.getvalue().splitlines() if "links:" in ln]
            print(
                f"{label}: {args.pages} pages in {elapsed:.2f} s, {served['count']} HTTP requests "
                f"served, exit {code}; {links[0].split('links: ')[1] if links else ''}"
            )
    server.shutdown()


if __name__ == "__main__":
    main()
