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

from ..errors import ConfigError, DramalensError, InputError
from ..i18n import Message, Param
from ..parsing.archive import ZipLimits, open_zip, safe_member_path
from ..parsing.source import decode_bytes
from .jobs import enqueue, run_tx
from .models import batches, contents, desks, now, submissions

__all__ = [
    "DEFAULT_INTAKE_LIMITS",
    "IntakeLimits",
    "Receipt",
    "SCRIPT_EXTENSIONS",
    "SkippedMember",
    "SubmissionInput",
    "SubmissionMeta",
    "check_filename",
    "ensure_desk",
    "submit",
    "unpack_upload",
    "skipped_for_error",
    "unreadable_reason",
    "unreadable_why",
]

SCRIPT_EXTENSIONS = (".txt", ".fountain", ".spmd", ".fdx", ".docx", ".md")
FORMATS = ("", "vertical", "horizontal")
_MiB = 1024 * 1024
#: A budget past a trillion yuan is a typo (and past 64 bits no database column holds it).
MAX_BUDGET = 10**12
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: Members that are archives themselves: named apart from other non-scripts, since the sender's
#: fix differs (unpack it and send its scripts) and an inner zip is never opened (bomb nesting).
ARCHIVE_EXTENSIONS = (".zip", ".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz")


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
            raise ConfigError(f"format must be one of vertical, horizontal (or empty), got {self.format!r}", key="err.bad_choice",
                              params=(("name_key", "format"), ("allowed", "vertical, horizontal"), ("got", self.format[:40])))
        if self.episodes is not None and not (1 <= self.episodes <= 2000):
            raise ConfigError(f"episodes must be between 1 and 2000, got {self.episodes}", key="err.episodes_range",
                              params=(("got", str(self.episodes)[:40]),))
        if self.budget is not None and not 0 <= self.budget <= MAX_BUDGET:
            raise ConfigError(f"budget must be between 0 and {MAX_BUDGET:,} yuan, got {str(self.budget)[:40]}", key="err.budget_range",
                              params=(("max", MAX_BUDGET), ("got", str(self.budget)[:40])))
        if len(self.title) > 300 or len(self.track) > 60 or len(self.synopsis) > 20_000:
            raise ConfigError("title ≤ 300, track ≤ 60 and synopsis ≤ 20,000 characters", key="err.meta_lengths")

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
class SkippedMember:
    """A member of an upload that was not taken, and why: ``reason_key`` and ``params`` say it
    in the reader's language (the receipt page), ``detail`` is the English sentence the JSON
    receipt and the logs have always carried.

    >>> s = SkippedMember("a.exe", "skip.not_script", "not a script file: .exe", (("kind", ".exe"),))
    >>> str(s), s.message.render(__import__("dramalens.i18n").i18n.translator("zh"))
    ('a.exe (not a script file: .exe)', '不是剧本文件（.exe）')
    """

    name: str
    reason_key: str
    detail: str
    params: tuple[tuple[str, Param], ...] = ()

    @property
    def message(self) -> Message:
        return Message(self.reason_key, self.params)

    def __str__(self) -> str:
        return f"{self.name} ({self.detail})"


def skipped_for_error(name: str, exc: DramalensError) -> SkippedMember:
    """``name`` skipped because reading it raised ``exc`` (a whole file of a folder batch): the
    error's own key when it has one, else its English sentence inside ``skip.refused``."""
    if exc.key:
        return SkippedMember(name, exc.key, exc.message, exc.params)
    return SkippedMember(name, "skip.refused", exc.message, (("detail", exc.message),))


@dataclass(frozen=True, slots=True)
class Receipt:
    """What an upload became: the batch, the new submission ids (``accepted`` names them, in the
    same order), the members skipped (:class:`SkippedMember`, each with its reason) and the
    duplicates: (file, id of the submission already holding the same content on this desk).
    ``to_dict`` writes a skipped member as ``"name (why)"`` in English, as API clients read it.

    >>> Receipt(3, (7,), accepted=("a.txt",), duplicates=(("b.txt", 5),)).to_dict()["duplicates"]
    [{'file': 'b.txt', 'submission_id': 5}]
    """

    batch_id: int
    submission_ids: tuple[int, ...]
    skipped: tuple[SkippedMember, ...] = field(default_factory=tuple)
    accepted: tuple[str, ...] = field(default_factory=tuple)
    duplicates: tuple[tuple[str, int], ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, object]:
        return {"batch_id": self.batch_id, "submission_ids": list(self.submission_ids), "skipped": [str(s) for s in self.skipped],
                "accepted": [{"file": f, "submission_id": i} for f, i in zip(self.accepted, self.submission_ids)],
                "duplicates": [{"file": f, "submission_id": i} for f, i in self.duplicates]}


