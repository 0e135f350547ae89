"""The catalog: works with their fingerprints (MinHash, passage keys, embedding, tropes, plot
skeleton) and the questions asked of them: similar, novelty, saturation, dedupe.

>>> cat = Catalog("sqlite://")
>>> similar, novelty, saturation, dedupe  # doctest: +ELLIPSIS
(<function similar at ...>, <function novelty at ...>, <function saturation at ...>, <function dedupe at ...>)
"""

from .importer import ImportReport, RowError, import_paths, refresh_embeddings
from .queries import Cluster, Dedupe, Match, Novelty, SharedPassage, compare, dedupe, novelty, similar
from .saturation import Saturation, SaturationRow, saturation, saturation_html
from .store import Catalog, WorkRecord

__all__ = [
    "Catalog",
    "Cluster",
    "Dedupe",
    "ImportReport",
    "Match",
    "Novelty",
    "RowError",
    "Saturation",
    "SaturationRow",
    "SharedPassage",
    "WorkRecord",
    "compare",
    "dedupe",
    "import_paths",
    "novelty",
    "refresh_embeddings",
    "saturation",
    "saturation_html",
    "similar",
]
