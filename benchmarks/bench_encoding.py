"""Encoding detection: dramalens' ``decode_bytes`` against charset-normalizer alone, same bytes.

Run it (not a test):  .venv/bin/python benchmarks/bench_encoding.py [--detail]

The cases are the text inputs under tests/golden and tests/novels (each file's bytes as
committed, UTF-8 or not) and
generated ones: the project's own Chinese texts (the Chinese golden scripts, the bundled sample
and the Chinese test novels, in simplified characters, or converted to traditional for Big5)
cut to 20 … 5000 characters at several offsets and encoded as UTF-8 (± BOM), GB18030, GBK,
Big5 and UTF-16 LE/BE (± BOM). A detector is right when the text it returns is the original
text (line ends normalised, BOM dropped); the encoding name it reports does not matter.

charset-normalizer is dramalens' primary detector; ``parsing/source.py`` keeps its own rules
only for the groups this measurement shows charset-normalizer getting wrong. Run this after a
charset-normalizer upgrade: an override whose group charset-normalizer now gets right can go.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
LENGTHS = (5, 10, 20, 30, 40, 60, 100, 200, 500, 1000, 2000, 5000)
OFFSETS = 8  # windows per length, spread over the corpus

#: label → (corpus, codec) of the generated groups: "zh" simplified Chinese, "zh-hant" the same
#: converted to traditional, "en" English Fountain with typographic quotes and dashes. The BOM
#: variants add the mark themselves; "cut" drops the last byte (a file cut mid-character).
ENCODINGS: dict[str, tuple[str, str]] = {
    "utf-8": ("zh", "utf-8"),
    "utf-8 BOM": ("zh", "utf-8-sig"),
    "utf-8 cut": ("zh", "utf-8"),
    "gb18030": ("zh", "gb18030"),
    "gbk": ("zh", "gbk"),
    "big5": ("zh-hant", "big5"),
    "utf-16-le": ("zh", "utf-16-le"),
    "utf-16-be": ("zh", "utf-16-be"),
    "utf-16-le BOM": ("zh", "utf-16"),  # Python writes the little-endian BOM
    "utf-16-be BOM": ("zh", "utf-16-be"),
    "en utf-8": ("en", "utf-8"),
    "en cp1252": ("en", "cp1252"),
    "en utf-16-le": ("en", "utf-16-le"),
    "en utf-16-be": ("en", "utf-16-be"),
}


def _normal(text: str) -> str:
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _read_folder(folder: Path, suffixes: tuple[str, ...]) -> list[str]:
    """Every UTF-8 text file under ``folder`` (real scripts fetched for evaluation; never committed)."""
    texts = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.lower() in suffixes:
            try:
                texts.append(path.read_bytes().decode("utf-8-sig"))
            except UnicodeDecodeError:  # files in other encodings have no known original text
                continue
    return texts


def _corpus(zh_dir: Path | None = None, en_dir: Path | None = None) -> dict[str, str]:
    if zh_dir is not None or en_dir is not None:
        return _converted(_read_folder(zh_dir, (".txt", ".md")) if zh_dir else [],
                          _read_folder(en_dir, (".fountain", ".txt")) if en_dir else [])
    zh = [p.read_text(encoding="utf-8") for p in sorted((GOLDEN / "chinese").glob("*.txt"))]
    zh.append((ROOT / "src" / "dramalens" / "samples" / "zh" / "voice_witness.txt").read_text(encoding="utf-8"))
    for path in sorted((ROOT / "tests" / "novels").glob("zh_*.txt")):
        try:
            zh.append(path.read_bytes().decode("utf-8"))
        except UnicodeDecodeError:  # the novels in other encodings are left to the golden groups
            continue
    en = [p.read_text(encoding="utf-8") for p in sorted((GOLDEN / "fountain").glob("*.fountain"))]
    en.append((ROOT / "src" / "dramalens" / "samples" / "en" / "the_night_shift_heir.fountain").read_text(encoding="utf-8"))
    return _converted(zh, en)


def _converted(zh: list[str], en: list[str]) -> dict[str, str]:
    import opencc

    simplified = _normal("\n".join(zh))
    english = _normal("\n".join(en)).replace("'", "\u2019").replace("--", "\u2014").replace(" cafe", " caf\u00e9")
    return {"zh": simplified, "zh-hant": opencc.OpenCC("s2t").convert(simplified), "en": english}


def _encodable(text: str, codec: str) -> str:
    """``text`` without the characters ``codec`` cannot write (a real file in it has none)."""
    return "".join(ch for ch in text if _can(ch, codec))


def _can(ch: str, codec: str) -> bool:
    try:
        ch.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def generated(zh_dir: Path | None = None, en_dir: Path | None = None, offsets: int = OFFSETS) -> Iterator[tuple[str, int, bytes, str]]:
    """(group, length, bytes, expected text) of every generated case."""
    corpora = _corpus(zh_dir, en_dir)
    for label, (corpus, codec) in ENCODINGS.items():
        if not corpora[corpus]:
            continue
        source = _encodable(corpora[corpus], codec.replace("-sig", ""))
        for length in LENGTHS:
            span = max(1, len(source) - length)
            for k in range(offsets):
                start = span * k // offsets
                text = source[start : start + length].strip() or source[:length]
                data = text.encode(codec)
                if label == "utf-16-be BOM":
                    data = b"\xfe\xff" + data
                if label == "utf-8 cut":
                    text = text.rstrip()
                    if len(text[-1].encode()) == 1:
                        text += "。"
                    data = text.encode(codec)[:-1]
                    text = text[:-1]
                yield label, length, data, text


def golden() -> Iterator[tuple[str, int, bytes, str]]:
    """(``golden/<suite>``, length, bytes, expected text) of every golden text input."""
    for path in sorted(GOLDEN.rglob("*")):
        if path.suffix.lower() not in (".txt", ".fountain"):
            continue
        data = path.read_bytes()
        codec = {"big5_traditional": "big5", "gb18030": "gb18030", "gbk": "gbk", "utf16be_bom": "utf-16",
                 "utf16le_bom": "utf-16", "utf16le_nobom": "utf-16-le", "utf8_bom": "utf-8-sig"}.get(path.stem, "utf-8")
        yield f"golden/{path.parent.name}", len(data), data, _normal(data.decode(codec))
    for path in sorted((ROOT / "tests" / "novels").glob("*.txt")):
        data = path.read_bytes()
        codec = {"zh_big5": "big5", "zh_gb18030": "gb18030", "zh_utf16": "utf-16"}.get(path.stem, "utf-8")
        yield "tests/novels", len(data), data, _normal(data.decode(codec))


def charset_normalizer_alone(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return None if best is None else str(best)


def dramalens_decode(data: bytes) -> str | None:
    from dramalens.errors import DramalensError
    from dramalens.parsing.source import decode_bytes

    try:
        return decode_bytes(data)[0]
    except DramalensError:
        return None


DETECTORS: dict[str, Callable[[bytes], str | None]] = {
    "charset-normalizer": charset_normalizer_alone,
    "dramalens": dramalens_decode,
}


def measure(detectors: dict[str, Callable[[bytes], str | None]] = DETECTORS, *, detail: bool = False,
            zh_dir: Path | None = None, en_dir: Path | None = None, offsets: int = OFFSETS) -> dict[str, dict[str, tuple[int, int]]]:
    """group → detector → (right, cases); prints the wrong cases' group and length with ``detail``.
    With ``zh_dir``/``en_dir`` the windows are cut from those folders' texts instead of the
    project's own (and the golden files are left out)."""
    out: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    real = zh_dir is not None or en_dir is not None
    for group, length, data, expected in [*([] if real else golden()), *generated(zh_dir, en_dir, offsets)]:
        for name, detect in detectors.items():
            got = detect(data)
            ok = got is not None and _normal(got) == expected
            cell = out[group][name]
            cell[0] += ok
            cell[1] += 1
            if detail and not ok:
                print(f"  wrong: {name:20} {group:14} {length:5} chars", file=sys.stderr)
    return {g: {n: (c[0], c[1]) for n, c in row.items()} for g, row in out.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--detail", action="store_true", help="list every wrong case on stderr")
    ap.add_argument("--zh", type=Path, help="cut the Chinese windows from the UTF-8 texts under this folder (real scripts)")
    ap.add_argument("--en", type=Path, help="cut the English windows from the UTF-8 texts under this folder")
    ap.add_argument("--offsets", type=int, default=OFFSETS, help="windows per length (default %(default)s)")
    args = ap.parse_args(argv)
    table = measure(detail=args.detail, zh_dir=args.zh, en_dir=args.en, offsets=args.offsets)
    names = list(DETECTORS)
    print(f"{'group':18}" + "".join(f"{n:>22}" for n in names))
    totals = {n: [0, 0] for n in names}
    for group, row in table.items():
        print(f"{group:18}" + "".join(f"{row[n][0]:>15}/{row[n][1]:<3} ok" for n in names))
        for n in names:
            totals[n][0] += row[n][0]
            totals[n][1] += row[n][1]
    print(f"{'all':18}" + "".join(f"{totals[n][0]:>15}/{totals[n][1]:<3} ok" for n in names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
