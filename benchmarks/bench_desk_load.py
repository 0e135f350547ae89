"""Load benchmark of the script desk: the queue page under concurrent readers while a batch is
analysed, against the same run without readers (loopback only, bounded in time and count).

The desk as ``dramalens serve --workers N`` starts it (``--launch serve``, the default: the
command line itself, its access log to a file, its ``--worker-processes`` analysis processes
spawned by the web process, which then lowers its own priority by ``Settings.web_niceness``,
``DRAMALENS_WEB_NICENESS`` in the environment; in a session of its own, so that on Linux the
server and this client are two scheduling groups, as a server and remote browsers are;
``--shared-session``: one group), or ``--launch separate``: a bare web process
and worker processes started side by side at the same priority (how this benchmark ran before
the niceness setting; no access log). One SQLite file holds ``--rows`` analysed submissions and
a batch of ``--batch`` generated scripts waiting for analysis. Each reader logs in as its own
reviewer of the desk (``--readers`` accounts), as on a real desk.

Phases, each ``--seconds`` long, in one run:

1. no readers: analysis throughput (scripts/min), the baseline;
2. ``--readers`` readers back to back (each asks for the next page the moment the previous one
   arrives: the harshest reading of "50 concurrent readers"; each its own keep-alive
   connection, all driven by one asyncio loop in this process);
3. no readers again;
4. the same readers with ``--think`` seconds between clicks on average (uniform 0..2×think);
5. no readers again (each loaded phase is compared with the mean of the quiet phases either
   side of it, so drift in a shared machine's load does not pass for an effect of the readers);
6. one reader back to back (the latency a lone reviewer sees during the batch).

Each reader phase reports p50/p95 latency, errors, requests/s, the web process's CPU per
request, and the analysis throughput in the same window; every phase reports the workers' CPU
share and the machine's load average (other processes on a shared machine take cores from both
sides).

    PYTHONPATH=src python benchmarks/bench_desk_load.py                  # 50 readers, 20 s phases
    PYTHONPATH=src python benchmarks/bench_desk_load.py --readers 10 --seconds 10
    DRAMALENS_WEB_NICENESS=0 PYTHONPATH=src python benchmarks/bench_desk_load.py   # serve, no yielding
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

PASSWORD = "bench-reader-42"
QUERIES = ["/queue", "/queue?sort=submitted", "/queue?sort=status&direction=asc", "/queue?state=done",
           "/queue?sort=title&page=3", "/queue?min_score=40", "/queue?status=new&sort=score"]


def _prepare(db_url: str, rows: int, batch: int, seed: int, readers: int) -> None:
    from sqlalchemy import update

    from dramalens.db import make_engine
    from dramalens.triage.auth import add_user
    from dramalens.triage.intake import SubmissionMeta, submit
    from dramalens.triage.models import init_db, jobs, submissions
    from triage_support import make_script

    engine = init_db(make_engine(db_url))
    user = add_user(engine, "reader", PASSWORD, desk="都市")
    for i in range(1, readers):
        add_user(engine, f"reader{i:03d}", PASSWORD, desk="都市")
    rng = random.Random(seed)
    old = [(f"old{i:05d}.txt", f"第1集\n林晚：旧稿{i}。\n".encode()) for i in range(rows)]
    receipt = submit(engine, old, SubmissionMeta(), desk_id=int(user.desk_id or 0), by="reader", batch_name="old")
    with engine.begin() as conn:  # the desk's history: analysed and scored, as after weeks of work
        conn.execute(update(jobs).where(jobs.c.submission_id.in_(receipt.submission_ids)).values(status="done"))
        for sid in receipt.submission_ids:
            conn.execute(update(submissions).where(submissions.c.id == sid)
                         .values(analysis_state="done", score=round(rng.uniform(20, 90), 1)))
    fresh = [(f"new{i:04d}.txt", make_script(seed + i, episodes=rng.randint(20, 30)).encode()) for i in range(batch)]
    submit(engine, fresh, SubmissionMeta(), desk_id=int(user.desk_id or 0), by="reader", batch_name="new")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _spawn(code: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _serve(db_url: str, port: int, workers: int, log: Path, own_session: bool) -> subprocess.Popen[bytes]:
    """``dramalens serve`` itself, its output (one access-log line a request) to ``log``.

    ``own_session``: in a session of its own, as a service or a terminal of its own runs it.
    Linux's autogroup scheduling (or a service's cgroup) then shares the CPU between the server
    (web and workers together) and the readers' client as two groups; a niceness counts only
    against the threads of its own group. In the client's session, the client's 0.1-0.2 of a
    core competes inside the server's group, which remote browsers never do.
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    with log.open("wb") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen([sys.executable, "-m", "dramalens", "serve", "--db", db_url, "--port", str(port),
                                 "--workers", str(workers)], env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=own_session)


