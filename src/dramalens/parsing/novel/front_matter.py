"""A novel's title and author, read from the lines before its first chapter."""

from __future__ import annotations

from ...text.normalise import clean_line
from .headings import classify_heading, is_toc_header

__all__ = ["front_matter_metadata"]

# Web-novel site labels that sit where a title page would: never the book's title.
_NOT_TITLES = frozenset({"正文", "正文卷", "正文 卷", "作品相关", "VIP卷", "VIP章节", "免费章节", "序", "简介", "内容简介", "Contents"})
_TITLE_KEYS = ("书名", "書名", "作品名", "作品名称", "标题", "標題", "小说名", "title")
_AUTHOR_KEYS = ("作者", "著者", "author", "by")
_FIELD_MARKS = " :：;；,，|｜/／\\-—·•"


def front_matter_metadata(front: str, *, title_page: bool = True) -> tuple[str, str]:
    """(title, author) read from the lines before the first chapter ("" where absent).

    With ``title_page`` the first short line counts as the title when nothing says so.

    >>> front_matter_metadata("《斗破苍穹》\\n作者：天蚕土豆"), front_matter_metadata("Title: Emma\\nAuthor: Jane Austen")
    (('斗破苍穹', '天蚕土豆'), ('Emma', 'Jane Austen'))
    """
    title = author = ""
    first = ""
    for raw in front.split("\n")[:40]:
        s = clean_line(raw)
        if not s or len(s) > 80:
            continue
        first = first or s
        if not author and 2 < len(s) <= 30 and s.endswith(("著", "著作", "撰")) and s != first:
            author = s.rstrip("著作撰").strip()
            continue
        norm = s.replace("：", ":", 1)
        if norm.startswith(("作者；", "著者；")):  # a site's "作者；某某"
            norm = norm.replace("；", ":", 1)
        key, sep, value = norm.partition(":")
        key_l, value = key.strip().lower(), value.strip()
        if sep and value:
            if not title and key_l in _TITLE_KEYS:
                title = value.strip("《》")
                continue
            if not author and key_l in _AUTHOR_KEYS:
                author = value
                continue
        if not author and s.lower().startswith("by ") and 3 < len(s) <= 50:
            author = s[3:].strip()
        elif not title and s.startswith("《") and "》" in s and s.index("》") > 1:
            # Only a title line: 《书名》 alone or with its author, not a sentence that
            # opens with a book's name (《史记》是他最爱的书).
            rest = s[s.index("》") + 1 :].strip()
            if not rest or rest.startswith(("作者", "著者", "by", "文/", "文／")) or rest.endswith(("著", "著作")) \
                    or (len(rest) <= 16 and not any(ch in "。，！？；,!?;" for ch in rest)):  # 《书名》全集TXT下载
                title = s[1 : s.index("》")]
                if not author and rest.startswith(("作者", "著者")) and len(rest) > 3:
                    author = rest[2:]
                elif not author and rest.startswith(("文/", "文／")):
                    author = rest[2:]
    # Otherwise the first short line is the title, as on a title page ("西游记", "EMMA").
    if title_page and not title and first and len(first) <= 30 and first not in _NOT_TITLES and ":" not in first and "：" not in first and classify_heading(first) is None \
            and not is_toc_header(first) and first[-1] not in "。，！？.,!?\"”":
        title = first.strip("《》")
    # Sites separate fields with ；/｜ and leave one in front of the name (作者；某某).
    return title.strip(), author.strip(_FIELD_MARKS)
