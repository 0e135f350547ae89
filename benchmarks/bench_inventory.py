"""Full-script import at inventory scale: works/s and peak memory on 2 cores, projected to 40,000.

    python benchmarks/bench_inventory.py [--scripts /work/data/scripts] [--works 120] [--kb 190] [--dask]
    python benchmarks/bench_inventory.py --synthetic [--works 48]

The works are ~190 KB scripts made at run time from real ones: every real Chinese and English
script under ``--scripts`` (.txt, .docx, .fountain, .md) is parsed once for its text, and each
work is a different random run of those texts (its own pieces, order and starting line) cut at
``--kb`` kilobytes of UTF-8, written as .txt; half the works are Chinese, half English. Without
real scripts (or with ``--synthetic``) the works come from :mod:`dramalens.synth` instead.

The same folder is imported into fresh SQLite catalogs three ways, pinned to 2 cores: in one
process (``LocalMapper(processes=1)``, the peer), on all cores (the default: a process pool that
parses and fingerprints, the importer writing in batches), and on a Dask LocalCluster (2
workers × 1 thread) with ``--dask``. Reported per run: seconds (the import, and the whole call
with the embedding and lexical refresh), works/s, the projection to 40,000 works at that rate,
the peak RSS of the importer alone and of the importer plus every process under it (sampled
every 50 ms), and whether every run stored the same catalog (every field, the lexical counts
and embedding features the workers computed, and the lexical index). The development machine's 2 cores
are shared, so wall time depends on the load; the CPU seconds of the whole process tree do not,
and give the rate on 2 free cores: the parallel phase's CPU time / 2 plus the single-process
refresh after it.

A rate measured on a hundred works still carries what every import pays once (the workers'
start-up and imports, the refit's fixed part), which 40,000 works would spread thin. So the
all-cores and Dask runs are repeated on every other work (half the folder, both languages):
the difference gives the CPU one more work costs in the parallel phase and in the refresh, the
rest is the once-only part, and the projection to 40,000 is that line. Bounded: ``--works``
works only (at least 2 × 4 MB of scripts, so that the half run starts its pool too).
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from dramalens.catalog import Catalog, import_paths
from dramalens.catalog.distributed import LocalMapper, mapper_for
from dramalens.catalog.lexical import catalog_lexical
from dramalens.errors import DramalensError
from dramalens.parsing import parse
from dramalens.synth import generate_corpus

EXTENSIONS = (".txt", ".docx", ".fountain", ".md")


class Tree:
    """Peak RSS of this process and of this process plus all its descendants, and the CPU
    seconds they used (each process's last reading), sampled every ``every`` seconds."""

    def __init__(self, every: float = 0.05):
        self.every = every
        self.me = self.tree = 0
        self._cpu: dict[int, float] = {}
        self._start = self._own_cpu()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _own_cpu() -> float:
        t = psutil.Process().cpu_times()
        return float(t.user + t.system)

    def cpu(self) -> float:
        """CPU seconds of the whole tree since the start (workers as last sampled)."""
        me = psutil.Process()
        return self._own_cpu() - self._start + sum(v for pid, v in self._cpu.items() if pid != me.pid)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            own = me.memory_info().rss
            total = own
            for child in me.children(recursive=True):
                try:
                    total += child.memory_info().rss
                    t = child.cpu_times()
                    self._cpu[child.pid] = float(t.user + t.system)
                except psutil.Error:  # a worker that just exited
                    pass
            self.me, self.tree = max(self.me, own), max(self.tree, total)
            self._stop.wait(self.every)

    def __enter__(self) -> "Tree":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def real_works(scripts: Path, out: Path, works: int, kb: int, seed: int) -> int:
    """Write ``works`` scripts of ``kb`` KB made from the real scripts under ``scripts``."""
    texts: dict[str, list[list[str]]] = {"zh": [], "en": []}
    for path in sorted(p for p in scripts.rglob("*") if p.is_file() and p.suffix.lower() in EXTENSIONS):
        lang = "zh" if "/zh/" in f"/{path.relative_to(scripts).as_posix()}" else "en"
        try:
            text = parse(path).text
        except DramalensError:
            continue
        if len(text) > 2_000:
            texts[lang].append(text.split("\n"))
    if not texts["zh"] or not texts["en"]:
        return 0
    rng = random.Random(seed)
    budget = kb * 1024
    for i in range(works):
        lang = ("zh", "en")[i % 2]
        pool = texts[lang]
        order = rng.sample(range(len(pool)), len(pool))
        lines: list[str] = []
        size = 0
        for k, j in enumerate(order):
            piece = pool[j][rng.randrange(len(pool[j]) // 2) :] if k == 0 else pool[j]
            for line in piece:
                lines.append(line)
                size += len(line.encode("utf-8")) + 1
                if size >= budget:
                    break
            if size >= budget:
                break
        (out / f"{lang}{i:05d}.txt").write_text("\n".join(lines), encoding="utf-8")
    return works


FIELDS = ("work", "content_hash", "minhash", "passages", "passage_lines", "shingles", "text", "tropes", "skeleton", "lexical", "features", "embedding")


def catalog_contents(db: Path) -> dict[str, tuple[object, ...]]:
    """Everything stored per work (metadata, text, fingerprints, lexical counts, embedding
    features and vector) and the lexical index built from it, to compare runs."""
    cat = Catalog(f"sqlite:///{db}")
    try:
        index = cat.index()
        out: dict[str, tuple[object, ...]] = {}
        for w in cat.ids():
            r = cat.get(w)
            emb = index.embeddings[index.position[w]].tobytes()
            out[w] = (r.work, r.content_hash, r.minhash, r.passages, r.passage_lines, r.shingles, r.text, r.tropes, r.skeleton, r.lexical, r.features, emb)
        lexical = catalog_lexical(cat)
        out["<lexical index>"] = () if lexical is None else (lexical.ids, lexical.indptr.tobytes(), lexical.indices.tobytes(), lexical.data.tobytes(), lexical.idf.tobytes())
        return out
    finally:
        cat.close()


@dataclass(frozen=True)
class Run:
    """One import's measures: works, wall seconds, seconds until the last batch was stored, CPU
    seconds of the whole process tree (and by then), peak RSS, errors."""

    n: int
    wall: float
    stored: float
    cpu: float
    cpu_stored: float
    rss_me: int
    rss_tree: int
    errors: int

    @property
    def parallel(self) -> float:
        """CPU seconds until the last batch was stored (parse and fingerprint, all processes)."""
        return self.cpu_stored

    @property
    def refresh(self) -> float:
        """CPU seconds of the embedding and lexical refresh after it (one process)."""
        return self.cpu - self.cpu_stored

    def free(self, cores: int) -> float:
        """Seconds on ``cores`` free cores: the parallel phase spread over them, the refresh on one."""
        return self.parallel / cores + self.refresh

    def marginal(self, smaller: "Run") -> tuple[float, float]:
        """CPU seconds one more work adds to the parallel phase and to the refresh."""
        extra = max(self.n - smaller.n, 1)
        return (self.parallel - smaller.parallel) / extra, (self.refresh - smaller.refresh) / extra


def import_once(db: Path, sources: list[Path], where: str | None) -> Run:
    """Import ``sources`` into a fresh SQLite catalog at ``db``: in one process (``"peer"``), on
    all cores (None) or on a Dask LocalCluster (``"local"``)."""
    cat = Catalog(f"sqlite:///{db}")
    last = [0.0, 0.0]  # when the last batch was stored, and the CPU seconds used by then
    t = time.perf_counter()
    with Tree() as tree:

        def stored(done: int, total: int) -> None:
            last[:] = [time.perf_counter(), tree.cpu()]

        if where == "peer":
            report = import_paths(cat, sources, mapper=LocalMapper(processes=1), progress=stored)
        else:
            with mapper_for(where) as mapper:
                report = import_paths(cat, sources, mapper=mapper, progress=stored)
        cpu = tree.cpu()
    dt = time.perf_counter() - t
    cat.close()
    return Run(report.imported, dt, last[0] - t, cpu, last[1], tree.me, tree.tree, len(report.errors))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scripts", type=Path, default=Path("/work/data/scripts"))
    ap.add_argument("--works", type=int, default=120)
    ap.add_argument("--kb", type=int, default=190)
    ap.add_argument("--synthetic", action="store_true", help="generated scripts instead of real ones")
    ap.add_argument("--episodes", type=int, nargs=2, default=(70, 90), help="with --synthetic")
    ap.add_argument("--dask", action="store_true", help="also import on a Dask LocalCluster (2 workers)")
    ap.add_argument("--skip-peer", action="store_true", help="leave out the one-process run")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[:2]))  # the target machine's 2 cores
    root = Path(tempfile.mkdtemp(prefix="bench_inventory_"))
    corpus = root / "corpus"
    corpus.mkdir()
    kind = "real"
    if args.synthetic or not args.scripts.is_dir() or not real_works(args.scripts, corpus, args.works, args.kb, seed=3):
        kind = "synthetic"
        generate_corpus(corpus, works=args.works, languages=("zh", "en"), episodes=tuple(args.episodes), seed=3,
                        plant_rate=0.0, full_text_ratio=1.0)
    files = sorted(p for p in corpus.rglob("*") if p.suffix in (".txt", ".fountain"))
    sizes = [p.stat().st_size for p in files]
    print(f"{len(files)} {kind} scripts, mean {sum(sizes) / max(len(sizes), 1) / 1024:.0f} KB, {sum(sizes) / 2**20:.1f} MB, "
          f"cores {len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()}")
    runs: list[tuple[str, str | None]] = [] if args.skip_peer else [("one process (peer)", "peer")]
    runs.append(("all cores (default)", None))
    if args.dask:
        runs.append(("Dask LocalCluster 2×1", "local"))
    contents = {}
    for name, where in runs:
        db = root / f"{len(contents)}.sqlite"
        run = import_once(db, [corpus], where)
        cores = 1 if where == "peer" else 2
        print(f"{name:24s} {run.wall:7.1f} s wall (stored after {run.stored:.1f} s, then embedding + lexical)  {run.n / run.wall:6.2f} works/s  "
              f"40,000 works ≈ {40_000 * run.wall / run.n / 60:6.1f} min  |  CPU {run.cpu:.1f} s ({run.cpu / run.n * 1000:.0f} ms a work; "
              f"refresh {run.refresh:.1f} s) → on 2 free cores ≈ {run.n / run.free(cores):.2f} works/s, 40,000 ≈ {40_000 * run.free(cores) / run.n / 60:.1f} min  |  "
              f"peak RSS importer {run.rss_me / 2**20:.0f} MB, importer + workers {run.rss_tree / 2**20:.0f} MB  imported {run.n}, errors {run.errors}", flush=True)
        if where != "peer" and len(files) >= 80:  # fewer: the line is noise
            # The same import on half the works: what one more work costs, apart from what every
            # import pays once (worker start-up, their imports, the refit's fixed part).
            half = import_once(root / f"{len(contents)}-half.sqlite", files[::2], where)  # both languages
            par, ref = run.marginal(half)
            fixed_par = run.parallel - run.n * par
            fixed_ref = run.refresh - run.n * ref
            at = (fixed_par + 40_000 * par) / cores + fixed_ref + 40_000 * ref
            print(f"{'':24s} from {half.n} and {run.n} works: {par * 1000:.1f} ms CPU a work in the parallel phase + {ref * 1000:.1f} ms in the refresh, "
                  f"{fixed_par:.1f} + {fixed_ref:.1f} s once → 40,000 on 2 free cores ≈ {at / 60:.1f} min ({40_000 / at:.1f} works/s)", flush=True)
        contents[name] = catalog_contents(db)
    first = next(iter(contents.values()))
    print("same catalog contents in every run:", all(c == first for c in contents.values()))
    for name, c in contents.items():  # say where a run differs, if it does
        fields = sorted({f for w in first for f, (x, y) in enumerate(zip(first[w], c.get(w, ()))) if x != y})
        if fields or c.keys() != first.keys():
            print(f"  {name}: differs in fields {[FIELDS[f] if f < len(FIELDS) else f for f in fields]}, works {len(c)} vs {len(first)}")


if __name__ == "__main__":
    main()