def _autogroup() -> str:
    """Whether the kernel groups CPU time by session (``/proc/sys/kernel/sched_autogroup_enabled``)."""
    try:
        return {"1": "on", "0": "off"}.get(Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip(), "?")
    except OSError:
        return "absent"


def _spawned_workers(parent: int, count: int, wait: float = 30.0) -> list[int]:
    """The ids of the analysis processes ``parent`` spawned (multiprocessing's ``spawn_main``)."""
    deadline = time.time() + wait
    while True:
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                cmdline = (entry / "cmdline").read_bytes()
            except (OSError, IndexError, ValueError):
                continue
            if ppid == parent and b"spawn_main" in cmdline:
                found.append(int(entry.name))
        if len(found) >= count or time.time() > deadline:
            return sorted(found)
        time.sleep(0.2)


def _niceness(pid: int) -> int | None:
    """The niceness of process ``pid``'s main thread (Linux /proc; None elsewhere)."""
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])
    except (OSError, IndexError, ValueError):
        return None


def _done(db_url: str) -> int:
    from sqlalchemy import func, select

    from dramalens.db import make_engine
    from dramalens.triage.models import jobs

    with make_engine(db_url).connect() as conn:
        return int(conn.execute(select(func.count()).select_from(jobs).where(jobs.c.status == "done")).scalar_one())


def _login(port: int, name: str = "reader") -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/login")
    r = conn.getresponse()
    page = r.read().decode()
    cookies = "; ".join(c.split(";", 1)[0] for c in r.headers.get_all("set-cookie") or [])
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "no CSRF field on /login"
    body = urllib.parse.urlencode({"name": name, "password": PASSWORD, "csrf_token": token.group(1)})
    conn.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies})
    r = conn.getresponse()
    r.read()
    session = "; ".join(c.split(";", 1)[0] for c in r.headers.get_all("set-cookie") or [])
    assert r.status == 303 and "dl_session" in session, f"login failed: {r.status}"
    return session


async def _reader(port: int, cookie: str, until: float, out: list[float], errors: list[str], offset: int,
                  think: float) -> None:
    """One reviewer: a keep-alive connection, the queue's sorts and filters in turn."""
    i = offset
    rng = random.Random(offset)
    conn: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
    while time.perf_counter() < until:
        if think:  # a reviewer reads the page before the next click (uniform 0..2×think seconds)
            await asyncio.sleep(rng.uniform(0, 2 * think))
        path = QUERIES[i % len(QUERIES)]
        i += 1
        t0 = time.perf_counter()
        try:
            if conn is None:
                conn = await asyncio.open_connection("127.0.0.1", port)
            reader, writer = conn
            writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n\r\n".encode())
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
            status = int(head.split(b" ", 2)[1])
            length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
            if length is None:
                raise http.client.HTTPException("no Content-Length")
            await asyncio.wait_for(reader.readexactly(int(length.group(1))), 30)
            if status != 200:
                errors.append(f"{path}: HTTP {status}")
            else:
                out.append(time.perf_counter() - t0)
        except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError, http.client.HTTPException) as exc:
            errors.append(f"{path}: {exc!r}")
            if conn is not None:
                conn[1].close()
            conn = None
    if conn is not None:
        conn[1].close()


