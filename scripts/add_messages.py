"""Append new keys to both message catalogues (src/dramalens/locale/{en,zh}/LC_MESSAGES/dramalens.po).

    python scripts/add_messages.py FILE.toml
    python scripts/add_messages.py --from-old-i18n OLD_I18N.py

FILE.toml holds one table per key: ``["ev.weak_ending"]`` with ``en = "…"`` and ``zh = "…"``.
``--from-old-i18n`` reads a ``web/i18n.py`` of the time before the catalogue (its ``MESSAGES``
and ``STATUS_LABELS`` dicts, e.g. ``git show BRANCH:src/dramalens/web/i18n.py``) and adds the keys
the catalogues lack: a branch that added labels the old way merges by running this once.
A key already in a catalogue with the same text is left alone; with a different text the run
stops, so a new entry never silently changes a label another page relies on.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[1] / "src" / "dramalens" / "locale"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def old_entries(path: str) -> dict[str, dict[str, str]]:
    """Key → {en, zh} from the old dict-based ``web/i18n.py`` (read with ``ast``, not run)."""
    tables: dict[str, dict[str, dict[str, str]]] = {}
    for node in ast.parse(Path(path).read_text(encoding="utf-8")).body:
        target = node.target if isinstance(node, ast.AnnAssign) else node.targets[0] if isinstance(node, ast.Assign) else None
        if isinstance(target, ast.Name) and target.id in ("MESSAGES", "STATUS_LABELS") and node.value is not None:
            tables[target.id] = ast.literal_eval(node.value)
    out: dict[str, dict[str, str]] = {}
    for name, prefix in (("MESSAGES", ""), ("STATUS_LABELS", "status.")):
        table = tables.get(name, {})
        for key, en in table.get("en", {}).items():
            out[prefix + key] = {"en": en, "zh": table.get("zh", {}).get(key, en)}
        for key, zh in table.get("zh", {}).items():  # zh-only keys (plot functions): English is the id
            out.setdefault(prefix + key, {"en": key.split(".", 1)[-1], "zh": zh})
    return out


def main(path: str, old: bool = False) -> None:
    entries = old_entries(path) if old else tomllib.loads(Path(path).read_text(encoding="utf-8"))
    for lang in ("en", "zh"):
        po = LOCALE / lang / "LC_MESSAGES" / "dramalens.po"
        with po.open("rb") as handle:
            have = {str(m.id): str(m.string) for m in read_po(handle) if m.id}
        added = []
        for key, texts in entries.items():
            text = texts[lang]
            if key in have:
                if have[key] != text and not old:
                    sys.exit(f"{lang}: {key} already says {have[key]!r}, not {text!r}")
                continue  # an old file's text for a key the catalogue has: the catalogue wins
            added.append(f"\nmsgid {_quote(key)}\nmsgstr {_quote(text)}\n")
        with po.open("a", encoding="utf-8") as out:
            out.write("".join(added))
        print(f"{lang}: {len(added)} added")


if __name__ == "__main__":
    if sys.argv[1] == "--from-old-i18n":
        main(sys.argv[2], old=True)
    else:
        main(sys.argv[1])
