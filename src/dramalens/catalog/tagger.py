"""A catalog's own trope tagger: what its platform tags mean, learned from its tagged works.

The vocabulary (:mod:`dramalens.analysis.tropes`) tags any text from cue words: the cold start.
Once a catalog's works carry platform tags, ``dramalens catalog tagger train`` fits one
logistic regression per trope (:mod:`.tagger_train`) over three feature blocks of the work's
title, synopsis and opening text:

* word 1-2-grams (English words; Chinese: single Han characters and their pairs), TF-IDF with
  sublinear term frequency, L2-normalised;
* character 2-5-grams within words (spelling variants, Chinese words the segmenter would split),
  TF-IDF, L2-normalised;
* the vocabulary's confidence for every trope (its cue words), so a cue that names a trope
  outright is evidence even when the catalog has few works with that tag.

This module holds the fitted model and everything tagging needs, in NumPy alone: the model is
stored in the catalog database as an ``.npz`` of plain arrays (read with
``allow_pickle=False``: loading a model never runs code), so tagging works without the
training extra. A learned tag shows the words that pushed it over its threshold and the
vocabulary's cue words for it: the explanation a reader can check.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..analysis.tropes import TropeHit, TropeVocabulary, load_vocabulary, tag_tropes
from ..errors import ConfigError
from ..text import HAN_CLASS, to_simplified

__all__ = ["CUE_WEIGHT", "MODEL_NAME", "TAGGER_CHARS", "LearnedTag", "TaggerModel", "Vocabulary", "block_counts", "cue_features", "decide", "merge_hits", "tagger_text"]

#: The catalog_models row the tagger is kept under.
MODEL_NAME = "tagger"
#: Characters of a work's script text that go into its features (after title and synopsis):
#: the model learns from synopses, and a whole script would drown them.
TAGGER_CHARS = 4000
# Han characters one by one (their pairs come from the bigrams); other words of two or more
# letters, so a possessive "king's" counts as "king".
_TOKEN = re.compile(rf"[{HAN_CLASS}]|[a-z0-9]{{2,}}")
_CHUNK = re.compile(rf"[{HAN_CLASS}]+|[a-z0-9]+")
_FORMAT = 1  # bumped when the stored arrays change meaning
#: The scale of the vocabulary-confidence features against the L2-normalised TF-IDF blocks.
CUE_WEIGHT = 1.0


def tagger_text(title: str, synopsis: str, text: str | None) -> str:
    """What a work is tagged from: its title, synopsis and the first :data:`TAGGER_CHARS`
    characters of its script.

    >>> tagger_text("Rain", "", "INT. HOUSE")
    'Rain\\nINT. HOUSE'
    """
    return "\n".join(x for x in (title, synopsis, (text or "")[:TAGGER_CHARS]) if x)


def _normal(text: str) -> str:
    return to_simplified(text).lower()


def block_counts(text: str) -> tuple[Counter[str], Counter[str]]:
    """The word 1-2-gram and character 2-5-gram counts of ``text`` (lower-cased, simplified).

    >>> words, chars = block_counts("Alpha wolf")
    >>> sorted(words)
    ['alpha', 'alpha wolf', 'wolf']
    >>> sorted(chars)[:3]
    [' a', ' al', ' alp']
    """
    norm = _normal(text)
    tokens = _TOKEN.findall(norm)
    words: Counter[str] = Counter(tokens)
    words.update(f"{a} {b}" for a, b in zip(tokens, tokens[1:]))
    chars: Counter[str] = Counter()
    for chunk in _CHUNK.findall(norm):
        padded = f" {chunk} "
        for n in range(2, 6):
            chars.update(padded[i : i + n] for i in range(len(padded) - n + 1))
    return words, chars


def cue_features(text: str, language: str, trope_ids: Sequence[str], vocabulary: TropeVocabulary | None = None) -> tuple[npt.NDArray[np.float32], dict[str, tuple[str, ...]]]:
    """The vocabulary's confidence for each of ``trope_ids`` (0 where no cue is found) and the
    cue words found per trope.

    >>> conf, cues = cue_features("She was reborn to take revenge.", "en", ["rebirth", "ceo"])
    >>> [round(float(c), 2) for c in conf], cues["rebirth"]
    ([0.63, 0.0], ('reborn',))
    """
    lang = language if language in ("zh", "en") else "en"
    hits = {h.trope: h for h in tag_tropes(text, language=lang, vocabulary=vocabulary, min_confidence=0.0)}
    conf = np.array([hits[t].confidence if t in hits else 0.0 for t in trope_ids], np.float32)
    return conf, {t: hits[t].cues for t in trope_ids if t in hits}


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The terms of one TF-IDF block and their inverse document frequencies."""

    terms: tuple[str, ...]
    idf: npt.NDArray[np.float32]

    def vector(self, counts: Counter[str], offset: int) -> tuple[list[int], list[float]]:
        """(column, value) of the L2-normalised sublinear TF-IDF row of ``counts``."""
        index = self.position
        cols: list[int] = []
        vals: list[float] = []
        for term, n in counts.items():
            j = index.get(term)
            if j is not None:
                cols.append(offset + j)
                vals.append((1.0 + math.log(n)) * float(self.idf[j]))
        norm = math.sqrt(sum(v * v for v in vals))
        return cols, [v / norm for v in vals] if norm else vals

    @property
    def position(self) -> dict[str, int]:
        cached = _POSITIONS.get(id(self))
        if cached is None or cached[0] is not self:
            if len(_POSITIONS) > 16:
                _POSITIONS.clear()
            cached = _POSITIONS[id(self)] = (self, {t: i for i, t in enumerate(self.terms)})
        return cached[1]


