"""Write the JSON Schemas of a rule pack, the config and the JSON report (into schemas/).

    python -m audit.cli.schemas             # regenerate schemas/ in this checkout
    python -m audit.cli.schemas --check     # exit 1 if a file there is out of date
    python -m audit.cli.schemas --out DIR   # write them elsewhere

The schemas are generated from the pydantic models that validate packs and configs
(audit.rulebook.schema, audit.policy.config_schema) and describe the report
(audit.writers.report_schema), so editors can complete and check what the tool accepts;
tests/test_schemas.py keeps the files in the repository in step with the models.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pydantic import BaseModel

from audit.policy.config_schema import ConfigFile
from audit.rulebook.schema import RulePack
from audit.writers.report_schema import JSONReport

SCHEMAS: dict[str, type[BaseModel]] = {
    "rule-pack.schema.json": RulePack,
    "config.schema.json": ConfigFile,
    "report.schema.json": JSONReport,
}
DEFAULT_DIR = Path(__file__).resolve().parents[2] / "schemas"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def render(model: type[BaseModel]) -> str:
    """The model's JSON Schema as the file holds it (keys in the models' order)."""
    schema = {"$schema": DIALECT, **model.model_json_schema()}
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m audit.cli.schemas", description=__doc__)
    p.add_argument("--out", type=Path, default=DEFAULT_DIR, help="folder (default: schemas/)")
    p.add_argument("--check", action="store_true", help="compare instead of writing")
    args = p.parse_args(argv)
    stale = []
    for name, model in SCHEMAS.items():
        path = args.out / name
        text = render(model)
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for name in stale:
        print(f"{args.out / name}: out of date; run python -m audit.cli.schemas", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
