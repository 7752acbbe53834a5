"""JUnit XML for CI systems that show test reports (GitLab, Jenkins, Azure, CircleCI).

One test suite per document; a clean document is one passing test case, and each finding at or
above --fail-on (not in the baseline) is a failing test case. ElementTree does the escaping.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from audit.findings import SEVERITY_RANK


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
        failing = [f for f in r.findings if f.rank >= threshold and f.baseline_state != "unchanged"]
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
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