def check_filename(name: str) -> str:
    """``name`` if it is a plain file name; InputError for paths, traversal or control characters.

    >>> check_filename("第1部.txt")
    '第1部.txt'
    """
    if not isinstance(name, str) or not name.strip():
        raise InputError("the upload has no file name", hint="send the file with its name", key="err.no_filename")
    if _CONTROL.search(name) or "/" in name or "\\" in name or name in (".", ".."):
        raise InputError(f"file name {name!r} is not a plain file name", source=name, key="err.bad_filename", params=(("name", name[:100]),),
                         hint="send the file without a path in its name")
    if len(name) > 255:
        raise InputError("file name longer than 255 characters", source=name[:60], key="err.long_filename")
    return unicodedata.normalize("NFC", name)


def _is_script(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() in SCRIPT_EXTENSIONS


def unreadable_why(name: str, data: bytes) -> tuple[str, str] | None:
    """Why ``data`` cannot be a script named ``name`` as (catalogue key, English sentence), None
    when it can: empty, a text type that is not text in any encoding we read (random bytes renamed
    .txt), a .docx without a zip header.

    Checked at intake, so such a file is refused with its reason at once instead of being queued
    and failing three times in the workers.

    >>> unreadable_why("a.txt", "第1集".encode()) is None, unreadable_why("a.txt", b"  ")
    (True, ('skip.empty', 'the file is empty'))
    """
    if not data.strip():
        return "skip.empty", "the file is empty"
    suffix = PurePosixPath(name).suffix.lower()
    if suffix == ".docx":
        return None if data.startswith(b"PK\x03\x04") else ("skip.not_docx", "not a .docx (no zip header)")
    if suffix in SCRIPT_EXTENSIONS:
        try:
            text = decode_bytes(data, name=name)[0]
        except InputError as exc:
            return "skip.not_text", f"not text: {exc.message}"
        if _binary_share(text) > 0.05:
            return "skip.binary", "not text: it holds binary data (control characters)"
    return None


def unreadable_reason(name: str, data: bytes) -> str | None:
    """The English sentence of :func:`unreadable_why` (None when ``data`` can be read).

    >>> unreadable_reason("a.txt", b"  ")
    'the file is empty'
    """
    why = unreadable_why(name, data)
    return None if why is None else why[1]


def _binary_share(text: str) -> float:
    # charset-normalizer maps most random bytes to *some* encoding; control characters give it away.
    sample = text[:20_000]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or 0x80 <= ord(ch) < 0xA0 or ch == "\ufffd")
    return bad / len(sample)


def unpack_upload(filename: str, data: bytes,
                  limits: IntakeLimits = DEFAULT_INTAKE_LIMITS) -> tuple[list[tuple[str, bytes]], list[SkippedMember]]:
    """The scripts in one upload as (name, bytes), and the members skipped (not scripts) with why.

    A ``.zip`` is a batch; any other file is one script.

    >>> unpack_upload("a.txt", "第1集".encode())[0][0][0]
    'a.txt'
    """
    name = check_filename(filename)
    if len(data) > limits.max_upload_bytes:
        raise InputError(f"the upload is {len(data):,} bytes, over the limit of {limits.max_upload_bytes:,}",
                         key="err.too_big", params=(("limit", limits.max_upload_bytes),),
                         source=name, hint="split the batch into several zips")
    if not name.lower().endswith(".zip"):
        if not _is_script(name):
            kind = PurePosixPath(name).suffix or "(none)"
            raise InputError(f"unsupported file type {kind}", source=name,
                             hint=f"send one of {', '.join(SCRIPT_EXTENSIONS)} or a .zip of them",
                             key="err.unsupported_type", params=(("kind", kind), ("allowed", " ".join(SCRIPT_EXTENSIONS))))
        if len(data) > limits.max_file_bytes:
            raise InputError(f"the script is {len(data):,} bytes, over the limit of {limits.max_file_bytes:,}", source=name,
                             key="err.script_too_big", params=(("size", len(data)), ("limit", limits.max_file_bytes)))
        why = unreadable_why(name, data)
        if why is not None:
            raise InputError(f"{name} cannot be read as a script: {why[1]}", source=name,
                             hint="send the script as text (.txt .fountain .fdx .md) or .docx",
                             key="err.unreadable_script", params=(("name", name), ("reason_key", why[0])))
        return [(name, data)], []
    files: list[tuple[str, bytes]] = []
    skipped: list[SkippedMember] = []
    with open_zip(data, source=name, limits=limits.zip_limits(), what="zip batch") as zf:
        for member in zf.names():
            path = safe_member_path(member, source=name)  # checked again: never trust one layer
            if member.endswith("/") or path.parts[0] == "__MACOSX" or path.name.startswith("."):
                continue
            if not _is_script(member):
                kind = PurePosixPath(member).suffix.lower()
                key = "skip.nested_archive" if kind in ARCHIVE_EXTENSIONS else "skip.not_script" if kind else "skip.no_extension"
                skipped.append(SkippedMember(member, key, f"not a script file: {kind or '(no extension)'}", (("kind", kind),) if kind else ()))
                continue
            if len(files) >= limits.max_files:
                raise InputError(f"the batch has more than {limits.max_files:,} scripts", source=name,
                                 key="err.too_many_files", params=(("max", limits.max_files),),
                                 hint="split the batch into several zips")
            payload = zf.read(member)
            why = unreadable_why(member, payload)
            if why is not None:
                skipped.append(SkippedMember(member, why[0], why[1]))
                continue
            files.append((path.as_posix(), payload))
    if not files:
        raise InputError("the zip holds no readable script files" + (f"; skipped: {'; '.join(map(str, skipped))}"[:400] if skipped else ""),
                         source=name, hint=f"put {', '.join(SCRIPT_EXTENSIONS)} files in it", key="err.zip_empty",
                         params=(("allowed", " ".join(SCRIPT_EXTENSIONS)),))
    return files, skipped


