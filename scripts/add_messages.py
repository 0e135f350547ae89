"""Append new keys to both message catalogues (src/dramalens/locale/{en,zh}/LC_MESSAGES/dramalens.po).

    python scripts/add_messages.py FILE.toml

FILE.toml holds one table per key: ``["ev.weak_ending"]`` with ``en = "…"`` and ``zh = "…"``.
A key already in a catalogue with the same text is left alone; with a different text the run
stops, so a new entry never silently changes a label another page relies on.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[1] / "src" / "dramalens" / "locale"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main(path: str) -> None:
    entries = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    for lang in ("en", "zh"):
        po = LOCALE / lang / "LC_MESSAGES" / "dramalens.po"
        with po.open("rb") as handle:
            have = {str(m.id): str(m.string) for m in read_po(handle) if m.id}
        added = []
        for key, texts in entries.items():
            text = texts[lang]
            if key in have:
                if have[key] != text:
                    sys.exit(f"{lang}: {key} already says {have[key]!r}, not {text!r}")
                continue
            added.append(f"\nmsgid {_quote(key)}\nmsgstr {_quote(text)}\n")
        with po.open("a", encoding="utf-8") as out:
            out.write("".join(added))
        print(f"{lang}: {len(added)} added")


if __name__ == "__main__":
    main(sys.argv[1])
