"""Attacks on the command line's outputs and inputs (issue 11), each in a temporary folder.

Nothing here touches the machine's own devices or files: devices and FIFOs are made inside
tmp_path, and standard output is reached through a link to /proc/self/fd/1.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess

import pytest

ARTICLE = "Studies show that 80% of clients sleep better.\n"


@pytest.fixture
def article(tmp_path):
    (tmp_path / "a.md").write_text(ARTICLE)
    return "a.md"


def test_dash_output_means_standard_output(cli, tmp_path, article):
    r = cli(article, "--format", "json", "-o", "-")
    assert r.returncode == 1
    assert json.loads(r.stdout)["summary"]["findings"] >= 2
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("fmt", ["json", "jsonl", "sarif", "text"])
def test_link_to_standard_output_is_written_not_replaced(cli_process, tmp_path, article, fmt):
    (tmp_path / "stdout").symlink_to("/proc/self/fd/1")  # the process's own descriptor 1
    r = cli_process(article, "--format", fmt, "-o", "stdout")
    assert "Studies show" in r.stdout or "80%" in r.stdout
    assert (tmp_path / "stdout").is_symlink()


def test_fifo_target_receives_the_report(cli, tmp_path, article):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    r = cli(article, "--format", "json", "-o", "pipe")
    out, _ = reader.communicate(timeout=60)
    assert r.returncode == 1, r.stderr
    assert json.loads(out)["summary"]["findings"] >= 2
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_device_target_is_written_not_replaced(cli, tmp_path, article):
    null = tmp_path / "null"
    try:
        os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a /dev/null of our own
    except PermissionError:
        pytest.skip("making a device node needs root")
    r = cli(article, "--format", "json", "-o", str(null))
    assert r.returncode == 1, r.stderr
    assert stat.S_ISCHR(null.lstat().st_mode)


def test_report_through_a_symlink_replaces_the_file_and_keeps_the_link(cli, tmp_path, article):
    (tmp_path / "real.json").write_text("{}")
    (tmp_path / "link.json").symlink_to("real.json")
    cli(article, "--format", "json", "-o", "link.json")
    assert (tmp_path / "link.json").is_symlink()
    assert json.loads((tmp_path / "real.json").read_text())["summary"]["findings"] >= 2


@pytest.mark.parametrize("fmt", ["json", "html"])
def test_rewritten_report_keeps_its_permissions(cli, tmp_path, article, fmt):
    cli(article, "--format", fmt, "-o", "r.out")
    os.chmod(tmp_path / "r.out", 0o600)
    cli(article, "--format", fmt, "-o", "r.out")
    assert stat.S_IMODE((tmp_path / "r.out").stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "."], ".: is a folder"),
        (["--out-dir", "a.md", "--format", "json,sarif"], "a.md: not a folder"),
    ],
)
def test_bad_output_paths_are_one_line(cli, tmp_path, article, args, message):
    r = cli(article, *args)
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert message in r.stderr and "internal error" not in r.stderr


def test_leftover_temporary_report_of_a_killed_run_is_removed(cli, tmp_path, article):
    dead = subprocess.Popen(["true"])
    dead.wait()
    leftover = tmp_path / f".r.json.{dead.pid}.abc123.claims-audit-tmp"
    leftover.write_text("half a report")
    mine = tmp_path / f".r.json.{os.getpid()}.abc123.claims-audit-tmp"  # a live writer's
    mine.write_text("in progress")
    cli(article, "--format", "json", "-o", "r.json")
    assert not leftover.exists()
    assert mine.exists()


# 2. Folder walks and symlinks


def test_walk_skips_symlinks_out_of_the_tree_and_into_git(cli, tmp_path):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".git" / "config").write_text("url = https://x-access-token:SECRET@github.com/o/r\n")
    (repo / "docs").mkdir()
    (repo / "docs" / "post.md").write_text(ARTICLE)
    (repo / "docs" / "notes.md").symlink_to("../.git/config")
    outside = tmp_path / "outside.md"
    outside.write_text("Experts agree TOKEN-OUTSIDE works.\n")
    (repo / "docs" / "linked.md").symlink_to(outside)
    (repo / "docs" / "alias.md").symlink_to("post.md")  # inside the tree: audited
    r = cli("repo", "--format", "json")
    report = json.loads(r.stdout)
    paths = [d["path"] for d in report["documents"]]
    assert paths == ["repo/docs/alias.md", "repo/docs/post.md"]
    assert "SECRET" not in r.stdout and "TOKEN-OUTSIDE" not in r.stdout
    assert "repo/docs/notes.md: symlink into a hidden or skipped folder, skipped" in r.stderr
    assert "repo/docs/linked.md: symlink to a file outside the audited folder, skipped" in r.stderr
    assert r.returncode == 1  # a note, not an input error


def test_named_symlink_is_still_read(cli, tmp_path):
    (tmp_path / "target.md").write_text(ARTICLE)
    (tmp_path / "named.md").symlink_to(tmp_path / "target.md")
    r = cli("named.md", "--format", "json")
    assert json.loads(r.stdout)["documents"][0]["findings"] >= 2


# 6. Empty URL lists and sitemaps


def test_empty_url_list_does_not_audit_the_current_folder(cli, tmp_path):
    (tmp_path / "urls.txt").write_text("# nothing yet\n")
    (tmp_path / "local.md").write_text(ARTICLE)
    r = cli("--urls", "urls.txt", "--format", "json")
    assert r.returncode == 2
    (doc,) = json.loads(r.stdout)["documents"]  # the list itself, as an input that failed
    assert doc["path"] == "urls.txt" and "holds no URLs" in doc["error"]
    assert "urls.txt: the URL list holds no URLs" in r.stderr


def test_empty_sitemap_does_not_audit_the_current_folder(cli, tmp_path):
    from tests.localweb import LocalWeb

    (tmp_path / "local.md").write_text(ARTICLE)
    with LocalWeb() as web:
        r = cli("--sitemap", f"{web.base}/empty-sitemap.xml", "--allow-private", "--format", "json")
    assert r.returncode == 2
    (doc,) = json.loads(r.stdout)["documents"]  # the sitemap, as an input that failed
    assert doc["path"].endswith("/empty-sitemap.xml") and "lists no pages" in doc["error"]
    assert "the sitemap lists no pages" in r.stderr


# 3. --diff and awkward file names


def _git(cwd, *args):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", *args], cwd=cwd, check=True, env=env, capture_output=True)


@pytest.mark.parametrize(
    "name", ["with space.md", 'quote"d.md', "tab\there.md", "back\\slash.md", "café ünï.md"]
)
def test_diff_finds_changed_files_with_awkward_names(cli, tmp_path, name):
    _git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / name).write_text("A plain first line.\n")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "first")
    (tmp_path / name).write_text("A plain first line.\nExperts agree our drip cures colds.\n")
    r = cli("--diff", "HEAD", "--format", "json")
    report = json.loads(r.stdout)
    assert [d["path"] for d in report["documents"]] == [name]
    assert {f["line"] for f in report["findings"]} == {2}
    assert r.returncode == 1


def test_diff_says_when_it_selects_files_but_audits_none(cli, tmp_path):
    _git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "app.py").write_text("x = 1\n")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "first")
    (tmp_path / "app.py").write_text("x = 2\n")
    r = cli("--diff", "HEAD")
    assert r.returncode == 0
    assert "--diff HEAD: 1 changed file, none of them a document to audit" in r.stderr


def test_diff_unknown_ref_names_it_and_hints_at_fetch_depth(cli, tmp_path):
    _git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "a.md").write_text("Hi.\n")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "first")
    r = cli("--diff", "origin/main")
    assert r.returncode == 2
    assert "--diff origin/main: no such commit" in r.stderr and "fetch-depth" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


# 4. Time: an overall deadline per request, and signals that end the run at once


def _start(args, **kw):
    import sys

    from tests.conftest import ROOT

    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    return subprocess.Popen(
        [sys.executable, str(ROOT / "run_audit.py"), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        **kw,
    )


def test_a_dripping_server_is_cut_off_at_the_deadline(cli, tmp_path):
    import time

    from tests.localweb import LocalWeb

    with LocalWeb() as web:
        t = time.monotonic()
        r = cli(f"{web.base}/drip", "--allow-private", "--timeout", "2", "--format", "json")
        elapsed = time.monotonic() - t
    assert r.returncode == 2
    assert "/drip: timed out: no complete response within 2 s, stopped" in r.stderr
    assert elapsed < 30  # the page takes 60 s to send; per-read timeouts never fire


@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
def test_a_signal_during_downloads_exits_at_once(tmp_path, sig):
    import signal
    import time

    from tests.localweb import LocalWeb

    with LocalWeb() as web:
        urls = [f"{web.base}/drip?{i}" for i in range(6)]
        proc = _start([*urls, "--allow-private", "--timeout", "120"], cwd=tmp_path)
        deadline = time.monotonic() + 60
        while web.hits.get("/drip", 0) < 6 and time.monotonic() < deadline:
            time.sleep(0.05)  # wait for the downloads to be under way, not a fixed time
        assert web.hits.get("/drip", 0) >= 1
        t = time.monotonic()
        proc.send_signal(getattr(signal, sig))
        _, err = proc.communicate(timeout=60)
        elapsed = time.monotonic() - t
    assert proc.returncode == (130 if sig == "SIGINT" else 143)
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert elapsed < 5  # downloads would hold the exit for a minute


def test_second_ctrl_c_gives_no_traceback(tmp_path):
    import signal
    import time

    content = tmp_path / "content"
    content.mkdir()
    for i in range(100):
        (content / f"p{i}.md").write_text(ARTICLE * 3000)
    proc = _start([str(content), "--jobs", "1"], cwd=tmp_path)
    proc.stdout.readline()  # the first findings are out: the audit is running
    proc.send_signal(signal.SIGINT)
    time.sleep(0.005)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "Traceback" not in err


def _interpreter_start_seconds() -> float:
    """How long this machine's Python takes to start (site included), before any of our code:
    the slowest of five starts, so that on a busy machine the signal still comes after it."""
    import sys
    import time

    times = []
    for _ in range(5):
        t = time.monotonic()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.monotonic() - t)
    return max(times)


@pytest.mark.parametrize("after_ms", [2, 5, 10, 20, 35, 50])
def test_ctrl_c_during_start_up_gives_no_traceback(tmp_path, after_ms):
    """From the moment claims-audit's own code runs; before that, CPython itself is starting."""
    import signal
    import time

    (tmp_path / "a.md").write_text(ARTICLE)
    start = _interpreter_start_seconds()
    proc = _start(["a.md"], cwd=tmp_path)
    time.sleep(start + after_ms / 1000)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert "Traceback" not in err, err
    assert proc.returncode in (130, 1)  # 1: the audit of one small file finished first