def _known_hashes(conn: Connection, desk_id: int, hashes: set[str]) -> dict[str, tuple[int, int]]:
    """sha256 → (submission id, batch id) of the contents already on ``desk_id``."""
    found: dict[str, tuple[int, int]] = {}
    chunk = sorted(hashes)
    for i in range(0, len(chunk), 500):  # bound the IN list (SQLite's variable limit)
        q = (select(submissions.c.sha256, submissions.c.id, submissions.c.batch_id)
             .where(submissions.c.desk_id == desk_id, submissions.c.sha256.in_(chunk[i:i + 500]))
             .order_by(submissions.c.id))
        for row in conn.execute(q):
            found.setdefault(str(row.sha256), (int(row.id), int(row.batch_id or 0)))
    return found


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
    skipped: list[SkippedMember] | tuple[SkippedMember, ...] = (),
) -> Receipt:
    """Record ``files`` as submissions of one batch and queue each for analysis (one transaction).

    The title of each is the declared title for a single file, else the file's stem.

    >>> # submit(engine, [("a.txt", b"...")], SubmissionMeta(track="都市"), desk_id=1, by="ann")
    """
    if not files:
        raise InputError("nothing to submit", hint="give at least one script", key="err.nothing_to_submit")
    if not by or len(by) > 100:
        raise ConfigError("the sender's name must be 1-100 characters")

    hashed = [(fname, data, hashlib.sha256(data).hexdigest()) for fname, data in files]

    def work(conn: Connection) -> Receipt:
        t = now()
        # The same content already on this desk (or earlier in this upload) is a duplicate, not a
        # second submission: a client whose upload was cut off can send it again safely.
        known = _known_hashes(conn, desk_id, {sha for _, _, sha in hashed})
        fresh: list[tuple[str, bytes, str]] = []
        duplicates: list[tuple[str, int]] = []
        pending: set[str] = set()
        for fname, data, sha in hashed:
            if sha in known:
                duplicates.append((fname, known[sha][0]))
            elif sha in pending:
                duplicates.append((fname, 0))  # filled in below with the id this upload gives it
            else:
                pending.add(sha)
                fresh.append((fname, data, sha))
        if not fresh:  # nothing new: the receipt points at the batch that holds the first one
            return Receipt(known[hashed[0][2]][1], (), tuple(skipped), (), tuple(duplicates))
        batch_id = int(conn.execute(insert(batches).values(
            desk_id=desk_id, name=(batch_name or files[0][0])[:300], submitted_by=by, created_at=t, total=len(fresh),
        ).returning(batches.c.id)).scalar_one())
        ids: list[int] = []
        new_ids: dict[str, int] = {}
        for fname, data, sha in fresh:
            stem = PurePosixPath(fname).stem
            title = meta.title if (meta.title and len(files) == 1) else stem
            sid = int(conn.execute(insert(submissions).values(
                desk_id=desk_id, batch_id=batch_id, title=title[:300], filename=fname[:300], format=meta.format,
                episodes=meta.episodes, track=meta.track, synopsis=meta.synopsis, budget=meta.budget,
                submitted_by=by, submitted_at=t, sha256=sha,
                language="", tropes="", score=None, analysis_state="queued", status="new", version=1, updated_at=t,
            ).returning(submissions.c.id)).scalar_one())
            conn.execute(insert(contents).values(submission_id=sid, content=data))
            enqueue(conn, sid)
            ids.append(sid)
            new_ids[sha] = sid
        sha_of = {fname: sha for fname, _, sha in hashed}
        dups = tuple((f, i or new_ids[sha_of[f]]) for f, i in duplicates)
        return Receipt(batch_id, tuple(ids), tuple(skipped), tuple(f for f, _, _ in fresh), dups)

    return run_tx(engine, work)
