"""Benchmark of the script desk.

1. Triage throughput: a batch of generated submissions of 60-80 episodes analysed by the
   real pipeline in N worker processes (default 2, one per core), through the persistent
   queue. With ``--sample K`` only K submissions are analysed and the time for ``--batch``
   (default 1,000) is projected linearly (stated in the output).
2. Queue page latency: p50/p95 of GET /queue (several sorts and filters) over ``--rows``
   (default 10,000) submissions.

    .venv/bin/python benchmarks/bench_triage.py --sample 60
    .venv/bin/python benchmarks/bench_triage.py --sample 1000   # the full batch
    .venv/bin/python benchmarks/bench_triage.py --sample 100 --catalog 300 --rows 100
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def _scripts(n: int, seed: int) -> tuple[str, list[tuple[str, bytes]]]:
    try:
        from dramalens.synth import generate_corpus
    except Exception:  # the catalog's synth module is absent: the tests' own generator
        from triage_support import make_script

        rng = random.Random(seed)
        return "tests.make_script", [(f"s{i:05d}.txt", make_script(seed + i, episodes=rng.randint(60, 80)).encode())
                                     for i in range(n)]
    out = Path(tempfile.mkdtemp())
    truth = generate_corpus(out, works=n, languages=("zh",), episodes=(60, 80), seed=seed, plant_rate=0.0)
    return "synth", [(Path(w.path).name, (out / w.path).read_bytes()) for w in truth.works]


def _catalog(db_url: str, works: int, seed: int) -> float:
    """Import a generated catalog of ``works`` into the bench database; returns seconds."""
    from dramalens.catalog import Catalog, import_paths
    from dramalens.synth import generate_corpus

    out = Path(tempfile.mkdtemp())
    generate_corpus(out, works=works, languages=("zh",), episodes=(60, 80), seed=seed + 1000)
    t0 = time.perf_counter()
    with Catalog(db_url) as cat:
        import_paths(cat, [out])
    return time.perf_counter() - t0


def _worker(db_url: str) -> None:
    from dramalens.triage.worker import run_worker

    run_worker(db_url, threads=1, until_empty=True)


def bench_triage(batch: int, sample: int, procs: int, seed: int, catalog: int = 0) -> dict:
    from dramalens.db import make_engine
    from dramalens.triage.intake import SubmissionMeta, ensure_desk, submit
    from dramalens.triage.jobs import queue_stats, run_tx
    from dramalens.triage.models import init_db

    tmp = Path(tempfile.mkdtemp())
    db_url = f"sqlite:///{tmp / 'bench.sqlite'}"
    engine = init_db(make_engine(db_url))
    catalog_s = _catalog(db_url, catalog, seed) if catalog else 0.0
    t0 = time.perf_counter()
    generator, files = _scripts(sample, seed)
    gen_s = time.perf_counter() - t0
    desk = run_tx(engine, lambda c: ensure_desk(c, "bench"))
    t0 = time.perf_counter()
    submit(engine, files, SubmissionMeta(format="vertical"), desk_id=desk, by="bench")
    submit_s = time.perf_counter() - t0
    ctx = multiprocessing.get_context("spawn")
    t0 = time.perf_counter()
    workers = [ctx.Process(target=_worker, args=(db_url,)) for _ in range(procs)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    run_s = time.perf_counter() - t0
    stats = queue_stats(engine)
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    per_script = run_s / max(stats.done, 1)
    return {
        "scripts": sample, "generator": generator, "catalog_works": catalog, "catalog_import_s": round(catalog_s, 1),
        "done": stats.done, "failed": stats.failed, "workers": procs,
        "mean_bytes": int(statistics.mean(len(d) for _, d in files)), "generate_s": round(gen_s, 2),
        "submit_s": round(submit_s, 2), "triage_s": round(run_s, 2),
        "scripts_per_s": round(stats.done / run_s, 2), "projected_batch": batch,
        "projected_batch_s": round(per_script * batch, 1) if sample < batch else round(run_s, 1),
        "projected": sample < batch, "peak_worker_rss_mb": round(child_kb / 1024, 1),
    }


def bench_queue_page(rows: int, requests: int, seed: int) -> dict:
    from fastapi.testclient import TestClient
    from sqlalchemy import insert

    from dramalens.triage.auth import add_user
    from dramalens.triage.models import batches, jobs, submissions
    from dramalens.web.app import create_app
    from triage_support import login

    tmp = Path(tempfile.mkdtemp())
    app = create_app(f"sqlite:///{tmp / 'page.sqlite'}")
    engine = app.state.desk.engine
    user = add_user(engine, "bench", "bench-password")
    rng = random.Random(seed)
    tracks = ["都市", "古装", "悬疑", "甜宠", "逆袭", "家庭"]
    tropes = ["复仇", "契约婚姻", "重生", "真假千金", "隐藏身份", "打脸"]
    statuses = ["new", "in_review", "consider", "signed", "passed"]
    now = time.time()
    with engine.begin() as c:
        bid = c.execute(insert(batches).values(desk_id=user.desk_id, name="bench", submitted_by="bench", created_at=now,
                                               total=rows).returning(batches.c.id)).scalar_one()
        payload = []
        for i in range(rows):
            payload.append(dict(
                desk_id=user.desk_id, batch_id=bid, title=f"剧本{i:05d}", filename=f"{i}.txt",
                format=rng.choice(["vertical", "horizontal"]), episodes=rng.randint(60, 100), track=rng.choice(tracks),
                synopsis="", budget=None, submitted_by="bench", submitted_at=now - i, content=b"x", sha256="0" * 64,
                language=rng.choice(["zh", "en"]), tropes=",".join(rng.sample(tropes, 2)), score=round(rng.uniform(0, 100), 1),
                analysis_state="done", status=rng.choice(statuses), version=1, updated_at=now))
        c.execute(insert(submissions), payload)
        ids = [r[0] for r in c.exec_driver_sql("SELECT id FROM triage_submissions")]
        c.execute(insert(jobs), [dict(submission_id=s, status="done", attempts=1, max_attempts=3, available_at=now,
                                      created_at=now) for s in ids])
    urls = ["/queue", "/queue?sort=title&direction=asc", "/queue?sort=submitted", "/queue?track=古装&sort=score",
            "/queue?trope=复仇", "/queue?status=consider&language=zh", "/queue?min_score=80&page=3",
            "/queue?format=vertical&page=40"]
    times: list[float] = []
    with TestClient(app) as client:
        login(client, "bench", "bench-password")
        for url in urls:  # warm-up
            assert client.get(url).status_code == 200
        for i in range(requests):
            url = urls[i % len(urls)]
            t0 = time.perf_counter()
            r = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200
    times.sort()
    return {"rows": rows, "requests": requests, "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1), "max_ms": round(times[-1], 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=1000, help="batch size to report (projected when --sample is smaller)")
    parser.add_argument("--sample", type=int, default=60, help="submissions actually analysed")
    parser.add_argument("--procs", type=int, default=2, help="worker processes (one per core)")
    parser.add_argument("--rows", type=int, default=10_000, help="queue rows for the page benchmark")
    parser.add_argument("--requests", type=int, default=200, help="queue page requests timed")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--catalog", type=int, default=0, help="works in a generated catalog to compare against (0: none)")
    parser.add_argument("--skip-triage", action="store_true")
    args = parser.parse_args(argv)
    if args.sample < 1 or args.batch < 1 or args.procs < 1 or args.rows < 1 or args.requests < 1:
        parser.error("all counts must be >= 1")
    if not args.skip_triage:
        print("triage:", bench_triage(args.batch, min(args.sample, args.batch), args.procs, args.seed, args.catalog), flush=True)
    print("queue page:", bench_queue_page(args.rows, args.requests, args.seed), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
