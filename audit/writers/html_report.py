"""The HTML report: one self-contained file a reviewer opens from disk, filters, and prints.

Every document is shown as its source text with each flagged sentence shaded in its category's
colour and the matched words underlined, next to the findings. Nothing in the file comes from
the network: CSS, JavaScript and charts are inline, and a Content-Security-Policy pins the one
script and the one stylesheet by hash, so even a bug in escaping could not run a script from an
audited document or fetch anything.

Templates live in audit/templates/ and are rendered by Jinja2 with autoescaping on; this module
only computes what to show (text pieces, colours, charts, tables; review data: html_review).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from audit import __version__
from audit.core.finding import Finding, sort_key
from audit.core.result import DocumentResult
from audit.core.totals import Totals
from audit.writers.html_cards import card, rules_fired
from audit.writers.html_charts import charts
from audit.writers.html_readable import text_ranges

if TYPE_CHECKING:
    import jinja2

    from audit.writers import Report

NEEDS_SOURCE = True

# Finding cards shown per document. A 2 MB one-line file with a claim in every sentence gave
# 128,000 cards and a 189 MB page no browser opens; past this many, the page says how many
# more there are and which reports list them all. The source view highlights the shown ones.
MAX_CARDS = 500

# Fixed colours (light, strong) for the bundled categories, so a category looks the same in
# every report; other categories take the spare colours in name order.
CATEGORY_COLOURS: dict[str, tuple[str, str]] = {
    "unsourced-statistic": ("#dbeafe", "#1d4ed8"),
    "vague-attribution": ("#fde68a", "#b45309"),
    "efficacy-claim": ("#e9d5ff", "#7e22ce"),
    "spam-link": ("#ccfbf1", "#0f766e"),
    "absolute-claim": ("#fecaca", "#b91c1c"),
    "safety-claim": ("#d9f99d", "#4d7c0f"),  # a hue of its own: orange sat beside amber
}
SPARE_COLOURS: tuple[tuple[str, str], ...] = (
    ("#fbcfe8", "#be185d"),
    ("#fed7aa", "#c2410c"),
    ("#c7d2fe", "#4338ca"),
    ("#e5e7eb", "#374151"),
    ("#bae6fd", "#0369a1"),
    ("#fef08a", "#854d0e"),
)
_NEWLINE = re.compile(r"\r\n|\r|\n")  # the same line breaks as audit.readers.sourcemap.LineIndex


# --- Source text split into highlighted pieces ------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """A run of source text inside one line where the same findings apply throughout.

    Sentences and matches of different findings overlap and nest freely (several findings can
    share a sentence, a match sits inside its sentence), so they cannot be nested elements.
    Cutting the text at every range boundary gives flat pieces, each knowing which findings'
    sentences and matches cover it.
    """

    text: str
    sentence_of: tuple[int, ...] = ()  # findings whose sentence covers this text
    match_of: tuple[int, ...] = ()  # findings whose matched words cover this text


def split_source(text: str, ranges: Iterable[tuple[int, int, int, int, int]]) -> list[list[Piece]]:
    """Cut `text` into lines of pieces; ranges are (id, sentence_start, sentence_end, start, end).

    Lines break exactly where audit.readers.sourcemap.LineIndex breaks them (CRLF, CR or LF), so the
    line numbers shown match each finding's `line`. Line-break characters are not part of any
    piece, and a final line break does not open an empty last line.
    """
    n = len(text)
    lines: list[tuple[int, int]] = []  # (first character, end of content) per line
    pos = 0
    for m in _NEWLINE.finditer(text):
        lines.append((pos, m.start()))
        pos = m.end()
    if pos < n or not lines:
        lines.append((pos, n))

    cuts = {0, n}
    opens: dict[int, list[tuple[str, int]]] = defaultdict(list)
    closes: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for fid, s_start, s_end, start, end in ranges:
        for kind, a, b in (("s", s_start, s_end), ("m", start, end)):
            a, b = max(0, min(n, a)), max(0, min(n, b))
            if a < b:
                opens[a].append((kind, fid))
                closes[b].append((kind, fid))
                cuts.update((a, b))
    for a, b in lines:
        cuts.update((a, b))

    out: list[list[Piece]] = [[] for _ in lines]
    active: dict[str, dict[int, int]] = {"s": {}, "m": {}}  # id -> open count (ids may repeat)
    points = sorted(cuts)
    li = 0
    for a, b in zip(points, points[1:], strict=False):
        for kind, fid in closes.get(a, ()):
            active[kind][fid] -= 1
            if not active[kind][fid]:
                del active[kind][fid]
        for kind, fid in opens.get(a, ()):
            active[kind][fid] = active[kind].get(fid, 0) + 1
        while li < len(lines) and lines[li][1] < b:
            li += 1
        if li == len(lines):  # the final line break
            break
        if lines[li][0] <= a:  # otherwise [a, b) is a line break
            out[li].append(Piece(text[a:b], tuple(sorted(active["s"])), tuple(sorted(active["m"]))))
    return out


# --- Colours ------------------------------------------------------------------------------------


def category_colours(categories: Iterable[str]) -> dict[str, int]:
    """Palette index per category: bundled categories first in a fixed order, then the rest."""
    present = set(categories)
    known = [c for c in CATEGORY_COLOURS if c in present]
    other = sorted(present - set(CATEGORY_COLOURS))
    return {c: i for i, c in enumerate(known + other)}


def palette(colours: dict[str, int]) -> list[dict]:
    spare = iter(SPARE_COLOURS * (1 + len(colours) // len(SPARE_COLOURS)))
    out = []
    for name, index in sorted(colours.items(), key=lambda kv: kv[1]):
        light, strong = CATEGORY_COLOURS.get(name) or next(spare)
        out.append({"index": index, "name": name, "light": light, "strong": strong})
    return out


class _Styler:
    """Turns pieces into template data: element, CSS classes, finding ids, category names.

    A piece inside sentences of several categories gets a "mix" class (one colour band per
    category); mixes are numbered in order of first use, so the output is deterministic.
    """

    def __init__(self, findings: dict[int, Finding], colours: dict[str, int]) -> None:
        self.findings = findings
        self.colours = colours
        self.mixes: dict[tuple[int, ...], int] = {}

    def _cats(self, ids: Iterable[int]) -> tuple[int, ...]:
        return tuple(sorted({self.colours[self.findings[i].category] for i in ids}))

    def piece(self, p: Piece) -> dict:
        ids = sorted(set(p.sentence_of) | set(p.match_of))
        if not ids:
            return {"text": p.text, "tag": None}
        shade = self._cats(p.sentence_of or p.match_of)
        if len(shade) == 1:
            cls = f"hl c{shade[0]}"
        else:
            cls = f"hl x{self.mixes.setdefault(shade, len(self.mixes))}"
        tag = "span"
        if p.match_of:
            tag = "mark"
            cls += f" u{self._cats(p.match_of)[0]}"
        return {
            "text": p.text,
            "tag": tag,
            "cls": cls,
            "ids": " ".join(f"f{i}" for i in ids),
            "cats": " ".join(sorted({self.findings[i].category for i in ids})),
        }

    def mix_css(self, pal: list[dict]) -> list[dict]:
        light = {c["index"]: c["light"] for c in pal}
        out = []
        for cats, index in self.mixes.items():
            step = 100 / len(cats)
            stops = ", ".join(
                f"{light[c]} {k * step:.4g}% {(k + 1) * step:.4g}%" for k, c in enumerate(cats)
            )
            out.append({"index": index, "first": light[cats[0]], "stops": stops})
        return out


# --- Rendering ----------------------------------------------------------------------------------


@cache
def _environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("audit", "templates"),
        autoescape=True,  # every template, whatever its name: values are text unless marked
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["breakable"] = breakable
    return env


def breakable(text: str) -> Any:
    """Escaped text with a line-break opportunity after each / and _: a path wraps between
    its folders on a narrow screen or a printed table, never inside a name."""
    from markupsafe import Markup, escape

    return Markup("").join(
        Markup("<wbr>") + escape(part) if i else escape(part)
        for i, part in enumerate(re.split(r"(?<=[/_\\])", str(text)))
    )


def _static(name: str) -> str:
    """A template file's text as it is: the stylesheet and script are not Jinja templates."""
    env = _environment()
    assert env.loader is not None
    return env.loader.get_source(env, name)[0]


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


