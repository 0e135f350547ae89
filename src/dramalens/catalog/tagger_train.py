"""Training and cross-validating a catalog's trope tagger (needs scikit-learn: the ``learn`` extra).

:func:`fit_tagger` fits the :class:`~.tagger.TaggerModel` of :mod:`.tagger` on labelled texts:
one L2-regularised logistic regression per trope (liblinear in its dual form, which is fast
when features outnumber works), and one decision rule shared by all
tropes (a probability threshold and a cap on tags per work), chosen by an inner cross-validation
to maximise micro-F1 on predictions for works the inner models did not see. A shared threshold,
not one per trope: with a few hundred works a
trope has a handful of positives per fold and a per-trope threshold fits their noise (measured
on ReelShort's catalogue: docs/catalog.md, "Tagging").

:func:`cross_validate` reports what the tagger would score on works it has not seen: k-fold,
the whole procedure (vocabularies, models, inner-CV threshold) refitted on each training part.

:func:`train_catalog_tagger` does both for a catalog (labels: the tropes each work's platform
tags name, through the vocabulary's aliases), stores the model with the catalog and retags the
works that carry no tags.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ..analysis.tropes import TropeVocabulary, load_vocabulary
from ..errors import ConfigError
from . import tagger
from .tagger import TaggerModel, Vocabulary, block_counts, cue_features, decide

__all__ = ["C", "MIN_SUPPORT", "VOCABULARY_HIT", "CVReport", "TagScore", "cross_validate", "fit_tagger", "out_of_fold", "require_sklearn", "vocabulary_decisions"]

#: Inverse regularisation of each trope's logistic regression: weak, since the features are
#: few per work (a synopsis) and a trope's evidence is a handful of words.
C = 16.0
#: No class re-weighting: the one shared threshold needs probabilities on the same footing for
#: every trope, and "balanced" weights shift each trope's by its own prior (on ReelShort's
#: catalogue balanced weights scored micro-F1 0.40 against 0.41-0.42 unweighted, same folds).
CLASS_WEIGHT: str | None = None
#: Works with a tag a trope needs before it is learned (fewer: the vocabulary keeps tagging it).
MIN_SUPPORT = 3
_MIN_DF = 2  # a term in one training work only is that work's fingerprint, not a trope's
_MAX_CHARS = 50_000  # character n-grams kept (the most frequent), bounding the stored model
_INNER = 4
_THRESHOLDS = np.round(np.linspace(0.05, 0.95, 91), 3)
_CAPS = (0, 1, 2, 3, 4, 5, 6)
#: The vocabulary's confidence at which it tags a trope (``tag_tropes``' default).
VOCABULARY_HIT = 0.3


def require_sklearn() -> Any:  # the sklearn.linear_model module; Any: scikit-learn ships no types
    """scikit-learn's ``linear_model``, or one :class:`ConfigError` saying what to install."""
    try:
        from sklearn import linear_model  # optional extra: imported only when training
    except ImportError as exc:
        raise ConfigError("training a trope tagger needs scikit-learn",
                          hint="pip install 'dramalens[learn]' (or scikit-learn>=1.4)") from exc
    return linear_model


@dataclass(frozen=True, slots=True)
class TagScore:
    """Cross-validated figures of one trope: precision, recall, F1, works with the tag
    (support) and works the tagger gave it (predicted)."""

    trope: str
    precision: float
    recall: float
    f1: float
    support: int
    predicted: int


