"""Indexing a 40,000-work catalog and querying it: time, peak memory, `similar` latency.

    .venv/bin/python benchmarks/bench_catalog.py [--works 40000] [--queries 200] [--dask local]

Works are synopsis-only (dramalens.synth with ``full_text_ratio=0``; a small built-in
generator when synth is absent). Reports import time and peak RSS, the first (index-loading)
query, and p50/p95 `similar` latency with exact embedding search and with the HNSW index.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

from dramalens.catalog import Catalog, dedupe, import_paths, similar_to_work


def generate(out: Path, works: int) -> None:
    try:
        from dramalens.synth import generate_corpus
    except ImportError:
        generate_corpus = None
    if generate_corpus is not None:
        generate_corpus(out, works=works, languages=("zh", "en"), episodes=(60, 80), seed=1, plant_rate=0.1, full_text_ratio=0.0)
        return
    rng = random.Random(1)  # fallback: synopses from a word pool
    words = "revenge heir maid contract marriage secret twin fire hospital wolf alpha queen billionaire divorce".split()
    with (out / "metadata.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(works):
            fh.write(json.dumps({"id": f"w{i:06d}", "title": f"Work {i}", "language": "en", "synopsis": " ".join(rng.choices(words, k=40))}) + "\n")


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--works", type=int, default=40_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--dask", default=None, help="fingerprint on Dask: 'local' = 2 workers × 1 thread")
    ap.add_argument("--out", type=Path, default=None, help="keep the corpus and database here")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[:2]))  # the 2 cores of the target machine
    out = args.out or Path(tempfile.mkdtemp(prefix="bench_catalog_"))
    out.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    if not (out / "metadata.jsonl").exists():
        generate(out, args.works)
    print(f"corpus: {args.works:,} synopsis-only works in {out} ({time.perf_counter() - t:.1f} s to generate)")
    db = out / "catalog.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    cat = Catalog(f"sqlite:///{db}")
    t = time.perf_counter()
    if args.dask:
        from dramalens.catalog.distributed import DaskMapper
        from dramalens.cluster import dask_client

        with dask_client(args.dask) as client:
            report = import_paths(cat, [out], mapper=DaskMapper(client))
    else:
        report = import_paths(cat, [out])
    took = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"import: {report.imported:,} works in {took:.1f} s ({report.imported / took:,.0f} works/s), {len(report.errors)} errors, "
          f"peak RSS {peak:,.0f} MB, database {db.stat().st_size / 1e6:,.0f} MB")
    ids = cat.ids()
    rng = random.Random(7)
    queries = rng.sample(ids, min(args.queries, len(ids)))
    t = time.perf_counter()
    similar_to_work(cat, queries[0], k=10)
    print(f"first query (loads the index): {(time.perf_counter() - t) * 1000:.0f} ms")
    for label, ann in (("exact", False), ("HNSW (usearch)", True)):
        similar_to_work(cat, queries[0], k=10, ann=ann)  # builds the HNSW index once
        lat = []
        for q in queries:
            t = time.perf_counter()
            similar_to_work(cat, q, k=10, ann=ann)
            lat.append((time.perf_counter() - t) * 1000)
        print(f"similar k=10, {label:<15}: p50 {statistics.median(lat):6.1f} ms  p95 {pct(lat, 0.95):6.1f} ms  ({len(lat)} queries)")
    t = time.perf_counter()
    result = dedupe(cat, 0.5, measure="jaccard")
    print(f"dedupe (jaccard ≥ 0.5): {len(result.clusters)} clusters in {time.perf_counter() - t:.1f} s")
    print(f"peak RSS overall {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
