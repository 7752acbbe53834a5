"""Citation evidence: what counts, and which sentences it covers."""

from __future__ import annotations

import pytest

STAT = "More than 70% of patients improved within a day"


def categories(findings):
    return {f.category for f in findings}


@pytest.mark.parametrize(
    "fmt,text",
    [
        ("markdown", f"{STAT} ([source](https://doi.org/10.1001/jama.2020.1234))."),
        ("markdown", f"{STAT} [1]."),
        ("markdown", f"{STAT}[^1].\n\n[^1]: Smith J. JAMA. 2020."),
        ("markdown", f"{STAT}.<sup>3</sup> Next sentence here."),
        ("markdown", f"{STAT} (Smith et al., 2020)."),
        ("markdown", f"{STAT}, as Smith and Jones (2019) reported."),
        ("markdown", f"{STAT} (doi:10.1056/NEJMoa1234567)."),
        ("markdown", f"{STAT} (PMID: 31234567)."),
        ("markdown", f"{STAT} in trial NCT01234567."),
        ("markdown", f"{STAT}, according to a 2021 CDC report."),
        ("markdown", f"{STAT}, per the Mayo Clinic's 2022 patient survey."),
        ("markdown", f"{STAT} (see cdc.gov/depression/data)."),
        ("html", f"<p>{STAT}.<sup><a href='#ref1'>1</a></sup></p>"),
        ("html", f"<p>{STAT} <a href='https://www.nih.gov/study'>in this trial</a>.</p>"),
        ("markdown", f"{STAT} (source: CDC, 2022)."),
        ("markdown", f"According to the Global Sleep Report 2022, {STAT.lower()}."),  # named, dated
        ("markdown", f"{STAT} (Australian Institute of Health and Welfare, 2023)."),
        ("markdown", f"{STAT}, as the National Health Interview Survey (2021) shows."),
    ],
)
def test_cited_statistic_is_not_flagged(audit_text, fmt, text):
    _, findings = audit_text(text, fmt)
    assert "unsourced-statistic" not in categories(findings), text


@pytest.mark.parametrize(
    "text",
    [
        f"{STAT}.",
        f"{STAT}, according to experts.",
        f"{STAT} in March 2021.",
        f"{STAT}. Our clinic opened in 2019 with a grant (Smith et al., 2020).",
        f"{STAT}. Visit [our booking page](/book) to schedule.",
    ],
)
def test_uncited_statistic_is_flagged(audit_text, text):
    _, findings = audit_text(text, "markdown")
    flagged = [f for f in findings if f.category == "unsourced-statistic"]
    assert flagged and flagged[0].sentence.startswith("More than 70%"), text


def test_findings_carry_the_links_of_their_sentence(audit_text):
    text = "Ketamine relieves depression ([Zarate 2006](https://doi.org/10.1001/x)). Next one."
    _, findings = audit_text(text)
    f = next(f for f in findings if f.category == "efficacy-claim")
    assert f.links == [
        {"text": "Zarate 2006", "href": "https://doi.org/10.1001/x", "kind": "link", "tier": 1}
    ]


@pytest.mark.parametrize(
    "href,weak",
    [
        ("https://wellness.blogspot.com/magnesium", True),
        ("https://www.facebook.com/post/1", True),
        ("https://www.cdc.gov/diabetes/data", False),
        ("https://unknown-journal.example/article", False),
    ],
)
def test_weak_source(audit_text, href, weak):
    _, findings = audit_text(f"Magnesium prevents migraines in 80% of people ([source]({href})).")
    cats = {f.category for f in findings}
    assert ("weak-source" in cats) is weak
    assert "unsourced-statistic" not in cats


def test_relative_link_is_not_a_citation(audit_text):
    _, findings = audit_text(f"{STAT} — [learn more](/services/ketamine).")
    assert "unsourced-statistic" in categories(findings)


def test_citation_at_paragraph_end_covers_only_its_sentence(audit_text):
    text = f"{STAT}. Ketamine is given by IV. The clinic reviewed outcomes (Smith et al., 2020)."
    _, findings = audit_text(text)
    stats = [f for f in findings if f.category == "unsourced-statistic"]
    assert len(stats) == 1 and stats[0].sentence.startswith("More than 70%")


