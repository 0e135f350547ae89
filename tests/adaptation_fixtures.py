"""Short novels written for the adaptation tests, with planted structure: a lead with known
aliases, turns at known chapters, a character who arrives late."""

from __future__ import annotations

ZH_TURNS = (2, 5, 9)
ZH_LATE = 7

_ZH_CALM = (
    "林晚走在街上，看着天边的晚霞。",
    "她想起小时候的事，心里一阵温暖。",
    "林晚道：“今天天气真好。”",
    "阿晚收拾好桌子，把书放回架上。",
    "林小姐，隔壁的王婶笑着招呼她，送来一篮青菜。",
)
_ZH_TURN = "林晚盯着那封信，手在发抖。原来顾沉竟然是当年的凶手！"
_ZH_LATE_LINE = "沈墨推开门走了进来，看着众人。沈墨道：“我回来了。”"


def zh_novel(chapters: int = 12, turns: tuple[int, ...] = ZH_TURNS, late: int = ZH_LATE, repeat: int = 1) -> str:
    """A Chinese novel: 林晚 (also 阿晚, 林小姐) in every chapter, a reveal closing each
    chapter in ``turns``, 沈墨 from chapter ``late`` on; ``repeat`` lengthens the chapters."""
    parts = ["晚霞\n作者：测试\n"]
    for c in range(1, chapters + 1):
        body = list(_ZH_CALM) * repeat
        if c >= late:
            body.insert(1, _ZH_LATE_LINE)
        if c in turns:
            body.append(_ZH_TURN)
        parts.append(f"第{c}章 风起\n" + "\n".join(_dated(line, f"第{c}天，") for line in body))
    return "\n\n".join(parts) + "\n"


def _dated(line: str, day: str) -> str:
    """The line told on a given day: a real novel does not repeat a sentence word for word in
    every chapter (the novel reader drops such lines as a site's header or footer)."""
    if line[0] in "“\"":
        return line
    return day + (line[0].lower() + line[1:] if line[0].isascii() and not line.startswith(("Mr.", "Elizabeth", "Everyone")) else line)


EN_TURNS = (3, 6)


def en_novel(chapters: int = 9, turns: tuple[int, ...] = EN_TURNS) -> str:
    """An English novel: Elizabeth Bennet (Elizabeth, Lizzy, Miss Bennet) throughout, Mr.
    Darcy from chapter 2, a reveal closing each chapter in ``turns``."""
    calm = (
        "The morning was quiet at Longbourn, and the garden smelled of rain.",
        "Elizabeth Bennet walked along the lane with a book under her arm.",
        '"What a fine day," said Lizzy to her sister.',
        "Everyone agreed that Miss Bennet had never looked so well.",
        "Elizabeth smiled and went back into the house.",
    )
    parts = []
    for c in range(1, chapters + 1):
        body = list(calm)
        if c >= 2:
            body.append("Mr. Darcy stood by the window and said nothing at all.")
        if c in turns:
            body.append("Then the letter fell open. The truth was out: it was you all along?")
        parts.append(f"Chapter {c}\n\n" + "\n\n".join(_dated(line, f"On day {c}, ") for line in body))
    return "Quiet Lanes\n\n" + "\n\n".join(parts) + "\n"