# 7. Nothing skipped without a word: deep nesting, odd charsets, a page's head and alt text


@pytest.mark.parametrize(
    "source",
    [
        ">" * 20 + " Studies show that 80% of clients sleep better.\n",  # 20 quote levels
        "".join("  " * i + "- item\n" for i in range(10))
        + "  " * 10
        + "- Studies show that 80% of clients sleep better.\n",  # 11 list levels
    ],
)
def test_deeply_nested_markdown_is_audited(cli, tmp_path, source):
    (tmp_path / "deep.md").write_text(source)
    r = cli("deep.md", "--format", "json")
    rules = {f["category"] for f in json.loads(r.stdout)["findings"]}
    assert {"unsourced-statistic", "vague-attribution"} <= rules


def test_nesting_beyond_the_parser_limit_is_reported(cli, tmp_path):
    (tmp_path / "deeper.md").write_text(
        ">" * 150 + " Studies show it.\n\nExperts agree it works.\n"
    )
    r = cli("deeper.md", "--format", "json")
    assert "deeper.md: Markdown nested more than 100 levels deep" in r.stderr
    doc = json.loads(r.stdout)["documents"][0]
    assert doc["notes"] and doc["findings"] >= 1  # the text after the quote is still audited


@pytest.mark.parametrize(
    "query", ["cp037", "utf-32", "punycode", "utf-7", "cp037?meta", "utf-32?meta"]
)
def test_charsets_browsers_would_not_use_are_ignored_with_a_note(cli, tmp_path, query):
    from tests.localweb import LocalWeb

    with LocalWeb() as web:
        r = cli(f"{web.base}/charset/{query}", "--allow-private", "--format", "json")
    findings = json.loads(r.stdout)["findings"]
    assert any(f["sentence"].startswith("Café owners say our tea cures colds") for f in findings)
    assert "is not a web encoding; ignored, as browsers do" in r.stderr


