"""Metadata files for the catalog importer: CSV/JSONL rows read with a line-length cap, column
aliases, and validation of one row (ids, languages, episode counts, dates, play counts).

Bad metadata never stops an import: each broken row (missing id, wrong types, duplicate id, a
line over the length cap, bytes that do not decode) becomes a :class:`RowError`; good rows are
kept. Lines are read with a length cap, so a 2 GB line is skipped without being held in memory.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, BinaryIO
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from ..errors import InputError
from ..text.language import identify_language
from ..text.normalise import strip_markup
from ..parsing.source import decode_bytes
from .records import Work

if TYPE_CHECKING:  # the reader's type exists in the stubs only
    from _csv import Reader as _CsvReader

__all__ = [
    "MAX_LINE_BYTES",
    "METADATA_EXTENSIONS",
    "MetadataRow",
    "RawRow",
    "RowError",
    "canonical_columns",
    "clean_row",
    "iter_metadata",
    "parse_count",
    "read_metadata",
]

#: Metadata files the importer picks up from a folder.
METADATA_EXTENSIONS = (".csv", ".jsonl", ".ndjson")
#: Longest metadata line read (bytes); longer lines are reported and skipped unread.
MAX_LINE_BYTES = 8 * 1024 * 1024
_ID = re.compile(r"^[^\s/\\][^/\\]{0,199}$")
_TAG_SPLIT = re.compile(r"[,;|、，；]+")
_FIELDS = ("id", "title", "language", "synopsis", "tags", "episodes", "format", "track", "release_date", "file", "plays")
# Marks a line the reader had to drop, so the CSV parser keeps line numbers.
_BAD = "\ufffe"
# Column names real catalogue exports use for our fields (platform back-ends, Excel sheets kept
# by IP teams, in English and Chinese). A canonical column wins over its aliases.
_COLUMN_ALIASES = {
    "id": ("work_id", "drama_id", "series_id", "book_id", "编号", "作品id", "剧目id", "剧集id"),
    "title": ("剧名", "标题", "作品名", "片名", "剧集名称", "drama_title", "series_title", "book_title", "name"),
    "language": ("lang", "语言", "语种"),
    "synopsis": ("summary", "description", "logline", "special_desc", "intro", "introduction", "desc", "简介", "剧情简介", "梗概", "故事梗概", "内容简介"),
    "tags": ("tag", "genre", "genres", "keywords", "标签", "题材"),
    "episodes": ("episode_count", "num_episodes", "chapter_count", "episode_cnt", "episodes_count", "集数", "总集数"),
    "format": ("形态", "横竖屏"),
    "track": ("category", "赛道", "分类", "类型"),
    "release_date": ("date", "released", "release", "premiere", "上线时间", "上线日期", "首播日期", "发布日期"),
    "plays": ("views", "play_count", "read_count", "play_cnt", "view_count", "播放量", "播放次数", "热度"),
    "file": ("script", "script_path", "剧本", "剧本文件"),
}
_ALIAS_OF = {alias: field for field, aliases in _COLUMN_ALIASES.items() for alias in aliases}
#: A metadata row as read, before it is checked: column → value (JSON values in a JSONL file).
RawRow = dict[str, object]


def canonical_columns(names: list[str]) -> list[str]:
    """Lower-cased column names with known aliases mapped to our fields (unless the field is there).

    >>> canonical_columns(["编号", "剧名", "Title", "简介"])
    ['id', '剧名', 'title', 'synopsis']
    """
    lowered = [n.strip().lower() for n in names]
    present = set(lowered)
    out = []
    for name in lowered:
        field = _ALIAS_OF.get(name)
        if field and field not in present:
            present.add(field)
            out.append(field)
        else:
            out.append(name)
    return out


@dataclass(frozen=True, slots=True)
class RowError:
    """A row or file that could not be imported: where, which work, why."""

    source: str
    line: int
    message: str
    work_id: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {"source": self.source, "line": self.line, "work_id": self.work_id, "message": self.message}

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.message}" + (f" (id {self.work_id})" if self.work_id else "")


def _capped_lines(fh: BinaryIO, cap: int) -> Iterator[bytes | None]:
    """Physical lines as bytes; ``None`` for a line longer than ``cap`` (skipped in pieces)."""
    while True:
        line = fh.readline(cap + 1)
        if not line:
            return
        if len(line) > cap and not line.endswith(b"\n"):
            while True:  # drain the rest of the long line without keeping it
                rest = fh.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
            continue
        yield line


def _detect_encoding(path: Path) -> str:
    with path.open("rb") as fh:
        sample = fh.read(65536)
    if len(sample) == 65536 and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n") + 1]  # never cut a multi-byte character
    if not sample.strip():
        raise InputError("the metadata file is empty", source=str(path), hint="give a CSV with a header row or a JSONL file")
    return decode_bytes(sample, name=str(path))[1]


def _decoded(path: Path, encoding: str, cap: int, errors: list[tuple[int, str]]) -> Iterator[str]:
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    with path.open("rb") as fh:
        for number, raw in enumerate(_capped_lines(fh, cap), start=1):
            if number == 1 and raw and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if raw is None:
                errors.append((number, f"line is longer than the cap of {cap:,} bytes; skipped"))
                yield f'"{_BAD}"\n'
                continue
            try:
                yield raw.decode(codec)
            except UnicodeDecodeError as exc:
                errors.append((number, f"bytes are not valid {encoding} (byte {exc.start} of the line)"))
                yield f'"{_BAD}"\n'


def read_metadata(path: str | Path, *, max_line_bytes: int = MAX_LINE_BYTES) -> tuple[list[tuple[int, RawRow]], list[RowError]]:
    """Rows of a CSV or JSONL metadata file as (line, raw dict), and the rows that could not be read.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "m.csv"; _ = p.write_text("id,title\\nw1,Rain\\n")
    >>> read_metadata(p)[0]
    [(2, {'id': 'w1', 'title': 'Rain'})]
    """
    errors: list[RowError] = []
    rows = list(iter_metadata(Path(path), max_line_bytes, errors))
    return rows, errors


def iter_metadata(path: Path, max_line_bytes: int, errors: list[RowError]) -> Iterator[tuple[int, RawRow]]:
    """The rows of :func:`read_metadata` one at a time, so an import never holds every raw row
    (a 40,000-row JSONL with monthly plays is ~350 MB as dicts). A file that cannot be read at
    all raises here, before any row; ``errors`` is complete and sorted by line once the rows are
    exhausted."""
    name = str(path)
    if not path.is_file():
        raise InputError("metadata file not found", source=name, hint="check the --metadata path")
    encoding = _detect_encoding(path)
    line_errors: list[tuple[int, str]] = []
    if path.suffix.lower() == ".csv":
        csv.field_size_limit(max(max_line_bytes, 1024))
        reader = csv.reader(_decoded(path, encoding, max_line_bytes, line_errors))
        header = None
        while header is None:
            try:
                first = next(reader)
            except StopIteration:
                raise InputError("the CSV has no header row", source=name, hint=f"the first row names the columns: {', '.join(_FIELDS)}") from None
            if first and any(c.strip() for c in first):
                header = canonical_columns(first)
        if "id" not in header:
            raise InputError(f"missing column 'id'; columns found: {', '.join(header)}", source=name, hint=f"known columns: {', '.join(_FIELDS)} (or an alias such as work_id, 编号)")
        return _csv_rows(reader, header, name, line_errors, errors)
    return _jsonl_rows(path, encoding, max_line_bytes, name, line_errors, errors)


def _csv_rows(reader: _CsvReader, header: list[str], name: str, line_errors: list[tuple[int, str]], errors: list[RowError]) -> Iterator[tuple[int, RawRow]]:
    while True:
        start = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(RowError(name, start, f"unreadable CSV row: {exc}"))
            continue
        if not values or (len(values) == 1 and values[0].startswith(_BAD)):
            continue
        if len(values) != len(header):
            errors.append(RowError(name, start, f"row has {len(values)} fields, the header {len(header)}", values[0] if values else None))
            continue
        yield start, dict(zip(header, values))
    _finish_errors(name, line_errors, errors)


def _jsonl_rows(path: Path, encoding: str, cap: int, name: str, line_errors: list[tuple[int, str]], errors: list[RowError]) -> Iterator[tuple[int, RawRow]]:
    for number, line in enumerate(_decoded(path, encoding, cap, line_errors), start=1):
        if line.startswith(f'"{_BAD}"') or not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(RowError(name, number, f"not valid JSON: {exc.msg} at column {exc.colno}"))
            continue
        if not isinstance(obj, dict):
            errors.append(RowError(name, number, f"a JSONL line must be an object, got {type(obj).__name__}"))
            continue
        keys = canonical_columns([str(k) for k in obj])
        yield number, dict(zip(keys, obj.values()))
    _finish_errors(name, line_errors, errors)


def _finish_errors(name: str, line_errors: list[tuple[int, str]], errors: list[RowError]) -> None:
    errors.extend(RowError(name, n, msg) for n, msg in line_errors)
    errors.sort(key=lambda e: e.line)


_DATE = re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?")


def _parse_date(value: object) -> date:
    parsed = _date_of(str(value).strip())
    if parsed is None:
        raise ValueError(f"release_date must be YYYY-MM-DD or YYYY-MM, got {value!r}")
    return parsed


@lru_cache(maxsize=4096)
def _date_of(text: str) -> date | None:
    """The date ``text`` names, or None; cached, so 40,000 works' monthly plays share their few
    hundred date objects. Raises ValueError for an impossible date (2024-13-01)."""
    # Exports stamp dates with a time of day ("2025-03-07 18:00:00", ISO "T…Z"): the day is enough.
    text = _TIME_PART.sub("", text)
    m = _DATE.fullmatch(text.replace("/", "-").replace(".", "-"))
    if not m:
        return None
    return date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))


_TIME_PART = re.compile(r"(?:[T\s]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2}|UTC)?)$")
_COUNT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(亿|万|千|[wWkKmM]|)\s*\+?\s*$")
_UNITS = {"亿": 10**8, "万": 10**4, "w": 10**4, "千": 10**3, "k": 10**3, "m": 10**6, "": 1}
_EPISODES = re.compile(r"^\s*(?:全|共|total\s*)?(\d+)\s*(?:集|eps?\.?|episodes?)?\s*$", re.IGNORECASE)


def parse_count(value: object) -> int:
    """A play count as platforms and spreadsheets write it: ``1234567``, ``"1,234,567"``,
    ``"1.2亿"``, ``"3500万+"``, ``"10w+"``, ``"2.5M"``.

    >>> [parse_count(v) for v in (1200, "1,200", "1.2亿", "3500万+", "10w+", "2.5M")]
    [1200, 1200, 120000000, 35000000, 100000, 2500000]
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"a play count must be a number, got {value!r}")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        m = _COUNT.match(value.replace(",", "").replace("，", ""))
        if not m:
            raise ValueError(f"a play count must be a number such as 1200, 3500万 or 1.2亿, got {value!r}")
        number = float(m.group(1)) * _UNITS[m.group(2).lower()]
    if number < 0:
        raise ValueError(f"a play count must be ≥ 0, got {value!r}")
    return int(round(number))


