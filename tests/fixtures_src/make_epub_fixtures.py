"""Generate the .epub inputs of tests/novels/ with zipfile (no e-book library needed).

Run from the repository root, then regenerate the expected .chapters.json twins (after
reading the diff):

    .venv/bin/python tests/fixtures_src/make_epub_fixtures.py
    DRAMALENS_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_novel.py -k golden

The builders are also imported by tests/test_novel.py (hostile archives are built there and
never written to disk).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "novels"
# A fixed timestamp so regenerating a file gives the same bytes.
STAMP = (2026, 1, 1, 0, 0, 0)

CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="{opf}" media-type="application/oebps-package+xml"/></rootfiles>
</container>"""


def xhtml(body: str, title: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">\n'
        f"<head><title>{title}</title><style>p {{ text-indent: 2em; }}</style></head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def opf(title: str, author: str, language: str, items: list[tuple[str, str, str]], spine: list[str], *, ncx: str = "", version: str = "3.0") -> str:
    """items: (id, href, properties); spine: ids in reading order."""
    manifest = []
    for item_id, href, props in items:
        media = "application/x-dtbncx+xml" if href.endswith(".ncx") else "image/png" if href.endswith(".png") else "application/xhtml+xml"
        extra = f' properties="{props}"' if props else ""
        manifest.append(f'    <item id="{item_id}" href="{href}" media-type="{media}"{extra}/>')
    refs = "\n".join(f'    <itemref idref="{i}"/>' for i in spine)
    toc = f' toc="{ncx}"' if ncx else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<package xmlns="http://www.idpf.org/2007/opf" version="{version}" unique-identifier="id">\n'
        '  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        f"    <dc:identifier id=\"id\">urn:uuid:dramalens-test</dc:identifier>\n    <dc:title>{title}</dc:title>\n"
        f"    <dc:creator>{author}</dc:creator>\n    <dc:language>{language}</dc:language>\n  </metadata>\n"
        f"  <manifest>\n" + "\n".join(manifest) + f"\n  </manifest>\n  <spine{toc}>\n{refs}\n  </spine>\n</package>\n"
    )


def ncx(points: list) -> str:
    """points: (label, src, children) nested."""
    counter = iter(range(1, 10_000))

    def render(nodes: list, depth: int) -> str:
        pad = "  " * depth
        out = []
        for label, src, children in nodes:
            n = next(counter)
            out.append(
                f'{pad}<navPoint id="p{n}" playOrder="{n}"><navLabel><text>{label}</text></navLabel><content src="{src}"/>\n'
                + render(children, depth + 1)
                + f"{pad}</navPoint>"
            )
        return "\n".join(out) + ("\n" if out else "")

    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">\n'
        "<head/><docTitle><text>t</text></docTitle>\n<navMap>\n" + render(points, 1) + "</navMap>\n</ncx>\n"
    )


def nav(points: list) -> str:
    def render(nodes: list) -> str:
        items = []
        for label, href, children in nodes:
            inner = f"<ol>{render(children)}</ol>" if children else ""
            items.append(f'<li><a href="{href}">{label}</a>{inner}</li>')
        return "".join(items)

    return xhtml(f'<nav epub:type="toc" id="toc"><h1>目录</h1><ol>{render(points)}</ol></nav>', "目录")


