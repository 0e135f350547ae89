"""Test helpers shared by several test files (not a test module: pytest does not collect it).

Kept in one place so a sample script or a helper changes once for every test that uses it.
"""

from __future__ import annotations

import io
import zipfile

#: A two-episode Chinese script in the industry's plain-text layout: episode markers, scene
#: heads, a cast list, action, dialogue with a parenthetical, and a 【卡点】 cliffhanger mark.
ZH_TWO_EPISODES = """第1集
1-1 日 内 客厅
人物：林晚、顾沉
△林晚推门而入，环顾四周。
林晚：你到底是谁？
顾沉（冷笑）：我是你的亲生父亲。
1-2 夜 外 街道
△顾沉转身离开。突然，一辆车冲了过来。
林晚：等等——
【卡点】
第2集
2-1 日 内 公司
△林晚坐在办公桌前。
林晚：今天天气不错。
"""


def make_zip(members: dict[str, bytes | str], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """An in-memory zip archive holding ``members`` (name → bytes, or text stored as UTF-8), in that order.

    >>> zipfile.ZipFile(io.BytesIO(make_zip({"a.txt": b"hi"}))).read("a.txt")
    b'hi'
    """
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return buf.getvalue()


def make_gbk_zip(members: dict[str, bytes]) -> bytes:
    """A zip as Windows' own zip tool writes it on a Chinese system: GBK names, no UTF-8 flag."""
    buf = io.BytesIO()
    placeholders = {}
    with zipfile.ZipFile(buf, "w") as zf:
        for i, (name, data) in enumerate(members.items()):
            raw = name.encode("gbk")
            stand_in = f"{i:0{len(raw)}d}".encode() if not name.isascii() else raw
            placeholders[stand_in] = raw
            zf.writestr(stand_in.decode(), data)
    out = buf.getvalue()
    for stand_in, raw in placeholders.items():
        out = out.replace(stand_in, raw)
    return out
