"""Bad input: each case through ``dramalens.parse`` and through ``dramalens parse FILE``.

The CLI must answer exit code 2 and exactly one line on stderr naming the file; the library
must raise :class:`~dramalens.errors.InputError` naming it.
"""

from __future__ import annotations

import os
import pathlib
import random
import subprocess
import sys

import pytest

import dramalens
from dramalens.cli import main
from dramalens.errors import InputError
from dramalens.model import ElementType as T

SCRIPT = "第1集 重逢\n1-1 日 内 咖啡馆\n人物：林晚、顾言\n△林晚推门而入。\n顾言（冷笑）：你终于肯来了。\n林晚：我是来还东西的。\n"


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["parse", *args])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_error_line(code: int, err: str, path: pathlib.Path, *words: str) -> None:
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(path) in lines[0] and lines[0].startswith("dramalens: error:")
    for word in words:
        assert word in lines[0]


def write(tmp_path: pathlib.Path, name: str, data: bytes) -> pathlib.Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("data", [b"", b"\n  \n\t\n"], ids=["zero-bytes", "whitespace"])
def test_empty_file(tmp_path, capsys, data):
    path = write(tmp_path, "empty.txt", data)
    with pytest.raises(InputError, match="empty") as info:
        dramalens.parse(path)
    assert info.value.source == str(path)
    assert_one_error_line(*run_cli(capsys, str(path))[::2], path, "empty")


def test_binary_file(tmp_path, capsys):
    rng = random.Random(7)
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rng.randrange(256) for _ in range(8000))
    path = write(tmp_path, "picture.txt", data)
    with pytest.raises(InputError) as info:
        dramalens.parse(path)
    assert info.value.source == str(path)
    assert_one_error_line(*run_cli(capsys, str(path))[::2], path)


def test_huge_file_refused_by_size_before_reading(tmp_path, capsys, monkeypatch):
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse: no 200 MB written
    real_open = pathlib.Path.open

    def guarded_open(self, *args, **kwargs):
        if self == path:
            raise AssertionError("the huge file was opened for reading")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", guarded_open)
    with pytest.raises(InputError, match="over the limit") as info:
        dramalens.parse(path)
    assert "209,715,200" in info.value.message and info.value.hint
    assert_one_error_line(*run_cli(capsys, str(path))[::2], path, "over the limit")


def test_truncated_utf8_keeps_the_text_and_warns(tmp_path, capsys):
    data = SCRIPT.encode("utf-8") + "顾言：等".encode("utf-8")[:-1]  # cut inside the last character
    path = write(tmp_path, "cut.txt", data)
    script = dramalens.parse(path)
    assert script.encoding == "utf-8"
    assert any("middle of a UTF-8 character" in w.message for w in script.warnings)
    assert [e for e in script.element_stream() if e[0] == "dialogue"][:2] == [
        ("dialogue", "你终于肯来了。", "顾言"), ("dialogue", "我是来还东西的。", "林晚")
    ]
    code, out, err = run_cli(capsys, str(path))
    assert code == 0 and out.count("\n") >= 5
    warnings = [line for line in err.splitlines() if "middle of a UTF-8 character" in line]
    assert len(warnings) == 1 and str(path) in warnings[0]


def test_gbk_bytes_forced_as_utf8_is_a_clear_error(tmp_path, capsys):
    path = write(tmp_path, "gbk.txt", SCRIPT.encode("gbk"))
    with pytest.raises(InputError, match="not valid utf-8: byte") as info:
        dramalens.parse(path, encoding="utf-8")
    assert "--encoding" in info.value.hint
    assert_one_error_line(*run_cli(capsys, str(path), "--encoding", "utf-8")[::2], path, "not valid utf-8")


def test_gbk_bytes_detected_without_encoding(tmp_path, capsys):
    path = write(tmp_path, "gbk.txt", SCRIPT.encode("gbk"))
    script = dramalens.parse(path)
    assert script.encoding in ("gb18030", "gbk") and script.source_format == "chinese"
    assert script.episodes[0].scenes[0].cast == ("林晚", "顾言")
    code, out, err = run_cli(capsys, str(path))
    assert code == 0 and "你终于肯来了。" in out and err == ""


def test_unknown_encoding_name(tmp_path, capsys):
    path = write(tmp_path, "a.txt", SCRIPT.encode("utf-8"))
    with pytest.raises(InputError, match="unknown encoding"):
        dramalens.parse(path, encoding="klingon-8")
    assert_one_error_line(*run_cli(capsys, str(path), "--encoding", "klingon-8")[::2], path, "unknown encoding")


def test_directory_given_as_file(tmp_path, capsys):
    folder = tmp_path / "scripts"
    folder.mkdir()
    with pytest.raises(InputError, match="directory"):
        dramalens.parse(folder)
    assert_one_error_line(*run_cli(capsys, str(folder))[::2], folder, "directory")


def test_missing_file(tmp_path, capsys):
    path = tmp_path / "nope.txt"
    with pytest.raises(InputError, match="not found"):
        dramalens.parse(path)
    assert_one_error_line(*run_cli(capsys, str(path))[::2], path, "not found")


def test_the_installed_command_exits_2_with_one_line(tmp_path):
    path = write(tmp_path, "empty.txt", b"")
    exe = pathlib.Path(sys.executable).with_name("dramalens")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "dramalens"]
    proc = subprocess.run([*cmd, "parse", str(path)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and str(path) in proc.stderr


def test_good_file_parses_through_cli(tmp_path, capsys):
    path = write(tmp_path, "ok.txt", SCRIPT.encode("utf-8"))
    code, out, err = run_cli(capsys, str(path))
    assert code == 0 and err == ""
    assert '"type": "parenthetical"' in out and '"character": "顾言"' in out
    assert dramalens.parse(path).episodes[0].scenes[0].elements[0].type is T.HEADING