@dataclass(frozen=True, slots=True)
class CVReport:
    """What the tagger scored on works it had not seen (k-fold cross-validation)."""

    folds: int
    works: int
    micro_precision: float
    micro_recall: float
    micro_f1: float
    macro_f1: float | None
    per_tag: tuple[TagScore, ...] = ()
    not_learned: tuple[tuple[str, int], ...] = field(default=())  # (trope, support) below MIN_SUPPORT


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(gold: npt.NDArray[np.bool_], pred: npt.NDArray[np.bool_], labels: Sequence[str], folds: int) -> CVReport:
    """Micro/macro figures and per-trope precision/recall of ``pred`` against ``gold``.

    >>> g = np.array([[1, 0], [0, 1], [1, 1]], bool)
    >>> score(g, np.array([[1, 0], [1, 1], [0, 1]], bool), ["a", "b"], 3).micro_f1
    0.75
    """
    tp, fp, fn = (gold & pred).sum(0), (~gold & pred).sum(0), (gold & ~pred).sum(0)
    per = []
    for j, lab in enumerate(labels):
        p, r, f = _prf(int(tp[j]), int(fp[j]), int(fn[j]))
        per.append(TagScore(lab, round(p, 4), round(r, 4), round(f, 4), int(gold[:, j].sum()), int(pred[:, j].sum())))
    mp, mr, mf = _prf(int(tp.sum()), int(fp.sum()), int(fn.sum()))
    macro = [t.f1 for t in per if t.support]
    return CVReport(folds, int(gold.shape[0]), round(mp, 4), round(mr, 4), round(mf, 4),
                    round(float(np.mean(macro)), 4) if macro else None, tuple(sorted(per, key=lambda t: (-t.support, t.trope))))


# -- features ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Counted:
    words: list[Counter[str]]
    chars: list[Counter[str]]
    cues: npt.NDArray[np.float32]  # (works, cue tropes)


def _count(texts: Sequence[str], languages: Sequence[str], cue_tropes: Sequence[str], vocab: TropeVocabulary) -> _Counted:
    blocks = [block_counts(t) for t in texts]
    cues = np.stack([cue_features(t, lang, cue_tropes, vocab)[0] for t, lang in zip(texts, languages)]) if texts else np.zeros((0, len(cue_tropes)), np.float32)
    return _Counted([b[0] for b in blocks], [b[1] for b in blocks], cues)


def _vocabulary(counts: Sequence[Counter[str]], limit: int | None = None) -> Vocabulary:
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    kept = [t for t, n in df.items() if n >= _MIN_DF]
    if limit is not None and len(kept) > limit:
        kept = sorted(kept, key=lambda t: (-df[t], t))[:limit]
    kept.sort()
    n = len(counts)
    idf = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in kept], np.float32)
    return Vocabulary(tuple(kept), idf)


def _matrix(model_words: Vocabulary, model_chars: Vocabulary, counted: _Counted, rows: npt.NDArray[np.int64]) -> Any:  # a scipy CSR matrix
    from scipy.sparse import csr_matrix  # arrives with scikit-learn: training only

    indptr, cols, vals = [0], [], []
    offset = len(model_words.terms) + len(model_chars.terms)
    for i in rows.tolist():
        c1, v1 = model_words.vector(counted.words[i], 0)
        c2, v2 = model_chars.vector(counted.chars[i], len(model_words.terms))
        nz = np.flatnonzero(counted.cues[i])
        cols += c1 + c2 + [offset + int(j) for j in nz]
        vals += v1 + v2 + [tagger.CUE_WEIGHT * float(counted.cues[i, j]) for j in nz]
        indptr.append(len(cols))
    width = offset + counted.cues.shape[1]
    return csr_matrix((np.asarray(vals, np.float64), np.asarray(cols, np.int64), np.asarray(indptr, np.int64)), shape=(len(rows), width))


