"""Real-data evaluation of alias clustering: do a book's names for one person land in one
cluster, and do two people stay apart?

Run: ``PYTHONPATH=src python benchmarks/eval_aliases.py DIR [--json]``

DIR holds the novels (public-domain plain text, as for ``eval_adaptation.py``) and
``aliases.csv`` with the columns ``book_file, person, aliases, note``: one row per person,
``aliases`` the names the book uses for them, ``|``-separated. Nothing in DIR is committed.

Per person: the cluster holding most of their listed names (ties: the one holding the first),
and how many of the listed names are in it (**recall**). **False merges**: pairs of listed
people whose names share a cluster. Baseline in the same run: **containment only** — names
joined when one holds the other (悟空 ⊂ 孙悟空, Elizabeth ⊂ Elizabeth Bennet), which is the
rule a reader without the book's evidence can apply. To compare with an earlier version of the
code, run this script with that version first on ``PYTHONPATH``.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter
from pathlib import Path

from dramalens.adaptation.characters import find_names
from eval_adaptation import load


def containment_clusters(names: list[str]) -> dict[str, str]:
    """The baseline: union names where one contains the other."""
    parent = {n: n for n in names}

    def find(n: str) -> str:
        while parent[n] != n:
            n = parent[n]
        return n

    for a in names:
        for b in names:
            if a != b and len(a) >= 2 and a in b:
                parent[find(a)] = find(b)
    return {n: find(n) for n in names}


def measure(cluster_of: dict[str, str], people: dict[str, list[str]]) -> dict[str, object]:
    per_person: dict[str, dict[str, object]] = {}
    home: dict[str, str | None] = {}
    for person, aliases in people.items():
        votes = Counter(cluster_of[a] for a in aliases if a in cluster_of)
        best = max(votes, key=lambda c: (votes[c], cluster_of.get(aliases[0]) == c), default=None)
        home[person] = best
        found = [a for a in aliases if best is not None and cluster_of.get(a) == best]
        per_person[person] = {"found": len(found), "listed": len(aliases),
                              "missing": [a for a in aliases if a not in found]}
    false = sorted({tuple(sorted((p, q))) for p in people for q in people
                    if p != q and home[p] is not None and home[p] == home[q]})
    found_total = sum(int(str(v["found"])) for v in per_person.values())
    listed_total = sum(int(str(v["listed"])) for v in per_person.values())
    return {"recall": round(found_total / listed_total, 3), "found": found_total, "listed": listed_total,
            "false_merges": [list(p) for p in false], "people": per_person}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir", type=Path)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    with open(args.dir / "aliases.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    results = []
    for book in dict.fromkeys(r["book_file"] for r in rows):
        people = {r["person"]: r["aliases"].split("|") for r in rows if r["book_file"] == book}
        novel = load(args.dir / book)
        text = "\n".join(c.text for c in novel.chapters)
        t = time.perf_counter()
        index = find_names(text, novel.language, min_count=3)
        seconds = time.perf_counter() - t
        ours = index.alias_map()
        listed = sorted({a for aliases in people.values() for a in aliases})
        # The baseline clusters every listed name the book uses at least 3 times (more than
        # our reader finds as names: a generous baseline).
        base = containment_clusters([a for a in listed if text.count(a) >= 3])
        lead = next(iter(people))
        lead_cluster = next((c for c in index.clusters if lead in (c[0], *c[1]) or ours.get(lead) == c[0]), None)
        results.append({
            "book": book, "seconds": round(seconds, 2), "ours": measure(ours, people),
            "containment": measure(base, people),
            "lead_cluster": list(lead_cluster[1]) + [lead_cluster[0]] if lead_cluster else [],
        })
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return 0
    for r in results:
        print(f"{r['book']} ({r['seconds']} s)")
        for name in ("ours", "containment"):
            m = r[name]
            assert isinstance(m, dict)
            print(f"  {name:12s} recall {m['found']}/{m['listed']} = {m['recall']:.3f}   false merges {len(m['false_merges'])}"
                  f" {m['false_merges']}")
            for person, v in m["people"].items():
                print(f"      {person}: {v['found']}/{v['listed']} missing {v['missing']}")
        print(f"  lead cluster: {r['lead_cluster']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