@pytest.mark.parametrize("label", ["latin1", "windows-1252", "utf-8", "UTF8"])
def test_web_encoding_labels_are_honoured(cli, tmp_path, label):
    from tests.localweb import LocalWeb

    with LocalWeb() as web:
        r = cli(f"{web.base}/charset/{label}", "--allow-private", "--format", "json")
    sentences = [f["sentence"] for f in json.loads(r.stdout)["findings"]]
    expected = "Café" if label.lower().startswith("utf") else "CafÃ©"  # bytes are UTF-8
    assert any(s.startswith(expected) for s in sentences), sentences
    assert "not a web encoding" not in r.stderr


def test_a_live_page_audits_its_title_meta_and_alt_like_a_file(cli, tmp_path):
    from tests.localweb import HEAD_AND_ALT, LocalWeb

    (tmp_path / "page.html").write_text(HEAD_AND_ALT)
    local = json.loads(cli("page.html", "--format", "json").stdout)["findings"]
    with LocalWeb() as web:
        r = cli(f"{web.base}/head-and-alt.html", "--allow-private", "--format", "json")
    served = json.loads(r.stdout)["findings"]
    key = [(f["rule"], f["match"], f["sentence"]) for f in local]
    assert [(f["rule"], f["match"], f["sentence"]) for f in served] == key
    assert {f["sentence"] for f in served} >= {
        "Miracle tea cures colds in 90% of cases",
        "Studies show our tea relieves sinus pain in one day.",
        "Doctors recommend this tea to 9 out of 10 patients",
    }


