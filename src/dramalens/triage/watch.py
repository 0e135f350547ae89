"""A watched folder: scripts dropped into a folder (a shared drive) are submitted by themselves.

Each poll lists the folder. A file is taken only when its size and mtime are the same as at
the previous poll, so a half-copied file is never read. It then goes through the same intake
as an upload (:func:`~dramalens.triage.intake.unpack_upload`: limits, zip-slip and zip-bomb
refusal; :class:`~dramalens.triage.intake.SubmissionMeta` from an optional sidecar
``NAME.json``) and moves to ``done/``; a file that cannot be taken moves to ``failed/`` with
``NAME.error.txt`` beside it. Nothing is ever deleted.

Never twice: the database is the record. ``submit`` writes the batch and its scripts' hashes
in one transaction, so after a crash between submitting and moving, the next poll finds a
batch of this desk with the same name and the same (file, sha256) set and only moves the file.
A journal inside the folder (``.dramalens-watch/submitted.jsonl``, keyed on the file's
sha256) also catches the same bytes dropped again under another name; an entry counts only
while its batch still exists in the database, so a stale journal never hides a script.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from sqlalchemy import Connection, select
from sqlalchemy.engine import Engine

from ..errors import ConfigError, DramalensError, InputError
from .intake import DEFAULT_INTAKE_LIMITS, IntakeLimits, SubmissionMeta, ensure_desk, submit, unpack_upload
from .jobs import run_tx
from .models import batches, submissions

__all__ = ["FolderWatcher", "ScanReport", "WatchOutcome", "read_sidecar", "watch_once"]

log = logging.getLogger("dramalens.triage.watch")

STATE_DIR = ".dramalens-watch"
DONE, FAILED = "done", "failed"
# Names copy tools and editors use while a file is still being written: never taken, never failed.
_TEMP_SUFFIXES = (".part", ".partial", ".crdownload", ".download", ".tmp", ".swp", ".filepart")
_SIDECAR_FIELDS = ("title", "format", "episodes", "track", "synopsis", "budget")
_MAX_SIDECAR = 256 * 1024


@dataclass(frozen=True, slots=True)
class WatchOutcome:
    """What one poll did with one file: ``action`` is submitted, duplicate, failed or waiting."""

    name: str
    action: str
    batch_id: int | None = None
    submission_ids: tuple[int, ...] = ()
    skipped: tuple[str, ...] = ()
    reason: str = ""

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "action": self.action, "batch_id": self.batch_id,
                "submission_ids": list(self.submission_ids), "skipped": list(self.skipped), "reason": self.reason}


@dataclass(frozen=True, slots=True)
class ScanReport:
    """One poll of the folder; ``busy`` when another watcher held the folder's lock."""

    outcomes: tuple[WatchOutcome, ...] = field(default_factory=tuple)
    busy: bool = False

    def count(self, action: str) -> int:
        """How many files got ``action`` in this poll."""
        return sum(1 for o in self.outcomes if o.action == action)

    def to_dict(self) -> dict[str, object]:
        return {"busy": self.busy, "outcomes": [o.to_dict() for o in self.outcomes],
                "counts": {a: self.count(a) for a in ("submitted", "duplicate", "failed", "waiting")}}


def read_sidecar(data: bytes, *, source: str = "sidecar") -> SubmissionMeta:
    """The metadata of a sidecar file (a JSON object), validated like the web upload form.

    Allowed keys: title, format, episodes, track, synopsis, budget; numbers may be JSON
    numbers or digit strings, as a form sends them.

    >>> read_sidecar(b'{"title": "Bride", "format": "vertical", "episodes": "80"}').episodes
    80
    """
    hint = f"write a JSON object with some of {', '.join(_SIDECAR_FIELDS)}"
    if len(data) > _MAX_SIDECAR:
        raise InputError(f"the sidecar is over {_MAX_SIDECAR:,} bytes", source=source, hint=hint)
    try:
        obj = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError("the sidecar is not UTF-8", source=source, hint=hint) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"the sidecar is not valid JSON: {exc.msg} (line {exc.lineno})", source=source, hint=hint) from None
    if not isinstance(obj, dict):
        raise InputError(f"the sidecar must be a JSON object, got {type(obj).__name__}", source=source, hint=hint)
    unknown = sorted(set(obj) - set(_SIDECAR_FIELDS))
    if unknown:
        raise InputError(f"unknown sidecar keys {unknown}; allowed: {', '.join(_SIDECAR_FIELDS)}", source=source, hint=hint)
    values: dict[str, Any] = {}  # checked field by field below; SubmissionMeta validates the rest
    for key in ("title", "format", "track", "synopsis"):
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            raise InputError(f"sidecar {key} must be a string, got {value!r}"[:200], source=source, hint=hint)
        values[key] = (value or "").strip()
    for key in ("episodes", "budget"):
        values[key] = _whole(obj.get(key), key, source)
    try:
        return SubmissionMeta(**values)
    except ConfigError as exc:
        raise InputError(f"sidecar: {exc.message}", source=source, hint=hint) from None


