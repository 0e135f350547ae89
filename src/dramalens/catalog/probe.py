"""What a query is compared by: the fingerprints of a catalog work, a parsed script or a text.

A :class:`Probe` holds the same fingerprints a stored work has. A catalog work's come from
the index (its text is read only when evidence needs it); a script's and a text's are computed
the way the importer computes them (:mod:`.documents`, :mod:`.fingerprint`), so a script
compared with itself in the catalog scores 1.0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..analysis.tropes import TropeHit
from ..errors import ConfigError, NotFoundError
from ..model import Script
from .documents import script_document, text_document
from .embed import catalog_embedder
from .fingerprint import fingerprint
from .lexical import LEXICAL_CHARS, LexicalRow, catalog_lexical, lexical_row
from .minhash import MinHasher
from .records import Document, Work
from .store import Catalog, embedding_text
from .tagger import tagger_text
from .tagger_catalog import learned_tropes, stored_tagger

__all__ = ["Probe", "probe_script", "probe_text", "probe_work"]


@dataclass(slots=True)
class Probe:
    """One side of a comparison: its fingerprints, and its text for the evidence.

    ``row`` is its row in the catalog index when it is a catalog work (left out of its own
    results); ``lines`` its text as lines (None until read, for a catalog work: see
    :meth:`load_text`).
    """

    signature: np.ndarray
    keys: np.ndarray
    embedding: np.ndarray | None
    tropes: tuple[TropeHit, ...]
    functions: tuple[str, ...]
    language: str
    title: str = ""
    row: int | None = None
    lines: tuple[str, ...] | None = None
    names: tuple[str, ...] = ()
    work_id: str | None = None
    shingles: int = 0  # behind ``signature``: below ranking.MIN_SHINGLES it matches nothing
    lexical: LexicalRow | None = None  # the text's term counts (a catalog work: its row instead)
    lexical_row: int | None = None  # a catalog work's row in the lexical index
    script: bool = False  # a full script (not a synopsis or a text only)

    def load_text(self, catalog: Catalog) -> None:
        """Read a catalog work's text and names (once), for shared-passage evidence."""
        if self.work_id is not None and self.lines is None:
            rec = catalog.get(self.work_id)
            self.lines = tuple(rec.text.split("\n")) if rec.text is not None else None
            self.names = rec.work.names
            self.work_id = None


def probe_work(catalog: Catalog, work_id: str) -> Probe:
    """The fingerprints of the catalog work ``work_id``.

    >>> probe_work(Catalog("sqlite://"), "nope")
    Traceback (most recent call last):
    ...
    dramalens.errors.NotFoundError: no work 'nope' in the catalog — see `dramalens catalog list`
    """
    index = catalog.index()
    row = index.position.get(work_id)
    if row is None:
        raise NotFoundError(f"no work {work_id!r} in the catalog", hint="see `dramalens catalog list`")
    emb = index.embeddings[row] if index.has_embedding.size and index.has_embedding[row] else None
    lexical = catalog_lexical(catalog)
    lex_row = None if lexical is None else lexical.ids.index(work_id) if work_id in lexical.ids else None
    return Probe(index.signatures[row], index.passage_keys[row], emb, index.tropes[row], index.functions[row],
                 index.languages[row], index.titles[row], row, None, (), work_id if index.has_text[row] else None,
                 shingles=int(index.shingles[row]), lexical=LexicalRow(np.zeros(0, np.int32), np.zeros(0, np.float32)) if lex_row is not None else None,
                 lexical_row=lex_row, script=bool(index.has_text[row]))


def probe_script(catalog: Catalog, script: Script) -> Probe:
    """The fingerprints of a parsed script, computed as the importer would.

    >>> from dramalens.parsing import parse_text
    >>> probe_script(Catalog("sqlite://"), parse_text("INT. HOUSE - DAY\\n\\nBOB\\nHi.")).language
    'en'
    """
    return probe_document(catalog, script_document(script, Work("<script>", language="", source=script.source)), script=True)


def probe_text(catalog: Catalog, text: str, language: str | None = None) -> Probe:
    """The fingerprints of a plain text (a synopsis, an outline); ``language`` (``zh``/``en``)
    is identified from the text unless given.

    >>> probe_text(Catalog("sqlite://"), "重生回到十八岁，她发誓复仇。").language
    'zh'
    """
    if not text.strip():
        raise ConfigError("the text is empty", hint="give a synopsis, an outline or a script's text")
    if language not in (None, "zh", "en"):
        raise ConfigError(f"language must be zh or en, got {language!r}")
    return probe_document(catalog, text_document(text, language))


def probe_document(catalog: Catalog, doc: Document, *, script: bool = False) -> Probe:
    """The fingerprints of any document (what :func:`probe_script` and :func:`probe_text` share)."""
    rec = fingerprint(doc, MinHasher())
    embedder = catalog_embedder(catalog)
    emb = None
    if embedder is not None:
        emb = embedder.embed([embedding_text(doc.work.title, doc.work.synopsis, rec.text)], [doc.work.language])[0]
    functions = rec.skeleton.functions if rec.skeleton is not None else ()
    body = "\n".join(x for x in (doc.work.title, doc.work.synopsis, (rec.text or "")[:LEXICAL_CHARS]) if x)
    # Untagged, as submissions are: the catalog's learned tagger speaks for the tropes it learned,
    # as it did for the catalog's own untagged works (tagger_catalog.apply_tagger).
    tropes = rec.tropes if doc.work.tags else learned_tropes(
        stored_tagger(catalog), tagger_text(doc.work.title, doc.work.synopsis, rec.text), doc.work.language, rec.tropes)
    return Probe(np.frombuffer(rec.minhash, np.uint32), np.frombuffer(rec.passages, np.uint32), emb, tropes,
                 functions, doc.work.language, doc.work.title, None, doc.lines, doc.work.names,
                 shingles=rec.shingles, lexical=lexical_row(body, doc.work.language), script=script)