# 8. CPU and memory: linear in pathological input, bounded windows, sections


def _cost(fn, *args) -> float:
    """Best of three CPU times: a ratio of these at n and 2n shows the growth, not the machine
    (CPU time, not wall time: other processes on a busy machine do not count; the cycle
    collector off, as its passes grow with everything else the test process holds)."""
    import gc
    import time

    best = float("inf")
    for _ in range(3):
        gc.collect()
        gc.disable()  # the collector's passes scale with what else this process holds
        try:
            t = time.process_time()
            fn(*args)
            best = min(best, time.process_time() - t)
        finally:
            gc.enable()
    return best


@pytest.mark.parametrize("char", ["%", "[", "!", "a-"])
def test_tokenizer_is_linear_in_punctuation_runs(nlp, char):
    small = char * 20_000
    large = char * 40_000
    assert nlp(small).text == small
    ratio = _cost(nlp, large) / _cost(nlp, small)
    assert ratio < 3.0, ratio  # quadratic would be 4


def test_long_runs_are_cut_into_pieces_and_text_is_kept(nlp):
    from audit.nlp.tokenizer import BoundedTokenizer

    text = "Studies show it works. " + "%" * 1000 + " and 70% of users improved. " + "x" * 300
    doc = nlp(text)
    assert doc.text == text
    assert max(len(t) for t in doc) <= BoundedTokenizer.MAX_RUN
    assert [t.text for t in doc][:4] == ["Studies", "show", "it", "works"]


def test_deeply_nested_html_is_linear():
    from audit.readers import parse

    def read(n):
        return parse("x.html", "<div>" * n + "<blockquote><p>Studies show it.</p>", "html")

    assert "Studies show it." in read(1000).text
    ratio = _cost(read, 40_000) / _cost(read, 20_000)
    assert ratio < 3.0, ratio


def test_pages_are_fetched_ahead_within_a_window():
    import time

    from audit.engines.fetch_ahead import FetchAhead
    from audit.inputs.discovery import Input
    from audit.inputs.fetch import Fetcher
    from audit.inputs.limits import Limits
    from tests.localweb import LocalWeb

    with LocalWeb() as web:
        inputs = [Input(f"p{i}", None, "auto", url=f"{web.base}/page{i}.html") for i in range(60)]
        ahead = FetchAhead(Fetcher(Limits(allow_private=True)), inputs)
        try:
            deadline = time.monotonic() + 30
            while sum(web.hits.values()) < FetchAhead.WINDOW and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(0.3)  # more would have arrived by now if the window leaked
            assert sum(web.hits.values()) == FetchAhead.WINDOW
            page = ahead.next(inputs[0])
            assert "Page 0" in page.text
        finally:
            ahead.close()


