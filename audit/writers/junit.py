"""JUnit XML for CI systems that show test reports (GitLab, Jenkins, Azure, CircleCI).

One test suite per document; a clean document is one passing test case, and each finding at or
above --fail-on (not in the baseline) is a failing test case. ElementTree does the escaping
of markup. Characters XML 1.0 does not allow at all (C0 controls other than tab, LF and CR,
lone surrogates from file names that are not UTF-8, U+FFFE and U+FFFF), which ElementTree
writes as they are, are replaced with a visible escape (`\\x1b`, `\\udcff`) in every text and
attribute, so any XML parser accepts the report whatever the documents and names hold.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from audit.core.finding import SEVERITY_RANK
from audit.writers.safe_text import escape

# Not a Char in XML 1.0 (section 2.2): #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | ...
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(root: ET.Element) -> None:
    """Every text, tail and attribute value of the tree, with what XML forbids escaped."""
    for el in root.iter():
        if el.text:
            el.text = escape(el.text, NOT_XML)
        if el.tail:
            el.tail = escape(el.tail, NOT_XML)
        for key, value in list(el.attrib.items()):
            el.attrib[key] = escape(value, NOT_XML)


def render(report) -> str:
    threshold = SEVERITY_RANK[report.fail_on]
    root = ET.Element("testsuites", name="claims-audit")
    total = failures = errors = 0
    for r in report.results:
        suite = ET.SubElement(root, "testsuite", name=r.path)
        cases = fails = errs = 0
        if r.error:
            case = ET.SubElement(suite, "testcase", classname=r.path, name="read")
            ET.SubElement(case, "error", message=r.error, type="input-error")
            cases += 1
            errs += 1
        failing = [
            f
            for f in r.findings
            if f.rank >= threshold and f.baseline_state != "unchanged" and not f.cleared
        ]
        for f in failing:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=r.path,
                name=f"{f.category}/{f.rule} at {f.line}:{f.column}",
            )
            fail = ET.SubElement(case, "failure", message=f.message, type=f.rule)
            fail.text = (
                f"{f.path}:{f.line}:{f.column}: {f.severity} {f.category}/{f.rule}\n"
                f"{f.sentence}\n{f.action}: {f.suggestion}\nWhy: {f.rationale}"
                + (f"\n{f.also.capitalize()}" if f.related else "")
            )
            cases += 1
            fails += 1
        if not cases:
            ET.SubElement(suite, "testcase", classname=r.path, name="claims-audit")
            cases = 1
        suite.set("tests", str(cases))
        suite.set("failures", str(fails))
        suite.set("errors", str(errs))
        total += cases
        failures += fails
        errors += errs
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", str(errors))
    _clean(root)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
