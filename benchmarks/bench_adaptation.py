"""Benchmark: plan a generated 2,000-chapter (~10 MB) Chinese web novel on one core; rank a
generated library on one process and on a 2-worker Dask LocalCluster, and check both rankings
are identical.

Run: ``PYTHONPATH=src python benchmarks/bench_adaptation.py [--chapters 2000] [--rank 1000] [--json]``

Times reading (``read_novel``) and planning twice: ``--span auto`` (80 vertical episodes from
the opening arcs, the everyday case) and ``--span all`` in 100 episodes (the whole book, the
worst case for the cut optimisation). The target (issue 12) is under 30 s for the plan.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from dramalens.adaptation import adapt, rank_paths
from dramalens.parsing.novel import read_novel

NAMES = ["林晚", "顾沉", "苏念", "陈默", "白薇", "周衍", "沈墨"]
CALM = [
    "{a}走在街上，看着天边的晚霞，心里想着明天的事。", "{a}道：“今天的事就当没发生过。”",
    "窗外下着小雨，屋里很安静，{a}把书放回架上。", "{a}和{b}坐在院子里喝茶，聊起小时候的趣事。",
    "{b}笑道：“你总是这样，什么都不肯说。”", "夜深了，{a}还在灯下翻看那本旧账册。",
]
TURN = [
    "{a}盯着那封信，手在发抖。原来{b}竟然是当年的凶手！", "{b}冷笑：“你以为我会放过你？”",
    "门被推开，{b}闯了进来——", "{a}终于下定决心：“我要让他们付出代价。”", "没想到，{b}才是{a}的亲生父亲。",
]


def novel_text(chapters: int, seed: int = 7, chars_per_chapter: int = 1700) -> str:
    rng = random.Random(seed)
    parts = ["锦绣长歌\n作者：测试\n"]
    for c in range(1, chapters + 1):
        body, size = [], 0
        while size < chars_per_chapter:
            a, b = rng.sample(NAMES, 2)
            line = rng.choice(TURN if rng.random() < 0.12 else CALM).format(a=a, b=b)
            body.append(line)
            size += len(line)
        parts.append(f"第{c}章 风云{c}\n" + "\n".join(body))
    return "\n\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--chapters", type=int, default=2000)
    ap.add_argument("--rank", type=int, default=0, help="Also rank a library of this many generated novels.")
    ap.add_argument("--rank-chapters", type=int, default=40, help="Chapters of each ranked novel (~1,700 characters each).")
    ap.add_argument("--skip-plan", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    out: dict[str, float | int | bool] = {}
    if args.rank:
        with tempfile.TemporaryDirectory() as tmp:
            for i in range(args.rank):
                Path(tmp, f"novel{i:05d}.txt").write_text(novel_text(args.rank_chapters, seed=i), encoding="utf-8")
            out["rank_novels"] = args.rank
            t = time.perf_counter()
            here = rank_paths([tmp])
            out["rank_one_process_s"] = round(time.perf_counter() - t, 1)
            t = time.perf_counter()
            there = rank_paths([tmp], dask="local")
            out["rank_dask_local_2_workers_s"] = round(time.perf_counter() - t, 1)
            out["rankings_identical"] = here == there
    if args.skip_plan:
        print(json.dumps(out) if args.json else "\n".join(f"{k:28s} {v}" for k, v in out.items()))
        return 0
    text = novel_text(args.chapters)
    out.update({"chapters": args.chapters, "megabytes": round(len(text.encode("utf-8")) / 1e6, 2)})
    t = time.perf_counter()
    novel = read_novel(text)
    out["read_s"] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    plan = adapt(novel, "vertical")
    out["plan_auto_s"] = round(time.perf_counter() - t, 2)
    out["auto_span_last_chapter"] = plan.span[1]
    out["auto_episodes"] = len(plan.episodes)
    t = time.perf_counter()
    whole = adapt(novel, "vertical", episodes=100, span="all")
    out["plan_all_100_s"] = round(time.perf_counter() - t, 2)
    out["all_episodes"] = len(whole.episodes)
    if args.json:
        print(json.dumps(out))
    else:
        for key, value in out.items():
            print(f"{key:28s} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
