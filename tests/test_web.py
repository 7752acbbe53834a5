"""Web pages and cited links against a real HTTP server on 127.0.0.1 (tests/localweb.py)."""

from __future__ import annotations

import json
import socket

import pytest
import requests

from tests.localweb import LocalWeb


@pytest.fixture
def web():
    with LocalWeb() as w:
        yield w


def run(cli, tmp_path, *args):
    return cli(
        *args,
        "--format",
        "json",
        "--cache-dir",
        str(tmp_path / "cache"),
        "--timeout",
        "4",  # per request, retries included: /error's retries fit, /slow's 6 s does not
        "--allow-private",  # the test server is on 127.0.0.1, which is refused by default
    )


def test_audits_main_content_with_exact_positions(cli, tmp_path, web):
    url = f"{web.base}/article.html"
    r = run(cli, tmp_path, url)
    assert r.returncode == 1, r.stderr
    report = json.loads(r.stdout)
    html = requests.get(url, timeout=5).text
    sentences = " ".join(f["sentence"] for f in report["findings"])
    assert "immediate relief" in sentences
    stats = [f["sentence"] for f in report["findings"] if f["category"] == "unsourced-statistic"]
    # linked only to the audited site itself, which is not a source (labelling guide)
    assert [s for s in stats if "70%" in s] and [s for s in stats if "45%" in s]
    for boiler in ("best", "cookies", "top clinic"):  # nav, cookie banner, footer
        assert boiler not in sentences
    for f in report["findings"]:
        assert f["path"] == url
        assert html[f["start"] : f["end"]] == f["match"]


def test_whole_page_with_no_extract(cli, tmp_path, web):
    r = run(cli, tmp_path, f"{web.base}/article.html", "--no-extract")
    sentences = " ".join(f["sentence"] for f in json.loads(r.stdout)["findings"])
    assert "cookies" in sentences


def test_check_links_reports_broken_and_mismatched_citations(cli, tmp_path, web):
    # Fetched as localhost: the article's links to 127.0.0.1 are then another site's pages,
    # and so sources (links to the audited site itself are not).
    article = f"{web.base}/article.html".replace("127.0.0.1", "localhost")
    r = run(cli, tmp_path, article, "--check-links")
    report = json.loads(r.stdout)
    broken = {
        f["match"]: f["message"] for f in report["findings"] if f["rule"] == "broken-citation"
    }
    assert "HTTP 404" in broken["dosing notes"]
    assert "HTTP 500" in broken["safety sheet"]
    assert "redirect" in broken["archive"]
    assert "timed out" in broken["slow page"]
    assert "our methods" not in broken and "trial report" not in broken  # 301 -> 200 is fine
    mismatch = [f for f in report["findings"] if f["rule"] == "citation-mismatch"]
    assert [m["match"] for m in mismatch] == ["45%"]  # "70%" is on the cited page
    weak = [f for f in report["findings"] if f["rule"] == "weak-source"]
    assert any("facebook" in json.dumps(w["links"]) for w in weak)
    assert web.hits["/error"] >= 2  # 5xx retried before giving up
    assert "links: " in r.stderr and "0 from cache" in r.stderr


def test_link_results_are_cached(cli, tmp_path, web):
    run(cli, tmp_path, f"{web.base}/article.html", "--check-links")
    before = dict(web.hits)
    r = run(cli, tmp_path, f"{web.base}/article.html", "--check-links")
    assert "links: 7 checked, 7 from cache, 0 HTTP requests" in r.stderr, r.stderr
    for path in ("/good", "/missing", "/error", "/slow"):
        assert web.hits.get(path) == before.get(path)  # not requested again
    r = run(cli, tmp_path, f"{web.base}/article.html", "--check-links", "--cache-ttl", "0")
    assert "0 from cache" in r.stderr


def test_retry_after_is_honoured(tmp_path, web):
    from audit.checks.linkcheck import check_one
    from audit.inputs.fetch import Fetcher
    from audit.inputs.limits import Limits

    fetcher = Fetcher(Limits(read_timeout=2, allow_private=True))
    status = check_one(fetcher, f"{web.base}/ratelimited", need_text=True)
    assert status.ok and status.status == 200 and "70%" in status.text
    assert web.hits["/ratelimited"] == 2 and fetcher.requests == 2


@pytest.mark.parametrize(
    "path,message",
    [
        ("/big", "body larger than"),
        ("/image.png", "not an HTML or text page (Content-Type: image/png)"),
        ("/missing", "HTTP 404"),
        ("/loop-a", "too many redirects"),
    ],
)
def test_bad_pages_are_one_line_errors(cli, tmp_path, web, path, message):
    r = run(cli, tmp_path, f"{web.base}{path}", f"{web.base}/page1.html", "--max-bytes", "1000000")
    assert r.returncode == 2
    docs = {d["path"]: d for d in json.loads(r.stdout)["documents"]}
    assert message in docs[f"{web.base}{path}"]["error"]
    assert docs[f"{web.base}/page1.html"]["findings"] >= 1  # the other page is still audited
    assert "Traceback" not in r.stderr


def test_charsets(cli, tmp_path, web):
    r = run(cli, tmp_path, f"{web.base}/latin1.html", f"{web.base}/meta1252.html", "--no-extract")
    report = json.loads(r.stdout)
    sentences = [f["sentence"] for f in report["findings"]]
    assert any(s.startswith("Café owners") for s in sentences)
    assert any("\u201cExperts agree\u201d" in s for s in sentences)


