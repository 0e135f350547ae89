"""The catalog: works with their fingerprints (MinHash, passage keys, embedding, tropes, plot
skeleton) and the questions asked of them: similar, novelty, saturation, dedupe.

>>> cat = Catalog("sqlite://")
>>> similar_to_work, similar_to_script, novelty_of_script, saturation, dedupe  # doctest: +ELLIPSIS
(<function similar_to_work at ...>, <function similar_to_script at ...>, <function novelty_of_script at ...>, <function saturation at ...>, <function dedupe at ...>)
"""

from .embed import refresh_embeddings
from .importer import ImportReport, RowError, import_catalog, import_paths
from .near_duplicates import Cluster, Dedupe, dedupe
from .novelty import Novelty, NoveltyPart, novelty_of_script, novelty_of_text, novelty_of_work
from .queries import Match, SharedPassage, compare, similar_to_script, similar_to_text, similar_to_work
from .ranking import Scores
from .records import Document, Work, WorkRecord
from .saturation import Saturation, SaturationRow, saturation, saturation_html
from .store import Catalog

__all__ = [
    "Catalog",
    "Cluster",
    "Dedupe",
    "Document",
    "ImportReport",
    "Match",
    "Novelty",
    "NoveltyPart",
    "RowError",
    "Saturation",
    "SaturationRow",
    "Scores",
    "SharedPassage",
    "Work",
    "WorkRecord",
    "compare",
    "dedupe",
    "import_catalog",
    "import_paths",
    "novelty_of_script",
    "novelty_of_text",
    "novelty_of_work",
    "refresh_embeddings",
    "saturation",
    "saturation_html",
    "similar_to_script",
    "similar_to_text",
    "similar_to_work",
]
