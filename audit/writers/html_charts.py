"""The HTML report's two bar charts, as data for chart.html.j2.

Bars are HTML (label, bar, value in a grid), not one SVG picture: an SVG scaled to a phone's
width shrank its labels to 7 px, while HTML text keeps the page's size and wraps. Only the bar
itself is a tiny SVG (a rect in a 0-100 box), so no inline style is needed under the report's
Content-Security-Policy.
"""

from __future__ import annotations

from typing import Any


def bar_chart(
    chart_id: str, title: str, bars: list[tuple[str, float, str, str]], empty: str
) -> dict:
    """Bars are (label, value, value text, CSS class); lengths are percentages of the largest."""
    top = max((v for _, v, _, _ in bars), default=0) or 1
    return {
        "id": chart_id,
        "title": title,
        "empty": empty,
        "bars": [
            {"label": label, "value_text": text, "pct": round(100 * value / top, 1), "cls": cls}
            for label, value, text, cls in bars
        ],
    }


def charts(
    by_category: list[dict[str, Any]], doc_rows: list[dict[str, Any]], colours: dict[str, int]
) -> dict[str, dict[str, Any]]:
    """The two bar charts: findings by category, and the densest documents."""
    density = sorted(
        (r for r in doc_rows if r["per_1000_words"] is not None),
        key=lambda r: (-r["per_1000_words"], r["path"]),
    )[:10]
    return {
        "category_chart": bar_chart(
            "chart-category",
            "Findings by category",
            [
                (r["category"], r["total"], str(r["total"]), f"bar{colours[r['category']]}")
                for r in by_category
            ],
            "No findings.",
        ),
        "density_chart": bar_chart(
            "chart-density",
            "Claims density: findings per 1,000 words"
            + (f" (top {len(density)} of {len(doc_rows)} documents)" if len(doc_rows) > 10 else ""),
            [
                (r["path"], r["per_1000_words"], f"{r['per_1000_words']:.1f}", "neutral")
                for r in density
            ],
            "No documents with words.",
        ),
    }
