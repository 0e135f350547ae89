"""One JSON serialiser for dramalens' records: frozen dataclasses in, JSON-ready data out.

Results are frozen dataclasses; :func:`to_jsonable` turns one (and everything nested in it)
into dicts, lists and scalars that ``json.dumps`` accepts: an Enum becomes its value, a tuple
or list a list, a set a sorted list, a ``Path`` a string, a date its ISO form, a mapping a dict
with string keys. A dataclass becomes a dict of its fields in declaration order.

A field's JSON shape is declared where the field is, with :func:`json_field` metadata: a
different key, floats rounded to a number of places, a conversion (pairs to a dict, names
joined into one string), or left out. What a field cannot say (a value derived from others,
a fixed note, fields grouped under one key) a class says in one post-step, a method
``__json_post__(self, data)`` that receives the dict built from its fields and returns the
final one; :func:`insert_after` and :func:`reorder` keep those post-steps short.

>>> from dataclasses import dataclass, field
>>> @dataclass(frozen=True, slots=True)
... class Take:
...     scene: str
...     seconds: float = field(metadata=json_field(name="est_seconds", digits=1))
...     cast: tuple[str, ...] = ()
>>> to_jsonable(Take("1-1", 62.456, ("林晚", "顾沉")))
{'scene': '1-1', 'est_seconds': 62.5, 'cast': ['林晚', '顾沉']}
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from pathlib import PurePath
from typing import Any, TypeAlias

__all__ = [
    "JSON",
    "JsonField",
    "Scalar",
    "insert_after",
    "json_field",
    "jsonable_dict",
    "pairs_to_dict",
    "reorder",
    "round_floats",
    "to_jsonable",
]

#: What ``json.loads`` gives back: the output type of :func:`to_jsonable`.
JSON: TypeAlias = "None | bool | int | float | str | list[JSON] | dict[str, JSON]"
#: One cell of a table row (CSV, pandas).
Scalar: TypeAlias = "None | bool | int | float | str"

_KEY = "dramalens.json"


@dataclasses.dataclass(frozen=True, slots=True)
class JsonField:
    """How one dataclass field appears in JSON (see :func:`json_field`)."""

    name: str | None = None
    digits: int | None = None
    omit: bool = False
    convert: Callable[[Any], object] | None = None


def json_field(
    *,
    name: str | None = None,
    digits: int | None = None,
    omit: bool = False,
    convert: Callable[[Any], object] | None = None,
) -> dict[str, JsonField]:
    """Field metadata for :func:`to_jsonable`: pass it as ``field(metadata=json_field(...))``.

    ``name`` is the JSON key (default: the field's name); ``digits`` rounds every float of the
    value (also inside lists and dicts, not inside nested records, which declare their own);
    ``convert`` maps the value before it is serialised; ``omit`` leaves the field out.

    >>> json_field(digits=2)["dramalens.json"].digits
    2
    """
    return {_KEY: JsonField(name, digits, omit, convert)}


@dataclasses.dataclass(frozen=True, slots=True)
class _Slot:
    attr: str
    key: str
    digits: int | None
    convert: Callable[[Any], object] | None


@lru_cache(maxsize=None)
def _plan(cls: type) -> tuple[tuple[_Slot, ...], Callable[..., dict[str, JSON]] | None]:
    # Read the fields' metadata once per class: results hold thousands of records.
    slots = []
    for f in dataclasses.fields(cls):
        spec = f.metadata.get(_KEY)
        if spec is None:
            slots.append(_Slot(f.name, f.name, None, None))
        elif not spec.omit:
            slots.append(_Slot(f.name, spec.name or f.name, spec.digits, spec.convert))
    post: Callable[..., dict[str, JSON]] | None = getattr(cls, "__json_post__", None)
    return tuple(slots), post


def jsonable_dict(record: object) -> dict[str, JSON]:
    """A dataclass instance as a JSON-ready dict (TypeError for anything else).

    >>> from dramalens.model import Element, ElementType
    >>> jsonable_dict(Element(ElementType.ACTION, "他推门而入。", 3))["type"]
    'action'
    """
    if not dataclasses.is_dataclass(record) or isinstance(record, type):
        raise TypeError(f"jsonable_dict() needs a dataclass instance, got {type(record).__name__}")
    slots, post = _plan(type(record))
    data: dict[str, JSON] = {}
    for slot in slots:
        value = getattr(record, slot.attr)
        if slot.convert is not None:
            value = slot.convert(value)
        out = to_jsonable(value)
        data[slot.key] = out if slot.digits is None else round_floats(out, slot.digits)
    return data if post is None else post(record, data)


def to_jsonable(obj: object) -> JSON:
    """``obj`` as data ``json.dumps`` accepts; a type it does not know raises TypeError.

    >>> import enum
    >>> class Side(enum.Enum):
    ...     SHORT = "short"
    >>> to_jsonable({"sides": (Side.SHORT,), 2: {1, 0}})
    {'sides': ['short'], '2': [0, 1]}
    """
    if isinstance(obj, enum.Enum):  # first: a str or int Enum is a str or an int too
        return to_jsonable(obj.value)
    if obj is None or isinstance(obj, (str, bool, int, float)):
        return obj
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return jsonable_dict(obj)
    if isinstance(obj, Mapping):
        return {_key(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, (set, frozenset)):
        return [to_jsonable(v) for v in sorted(obj)]
    if isinstance(obj, PurePath):
        return str(obj)
    if isinstance(obj, (dt.date, dt.time)):  # a datetime is a date
        return obj.isoformat()
    raise TypeError(f"to_jsonable() cannot serialise {type(obj).__name__}: give its field a json_field(convert=...)")


def _key(key: object) -> str:
    if isinstance(key, enum.Enum):
        key = key.value
    return key if isinstance(key, str) else str(key)


def round_floats(data: JSON, digits: int) -> JSON:
    """Every float in ``data`` (through lists and dict values) rounded to ``digits`` places.

    >>> round_floats({"a": [0.12345, 2], "b": True}, 2)
    {'a': [0.12, 2], 'b': True}
    """
    if isinstance(data, float):
        return round(data, digits)
    if isinstance(data, list):
        return [round_floats(v, digits) for v in data]
    if isinstance(data, dict):
        return {k: round_floats(v, digits) for k, v in data.items()}
    return data


def pairs_to_dict(pairs: Iterable[tuple[object, object]]) -> dict[str, object]:
    """``((key, value), ...)`` as a dict: the JSON shape of a counted or weighted tuple of pairs.

    >>> pairs_to_dict((("客厅", 3), ("街道", 1)))
    {'客厅': 3, '街道': 1}
    """
    return {_key(k): v for k, v in pairs}


def insert_after(data: dict[str, JSON], after: str, **entries: JSON) -> dict[str, JSON]:
    """``data`` with ``entries`` inserted right after the key ``after`` (at the end if absent).

    >>> insert_after({"seconds": 90.0, "scenes": 2}, "seconds", minutes=1.5)
    {'seconds': 90.0, 'minutes': 1.5, 'scenes': 2}
    """
    if after not in data:
        return {**data, **entries}
    out: dict[str, JSON] = {}
    for key, value in data.items():
        out[key] = value
        if key == after:
            out.update(entries)
    return out


def reorder(data: dict[str, JSON], first: Iterable[str]) -> dict[str, JSON]:
    """``data`` with the keys ``first`` in that order at the front, the others after them.

    >>> reorder({"episodes": [], "rate": 2.0, "note": "n"}, ("rate", "note"))
    {'rate': 2.0, 'note': 'n', 'episodes': []}
    """
    out = {key: data[key] for key in first if key in data}
    out.update((key, value) for key, value in data.items() if key not in out)
    return out