def test_size_cap_applies_to_each_row_of_an_export(cli, tmp_path):
    import csv

    with (tmp_path / "export.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "body"])
        w.writerow(["small", "Studies show that 70% of people improve."])
        w.writerow(["huge", "Studies show it works. " * 5000])  # 115 kB
        w.writerow(["after", "Experts agree it cures colds."])
    r = cli(
        "export.csv", "--text-column", "body", "--id-column", "id",
        "--max-file-size", "100000", "--format", "json",
    )  # fmt: skip
    docs = {d["path"]: d for d in json.loads(r.stdout)["documents"]}
    assert r.returncode == 2
    assert "over the 0 MB limit (--max-file-size)" in docs["huge"]["error"]
    assert docs["small"]["findings"] >= 2 and docs["after"]["findings"] >= 1


def test_a_document_audited_in_sections_gives_the_same_findings(nlp, rulebook, tmp_path):
    from audit.engines.local import RunOptions, run
    from audit.inputs.discovery import Input
    from tests.conftest import ROOT

    text = "".join(p.read_text() for p in sorted((ROOT / "tests/corpus/dev").glob("*.md")))
    (tmp_path / "big.md").write_text(text * 3)
    inputs = [Input("big.md", tmp_path / "big.md", "markdown")]
    whole = run(inputs, nlp, rulebook)[0]
    parts = run(inputs, nlp, rulebook, RunOptions(section_chars=5_000))[0]  # dozens of sections
    assert [f.to_dict() for f in parts.findings] == [f.to_dict() for f in whole.findings]
    assert (parts.words, parts.sentences) == (whole.words, whole.sentences)
    assert len(whole.findings) > 100


# 9. Rule packs and config cannot hang the run

RULE = (
    "rules:\n  - {{id: {id}, category: c, severity: warning, action: edit, message: m,"
    " rationale: r, suggestion: s, {what}, examples: {{flag: [aaaa], pass: [b]}}}}\n"
)


def test_yaml_alias_bomb_is_refused(cli, tmp_path, article):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    lines.append("rules: *i")
    (tmp_path / "bomb.yml").write_text("\n".join(lines) + "\n")  # 1.5 kB, 10^9 strings
    r = cli(article, "--rules", "bomb.yml")
    assert r.returncode == 2
    assert r.stderr.strip() == (
        "claims-audit: bomb.yml:1: YAML anchors and aliases (&name, *name) are not allowed "
        "in rule packs; write the values out"
    )


@pytest.mark.parametrize("rx", ["((a)+)+$", "(a|a)*$", "(.*a){25}$", "(a+)+$"])
@pytest.mark.parametrize("where", ["regex: ['{rx}']", "patterns: [[{{TEXT: {{REGEX: '{rx}'}}}}]]"])
def test_catastrophic_regexes_run_in_linear_time(cli, tmp_path, rx, where):
    what = where.format(rx=rx)
    (tmp_path / "slow.yml").write_text(RULE.format(id="slow-regex", what=what))
    (tmp_path / "a.md").write_text(("a" * 60 + "!\n\n") * 200)
    r = cli("a.md", "--rules", "slow.yml", "--select", "slow-regex", "--format", "json")
    assert r.returncode in (0, 1), r.stderr  # finishes (Python's engine: hours per line)


def test_regex_outside_re2_is_refused_on_one_line(cli, tmp_path, article):
    (tmp_path / "look.yml").write_text(RULE.format(id="look", what="regex: ['(?!x)a+']"))
    r = cli(article, "--rules", "look.yml")
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1
    assert "look.yml: rule look: regex '(?!x)a+' is not supported" in r.stderr
    assert "RE2" in r.stderr


@pytest.mark.parametrize(
    ("what", "message"),
    [
        ("phrases: [aaaa], near: {lexicon: health_terms, window: x}", "near needs"),
        ("phrases: [aaaa], when: {cited: [1]}", "when.cited must be one of"),
        ("patterns: [[{LOWER: {REGEX: 5}}]]", "REGEX needs a string"),
        ("patterns: [[{LENGTH: {REGEX: a}}]]", "REGEX needs a string"),
        ("patterns: 5", "patterns must be a list"),
        ("phrases: [[x]]", "phrases must be a list of non-empty strings"),
        ("patterns: [[{LOWER: {IN: 5}}]]", "bad pattern"),
    ],
)
def test_badly_typed_rule_values_are_one_line_errors(cli, tmp_path, article, what, message):
    (tmp_path / "bad.yml").write_text(RULE.format(id="bad-rule", what=what))
    r = cli(article, "--rules", "bad.yml")
    assert r.returncode == 2, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "internal error" not in r.stderr
    assert message in r.stderr


def test_include_glob_cannot_backtrack(cli, tmp_path):
    deep = tmp_path / "/".join(["a"] * 30)
    deep.mkdir(parents=True)
    (deep / "post.md").write_text(ARTICLE)
    (tmp_path / ".claims-audit.toml").write_text(f'include = ["{"**/" * 14}x.md"]\n')
    r = cli(".", "--format", "json")
    assert r.returncode == 0, r.stderr  # nothing selected, and the walk finished
    assert json.loads(r.stdout)["documents"] == []


def test_negated_and_bad_globs_are_one_line_errors(cli, tmp_path, article):
    (tmp_path / ".claims-audit.toml").write_text('exclude = ["!keep.md"]\n')
    r = cli(article)
    assert r.returncode == 2 and "negated globs" in r.stderr


# 11. Robustness


def test_a_damaged_link_cache_entry_is_a_miss(cli, tmp_path):
    import hashlib

    from tests.localweb import LocalWeb

    with LocalWeb() as web:
        url = f"{web.base}/missing"
        (tmp_path / "a.md").write_text(f"About 70% of patients improved ([trial]({url})).\n")
        cache = tmp_path / "cache" / "links"
        cache.mkdir(parents=True)
        name = hashlib.sha256(url.encode()).hexdigest() + ".json"
        (cache / name).write_text(
            json.dumps({"url": url, "ok": "yes", "status": "200", "error": None,
                        "final_url": url, "checked_at": "yesterday", "text": 5})
        )  # fmt: skip
        r = cli("a.md", "--check-links", "--cache-dir", "cache", "--allow-private",
                "--format", "json")  # fmt: skip
    assert r.returncode == 1, r.stderr
    rules = [f["rule"] for f in json.loads(r.stdout)["findings"]]
    assert "broken-citation" in rules  # checked again, and found broken
    assert "0 from cache" in r.stderr


def test_a_dead_same_site_citation_is_checked(cli, tmp_path):
    from tests.localweb import LocalWeb

    with LocalWeb() as web:
        r = cli(f"{web.base}/same-site.html", "--check-links", "--allow-private",
                "--cache-dir", "cache", "--format", "json")  # fmt: skip
        hits = dict(web.hits)
    broken = [f for f in json.loads(r.stdout)["findings"] if f["rule"] == "broken-citation"]
    assert [f["match"] for f in broken] == ["our sleep study"]
    assert hits.get("/gone-study") and hits.get("/good")


def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry))
    return out


