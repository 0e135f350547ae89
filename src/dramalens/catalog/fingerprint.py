"""A document's fingerprints: MinHash signature, passage prints, tropes, plot skeleton.

One function, :func:`fingerprint_batch`, serves the single-machine import, the Dask workers
and the queries, so a work is fingerprinted the same way wherever it is computed. Everything
is seeded (never Python's per-process ``hash``). The embedding is not here: it is fitted on
the whole catalog (:mod:`.embed`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

from ..analysis.skeleton import Skeleton, skeleton_from_text
from ..analysis.tropes import TropeHit, infer_track, tag_tropes
from .minhash import MinHasher, passage_prints
from .records import Document, WorkRecord
from .shingles import Shingled, shingle_lines_multi

__all__ = ["PASSAGE_RATE", "PASSAGE_SHINGLES", "content_hash", "fingerprint", "fingerprint_batch", "fingerprint_text"]

#: (MinHash shingle size, passage shingle size) per language, and the passage sampling rate.
PASSAGE_SHINGLES = {"zh": (5, 12), "en": (3, 8)}
PASSAGE_RATE = {"zh": 8, "en": 4}


def fingerprint(doc: Document, hasher: MinHasher | None = None, *, semantic: bool = True) -> WorkRecord:
    """Compute a document's fingerprints (MinHash, passage keys, tropes, skeleton).

    >>> from .records import Work
    >>> r = fingerprint(Document(Work("w1", "T", "en", synopsis="A maid marries the heir.")))
    >>> len(r.minhash)  # 128 uint32 values
    512
    """
    return _fingerprints([doc], hasher or MinHasher(), semantic)[0]


def fingerprint_batch(docs: list[Document], seed: int = 1, semantic: bool = True) -> list[WorkRecord]:
    """Fingerprints of many documents (one MinHash kernel call for all): the one function the
    local and the Dask paths both map.

    >>> from .records import Work
    >>> [r.work.id for r in fingerprint_batch([Document(Work("a", "A", "en")), Document(Work("b", "B", "en"))])]
    ['a', 'b']
    """
    return _fingerprints(list(docs), MinHasher(128, seed=seed), semantic)


def fingerprint_text(doc: Document) -> list[str]:
    """The lines a document is shingled from: its content, or its title and synopsis.

    >>> from .records import Work
    >>> fingerprint_text(Document(Work("a", "Rain", "en", synopsis="One.\\nTwo.")))
    ['Rain', 'One.', 'Two.']
    """
    if doc.lines is not None:
        return list(doc.lines)
    return [doc.work.title, *doc.work.synopsis.split("\n")]


def _fingerprints(docs: list[Document], hasher: MinHasher, semantic: bool) -> list[WorkRecord]:
    shingled = [
        shingle_lines_multi(fingerprint_text(doc), doc.work.language, ks=PASSAGE_SHINGLES[doc.work.language], names=doc.work.names)
        for doc in docs
    ]
    signatures = hasher.signatures([short.ids for short, _long in shingled])
    return [_record(doc, short, long, signature.tobytes(), semantic) for doc, (short, long), signature in zip(docs, shingled, signatures)]


def _record(doc: Document, short: Shingled, long: Shingled, signature: bytes, semantic: bool) -> WorkRecord:
    prints = passage_prints(long, PASSAGE_RATE[doc.work.language])
    text = "\n".join(doc.lines) if doc.lines is not None else None
    work = doc.work
    tropes: tuple[TropeHit, ...] = ()
    skeleton = None
    if semantic:
        tropes, skeleton, track = _semantic(doc, text)
        if track != work.track:
            work = replace(work, track=track)
    return WorkRecord(
        work=work, content_hash=doc.content_hash or content_hash(doc), minhash=signature,
        passages=prints.ids.tobytes(), passage_lines=prints.lines.tobytes(), shingles=len(short),
        text=text, tropes=tropes, skeleton=skeleton,
    )


def _semantic(doc: Document, text: str | None) -> tuple[tuple[TropeHit, ...], Skeleton, str | None]:
    """Tropes (without their cues), the plot skeleton (functions only) and the track, from the
    title, the synopsis and the content."""
    work = doc.work
    body = "\n".join(x for x in (work.title, work.synopsis, text or "") if x)
    hits = tag_tropes(body, language=work.language, tags=work.tags)
    tropes = tuple(TropeHit(h.trope, h.label_zh, h.label_en, round(float(h.confidence), 4)) for h in hits)
    track = work.track or infer_track(hits, body, work.language) or None
    # The steps (where each function happens) are large and never compared: not kept.
    sk = skeleton_from_text(body, work.language)
    return tropes, Skeleton(sk.functions, (), sk.roles, sk.language), track


def content_hash(doc: Document) -> str:
    """A hash of everything that goes into a document's fingerprints: its metadata and content.

    An import skips a work whose hash is unchanged.

    >>> from .records import Work
    >>> content_hash(Document(Work("a"))) == content_hash(Document(Work("a", "T")))
    False
    """
    w = doc.work
    meta = [w.id, w.title, w.language, w.synopsis, list(w.tags), w.episodes, w.format, w.track,
            w.release_date.isoformat() if w.release_date else None, [[p.isoformat(), n] for p, n in w.plays], list(w.names)]
    h = hashlib.sha256()
    h.update(json.dumps(meta, ensure_ascii=False).encode("utf-8"))
    h.update(b"\x00" if doc.lines is None else b"\x01")
    h.update("\n".join(doc.lines or ()).encode("utf-8"))
    return h.hexdigest()