def build(files: dict[str, str | bytes], *, opf_path: str = "OEBPS/content.opf", container: bool = True) -> bytes:
    """An .epub's bytes: mimetype first and stored, as the format asks, then the other files."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype", STAMP), "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        if container:
            z.writestr(zipfile.ZipInfo("META-INF/container.xml", STAMP), CONTAINER.format(opf=opf_path), compress_type=zipfile.ZIP_DEFLATED)
        for name, content in files.items():
            z.writestr(zipfile.ZipInfo(name, STAMP), content, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def paragraphs(*lines: str) -> str:
    return "\n".join(f"<p>{line}</p>" for line in lines)


# -- the fixtures -------------------------------------------------------------------------------


def epub3_nav_zh() -> bytes:
    """EPUB 3 with a nav TOC, a cover, a copyright page and a chapter split over two files."""
    chapters = {
        "Text/ch1.xhtml": xhtml("<h2>第一章 雨夜</h2>" + paragraphs("　　雨下了一整夜。", "　　林晚站在窗前，手里攥着那封信。")),
        "Text/ch1b.xhtml": xhtml(paragraphs("　　天亮时，她终于拆开了信封。")),
        "Text/ch2.xhtml": xhtml("<h2>第二章 &#x91CD;逢</h2>" + paragraphs("　　“好久不见。”顾沉说。", "作者有话要说：", "谢谢大家的收藏！")),
        "Text/ch3.xhtml": xhtml("<h2>尾声</h2>" + paragraphs("　　多年以后，她仍记得那个雨夜。")),
    }
    files = {
        "OEBPS/Images/cover.png": b"\x89PNG\r\n\x1a\n" + bytes(64),
        "OEBPS/Text/cover.xhtml": xhtml('<div><img src="../Images/cover.png" alt=""/></div>'),
        "OEBPS/Text/copyright.xhtml": xhtml(paragraphs("雨夜重逢", "版权所有 © 2026 测试出版社", "ISBN 978-0-00-000000-0")),
        "OEBPS/nav.xhtml": nav([("第一章 雨夜", "Text/ch1.xhtml", []), ("第二章 重逢", "Text/ch2.xhtml", []), ("尾声", "Text/ch3.xhtml", [])]),
        **{f"OEBPS/{k}": v for k, v in chapters.items()},
    }
    files["OEBPS/content.opf"] = opf(
        "雨夜重逢", "测试作者", "zh-CN",
        [("cover-img", "Images/cover.png", "cover-image"), ("cover", "Text/cover.xhtml", ""), ("copyright", "Text/copyright.xhtml", ""),
         ("nav", "nav.xhtml", "nav"), ("c1", "Text/ch1.xhtml", ""), ("c1b", "Text/ch1b.xhtml", ""), ("c2", "Text/ch2.xhtml", ""), ("c3", "Text/ch3.xhtml", "")],
        ["cover", "copyright", "nav", "c1", "c1b", "c2", "c3"],
    )
    return build(files)


def epub2_ncx_parts_en() -> bytes:
    """EPUB 2 with a nested NCX: parts holding chapters, part title pages, an epilogue."""
    files = {
        "OEBPS/toc.ncx": ncx([
            ("Part One: The Storm", "part1.xhtml", [("Chapter 1: Landfall", "c1.xhtml", []), ("Chapter 2: The Lighthouse", "c2.xhtml", [])]),
            ("Part Two: The Calm", "part2.xhtml", [("Chapter 3: Morning", "c3.xhtml", [])]),
            ("Epilogue", "epi.xhtml", []),
        ]),
        "OEBPS/part1.xhtml": xhtml("<h1>Part One</h1><h2>The Storm</h2>"),
        "OEBPS/c1.xhtml": xhtml("<h1>Chapter 1</h1><h2>Landfall</h2>" + paragraphs("The boat struck the rocks at midnight.", "Mara swam for the light.")),
        "OEBPS/c2.xhtml": xhtml("<h1>Chapter 2: The Lighthouse</h1>" + paragraphs("The keeper had not spoken in years.")),
        "OEBPS/part2.xhtml": xhtml("<h1>Part Two: The Calm</h1>"),
        "OEBPS/c3.xhtml": xhtml("<h1>Chapter 3: Morning</h1>" + paragraphs("The sea lay flat as glass.", "P.S. Thanks for reading!")),
        "OEBPS/epi.xhtml": xhtml("<h1>Epilogue</h1>" + paragraphs("Years later, the light still turned.")),
    }
    ids = ["part1", "c1", "c2", "part2", "c3", "epi"]
    files["OEBPS/content.opf"] = opf("The Keeper", "A. Tester", "en", [("ncx", "toc.ncx", "")] + [(i, f"{i}.xhtml", "") for i in ids], ids, ncx="ncx", version="2.0")
    return build(files)


def epub_anchors_en() -> bytes:
    """One document holding every chapter, the NCX pointing at anchors (Gutenberg style)."""
    body = (
        '<h1>The Small Book</h1><p class="by">by Nobody</p>'
        '<h2 id="ch1">I. A Beginning</h2>' + paragraphs("It began on a Tuesday.", "Nobody noticed.")
        + '<h2><a id="ch2"></a>II. A Middle</h2>' + paragraphs("By Thursday, everybody had.")
        + '<h2 id="ch3">III. An End</h2>' + paragraphs("And on Friday it was over.")
    )
    files = {
        "book/text.html": xhtml(body),
        "book/toc.ncx": ncx([("I. A Beginning", "text.html#ch1", []), ("II. A Middle", "text.html#ch2", []), ("III. An End", "text.html#ch3", [])]),
    }
    files["book/package.opf"] = opf("The Small Book", "Nobody", "en", [("ncx", "toc.ncx", ""), ("text", "text.html", "")], ["text"], ncx="ncx", version="2.0")
    return build(files, opf_path="book/package.opf")


def epub_headings_zh() -> bytes:
    """No TOC at all: titles come from each document's h1."""
    files = {
        "a.xhtml": xhtml("<h1>楔子</h1>" + paragraphs("　　很久很久以前，山里有座庙。")),
        "b.xhtml": xhtml("<h1>第1章 下山</h1>" + paragraphs("　　小和尚下山了。", "　　他第一次看见集市。")),
        "c.xhtml": xhtml("<h1>第2章 进城</h1>" + paragraphs("　　城门很高。")),
    }
    files["content.opf"] = opf("下山记", "佚名", "zh", [(k[0], k, "") for k in ("a.xhtml", "b.xhtml", "c.xhtml")], ["a", "b", "c"])
    return build(files, opf_path="content.opf")


