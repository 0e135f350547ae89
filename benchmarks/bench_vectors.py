"""Nearest-neighbour search over catalog embeddings: dramalens.VectorIndex vs faiss, same vectors.

    .venv/bin/python benchmarks/bench_vectors.py [--n 100000] [--dim 128] [--queries 500]

Vectors are clustered (a catalogue's works group by track and trope) and L2-normalised, like the
catalog's 128-dim embeddings. Measured in one process on the same data: build time, query
latency p50/p95 (one query at a time, as `dramalens catalog similar` asks), and recall@10
against exact search, for our exact NumPy search, our usearch HNSW index, faiss IndexFlatIP
(exact) and faiss IndexHNSWFlat. faiss is the named peer (`pip install faiss-cpu`).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from dramalens.catalog.vectors import VectorIndex


def data(n: int, dim: int, queries: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(200, dim)).astype(np.float32)
    x = centres[rng.integers(0, 200, n)] + 0.6 * rng.normal(size=(n, dim)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    q = x[rng.choice(n, queries, replace=False)] + 0.05 * rng.normal(size=(queries, dim)).astype(np.float32)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    return x, q.astype(np.float32)


def run(label: str, build, search, queries: np.ndarray, truth: list[set[int]], k: int) -> dict:
    t = time.perf_counter()
    index = build()
    built = time.perf_counter() - t
    times, hits = [], 0
    for qi, q in enumerate(queries):
        t = time.perf_counter()
        rows = search(index, q, k)
        times.append(time.perf_counter() - t)
        hits += len(set(int(r) for r in rows) & truth[qi])
    times.sort()
    result = {
        "label": label,
        "build_s": built,
        "p50_ms": 1000 * statistics.median(times),
        "p95_ms": 1000 * times[int(0.95 * (len(times) - 1))],
        "recall": hits / (k * len(queries)),
    }
    print(f"{label:28s} build {built:7.2f} s   p50 {result['p50_ms']:7.3f} ms   p95 {result['p95_ms']:7.3f} ms   recall@{k} {result['recall']:.3f}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--dim", type=int, default=128)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("-k", type=int, default=10)
    args = parser.parse_args()
    x, q = data(args.n, args.dim, args.queries)
    truth_rows = np.argsort(-(q @ x.T), axis=1)[:, : args.k]
    truth = [set(map(int, r)) for r in truth_rows]
    print(f"{args.n:,} vectors × {args.dim} dims, {args.queries} queries, k={args.k}")
    results = [
        run("dramalens exact (NumPy)", lambda: VectorIndex(x, method="exact"), lambda i, v, k: i.search(v, k).rows, q, truth, args.k),
        run("dramalens HNSW (usearch)", lambda: VectorIndex(x, method="hnsw"), lambda i, v, k: i.search(v, k).rows, q, truth, args.k),
    ]
    try:
        import faiss

        faiss.omp_set_num_threads(2)

        def flat():
            index = faiss.IndexFlatIP(args.dim)
            index.add(x)
            return index

        def hnsw():
            index = faiss.IndexHNSWFlat(args.dim, 16, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efSearch = 64
            index.add(x)
            return index

        def faiss_search(index, v, k):
            return index.search(v.reshape(1, -1), k)[1][0]

        results.append(run("faiss IndexFlatIP (exact)", flat, faiss_search, q, truth, args.k))
        results.append(run("faiss IndexHNSWFlat", hnsw, faiss_search, q, truth, args.k))
    except ImportError:
        print("faiss not installed (pip install faiss-cpu): peer skipped")
    by = {r["label"]: r for r in results}
    for ours, peer in (("dramalens exact (NumPy)", "faiss IndexFlatIP (exact)"), ("dramalens HNSW (usearch)", "faiss IndexHNSWFlat")):
        if peer in by:
            print(f"{ours} p95 / {peer} p95 = {by[ours]['p95_ms'] / by[peer]['p95_ms']:.2f}  (below 1: dramalens is faster)")


if __name__ == "__main__":
    main()
