"""The tokenizer: spaCy's English one, with health-writing abbreviations and bounded runs."""

from __future__ import annotations

import re

from spacy.tokens import Doc

# Abbreviations that end in a period but do not end a sentence in health writing.
ABBREVIATIONS = (
    "al.", "approx.", "fig.", "Fig.", "no.", "No.", "vol.", "Vol.", "pp.", "p.", "ed.", "eds.",
    "vs.", "cf.", "ca.", "est.", "Prof.", "Sr.", "Jr.", "St.", "Ave.", "Rd.", "Blvd.", "Ste.",
)  # fmt: skip


class BoundedTokenizer:
    """spaCy's tokenizer, linear in the length of any run of characters without whitespace.

    spaCy strips prefixes and suffixes one at a time, copying the rest of the run each time,
    so a run of punctuation is quadratic: 16 KB of "%" took 49 s, 100 KB of "[" minutes. A run
    of more than MAX_RUN characters is never prose (URLs and long words are shorter), so it is
    cut into tokens of PIECE characters as it stands, without affix rules. Pieces are odd
    fragments, which no rule matches, so nothing is found inside such a run. Text with no
    long run goes to spaCy's tokenizer untouched, and doc.text is always the input text.
    """

    MAX_RUN = 256  # below this, spaCy's cost per character is about that of ordinary prose
    PIECE = 64
    _LONG_RUN = re.compile(rf"(?<!\S)\S{{{MAX_RUN + 1},}}")

    def __init__(self, base) -> None:
        self.base = base
        self.vocab = base.vocab

    def __call__(self, text: str) -> Doc:
        if self._LONG_RUN.search(text) is None:
            return self.base(text)
        words: list[str] = []
        spaces: list[bool] = []
        pos = 0
        for m in self._LONG_RUN.finditer(text):
            if m.start() > pos:
                self._add(self.base(text[pos : m.start()]), words, spaces)
            run = m.group()
            for i in range(0, len(run), self.PIECE):
                words.append(run[i : i + self.PIECE])
                spaces.append(False)
            pos = m.end()
            if text.startswith(" ", pos):
                spaces[-1] = True
                pos += 1
        if pos < len(text):
            self._add(self.base(text[pos:]), words, spaces)
        return Doc(self.vocab, words=words, spaces=spaces)

    @staticmethod
    def _add(doc: Doc, words: list[str], spaces: list[bool]) -> None:
        words.extend(t.text for t in doc)
        spaces.extend(bool(t.whitespace_) for t in doc)

    def __getattr__(self, name: str):  # add_special_case, explain, rules ...: spaCy's own
        return getattr(self.base, name)
