"""A catalog's trope tagger in use: trained from the catalog's tagged works, kept with the
catalog, applied to its untagged works and to what is compared with it.

* :func:`train_catalog_tagger` (``dramalens catalog tagger train``): labels are the tropes each
  work's platform tags name (through the vocabulary's ids, labels and aliases, zh and en); tropes
  with fewer than :data:`~.tagger_train.MIN_SUPPORT` tagged works are not learned and stay with
  the vocabulary. It cross-validates first (the figures shown to the user), then fits on every
  tagged work, stores the model and retags the works without tags.
* :func:`stored_tagger` reads the model back (NumPy only; no scikit-learn needed to tag).
* :func:`learned_tropes` is what a work or a submission without tags gets: the learned tags for
  the tropes the catalog taught, the vocabulary's hits for the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ..analysis.tropes import TropeHit, TropeVocabulary, load_vocabulary, tag_tropes, tropes_named_by
from ..errors import ConfigError
from ..model import Script
from ..parsing import parse
from ..text import identify_language
from .store import Catalog
from .tagger import MODEL_NAME, TAGGER_CHARS, LearnedTag, TaggerModel, merge_hits, tagger_text
from .tagger_train import MIN_SUPPORT, CVReport, cross_validate, fit_tagger, require_sklearn

__all__ = ["TaggedText", "TaggerReport", "apply_tagger", "learned_tropes", "script_tropes_in", "stored_tagger", "tag_input", "tag_text",
           "train_catalog_tagger"]


@dataclass(frozen=True, slots=True)
class TaggerReport:
    """What ``catalog tagger train`` did: the works it learned from, the tropes it learned (the
    cross-validated figures cover these and the tropes it left to the vocabulary),
    its cross-validated figures, the decision rule it chose (threshold, cap on tags per work)
    and how many untagged works it retagged."""

    works: int
    tagged_works: int
    labels: tuple[str, ...]
    threshold: float
    cv: CVReport
    retagged: int
    not_learned: tuple[tuple[str, int], ...] = ()  # (trope, tagged works) below MIN_SUPPORT
    trained_at: str = ""
    cap: int = 0  # at most this many learned tags per work (0: no cap)
    vocabulary_kept: tuple[str, ...] = ()  # tagged often enough, but the vocabulary did better on held-out works


@dataclass(frozen=True, slots=True)
class TaggedText:
    """A text's tropes: the learned tags (with the words behind them) and the vocabulary's hits
    for the tropes the catalog did not teach; ``model`` says whether a catalog tagger was used."""

    learned: tuple[LearnedTag, ...]
    vocabulary: tuple[TropeHit, ...]
    model: bool


def train_catalog_tagger(catalog: Catalog, *, folds: int = 5, seed: int = 0, min_support: int = MIN_SUPPORT,
                         vocabulary: TropeVocabulary | None = None, apply: bool = True) -> TaggerReport:
    """Cross-validate, fit and store the catalog's tagger; retag its untagged works (``apply``)."""
    require_sklearn()  # before reading the catalog: a missing extra fails at once
    if min_support < 2:
        raise ConfigError(f"min_support must be ≥ 2, got {min_support}")
    vocab = vocabulary or load_vocabulary()
    rows = catalog.texts_for_tagger(TAGGER_CHARS)
    named = [tropes_named_by(tags, vocab) for _id, _text, _lang, tags, _tropes in rows]
    tagged = [i for i, n in enumerate(named) if n]
    support = {t: sum(1 for i in tagged if t in named[i]) for t in vocab.ids}
    labels = tuple(t for t in vocab.ids if support[t] >= min_support)
    not_learned = tuple((t, n) for t, n in support.items() if 0 < n < min_support)
    if not labels or len(tagged) < 2 * folds:
        raise ConfigError(f"the catalog has {len(tagged)} works whose tags name a trope and {len(labels)} tropes with ≥ {min_support} of them",
                          hint=f"a tagger needs tags on at least {2 * folds} works (2 per fold) and one trope tagged {min_support} times; "
                               "import metadata with a tags column (platform tags such as 'Billionaire' or '霸总')")
    texts = [rows[i][1] for i in tagged]
    langs = [rows[i][2] for i in tagged]
    gold = np.array([[lab in named[i] for lab in labels] for i in tagged], bool).reshape(len(tagged), len(labels))
    cv = cross_validate(texts, langs, gold, labels, folds=folds, seed=seed, vocabulary=vocab, min_support=min_support)
    model = fit_tagger(texts, langs, gold, labels, vocabulary=vocab, seed=seed, min_support=min_support)
    trained_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    threshold = float(model.thresholds[0]) if model.labels else 0.5
    kept = tuple(lab for lab in labels if lab not in model.labels)
    catalog.set_model(MODEL_NAME, model.to_bytes(), {"labels": list(model.labels), "vocabulary": list(kept), "threshold": threshold,
                                                     "cap": model.cap, "works": len(tagged), "folds": folds, "micro_f1": cv.micro_f1, "trained_at": trained_at})
    retagged = apply_tagger(catalog, model, vocabulary=vocab) if apply else 0
    return TaggerReport(len(rows), len(tagged), model.labels, threshold, cv, retagged, not_learned, trained_at, model.cap, kept)


