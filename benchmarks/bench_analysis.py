"""Benchmark: full ``analyze()`` of a generated 100-episode Chinese series and a ~150 KB
Fountain feature; time, peak memory, and the projection for a script desk's batch.

Run: ``.venv/bin/python benchmarks/bench_analysis.py [--repeat 3] [--json]``

The projection is for 1,000 submissions of 80 episodes on 2 cores (one process a core):
80/100 of the measured 100-episode time (parse + analyze) × 1,000 / 2. The target is < 10 min.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import statistics
import sys
import time
import tracemalloc

from dramalens import parse
from dramalens.analysis import analyze

NAMES = ["林晚", "顾沉", "苏念", "陈默", "白薇", "周总", "王妈"]
PLACES = ["客厅", "公司", "医院", "街道", "酒店", "别墅", "车内"]
LINES = [
    "你到底想干什么？", "我会让你后悔的。", "原来你竟然是顾家的亲生女儿！", "滚出去！", "今天的事就当没发生过。",
    "你以为我会怕你吗？", "这份合同你签还是不签？", "等等——", "其实我一直在等你回来。", "没想到你会来。",
    "董事长，您怎么来了？", "我不会放过你的。", "这件事跟你没关系。", "我们离婚吧。", "你听我解释……",
]
ACTIONS = [
    "林晚推门而入，环顾四周。", "顾沉冷笑一声，把文件摔在桌上。", "门突然被推开，一群保镖冲了进来。",
    "苏念手里的杯子掉在地上，摔得粉碎。", "众人目瞪口呆。", "陈默转身离开，背影决绝。", "窗外下起了大雨。",
]


def chinese_series(episodes: int = 100, seed: int = 7) -> str:
    """A series of ``episodes`` episodes, ~700 Han characters and 2-3 scenes each (vertical)."""
    rng = random.Random(seed)
    out = []
    for ep in range(1, episodes + 1):
        out.append(f"第{ep}集")
        for sc in range(1, rng.randint(2, 3) + 1):
            time_, side = rng.choice(["日", "夜"]), rng.choice(["内", "外"])
            out.append(f"{ep}-{sc} {time_} {side} {rng.choice(PLACES)}")
            out.append("人物：" + "、".join(rng.sample(NAMES, 3)))
            for _ in range(rng.randint(8, 11)):
                if rng.random() < 0.3:
                    out.append("△" + rng.choice(ACTIONS))
                else:
                    who = rng.choice(NAMES)
                    mood = rng.choice(["", "", "（冷笑）", "（OS）"])
                    out.append(f"{who}{mood}：{rng.choice(LINES)}")
        if ep % 2 == 0:
            out.append("【卡点】")
        out.append("")
    return "\n".join(out) + "\n"


EN_ACTION = [
    "Anna walks to the window and looks down at the street below.",
    "Suddenly the door bursts open. Three men in dark suits storm in.",
    "Bob slams the folder on the desk. Papers scatter across the floor.",
    "Rain hammers the glass. Somewhere a phone is ringing.",
    "She turns, and for a long moment nobody says anything.",
]
EN_LINES = [
    "Who are you? What are you doing in my house?", "You'll regret this.", "Turns out he was my real father all along.",
    "Get out. Now.", "I never wanted any of this to happen.", "Wait—", "How dare you come here after what you did?",
    "We need to talk about the money.", "I know your secret.", "Fine. Have it your way.",
]
EN_NAMES = ["ANNA", "BOB", "CLAIRE", "DETECTIVE RUIZ", "MARCUS"]


def fountain_feature(target_bytes: int = 150_000, seed: int = 11) -> str:
    """A Fountain feature screenplay of about ``target_bytes`` bytes."""
    rng = random.Random(seed)
    out = ["Title: The Benchmark", "Author: dramalens", "", ""]
    size = 0
    scene = 0
    while size < target_bytes:
        scene += 1
        block = [f"{rng.choice(['INT.', 'EXT.'])} {rng.choice(['HOUSE', 'OFFICE', 'STREET', 'CAR', 'HOSPITAL'])} - {rng.choice(['DAY', 'NIGHT'])}", ""]
        for _ in range(rng.randint(6, 12)):
            if rng.random() < 0.35:
                block += [rng.choice(EN_ACTION), ""]
            else:
                block += [rng.choice(EN_NAMES)]
                if rng.random() < 0.15:
                    block += ["(quietly)"]
                block += [rng.choice(EN_LINES), ""]
        if scene % 5 == 0:
            block += ["CUT TO:", ""]
        text = "\n".join(block) + "\n"
        size += len(text.encode("utf-8"))
        out.append(text)
    return "\n".join(out)


def measure(label: str, text: str, repeat: int) -> dict:
    parse_times, analyze_times = [], []
    result = None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        script = parse(text)
        t1 = time.perf_counter()
        result = analyze(script)
        t2 = time.perf_counter()
        parse_times.append(t1 - t0)
        analyze_times.append(t2 - t1)
    # Peak memory in a separate run: tracemalloc slows Python down, so it is not timed.
    gc.collect()
    tracemalloc.start()
    analyze(parse(text))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "label": label,
        "bytes": len(text.encode("utf-8")),
        "episodes": result.episode_count,
        "scenes": len(result.runtime.scenes),
        "parse_s": statistics.median(parse_times),
        "analyze_s": statistics.median(analyze_times),
        "total_s": statistics.median([p + a for p, a in zip(parse_times, analyze_times)]),
        "peak_traced_mb": peak / 2**20,
        "runtime_min": result.runtime.total_minutes,
        "format": result.format.format,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--episodes", type=int, default=100)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    # Warm-up: jieba's dictionary and other one-time loads are not per-script costs.
    analyze(parse(chinese_series(2)))
    analyze(parse(fountain_feature(5_000)))

    rows = [
        measure(f"chinese series, {args.episodes} episodes", chinese_series(args.episodes), args.repeat),
        measure("fountain feature, ~150 KB", fountain_feature(), args.repeat),
    ]
    per_episode = rows[0]["total_s"] / rows[0]["episodes"]
    projection_s = per_episode * 80 * 1000 / 2
    report = {
        "rows": rows,
        "per_episode_s": per_episode,
        "projection_1000x80_on_2_cores_s": projection_s,
        "target_s": 600,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "python": sys.version.split()[0],
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    for r in rows:
        print(
            f"{r['label']}: {r['bytes'] / 1024:.0f} KB, {r['episodes']} ep, {r['scenes']} scenes — parse {r['parse_s']:.3f} s, "
            f"analyze {r['analyze_s']:.3f} s, total {r['total_s']:.3f} s; peak traced {r['peak_traced_mb']:.1f} MB; "
            f"est. {r['runtime_min']:.1f} min ({r['format']})"
        )
    print(f"per episode (parse + analyze): {per_episode * 1000:.1f} ms")
    verdict = "OK" if projection_s < 600 else "OVER TARGET"
    print(f"projection, 1,000 submissions × 80 episodes on 2 cores: {projection_s / 60:.1f} min (target < 10 min): {verdict}")
    print(f"max RSS of this process: {report['max_rss_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
