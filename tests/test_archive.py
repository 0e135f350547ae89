"""Safe zip reading: limits checked before decompression, hostile names refused."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dramalens.errors import InputError
from dramalens.parsing.archive import ZipLimits, open_zip, safe_member_path
from support import make_zip


def test_reads_a_normal_archive():
    data = make_zip({"a.txt": b"hello", "dir/b.xml": b"<x/>"})
    with open_zip(data, source="t.zip") as zf:
        assert zf.names() == ["a.txt", "dir/b.xml"]
        assert zf.has("dir/b.xml") and not zf.has("c")
        assert zf.read("a.txt") == b"hello"
        assert zf.size("a.txt") == 5


def test_missing_member_is_input_error():
    with open_zip(make_zip({"a": b"1"})) as zf, pytest.raises(InputError, match="no member 'b'"):
        zf.read("b")


def test_not_a_zip():
    with pytest.raises(InputError, match="not a .docx file: it is not a zip"):
        open_zip(b"hello world", source="x.docx", what=".docx file")


def test_truncated_zip():
    data = make_zip({"a.txt": b"x" * 1000})
    with pytest.raises(InputError, match="damaged"):
        open_zip(data[: len(data) // 2])


def test_zip_bomb_ratio_refused_before_inflating():
    # 50 MB of zeros compresses to ~50 KB: a ratio of ~1000:1.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("bomb.xml", "w") as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(50):
                fh.write(chunk)
    with pytest.raises(InputError, match="compresses .*:1, over the limit") as info:
        open_zip(buf.getvalue(), source="bomb.docx")
    assert info.value.source == "bomb.docx"
    assert "zip bomb" in info.value.hint


def test_member_size_limit():
    data = make_zip({"big.bin": b"ab" * 5000}, compression=zipfile.ZIP_STORED)
    with pytest.raises(InputError, match="over the limit of 1,000"):
        open_zip(data, limits=ZipLimits(max_member_size=1000))


def test_total_size_limit():
    data = make_zip({f"m{i}": b"x" * 600 for i in range(3)}, compression=zipfile.ZIP_STORED)
    with pytest.raises(InputError, match="holds over 1,000 bytes"):
        open_zip(data, limits=ZipLimits(max_total_size=1000))


def test_member_count_limit():
    data = make_zip({f"m{i}": b"" for i in range(11)})
    with pytest.raises(InputError, match="11 members, over the limit of 10"):
        open_zip(data, limits=ZipLimits(max_members=10))


@pytest.mark.parametrize("name", ["../evil.txt", "a/../../evil", "/etc/passwd", "C:/x", "a\\..\\b"])
def test_path_traversal_refused(name):
    # zipfile cleans some names on write, so store a placeholder of the same length and patch
    # the raw bytes to exactly the hostile name.
    placeholder = "p" * len(name)
    raw = make_zip({placeholder: b"x"}).replace(placeholder.encode(), name.encode())
    with pytest.raises(InputError, match="unsafe path|outside the archive"):
        open_zip(raw)


@pytest.mark.parametrize("name", ["../evil", "/abs", "x/../../y", "C:\\x", ""])
def test_safe_member_path_rejects(name):
    with pytest.raises(InputError):
        safe_member_path(name)


def test_safe_member_path_accepts_nested():
    assert safe_member_path("OEBPS/Text/ch1.xhtml").name == "ch1.xhtml"


def test_duplicate_member_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.xml", b"1")
        with pytest.warns(UserWarning):
            zf.writestr("a.xml", b"2")
    with pytest.raises(InputError, match="twice"):
        open_zip(buf.getvalue())


def test_member_lying_about_its_size_cannot_inflate():
    data = bytearray(make_zip({"a.txt": b"y" * 5000}, compression=zipfile.ZIP_STORED))
    # Shrink the declared size in the central directory only: zipfile then stops at it or
    # reports damage; either way we never return more than was declared.
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24 : cd + 28] = (100).to_bytes(4, "little")
    try:
        with open_zip(bytes(data)) as zf:
            out = zf.read("a.txt")
    except InputError:
        return
    assert len(out) <= 100


def test_limits_validated():
    with pytest.raises(ValueError, match="max_members must be positive"):
        ZipLimits(max_members=0)
    with pytest.raises(TypeError):
        open_zip(make_zip({"a": b""}), limits={"max_members": 3})  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_only_raise_input_error(data):
    try:
        with open_zip(b"PK" + data) as zf:
            for name in zf.names():
                zf.read(name)
    except InputError:
        pass