def _parse_plays(value: object, release: date | None = None) -> tuple[tuple[date, int], ...]:
    """Plays over time (a JSON object or list of points), or one total (``"1.2亿"``), which
    is dated at the release date since a catalogue sheet rarely says when it was counted."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return ()
        value = json.loads(text) if text[0] in "[{" else text
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        if release is None:
            raise ValueError(f"plays {value!r} is a single total: give release_date too, or plays over time")
        return ((release, parse_count(value)),)
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = [_point(v) for v in value]
    else:
        raise ValueError(f"plays must be a count, an object of period → count or a list of points; got {value!r}")
    out = []
    for period, n in items:
        try:
            count = parse_count(n)
        except ValueError:
            raise ValueError(f"plays for {period} must be a count ≥ 0, got {n!r}") from None
        out.append((_parse_date(period), count))
    return tuple(sorted(out))


def _point(v: object) -> tuple[object, object]:
    if not isinstance(v, dict):
        raise ValueError(f"a plays point must be an object with a date and plays, got {v!r}")
    return v.get("period") or v.get("date") or v.get("month"), v.get("plays")


@dataclass(frozen=True, slots=True)
class MetadataRow:
    """One clean metadata row: the work it describes (``language`` ``""`` and ``title`` ``""``
    where the row does not say) and its script ``file``, relative to the metadata file."""

    work: Work
    file: str | None = None
    warnings: tuple[str, ...] = ()  # what was wrong but did not cost the row (an impossible value dropped)


def _text(row: RawRow, key: str) -> str | None:
    value = row.get(key)
    if value is not None and not isinstance(value, (str, int, float)):
        raise ValueError(f"{key} must be text, got {type(value).__name__}")
    return str(value).strip() if value not in (None, "") else None


def _language(value: object) -> str:
    if value in (None, ""):
        return ""
    lang = str(value).strip().lower()
    lang = {"chinese": "zh", "zh-cn": "zh", "zh-hans": "zh", "zh-hant": "zh", "english": "en"}.get(lang, lang)
    if lang not in ("zh", "en"):
        raise ValueError(f"language {value!r} is not one the catalog compares (zh, en): the row is left out")
    return lang


def _episodes(eps: object) -> int | None:
    if eps in (None, ""):
        return None
    if isinstance(eps, bool) or (isinstance(eps, float) and not eps.is_integer()):
        raise ValueError(f"episodes must be a whole number, got {eps!r}")
    m = _EPISODES.match(str(eps).removesuffix(".0"))  # 80, "80集", "全80集", "80 eps"
    if not m:
        raise ValueError(f"episodes must be a whole number, got {eps!r}")
    return int(m.group(1))


def _tags(tags: object) -> tuple[str, ...]:
    if isinstance(tags, list):
        return tuple(str(t).strip() for t in tags if str(t).strip())
    if tags not in (None, ""):
        return tuple(t.strip() for t in _TAG_SPLIT.split(str(tags)) if t.strip())
    return ()


#: A lone UTF-16 surrogate: JSON's "\\udcff" escape decodes to one, and no encoder can write it.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _unpaired_surrogate(row: RawRow) -> str | None:
    """The first column whose name or value (or one of its list items) holds a lone surrogate."""
    for key, value in row.items():
        items = value if isinstance(value, list) else [value]
        if _SURROGATE.search(str(key)) or any(isinstance(v, str) and _SURROGATE.search(v) for v in items):
            return repr(key)
    return None


def clean_row(row: RawRow, source: str, line: int) -> MetadataRow | RowError:
    """One raw metadata row cleaned into a :class:`MetadataRow`, or what is wrong with it.

    >>> clean_row({"id": "w1", "title": "Rain", "集数": "x"}, "m.csv", 2).work.title
    'Rain'
    >>> print(clean_row({"id": "w1", "episodes": "sixty"}, "m.csv", 3))
    m.csv:3: episodes must be a whole number, got 'sixty' (id w1)
    """
    broken = _unpaired_surrogate(row)
    if broken is not None:
        return RowError(source, line, f"{broken} holds an unpaired UTF-16 surrogate (a broken \\u escape), which is not text; "
                                      "fix it in the export")
    raw_id = row.get("id")
    work_id = str(raw_id).strip() if raw_id is not None else ""
    if not work_id or not _ID.match(work_id):
        return RowError(source, line, f"id must be 1-200 characters without slashes, got {raw_id!r}")
    if row.get("file") in (None, "") and row.get("path") not in (None, ""):
        row = {**row, "file": row["path"]}  # synth and many exports call it "path"
    warnings: list[str] = []
    try:
        # Checked in column order, so a row with several faults reports the first one.
        title, synopsis, fmt, track, file = (_text(row, key) for key in ("title", "synopsis", "format", "track", "file"))
        title, synopsis = (strip_markup(x) if x else x for x in (title, synopsis))  # HTML from web exports
        language, episodes = _language(row.get("language")), _episodes(row.get("episodes"))
        if episodes == 0:
            warnings.append("episodes 0 is impossible for a released work: kept without an episode count")
            episodes = None
        if not language and not file:
            found = identify_language(f"{title or ''}\n{synopsis or ''}")
            if found not in ("zh", "en", "und"):
                raise ValueError(f"the title and synopsis are in {found!r}, not a language the catalog compares (zh, en): "
                                 "the row is left out (give language=zh or en to import it anyway)")
        release = _parse_date(row["release_date"]) if row.get("release_date") not in (None, "") else None
        tags = _tags(row.get("tags"))
        plays: tuple[tuple[date, int], ...] = ()
        if row.get("plays") not in (None, ""):
            try:
                plays = _parse_plays(row["plays"], release)
            except ValueError as exc:
                if release is not None or "single total" not in str(exc):
                    raise
                warnings.append(f"{exc}: kept without plays")
        work = Work(id=work_id, title=title or "", language=language, synopsis=synopsis or "", tags=tags, episodes=episodes,
                    format=fmt, track=track, release_date=release, plays=plays)
    except (ValueError, TypeError, AttributeError, json.JSONDecodeError) as exc:
        return RowError(source, line, str(exc), work_id)
    if not (title or synopsis or file):
        return RowError(source, line, "the row has no title, synopsis or file: nothing to fingerprint", work_id)
    return MetadataRow(work, file, tuple(warnings))
