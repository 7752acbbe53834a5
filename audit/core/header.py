"""The head of every JSON document the tool writes: the schema version and the tool."""

from __future__ import annotations

from audit import PROG, __version__

SCHEMA_VERSION = 1  # of the JSON report (and the Dask engine's summary, which shares its shape)


def tool() -> dict[str, str]:
    return {"name": PROG, "version": __version__}


def report_header(schema_version: int = SCHEMA_VERSION) -> dict[str, object]:
    """`schema_version` and `tool`, the first two keys of a report (or of a baseline file)."""
    return {"schema_version": schema_version, "tool": tool()}