def stored_tagger(catalog: Catalog) -> TaggerModel | None:
    """The catalog's tagger, or None before ``catalog tagger train`` (kept until the next write)."""
    def load() -> _Loaded:
        stored = catalog.get_model(MODEL_NAME)
        return _Loaded(TaggerModel.from_bytes(stored[0]) if stored is not None and stored[0] else None)

    return catalog.cached("tagger", _Loaded, load).model


@dataclass(frozen=True, slots=True)
class _Loaded:  # a cache slot that can hold "no model"
    model: TaggerModel | None


def learned_tropes(model: TaggerModel | None, text: str, language: str, vocab_hits: Sequence[TropeHit], *,
                   vocabulary: TropeVocabulary | None = None) -> tuple[TropeHit, ...]:
    """The tropes a text without platform tags is stored or compared with: the vocabulary's
    ``vocab_hits`` alone without a model, else :func:`~.tagger.merge_hits`."""
    if model is None:
        return tuple(vocab_hits)
    return merge_hits(vocab_hits, model.tag(text, language, vocabulary=vocabulary), model.labels)


def apply_tagger(catalog: Catalog, model: TaggerModel | None = None, *, vocabulary: TropeVocabulary | None = None) -> int:
    """Retag every work without platform tags with the catalog's tagger; returns how many.

    >>> apply_tagger(Catalog("sqlite://"))
    Traceback (most recent call last):
    ...
    dramalens.errors.ConfigError: the catalog has no trope tagger yet — run `dramalens catalog tagger train` first
    """
    model = model or stored_tagger(catalog)
    if model is None:
        raise ConfigError("the catalog has no trope tagger yet", hint="run `dramalens catalog tagger train` first")
    vocab = vocabulary or load_vocabulary()
    changes = []
    for work_id, text, lang, tags, stored in catalog.texts_for_tagger(TAGGER_CHARS):
        if tags:
            continue
        # The stored hits are the vocabulary's (from the whole script, at import) plus, after an
        # earlier run, learned ones: merge_hits replaces every trope the model learned, so a
        # second run gives the same tropes as the first.
        new = tuple(TropeHit(h.trope, h.label_zh, h.label_en, h.confidence) for h in learned_tropes(model, text, lang, stored, vocabulary=vocab))
        if new != stored:
            changes.append((work_id, new))
    if changes:
        catalog.set_tropes(changes)
    return len(changes)


def tag_text(catalog: Catalog, text: str, language: str, *, vocabulary: TropeVocabulary | None = None) -> TaggedText:
    """A text's tropes as the catalog sees them (``dramalens catalog tagger tag``)."""
    if not text.strip():
        raise ConfigError("the text is empty", hint="give a synopsis, an outline or a script")
    lang = language if language in ("zh", "en") else "en"
    vocab = vocabulary or load_vocabulary()
    model = stored_tagger(catalog)
    hits = tag_tropes(text, language=lang, vocabulary=vocab)
    if model is None:
        return TaggedText((), tuple(hits), False)
    taught = set(model.labels)
    return TaggedText(model.tag(text, lang, vocabulary=vocab), tuple(h for h in hits if h.trope not in taught), True)


def tag_input(catalog: Catalog, path: str | Path | None, text: str | None) -> TaggedText:
    """:func:`tag_text` of a script file (its title and the opening of its text) or of ``text``.

    >>> tag_input(Catalog("sqlite://"), None, None)
    Traceback (most recent call last):
    ...
    dramalens.errors.ConfigError: give a file or --text, not both or neither
    """
    if (path is None) == (text is None):
        raise ConfigError("give a file or --text, not both or neither")
    if text is not None:
        return tag_text(catalog, text, identify_language(text))
    script = parse(Path(path or ""))
    return tag_text(catalog, tagger_text(script.title or "", "", script.text), script.language)


def script_tropes_in(catalog: Catalog | None, script: Script, hits: Sequence[TropeHit]) -> tuple[TropeHit, ...]:
    """A submitted script's tropes as ``catalog`` sees them: the vocabulary's ``hits`` (from its
    analysis) with the catalog's learned tags for the tropes it learned; ``hits`` as they are
    without a catalog or before its tagger is trained.

    >>> script_tropes_in(None, Script(title="T"), [TropeHit("ceo", "霸道总裁", "billionaire CEO", 0.6)])[0].trope
    'ceo'
    """
    if catalog is None:
        return tuple(hits)
    text = tagger_text(script.title or "", "", script.text)
    return learned_tropes(stored_tagger(catalog), text, script.language, hits)