def _fit_models(counted: _Counted, gold: npt.NDArray[np.bool_], rows: npt.NDArray[np.int64]) -> tuple[Vocabulary, Vocabulary, npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    linear_model = require_sklearn()
    words = _vocabulary([counted.words[i] for i in rows])
    chars = _vocabulary([counted.chars[i] for i in rows], _MAX_CHARS)
    x = _matrix(words, chars, counted, rows)
    coef = np.zeros((gold.shape[1], x.shape[1]), np.float32)
    # A trope with no positive (or no negative) among these works is never predicted.
    intercept = np.full(gold.shape[1], -60.0, np.float32)
    y_all = gold[rows]
    for j in range(gold.shape[1]):
        y = y_all[:, j]
        if y.any() and not y.all():
            clf = linear_model.LogisticRegression(C=C, class_weight=CLASS_WEIGHT, solver="liblinear", dual=True, max_iter=2000)
            clf.fit(x, y)
            coef[j] = clf.coef_[0]
            intercept[j] = clf.intercept_[0]
    return words, chars, coef, intercept


def _probabilities(words: Vocabulary, chars: Vocabulary, coef: npt.NDArray[np.float32], intercept: npt.NDArray[np.float32], counted: _Counted, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    x = _matrix(words, chars, counted, rows)
    z = np.asarray(x @ coef.T.astype(np.float64)) + intercept
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -60.0, 60.0))), np.float64)


def _best_rule(probs: npt.NDArray[np.float64], gold: npt.NDArray[np.bool_]) -> tuple[float, int]:
    """The threshold (on a 0.05..0.95 grid) and the cap on tags per work (none, or 1..6) with
    the best micro-F1; ties go to no cap, then to the threshold nearest 0.5."""
    best: tuple[float, int] = (0.5, 0)
    best_key: tuple[float, bool, float] = (-1.0, False, 0.0)
    for cap in _CAPS:
        for t in _THRESHOLDS:
            pred = decide(probs, np.full(probs.shape[1], t, np.float32), cap)
            tp = int((pred & gold).sum())
            f1 = 2 * tp / max(2 * tp + int((pred & ~gold).sum()) + int((~pred & gold).sum()), 1)
            key = (round(f1, 9), cap == 0, -abs(float(t) - 0.5))
            if key > best_key:
                best, best_key = (float(t), cap), key
    return best


def _folds(n: int, k: int, seed: int) -> list[npt.NDArray[np.int64]]:
    order = np.random.default_rng(seed).permutation(n)
    return [np.sort(part) for part in np.array_split(order, k)]


def _f1(pred: npt.NDArray[np.bool_], gold: npt.NDArray[np.bool_]) -> float:
    tp = int((pred & gold).sum())
    return 2 * tp / max(2 * tp + int((pred & ~gold).sum()) + int((~pred & gold).sum()), 1)


def vocabulary_decisions(cues: npt.NDArray[np.float32], labels: Sequence[str], cue_tropes: Sequence[str]) -> npt.NDArray[np.bool_]:
    """Where the vocabulary alone tags each label (its confidence reaches ``tag_tropes``' default
    0.3), from the cue-feature columns ``cues`` (one per ``cue_tropes``).

    >>> vocabulary_decisions(np.array([[0.6, 0.1]], np.float32), ["b", "a", "x"], ["a", "b"]).tolist()
    [[False, True, False]]
    """
    out = np.zeros((cues.shape[0], len(labels)), bool)
    index = {t: i for i, t in enumerate(cue_tropes)}
    for j, lab in enumerate(labels):
        if lab in index:
            out[:, j] = cues[:, index[lab]] >= VOCABULARY_HIT
    return out


def _fit(counted: _Counted, gold: npt.NDArray[np.bool_], rows: npt.NDArray[np.int64], labels: tuple[str, ...],
         cue_tropes: tuple[str, ...], seed: int, min_support: int) -> TaggerModel:
    oof = np.zeros((len(rows), gold.shape[1]))
    k = max(2, min(_INNER, len(rows)))
    for part in _folds(len(rows), k, seed + 1):
        train = np.setdiff1d(np.arange(len(rows)), part)
        w, c, coef, b = _fit_models(counted, gold, rows[train])
        oof[part] = _probabilities(w, c, coef, b, counted, rows[part])
    g = gold[rows]
    threshold, cap = _best_rule(oof, g)
    # A trope is learned only where the learned rule beat the vocabulary on the inner folds'
    # held-out works (and has MIN_SUPPORT examples): elsewhere the vocabulary keeps tagging it.
    learned = decide(oof, np.full(len(labels), threshold, np.float32), cap)
    vocab = vocabulary_decisions(counted.cues[rows], labels, cue_tropes)
    keep = [j for j in range(len(labels)) if g[:, j].sum() >= min_support and _f1(learned[:, j], g[:, j]) >= _f1(vocab[:, j], g[:, j])]
    words, chars, coef, intercept = _fit_models(counted, gold[:, keep], rows)
    return TaggerModel(tuple(labels[j] for j in keep), words, chars, cue_tropes, coef, intercept, np.full(len(keep), threshold, np.float32), cap)