def test_sitemap_index(cli, tmp_path, web):
    r = run(cli, tmp_path, "--sitemap", f"{web.base}/sitemap.xml")
    paths = [d["path"] for d in json.loads(r.stdout)["documents"]]
    assert paths == [f"{web.base}/page{i}.html" for i in (1, 2, 3)]


def test_only_http_and_https(cli, tmp_path):
    r = cli("ftp://example.org/file.html", "file:///etc/passwd")
    assert r.returncode == 2
    assert "ftp://example.org/file.html: only http and https" in r.stderr
    assert "file:///etc/passwd: only http and https" in r.stderr


def test_connection_refused(cli, tmp_path):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    r = run(cli, tmp_path, f"http://127.0.0.1:{port}/x.html")
    assert r.returncode == 2 and "cannot connect" in r.stderr


def test_source_tier_override_in_config(cli, tmp_path, web):
    (tmp_path / ".claims-audit.toml").write_text('[source-tiers]\n"facebook.com" = 2\n')
    r = run(cli, tmp_path, f"{web.base}/article.html".replace("127.0.0.1", "localhost"))
    weak = [f for f in json.loads(r.stdout)["findings"] if f["rule"] == "weak-source"]
    assert not [f for f in weak if "facebook" in json.dumps(f["links"])]  # tier 2 now
    tiers = [lk["tier"] for f in json.loads(r.stdout)["findings"] for lk in f["links"]]
    assert 2 in tiers


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/a",
        "http://localhost/a",
        "http://10.1.2.3/a",
        "http://192.168.0.10/a",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/a",
        "http://0.0.0.0/a",
        "http://100.64.0.1/a",  # shared address space (RFC 6598)
        "http://100.100.100.200/latest/meta-data/",  # a cloud metadata service in it
        "http://[2002:a9fe:a9fe::1]/",  # 6to4: 169.254.169.254 inside IPv6
        "http://[64:ff9b::a9fe:a9fe]/",  # NAT64
        "http://[::ffff:169.254.169.254]/",  # IPv4-mapped
        "http://127.1/",
        "http://2130706433/",
    ],
)
def test_private_addresses_are_refused(url):
    from audit.core.errors import InputError
    from audit.inputs.connections import check_url

    with pytest.raises(InputError, match="refusing to fetch an address that is not public"):
        check_url(url)
    check_url(url, allow_private=True)  # allowed when asked for


def test_private_page_refused_without_flag(cli, tmp_path, web):
    r = cli(f"{web.base}/page1.html", "--format", "json")
    assert r.returncode == 2
    assert "refusing to fetch an address that is not public" in r.stderr
    assert "--allow-private" in r.stderr and web.hits == {}


def test_redirects_are_checked_against_the_same_policy(tmp_path, web):
    from audit.checks.linkcheck import check_one
    from audit.core.errors import InputError
    from audit.inputs.fetch import Fetcher
    from audit.inputs.limits import Limits

    fetcher = Fetcher(Limits(allow_private=True))
    with pytest.raises(InputError, match="only http and https"):
        fetcher.get_page(f"{web.base}/to-ftp")
    status = check_one(fetcher, f"{web.base}/to-ftp", need_text=False)
    assert not status.ok and "only http and https" in status.error


def test_dns_rebinding_is_caught_when_connecting(tmp_path, web, monkeypatch):
    """A name that checked out as public but connects to a private address is refused.

    The first resolution is made to answer with a public address (what a rebinding DNS
    server does); the connection then reaches the real server on 127.0.0.1, and the
    connected socket's peer is refused before any request is sent.
    """
    import audit.inputs.connections
    from audit.checks.linkcheck import check_one
    from audit.core.errors import InputError
    from audit.inputs.fetch import Fetcher
    from audit.inputs.limits import Limits

    monkeypatch.setattr(
        audit.inputs.connections, "_addresses", lambda host, port: ["93.184.216.34"]
    )
    fetcher = Fetcher(Limits(retries=0))
    with pytest.raises(
        InputError, match=r"refusing to fetch an address that is not public.*\(127\.0\.0\.1\)"
    ):
        fetcher.get_page(f"{web.base}/page1.html")
    status = check_one(fetcher, f"{web.base}/page1.html", need_text=False)
    assert not status.ok and "127.0.0.1" in status.error
    assert web.hits == {}  # nothing reached the server as a request
    # With --allow-private the same fetch goes through.
    page = Fetcher(Limits(retries=0, allow_private=True)).get_page(f"{web.base}/page1.html")
    assert page.status == 200


@pytest.mark.parametrize(
    "url",
    ["http://169.254.169.254\\@public.test/", "http://public.test\\@169.254.169.254/x"],
)
def test_backslash_in_the_authority_is_refused(url):
    """urllib.parse and urllib3 (which requests connects with) disagree on these hosts."""
    from audit.core.errors import InputError
    from audit.inputs.connections import check_url

    for allow in (False, True):
        with pytest.raises(InputError, match="backslash"):
            check_url(url, allow_private=allow)


def test_behind_a_proxy_the_address_check_still_applies(cli, tmp_path, web):
    """The proxy resolves names itself, so the check before the request is what protects."""
    import os

    env_proxy = {"HTTP_PROXY": web.base, "http_proxy": web.base, "NO_PROXY": ""}
    old = {k: os.environ.get(k) for k in env_proxy}
    os.environ.update(env_proxy)
    try:
        r = cli("http://100.100.100.200/latest/meta-data/", "--format", "json")
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    assert r.returncode == 2 and "not public" in r.stderr
    assert web.hits == {}  # nothing reached the proxy
