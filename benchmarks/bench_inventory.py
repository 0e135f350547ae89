"""Full-script import at inventory scale: works/s and peak memory on 2 cores, projected to 40,000.

    .venv/bin/python benchmarks/bench_inventory.py [--works 48] [--episodes 70 90] [--dask]

Scripts are generated (dramalens.synth, Chinese and English, full text, many episodes, so each is
~100-200 KB like a real 60-100 episode script). The same folder is imported three ways into fresh
SQLite catalogs: in one process (``LocalMapper(processes=1)``, the peer), on all cores of this
machine (the default ``LocalMapper()``: a spawn process pool), and on a Dask LocalCluster (2
workers × 1 thread) when ``--dask`` is given and the extra is installed. Reported: seconds, works/s,
peak RSS of this process and of its children, the projection to 40,000 works at the measured rate,
and whether all runs stored byte-identical fingerprints. Bounded: ``--works`` scripts only.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

from dramalens.catalog import Catalog, import_paths
from dramalens.catalog.distributed import LocalMapper, mapper_for
from dramalens.synth import generate_corpus


def _rss_mb() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return round(me, 1), round(kids, 1)


def _fingerprints(db: Path) -> dict[str, bytes]:
    cat = Catalog(f"sqlite:///{db}")
    try:
        return {w: cat.get(w).minhash + cat.get(w).passages for w in cat.ids()}
    finally:
        cat.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--works", type=int, default=48)
    ap.add_argument("--episodes", type=int, nargs=2, default=(70, 90))
    ap.add_argument("--dask", action="store_true", help="also import on a Dask LocalCluster (2 workers)")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[:2]))  # the target machine's 2 cores
    root = Path(tempfile.mkdtemp(prefix="bench_inventory_"))
    corpus = root / "corpus"
    corpus.mkdir()
    generate_corpus(corpus, works=args.works, languages=("zh", "en"), episodes=tuple(args.episodes), seed=3,
                    plant_rate=0.0, full_text_ratio=1.0)
    scripts = [p for p in corpus.rglob("*") if p.suffix in (".txt", ".fountain")]
    sizes = [p.stat().st_size for p in scripts]
    print(f"{len(scripts)} scripts, mean {sum(sizes) / max(len(sizes), 1) / 1024:.0f} KB, {sum(sizes) / 2**20:.1f} MB, cores {len(os.sched_getaffinity(0))}")
    runs = [("one process (peer)", lambda: LocalMapper(processes=1)), ("all cores (default)", lambda: None)]
    if args.dask:
        runs.append(("Dask LocalCluster 2×1", lambda: "local"))
    prints = {}
    for name, make in runs:
        db = root / f"{len(prints)}.sqlite"
        cat = Catalog(f"sqlite:///{db}")
        t = time.perf_counter()
        chosen = make()
        if isinstance(chosen, LocalMapper):
            report = import_paths(cat, [corpus], mapper=chosen)
        else:
            with mapper_for(chosen) as mapper:
                report = import_paths(cat, [corpus], mapper=mapper)
        dt = time.perf_counter() - t
        cat.close()
        rate = report.imported / dt if dt else 0.0
        me, kids = _rss_mb()
        print(f"{name:24s} {dt:7.1f} s  {rate:6.2f} works/s  40,000 works ≈ {40_000 / rate / 60 if rate else float('inf'):6.0f} min  "
              f"peak RSS self {me} MB, children {kids} MB  imported {report.imported}, errors {len(report.errors)}")
        prints[name] = _fingerprints(db)
    first = next(iter(prints.values()))
    print("same fingerprints in every run:", all(p == first for p in prints.values()))


if __name__ == "__main__":
    main()
