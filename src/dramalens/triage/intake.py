"""Receiving scripts: one file or a .zip batch, checked, recorded and queued.

Zip batches are opened with :func:`dramalens.parsing.archive.open_zip` (the one hardened zip
reader: zip-slip, zip bombs, member count and sizes are refused before anything inflates),
with tighter limits for uploads than for .docx files. File names are checked here too: a
name with a path in it is refused, never "cleaned", since a sender who needs ``../`` is not
sending a script.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import PurePosixPath

from sqlalchemy import Connection, insert, select
from sqlalchemy.engine import Engine

from ..errors import ConfigError, InputError
from ..parsing.archive import ZipLimits, open_zip, safe_member_path
from .jobs import enqueue, run_tx
from .models import batches, desks, now, submissions

__all__ = [
    "DEFAULT_INTAKE_LIMITS",
    "IntakeLimits",
    "Receipt",
    "SCRIPT_EXTENSIONS",
    "SubmissionInput",
    "SubmissionMeta",
    "check_filename",
    "ensure_desk",
    "submit",
    "unpack_upload",
]

SCRIPT_EXTENSIONS = (".txt", ".fountain", ".spmd", ".fdx", ".docx", ".md")
FORMATS = ("", "vertical", "horizontal")
_MiB = 1024 * 1024
#: A budget past a trillion yuan is a typo (and past 64 bits no database column holds it).
MAX_BUDGET = 10**12
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class IntakeLimits:
    """Upload limits: bytes of one upload, of one script, scripts a batch, and the zip checks.

    >>> IntakeLimits(max_files=10).max_files
    10
    """

    max_upload_bytes: int = 50 * _MiB
    max_file_bytes: int = 5 * _MiB
    max_files: int = 2_000
    max_total_bytes: int = 500 * _MiB
    max_ratio: float = 100.0

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if value <= 0:
                raise ConfigError(f"IntakeLimits.{name} must be > 0, got {value!r}")

    def zip_limits(self) -> ZipLimits:
        # +50 members of slack for folders and __MACOSX entries that are skipped, not read.
        return ZipLimits(max_members=self.max_files + 50, max_member_size=self.max_file_bytes,
                         max_total_size=self.max_total_bytes, max_ratio=self.max_ratio, ratio_floor=256 * 1024)


DEFAULT_INTAKE_LIMITS = IntakeLimits()


@dataclass(frozen=True, slots=True)
class SubmissionMeta:
    """What the sender declares. ``format``: '', 'vertical' or 'horizontal'; ``budget`` in yuan.

    >>> SubmissionMeta(format="vertical", episodes=80).episodes
    80
    """

    title: str = ""
    format: str = ""
    episodes: int | None = None
    track: str = ""
    synopsis: str = ""
    budget: int | None = None

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ConfigError(f"format must be one of vertical, horizontal (or empty), got {self.format!r}")
        if self.episodes is not None and not (1 <= self.episodes <= 2000):
            raise ConfigError(f"episodes must be between 1 and 2000, got {self.episodes}")
        if self.budget is not None and not 0 <= self.budget <= MAX_BUDGET:
            raise ConfigError(f"budget must be between 0 and {MAX_BUDGET:,} yuan, got {str(self.budget)[:40]}")
        if len(self.title) > 300 or len(self.track) > 60 or len(self.synopsis) > 20_000:
            raise ConfigError("title ≤ 300, track ≤ 60 and synopsis ≤ 20,000 characters")

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class SubmissionInput:
    """What the pipeline gets for one submission: its id, file name, bytes and what the sender
    declared (the :class:`SubmissionMeta` recorded at intake).

    >>> SubmissionInput(1, "a.txt", b"...", SubmissionMeta(title="T")).meta.title
    'T'
    """

    id: int
    filename: str
    content: bytes
    meta: SubmissionMeta = field(default_factory=SubmissionMeta)


@dataclass(frozen=True, slots=True)
class Receipt:
    """What an upload became: the batch, the new submission ids, and the members skipped."""

    batch_id: int
    submission_ids: tuple[int, ...]
    skipped: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, object]:
        return {"batch_id": self.batch_id, "submission_ids": list(self.submission_ids), "skipped": list(self.skipped)}


def check_filename(name: str) -> str:
    """``name`` if it is a plain file name; InputError for paths, traversal or control characters.

    >>> check_filename("第1部.txt")
    '第1部.txt'
    """
    if not isinstance(name, str) or not name.strip():
        raise InputError("the upload has no file name", hint="send the file with its name")
    if _CONTROL.search(name) or "/" in name or "\\" in name or name in (".", ".."):
        raise InputError(f"file name {name!r} is not a plain file name", source=name,
                         hint="send the file without a path in its name")
    if len(name) > 255:
        raise InputError("file name longer than 255 characters", source=name[:60])
    return unicodedata.normalize("NFC", name)


def _is_script(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() in SCRIPT_EXTENSIONS


def unpack_upload(filename: str, data: bytes, limits: IntakeLimits = DEFAULT_INTAKE_LIMITS) -> tuple[list[tuple[str, bytes]], list[str]]:
    """The scripts in one upload as (name, bytes), and the names skipped (not scripts).

    A ``.zip`` is a batch; any other file is one script.

    >>> unpack_upload("a.txt", "第1集".encode())[0][0][0]
    'a.txt'
    """
    name = check_filename(filename)
    if len(data) > limits.max_upload_bytes:
        raise InputError(f"the upload is {len(data):,} bytes, over the limit of {limits.max_upload_bytes:,}",
                         source=name, hint="split the batch into several zips")
    if not name.lower().endswith(".zip"):
        if not _is_script(name):
            raise InputError(f"unsupported file type {PurePosixPath(name).suffix or '(none)'}", source=name,
                             hint=f"send one of {', '.join(SCRIPT_EXTENSIONS)} or a .zip of them")
        if len(data) > limits.max_file_bytes:
            raise InputError(f"the script is {len(data):,} bytes, over the limit of {limits.max_file_bytes:,}", source=name)
        if not data.strip():
            raise InputError("the file is empty", source=name)
        return [(name, data)], []
    files: list[tuple[str, bytes]] = []
    skipped: list[str] = []
    with open_zip(data, source=name, limits=limits.zip_limits(), what="zip batch") as zf:
        for member in zf.names():
            path = safe_member_path(member, source=name)  # checked again: never trust one layer
            if member.endswith("/") or path.parts[0] == "__MACOSX" or path.name.startswith("."):
                continue
            if not _is_script(member):
                skipped.append(member)
                continue
            if len(files) >= limits.max_files:
                raise InputError(f"the batch has more than {limits.max_files:,} scripts", source=name,
                                 hint="split the batch into several zips")
            payload = zf.read(member)
            if not payload.strip():
                skipped.append(member)
                continue
            files.append((path.as_posix(), payload))
    if not files:
        raise InputError("the zip holds no script files", source=name,
                         hint=f"put {', '.join(SCRIPT_EXTENSIONS)} files in it")
    return files, skipped


def ensure_desk(conn: Connection, name: str) -> int:
    """The id of desk ``name``, created if new (inside the caller's transaction).

    >>> # desk_id = run_tx(engine, lambda conn: ensure_desk(conn, "都市组"))
    """
    found = conn.execute(select(desks.c.id).where(desks.c.name == name)).scalar_one_or_none()
    if found is not None:
        return int(found)
    return int(conn.execute(insert(desks).values(name=name, created_at=now()).returning(desks.c.id)).scalar_one())


def submit(
    engine: Engine,
    files: list[tuple[str, bytes]],
    meta: SubmissionMeta = SubmissionMeta(),
    *,
    desk_id: int,
    by: str,
    batch_name: str = "",
    skipped: list[str] | tuple[str, ...] = (),
) -> Receipt:
    """Record ``files`` as submissions of one batch and queue each for analysis (one transaction).

    The title of each is the declared title for a single file, else the file's stem.

    >>> # submit(engine, [("a.txt", b"...")], SubmissionMeta(track="都市"), desk_id=1, by="ann")
    """
    if not files:
        raise InputError("nothing to submit", hint="give at least one script")
    if not by or len(by) > 100:
        raise ConfigError("the sender's name must be 1-100 characters")

    def work(conn: Connection) -> Receipt:
        t = now()
        batch_id = int(conn.execute(insert(batches).values(
            desk_id=desk_id, name=(batch_name or files[0][0])[:300], submitted_by=by, created_at=t, total=len(files),
        ).returning(batches.c.id)).scalar_one())
        ids: list[int] = []
        for fname, data in files:
            stem = PurePosixPath(fname).stem
            title = meta.title if (meta.title and len(files) == 1) else stem
            sid = conn.execute(insert(submissions).values(
                desk_id=desk_id, batch_id=batch_id, title=title[:300], filename=fname[:300], format=meta.format,
                episodes=meta.episodes, track=meta.track, synopsis=meta.synopsis, budget=meta.budget,
                submitted_by=by, submitted_at=t, content=data, sha256=hashlib.sha256(data).hexdigest(),
                language="", tropes="", score=None, analysis_state="queued", status="new", version=1, updated_at=t,
            ).returning(submissions.c.id)).scalar_one()
            enqueue(conn, int(sid))
            ids.append(int(sid))
        return Receipt(batch_id, tuple(ids), tuple(skipped))

    return run_tx(engine, work)