def test_cited_efficacy_claim_still_reported(audit_text):
    _, findings = audit_text("Ketamine relieves depression within hours (Zarate et al., 2006).")
    efficacy = [f for f in findings if f.category == "efficacy-claim"]
    assert efficacy and efficacy[0].severity == "warning" and "cited" in efficacy[0].qualifiers
    assert "vague-attribution" not in categories(findings)


def test_reference_list_is_not_audited(audit_text):
    text = (
        "Intro paragraph.\n\n## References\n\n"
        "1. Studies show ketamine cures 90% of depression. JAMA. 2020.\n"
    )
    _, findings = audit_text(text)
    assert findings == []


def test_hedged_claim_is_info_only(audit_text):
    _, findings = audit_text("Ketamine may relieve depression within hours.")
    assert findings and all(f.severity == "info" for f in findings)


@pytest.mark.parametrize(
    "text",
    [
        "Ketamine is not a cure for depression.",
        "Ketamine does not cure depression.",
        "There is no evidence that CBD cures anxiety.",
        "Do not use this oil to treat a skin infection.",
        "Can ketamine cure depression?",
    ],
)
def test_negations_cautions_questions_give_nothing_at_warning(audit_text, text):
    _, findings = audit_text(text)
    assert not [f for f in findings if f.severity in ("warning", "error")], text


# Links that are not sources (labelling guide: "Citations")


@pytest.mark.parametrize(
    "fmt,text",
    [
        ("markdown", f"{STAT} ([DriftWell](https://driftwell.example))."),  # the product's name
        ("markdown", f"{STAT}. [Book now](https://clinic.example/visit) to feel it yourself."),
        ("markdown", f"{STAT} ([book now](https://clinic.example/visit))."),  # call to action
        ("markdown", f"{STAT} ([the study](https://shop.example/products/sleep-gummies))."),
        ("markdown", f"{STAT} ([data](https://amzn.example/dp/B0012345))."),
        ("markdown", f"{STAT} ([trial](https://partner.example/review?aff=123))."),
        ("markdown", f"---\nsite: clinic.example\n---\n{STAT} ([our results](https://clinic.example/results))."),
        ("html", f'<link rel="canonical" href="https://clinic.example/blog/x"><p>{STAT} (<a href="https://www.clinic.example/results">results</a>).</p>'),
        ("markdown", f"{STAT}, researchers at Stanford University found."),  # named, no date
        ("markdown", f"{STAT} in a 2015 survey."),  # a year, no named source
        ("markdown", f"{STAT} in our Customer Survey, run since 2015 on every order."),  # no date
        ("markdown", f"{STAT}. Source: CDC, 2022."),  # a citation in the next sentence
    ],
)  # fmt: skip
def test_links_and_names_that_are_not_sources_leave_the_claim_uncited(audit_text, fmt, text):
    _, findings = audit_text(text, fmt)
    assert "unsourced-statistic" in categories(findings), text


def test_the_config_site_setting_marks_own_links(cli, tmp_path):
    import json

    (tmp_path / "a.md").write_text(f"{STAT} ([our audit](https://clinic.example/audit)).\n")
    before = json.loads(cli("a.md", "--format", "json").stdout)["findings"]
    assert "unsourced-statistic" not in {f["category"] for f in before}
    (tmp_path / ".claims-audit.toml").write_text('site = "clinic.example"\n')
    after = json.loads(cli("a.md", "--format", "json").stdout)["findings"]
    assert "unsourced-statistic" in {f["category"] for f in after}


def test_a_live_page_own_links_are_not_sources(cli, tmp_path):
    import json

    from tests.localweb import LocalWeb

    with LocalWeb() as web:
        r = cli(f"{web.base}/same-site.html", "--allow-private", "--format", "json")
    stats = [f for f in json.loads(r.stdout)["findings"] if f["category"] == "unsourced-statistic"]
    assert {f["match"] for f in stats} >= {"70%", "45%"}  # both cite only the page's own site
