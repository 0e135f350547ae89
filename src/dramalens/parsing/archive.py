"""Reading zip archives (.docx, .epub, .fadein, upload batches) without trusting them.

Every check runs on the central directory before a byte is decompressed: member count,
declared sizes, compression ratio, names that would escape a folder, encryption, duplicate
names. Reads are then capped at the declared size, so a member that lies about its size
cannot inflate past the limits either. Anything refused raises one clear
:class:`~dramalens.errors.InputError`.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import asdict, dataclass
from pathlib import PurePosixPath

from ..errors import InputError

__all__ = ["DEFAULT_LIMITS", "SafeZip", "ZipLimits", "member_name", "open_zip", "safe_member_path"]

_MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ZipLimits:
    """Limits an archive must stay within.

    ``max_ratio`` applies to members over ``ratio_floor`` bytes: small XML parts compress
    20-50:1 legitimately, and a small member cannot do harm whatever its ratio.

    >>> ZipLimits(max_members=10).max_members
    10
    """

    max_members: int = 5_000
    max_member_size: int = 100 * _MiB
    max_total_size: int = 300 * _MiB
    max_ratio: float = 200.0
    ratio_floor: int = 1 * _MiB

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if value <= 0:
                raise ValueError(f"ZipLimits.{name} must be positive, got {value!r}")

    def to_dict(self) -> dict[str, int | float]:
        return asdict(self)


DEFAULT_LIMITS = ZipLimits()

_DRIVE = re.compile(r"^[A-Za-z]:")


def safe_member_path(name: str, *, source: str | None = None) -> PurePosixPath:
    """The member's relative path, or InputError when it could escape the folder it is
    extracted to (absolute, ``..``, a drive letter, backslashes, NUL).

    >>> safe_member_path("word/document.xml").parts
    ('word', 'document.xml')
    """
    if not name or "\x00" in name or "\\" in name or name.startswith("/") or _DRIVE.match(name):
        raise InputError(f"archive member {name!r} has an unsafe path", source=source, hint="the archive may be hostile; re-export it")
    path = PurePosixPath(name)
    if any(part == ".." for part in path.parts):
        raise InputError(f"archive member {name!r} points outside the archive", source=source, hint="the archive may be hostile; re-export it")
    return path


class SafeZip:
    """A zip archive that passed :func:`open_zip`'s checks; read members with :meth:`read`."""

    def __init__(self, zf: zipfile.ZipFile, limits: ZipLimits, source: str | None):
        self._zf = zf
        self.limits = limits
        self.source = source
        self._infos = {info.filename: info for info in zf.infolist()}

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._zf.close()

    def names(self) -> list[str]:
        """Member names in archive order (folders included, as the archive lists them)."""
        return list(self._infos)

    def has(self, name: str) -> bool:
        return name in self._infos

    def size(self, name: str) -> int:
        """The declared uncompressed size of ``name``."""
        return self._member(name).file_size

    def read(self, name: str) -> bytes:
        """The bytes of one member, read in chunks and never past its declared size."""
        info = self._member(name)
        out = bytearray()
        try:
            with self._zf.open(info) as fh:
                while True:
                    chunk = fh.read(64 * 1024)
                    if not chunk:
                        break
                    out += chunk
                    if len(out) > info.file_size or len(out) > self.limits.max_member_size:
                        raise InputError(
                            f"archive member {name!r} inflates past its declared size",
                            source=self.source,
                            hint="the archive is corrupt or hostile",
                        )
        except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
            raise InputError(f"archive member {name!r} cannot be read: {exc}", source=self.source, hint="the archive is corrupt; re-export it") from exc
        except Exception as exc:  # zlib.error and friends from a damaged stream
            if isinstance(exc, InputError):
                raise
            raise InputError(f"archive member {name!r} cannot be read: {exc}", source=self.source, hint="the archive is corrupt; re-export it") from exc
        return bytes(out)

    def _member(self, name: str) -> zipfile.ZipInfo:
        try:
            return self._infos[name]
        except KeyError:
            raise InputError(f"the archive has no member {name!r}", source=self.source) from None