def _documents(
    results: list[DocumentResult], doc_rows: list[dict], colours: dict[str, int]
) -> tuple[list[dict], _Styler]:
    """Template data per document: its summary row, finding cards and highlighted lines.

    Findings are numbered f0, f1, ... across the whole report, so a highlight can name the
    findings it belongs to and the script can match the two.
    """
    numbered: dict[int, Finding] = {}
    docs: list[dict[str, Any]] = []
    for d, (result, row) in enumerate(zip(results, doc_rows, strict=True)):
        cards = []
        for f in result.findings[:MAX_CARDS]:
            n = len(numbered)
            numbered[n] = f
            cards.append(card(n, f, colours[f.category]))
        docs.append(
            {
                "id": f"d{d}",
                "row": row,
                "cards": cards,
                "path": result.path,
                "format": result.format,
                "words": result.words,
                "sentences": result.sentences,
                "read_error": result.error,
                "notes": result.notes,
                "total": len(result.findings),
                "hidden": max(0, len(result.findings) - MAX_CARDS),
            }
        )
    styler = _Styler(numbered, colours)
    for doc, result in zip(docs, results, strict=True):
        doc["lines"] = doc["text_lines"] = None
        if result.source is not None:
            ranges = [
                (c["n"], c["finding"].sentence_start, c["finding"].sentence_end)
                + (c["finding"].start, c["finding"].end)
                for c in doc["cards"]
            ]
            doc["lines"] = [
                [styler.piece(p) for p in line] for line in split_source(result.source, ranges)
            ]
            if result.readable is not None:  # HTML: the text a reader sees, source on demand
                text, smap = result.readable
                pieces = split_source(text, text_ranges(smap, ranges))
                doc["text_lines"] = [[styler.piece(p) for p in line] for line in pieces]
    return docs, styler


