"""The catalog's records: a work's metadata (:class:`Work`), what the fingerprinter reads
(:class:`Document`) and what the store keeps (:class:`WorkRecord`).

The metadata is one record nested in the other two, so a field is declared once and moves
from a catalogue row to the fingerprinter to the database without being copied by hand.

>>> doc = Document(Work("w1", "Rain", "en", synopsis="A maid marries the heir."))
>>> doc.work.title, doc.lines is None
('Rain', True)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..analysis.skeleton import Skeleton
from ..analysis.tropes import TropeHit

__all__ = ["Document", "Work", "WorkRecord"]


@dataclass(frozen=True, slots=True)
class Work:
    """What the catalog knows about a work besides its text and fingerprints.

    ``language`` is ``zh`` or ``en`` (the shingling rules); a metadata row that does not say
    leaves it ``""`` until the importer has read the script or the synopsis. ``names`` are the
    characters' names and aliases (masked in the text that is compared); ``plays`` are
    (period, plays) points in date order.
    """

    id: str
    title: str = ""
    language: str = "zh"
    synopsis: str = ""
    tags: tuple[str, ...] = ()
    episodes: int | None = None
    format: str | None = None
    track: str | None = None
    release_date: date | None = None
    source: str | None = None
    names: tuple[str, ...] = ()
    plays: tuple[tuple[date, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    """What the fingerprinter reads about one work (plain data, so Dask can ship it).

    ``lines`` is the content of the script, one line per element of the model (see
    :func:`~.documents.content_lines`), or None for a work known only by its metadata, which is
    fingerprinted from its title and synopsis. ``content_hash`` is filled by the importer.
    """

    work: Work
    lines: tuple[str, ...] | None = None
    content_hash: str = ""


@dataclass(frozen=True, slots=True)
class WorkRecord:
    """One work as stored: its metadata, its text and its fingerprints.

    ``text`` is the document's lines joined (None without a script): the text the catalog
    shows as evidence, whose line numbers the passage prints point at. ``minhash`` is the
    uint32 signature as bytes; ``passages`` the sorted uint32 passage prints and
    ``passage_lines`` the first line each print occurs on (int32). ``tropes`` carry no cues and
    ``skeleton`` no steps: the catalog compares trope sets and function sequences only.
    ``lexical`` is the work's hashed term counts for the lexical signal (sorted int32 buckets,
    then their float32 counts: :func:`.lexical.pack_row`), None where not counted yet;
    ``features`` likewise the default embedder's hashed features
    (:meth:`.embed.HashedTfidfEmbedder.features`).
    """

    work: Work
    content_hash: str
    minhash: bytes
    passages: bytes
    passage_lines: bytes
    shingles: int = 0
    text: str | None = None
    tropes: tuple[TropeHit, ...] = ()
    skeleton: Skeleton | None = None
    lexical: bytes | None = None
    features: bytes | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready metadata and fingerprint summary (no bytes)."""
        w = self.work
        return {
            "id": w.id,
            "title": w.title,
            "language": w.language,
            "synopsis": w.synopsis,
            "tags": list(w.tags),
            "episodes": w.episodes,
            "format": w.format,
            "track": w.track,
            "release_date": w.release_date.isoformat() if w.release_date else None,
            "source": w.source,
            "has_text": self.text is not None,
            "content_hash": self.content_hash,
            "shingles": self.shingles,
            "tropes": [t.trope for t in self.tropes],
        }
