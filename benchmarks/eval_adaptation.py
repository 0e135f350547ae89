"""Real-data evaluation of the episode planner: how close are its cut points to those of
famous adaptations, beside a uniform split of the same span computed in the same run.

Run: ``PYTHONPATH=src python benchmarks/eval_adaptation.py DIR [--json]``

DIR holds the novels (public-domain plain text) and ``episodes.csv`` with the columns
``book_file, adaptation, episode, first_chapter, last_chapter, note``: one row per episode of a
real adaptation, chapters as ``dramalens chapters`` numbers them. Nothing in DIR is committed.

The cut after episode k is the interval [last_chapter(k), first_chapter(k+1) − 1]: a TV series
that skips chapters (the 1986 西游记 leaves whole stories out) may cut anywhere in that gap.
A predicted cut is the chapter its episode ends in (a mid-chapter cut counts as that chapter,
minus the share of the chapter still to come). Measures, over the N − 1 inner cuts:

- mean absolute boundary error (chapters), k-th predicted cut against the k-th real one;
- boundary F1 within ±1 chapter (one-to-one matching, a real cut matched once).

Baselines in the same run: ``uniform`` (equal numbers of chapters an episode) and
``equal-length`` (the planner with every cue weight at zero: the same runtime bands, cuts at
chapter ends, no tension).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

from dramalens.adaptation import AdaptParams, adapt
from dramalens.adaptation.characters import find_names
from dramalens.adaptation.events import mentions
from dramalens.adaptation.planner import CutParams
from dramalens.adaptation.reading import chapter_paragraphs, read_paragraphs
from dramalens.adaptation.tension import story_breaks
from dramalens.model.novel import Novel
from dramalens.parsing.novel import read_novel

def load(path: Path) -> Novel:
    """The novel as ``dramalens adapt`` reads it (the reader takes site prefixes such as
    ``《》目录 第一回`` off the headings itself)."""
    return read_novel(path)


def real_cuts(rows: list[dict[str, str]]) -> list[tuple[float, float]]:
    rows = sorted(rows, key=lambda r: int(r["episode"]))
    return [(float(a["last_chapter"]), float(b["first_chapter"]) - 1) for a, b in zip(rows, rows[1:])]


def distance(x: float, cut: tuple[float, float]) -> float:
    lo, hi = cut
    return 0.0 if lo <= x <= hi else min(abs(x - lo), abs(x - hi))


def scores(pred: list[float], real: list[tuple[float, float]]) -> dict[str, float]:
    mae = sum(distance(p, r) for p, r in zip(pred, real)) / len(real)
    used: set[int] = set()
    hits = 0
    for p in pred:
        best = min((i for i in range(len(real)) if i not in used), key=lambda i: distance(p, real[i]), default=None)
        if best is not None and distance(p, real[best]) <= 1.0:
            used.add(best)
            hits += 1
    precision, recall = hits / len(pred), hits / len(real)
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return {"mae_chapters": round(mae, 2), "f1_pm1": round(f1, 3)}


def plan_cuts_of(novel: Novel, episodes: int, span: tuple[int, int], params: AdaptParams) -> list[float]:
    plan = adapt(novel, "horizontal", episodes=episodes, minutes=10, span=f"{span[0]}-{span[1]}", params=params)
    sizes = {c.number: len(chapter_paragraphs(c.text, novel.language)) for c in novel.chapters}
    out = []
    for e in plan.episodes[:-1]:
        share = e.end.paragraph / max(sizes[e.end.chapter], 1)
        out.append(e.end.chapter - 1 + share)
    return out


def _auc(scored: dict[int, float], positive: set[int]) -> float:
    pos = [v for c, v in scored.items() if c in positive]
    neg = [v for c, v in scored.items() if c not in positive]
    if not pos or not neg:
        return float("nan")
    return sum((p > n) + 0.5 * (p == n) for p in pos for n in neg) / (len(pos) * len(neg))


def signal_auc(novel: Novel, rows: list[dict[str, str]]) -> dict[str, float]:
    """How well each cut signal ranks the chapter ends an adaptation cuts at above those it
    does not (AUC over the span's chapter ends): the cue-based ending strength (plus half the
    next opening, as the objective adds them) and the change of cast (``story_breaks``)."""
    span = (min(int(r["first_chapter"]) for r in rows), max(int(r["last_chapter"]) for r in rows))
    cut_at = {int(c) for lo, hi in real_cuts(rows) for c in range(int(lo), int(hi) + 1)}
    paragraphs = [p for p in read_paragraphs(novel) if span[0] <= p.chapter <= span[1]]
    names = find_names("\n".join(c.text for c in novel.chapters), novel.language).alias_map()
    found = mentions(paragraphs, names, novel.language)
    lead = found.counts[0][0] if found.counts else None
    breaks = story_breaks(paragraphs, found.per_paragraph, lead)
    ending: dict[int, float] = {}
    change: dict[int, float] = {}
    for i, p in enumerate(paragraphs[:-1]):
        if paragraphs[i + 1].chapter != p.chapter:
            ending[p.chapter] = p.ending + 0.5 * paragraphs[i + 1].opening
            change[p.chapter] = breaks[i]
    return {"ending_auc": round(_auc(ending, cut_at), 3), "cast_change_auc": round(_auc(change, cut_at), 3)}


GRID_CUE = (1.0, 0.5, 0.0)
GRID_BREAK = (0.0, 0.25, 0.5, 1.0, 2.0)


def leave_one_out(args: argparse.Namespace, rows: list[dict[str, str]]) -> int:
    """Choose (cue_weight, break_weight) on every adaptation but one, report on that one: no
    figure comes from weights chosen on its own book."""
    books = list(dict.fromkeys((r["book_file"], r["adaptation"]) for r in rows))
    table: dict[tuple[str, str], dict[tuple[float, float], dict[str, float]]] = {}
    baselines: dict[tuple[str, str], dict[str, dict[str, float]]] = {}
    for book, adaptation in books:
        mine = [r for r in rows if r["book_file"] == book and r["adaptation"] == adaptation]
        novel = load(args.dir / book)
        span = (min(int(r["first_chapter"]) for r in mine), max(int(r["last_chapter"]) for r in mine))
        real, n = real_cuts(mine), len(mine)
        width = (span[1] - span[0] + 1) / n
        uniform = [float(round(span[0] - 1 + width * k)) for k in range(1, n)]
        equal = plan_cuts_of(novel, n, span, AdaptParams(cuts=CutParams(cue_weight=0.0)))
        baselines[(book, adaptation)] = {"uniform": scores(uniform, real), "equal_length": scores(equal, real),
                                         "signals": signal_auc(novel, mine)}
        table[(book, adaptation)] = {
            (c, b): scores(plan_cuts_of(novel, n, span, AdaptParams(cuts=CutParams(cue_weight=c, break_weight=b))), real)
            for c in GRID_CUE for b in GRID_BREAK
        }
    out = []
    for held in books:
        train = [b for b in books if b != held]

        def loss(key: tuple[float, float]) -> tuple[float, float]:
            return (sum(table[b][key]["mae_chapters"] for b in train), -sum(table[b][key]["f1_pm1"] for b in train))

        chosen = min(table[held], key=loss)
        out.append({"held_out": held[0], "adaptation": held[1], "chosen_on": [b[0] for b in train],
                    "cue_weight": chosen[0], "break_weight": chosen[1], "planner": table[held][chosen],
                    "default_planner": table[held][(1.0, CutParams().break_weight)], **baselines[held],
                    "grid": {f"cue={c},break={b}": v for (c, b), v in table[held].items()}})
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    for r in out:
        print(f"{r['held_out']} — {r['adaptation']}: weights chosen on {', '.join(r['chosen_on'])}: "
              f"cue {r['cue_weight']}, break {r['break_weight']}")
        for name in ("planner", "default_planner", "equal_length", "uniform"):
            s = r[name]
            print(f"  {name:15s} MAE {s['mae_chapters']:5.2f} chapters   F1±1 {s['f1_pm1']:.3f}")
        sig = r["signals"]
        print(f"  chapter-end AUC: cue ending {sig['ending_auc']:.3f}, change of cast {sig['cast_change_auc']:.3f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir", type=Path)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--loo", action="store_true", help="choose the cut weights leaving each adaptation out")
    args = ap.parse_args(argv)
    with open(args.dir / "episodes.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if args.loo:
        return leave_one_out(args, rows)
    results = []
    for (book, adaptation) in dict.fromkeys((r["book_file"], r["adaptation"]) for r in rows):
        mine = [r for r in rows if r["book_file"] == book and r["adaptation"] == adaptation]
        novel = load(args.dir / book)
        span = (min(int(r["first_chapter"]) for r in mine), max(int(r["last_chapter"]) for r in mine))
        n = len(mine)
        real = real_cuts(mine)
        t = time.perf_counter()
        planned = plan_cuts_of(novel, n, span, AdaptParams())
        seconds = time.perf_counter() - t
        equal = plan_cuts_of(novel, n, span, AdaptParams(cuts=CutParams(cue_weight=0.0)))
        width = (span[1] - span[0] + 1) / n
        uniform = [span[0] - 1 + width * k for k in range(1, n)]
        uniform = [float(round(u)) for u in uniform]
        results.append({
            "book": book, "adaptation": adaptation, "chapters": len(novel.chapters), "span": list(span), "episodes": n,
            "planner": scores(planned, real), "uniform": scores(uniform, real), "equal_length": scores(equal, real),
            "plan_seconds": round(seconds, 2),
            "planned_cuts": [round(p, 1) for p in planned], "real_cuts": [list(r) for r in real],
        })
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        for r in results:
            print(f"{r['book']} — {r['adaptation']}: {r['episodes']} episodes over chapters {r['span'][0]}-{r['span'][1]} "
                  f"(plan {r['plan_seconds']} s)")
            for name in ("planner", "equal_length", "uniform"):
                s = r[name]
                print(f"  {name:13s} MAE {s['mae_chapters']:5.2f} chapters   F1±1 {s['f1_pm1']:.3f}")
    return 0



if __name__ == "__main__":
    sys.exit(main())
