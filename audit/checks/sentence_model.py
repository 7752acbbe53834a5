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
  lower-cased text padded with one space on each side; a padded word no longer than n gives
  itself once;
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
from itertools import chain, repeat
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).resolve().parents[1] / "models" / "sentence_model.npz"
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
    corpus to maximise F1 for label j; `info[j]` is a lower threshold, the lowest score at which
    precision of everything flagged on dev is still about 0.5, for findings worth a look but
    not a warning. (`meta["thresholds"]` says, per label, where each was chosen and how it
    scored.)
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
        # unigrams by token, bigrams by token pair (scikit-learn joins the pair with a space)
        self.word_index: dict[str, int] = {w: i for i, w in enumerate(word_names) if " " not in w}
        self.bigram_index: dict[tuple[str, str], int] = {
            (w.split(" ")[0], w.split(" ")[1]): i for i, w in enumerate(word_names) if " " in w
        }
        self.char_index: dict[str, int] = {g: i + self.n_word for i, g in enumerate(char_names)}
        self.n_features = len(self.names)
        # char n-grams as numbers for _new_char_tables: characters ranked in the alphabet of
        # the vocabulary, an n-gram the number with its ranks (from 1) as base-(A+1) digits
        chars = sorted({c for g in char_names for c in g})
        self._alphabet = np.array([ord(c) for c in chars], dtype=np.uint32)
        rank = {c: r + 1 for r, c in enumerate(chars)}
        base = len(chars) + 1
        keys = np.array(
            [sum(rank[c] * base**j for j, c in enumerate(g)) for g in char_names], dtype=np.int64
        )
        order = np.argsort(keys, kind="stable")
        self._gram_keys: np.ndarray = keys[order]
        self._gram_ids: np.ndarray = (order + self.n_word).astype(np.int32)
        if self.coef.shape != (self.n_features, len(self.labels)):
            raise ValueError(f"{path}: coefficients do not match the vocabulary")
        self._word_cache: dict[str, np.ndarray] = {}
        self._kind_tokens: dict[str, str] = {}

    # -- features -------------------------------------------------------------------------
    def _char_tables(self, words: list[str]) -> list[np.ndarray]:
        """In-vocabulary char_wb n-gram ids of each lower-cased word, one per occurrence.

        Words seen before come from a cache; the new ones are done together by
        _new_char_tables.
        """
        cache = self._word_cache
        tables = list(map(cache.get, words))
        missing = [i for i, t in enumerate(tables) if t is None]
        if missing:
            new = self._new_char_tables([words[i] for i in missing])
            if len(cache) + len(missing) > _WORD_CACHE_LIMIT:
                cache.clear()  # bounded memory on endless streams of new words
            for i, table in zip(missing, new, strict=True):
                tables[i] = cache[words[i]] = table
        return tables  # type: ignore[return-value]

    def _new_char_tables(self, words: list[str]) -> list[np.ndarray]:
        """char_wb n-gram ids of distinct words, computed with numpy rather than per n-gram.

        scikit-learn pads each word with a space on each side and takes every n-gram of the
        padded word for n in the range up to its length. Joined as " w1 w2 w3 ", the words
        share their padding spaces, and an n-gram of one padded word is exactly a substring
        with no space strictly inside it. Each character becomes its rank in the alphabet of
        the vocabulary (0 if absent: no vocabulary n-gram holds it), an n-gram the number
        with those ranks as digits, looked up in the sorted numbers of the vocabulary.
        """
        joined = " " + " ".join(words) + " "
        codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
        alphabet = self._alphabet
        rank = np.searchsorted(alphabet, codes)
        rank[rank >= len(alphabet)] = 0
        digit = np.where(alphabet[rank] == codes, rank + 1, 0).astype(np.int64)
        spaces = np.cumsum(codes == 32)  # word w starts after the (w+1)-th space
        base = len(alphabet) + 1
        lo, hi = self.char_range
        n_codes = len(codes)
        hit_ids: list[np.ndarray] = []
        hit_words: list[np.ndarray] = []
        for n in range(lo, hi + 1):
            m = n_codes - n + 1
            if m <= 0:
                break
            key = digit[:m].copy()
            ok = key > 0
            for j in range(1, n):
                d = digit[j : j + m]
                ok &= d > 0
                key += d * base**j
            if n > 2:
                ok &= spaces[n - 2 : n - 2 + m] == spaces[:m]  # no space strictly inside
            at = np.flatnonzero(ok)
            key = key[at]
            loc = np.searchsorted(self._gram_keys, key)
            loc[loc >= len(self._gram_keys)] = 0
            found = self._gram_keys[loc] == key
            hit_ids.append(self._gram_ids[loc[found]])
            hit_words.append(spaces[at[found]] - 1)
        if not hit_ids:
            return [np.zeros(0, dtype=np.int32) for _ in words]
        ids = np.concatenate(hit_ids)
        word = np.concatenate(hit_words)
        order = np.argsort(word, kind="stable")
        ids = ids[order]
        ends = np.cumsum(np.bincount(word, minlength=len(words))).tolist()
        out = []
        start = 0
        for end in ends:
            out.append(ids[start:end])
            start = end
        return out

    def _kind_token(self, kind: str) -> str:
        token = self._kind_tokens.get(kind)
        if token is None:
            token = self._kind_tokens[kind] = kind_token(kind)
        return token

    # Long because it is the model's hot loop: one pass, no call per token or n-gram.
    def _features(self, texts: list[str], kinds: list[str]) -> tuple[np.ndarray, ...]:
        """Sparse tf-idf rows as (sentence, feature, value) arrays, sorted by sentence, feature.

        Python touches each token once, inside C-level map() calls; the char n-grams of each
        distinct word are looked up once and kept; everything per n-gram is numpy.
        """
        if len(texts) != len(kinds):
            raise ValueError("texts and kinds must have the same length")
        n = len(texts)
        lowered = [t.lower() for t in texts]
        # word unigrams and bigrams (bigrams keyed by token pairs: no string to build);
        # -1 for a token or pair not in the vocabulary, dropped below
        findall = _TOKEN.findall
        uni = self.word_index.get
        bi = self.bigram_index.get
        kind_tokens = list(map(self._kind_token, kinds)) if self.use_kind else None
        word_feats: list[int] = []
        word_counts: list[int] = []
        for si, text in enumerate(lowered):
            tokens = findall(text)
            if kind_tokens is not None:
                tokens.insert(0, kind_tokens[si])
            before = len(word_feats)
            word_feats += map(uni, tokens, repeat(-1))
            word_feats += map(bi, zip(tokens, tokens[1:]), repeat(-1))  # noqa: B905
            word_counts.append(len(word_feats) - before)
        # char n-grams of the whitespace-separated words: a table per distinct word
        split = [t.split() for t in lowered]
        all_words = list(chain.from_iterable(split))
        distinct = list(dict.fromkeys(all_words))
        tables = self._char_tables(distinct)
        local = dict(zip(distinct, range(len(distinct)), strict=True))
        lengths = np.fromiter(map(len, tables), np.int64, len(tables))
        flat = np.concatenate(tables) if tables else np.zeros(0, dtype=np.int32)
        offsets = np.cumsum(lengths) - lengths
        occ = np.fromiter(map(local.__getitem__, all_words), np.int64, len(all_words))
        occ_len = lengths[occ]
        ends = np.cumsum(occ_len)
        gather = np.arange(int(ends[-1]) if len(ends) else 0, dtype=np.int64)
        gather += np.repeat(offsets[occ] - (ends - occ_len), occ_len)
        rows = np.arange(n, dtype=np.int64)
        char_sent = np.repeat(np.repeat(rows, list(map(len, split))), occ_len)
        f_all = np.concatenate((np.asarray(word_feats, dtype=np.int64), flat[gather]))
        s_all = np.concatenate((np.repeat(rows, word_counts), char_sent))
        known = f_all >= 0
        keys = s_all[known] * self.n_features + f_all[known]
        keys = np.sort(
            keys.astype(np.int32) if n * self.n_features < 2**31 else keys, kind="stable"
        )
        first = np.empty(len(keys), dtype=bool)
        first[:1] = True
        np.not_equal(keys[1:], keys[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        counts = np.diff(np.append(starts, len(keys)))
        uniq = keys[starts].astype(np.int64)
        sent = uniq // self.n_features
        feat = uniq - sent * self.n_features
        tf = counts.astype(np.float64)
        if self.sublinear:
            tf = 1.0 + np.log(tf)
        value = tf * self.idf[feat]
        # l2 norm per sentence and block (word features, then char features)
        block = sent * 2 + (feat >= self.n_word)
        norms = np.sqrt(np.bincount(block, weights=value * value, minlength=2 * n))
        value /= norms[block]
        return sent, feat, value

    # -- scoring --------------------------------------------------------------------------
    def decision(self, texts: list[str], kinds: list[str]) -> np.ndarray:
        """Linear scores [n_sentences, n_labels] before the logistic function."""
        sent, feat, value = self._features(texts, kinds)
        out = np.zeros((len(texts), len(self.labels)), dtype=np.float64)
        if len(sent):
            # rows are sorted by sentence: one segment sum per sentence that has features
            first = np.flatnonzero(np.append(True, sent[1:] != sent[:-1]))
            terms = np.take(self.coef, feat, axis=0)
            terms *= value[:, None]
            out[sent[first]] = np.add.reduceat(terms, first, axis=0)
        return out + self.intercept

    def scores(self, texts: list[str], kinds: list[str]) -> np.ndarray:
        """Scores [n_sentences, n_labels] in `labels` order; compare with `warning` and `info`.

        `kinds` are the sentences' block kinds (document.blocks[...].kind): the model learned
        that a heading or a list item naming a benefit is a claim more often than a paragraph.
        """
        d = self.decision(texts, kinds)
        if not self.logistic:
            return d
        return 1.0 / (1.0 + np.exp(-np.clip(d, -500.0, 500.0)))  # clipped: no overflow warning

    def top_words(
        self, texts: list[str], kinds: list[str], labels: list[str], k: int = 3
    ) -> list[list[str]]:
        """For each sentence, the `k` words or word pairs that pushed it most towards its label.

        The cheap explanation for findings, one feature pass for the whole batch: only word
        features count here (`weights` also credits character n-grams to their words).
        """
        if not texts:
            return []
        sent, feat, value = self._features(texts, kinds)
        cols = np.array([self.labels.index(lb) for lb in labels], dtype=np.int64)
        contrib = value * self.coef[feat, cols[sent]]
        keep = (feat < self.n_word) & (contrib > 0)
        out: list[list[str]] = [[] for _ in texts]
        order = np.lexsort((-contrib[keep], sent[keep]))
        rows, feats = sent[keep][order], feat[keep][order]
        for row, f in zip(rows.tolist(), feats.tolist(), strict=True):
            words = out[row]
            name = self.names[f]
            if len(words) >= k or (name.startswith("__") and name.endswith("__")):
                continue
            shown = name.split(" ", 1)[-1] if name.startswith("__") else name
            if shown not in words:  # "however" and "[kind] however" read as one word
                words.append(shown)
        return out

    def weights(self, text: str, kind: str, label: str, k: int = 5) -> list[tuple[str, float]]:
        """The `k` words or n-grams that pushed this sentence most towards `label`, largest first.

        For explaining a finding the rules did not make. A weight is a feature's share of the
        linear score (feature value x coefficient); a character n-gram's share is credited to
        the word(s) it came from, so users see words ("proven", "studies show") rather than
        fragments. The kind token shows as "[heading]". Ties break on the text, so the list is
        deterministic. Only features that pushed towards the label are listed (fewer than `k`
        when fewer did).
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
            words = text.lower().split()
            tables = self._char_tables(words)
            per_word = [(w, Counter(t.tolist())) for w, t in zip(words, tables, strict=True)]
            occurrences: Counter[int] = Counter()
            for _, ids in per_word:
                occurrences.update(ids)
            for w, ids in per_word:
                name = w.strip(".,;:!?\"'()[]{}\u201c\u201d\u2018\u2019*_-") or w
                share = sum(char_share[f] * n / occurrences[f] for f, n in ids.items())
                totals[name] = totals.get(name, 0.0) + share
        ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
        return [(name, float(w)) for name, w in ranked[:k] if w > 0]


@lru_cache(maxsize=1)
def load_default() -> SentenceModel:
    """The shipped model, loaded once per process."""
    return SentenceModel(MODEL_PATH)
