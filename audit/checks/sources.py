"""Source quality tiers for cited domains (rules/sources.yml, overridable in the config)."""

from __future__ import annotations

from urllib.parse import urlsplit

TIER_LABEL = {
    1: "tier 1 (public health agency, guideline, systematic review or resolver)",
    2: "tier 2 (indexed peer-reviewed journal)",
    3: "tier 3 (academic medical centre, university or news organisation)",
    4: "tier 4 (commercial, blog, social media or press release)",
}


def host(url: str) -> str:
    h = (urlsplit(url if "//" in url else "//" + url).hostname or "").lower()
    return h.removeprefix("www.")


def tier(url: str, tiers: dict[str, int]) -> int | None:
    """Tier of the longest listed domain that `url`'s host ends with, or None (unrated)."""
    h = host(url)
    parts = h.split(".")
    for i in range(len(parts)):
        t = tiers.get(".".join(parts[i:]))
        if t is not None:
            return t
    return None


def same_site(url: str, page_url: str | None) -> bool:
    if not page_url:
        return False
    a, b = host(url), host(page_url)
    return bool(a) and (a == b or a.endswith("." + b) or b.endswith("." + a))
