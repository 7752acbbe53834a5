"""Severities: one list for rule packs, the config, --fail-on, --min-severity and every writer."""

from __future__ import annotations

SEVERITIES = ("info", "warning", "error")  # least severe first
SEVERITY_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}
MOST_SEVERE_FIRST = tuple(reversed(SEVERITIES))  # the order of summaries, tables and charts