def _checked(texts: Sequence[str], languages: Sequence[str], gold: npt.NDArray[np.bool_], labels: Sequence[str], folds: int | None = None) -> None:
    if len(texts) != len(languages) or gold.shape != (len(texts), len(labels)):
        raise ConfigError(f"{len(texts)} texts, {len(languages)} languages and labels of shape {gold.shape} do not agree")
    if folds is not None and not 2 <= folds <= len(texts):
        raise ConfigError(f"folds must be within 2..{len(texts)} (the works), got {folds}")


def fit_tagger(texts: Sequence[str], languages: Sequence[str], gold: npt.NDArray[np.bool_], labels: Sequence[str], *,
               vocabulary: TropeVocabulary | None = None, seed: int = 0, min_support: int = MIN_SUPPORT) -> TaggerModel:
    """A tagger fitted on all of ``texts`` (``gold[i, j]``: text ``i`` carries ``labels[j]``);
    its ``labels`` are those it learned, the others stay with the vocabulary."""
    _checked(texts, languages, gold, labels)
    if len(texts) < 4:
        raise ConfigError(f"a tagger needs at least 4 tagged works, got {len(texts)}")
    vocab = vocabulary or load_vocabulary()
    counted = _count(texts, languages, vocab.ids, vocab)
    return _fit(counted, gold, np.arange(len(texts)), tuple(labels), vocab.ids, seed, min_support)


def out_of_fold(texts: Sequence[str], languages: Sequence[str], gold: npt.NDArray[np.bool_], labels: Sequence[str], *,
                folds: int = 5, seed: int = 0, vocabulary: TropeVocabulary | None = None,
                splits: Sequence[npt.NDArray[np.int64]] | None = None, min_support: int = MIN_SUPPORT) -> npt.NDArray[np.bool_]:
    """Each text's tags from a tagger fitted without it (k-fold; ``splits``, the test rows of
    each fold, when the caller fixes them, as the evaluation does to share folds with a baseline):
    the learned tags for the tropes it learned, the vocabulary's for the others, as a catalog
    tags its untagged works."""
    _checked(texts, languages, gold, labels, None if splits is not None else folds)
    vocab = vocabulary or load_vocabulary()
    counted = _count(texts, languages, vocab.ids, vocab)
    pred = np.zeros(gold.shape, bool)
    for part in splits if splits is not None else _folds(len(texts), folds, seed):
        train = np.setdiff1d(np.arange(len(texts)), part)
        model = _fit(counted, gold, train, tuple(labels), vocab.ids, seed, min_support)
        fold = vocabulary_decisions(counted.cues[part], labels, vocab.ids)
        if model.labels:
            probs = _probabilities(model.words, model.chars, model.coef, model.intercept, counted, part)
            fold[:, [list(labels).index(lab) for lab in model.labels]] = decide(probs, model.thresholds, model.cap)
        pred[part] = fold
    return pred


def cross_validate(texts: Sequence[str], languages: Sequence[str], gold: npt.NDArray[np.bool_], labels: Sequence[str], *,
                   folds: int = 5, seed: int = 0, vocabulary: TropeVocabulary | None = None, min_support: int = MIN_SUPPORT) -> CVReport:
    """k-fold figures of the tagger :func:`fit_tagger` would fit on these texts."""
    pred = out_of_fold(texts, languages, gold, labels, folds=folds, seed=seed, vocabulary=vocabulary, min_support=min_support)
    return score(gold, pred, labels, folds)
