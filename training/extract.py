"""Labelled corpus folder -> sentence records, exactly as the auditor sees sentences at run time.

Everything is the tool's own code, so the model is trained on the sentences it will score:
audit.engines.local.run (audit.inputs.discovery.read, audit.readers.parse, audit.nlp.pipeline's block-aware sentence
splitting, reference markers kept on their sentence) as audit.engines.evaluation runs it, audit.engines.evaluation's
resolution of labels.yml excerpts to sentences, and the citation test of audit.checks.claims
(audit.checks.context.Sentence.citation: evidence inside the sentence; versions of it that also
looked at a following citation-only sentence of the same block get that sentence too).

Sentences the checks never look at are skipped: those in unaudited blocks (reference lists,
footnote definitions) and those with no letter (a bare figure in a table cell).

    python training/extract.py tests/corpus/train > train.jsonl
"""

from __future__ import annotations

import json
import sys
from bisect import bisect_right
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from audit.checks.claims import _HAS_LETTER, compiled  # noqa: E402
from audit.checks.context import Sentence  # noqa: E402
from audit.core.analysis import trimmed as _trim  # noqa: E402
from audit.core.formats import FORMAT_BY_SUFFIX  # noqa: E402
from audit.core.labels import LABELS  # noqa: E402
from audit.engines.evaluation import _gold, load_labels  # noqa: E402
from audit.inputs.discovery import Input  # noqa: E402
from audit.nlp.pipeline import build_pipeline  # noqa: E402
from audit.rulebook.loader import load_rulebook  # noqa: E402

_TAKES_NEXT = "next_start" in {f.name for f in fields(Sentence)}


@dataclass
class Record:
    path: str  # relative to the corpus folder
    writer: str  # first folder of the path ("" for a flat corpus such as dev/)
    index: int  # sentence number in the document (audited sentences only)
    text: str  # plain text of the sentence, trimmed, as checks.py sees it
    kind: str  # block kind: paragraph, heading, list-item, table-cell, alt, title...
    cited: bool  # the checks' citation test says this sentence is cited
    labels: list[str] = field(default_factory=list)


@dataclass
class Extraction:
    records: list[Record]
    skipped_unaudited: int = 0
    skipped_no_letter: int = 0
    labels_lost: int = 0  # gold labels on skipped sentences


def extract(corpus: Path) -> Extraction:
    """Sentence records of every document listed in the labels files below `corpus`.

    The documents go through audit.engines.local.run as in audit.engines.evaluation.evaluate (reader, pipeline,
    sentence spans of the Analysis), so the sentences are the auditor's own.
    """
    from audit.engines.local import run

    labels = load_labels(corpus)
    rulebook = load_rulebook()
    cues, _ = compiled(rulebook)
    nlp = build_pipeline(rulebook)
    inputs = []
    for rel in sorted(labels):
        p = corpus / rel
        if not p.is_file():
            raise SystemExit(f"{corpus}: labels name {rel}, which does not exist")
        inputs.append(Input(rel, p, FORMAT_BY_SUFFIX.get(p.suffix.lower(), "text")))
    out = Extraction([])
    problems: list[str] = []
    for result in run(inputs, nlp, rulebook, keep=True):
        if result.error:
            raise SystemExit(result.error)
        document, analysis = result.document, result.analysis  # type: ignore[attr-defined]
        text = document.text
        rel = result.path
        # Every sentence span, as checks.find_claims sees them (separators included) ...
        starts, ends = list(analysis.sent_starts), list(analysis.sent_ends)
        # ... and the non-blank ones audit.engines.evaluation scores, with its label resolution.
        scored = [
            i for i, (s, e) in enumerate(zip(starts, ends, strict=True)) if not text[s:e].isspace()
        ]
        sents = [(starts[i], ends[i]) for i in scored]
        gold = _gold(rel, text, sents, labels[rel], True, problems)
        by_sentence: dict[int, list[str]] = {}
        for label in LABELS:
            for k in gold[label]:
                by_sentence.setdefault(scored[k], []).append(label)
        block_starts = [b.start for b in document.blocks]
        parts = Path(rel).parts
        writer = parts[0] if len(parts) > 1 else ""
        n = 0
        for si in scored:
            s, e = _trim(text, starts[si], ends[si])
            gold_here = by_sentence.get(si, [])
            bi = bisect_right(block_starts, s) - 1
            if bi < 0 or not document.blocks[bi].audited:
                out.skipped_unaudited += 1
                out.labels_lost += bool(gold_here)
                continue
            if not _HAS_LETTER.search(text, s, e):
                out.skipped_no_letter += 1
                out.labels_lost += bool(gold_here)
                continue
            # The citation test of checks.find_claims (audit.checks.context.Sentence.citation). Older
            # versions of it also looked at the next sentence of the same block ("Source: CDC,
            # 2022."); that sentence is passed when the class still takes it.
            if _TAKES_NEXT:
                nxt = si + 1
                same_block = nxt < len(starts) and (
                    bi + 1 >= len(block_starts) or starts[nxt] < block_starts[bi + 1]
                )
                nxt_s, nxt_e = _trim(text, starts[nxt], ends[nxt]) if same_block else (None, None)
                sentence = Sentence(document, cues, s, e, nxt_s, nxt_e)
            else:
                sentence = Sentence(document, cues, s, e)
            out.records.append(
                Record(
                    path=rel,
                    writer=writer,
                    index=n,
                    text=text[s:e],
                    kind=document.blocks[bi].kind,
                    cited=sentence.citation() is not None,
                    labels=gold_here,
                )
            )
            n += 1
    if problems:
        raise SystemExit("label problems:\n" + "\n".join(problems))
    return out


def main(argv: list[str] | None = None) -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path, help="a labelled corpus folder (not the blind one)")
    args = ap.parse_args(argv)
    if "blind" in args.corpus.resolve().parts:
        raise SystemExit("the blind corpus is not for training or tuning")
    ex = extract(args.corpus)
    for r in ex.records:
        print(json.dumps(asdict(r), ensure_ascii=False))
    print(
        f"{len(ex.records)} sentences; skipped {ex.skipped_unaudited} unaudited, "
        f"{ex.skipped_no_letter} without letters; {ex.labels_lost} labelled sentences lost",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