def test_workers_exit_with_their_parent_and_leftovers_go(tmp_path):
    import signal
    import time

    content = tmp_path / "content"
    content.mkdir()
    for i in range(400):
        (content / f"p{i:03d}.md").write_text(ARTICLE * 400)
    proc = _start([str(content), "--jobs", "2", "--format", "json", "-o", "r.json"], cwd=tmp_path)
    deadline = time.monotonic() + 120
    workers: list[int] = []
    while time.monotonic() < deadline and len(workers) < 2:
        workers = _children(proc.pid)
        time.sleep(0.05)
    assert len(workers) >= 2
    leftovers = [p for p in os.listdir(tmp_path) if p.endswith(".claims-audit-tmp")]
    assert leftovers  # the report being written
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(os.path.exists(f"/proc/{w}") for w in workers):
        time.sleep(0.05)
    assert not any(os.path.exists(f"/proc/{w}/stat") for w in workers)
    assert [p for p in os.listdir(tmp_path) if p.endswith(".claims-audit-tmp")]  # still there
    (tmp_path / "b.md").write_text(ARTICLE)
    r = _start(["b.md", "--format", "json", "-o", "r.json"], cwd=tmp_path)
    r.communicate(timeout=120)
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".claims-audit-tmp")]


def test_a_config_of_another_user_above_is_ignored(cli, tmp_path):
    if os.getuid() != 0:
        pytest.skip("giving a file to another user needs root")
    (tmp_path / ".claims-audit.toml").write_text('disable = ["vague-attribution"]\n')
    os.chown(tmp_path / ".claims-audit.toml", 4242, 4242)
    work = tmp_path / "work"
    work.mkdir()
    (work / "a.md").write_text(ARTICLE)
    r = cli("a.md", "--format", "json", cwd=work)
    categories = {f["category"] for f in json.loads(r.stdout)["findings"]}
    assert "vague-attribution" in categories  # the other user's config did not apply
    assert "belongs to another user" in r.stderr
    shown = cli("--show-settings", cwd=work)
    assert "# config file: none" in shown.stdout
    os.chown(tmp_path / ".claims-audit.toml", os.getuid(), os.getgid())
    shown = cli("--show-settings", cwd=work)
    assert f"# config file: {tmp_path / '.claims-audit.toml'}" in shown.stdout
    assert 'disable = ["vague-attribution"]' in shown.stdout