# Term → column maps by vocabulary identity (a frozen dataclass cannot cache on itself).
_POSITIONS: dict[int, tuple[Vocabulary, dict[str, int]]] = {}


@dataclass(frozen=True, slots=True)
class LearnedTag:
    """A trope the catalog's tagger gives a text: its probability, the threshold it passed,
    the words that weighed most for it and the vocabulary's cue words for it."""

    trope: str
    label_zh: str
    label_en: str
    probability: float
    threshold: float
    features: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TaggerModel:
    """A fitted tagger: per trope a weight per feature, an intercept and a decision threshold;
    at most ``cap`` tags per text (the most probable of those over their thresholds).

    Features are ``words.terms`` then ``chars.terms`` then one column per ``cue_tropes``
    (the vocabulary's confidence for that trope).
    """

    labels: tuple[str, ...]
    words: Vocabulary
    chars: Vocabulary
    cue_tropes: tuple[str, ...]
    coef: npt.NDArray[np.float32]  # (labels, features)
    intercept: npt.NDArray[np.float32]  # (labels,)
    thresholds: npt.NDArray[np.float32]  # (labels,)
    cap: int = 0  # at most this many tags per text, the most probable (0: no cap)

    @property
    def width(self) -> int:
        return len(self.words.terms) + len(self.chars.terms) + len(self.cue_tropes)

    def features(self, text: str, language: str, vocabulary: TropeVocabulary | None = None) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32], dict[str, tuple[str, ...]]]:
        """The sparse feature row of ``text`` (columns, values) and the cue words found per trope."""
        words, chars = block_counts(text)
        c1, v1 = self.words.vector(words, 0)
        c2, v2 = self.chars.vector(chars, len(self.words.terms))
        conf, cues = cue_features(text, language, self.cue_tropes, vocabulary)
        base = len(self.words.terms) + len(self.chars.terms)
        nz = np.flatnonzero(conf)
        cols = np.asarray(c1 + c2 + [base + int(j) for j in nz], np.int64)
        vals = np.asarray(v1 + v2 + [CUE_WEIGHT * float(conf[j]) for j in nz], np.float32)
        return cols, vals, cues

    def probabilities(self, text: str, language: str, vocabulary: TropeVocabulary | None = None) -> npt.NDArray[np.float64]:
        """P(trope | text) for every label, in ``labels`` order.

        >>> m = TaggerModel.empty(("ceo",))
        >>> m.probabilities("anything", "en").tolist()
        [0.5]
        """
        cols, vals, _ = self.features(text, language, vocabulary)
        return _sigmoid(self.coef[:, cols].astype(np.float64) @ vals.astype(np.float64) + self.intercept)

    def decide(self, probs: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
        """Which labels ``probs`` (one row per text, or one text) give: over the threshold and
        among the ``cap`` most probable.

        >>> m = TaggerModel.empty(("a", "b", "c"))
        >>> m.decide(np.array([0.9, 0.2, 0.6])).tolist()
        [True, False, True]
        """
        return decide(np.atleast_2d(probs), self.thresholds, self.cap).reshape(np.shape(probs))

    def tag(self, text: str, language: str, *, vocabulary: TropeVocabulary | None = None, top: int = 5) -> tuple[LearnedTag, ...]:
        """The tropes whose probability reaches their threshold, most probable first, each with
        the ``top`` words that weighed most for it and its cue words."""
        vocab = vocabulary or load_vocabulary()
        cols, vals, cues = self.features(text, language, vocab)
        scores = self.coef[:, cols].astype(np.float64) * vals.astype(np.float64)
        probs = _sigmoid(scores.sum(axis=1) + self.intercept)
        names = self.words.terms + self.chars.terms + tuple(f"cue:{t}" for t in self.cue_tropes)
        known = {t.id: t for t in vocab.tropes}
        out = []
        # The explanation names words and cue hits; character n-grams weigh in but read as noise.
        readable = (cols < len(self.words.terms)) | (cols >= len(self.words.terms) + len(self.chars.terms))
        for j in np.flatnonzero(self.decide(probs)):
            lab = self.labels[j]
            order = np.argsort(-np.where(readable, scores[j], -np.inf), kind="stable")[:top]
            feats = tuple(names[int(cols[i])] for i in order if readable[i] and scores[j, i] > 0)
            t = known.get(lab)
            out.append(LearnedTag(lab, t.label_zh if t else lab, t.label_en if t else lab, round(float(probs[j]), 4),
                                  round(float(self.thresholds[j]), 4), feats, cues.get(lab, ())))
        out.sort(key=lambda h: (-h.probability, h.trope))
        return tuple(out)

    @classmethod
    def empty(cls, labels: tuple[str, ...]) -> TaggerModel:
        """A model with no features (every probability 0.5): for tests and doctests."""
        n = len(labels)
        none = Vocabulary((), np.zeros(0, np.float32))
        return cls(labels, none, none, (), np.zeros((n, 0), np.float32), np.zeros(n, np.float32), np.full(n, 0.5, np.float32))

    # -- storage -------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        """The model as an ``.npz`` of numeric and string arrays (no pickled objects)."""
        buf = io.BytesIO()
        np.savez_compressed(
            buf, format=np.array([_FORMAT], np.int32), labels=np.array(self.labels, dtype=str),
            word_terms=np.array(self.words.terms, dtype=str), word_idf=self.words.idf,
            char_terms=np.array(self.chars.terms, dtype=str), char_idf=self.chars.idf,
            cue_tropes=np.array(self.cue_tropes, dtype=str), coef=self.coef, intercept=self.intercept, thresholds=self.thresholds,
            cap=np.array([self.cap], np.int32),
        )
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> TaggerModel:
        """A model stored by :meth:`to_bytes`; anything else is a :class:`ConfigError`.

        >>> m = TaggerModel.empty(("ceo", "revenge"))
        >>> TaggerModel.from_bytes(m.to_bytes()).labels
        ('ceo', 'revenge')
        >>> TaggerModel.from_bytes(b"junk")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        dramalens.errors.ConfigError: the stored trope tagger cannot be read (...) — run `dramalens catalog tagger train` again
        """
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as z:
                if int(z["format"][0]) != _FORMAT:
                    raise ValueError(f"format {int(z['format'][0])}, expected {_FORMAT}")
                labels = tuple(str(x) for x in z["labels"])
                model = cls(
                    labels,
                    Vocabulary(tuple(str(x) for x in z["word_terms"]), z["word_idf"].astype(np.float32)),
                    Vocabulary(tuple(str(x) for x in z["char_terms"]), z["char_idf"].astype(np.float32)),
                    tuple(str(x) for x in z["cue_tropes"]),
                    z["coef"].astype(np.float32), z["intercept"].astype(np.float32), z["thresholds"].astype(np.float32),
                    int(z["cap"][0]),
                )
        except (ValueError, KeyError, OSError, EOFError, zipfile.BadZipFile) as exc:
            raise ConfigError(f"the stored trope tagger cannot be read ({type(exc).__name__})",
                              hint="run `dramalens catalog tagger train` again") from exc
        if model.coef.shape != (len(labels), model.width) or model.intercept.shape != (len(labels),) or model.thresholds.shape != (len(labels),):
            raise ConfigError("the stored trope tagger is inconsistent (array shapes)", hint="run `dramalens catalog tagger train` again")
        return model


def decide(probs: npt.NDArray[np.float64], thresholds: npt.NDArray[np.float32], cap: int) -> npt.NDArray[np.bool_]:
    """Per row, the labels over their threshold, keeping the ``cap`` most probable (0: all).

    >>> decide(np.array([[0.9, 0.8, 0.7], [0.1, 0.6, 0.2]]), np.full(3, 0.5, np.float32), 2).tolist()
    [[True, True, False], [False, True, False]]
    """
    over = probs >= thresholds
    if cap <= 0 or probs.shape[1] <= cap:
        return np.asarray(over, bool)
    rank = np.argsort(np.argsort(-probs, axis=1, kind="stable"), axis=1, kind="stable")
    return np.asarray(over & (rank < cap), bool)


def _sigmoid(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(x, -60.0, 60.0))), np.float64)


def merge_hits(vocab_hits: Sequence[TropeHit], learned: Sequence[LearnedTag], learned_labels: Sequence[str]) -> tuple[TropeHit, ...]:
    """A work's tropes once the catalog's tagger has spoken: the learned tags for the tropes it
    learned, the vocabulary's hits for the others (the cold start), most confident first.

    >>> merge_hits([TropeHit("ceo", "霸道总裁", "billionaire CEO", 0.6), TropeHit("rebirth", "重生", "rebirth", 0.7)],
    ...            [LearnedTag("revenge", "复仇", "revenge", 0.4, 0.3)], ["ceo", "revenge"])
    (TropeHit(trope='rebirth', label_zh='重生', label_en='rebirth', confidence=0.7, cues=()), TropeHit(trope='revenge', label_zh='复仇', label_en='revenge', confidence=0.4, cues=()))
    """
    learned_set = set(learned_labels)
    hits = [h for h in vocab_hits if h.trope not in learned_set]
    hits += [TropeHit(t.trope, t.label_zh, t.label_en, t.probability, t.cues) for t in learned]
    hits.sort(key=lambda h: (-h.confidence, h.trope))
    return tuple(hits)


