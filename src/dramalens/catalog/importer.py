"""Importing works: a folder of scripts and/or CSV/JSONL metadata into the catalog.

Idempotent: a work is keyed on its id and a content hash of what was read (file bytes plus its
metadata row); re-importing unchanged works does nothing. Resumable: every batch of
:data:`~.store.BATCH` works is one transaction that also records which items are done, so an
interrupted import run again with the same sources skips what was committed and loses nothing.

Bad metadata never stops an import: each broken row (missing id, wrong types, duplicate id, a
line over the length cap, bytes that do not decode) becomes a :class:`RowError`; good rows are
kept. Lines are read with a length cap, so a 2 GB line is skipped without being held in memory.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from datetime import date
from pathlib import Path

from sqlalchemy import insert, select, update

from ..errors import ConfigError, DramalensError, InputError
from .minhash import MinHasher, passage_prints
from .shingles import shingle_lines_multi
from .store import BATCH, Catalog, WorkRecord, _now, import_done, import_runs

__all__ = [
    "MAX_LINE_BYTES",
    "SCRIPT_EXTENSIONS",
    "Document",
    "ImportReport",
    "RowError",
    "fingerprint",
    "fingerprint_batch",
    "import_paths",
    "read_metadata",
    "refresh_embeddings",
]

#: Script files the importer picks up from a folder.
SCRIPT_EXTENSIONS = (".txt", ".fountain", ".spmd", ".fdx", ".docx")
METADATA_EXTENSIONS = (".csv", ".jsonl", ".ndjson")
#: Longest metadata line read (bytes); longer lines are reported and skipped unread.
MAX_LINE_BYTES = 8 * 1024 * 1024
_ID = re.compile(r"^[^\s/\\][^/\\]{0,199}$")
_TAG_SPLIT = re.compile(r"[,;|、，；]+")
_FIELDS = ("id", "title", "language", "synopsis", "tags", "episodes", "format", "track", "release_date", "file", "plays")
_BAD = "\ufffe"
# Column names real catalogue exports use for our fields (platform back-ends, Excel sheets kept
# by IP teams, in English and Chinese). A canonical column wins over its aliases.
_COLUMN_ALIASES = {
    "id": ("work_id", "drama_id", "series_id", "编号", "作品id", "剧目id"),
    "title": ("剧名", "标题", "作品名", "片名", "drama_title", "series_title"),
    "language": ("lang", "语言"),
    "synopsis": ("summary", "description", "logline", "简介", "剧情简介", "梗概", "故事梗概"),
    "tags": ("tag", "genre", "genres", "keywords", "标签", "题材"),
    "episodes": ("episode_count", "num_episodes", "集数", "总集数"),
    "format": ("形态", "横竖屏"),
    "track": ("category", "赛道", "分类", "类型"),
    "release_date": ("date", "released", "release", "premiere", "上线时间", "上线日期", "首播日期", "发布日期"),
    "plays": ("views", "play_count", "播放量"),
    "file": ("script", "script_path", "剧本", "剧本文件"),
}
_ALIAS_OF = {alias: field for field, aliases in _COLUMN_ALIASES.items() for alias in aliases}


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
#: (MinHash shingle size, passage shingle size) per language, and the passage sampling rate.
PASSAGE_SHINGLES = {"zh": (5, 12), "en": (3, 8)}
PASSAGE_RATE = {"zh": 8, "en": 4}  # marks a line the reader had to drop, so the CSV parser keeps line numbers


@dataclass(frozen=True, slots=True)
class RowError:
    """A row or file that could not be imported: where, which work, why."""

    source: str
    line: int
    message: str
    work_id: str | None = None

    def to_dict(self) -> dict:
        return {"source": self.source, "line": self.line, "work_id": self.work_id, "message": self.message}

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.message}" + (f" (id {self.work_id})" if self.work_id else "")


@dataclass(frozen=True, slots=True)
class Document:
    """What the fingerprinter needs about one work (plain data, so Dask can ship it)."""

    id: str
    title: str = ""
    language: str = "zh"
    lines: tuple[str, ...] | None = None
    synopsis: str = ""
    names: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    episodes: int | None = None
    format: str | None = None
    track: str | None = None
    release_date: date | None = None
    source: str | None = None
    content_hash: str = ""
    plays: tuple[tuple[date, int], ...] = ()


@dataclass(slots=True)
class ImportReport:
    """What an import did; ``errors`` lists every row or file left out and why."""

    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    run_id: int | None = None
    resumed: bool = False

    def to_dict(self) -> dict:
        return {
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [e.to_dict() for e in self.errors],
            "run_id": self.run_id,
            "resumed": self.resumed,
        }


# ---------------------------------------------------------------------------- fingerprints
def _language_of(text: str) -> str:
    sample = text[:5000]
    han = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff")
    return "zh" if han >= max(5, 0.1 * len(sample.strip() or "x")) else "en"


def fingerprint(doc: Document, hasher: MinHasher | None = None, *, semantic: bool = True) -> WorkRecord:
    """Compute a document's fingerprints (MinHash, passage keys, tropes, skeleton).

    >>> r = fingerprint(Document("w1", "T", "en", synopsis="A maid marries the heir."))
    >>> len(r.minhash)  # 128 uint32 values
    512
    """
    hasher = hasher or MinHasher()
    return _fingerprints([doc], hasher, semantic)[0]


def _fingerprints(docs: list[Document], hasher: MinHasher, semantic: bool) -> list[WorkRecord]:
    """:func:`fingerprint` of many documents, with one MinHash kernel call for all of them."""
    shingled = []
    for doc in docs:
        lines = list(doc.lines) if doc.lines is not None else [doc.title, *doc.synopsis.split("\n")]
        shingled.append(shingle_lines_multi(lines, doc.language, ks=PASSAGE_SHINGLES[doc.language], names=doc.names))
    signatures = hasher.signatures([short.ids for short, _long in shingled])
    return [_record(doc, short, long, signature, semantic) for doc, (short, long), signature in zip(docs, shingled, signatures)]


def _record(doc: Document, shingled, long, signature, semantic: bool) -> WorkRecord:
    prints = passage_prints(long, PASSAGE_RATE[doc.language])
    text = "\n".join(doc.lines) if doc.lines is not None else None
    tropes, skeleton, track = _semantic(doc, text) if semantic else ((), None, doc.track)
    return WorkRecord(
        id=doc.id, title=doc.title, language=doc.language, content_hash=doc.content_hash or _hash_doc(doc),
        minhash=signature.tobytes(), passages=prints.ids.tobytes(),
        passage_lines=prints.lines.tobytes(), shingles=len(shingled), synopsis=doc.synopsis, tags=doc.tags,
        episodes=doc.episodes, format=doc.format, track=track, release_date=doc.release_date, source=doc.source,
        text=text, names=doc.names, tropes=tropes, skeleton=skeleton, plays=doc.plays,
    )


def fingerprint_batch(docs: list[Document], seed: int = 1, semantic: bool = True) -> list[WorkRecord]:
    """Fingerprints of many documents: the one function both the local and Dask paths map."""
    return _fingerprints(list(docs), MinHasher(128, seed=seed), semantic)


def _semantic(doc: Document, text: str | None) -> tuple[tuple[dict, ...], dict | None, str | None]:
    """Tropes, plot skeleton and track from the sibling modules; absent modules give nothing."""
    body = "\n".join(x for x in (doc.title, doc.synopsis, text or "") if x)
    tropes: tuple[dict, ...] = ()
    skeleton = None
    track = doc.track
    try:
        from .tropes import infer_track, tag_tropes

        hits = tag_tropes(body, language=doc.language, tags=doc.tags)
        tropes = tuple({"trope": h.trope, "label_zh": h.label_zh, "label_en": h.label_en, "confidence": round(float(h.confidence), 4)} for h in hits)
        if not track:
            track = infer_track(hits, body, doc.language) or None
    except ImportError:
        pass
    try:
        from .skeleton import skeleton_from_text

        sk = skeleton_from_text(body, doc.language)
        # Skeleton.to_dict() without "steps" (where each function happens: large, and not
        # compared), built directly: converting thousands of steps only to drop them was slow.
        skeleton = {"functions": list(sk.functions), "roles": [r.to_dict() for r in sk.roles], "language": sk.language}
    except ImportError:
        pass
    return tropes, skeleton, track


def _hash_doc(doc: Document) -> str:
    h = hashlib.sha256()
    meta = [doc.id, doc.title, doc.language, doc.synopsis, list(doc.tags), doc.episodes, doc.format, doc.track,
            doc.release_date.isoformat() if doc.release_date else None, [[p.isoformat(), n] for p, n in doc.plays]]
    h.update(json.dumps(meta, ensure_ascii=False).encode("utf-8"))
    h.update(b"\x00")
    h.update("\n".join(doc.lines or ()).encode("utf-8"))
    return h.hexdigest()


# ------------------------------------------------------------------------------ metadata
def _capped_lines(fh, cap: int) -> Iterator[bytes | None]:
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
    from ..parsing.source import decode_bytes

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


def read_metadata(path: str | Path, *, max_line_bytes: int = MAX_LINE_BYTES) -> tuple[list[tuple[int, dict]], list[RowError]]:
    """Rows of a CSV or JSONL metadata file as (line, raw dict), and the rows that could not be read.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "m.csv"; _ = p.write_text("id,title\\nw1,Rain\\n")
    >>> read_metadata(p)[0]
    [(2, {'id': 'w1', 'title': 'Rain'})]
    """
    errors: list[RowError] = []
    rows = list(_metadata_rows(Path(path), max_line_bytes, errors))
    return rows, errors


def _metadata_rows(path: Path, max_line_bytes: int, errors: list[RowError]) -> Iterator[tuple[int, dict]]:
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


def _csv_rows(reader, header: list[str], name: str, line_errors: list, errors: list[RowError]) -> Iterator[tuple[int, dict]]:
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


def _jsonl_rows(path: Path, encoding: str, cap: int, name: str, line_errors: list, errors: list[RowError]) -> Iterator[tuple[int, dict]]:
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


def _parse_date(value) -> date:
    parsed = _date_of(str(value).strip())
    if parsed is None:
        raise ValueError(f"release_date must be YYYY-MM-DD or YYYY-MM, got {value!r}")
    return parsed


@lru_cache(maxsize=4096)
def _date_of(text: str) -> date | None:
    """The date ``text`` names, or None; cached, so 40,000 works' monthly plays share their few
    hundred date objects. Raises ValueError for an impossible date (2024-13-01)."""
    m = _DATE.fullmatch(text.replace("/", "-").replace(".", "-"))
    if not m:
        return None
    return date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))


_COUNT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(亿|万|千|[wWkKmM]|)\s*\+?\s*$")
_UNITS = {"亿": 10**8, "万": 10**4, "w": 10**4, "千": 10**3, "k": 10**3, "m": 10**6, "": 1}
_EPISODES = re.compile(r"^\s*(?:全|共|total\s*)?(\d+)\s*(?:集|eps?\.?|episodes?)?\s*$", re.IGNORECASE)


def parse_count(value) -> int:
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


def _parse_plays(value, release: date | None = None) -> tuple[tuple[date, int], ...]:
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
    items = value.items() if isinstance(value, dict) else ((v.get("period") or v.get("date") or v.get("month"), v.get("plays")) for v in value)
    out = []
    for period, n in items:
        try:
            count = parse_count(n)
        except ValueError:
            raise ValueError(f"plays for {period} must be a count ≥ 0, got {n!r}") from None
        out.append((_parse_date(period), count))
    return tuple(sorted(out))


def _validate(row: dict, source: str, line: int) -> tuple[dict | None, RowError | None]:
    """Clean one metadata row, or say what is wrong with it."""
    raw_id = row.get("id")
    work_id = str(raw_id).strip() if raw_id is not None else ""
    if not work_id or not _ID.match(work_id):
        return None, RowError(source, line, f"id must be 1-200 characters without slashes, got {raw_id!r}")
    out: dict = {"id": work_id}
    if row.get("file") in (None, "") and row.get("path") not in (None, ""):
        row = {**row, "file": row["path"]}  # synth and many exports call it "path"
    try:
        for key in ("title", "synopsis", "format", "track", "file"):
            value = row.get(key)
            if value is not None and not isinstance(value, (str, int, float)):
                raise ValueError(f"{key} must be text, got {type(value).__name__}")
            out[key] = str(value).strip() if value not in (None, "") else None
        lang = row.get("language")
        if lang not in (None, ""):
            lang = str(lang).strip().lower()
            lang = {"chinese": "zh", "zh-cn": "zh", "zh-hans": "zh", "zh-hant": "zh", "english": "en"}.get(lang, lang)
            if lang not in ("zh", "en"):
                raise ValueError(f"language must be zh or en, got {row.get('language')!r}")
        out["language"] = lang or None
        eps = row.get("episodes")
        if eps not in (None, ""):
            if isinstance(eps, bool) or (isinstance(eps, float) and not eps.is_integer()):
                raise ValueError(f"episodes must be a whole number, got {eps!r}")
            m = _EPISODES.match(str(eps).removesuffix(".0"))  # 80, "80集", "全80集", "80 eps"
            if not m:
                raise ValueError(f"episodes must be a whole number, got {eps!r}")
            out["episodes"] = int(m.group(1))
            if out["episodes"] < 0:
                raise ValueError(f"episodes must be ≥ 0, got {eps!r}")
        rd = row.get("release_date")
        out["release_date"] = _parse_date(rd) if rd not in (None, "") else None
        tags = row.get("tags")
        if isinstance(tags, list):
            out["tags"] = tuple(str(t).strip() for t in tags if str(t).strip())
        elif tags not in (None, ""):
            out["tags"] = tuple(t.strip() for t in _TAG_SPLIT.split(str(tags)) if t.strip())
        else:
            out["tags"] = ()
        out["plays"] = _parse_plays(row["plays"], out["release_date"]) if row.get("plays") not in (None, "") else ()
    except (ValueError, TypeError, AttributeError, json.JSONDecodeError) as exc:
        return None, RowError(source, line, str(exc), work_id)
    if not (out["title"] or out["synopsis"] or out["file"]):
        return None, RowError(source, line, "the row has no title, synopsis or file: nothing to fingerprint", work_id)
    return out, None


# ---------------------------------------------------------------------------------- files
def _read_script(path: Path) -> tuple[tuple[str, ...], str, tuple[str, ...], str, bytes]:
    """(lines, language, character names, title, file bytes) of a script file.

    The file is read and decoded once: the parser gets the decoded text (``parse_text`` with
    the format ``parse_bytes`` would detect), and the bytes come back for the content hash.
    """
    from ..parsing.source import read_source

    if path.suffix.lower() in (".fdx", ".docx"):
        from ..parsing import parse

        raw = path.read_bytes()
        script = parse(path)
        lines = tuple(e.text for _, _, e in script.iter_elements())
        names = tuple(n for c in script.characters.values() for n in c.names)
        return lines, script.language, names, script.title, raw
    src = read_source(path)
    lines = tuple(src.text.split("\n"))
    try:
        from ..parsing import parse_bytes, parse_text
        from ..parsing.detect import detect_format

        fmt = None if src.raw[:4] == b"PK\x03\x04" else detect_format(path.suffix, src.text)
        if fmt in ("chinese", "fountain"):  # what parse_bytes does after decoding, minus decoding again
            script = parse_text(src.text, format=fmt, source=str(path), encoding=src.encoding)
        else:  # a zip or XML under a text extension: let parse_bytes sort it out
            script = parse_bytes(src.raw, source=str(path), extension=path.suffix)
        names = tuple(n for c in script.characters.values() for n in c.names)
        return lines, script.language, names, script.title, src.raw
    except DramalensError:
        raise
    except Exception:  # a parser still being written must not stop an import: no names then
        return lines, _language_of(src.text), (), "", src.raw


def _gather(paths: Iterable[str | Path], metadata: Iterable[str | Path]) -> tuple[list[Path], list[Path]]:
    scripts: list[Path] = []
    metas: list[Path] = [Path(m) for m in metadata]
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and not f.name.startswith("."):
                    if f.suffix.lower() in METADATA_EXTENSIONS:
                        metas.append(f)
                    elif f.suffix.lower() in SCRIPT_EXTENSIONS and f.name != "truth.json":
                        scripts.append(f)
        elif p.is_file():
            (metas if p.suffix.lower() in METADATA_EXTENSIONS else scripts).append(p)
        else:
            raise InputError("no such file or folder", source=str(p), hint="give script files, folders or metadata files")
    return scripts, list(dict.fromkeys(metas))


def _plan(scripts: list[Path], metas: list[Path], report: ImportReport, max_line_bytes: int) -> list[tuple[str, dict, Path | None]]:
    """(item key, cleaned metadata, script file) per work; bad rows go to ``report.errors``."""
    by_file: dict[Path, dict] = {}
    by_id: dict[str, dict] = {}
    seen: dict[str, str] = {}
    for meta in metas:
        read_errors: list[RowError] = []
        try:
            rows = _metadata_rows(Path(meta), max_line_bytes, read_errors)
        except InputError as exc:
            report.errors.append(RowError(str(meta), 0, exc.message + (f" — {exc.hint}" if exc.hint else "")))
            continue
        # Rows are validated as they are read (raw rows are dropped at once); the file's read
        # errors still come before its row errors, as when the whole file was read first.
        row_errors: list[RowError] = []
        for line, raw in rows:
            clean, err = _validate(raw, str(meta), line)
            if err:
                row_errors.append(err)
                continue
            if clean["id"] in seen:
                row_errors.append(RowError(str(meta), line, f"duplicate id (first seen at {seen[clean['id']]}); row skipped", clean["id"]))
                continue
            seen[clean["id"]] = f"{meta.name}:{line}"
            if clean["file"]:
                by_file[(meta.parent / clean["file"]).resolve()] = clean
            by_id[clean["id"]] = clean
        report.errors.extend(read_errors)
        report.errors.extend(row_errors)
    plan: list[tuple[str, dict, Path | None]] = []
    used: set[str] = set()
    for script in scripts:
        meta = by_file.get(script.resolve()) or by_id.get(script.stem)
        if meta is None:
            meta = {"id": script.stem, "title": None, "synopsis": None, "tags": (), "plays": (), "language": None, "release_date": None}
            if script.stem in used:
                report.errors.append(RowError(str(script), 0, "another file already gave this id; rename it or list it in the metadata", script.stem))
                continue
        if meta["id"] in used:
            continue
        used.add(meta["id"])
        plan.append((meta["id"], meta, script))
    for work_id, meta in by_id.items():
        if work_id in used:
            continue
        if meta.get("file"):
            report.errors.append(RowError("metadata", 0, f"script file {meta['file']!r} not found", work_id))
            continue
        plan.append((work_id, meta, None))
    return plan


def _document(meta: dict, script: Path | None) -> Document:
    lines = None
    names: tuple[str, ...] = ()
    title = meta.get("title") or ""
    language = meta.get("language")
    h = hashlib.sha256()
    if script is not None:
        lines, lang, names, script_title, raw = _read_script(script)
        language = language or lang
        title = title or script_title or script.stem
        h.update(raw)
    synopsis = meta.get("synopsis") or ""
    language = language or _language_of(f"{title}\n{synopsis}")
    doc = Document(
        id=meta["id"], title=title, language=language, lines=lines, synopsis=synopsis, names=names,
        tags=tuple(meta.get("tags") or ()), episodes=meta.get("episodes"), format=meta.get("format"),
        track=meta.get("track"), release_date=meta.get("release_date"), source=str(script) if script else None,
        plays=tuple(meta.get("plays") or ()),
    )
    h.update(_hash_doc(doc).encode())
    return replace(doc, content_hash=h.hexdigest())


# --------------------------------------------------------------------------------- import
def import_paths(
    catalog: Catalog,
    paths: Iterable[str | Path] = (),
    *,
    metadata: Iterable[str | Path] = (),
    mapper: Callable[[list[list[Document]]], list[list[WorkRecord]]] | None = None,
    progress: Callable[[int, int], None] | None = None,
    max_line_bytes: int = MAX_LINE_BYTES,
    embed: bool = True,
) -> ImportReport:
    """Import scripts (files or folders) and metadata files into ``catalog``.

    ``mapper`` maps the fingerprint function over partitions (the Dask path passes one);
    ``progress(done, total)`` is called after each batch.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "w1.fountain").write_text("INT. HOUSE - DAY\\n\\nBOB\\nHi.\\n")
    >>> import_paths(Catalog("sqlite://"), [d]).imported
    1
    """
    if max_line_bytes < 64:
        raise ConfigError(f"max_line_bytes must be ≥ 64, got {max_line_bytes}")
    report = ImportReport()
    scripts, metas = _gather(paths, metadata)
    if not scripts and not metas:
        raise InputError("nothing to import: no script or metadata files found", hint=f"scripts: {', '.join(SCRIPT_EXTENSIONS)}; metadata: .csv, .jsonl")
    plan = _plan(scripts, metas, report, max_line_bytes)
    run_key = hashlib.sha256(json.dumps(sorted(str(p.resolve()) for p in scripts + metas)).encode()).hexdigest()
    run_id, done = _start_run(catalog, run_key, scripts + metas, report)
    todo = [item for item in plan if item[0] not in done]
    total = len(plan)
    finished = total - len(todo)
    for start in range(0, len(todo), BATCH):
        batch = todo[start : start + BATCH]
        docs: list[Document] = []
        for key, meta, script in batch:
            try:
                docs.append(_document(meta, script))
            except DramalensError as exc:
                report.errors.append(RowError(str(script or "metadata"), 0, exc.message, key))
        stored = catalog.hashes([d.id for d in docs])
        changed = [d for d in docs if stored.get(d.id) != d.content_hash]
        report.unchanged += len(docs) - len(changed)
        parts = [changed[i : i + 64] for i in range(0, len(changed), 64)]
        records = [r for part in (mapper(parts) if mapper else [fingerprint_batch(p) for p in parts]) for r in part]
        with catalog.engine.begin() as conn:  # the batch and its progress commit together
            ins, upd = catalog.upsert(records, connection=conn)
            conn.execute(insert(import_done), [{"run_id": run_id, "item": key} for key, _m, _s in batch])
            conn.execute(update(import_runs).where(import_runs.c.id == run_id).values(processed=finished + len(batch), imported=import_runs.c.imported + ins + upd, unchanged=import_runs.c.unchanged + len(docs) - len(changed)))
        catalog.invalidate()
        report.imported += ins
        report.updated += upd
        finished += len(batch)
        if progress:
            progress(finished, total)
    with catalog.engine.begin() as conn:
        conn.execute(update(import_runs).where(import_runs.c.id == run_id).values(status="done", finished_at=_now(), errors=json.dumps([e.to_dict() for e in report.errors], ensure_ascii=False)))
    if embed and (report.imported or report.updated or catalog.get_model("embedder") is None):
        refresh_embeddings(catalog)
    if catalog.engine.dialect.name == "sqlite":
        # Fold the write-ahead log back into the file, so readers do not wade through it.
        with catalog.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return report


def _start_run(catalog: Catalog, key: str, sources: list[Path], report: ImportReport) -> tuple[int, set[str]]:
    """Resume the last unfinished run over the same sources, or start a new one."""
    with catalog.engine.begin() as conn:
        row = conn.execute(select(import_runs.c.id).where(import_runs.c.key == key, import_runs.c.status == "running").order_by(import_runs.c.id.desc())).first()
        if row is not None:
            report.resumed = True
            report.run_id = row[0]
            done = {r[0] for r in conn.execute(select(import_done.c.item).where(import_done.c.run_id == row[0]))}
            return row[0], done
        result = conn.execute(insert(import_runs).values(key=key, sources=json.dumps([str(s) for s in sources]), status="running", started_at=_now()))
        report.run_id = int(result.inserted_primary_key[0])
        return report.run_id, set()


def refresh_embeddings(catalog: Catalog, embedder=None, *, refit: bool | None = None) -> int:
    """Fit the embedder on the catalog when it has none or the catalog grew by a quarter since,
    then embed every work without an embedding (all of them after a refit). Returns how many.

    >>> refresh_embeddings(Catalog("sqlite://"))
    0
    """
    from .embed import HashedTfidfEmbedder, load_embedder

    ids, texts, langs, has = catalog.texts_for_embedding()
    if not ids:
        return 0
    stored = catalog.get_model("embedder")
    fitted_on = stored[1].get("works", 0) if stored else 0
    if refit is None:
        refit = stored is None or embedder is not None or len(ids) > 1.25 * fitted_on or len(ids) < 0.8 * fitted_on
    if refit:
        embedder = embedder or HashedTfidfEmbedder()
        if hasattr(embedder, "fit_embed"):
            vectors = embedder.fit_embed(texts, langs)
        else:
            vectors = embedder.fit(texts, langs).embed(texts, langs)
        catalog.set_model("embedder", embedder.to_bytes(), {"name": embedder.name, "dim": embedder.dim, "works": len(ids)})
        catalog.set_embeddings(list(zip(ids, vectors)))
        return len(ids)
    else:
        embedder = load_embedder(stored[1]["name"], stored[0])
        todo = [i for i, h in enumerate(has) if not h]
    if not todo:
        return 0
    vectors = embedder.embed([texts[i] for i in todo], [langs[i] for i in todo])
    catalog.set_embeddings([(ids[i], vectors[k]) for k, i in enumerate(todo)])
    return len(todo)