def epub_onefile_zh() -> bytes:
    """A .txt poured into one document: no TOC, no headings; the text rules split it."""
    lines = ["目录", "第一章 开端", "第二章 发展", "第一章 开端", "　　故事从这里开始。", "　　天很蓝。", "第二章 发展", "　　后来发生了很多事。"]
    files = {"Text/all.xhtml": xhtml(paragraphs(*lines))}
    files["content.opf"] = opf("一文到底", "某人", "zh", [("all", "Text/all.xhtml", "")], ["all"])
    return build(files, opf_path="content.opf")


def epub_flat_volumes_zh() -> bytes:
    """A flat nav listing volumes among chapters; a volume page with a 卷首语; a landmarks nav;
    an afterword with no TOC entry (its h1 names it)."""
    files = {
        "OEBPS/v1.xhtml": xhtml("<h1>第一卷 潜龙</h1>"),
        "OEBPS/c1.xhtml": xhtml("<h2>第一章 出山</h2>" + paragraphs("　　他下山了。")),
        "OEBPS/c2.xhtml": xhtml("<h2>第二章 入世</h2>" + paragraphs("　　他进城了。")),
        "OEBPS/v2.xhtml": xhtml("<h1>第二卷 飞龙</h1>" + paragraphs("卷首语：龙飞于天。")),
        "OEBPS/c3.xhtml": xhtml("<h2>第一章 登基</h2>" + paragraphs("　　他称帝了。")),
        "OEBPS/after.xhtml": xhtml("<h1>后记</h1>" + paragraphs("谢谢读到这里的你。")),
    }
    ids = ["v1", "c1", "c2", "v2", "c3", "after"]
    toc = nav([("第一卷 潜龙", "v1.xhtml", []), ("第一章 出山", "c1.xhtml", []), ("第二章 入世", "c2.xhtml", []),
               ("第二卷 飞龙", "v2.xhtml", []), ("第一章 登基", "c3.xhtml", [])])
    files["OEBPS/nav.xhtml"] = toc.replace("</body>", '<nav epub:type="landmarks"><ol><li><a href="c1.xhtml">开始阅读</a></li></ol></nav>\n</body>')
    files["OEBPS/content.opf"] = opf("龙", "某", "zh", [(i, f"{i}.xhtml", "") for i in ids] + [("nav", "nav.xhtml", "nav")], ids)
    return build(files)


def epub_sections_onefile_zh() -> bytes:
    """Twelve sections inside one spine item, each under its own h2 with a plain title (no
    chapter number); the TOC names only the book: the item's headings split it."""
    titles = ["山门", "雪夜", "旧友", "渡口", "长亭", "灯会", "夜雨", "归途", "孤城", "春水", "远行", "尾灯"]
    body = "<h1>十二夜</h1>" + "".join(f"<h2>{t}</h2>" + paragraphs(f"　　{t}这一夜，他走了很远的路。") for t in titles)
    files = {"OEBPS/book.xhtml": xhtml(body), "OEBPS/nav.xhtml": nav([("十二夜", "book.xhtml", [])])}
    files["OEBPS/content.opf"] = opf("十二夜", "某", "zh", [("book", "book.xhtml", ""), ("nav", "nav.xhtml", "nav")], ["book"])
    return build(files)


FIXTURES = {
    "epub_sections_onefile_zh.epub": epub_sections_onefile_zh,
    "epub3_nav_zh.epub": epub3_nav_zh,
    "epub2_ncx_parts_en.epub": epub2_ncx_parts_en,
    "epub_anchors_en.epub": epub_anchors_en,
    "epub_headings_zh.epub": epub_headings_zh,
    "epub_onefile_zh.epub": epub_onefile_zh,
    "epub_flat_volumes_zh.epub": epub_flat_volumes_zh,
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, builder in FIXTURES.items():
        (OUT / name).write_bytes(builder())
        print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
