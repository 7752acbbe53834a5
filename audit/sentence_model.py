"""The trained sentence classifier that sits beside the rules: one linear model per label.

Why a re-implementation instead of a pickled scikit-learn pipeline: a pickle breaks when the
scikit-learn version changes and would make scikit-learn a runtime dependency. The shipped
file (audit/models/sentence_model.npz, built by training/train.py) holds only plain arrays:
the vocabularies, their idf weights, the coefficients per label and the thresholds. This
module redoes scikit-learn's TfidfVectorizer exactly (training/check_export.py asserts the
scores agree to 1e-6):

- word features: the text lower-cased (str.lower), tokens matched by ``(?u)\\b\\w\\w+\\b``,
  unigrams and bigrams (two tokens joined by one space); the block kind goes in front of the
  text as a token of its own ("__heading__", "__listitem__"), so that the same words can weigh
  differently in a heading, a list item or a paragraph;
- character features (``analyzer="char_wb"``): n-grams of each whitespace-separated word of the
  lower-cased text padded with one space on each side; a word shorter than n gives one n-gram;
- each block separately: tf = 1 + ln(count) (sublinear), times idf, l2-normalised over the
  features in the vocabulary; the two blocks are concatenated, as in a scikit-learn hstack;
- score = features . coefficients + intercept, through the logistic function when the model
  is a logistic regression (the file says which).

It depends on numpy and the standard library only, loads nothing from the network, and is
deterministic: a sentence's score does not depend on the other sentences of the batch.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).resolve().parent / "models" / "sentence_model.npz"
FORMAT = 1
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token_pattern
_WORD_CACHE_LIMIT = 200_000  # distinct words whose char n-gram ids are kept between calls


def kind_token(kind: str) -> str:
    """The block kind as one word token ("list-item" -> "__listitem__").

    Must match training/common.py: the token is part of the model's vocabulary.
    """
    return "__" + "".join(c for c in kind if c.isalnum()) + "__"


def _vocab(blob: np.ndarray) -> list[str]:
    """Feature strings stored as one newline-joined UTF-8 array (no feature holds a newline)."""
    text = blob.tobytes().decode("utf-8")
    return text.split("\n") if text else []


class SentenceModel:
    """Scores sentences for each label; thresholds for the warning and info bands come with it.

    `labels` gives the column order of `scores`. `warning[j]` is the threshold chosen on the dev
    corpus to maximise F1 for label j; `info[j]` is a lower threshold (about half of what it
    adds on dev is right) for findings worth a look but not a warning.
    """

    def __init__(self, path: Path | str = MODEL_PATH) -> None:
        with np.load(Path(path), allow_pickle=False) as z:
            meta = json.loads(z["meta"].tobytes().decode("utf-8"))
            if meta.get("format") != FORMAT:
                raise ValueError(f"{path}: sentence model format {meta.get('format')!r}")
            self.meta: dict = meta
            self.labels: tuple[str, ...] = tuple(meta["labels"])
            self.logistic: bool = meta["score"] == "logistic"
            self.use_kind: bool = bool(meta["kind_token"])
            self.sublinear: bool = bool(meta["sublinear_tf"])
            self.char_range: tuple[int, int] = tuple(meta["char_ngram_range"])  # type: ignore[assignment]
            word_names = _vocab(z["word_vocab"])
            char_names = _vocab(z["char_vocab"])
            self.idf: np.ndarray = np.concatenate((z["word_idf"], z["char_idf"])).astype(np.float64)
            self.coef: np.ndarray = np.ascontiguousarray(z["coef"], dtype=np.float64)
            self.intercept: np.ndarray = np.asarray(z["intercept"], dtype=np.float64)
            self.warning: np.ndarray = np.asarray(z["warning"], dtype=np.float64)
            self.info: np.ndarray = np.asarray(z["info"], dtype=np.float64)
        self.n_word = len(word_names)
        self.names: list[str] = word_names + char_names
        self.word_index: dict[str, int] = {w: i for i, w in enumerate(word_names)}
        self.char_index: dict[str, int] = {g: i + self.n_word for i, g in enumerate(char_names)}
        self.n_features = len(self.names)
        if self.coef.shape != (self.n_features, len(self.labels)):
            raise ValueError(f"{path}: coefficients do not match the vocabulary")
        self._word_cache: dict[str, np.ndarray] = {}

    # -- features -------------------------------------------------------------------------
    def _char_ids(self, word: str) -> np.ndarray:
        """In-vocabulary char_wb n-gram ids of one lower-cased word, one per occurrence."""
        ids = self._word_cache.get(word)
        if ids is not None:
            return ids
        index = self.char_index
        lo, hi = self.char_range
        w = " " + word + " "
        n_w = len(w)
        found: list[int] = []
        for n in range(lo, hi + 1):
            if n_w <= n:  # a short word gives itself once, then nothing longer (as sklearn)
                i = index.get(w)
                if i is not None:
                    found.append(i)
                break
            for start in range(n_w - n + 1):
                i = index.get(w[start : start + n])
                if i is not None:
                    found.append(i)
        if len(self._word_cache) >= _WORD_CACHE_LIMIT:
            self._word_cache.clear()  # bounded memory on endless streams of new words
        ids = self._word_cache[word] = np.sort(np.asarray(found, dtype=np.int64))
        return ids

    def _word_ids(self, lowered: str, kind: str) -> list[int]:
        index = self.word_index
        tokens = _TOKEN.findall(lowered)
        if self.use_kind:
            tokens.insert(0, kind_token(kind))
        ids = [i for i in map(index.get, tokens) if i is not None]
        for a, b in zip(tokens, tokens[1:], strict=False):
            i = index.get(a + " " + b)
            if i is not None:
                ids.append(i)
        return ids

    def _features(self, texts: list[str], kinds: list[str]) -> tuple[np.ndarray, ...]:
        """Sparse tf-idf rows as (sentence, feature, value) arrays, sorted by sentence, feature.

        Python touches each word once (a dict lookup); the char n-grams of each distinct word
        are looked up once and kept, and everything per n-gram is done by numpy.
        """
        if len(texts) != len(kinds):
            raise ValueError("texts and kinds must have the same length")
        n = len(texts)
        word_feats: list[int] = []
        word_counts: list[int] = []
        local: dict[str, int] = {}  # distinct words of this batch -> row of the CSR below
        occurrences: list[int] = []
        per_sentence: list[int] = []
        word_ids = self._word_ids
        for text, kind in zip(texts, kinds, strict=True):
            lowered = text.lower()
            ids = word_ids(lowered, kind)
            word_feats += ids
            word_counts.append(len(ids))
            words = lowered.split()
            occurrences += [local.setdefault(w, len(local)) for w in words]
            per_sentence.append(len(words))
        # char n-grams: a CSR table over the distinct words, expanded per occurrence
        tables = [self._char_ids(w) for w in local]
        lengths = np.fromiter(map(len, tables), dtype=np.int64, count=len(tables))
        flat = np.concatenate(tables) if tables else np.zeros(0, dtype=np.int64)
        offsets = np.concatenate(([0], np.cumsum(lengths)[:-1])) if tables else lengths
        occ = np.asarray(occurrences, dtype=np.int64)
        occ_len = lengths[occ]
        total = int(occ_len.sum())
        ends = np.cumsum(occ_len)
        gather = np.arange(total, dtype=np.int64) + np.repeat(
            offsets[occ] - (ends - occ_len), occ_len
        )
        occ_sent = np.repeat(np.arange(n, dtype=np.int64), per_sentence)
        char_sent = np.repeat(occ_sent, occ_len)
        f_all = np.concatenate((np.asarray(word_feats, dtype=np.int64), flat[gather]))
        s_all = np.concatenate((np.repeat(np.arange(n, dtype=np.int64), word_counts), char_sent))
        keys = np.sort(s_all * self.n_features + f_all, kind="stable")
        first = np.ones(len(keys), dtype=bool)
        first[1:] = keys[1:] != keys[:-1]
        starts = np.flatnonzero(first)
        counts = np.diff(np.append(starts, len(keys)))
        uniq = keys[starts]
        sent = uniq // self.n_features
        feat = uniq - sent * self.n_features
        tf = counts.astype(np.float64)
        if self.sublinear:
            tf = 1.0 + np.log(tf)
        value = tf * self.idf[feat]
        # l2 norm per sentence and block (word features, then char features)
        block = sent * 2 + (feat >= self.n_word)
        norms = np.sqrt(np.bincount(block, weights=value * value, minlength=2 * n))
        value = value / norms[block]
        return sent, feat, value

    # -- scoring --------------------------------------------------------------------------
    def decision(self, texts: list[str], kinds: list[str]) -> np.ndarray:
        """Linear scores [n_sentences, n_labels] before the logistic function."""
        sent, feat, value = self._features(texts, kinds)
        out = np.zeros((len(texts), len(self.labels)), dtype=np.float64)
        if len(sent):
            # rows are sorted by sentence: one segment sum per sentence that has features
            first = np.flatnonzero(np.append(True, sent[1:] != sent[:-1]))
            out[sent[first]] = np.add.reduceat(self.coef[feat] * value[:, None], first, axis=0)
        return out + self.intercept

    def scores(self, texts: list[str], kinds: list[str]) -> np.ndarray:
        """Scores [n_sentences, n_labels] in `labels` order; compare with `warning` and `info`.

        `kinds` are the sentences' block kinds (document.blocks[...].kind): the model learned
        that a heading or a list item naming a benefit is a claim more often than a paragraph.
        """
        d = self.decision(texts, kinds)
        return 1.0 / (1.0 + np.exp(-d)) if self.logistic else d

    def weights(self, text: str, kind: str, label: str, k: int = 5) -> list[tuple[str, float]]:
        """The `k` words or n-grams that pushed this sentence most towards `label`, largest first.

        For explaining a finding the rules did not make. A weight is a feature's share of the
        linear score (feature value x coefficient); a character n-gram's share is credited to
        the word(s) it came from, so users see words ("proven", "studies show") rather than
        fragments. The kind token shows as "[heading]". Ties break on the text, so the list is
        deterministic.
        """
        j = self.labels.index(label)
        _, feat, value = self._features([text], [kind])
        contrib = value * self.coef[feat, j]
        totals: dict[str, float] = {}
        char_share: dict[int, float] = {}
        for f, c in zip(feat.tolist(), contrib.tolist(), strict=True):
            if f < self.n_word:
                name = self.names[f]
                if name.startswith("__") and name.endswith("__"):
                    name = f"[{kind}]"
                totals[name] = totals.get(name, 0.0) + c
            else:
                char_share[f] = c
        if char_share:
            per_word = [(w, Counter(self._char_ids(w))) for w in text.lower().split()]
            occurrences = Counter()
            for _, ids in per_word:
                occurrences.update(ids)
            for w, ids in per_word:
                name = w.strip(".,;:!?\"'()[]{}\u201c\u201d\u2018\u2019*_-") or w
                share = sum(char_share[f] * n / occurrences[f] for f, n in ids.items())
                totals[name] = totals.get(name, 0.0) + share
        ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
        return [(name, float(w)) for name, w in ranked[:k]]


@lru_cache(maxsize=1)
def load_default() -> SentenceModel:
    """The shipped model, loaded once per process."""
    return SentenceModel(MODEL_PATH)
