"""Reading what a request sends: query strings, form fields and uploads, shared by the pages and
the API. Every parser refuses a bad value with a ConfigError naming the field (a 400)."""

from __future__ import annotations

import math
from collections.abc import Mapping

from fastapi import Request, UploadFile

from ..errors import ConfigError, InputError
from ..triage.intake import SubmissionMeta
from ..triage.listing import QueueQuery
from ..triage.models import MAX_DB_INT, MAX_PAGE
from ..triage.workflow import MemberMeta

__all__ = ["float_or_none", "int_or_none", "member_meta", "meta_from_form", "queue_query", "read_upload"]

_CHUNK = 1024 * 1024


def int_or_none(text: str | None, name: str, *, low: int = -MAX_DB_INT, high: int = MAX_DB_INT) -> int | None:
    """A whole number from a form field, between ``low`` and ``high``; None when the field is empty.

    Past 64 bits no column holds it (the driver would raise OverflowError: a 500), so the
    bounds default to the database's.

    >>> int_or_none(" 80 ", "episodes"), int_or_none("", "episodes")
    (80, None)
    """
    if text is None or str(text).strip() == "":
        return None
    try:
        value = int(text)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {str(text)[:40]!r}",
                          key="err.not_whole", params=(("name", name), ("got", str(text)[:40]))) from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be a whole number between {low:,} and {high:,}, got {str(text)[:40]}",
                          key="err.out_of_range", params=(("name", name), ("low", low), ("high", high), ("got", str(text)[:40])))
    return value


def float_or_none(text: str | None, name: str) -> float | None:
    """A number from a form field; None when the field is empty.

    >>> float_or_none("7.5", "min_score")
    7.5
    """
    if text is None or str(text).strip() == "":
        return None
    try:
        value = float(text)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {str(text)[:40]!r}",
                          key="err.not_number", params=(("name", name), ("got", str(text)[:40]))) from None
    if not math.isfinite(value):
        raise ConfigError(f"{name} must be a finite number, got {str(text)[:40]!r}",
                          key="err.not_number", params=(("name", name), ("got", str(text)[:40])))
    return value


def queue_query(request: Request) -> QueueQuery:
    """A :class:`~dramalens.triage.listing.QueueQuery` from the query string (the page and the API)."""
    p = request.query_params
    return QueueQuery(
        format=p.get("format", ""), track=p.get("track", ""), trope=p.get("trope", ""), language=p.get("language", ""),
        status=p.get("status", ""), state=p.get("state", ""), min_score=float_or_none(p.get("min_score"), "min_score"),
        q=p.get("q", ""), batch=int_or_none(p.get("batch"), "batch", low=1), sort=p.get("sort", "score"),
        direction=p.get("direction", "desc"), page=int_or_none(p.get("page"), "page", low=1, high=MAX_PAGE) or 1,
        per_page=int_or_none(p.get("per_page"), "per_page", low=1, high=500) or 50,
    )


async def read_upload(file: UploadFile, limit: int) -> bytes:
    """The upload's bytes, refused as soon as they pass ``limit`` (the header may lie)."""
    chunks, size = [], 0
    while True:
        chunk = await file.read(_CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise InputError(f"the upload is over the limit of {limit:,} bytes", source=file.filename,
                             hint="split the batch into several zips", key="err.too_big", params=(("limit", limit),))
        chunks.append(chunk)
    return b"".join(chunks)


def meta_from_form(title: str, format: str, episodes: str, track: str, synopsis: str, budget: str) -> SubmissionMeta:
    """What the sender declared on the upload form (or the API's form fields).

    >>> meta_from_form(" T ", "vertical", "80", "", "", "").episodes
    80
    """
    return SubmissionMeta(title=title.strip(), format=format, episodes=int_or_none(episodes, "episodes"),
                          track=track.strip(), synopsis=synopsis.strip(), budget=int_or_none(budget, "budget"))


#: The fields of one row of the receipt's per-file table (inputs named ``title-<id>`` …).
MEMBER_FIELDS = ("title", "format", "episodes", "track", "language")


def member_meta(form: Mapping[str, object]) -> dict[int, MemberMeta]:
    """The per-file table of a receipt: ``{submission id: what was declared for that file}``.

    >>> member_meta({"title-7": "甲", "format-7": "vertical", "episodes-7": "60", "track-7": "", "csrf_token": "x"})[7].meta.episodes
    60
    """
    rows: dict[int, dict[str, str]] = {}
    for key, value in form.items():
        name, _, sid = key.partition("-")
        if name in MEMBER_FIELDS and sid:
            number = int_or_none(sid, "file id", low=1)
            if number is not None:
                rows.setdefault(number, {})[name] = value if isinstance(value, str) else ""
    return {sid: MemberMeta(SubmissionMeta(title=r.get("title", "").strip(), format=r.get("format", ""),
                                           episodes=int_or_none(r.get("episodes"), "episodes"), track=r.get("track", "").strip()),
                            r.get("language", "").strip())
            for sid, r in rows.items()}
