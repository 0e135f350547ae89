"""JSON and JSONL views of a Script (the ``dramalens parse --format json|jsonl`` output)."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Script
from ..serial import JSON, jsonable_dict

__all__ = ["script_to_dict", "to_jsonl_records"]


def to_jsonl_records(script: Script) -> Iterator[dict[str, JSON]]:
    """One record per element: episode number, scene number (or 1-based index), type, text,
    character and source line.

    >>> from dramalens.parsing import parse_text
    >>> next(to_jsonl_records(parse_text("第1集\\n1-1 日 内 客厅\\n△林晚推门而入。")))["type"]
    'heading'
    """
    for episode in script.episodes:
        for index, scene in enumerate(episode.scenes, start=1):
            scene_id = scene.number if scene.number is not None else str(index)
            for element in scene.elements:
                yield {
                    "episode": episode.number,
                    "scene": scene_id,
                    "type": element.type.value,
                    "text": element.text,
                    "character": element.character,
                    "line": element.line,
                }


def script_to_dict(script: Script) -> dict[str, JSON]:
    """The whole document model as plain JSON-ready data."""
    return {
        "title": script.title,
        "language": script.language,
        "source_format": script.source_format,
        "source": script.source,
        "encoding": script.encoding,
        "title_page": [[k, v] for k, v in script.title_page],
        "characters": [{"name": c.name, "aliases": list(c.aliases)} for c in script.characters.values()],
        "warnings": [{"line": w.line, "message": w.message} for w in script.warnings],
        "episodes": [
            {
                "number": ep.number,
                "title": ep.title,
                "line": ep.line,
                "scenes": [
                    {
                        "number": sc.number,
                        "heading": sc.heading,
                        "int_ext": sc.int_ext,
                        "time": sc.time,
                        "location": sc.location,
                        "cast": list(sc.cast),
                        "line": sc.line,
                        "elements": [jsonable_dict(el) for el in sc.elements],
                    }
                    for sc in ep.scenes
                ],
            }
            for ep in script.episodes
        ],
    }