def _what_key(what: str) -> str:
    """The catalogue key naming what an archive should have been (``.epub file`` → ``archive.epub``)."""
    return "archive." + what.split()[0].lstrip(".")


def open_zip(data: bytes, *, source: str | None = None, limits: ZipLimits = DEFAULT_LIMITS, what: str = "zip archive") -> SafeZip:
    """Open ``data`` as a zip after checking it against ``limits``.

    ``what`` names the expected kind of file in error messages (``".docx file"``).

    >>> import io, zipfile
    >>> buf = io.BytesIO(); zipfile.ZipFile(buf, "w").writestr("a.txt", "hi")
    >>> open_zip(buf.getvalue()).read("a.txt")
    b'hi'
    """
    if not isinstance(limits, ZipLimits):
        raise TypeError(f"limits must be a ZipLimits, got {type(limits).__name__}")
    if not data.startswith(b"PK"):
        raise InputError(f"not a {what}: it is not a zip archive", source=source, hint="check that the file is what its extension says",
                         key="err.not_zip", params=(("what_key", _what_key(what)),))
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise InputError(f"not a {what}: the zip archive is damaged ({exc})", source=source, hint="re-export or re-download the file",
                         key="err.zip_damaged", params=(("what_key", _what_key(what)), ("detail", str(exc)[:200]))) from exc
    for info in infos:
        info.filename = member_name(info)
    try:
        _check(infos, limits, source)
    except InputError:
        zf.close()
        raise
    return SafeZip(zf, limits, source)


_UTF8_FLAG = 0x800
_HAN = re.compile(r"[\u3400-\u9fff]")


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it.

    Without the UTF-8 flag, :mod:`zipfile` reads a name as cp437, but Windows' own zip tool
    writes the system code page: on a Chinese Windows that is GBK, so ``第一部.txt`` arrives as
    ``╡┌╥╗▓┐.txt``. Such a name is re-read as GBK when its bytes decode as GBK and hold Han
    characters (a real cp437 name — accented Latin — rarely does both).

    >>> info = zipfile.ZipInfo("第一部.txt".encode("gbk").decode("cp437"))
    >>> member_name(info)
    '第一部.txt'
    """
    name = info.filename
    if info.flag_bits & _UTF8_FLAG or name.isascii():
        return name
    try:
        raw = name.encode("cp437")
        redecoded = raw.decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return name
    return redecoded if _HAN.search(redecoded) else name


def _check(infos: list[zipfile.ZipInfo], limits: ZipLimits, source: str | None) -> None:
    hint = "the archive may be a zip bomb; it is refused before anything is decompressed"
    if len(infos) > limits.max_members:
        raise InputError(f"the archive has {len(infos):,} members, over the limit of {limits.max_members:,}", source=source, hint=hint)
    seen: set[str] = set()
    total = 0
    for info in infos:
        safe_member_path(info.filename, source=source)
        if info.filename in seen:
            raise InputError(f"the archive lists member {info.filename!r} twice", source=source, hint="the archive is corrupt or hostile")
        seen.add(info.filename)
        if info.flag_bits & 0x1:
            raise InputError(f"archive member {info.filename!r} is encrypted", source=source, hint="save the file without a password")
        if info.file_size > limits.max_member_size:
            raise InputError(
                f"archive member {info.filename!r} is {info.file_size:,} bytes uncompressed, over the limit of {limits.max_member_size:,}",
                source=source,
                hint=hint,
            )
        if info.file_size > limits.ratio_floor:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_ratio:
                raise InputError(
                    f"archive member {info.filename!r} compresses {ratio:,.0f}:1, over the limit of {limits.max_ratio:,.0f}:1",
                    source=source,
                    hint=hint,
                )
        total += info.file_size
        if total > limits.max_total_size:
            raise InputError(
                f"the archive holds over {limits.max_total_size:,} bytes uncompressed",
                source=source,
                hint=hint,
            )