async def _readers(port: int, cookies: list[str], readers: int, until: float, out: list[float], errors: list[str],
                   think: float) -> None:
    # One thread, one event loop for every reader: 50 client threads woke and preempted the
    # server's and the worker's processes far more than 50 remote browsers would.
    await asyncio.gather(*(_reader(port, cookies[i % len(cookies)], until, out, errors, i, think)
                           for i in range(readers)))


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of process ``pid`` so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _phase(db_url: str, port: int, cookies: list[str], readers: int, seconds: float, think: float = 0.0,
           web_pid: int = 0, worker_pids: tuple[int, ...] = ()) -> dict[str, object]:
    before = _done(db_url)
    cpu0, own0 = _cpu_seconds(web_pid), _cpu_seconds(os.getpid())
    work0 = sum(_cpu_seconds(pid) for pid in worker_pids)
    t0 = time.perf_counter()
    until = t0 + seconds
    lat: list[float] = []
    errors: list[str] = []
    if readers:
        asyncio.run(_readers(port, cookies, readers, until, lat, errors, think))
    else:
        time.sleep(seconds)
    wall = time.perf_counter() - t0
    web_cpu, own_cpu = _cpu_seconds(web_pid) - cpu0, _cpu_seconds(os.getpid()) - own0
    work_cpu = sum(_cpu_seconds(pid) for pid in worker_pids) - work0
    analysed = _done(db_url) - before
    # The workers' CPU share says whether the readers took cores from analysis, or other
    # processes on a shared machine did (they take from every phase alike).
    out: dict[str, object] = {"readers": readers, "think_s": think, "seconds": round(wall, 1),
                              "scripts_per_min": round(60 * analysed / wall, 1), "worker_cpu_share": round(work_cpu / wall, 2),
                              "load_average": round(os.getloadavg()[0], 1)}
    if readers:
        lat.sort()
        out.update(requests=len(lat), errors=len(errors), requests_per_s=round(len(lat) / wall, 1),
                   p50_ms=round(1000 * statistics.median(lat), 1) if lat else None,
                   p95_ms=round(1000 * lat[int(0.95 * (len(lat) - 1))], 1) if lat else None,
                   web_cpu_ms_per_request=round(1000 * web_cpu / len(lat), 2) if lat else None,
                   web_cpu_share=round(web_cpu / wall, 2), client_cpu_share=round(own_cpu / wall, 2),
                   first_errors=errors[:3])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--readers", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--rows", type=int, default=2000, help="analysed submissions already on the desk")
    ap.add_argument("--batch", type=int, default=2000, help="scripts waiting for analysis (enough for every phase)")
    ap.add_argument("--worker-processes", type=int, default=1)
    ap.add_argument("--launch", choices=("serve", "separate"), default="serve",
                    help="serve: the desk as `dramalens serve --workers N` runs it; separate: bare web and worker processes")
    ap.add_argument("--shared-session", action="store_true",
                    help="serve: run the server in this client's session (one scheduling group with the readers)")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--think", type=float, default=1.0, help="mean pause of a reader between clicks in phase 3")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    args = ap.parse_args()
    if not (1 <= args.readers <= 200 and 1 <= args.seconds <= 120 and args.rows <= 50_000 and args.batch <= 5_000
            and 0 < args.think <= 30 and 1 <= args.worker_processes <= 8):
        ap.error("bounded: readers 1-200, seconds 1-120, rows <= 50,000, batch <= 5,000, think 0-30 s, 1-8 workers")
    # A terminated benchmark still stops its server (in a session of its own, nothing else would).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    folder = Path(tempfile.mkdtemp(prefix="dl-load-"))
    db_url = f"sqlite:///{folder / 'load.sqlite'}"
    t0 = time.perf_counter()
    _prepare(db_url, args.rows, args.batch, args.seed, args.readers)
    print(f"prepared {args.rows} analysed rows + a batch of {args.batch} in {time.perf_counter() - t0:.1f} s; "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}", flush=True)
    port = _free_port()
    workers: list[subprocess.Popen[bytes]] = []
    if args.launch == "serve":
        web = _serve(db_url, port, args.worker_processes, folder / "serve.log", not args.shared_session)
    else:
        web = _spawn("import uvicorn; from dramalens.web.app import create_app, server_config; "
                     f"uvicorn.Server(server_config(create_app({db_url!r}), '127.0.0.1', {port}, log_level='warning')).run()")
        workers = [_spawn(f"from dramalens.triage.worker import run_worker; run_worker({db_url!r}, poll=0.2)")
                   for _ in range(args.worker_processes)]
    worker_pids: tuple[int, ...] = tuple(p.pid for p in workers)
    figures: dict[str, object] = {"launch": args.launch, "server_session": "shared" if args.shared_session or
                                  args.launch == "separate" else "own", "autogroup": _autogroup(),
                                  "readers": args.readers, "seconds": args.seconds,
                                  "rows": args.rows, "worker_processes": args.worker_processes,
                                  "cores": os.cpu_count(), "load_average_start": round(os.getloadavg()[0], 2)}
    try:
        deadline = time.time() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline or web.poll() is not None:
                    log = web.stderr.read().decode() if web.stderr else (folder / "serve.log").read_text()
                    raise SystemExit(f"the web process did not start: {log[-2000:]}")
                time.sleep(0.2)
        if args.launch == "serve":
            worker_pids = tuple(_spawned_workers(web.pid, args.worker_processes))
            if len(worker_pids) != args.worker_processes:
                raise SystemExit(f"serve started {len(worker_pids)} worker processes, not {args.worker_processes}")
        figures["niceness"] = {"web": _niceness(web.pid), "workers": [_niceness(pid) for pid in worker_pids]}
        print(f"launch {args.launch}, server session {figures['server_session']}, autogroup {figures['autogroup']}: "
              f"niceness {json.dumps(figures['niceness'])}", flush=True)
        names = ["reader", *(f"reader{i:03d}" for i in range(1, args.readers))]
        cookies = [_login(port, name) for name in names]
        time.sleep(3)  # the workers warm up (imports, catalog) before throughput is counted

        def run(label: str, readers: int, seconds: float, think: float = 0.0) -> dict[str, object]:
            out = _phase(db_url, port, cookies, readers, seconds, think, web.pid, worker_pids)
            print(f"{label}:", json.dumps(out, ensure_ascii=False), flush=True)
            figures[label] = out
            return out

        # Quiet phases between the loaded ones: each loaded phase is compared with the mean of
        # the quiet phases either side of it, so a shared machine's drifting load is not
        # counted as the readers' effect.
        quiet1 = run("without readers", 0, args.seconds)
        burst = run("back to back", args.readers, args.seconds)
        quiet2 = run("without readers (2)", 0, args.seconds)
        paced = run(f"think {args.think:g} s", args.readers, args.seconds, args.think)
        quiet3 = run("without readers (3)", 0, args.seconds)
        if args.batch - (_done(db_url) - args.rows) <= 0:
            print("warning: the batch ran out before the last phase; raise --batch")
        run("one reader", 1, min(args.seconds, 10))

        def pace(*phases: dict[str, object]) -> float:
            return sum(float(str(p["scripts_per_min"])) for p in phases) / len(phases)

        for label, loaded, base in (("back to back", burst, pace(quiet1, quiet2)),
                                    (f"think {args.think:g} s", paced, pace(quiet2, quiet3))):
            ratio = float(str(loaded["scripts_per_min"])) / base if base else 0.0
            figures[f"throughput ratio, {label}"] = round(ratio, 2)
            print(f"analysis throughput, {label} / without readers either side: {ratio:.2f} "
                  f"({loaded['scripts_per_min']} vs {base:.1f} scripts/min)")
        figures["load_average_end"] = round(os.getloadavg()[0], 2)
        print(f"load average at the end: {figures['load_average_end']}")
        if args.json:
            args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1))
    finally:
        for p in [web, *workers]:
            p.terminate()
        for p in [web, *workers]:
            p.wait(10)
        shutil.rmtree(folder, ignore_errors=True)

if __name__ == "__main__":
    main()
