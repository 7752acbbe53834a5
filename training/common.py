"""What the training scripts share: the records, the folds, the metrics and the linear models.

The scikit-learn models here are the ones compared by training/compare.py and the one shipped
by training/train.py, so the comparison and the shipped model cannot drift apart.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from extract import Record, extract  # noqa: E402

from audit.checks.sentence_model import kind_token  # noqa: E402  (the runtime's own, so they match)
from audit.core.labels import LABELS  # noqa: E402

TRAIN = ROOT / "tests" / "corpus" / "train"
DEV = ROOT / "tests" / "corpus" / "dev"
# A cited statistic is not unsourced-statistic and a cited appeal is not vague-attribution; at
# run time the citation logic drops those findings on cited sentences. Training on them would
# teach the model that a statistic is not a statistic, so these labels leave them out.
CITED_EXCLUDED = ("unsourced-statistic", "vague-attribution")
SEED = 0


def load(corpus: Path) -> list[Record]:
    if "blind" in corpus.resolve().parts:
        raise SystemExit("the blind corpus is not for training or tuning")
    return extract(corpus).records


def targets(records: list[Record]) -> np.ndarray:
    """[n, n_labels] 0/1 gold matrix in LABELS order."""
    y = np.zeros((len(records), len(LABELS)), dtype=np.int8)
    for i, r in enumerate(records):
        for lb in r.labels:
            y[i, LABELS.index(lb)] = 1
    return y


def usable(records: list[Record], label: str) -> np.ndarray:
    """Rows a label trains and is scored on: all, except cited sentences for stat/attribution."""
    if label in CITED_EXCLUDED:
        return np.array([not r.cited for r in records])
    return np.ones(len(records), dtype=bool)


# -- folds -------------------------------------------------------------------------------
def group_folds(records: list[Record], k: int = 5) -> list[np.ndarray]:
    """Test indexes of k folds grouped by document (sklearn GroupKFold: deterministic)."""
    from sklearn.model_selection import GroupKFold

    groups = [r.path for r in records]
    gkf = GroupKFold(n_splits=k)
    return [test for _, test in gkf.split(np.zeros(len(records)), groups=groups)]


def writer_folds(records: list[Record]) -> list[np.ndarray]:
    """Test indexes per writer: leave one writer out."""
    writers = sorted({r.writer for r in records})
    w = np.array([r.writer for r in records])
    return [np.flatnonzero(w == name) for name in writers]


# -- metrics -----------------------------------------------------------------------------
@dataclass
class PRF:
    threshold: float
    precision: float
    recall: float
    f1: float
    positives: int


def best_f1(y: np.ndarray, s: np.ndarray) -> PRF:
    """The threshold that maximises F1 (predict positive when score >= threshold).

    The threshold is the midpoint between the lowest accepted score and the next lower one,
    so it does not sit on a training score. Ties in F1 go to the higher threshold.
    """
    y = np.asarray(y).astype(bool)
    s = np.asarray(s, dtype=np.float64)
    pos = int(y.sum())
    if pos == 0 or len(s) == 0:
        return PRF(float("inf"), 0.0, 0.0, 0.0, pos)
    order = np.argsort(-s, kind="stable")
    ss, yy = s[order], y[order]
    tp = np.cumsum(yy)
    fp = np.cumsum(~yy)
    # only the last index of each run of equal scores is a possible cut
    last = np.flatnonzero(np.append(ss[1:] != ss[:-1], True))
    p = tp[last] / (tp[last] + fp[last])
    r = tp[last] / pos
    f = np.where(p + r > 0, 2 * p * r / np.maximum(p + r, 1e-12), 0.0)
    j = int(np.argmax(f))
    i = last[j]
    nxt = ss[i + 1] if i + 1 < len(ss) else ss[i] - 1.0
    return PRF(float((ss[i] + nxt) / 2), float(p[j]), float(r[j]), float(f[j]), pos)


def at_threshold(y: np.ndarray, s: np.ndarray, t: float) -> PRF:
    y = np.asarray(y).astype(bool)
    pred = np.asarray(s) >= t
    tp = int((pred & y).sum())
    fp = int((pred & ~y).sum())
    fn = int((~pred & y).sum())
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return PRF(float(t), p, r, f, int(y.sum()))


def precision_floor(y: np.ndarray, s: np.ndarray, floor: float = 0.5) -> float:
    """The lowest threshold at which precision of everything scored >= it is still >= floor.

    Used for the "info" band below the warning threshold. Only cuts just below a positive are
    candidates: lowering the threshold past negatives alone adds nothing worth a look.
    Returns +inf when no cut keeps that precision.
    """
    y = np.asarray(y).astype(bool)
    s = np.asarray(s, dtype=np.float64)
    order = np.argsort(-s, kind="stable")
    ss, yy = s[order], y[order]
    tp = np.cumsum(yy)
    n = np.arange(1, len(ss) + 1)
    last = np.flatnonzero(np.append(ss[1:] != ss[:-1], True))
    gained = np.diff(np.concatenate(([0], tp[last]))) > 0  # the tie group holds a positive
    ok = last[gained & (tp[last] / n[last] >= floor)]
    if not len(ok):
        return float("inf")
    i = int(ok[-1])
    nxt = ss[i + 1] if i + 1 < len(ss) else ss[i] - 1.0
    return float((ss[i] + nxt) / 2)


# -- scikit-learn linear models ------------------------------------------------------------
@dataclass(frozen=True)
class LinearSpec:
    """One candidate: which features, which classifier."""

    word: bool = True  # word 1-2-grams, TF-IDF
    char: bool = True  # char_wb 2-5-grams, TF-IDF
    kind: bool = False  # block kind as a prefix token of the word features
    clf: str = (
        "lr"  # "lr": LogisticRegression(balanced); "svm": LinearSVC(balanced), decision scores
    )
    C: float = 1.0
    min_df: int = 2
    sublinear_tf: bool = True
    keep: int = 0  # >0: refit on the `keep` features with the largest |coefficient| (any label)
    char_min: int = 2  # char_wb n-grams from char_min to char_max characters
    char_max: int = 5

    @property
    def name(self) -> str:
        feats = "+".join(n for n, on in (("word", self.word), ("char", self.char)) if on)
        kept = f" top{self.keep // 1000}k" if self.keep else ""
        chars = (
            f" char{self.char_min}-{self.char_max}"
            if self.char and (self.char_min, self.char_max) != (2, 5)
            else ""
        )
        return f"{self.clf} {feats}{' +kind' if self.kind else ''} C={self.C:g}{kept}{chars}"


class LinearModel:
    """One binary linear model per label over shared TF-IDF features."""

    def __init__(self, spec: LinearSpec) -> None:
        self.spec = spec
        self.word_vec = None
        self.char_vec = None
        self.coef = None  # [n_features, n_labels]
        self.classifiers: list = []
        self.intercept = None  # [n_labels]

    def _vectorizers(self, vocab_word=None, vocab_char=None):
        from sklearn.feature_extraction.text import TfidfVectorizer

        s = self.spec
        word = char = None
        if s.word:
            word = TfidfVectorizer(
                lowercase=True,
                ngram_range=(1, 2),
                min_df=1 if vocab_word is not None else s.min_df,
                sublinear_tf=s.sublinear_tf,
                vocabulary=vocab_word,
                dtype=np.float64,
            )
        if s.char:
            char = TfidfVectorizer(
                lowercase=True,
                analyzer="char_wb",
                ngram_range=(s.char_min, s.char_max),
                min_df=1 if vocab_char is not None else s.min_df,
                sublinear_tf=s.sublinear_tf,
                vocabulary=vocab_char,
                dtype=np.float64,
            )
        return word, char

    def word_texts(self, texts: list[str], kinds: list[str]) -> list[str]:
        if self.spec.kind:
            return [kind_token(k) + " " + t for t, k in zip(texts, kinds, strict=True)]
        return texts

    def features(self, texts: list[str], kinds: list[str]):
        from scipy.sparse import hstack

        parts = []
        if self.word_vec is not None:
            parts.append(self.word_vec.transform(self.word_texts(texts, kinds)))
        if self.char_vec is not None:
            parts.append(self.char_vec.transform(texts))
        return hstack(parts).tocsr() if len(parts) > 1 else parts[0].tocsr()

    def fit(
        self,
        texts: list[str],
        kinds: list[str],
        y: np.ndarray,
        rows: np.ndarray,
        vocab_word=None,
        vocab_char=None,
    ) -> LinearModel:
        """`rows[:, j]` says which sentences label j trains on.

        With spec.keep, a first fit ranks the features by their largest |coefficient| over
        the labels, and the model is refitted on the top ones only: the vectorizers then know
        only those features (idf and the l2 norm included), so the small model is exactly
        what is scored, not a truncated copy of a bigger one.
        """
        if self.spec.keep and vocab_word is None and vocab_char is None:
            self._fit(texts, kinds, y, rows, None, None)
            names = self.feature_names()
            importance = np.abs(self.coef).max(axis=1)
            order = np.lexsort((np.arange(len(names)), -importance))[: self.spec.keep]
            n_word = len(self.word_vec.vocabulary_) if self.word_vec is not None else 0
            vw = sorted(names[i] for i in order if i < n_word) if self.spec.word else None
            vc = sorted(names[i] for i in order if i >= n_word) if self.spec.char else None
            return self._fit(texts, kinds, y, rows, vw, vc)
        return self._fit(texts, kinds, y, rows, vocab_word, vocab_char)

    def feature_names(self) -> list[str]:
        out: list[str] = []
        for vec in (self.word_vec, self.char_vec):
            if vec is not None:
                out += vec.get_feature_names_out().tolist()
        return out

    def _fit(self, texts, kinds, y, rows, vocab_word, vocab_char) -> LinearModel:
        self.word_vec, self.char_vec = self._vectorizers(vocab_word, vocab_char)
        if self.word_vec is not None:
            self.word_vec.fit(self.word_texts(texts, kinds))
        if self.char_vec is not None:
            self.char_vec.fit(texts)
        X = self.features(texts, kinds)
        coef = np.zeros((X.shape[1], len(LABELS)))
        intercept = np.zeros(len(LABELS))
        self.classifiers = []
        for j in range(len(LABELS)):
            m = rows[:, j]
            yj = y[m, j]
            if yj.sum() == 0:
                raise ValueError(f"no positive example of {LABELS[j]} to train on")
            clf = self._classifier()
            clf.fit(X[m], yj)
            coef[:, j] = clf.coef_.ravel()
            intercept[j] = float(clf.intercept_[0])
            self.classifiers.append(clf)
        self.coef, self.intercept = coef, intercept
        return self

    def sklearn_scores(self, texts: list[str], kinds: list[str]) -> np.ndarray:
        """scikit-learn's own predict_proba (or decision_function), label by label."""
        X = self.features(texts, kinds)
        if self.spec.clf == "lr":
            cols = [clf.predict_proba(X)[:, 1] for clf in self.classifiers]
        else:
            cols = [clf.decision_function(X) for clf in self.classifiers]
        return np.stack(cols, axis=1)

    def _classifier(self):
        from sklearn.linear_model import LogisticRegression
        from sklearn.svm import LinearSVC

        if self.spec.clf == "lr":
            return LogisticRegression(
                C=self.spec.C, class_weight="balanced", solver="liblinear", random_state=SEED
            )
        return LinearSVC(C=self.spec.C, class_weight="balanced", random_state=SEED, dual=True)

    def decision(self, texts: list[str], kinds: list[str]) -> np.ndarray:
        X = self.features(texts, kinds)
        return np.asarray(X @ self.coef) + self.intercept

    def scores(self, texts: list[str], kinds: list[str]) -> np.ndarray:
        """Logistic regression: probabilities; SVM: decision values."""
        d = self.decision(texts, kinds)
        return 1.0 / (1.0 + np.exp(-d)) if self.spec.clf == "lr" else d


def label_rows(records: list[Record]) -> np.ndarray:
    return np.stack([usable(records, lb) for lb in LABELS], axis=1)
