"""Build a Chinese same-story retrieval set from NiuTrans/Classical-Modern (MIT): each tale of a
collection of classical Chinese stories (e.g. 搜神记, 搜神后记) in its original classical wording
and in a modern vernacular translation written by a different person, as a ``pairs.csv`` that
``eval_catalog.py retrieval DIR --set pairs.csv`` (and ``all``) reads: columns group, id, lang,
text; the two tellings of a tale share a group (ids have no slashes: the catalog refuses them).

    python benchmarks/make_zh_classical_pairs.py REPO_GIT_DIR OUT_DIR --book 搜神记 --book 搜神后记

REPO_GIT_DIR is a clone (or bare snapshot) of NiuTrans/Classical-Modern; files are read with
``git show`` so no work tree is needed. The repository gives the classical text one tale a line
(古文原文/<book>/<volume>/text.txt) and the translation sentence-aligned (双语数据/<book>/<volume>/
source.txt, target.txt); a tale's translation is the target lines of the source lines found in
that tale. Tales whose sentences cover less than 90% of them, and tales shorter than
``--min-chars`` classical characters (one-line notes, not stories), are left out and counted.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import re
import subprocess
import sys
from pathlib import Path

# whitespace, quotation marks and bracketed editors' notes: the two files disagree on them
_DROP = re.compile("\\s+|[\u201c\u201d\u2018\u2019\u300c\u300d\u300e\u300f\"']|\uff08[^\uff09]*\uff09|\\([^)]*\\)")


def _show(repo: Path, path: str) -> str:
    out = subprocess.run(["git", "-C", str(repo), "show", f"HEAD:{path}"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def _volumes(repo: Path, book: str) -> list[str]:
    out = subprocess.run(["git", "-C", str(repo), "-c", "core.quotepath=off", "ls-tree", "-d", "--name-only", f"HEAD:双语数据/{book}"],
                         capture_output=True, check=True)
    return [v for v in out.stdout.decode("utf-8").splitlines() if v]


def _norm(s: str) -> str:
    return _DROP.sub("", s)


def tales(repo: Path, book: str, min_chars: int) -> tuple[list[tuple[str, str, str]], dict[str, int]]:
    """(tale id, classical text, modern translation) per tale, and counts of what was left out.

    Each classical sentence of the bitext is looked up in the volume's running text, in order;
    it belongs to the tale it is found in, and so does its translation."""
    kept: list[tuple[str, str, str]] = []
    skipped = {"unaligned": 0, "short": 0}
    for vol in _volumes(repo, book):
        try:
            paras = [p.strip() for p in _show(repo, f"古文原文/{book}/{vol}/text.txt").splitlines() if p.strip()]
        except subprocess.CalledProcessError:
            continue
        src = [s.strip() for s in _show(repo, f"双语数据/{book}/{vol}/source.txt").splitlines()]
        tgt = [s.strip() for s in _show(repo, f"双语数据/{book}/{vol}/target.txt").splitlines()]
        if len(src) != len(tgt):
            skipped["unaligned"] += len(paras)
            continue
        norm = [_norm(p) for p in paras]
        bounds: list[int] = []
        full = ""
        for p in norm:
            bounds.append(len(full))
            full += p
        covered = [0] * len(paras)
        parts: list[list[str]] = [[] for _ in paras]
        at = 0
        for s, t in zip(src, tgt):
            key = _norm(s)
            if not key:
                continue
            hit = full.find(key, at, at + len(key) + 400)
            if hit < 0:
                continue
            n = bisect.bisect_right(bounds, hit) - 1
            covered[n] += len(key)
            parts[n].append(t)
            at = hit + len(key)
        for n, para in enumerate(paras):
            if len(norm[n]) < min_chars:
                skipped["short"] += 1
            elif covered[n] < 0.9 * len(norm[n]):
                skipped["unaligned"] += 1
            else:
                kept.append((f"{book}-{vol}-{n + 1:03d}", para, "".join(parts[n])))
    return kept, skipped


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("repo", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--book", action="append", required=True)
    ap.add_argument("--min-chars", type=int, default=60)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    for book in args.book:
        kept, skipped = tales(args.repo, book, args.min_chars)
        print(f"{book}: {len(kept)} tales kept, {skipped['unaligned']} under 90% aligned, {skipped['short']} under {args.min_chars} characters", file=sys.stderr)
        for tid, classical, modern in kept:
            rows.append({"group": tid, "id": f"{tid}-classical", "lang": "zh", "text": classical})
            rows.append({"group": tid, "id": f"{tid}-modern", "lang": "zh", "text": modern})
    with (args.out / "pairs.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["group", "id", "lang", "text"])
        w.writeheader()
        w.writerows(rows)
    print(f"{len(rows)} documents written to {args.out / 'pairs.csv'}", file=sys.stderr)


if __name__ == "__main__":
    main()