def _whole(value: object, key: str, source: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise InputError(f"sidecar {key} must be a whole number, got {value!r}"[:200], source=source)
    try:
        return int(value)
    except ValueError:
        raise InputError(f"sidecar {key} must be a whole number, got {value!r}"[:200], source=source) from None


class FolderWatcher:
    """Polls ``folder`` and submits every stable script or .zip to ``desk`` as ``by``.

    >>> # FolderWatcher(engine, "/mnt/inbox", desk="都市组").scan().count("submitted")
    """

    def __init__(self, engine: Engine, folder: str | os.PathLike[str], *, desk: str = "default", by: str = "watch",
                 limits: IntakeLimits = DEFAULT_INTAKE_LIMITS, interval: float = 10.0) -> None:
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise InputError("the watched folder does not exist or is not a folder", source=str(folder),
                             hint="create it, or give the path of the shared folder")
        if not desk or len(desk) > 100:
            raise ConfigError(f"desk must be 1-100 characters, got {desk!r}")
        if not by or len(by) > 100:
            raise ConfigError(f"the sender's name (--by) must be 1-100 characters, got {by!r}")
        if not (0.1 <= interval <= 86_400):
            raise ConfigError(f"interval must be between 0.1 and 86400 seconds, got {interval}")
        self.engine, self.desk, self.by, self.limits, self.interval = engine, desk, by, limits, interval
        self.state = self.folder / STATE_DIR
        try:
            for sub in (self.state, self.folder / DONE, self.folder / FAILED):
                sub.mkdir(exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create {sub.name}/ in the watched folder: {exc.strerror}", source=str(folder),
                             hint="the watcher needs write access to move files to done/ and failed/") from None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- one poll ---------------------------------------------------------------------------

    def scan(self) -> ScanReport:
        """Poll once: take the files that are stable since the last poll (also the last run)."""
        lock = _FolderLock(self.state / "lock")
        if not lock.acquire():
            return ScanReport(busy=True)
        try:
            return self._scan_locked()
        finally:
            lock.release()

    def _scan_locked(self) -> ScanReport:
        seen_path = self.state / "seen.json"
        before = _load_json(seen_path)
        now_seen: dict[str, list[int]] = {}
        for entry in os.scandir(self.folder):
            if entry.is_file(follow_symlinks=False) or entry.is_symlink():
                st = entry.stat(follow_symlinks=False)
                now_seen[entry.name] = [st.st_size, st.st_mtime_ns]
        # Saved before any file is taken, so a crash mid-scan still counts this poll.
        _write_atomic(seen_path, json.dumps(now_seen).encode())
        stable = {n for n, sig in now_seen.items() if before.get(n) == sig}
        desk_id = run_tx(self.engine, lambda conn: ensure_desk(conn, self.desk))
        outcomes: list[WatchOutcome | None] = []
        for name in sorted(now_seen):
            if not _is_candidate(name):
                continue
            sidecar = self._sidecar_of(name, now_seen)
            if name not in stable or (sidecar is not None and sidecar not in stable):
                outcomes.append(WatchOutcome(name, "waiting", reason="still changing since the last poll"))
                continue
            outcomes.append(self._take(name, sidecar, desk_id, now_seen[name]))
        return ScanReport(tuple(o for o in outcomes if o is not None))

    def _sidecar_of(self, name: str, present: dict[str, list[int]]) -> str | None:
        if f"{name}.json" in present:
            return f"{name}.json"
        stem = name.rsplit(".", 1)[0] if "." in name[1:] else name
        # ``ep1.json`` is the sidecar of ``ep1.txt`` only when no other file shares the stem.
        if f"{stem}.json" in present and sum(1 for n in present if _is_candidate(n) and n.rsplit(".", 1)[0] == stem) == 1:
            return f"{stem}.json"
        return None

    def _take(self, name: str, sidecar: str | None, desk_id: int, signature: list[int]) -> WatchOutcome | None:
        path = self.folder / name
        try:
            data, meta = self._read(name, path, sidecar, signature)
            files, skipped = unpack_upload(name, data, self.limits)
        except DramalensError as exc:
            self._fail(name, sidecar, exc.one_line())
            return WatchOutcome(name, "failed", reason=exc.one_line())
        except FileNotFoundError:
            return None  # taken away between the listing and the read: nothing to do
        except _Changed:
            return WatchOutcome(name, "waiting", reason="changed while it was read")
        except OSError as exc:  # permissions, a share gone away: left in place, tried again next poll
            return WatchOutcome(name, "waiting", reason=f"cannot read it now: {exc.strerror or exc}")
        sha = hashlib.sha256(data).hexdigest()
        known = self._known(sha, desk_id, name, files)
        if known is not None:
            self._finish(name, sidecar, sha, known, (), "duplicate")
            return WatchOutcome(name, "duplicate", batch_id=known, reason=f"already submitted as batch {known}")
        receipt = submit(self.engine, files, meta, desk_id=desk_id, by=self.by, batch_name=name, skipped=skipped)
        self._finish(name, sidecar, sha, receipt.batch_id, receipt.submission_ids, "submitted")
        log.info("watch: %s → batch %s (%d scripts)", name, receipt.batch_id, len(receipt.submission_ids))
        # The watcher's outcome is a log line (English), so skipped members go in as "NAME (why)".
        return WatchOutcome(name, "submitted", receipt.batch_id, receipt.submission_ids, tuple(map(str, skipped)))

    def _read(self, name: str, path: Path, sidecar: str | None, signature: list[int]) -> tuple[bytes, SubmissionMeta]:
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            raise InputError(f"file name {name!r} is not valid UTF-8", source=ascii(name),
                             hint="rename the file with a plain UTF-8 name") from None
        if path.is_symlink():
            raise InputError("a symbolic link, not a file: links are never followed", source=name,
                             hint="copy the script itself into the folder")
        is_zip = name.lower().endswith(".zip")
        limit = self.limits.max_upload_bytes if is_zip else self.limits.max_file_bytes
        with open(path, "rb") as fh:  # capped read: a file over the limit is refused unread
            data = fh.read(limit + 1)
            st = os.fstat(fh.fileno())
        if [st.st_size, st.st_mtime_ns] != signature:
            raise _Changed  # written to again after the listing: the next polls decide
        if len(data) > limit:
            raise InputError(f"the file is over the limit of {limit:,} bytes", source=name,
                             hint="split the batch into several zips" if is_zip else "is it really one script?")
        meta = SubmissionMeta()
        if sidecar is not None:
            if (self.folder / sidecar).is_symlink():  # a link could read any file into the metadata
                raise InputError("the sidecar is a symbolic link: links are never followed", source=sidecar)
            with open(self.folder / sidecar, "rb") as fh:
                meta = read_sidecar(fh.read(_MAX_SIDECAR + 1), source=sidecar)
        return data, meta

    # -- never twice ------------------------------------------------------------------------

    def _known(self, sha: str, desk_id: int, name: str, files: list[tuple[str, bytes]]) -> int | None:
        """The batch this drop already became, from the journal or (after a crash) the database."""
        journal = self._journal().get((sha, self.desk))
        want = sorted((f[:300], hashlib.sha256(d).hexdigest()) for f, d in files)

        def work(conn: Connection) -> int | None:
            if journal is not None:
                row = conn.execute(select(batches.c.id).where(batches.c.id == journal, batches.c.desk_id == desk_id)).first()
                if row is not None:
                    return journal
            # batches holds no blobs: scanning it by name is cheap; the hashes are read per candidate.
            for (bid,) in conn.execute(select(batches.c.id).where(batches.c.desk_id == desk_id, batches.c.name == name[:300],
                                                                  batches.c.total == len(files))).all():
                got = conn.execute(select(submissions.c.filename, submissions.c.sha256)
                                   .where(submissions.c.batch_id == bid)).all()
                if sorted(tuple(r) for r in got) == want:
                    return int(bid)
            return None

        return run_tx(self.engine, work)

    def _journal(self) -> dict[tuple[str, str], int]:
        path = self.state / "submitted.jsonl"
        out: dict[tuple[str, str], int] = {}
        try:
            text = path.read_text("utf-8")
        except FileNotFoundError:
            return out
        for line in text.splitlines():
            try:
                rec = json.loads(line)
                out[(rec["sha256"], rec["desk"])] = int(rec["batch_id"])
            except (ValueError, KeyError, TypeError):
                continue  # a line torn by a crash: the database check still covers it
        return out

    def _finish(self, name: str, sidecar: str | None, sha: str, batch_id: int, ids: tuple[int, ...], event: str) -> None:
        rec = {"event": event, "name": name, "sha256": sha, "desk": self.desk, "batch_id": batch_id,
               "submission_ids": list(ids)}
        with open(self.state / "submitted.jsonl", "a", encoding="utf-8") as fh:
            fh.write(json.dumps(rec, ensure_ascii=True) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        # The sidecar first: a crash after it leaves the script, whose batch is then found again.
        target = _free_name(self.folder / DONE, name)
        if sidecar is not None:
            _move(self.folder / sidecar, self.folder / DONE / f"{target}.json")
        _move(self.folder / name, self.folder / DONE / target)

    def _fail(self, name: str, sidecar: str | None, reason: str) -> None:
        target = _free_name(self.folder / FAILED, name)
        (self.folder / FAILED / f"{target}.error.txt").write_text(reason + "\n", encoding="utf-8")
        if sidecar is not None:
            _move(self.folder / sidecar, self.folder / FAILED / f"{target}.json")
        _move(self.folder / name, self.folder / FAILED / target)
        log.warning("watch: %s → failed/: %s", ascii(name), reason)

    # -- running ----------------------------------------------------------------------------

    def run(self) -> None:
        """Poll every ``interval`` seconds until :meth:`stop`; errors are logged, never fatal."""
        while not self._stop.is_set():
            try:
                self.scan()
            except Exception:  # a database or disk outage: retried at the next poll
                log.exception("watch: poll of %s failed", self.folder)
            self._stop.wait(self.interval)

    def start(self) -> None:
        """Run :meth:`run` in a daemon thread (the web server's mode)."""
        self._stop.clear()
        self._thread = threading.Thread(target=self.run, name="dramalens-watch", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the thread to stop after the current poll and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None


def watch_once(engine: Engine, folder: str | os.PathLike[str], *, desk: str = "default", by: str = "watch",
               limits: IntakeLimits = DEFAULT_INTAKE_LIMITS, interval: float = 10.0) -> ScanReport:
    """One poll of ``folder`` (cron, tests): files seen unchanged since the previous poll are taken.

    >>> # watch_once(engine, "/mnt/inbox", desk="都市组", by="drive").to_dict()["counts"]
    """
    return FolderWatcher(engine, folder, desk=desk, by=by, limits=limits, interval=interval).scan()


class _Changed(Exception):
    """The file changed between the listing and the read."""


def _is_candidate(name: str) -> bool:
    low = name.lower()
    return not (name.startswith(".") or name.startswith("~$") or low.endswith(".json") or low.endswith(_TEMP_SUFFIXES))


def _free_name(folder: Path, name: str) -> str:
    """``name``, or ``stem (2).ext`` …: a file already in done/ or failed/ is never overwritten."""
    stem, dot, ext = name.rpartition(".") if "." in name[1:] else (name, "", "")
    candidate, n = name, 1
    while any((folder / c).exists() or (folder / c).is_symlink()
              for c in (candidate, f"{candidate}.json", f"{candidate}.error.txt")):
        n += 1
        candidate = f"{stem} ({n}){dot}{ext}"
    return candidate


def _move(src: Path, dst: Path) -> None:
    # Same folder tree, same file system: rename is atomic; replace is never used (no overwrite).
    if dst.exists() or dst.is_symlink():
        raise FileExistsError(dst)
    os.rename(src, dst)


def _load_json(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class _FolderLock:
    """One watcher per folder at a time (a cron run next to ``serve --watch``): flock, non-blocking."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fh: BinaryIO | None = None

    def acquire(self) -> bool:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no lock, one watcher is documented
            return True
        fh = open(self.path, "a+b")
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            return False
        self.fh = fh
        return True

    def release(self) -> None:
        if self.fh is not None:
            self.fh.close()  # closing drops the flock
            self.fh = None