def test_a_broken_pyproject_is_an_error_not_skipped(cli, tmp_path, article):
    (tmp_path / "pyproject.toml").write_text("[tool.claims-audit\nfail-on = 'error'\n")
    r = cli(article)
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and "pyproject.toml: invalid TOML" in r.stderr


@pytest.mark.parametrize(
    "args",
    [["--timeout", "0"], ["--timeout", "nan"], ["--timeout", "inf"], ["--max-bytes", "-1"],
     ["--jobs", "0"], ["--cache-ttl", "-1"], ["--max-file-size", "0"]],
)  # fmt: skip
def test_bad_numbers_are_one_usage_error(cli, tmp_path, article, args):
    r = cli(article, *args)
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and args[0] in r.stderr
    assert r.stdout == ""


# 10. Output channels: one-line messages on stderr are escaped too


def test_stderr_messages_show_controls_in_file_names(cli, tmp_path):
    (tmp_path / "evil\x1b]52;c;cHdu\x07\n::error::x.md").write_bytes(b"\x00binary")
    r = cli(".", "--format", "json")
    assert r.returncode == 2
    lines = r.stderr.splitlines()
    assert len(lines) == 1, lines
    assert "\x1b" not in r.stderr and "\x07" not in r.stderr
    assert "evil\\x1b]52;c;cHdu\\x07\\x0a::error::x.md: binary file" in r.stderr


def test_a_file_name_that_is_not_utf8_is_audited(cli, tmp_path):
    os.makedirs(tmp_path / "site")
    with open(os.path.join(os.fsencode(tmp_path / "site"), b"caf\xe9.md"), "wb") as fh:
        fh.write(ARTICLE.encode())
    for fmt in ("json", "html", "md", "sarif", "junit", "csv", "text"):
        r = cli("site", "--format", fmt, "-o", f"out.{fmt}")
        assert r.returncode == 1, (fmt, r.stderr)
    doc = json.loads((tmp_path / "out.json").read_text())["documents"][0]
    assert doc["path"] == "site/caf\\xe9.md" and doc["findings"] >= 2


def test_html_report_of_a_claim_dense_file_stays_small(cli, tmp_path):
    from audit.writers.html_report import MAX_CARDS

    source = "Studies show 70% of patients improve and our tea cures colds. " * 2000  # 126 kB
    (tmp_path / "dense.txt").write_text(source)
    r = cli("dense.txt", "--format", "html", "-o", "r.html")
    assert r.returncode == 1, r.stderr
    html = (tmp_path / "r.html").read_text()
    assert html.count('<li class="finding') == MAX_CARDS
    # 2000 sentences, each with a statistic, an attribution and a cure claim (absolute, with
    # efficacy and disease folded in as related rules): 3 findings per sentence
    assert "This document has 6000 findings; the first 500 are shown here." in html
    assert len(html) < 12 * len(source)  # was about 95 times the source