def render(report: Report) -> str:
    from markupsafe import Markup

    from audit.writers import tables
    from audit.writers.html_review import review_context

    env = _environment()
    review = review_context(report)
    results = report.results
    frame = tables.findings_frame(results)
    by_category = tables.records(tables.counts_by(frame, "category"))
    by_severity = tables.records(tables.counts_by(frame, "severity", list(tables.SEVERITIES)))
    by_action = tables.records(tables.counts_by(frame, "action"))
    doc_rows = tables.records(tables.documents_table(results))
    colours = category_colours(r["category"] for r in by_category)
    pal = palette(colours)
    docs, styler = _documents(results, doc_rows, colours)

    pal_css = env.get_template("palette.css.j2").render(palette=pal, mixes=styler.mix_css(pal))
    css = _static("report.css") + pal_css + review.pop("page_css")
    js = _static("report.js")
    csp = (
        f"default-src 'none'; script-src '{_sha256(js)}'; style-src '{_sha256(css)}'; "
        "img-src 'none'; base-uri 'none'; form-action 'none'"
    )
    totals = Totals.of(results, report.fail_on)
    summary = totals.summary()
    return env.get_template("report.html.j2").render(
        title=", ".join(report.inputs) or "stdin",
        version=__version__,
        created=report.created,
        inputs=report.inputs,
        packs=[PurePath(f).name for f in report.rulebook.files],
        rule_count=len(report.rulebook.rules),
        fail_on=report.fail_on,
        failed=totals.failed,
        at_or_above=totals.failing,  # a baseline hides the findings it already holds
        totals=summary,
        severities=tables.SEVERITIES,
        categories=[{**c, "count": summary["by_category"][c["name"]]} for c in pal],
        colour=colours,
        by_category=by_category,
        by_severity=by_severity,
        by_action=by_action,
        docs=docs,
        suppressed=sorted((f for r in results for f in r.suppressed), key=sort_key),
        rules_fired=rules_fired(results, report.rulebook, MAX_CARDS),
        **charts(by_category, doc_rows, colours),
        css=Markup(css),
        js=Markup(js),
        csp=csp,
        **review,
    )
